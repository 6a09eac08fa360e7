//! Faults the fake gateway can be told to produce at run time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// A way the gateway misbehaves. Combine with [`FaultRule`] to limit it to some commands or to
/// a number of requests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GatewayFault {
    /// Wait this long, then answer normally.
    Latency(Duration),
    /// HTTP 429 with a `Retry-After` header (whole seconds, rounded up).
    RateLimited {
        /// How long the caller is told to wait.
        retry_after: Duration,
    },
    /// HTTP 500 `{"error":"internal server error"}`.
    InternalError,
    /// HTTP 400 `{"error":"Client could not be found in cache"}`, a transient state error real
    /// gateways give.
    ClientNotInCache,
    /// HTTP 200 with a JSON content type and a body that is not valid JSON.
    MalformedBody,
    /// The connection is closed without any answer.
    ConnectionDrop,
}

impl GatewayFault {
    /// A short, secret-free name for journals and logs.
    pub fn label(&self) -> String {
        match self {
            Self::Latency(delay) => format!("latency {}ms", delay.as_millis()),
            Self::RateLimited { retry_after } => {
                format!(
                    "rate limited (retry after {}s)",
                    retry_after.as_secs_f64().ceil()
                )
            }
            Self::InternalError => "internal error".to_owned(),
            Self::ClientNotInCache => "client not in cache".to_owned(),
            Self::MalformedBody => "malformed body".to_owned(),
            Self::ConnectionDrop => "connection drop".to_owned(),
        }
    }
}

/// A fault limited to some commands and/or a number of requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    fault: GatewayFault,
    commands: Vec<String>,
    remaining: Option<u32>,
}

impl FaultRule {
    /// The fault on every command, until cleared.
    pub fn new(fault: GatewayFault) -> Self {
        Self {
            fault,
            commands: Vec::new(),
            remaining: None,
        }
    }

    /// Limits the fault to `command` (may be called several times).
    #[must_use]
    pub fn command(mut self, command: impl Into<String>) -> Self {
        self.commands.push(command.into());
        self
    }

    /// Limits the fault to the next `count` matching requests.
    #[must_use]
    pub fn times(mut self, count: u32) -> Self {
        self.remaining = Some(count);
        self
    }

    fn applies_to(&self, command: &str) -> bool {
        self.commands.is_empty() || self.commands.iter().any(|wanted| wanted == command)
    }
}

impl From<GatewayFault> for FaultRule {
    fn from(fault: GatewayFault) -> Self {
        Self::new(fault)
    }
}

/// The gateway's fault switches. Cloning shares the same switches.
#[derive(Debug, Clone, Default)]
pub struct GatewayFaults {
    inner: Arc<FaultsInner>,
}

#[derive(Debug, Default)]
struct FaultsInner {
    /// Number of rules, read without the lock so fault-free requests pay one atomic load.
    active: AtomicUsize,
    rules: Mutex<Vec<FaultRule>>,
}

impl GatewayFaults {
    /// Adds a fault; earlier rules take precedence over later ones.
    pub fn inject(&self, rule: impl Into<FaultRule>) {
        let mut rules = self.lock();
        rules.push(rule.into());
        self.inner.active.store(rules.len(), Ordering::Release);
    }

    /// Removes every fault.
    pub fn clear(&self) {
        let mut rules = self.lock();
        rules.clear();
        self.inner.active.store(0, Ordering::Release);
    }

    /// The faults still armed.
    pub fn active(&self) -> Vec<FaultRule> {
        self.lock().clone()
    }

    /// The fault for this request, consuming one use of a counted rule.
    pub(crate) fn take(&self, command: &str) -> Option<GatewayFault> {
        if self.inner.active.load(Ordering::Acquire) == 0 {
            return None;
        }

        let mut rules = self.lock();
        let index = rules.iter().position(|rule| rule.applies_to(command))?;
        let rule = rules.get_mut(index)?;
        let fault = rule.fault.clone();
        if let Some(remaining) = rule.remaining.as_mut() {
            *remaining = remaining.saturating_sub(1);
            if *remaining == 0 {
                rules.remove(index);
            }
        }
        self.inner.active.store(rules.len(), Ordering::Release);
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        // Rules are replaced whole; a poisoned lock still holds a valid list.
        self.inner
            .rules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_rules_expire_and_command_filters_apply() {
        let faults = GatewayFaults::default();
        faults.inject(
            FaultRule::new(GatewayFault::InternalError)
                .command("auth")
                .times(2),
        );
        faults.inject(GatewayFault::ConnectionDrop);

        assert_eq!(faults.take("auth"), Some(GatewayFault::InternalError));
        assert_eq!(
            faults.take("describe-item"),
            Some(GatewayFault::ConnectionDrop)
        );
        assert_eq!(faults.take("auth"), Some(GatewayFault::InternalError));
        assert_eq!(faults.take("auth"), Some(GatewayFault::ConnectionDrop));
        faults.clear();
        assert_eq!(faults.take("auth"), None);
    }
}
