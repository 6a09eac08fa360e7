//! Replays the committed corpus of the `template_render` fuzz target through the same checks,
//! so every input that once mattered stays covered on stable Rust.

mod support {
    pub(crate) mod template_fuzz;
}

#[test]
fn replay_template_render_corpus() {
    let directory = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/corpus/template_render"
    );
    let entries = std::fs::read_dir(directory).expect("the seed corpus is committed");
    let mut replayed = 0;
    for entry in entries {
        let path = entry.expect("readable corpus entry").path();
        let input = std::fs::read(&path).expect("readable corpus file");
        support::template_fuzz::check(&input);
        replayed += 1;
    }
    assert!(
        replayed >= 20,
        "expected a seed corpus, found {replayed} inputs"
    );
}
