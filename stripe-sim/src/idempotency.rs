//! `Idempotency-Key` handling: replay, parameter mismatch (400) and in-flight lock (409).

use serde_json::Value;

use crate::errors::ApiError;
use crate::state::World;

/// Keys are kept 24 hours (sim clock).
const RETENTION_SECS: i64 = 24 * 3600;

/// A key's record.
#[derive(Debug, Clone)]
pub struct IdemEntry {
    pub path: String,
    pub fingerprint: String,
    pub created: i64,
    /// `None` while the first request is still running.
    pub result: Option<Stored>,
}

/// A stored response.
#[derive(Debug, Clone)]
pub struct Stored {
    pub status: u16,
    pub body: String,
    pub request_id: String,
}

/// What to do with a request carrying a key.
pub enum Begin {
    Proceed,
    Replay(Stored),
}

/// A canonical form of the request parameters.
pub fn fingerprint(method: &str, params: &Value) -> String {
    format!("{method} {params}")
}

/// Looks the key up and either locks it for this request or answers from the record.
pub fn begin(
    world: &mut World,
    key: &str,
    path: &str,
    fp: &str,
    now: i64,
) -> Result<Begin, ApiError> {
    if key.chars().count() > 255 {
        return Err(ApiError::invalid(
            "Idempotency keys can be at most 255 characters long.",
            "idempotency_key",
        ));
    }
    if let Some(e) = world.idem.get(key) {
        if now - e.created < RETENTION_SECS {
            if e.path != path {
                return Err(ApiError::new(
                    400,
                    "idempotency_error",
                    format!(
                        "Keys for idempotent requests can only be used for the same endpoint they were first used for ('{}' vs '{path}'). Try using a key other than '{key}' if you meant to execute a different request.",
                        e.path
                    ),
                ));
            }
            if e.fingerprint != fp {
                return Err(ApiError::new(
                    400,
                    "idempotency_error",
                    format!("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."),
                ));
            }
            return match &e.result {
                Some(stored) => Ok(Begin::Replay(stored.clone())),
                None => Err(ApiError::new(
                    409,
                    "idempotency_error",
                    format!("There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): {key}. Please try again later."),
                )
                .code("idempotency_key_in_use")
                .retry(true)),
            };
        }
    }
    world.idem.insert(
        key.to_string(),
        IdemEntry {
            path: path.to_string(),
            fingerprint: fp.to_string(),
            created: now,
            result: None,
        },
    );
    Ok(Begin::Proceed)
}

/// Stores the result, or forgets the key when the endpoint never started executing
/// (validation errors, faults): Stripe saves no result then.
pub fn finish(world: &mut World, key: &str, stored: Option<Stored>) {
    match stored {
        Some(s) => {
            if let Some(e) = world.idem.get_mut(key) {
                e.result = Some(s);
            }
        }
        None => {
            world.idem.remove(key);
        }
    }
}
