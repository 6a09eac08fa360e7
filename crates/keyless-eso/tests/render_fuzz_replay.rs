//! Replays `fuzz/corpus/eso_render/*` through the `eso_render` fuzz target's checks.

mod support {
    pub(crate) mod render_fuzz {
        include!("support/render_fuzz.rs");
    }
}

#[test]
fn eso_render_corpus_replays_without_panics() {
    let directory = format!(
        "{}/../../fuzz/corpus/eso_render",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut replayed = 0;
    for entry in std::fs::read_dir(&directory).expect("the seed corpus exists") {
        let path = entry.expect("a corpus entry").path();
        let input = std::fs::read(&path).expect("a corpus file");
        support::render_fuzz::check(&input);
        replayed += 1;
    }
    assert!(
        replayed >= 10,
        "only {replayed} corpus files in {directory}"
    );
}
