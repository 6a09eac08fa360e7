//! The token every call shares, refreshed by one caller at a time.

use crate::Error;
use secrecy::SecretString;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
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
/// fresh token when their turn comes. So N concurrent calls cost one `/auth`, and when that
/// `/auth` fails, the callers that waited for it receive copies of its error instead of each
/// trying in turn (with an unreachable gateway, the last of N waiters would otherwise wait N
/// connect timeouts). A caller that arrives after a failure tries again.
pub(crate) struct TokenCache {
    current: Mutex<Option<CachedToken>>,
    refresh: tokio::sync::Mutex<u64>,
    /// Authentication attempts that have finished, successful or not; changed only under
    /// `refresh`, so a waiter can tell whether an attempt ended while it waited.
    finished_attempts: AtomicU64,
    /// The error of the last attempt if it failed, ready to be copied to its waiters.
    last_failure: Mutex<Option<Error>>,
}

impl TokenCache {
    pub(crate) fn new() -> Self {
        Self {
            current: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(0),
            finished_attempts: AtomicU64::new(0),
            last_failure: Mutex::new(None),
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

        let attempts_before = self.finished_attempts.load(Ordering::Acquire);
        let mut last_generation = self.refresh.lock().await;
        if let Some(cached) = self.fresh() {
            return Ok(cached);
        }
        if self.finished_attempts.load(Ordering::Acquire) != attempts_before
            && let Some(error) = self.failure_for_waiter()
        {
            return Err(error);
        }

        let outcome = authenticate().await;
        self.finished_attempts.fetch_add(1, Ordering::Release);
        let (token, keep_for) = match outcome {
            Ok(issued) => {
                *self.lock_failure() = None;
                issued
            }
            Err(error) => {
                *self.lock_failure() = error.copy_shared();
                return Err(error);
            }
        };
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

    /// A copy of the last attempt's error, if it failed.
    fn failure_for_waiter(&self) -> Option<Error> {
        self.lock_failure().as_ref().and_then(Error::copy_shared)
    }

    fn lock_failure(&self) -> std::sync::MutexGuard<'_, Option<Error>> {
        self.last_failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    fn rejected() -> Error {
        Error::Unauthenticated {
            access_type: "access_key".to_owned(),
            message: "access denied".to_owned(),
            source: Some(Box::new(std::io::Error::other("the key file is empty"))),
        }
    }

    /// Runs `callers` concurrent `get_or_refresh` calls whose authentication fails after a
    /// short wait; returns how many authentications ran and every caller's outcome.
    async fn concurrent_failures(callers: usize) -> (usize, Vec<Result<CachedToken, Error>>) {
        let cache = Arc::new(TokenCache::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..callers {
            let cache = Arc::clone(&cache);
            let runs = Arc::clone(&runs);
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_refresh(|| async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Err(rejected())
                    })
                    .await
            }));
        }
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("the task ran"));
        }
        (runs.load(Ordering::SeqCst), outcomes)
    }

    #[tokio::test]
    async fn waiters_of_a_failed_authentication_share_its_error() {
        let (runs, outcomes) = concurrent_failures(5).await;

        assert_eq!(runs, 1);
        for outcome in outcomes {
            let error = outcome.err().expect("every caller fails");
            assert!(matches!(error, Error::Unauthenticated { .. }), "{error:?}");
            assert_eq!(
                error.to_string(),
                "authentication failed (access_key): access denied"
            );
            let cause = error.source().map(ToString::to_string);
            assert_eq!(cause.as_deref(), Some("the key file is empty"));
        }
    }

    #[tokio::test]
    async fn a_caller_arriving_after_a_failure_tries_again() {
        let cache = TokenCache::new();
        let runs = AtomicUsize::new(0);
        let fail = || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Err(rejected())
        };
        assert!(cache.get_or_refresh(fail).await.is_err());
        assert!(cache.get_or_refresh(fail).await.is_err());
        assert_eq!(runs.load(Ordering::SeqCst), 2);

        let issued = cache
            .get_or_refresh(|| async { Ok((SecretString::from("t"), Duration::from_secs(60))) })
            .await;
        assert!(issued.is_ok());
        assert!(cache.lock_failure().is_none());
    }

    #[test]
    fn a_copy_keeps_the_text_of_every_cause_and_the_original_keeps_its_types() {
        let original = rejected();
        let copy = original
            .copy_shared()
            .expect("authentication errors are copied");

        assert_eq!(copy.to_string(), original.to_string());
        fn chain(error: &Error) -> Vec<String> {
            let mut texts = Vec::new();
            let mut cause = error.source();
            while let Some(layer) = cause {
                texts.push(layer.to_string());
                cause = layer.source();
            }
            texts
        }
        assert_eq!(chain(&copy), chain(&original));
        assert_eq!(chain(&copy), ["the key file is empty"]);
        let original_cause = original.source().expect("a cause");
        assert!(original_cause.downcast_ref::<std::io::Error>().is_some());
    }
}
