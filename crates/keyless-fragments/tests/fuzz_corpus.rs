//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/*`) through the same checks the
//! fuzz targets run, on stable Rust and in every test run.

#[path = "../../../fuzz/common/fragments.rs"]
mod fragments;

use std::path::PathBuf;

fn replay(target: &str, check: fn(&[u8])) {
    let dir: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fuzz",
        "corpus",
        target,
    ]
    .iter()
    .collect();
    let mut count = 0;
    for entry in
        std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
    {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "corpus input {} failed its check",
            path.display()
        );
        count += 1;
    }
    assert!(count > 0, "no corpus inputs in {}", dir.display());
}

#[test]
fn partial_finish_corpus() {
    replay("partial_finish", fragments::check_partial_finish);
}

#[test]
fn envelope_open_corpus() {
    replay("envelope_open", fragments::check_envelope_open);
}

#[test]
fn roster_decode_corpus() {
    replay("roster_decode", fragments::check_roster_decode);
}

#[test]
fn the_committed_envelope_seed_opens_with_the_fixture_key() {
    // Keeps the envelope corpus meaningful: at least one seed is a genuine envelope, so the
    // fuzzer starts from inputs that reach decryption.
    let dir: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fuzz",
        "corpus",
        "envelope_open",
    ]
    .iter()
    .collect();
    let data = std::fs::read(dir.join("genuine")).unwrap();
    let envelope = keyless_fragments::Envelope::from_bytes(&data).unwrap();
    assert!(fragments::fixture().key.open(&envelope).is_ok());
}
