//! Replays the committed corpus of the `gateway_response_decode` fuzz target
//! (`fuzz/corpus/gateway_response_decode/*`) through the same checks, on stable Rust.

#[path = "../../../../fuzz/common/gateway.rs"]
mod gateway;

use std::path::PathBuf;

#[test]
fn gateway_response_decode_corpus() {
    let dir: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fuzz",
        "corpus",
        "gateway_response_decode",
    ]
    .iter()
    .collect();
    let mut count = 0;
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let data = std::fs::read(&path).expect("corpus file");
        let outcome = std::panic::catch_unwind(|| gateway::check_gateway_response_decode(&data));
        assert!(
            outcome.is_ok(),
            "corpus input {} failed its check",
            path.display()
        );
        count += 1;
    }
    assert!(
        count >= 20,
        "only {count} corpus inputs in {}",
        dir.display()
    );
}

#[test]
fn short_inputs_are_ignored() {
    gateway::check_gateway_response_decode(b"");
    gateway::check_gateway_response_decode(b"\x00");
    gateway::check_gateway_response_decode(b"\x00\x00");
}
