//! The token every call shares, refreshed by one caller at a time.

use crate::Error;
use secrecy::SecretString;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A token and when to replace it.
#[derive(Clone)]
pub(crate) struct CachedToken {
    pub(crate) token: SecretString,
    /// Increases with every token, so a caller that saw a 401 can invalidate exactly the
    /// token it used and not a newer one.
    pub(crate) generation: u64,
    refresh_at: Instant,
}

/// Single-flight token cache.
///
/// The fast path reads the current token under a short synchronous lock. When it is missing
/// or due, callers queue on an async lock; the first one authenticates, the others find the
/// fresh token when their turn comes. So N concurrent calls cost one `/auth`.
pub(crate) struct TokenCache {
    current: Mutex<Option<CachedToken>>,
    refresh: tokio::sync::Mutex<u64>,
}

impl TokenCache {
    pub(crate) fn new() -> Self {
        Self {
            current: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(0),
        }
    }

    /// The current token if it is not due for refresh.
    fn fresh(&self) -> Option<CachedToken> {
        let guard = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|cached| Instant::now() < cached.refresh_at)
            .cloned()
    }

    /// The current token, or a new one from `authenticate` (which returns the token and how
    /// long to keep it).
    pub(crate) async fn get_or_refresh<F, Fut>(&self, authenticate: F) -> Result<CachedToken, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(SecretString, Duration), Error>>,
    {
        if let Some(cached) = self.fresh() {
            return Ok(cached);
        }

        let mut last_generation = self.refresh.lock().await;
        if let Some(cached) = self.fresh() {
            return Ok(cached);
        }

        let (token, keep_for) = authenticate().await?;
        *last_generation += 1;
        let cached = CachedToken {
            token,
            generation: *last_generation,
            refresh_at: Instant::now() + keep_for,
        };
        let mut guard = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = Some(cached.clone());
        Ok(cached)
    }

    /// Drops the token of `generation` if it is still the current one (the server rejected
    /// it), so the next caller authenticates again.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut guard = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard
            .as_ref()
            .is_some_and(|cached| cached.generation == generation)
        {
            *guard = None;
        }
    }
}

/// How long to keep a token that expires in `lifetime`: `margin` before expiry, or half the
/// lifetime when it is shorter than two margins.
pub(crate) fn keep_for(lifetime: Duration, margin: Duration) -> Duration {
    if lifetime > margin.saturating_mul(2) {
        lifetime - margin
    } else {
        lifetime / 2
    }
}
