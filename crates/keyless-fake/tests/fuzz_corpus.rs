//! Replays the committed `fake_seed` fuzz corpus through the check the fuzz target runs, on
//! stable Rust and in every test run.

#[path = "../../../fuzz/common/fake.rs"]
mod fake;

use std::path::PathBuf;

#[test]
fn fake_seed_corpus() {
    let dir: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fuzz",
        "corpus",
        "fake_seed",
    ]
    .iter()
    .collect();
    let mut count = 0;
    for entry in
        std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
    {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| fake::check_seed(&data));
        assert!(
            outcome.is_ok(),
            "corpus input {} failed its check",
            path.display()
        );
        count += 1;
    }
    assert!(count > 0, "no corpus inputs in {}", dir.display());
}
