//! When and how long to wait before sending a call again.

use std::time::Duration;

/// Retry policy: capped exponential backoff with full jitter, honouring `Retry-After`.
///
/// Applied only to calls that are safe to repeat: the reads (`get-secret-value`,
/// `describe-item`, `list-items`, `validate-token`, `get-rotated-secret-value`, `/auth`) on a
/// connection failure, a timeout, 429, 502, 503 or 504. A write (`create-secret`,
/// `update-secret-val`, `delete-item`, `rollback-secret`, `get-dynamic-secret-value`, which
/// creates credentials, and `uid-rotate-token`) is sent again only when the connection could
/// not be made, so the server never saw it, unless [`RetryPolicy::with_retry_writes`] opts in.
///
/// The wait before retry `n` (1-based) is a uniform random duration in
/// `[0, min(max_delay, initial_delay · 2ⁿ⁻¹)]`, or the server's `Retry-After` when it sent one.
/// A `Retry-After` longer than `max_retry_after` ends the retries at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    retry_writes: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            retry_writes: false,
        }
    }
}

impl RetryPolicy {
    /// Three attempts, 100 ms initial delay, 5 s cap, `Retry-After` up to 30 s, writes not
    /// retried.
    pub fn new() -> Self {
        Self::default()
    }

    /// One attempt, never a retry.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts including the first (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Upper bound of the first backoff.
    #[must_use]
    pub fn with_initial_delay(mut self, initial_delay: Duration) -> Self {
        self.initial_delay = initial_delay;
        self
    }

    /// Cap of every backoff.
    #[must_use]
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// The longest `Retry-After` the client waits for; a longer one fails the call at once
    /// with [`crate::Error::RateLimited`].
    #[must_use]
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// Also retry writes on timeouts and 429/502/503/504. Only safe when a duplicate write
    /// does no harm to the caller.
    #[must_use]
    pub fn with_retry_writes(mut self, retry_writes: bool) -> Self {
        self.retry_writes = retry_writes;
        self
    }

    /// Total attempts including the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether writes are retried like reads.
    pub fn retries_writes(&self) -> bool {
        self.retry_writes
    }

    /// How long to wait before retry number `retry` (1-based), or `None` when the server's
    /// `Retry-After` is longer than this policy accepts.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if let Some(wait) = retry_after {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let exponent = retry.saturating_sub(1).min(30);
        let ceiling = self
            .initial_delay
            .saturating_mul(1_u32 << exponent)
            .min(self.max_delay);
        Some(full_jitter(ceiling))
    }
}

/// A uniform random duration in `[0, ceiling]`. Without randomness the ceiling itself is used,
/// which only loses the spreading of retries.
fn full_jitter(ceiling: Duration) -> Duration {
    let Ok(random) = getrandom::u64() else {
        return ceiling;
    };
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    Duration::from_nanos(random % (nanos.saturating_add(1)).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_and_jittered() {
        let policy = RetryPolicy::new()
            .with_initial_delay(Duration::from_millis(10))
            .with_max_delay(Duration::from_millis(40));
        for retry in 1..40 {
            let delay = policy.delay(retry, None).unwrap_or(Duration::MAX);
            let ceiling = Duration::from_millis(10 << (retry - 1).min(2));
            assert!(delay <= ceiling, "retry {retry}: {delay:?} > {ceiling:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_limit() {
        let policy = RetryPolicy::new().with_max_retry_after(Duration::from_secs(2));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.delay(1, Some(Duration::from_secs(3))), None);
    }

    #[test]
    fn at_least_one_attempt() {
        assert_eq!(RetryPolicy::new().with_max_attempts(0).max_attempts(), 1);
        assert_eq!(RetryPolicy::never().max_attempts(), 1);
    }
}
