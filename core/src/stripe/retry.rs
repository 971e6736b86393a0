//! When to send a Stripe request again, and how long to wait first.
//!
//! async-stripe's own strategies don't fit: `Idempotent(key)` never retries, and its retrying
//! strategies send writes *without* a key unless the `uuid` feature is on, so a lost answer could
//! create a payment twice. Paydesk's transport retries itself, always resending a write with the
//! same idempotency key, which Stripe answers with the first result instead of acting twice.
//!
//! Rule, in order: stop when the attempts or the time budget are used up; if Stripe sent a
//! `Stripe-Should-Retry` header, obey it; otherwise retry on a network failure or timeout, 409 (a
//! concurrent request with the same key, or a lock), 429 (rate limit or lock timeout) and 5xx.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first wait; each later one doubles, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// No new attempt starts after this long since the first one.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            budget: Duration::from_secs(45),
        }
    }
}

/// What happened on one attempt, as far as retrying cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// No answer: connection refused or dropped, or the timeout struck.
    NoAnswer,
    Status {
        status: u16,
        should_retry: Option<bool>,
    },
}

impl RetryPolicy {
    /// Whether the failed attempt is worth repeating (ignoring the budget).
    pub fn retryable(attempt: Attempt) -> bool {
        match attempt {
            Attempt::NoAnswer => true,
            Attempt::Status {
                should_retry: Some(header),
                ..
            } => header,
            Attempt::Status { status, .. } => matches!(status, 409 | 429 | 500..=599),
        }
    }

    /// How long to wait before attempt number `next` (2 for the first retry), with "equal jitter":
    /// half the exponential delay, plus a random part of the other half, so that many clients
    /// rate-limited together don't come back in step.
    pub fn delay(&self, next: u32) -> Duration {
        let exp = next.saturating_sub(2).min(20);
        let full = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        let half = full / 2;
        let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(fastrand::u64(0..=jitter_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_rule_by_status_and_header() {
        let s = |status, should_retry| Attempt::Status {
            status,
            should_retry,
        };
        assert!(RetryPolicy::retryable(Attempt::NoAnswer));
        for status in [409, 429, 500, 502, 503] {
            assert!(RetryPolicy::retryable(s(status, None)), "{status}");
        }
        for status in [400, 401, 402, 403, 404] {
            assert!(!RetryPolicy::retryable(s(status, None)), "{status}");
        }
        assert!(!RetryPolicy::retryable(s(500, Some(false))));
        assert!(RetryPolicy::retryable(s(400, Some(true))));
    }

    #[test]
    fn delays_grow_with_jitter_and_stay_capped() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            let d2 = p.delay(2);
            assert!(d2 >= Duration::from_millis(250) && d2 <= Duration::from_millis(500));
            let d4 = p.delay(4);
            assert!(d4 >= Duration::from_millis(1000) && d4 <= Duration::from_millis(2000));
            assert!(p.delay(30) <= p.max_delay);
        }
    }
}
