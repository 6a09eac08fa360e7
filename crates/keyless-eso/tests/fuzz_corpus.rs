//! Replays the committed fuzz corpora through the fuzz targets' own checks, on stable Rust.

#[path = "../../../fuzz/checks/eso.rs"]
mod checks;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = format!("{}/../../fuzz/corpus/{target}", env!("CARGO_MANIFEST_DIR"));
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "{dir} has no seeds");
    for path in entries {
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        check(&data);
    }
}

#[test]
fn eso_manifest_corpus() {
    replay("eso_manifest", checks::eso_manifest);
}

#[test]
fn go_duration_corpus() {
    replay("go_duration", checks::go_duration);
}
