//! Per-caller token buckets.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A per-caller request rate limit: `per_second` sustained, bursts up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    per_second: f64,
    burst: f64,
}

impl RateLimit {
    /// `per_second` requests per second sustained, with bursts of the same size.
    pub fn per_second(per_second: u32) -> Self {
        let rate = f64::from(per_second.max(1));
        Self {
            per_second: rate,
            burst: rate,
        }
    }

    /// Sets the burst size (at least one request).
    #[must_use]
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = f64::from(burst.max(1));
        self
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// Token buckets by caller name.
#[derive(Debug, Default)]
pub(crate) struct Buckets {
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Buckets {
    /// Takes one token from `caller`'s bucket, or says how long until one is available.
    pub(crate) fn admit(&self, caller: &str, limit: RateLimit) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.entry(caller.to_owned()).or_insert(Bucket {
            tokens: limit.burst,
            refilled: now,
        });

        let elapsed = now.saturating_duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * limit.per_second).min(limit.burst);
        bucket.refilled = now;

        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / limit.per_second,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refuses_then_each_caller_has_its_own_bucket() {
        let buckets = Buckets::default();
        let limit = RateLimit::per_second(1).burst(3);
        for _ in 0..3 {
            assert!(buckets.admit("gateway", limit).is_ok());
        }
        let wait = buckets.admit("gateway", limit).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1));
        assert!(buckets.admit("other", limit).is_ok());
    }
}
