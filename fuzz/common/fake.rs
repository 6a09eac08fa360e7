//! Checks shared by the `fake_seed` fuzz target and the stable corpus replay in keyless-fake.

/// Parses `data` as a seed file and turns it into a builder. Must never panic; a seed that
/// parses must either build or be refused with an error that names where it is wrong.
pub(crate) fn check_seed(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match keyless_fake::Seed::from_yaml(text) {
        Ok(seed) => {
            if let Err(error) = seed.into_builder() {
                assert!(!error.to_string().is_empty());
            }
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}
