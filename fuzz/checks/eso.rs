//! Checks shared by the keyless-eso fuzz targets and the crate's stable corpus-replay test
//! (`crates/keyless-eso/tests/fuzz_corpus.rs`), so both run exactly the same assertions.

use keyless_eso::{
    Document, GoDuration, KnownStore, Manifest, Options, RenderOptions, SecretStoreKind,
    render_json, render_text, validate,
};

/// YAML → model → validation → rendering must never panic; every diagnostic must point inside
/// the file; a manifest read without findings must survive a YAML round trip unchanged.
pub(crate) fn eso_manifest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let document = Document::parse("fuzz.yaml", text);

    for options in [
        Options::new(),
        Options::new()
            .with_key_prefix("/mdapi/")
            .with_store(KnownStore::new(
                SecretStoreKind::ClusterSecretStore,
                "cm-akeyless",
            ))
            .with_stores_from(&document)
            .helm_chart(true),
    ] {
        let diagnostics = validate(&document, &options);
        for diagnostic in &diagnostics {
            assert!(
                diagnostic.span.offset <= text.len(),
                "{diagnostic:?} points past the end"
            );
            assert!(
                text.is_char_boundary(diagnostic.span.offset),
                "{diagnostic:?} splits a char"
            );
            assert!(!diagnostic.message.is_empty());
        }
        let _ = render_text(&document, &diagnostics, RenderOptions::plain());
        let json = render_json(&diagnostics).expect("diagnostics serialise");
        let _: serde_json::Value = serde_json::from_str(&json).expect("the report is JSON");
    }

    if !document.load_diagnostics().is_empty() {
        return;
    }
    for resource in document.resources() {
        let Some(manifest @ Manifest::ExternalSecret(_)) = resource.manifest() else {
            continue;
        };
        let yaml = manifest.to_yaml().expect("a read manifest serialises");
        let again = Document::parse("again.yaml", yaml.as_str());
        assert!(
            again.load_diagnostics().is_empty(),
            "{yaml}\n{:?}",
            again.load_diagnostics()
        );
        assert_eq!(
            again.resources().first().and_then(|r| r.manifest()),
            Some(manifest),
            "{yaml}"
        );
    }
}

/// Go duration parsing never panics; accepted values print canonically and read back equal.
pub(crate) fn go_duration(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match text.parse::<GoDuration>() {
        Ok(duration) => {
            assert_eq!(duration.original_text(), Some(text));
            let canonical = duration.to_string();
            let again: GoDuration = canonical.parse().expect("the canonical form parses");
            assert_eq!(again.as_nanos(), duration.as_nanos());
            assert_eq!(again.to_string(), canonical);
        }
        Err(error) => assert!(error.to_string().starts_with("time: "), "{error}"),
    }
}
