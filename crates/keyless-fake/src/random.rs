//! Operating-system randomness for tokens, ids and simulated credentials.

/// The operating system's random source failed; nothing random can be produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random source is unavailable")]
pub(crate) struct RandomUnavailable;

/// Fills `buffer` from the operating system.
pub(crate) fn fill(buffer: &mut [u8]) -> Result<(), RandomUnavailable> {
    getrandom::fill(buffer).map_err(|_| RandomUnavailable)
}

/// `length` random characters from `[a-z0-9]`, for ids and generated passwords.
pub(crate) fn alphanumeric(length: usize) -> Result<String, RandomUnavailable> {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = zeroize::Zeroizing::new(vec![0_u8; length]);
    fill(&mut bytes)?;
    // 256 is not a multiple of 36; the slight bias is irrelevant for test identifiers.
    Ok(bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .collect())
}
