//! The README's promises, checked: its Rust code is code that compiles and runs here, and its
//! two commands are the ones CI runs.

use std::path::{Path, PathBuf};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(relative: &str) -> String {
    let path = repository_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The bodies of the README's fenced blocks in `language`.
fn fenced_blocks(text: &str, language: &str) -> Vec<String> {
    let opening = format!("```{language}");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim_end() == opening => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

#[test]
fn every_rust_block_is_compiled_code_of_this_repository() {
    let readme = read("README.md");
    let sources = [
        read("examples/tests/embed_fake_gateway.rs"),
        read("examples/tests/fake_runbook_faults.rs"),
        read("examples/examples/read_secret.rs"),
    ];
    let blocks = fenced_blocks(&readme, "rust");
    assert_eq!(blocks.len(), 3, "the README shows three Rust blocks");
    for block in &blocks {
        assert!(
            sources.iter().any(|source| source.contains(block.as_str())),
            "this README block is not verbatim in a compiled file:\n{block}"
        );
    }
}

#[test]
fn the_embedding_examples_are_whole_test_files() {
    let readme = read("README.md");
    for file in [
        "examples/tests/embed_fake_gateway.rs",
        "examples/tests/fake_runbook_faults.rs",
    ] {
        assert!(
            fenced_blocks(&readme, "rust").contains(&read(file)),
            "the README's test must be the complete {file}, so copying it gives a working test"
        );
    }
}

#[test]
fn the_dependencies_block_names_what_the_test_uses() {
    let readme = read("README.md");
    let toml = fenced_blocks(&readme, "toml").concat();
    for dependency in [
        "keyless-fake",
        "keyless-gateway",
        "secrecy",
        "tokio",
        "macros",
        "rt-multi-thread",
    ] {
        assert!(
            toml.contains(dependency),
            "the dev-dependencies block lacks {dependency}"
        );
    }
}

#[test]
fn the_two_commands_are_the_ones_ci_runs() {
    let readme = read("README.md");
    let ci = read(".ci/run");
    let commands = fenced_blocks(&readme, "sh").concat();
    assert!(commands.contains("cargo run --example reference_flow\n"));
    assert!(commands.contains("cargo test --workspace --all-features\n"));
    assert!(
        ci.contains("cargo test --workspace --all-features"),
        "CI runs the README's tests"
    );
    assert!(
        ci.contains("--example reference_flow"),
        "CI runs the main job"
    );
}

#[test]
fn every_linked_file_exists() {
    let readme = read("README.md");
    let mut missing = Vec::new();
    for (index, _) in readme.match_indices("](") {
        let rest = &readme[index + 2..];
        let Some(end) = rest.find(')') else { continue };
        let target = &rest[..end];
        if target.starts_with("http") || target.starts_with('#') {
            continue;
        }
        if !repository_root().join(target).exists() {
            missing.push(target.to_owned());
        }
    }
    assert!(missing.is_empty(), "links to missing files: {missing:?}");
}
