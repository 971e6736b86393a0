//! What can go wrong talking to Stripe, in words a shop owner can act on. Stripe's own messages are
//! only passed on after `redact`, because some of them quote the key ("Invalid API Key provided:
//! sk_test_…"), and a 401's message is never passed on at all.

use serde::Deserialize;

use super::key::StripeMode;

/// A Stripe permission a restricted key lacks: a label as the Dashboard's key editor groups it, and
/// Stripe's internal name when its answer gave one (e.g. `rak_customer_write`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MissingPermission {
    pub label: String,
    pub stripe_name: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum StripeError {
    #[error(
        "Stripe didn't accept this key: it may have been deleted or rolled, or belongs to another \
         account. Create a new key in the Stripe Dashboard (Developers → API keys) and connect again."
    )]
    Auth,

    #[error("{}", permission_message(.missing))]
    Permission { missing: Vec<MissingPermission> },

    #[error("The card was declined: {message}")]
    Card {
        code: Option<String>,
        decline_code: Option<String>,
        message: String,
    },

    #[error("Stripe is busy and asked Paydesk to slow down. Wait a minute and try again.")]
    RateLimited,

    #[error(
        "Stripe is having trouble right now (error {status}). Nothing was lost; try again in a few \
         minutes."
    )]
    Unavailable { status: u16 },

    #[error("Paydesk can't reach Stripe. Check the internet connection and try again. ({detail})")]
    Unreachable { detail: String },

    #[error("Stripe refused the request: {message}")]
    Rejected {
        status: u16,
        code: Option<String>,
        param: Option<String>,
        message: String,
    },

    #[error("Stripe sent an answer Paydesk couldn't read ({detail}).")]
    BadResponse { detail: String },

    #[error("Paydesk's Stripe settings are wrong: {0}")]
    Config(String),

    #[error("Stripe {} mode isn't connected yet. Connect it with your Stripe key first.", .mode.as_str())]
    NotConnected { mode: StripeMode },

    #[error(
        "This is a {} key, but {} mode was asked for. Paste a key from the Dashboard's {} mode.",
        .key_mode.as_str(), .wanted.as_str(), .wanted.as_str()
    )]
    WrongMode {
        key_mode: StripeMode,
        wanted: StripeMode,
    },
}

impl StripeError {
    /// A stable name for front ends; `Error::code` passes it through.
    pub fn code(&self) -> &'static str {
        match self {
            StripeError::Auth => "stripe_auth",
            StripeError::Permission { .. } => "stripe_permission",
            StripeError::Card { .. } => "stripe_card",
            StripeError::RateLimited => "stripe_rate_limited",
            StripeError::Unavailable { .. } => "stripe_unavailable",
            StripeError::Unreachable { .. } => "stripe_unreachable",
            StripeError::Rejected { .. } => "stripe_rejected",
            StripeError::BadResponse { .. } => "stripe_bad_response",
            StripeError::Config(_) => "stripe_config",
            StripeError::NotConnected { .. } => "stripe_not_connected",
            StripeError::WrongMode { .. } => "stripe_wrong_mode",
        }
    }

    /// Builds the error for a non-2xx answer. `label` names what Paydesk was doing, used for a 403.
    pub fn from_response(status: u16, body: &[u8], label: &str) -> StripeError {
        let detail = serde_json::from_slice::<Envelope>(body)
            .map(|e| e.error)
            .unwrap_or_default();
        let message = detail
            .message
            .as_deref()
            .map(redact)
            .unwrap_or_else(|| format!("error {status}"));
        match status {
            401 => StripeError::Auth,
            402 => StripeError::Card {
                code: detail.code,
                decline_code: detail.decline_code,
                message,
            },
            403 => StripeError::Permission {
                missing: vec![MissingPermission {
                    label: label.to_string(),
                    stripe_name: detail.message.as_deref().and_then(permission_name),
                }],
            },
            429 => StripeError::RateLimited,
            500..=599 => StripeError::Unavailable { status },
            _ => StripeError::Rejected {
                status,
                code: detail.code,
                param: detail.param,
                message,
            },
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct Envelope {
    #[serde(default)]
    error: Detail,
}

#[derive(Debug, Default, Deserialize)]
struct Detail {
    message: Option<String>,
    code: Option<String>,
    decline_code: Option<String>,
    param: Option<String>,
}

fn permission_message(missing: &[MissingPermission]) -> String {
    let names = missing
        .iter()
        .map(|m| match &m.stripe_name {
            Some(n) => format!("{} ({n})", m.label),
            None => m.label.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "This restricted key is missing permissions Paydesk needs: {names}. Edit the key in the \
         Stripe Dashboard (Developers → API keys), allow these, and connect again."
    )
}

/// Stripe's 403 says "… Having the 'rak_charge_write' permission would allow this request to continue."
fn permission_name(message: &str) -> Option<String> {
    let start = message.find("Having the '")? + "Having the '".len();
    let len = message[start..].find('\'')?;
    let name = &message[start..start + len];
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| name.to_string())
}

/// Replaces anything shaped like a Stripe key or secret in `text` with `<redacted>`.
pub fn redact(text: &str) -> String {
    const PREFIXES: [&str; 4] = ["sk_", "rk_", "pk_", "whsec_"];
    text.split_inclusive(|c: char| c.is_whitespace() || c == '\'' || c == '"' || c == ',')
        .map(|word| {
            let core = word.trim_start_matches(['\'', '"', '(']);
            if PREFIXES.iter().any(|p| core.starts_with(p)) {
                let lead = &word[..word.len() - core.len()];
                let tail: String = core
                    .chars()
                    .rev()
                    .take_while(|c| !c.is_ascii_alphanumeric() && *c != '_' && *c != '*')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("{lead}<redacted>{tail}")
            } else {
                word.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_shapes_are_redacted() {
        let m = redact("Invalid API Key provided: sk_test_abc123XYZ. Or 'rk_live_zzz' here");
        assert_eq!(
            m,
            "Invalid API Key provided: <redacted>. Or '<redacted>' here"
        );
        assert_eq!(
            redact("No such customer: 'cus_123'"),
            "No such customer: 'cus_123'"
        );
    }

    #[test]
    fn statuses_map_to_owner_facing_errors() {
        let body = br#"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_secret123"}}"#;
        let e = StripeError::from_response(401, body, "x");
        assert_eq!(e.code(), "stripe_auth");
        assert!(!e.to_string().contains("secret123"));
        assert!(!format!("{e:?}").contains("secret123"));

        let body = br#"{"error":{"message":"The provided key 'rk_test_***abcd' does not have the required permissions for this endpoint on account 'acct_1'. Having the 'rak_customer_write' permission would allow this request to continue."}}"#;
        let e = StripeError::from_response(403, body, "Customers (write)");
        assert_eq!(e.code(), "stripe_permission");
        assert!(
            e.to_string()
                .contains("Customers (write) (rak_customer_write)"),
            "{e}"
        );

        let body = br#"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#;
        match StripeError::from_response(402, body, "x") {
            StripeError::Card {
                decline_code,
                message,
                ..
            } => {
                assert_eq!(decline_code.as_deref(), Some("insufficient_funds"));
                assert_eq!(message, "Your card has insufficient funds.");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            StripeError::from_response(429, b"", "x").code(),
            "stripe_rate_limited"
        );
        assert_eq!(
            StripeError::from_response(503, b"not json", "x").code(),
            "stripe_unavailable"
        );
        let e = StripeError::from_response(400, b"{}", "x");
        assert_eq!(e.to_string(), "Stripe refused the request: error 400");
    }
}
