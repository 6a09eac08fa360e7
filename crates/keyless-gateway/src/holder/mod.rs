//! Fragment holders and the quorum that gathers their partials.

/// Why a quorum failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QuorumError {}

impl QuorumError {
    /// Whether asking again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match *self {}
    }
}
