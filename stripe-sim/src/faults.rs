//! Injected faults: error statuses, latency, dropped connections.

use serde::{Deserialize, Serialize};

use crate::errors::ApiError;

/// One fault rule. JSON form (control endpoint `POST /_sim/faults`):
/// `{"status":429,"times":2,"path_prefix":"/v1/events","should_retry":true}`,
/// `{"delay_ms":300}`, `{"drop_connection":true,"times":1}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fault {
    /// Answer with this status (429, 500, 503…) instead of running the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Hold the request this long before running it (after the idempotency lock is taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Close the connection without an answer.
    #[serde(default)]
    pub drop_connection: bool,
    /// With `drop_connection`: run the request first, then drop the response (a lost
    /// response; the default), or drop before running it (`false`).
    #[serde(default = "yes")]
    pub after_processing: bool,
    /// How many requests it hits; absent = every matching request until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// Only requests whose path starts with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// Only this HTTP method (`GET`, `POST`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// `Stripe-Should-Retry` on the injected error (default: true for 429 and 5xx).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub should_retry: Option<bool>,
}

fn yes() -> bool {
    true
}

impl Fault {
    /// An error status fault (e.g. 429 rate limit, 500).
    pub fn status(status: u16) -> Self {
        Self {
            status: Some(status),
            after_processing: true,
            ..Self::default()
        }
    }

    /// Latency before the request runs.
    pub fn delay_ms(ms: u64) -> Self {
        Self {
            delay_ms: Some(ms),
            after_processing: true,
            ..Self::default()
        }
    }

    /// A dropped connection after the request ran (the response is lost).
    pub fn drop_connection() -> Self {
        Self {
            drop_connection: true,
            after_processing: true,
            ..Self::default()
        }
    }

    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    pub fn path_prefix(mut self, prefix: &str) -> Self {
        self.path_prefix = Some(prefix.to_string());
        self
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    pub fn should_retry(mut self, retry: bool) -> Self {
        self.should_retry = Some(retry);
        self
    }

    pub fn before_processing(mut self) -> Self {
        self.after_processing = false;
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// Active faults.
#[derive(Debug, Default)]
pub struct FaultState {
    rules: Vec<Fault>,
}

/// What a dropped connection should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drop {
    Before,
    After,
}

impl FaultState {
    pub fn add(&mut self, f: Fault) {
        self.rules.push(f);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Consumes one use of the first matching rule selected by `pick`.
    fn take(&mut self, method: &str, path: &str, pick: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let idx = self
            .rules
            .iter()
            .position(|f| pick(f) && f.matches(method, path) && f.times != Some(0))?;
        let rule = &mut self.rules[idx];
        let out = rule.clone();
        if let Some(t) = rule.times.as_mut() {
            *t -= 1;
            if *t == 0 {
                self.rules.remove(idx);
            }
        }
        Some(out)
    }

    /// An injected error response, if one applies.
    pub fn take_status(&mut self, method: &str, path: &str) -> Option<ApiError> {
        let f = self.take(method, path, |f| f.status.is_some())?;
        let status = f.status.unwrap_or(500);
        let retry = f.should_retry.unwrap_or(status == 429 || status >= 500);
        let err = match status {
            429 => ApiError::new(
                429,
                "invalid_request_error",
                "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
            )
            .code("rate_limit"),
            s if s >= 500 => ApiError::new(
                s,
                "api_error",
                "An unknown error occurred while processing your request. Please try again.",
            ),
            s => ApiError::new(s, "invalid_request_error", "Injected fault."),
        };
        Some(err.retry(retry))
    }

    pub fn take_delay(&mut self, method: &str, path: &str) -> Option<u64> {
        self.take(method, path, |f| f.delay_ms.is_some())?.delay_ms
    }

    pub fn take_drop(&mut self, method: &str, path: &str) -> Option<Drop> {
        let f = self.take(method, path, |f| f.drop_connection)?;
        Some(if f.after_processing {
            Drop::After
        } else {
            Drop::Before
        })
    }
}
