//! Making sense of what the owner pasted into "Connect Stripe". People copy the wrong key (the
//! publishable one sits right above the secret one in the Dashboard, and a webhook secret looks
//! similar), or drag a space or a line break along. Each mistake gets a message saying what was
//! pasted and what is needed. Messages never repeat the pasted text beyond its public prefix.

use serde::{Deserialize, Serialize};

use super::secret::Secret;
use crate::error::{Error, Result};

/// Stripe's two separate worlds. Keys, accounts' data and cursors never cross between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum StripeMode {
    Test,
    Live,
}

impl StripeMode {
    pub const ALL: [StripeMode; 2] = [StripeMode::Test, StripeMode::Live];

    pub fn as_str(self) -> &'static str {
        match self {
            StripeMode::Test => "test",
            StripeMode::Live => "live",
        }
    }

    pub fn parse(text: &str) -> Option<StripeMode> {
        match text {
            "test" => Some(StripeMode::Test),
            "live" => Some(StripeMode::Live),
            _ => None,
        }
    }
}

/// A full secret key (`sk_`) can do anything; a restricted key (`rk_`) only what its permissions allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum KeyKind {
    Secret,
    Restricted,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Secret => "secret",
            KeyKind::Restricted => "restricted",
        }
    }

    pub fn parse(text: &str) -> Option<KeyKind> {
        match text {
            "secret" => Some(KeyKind::Secret),
            "restricted" => Some(KeyKind::Restricted),
            _ => None,
        }
    }
}

/// A key that has the shape of a usable Stripe API key. Whether Stripe accepts it is another matter.
#[derive(Debug, Clone)]
pub struct ParsedKey {
    pub secret: Secret,
    pub kind: KeyKind,
    pub mode: StripeMode,
    /// The last four characters, as the Stripe Dashboard shows them, so the owner can tell keys apart.
    pub last4: String,
    /// True when spaces or line breaks around the key were removed, so the app can say so.
    pub trimmed: bool,
}

/// The form field key errors belong to.
pub const FIELD: &str = "key";

const WHAT_WE_NEED: &str =
    "Paydesk needs the secret key (sk_…) or a restricted key (rk_…) from the Stripe Dashboard, under Developers → API keys.";

pub fn parse(pasted: &str) -> Result<ParsedKey> {
    let key = pasted.trim();
    let trimmed = key.len() != pasted.len();
    if key.is_empty() {
        return Err(Error::invalid(
            FIELD,
            format!("Paste your Stripe key first. {WHAT_WE_NEED}"),
        ));
    }
    if key.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            FIELD,
            "The key has a space or a line break in the middle, so part of it is missing or extra. \
             Copy it again with the Dashboard's copy button and paste it in one piece.",
        ));
    }
    if let Some(mode) = prefixed_mode(key, "pk_") {
        return Err(Error::invalid(
            FIELD,
            format!(
                "That's the publishable key (pk_{mode}_…), which only web pages use. {WHAT_WE_NEED}"
            ),
        ));
    }
    if key.starts_with("whsec_") {
        return Err(Error::invalid(
            FIELD,
            format!("That's a webhook signing secret (whsec_…), not an API key. {WHAT_WE_NEED}"),
        ));
    }
    let kind = if key.starts_with("sk_") {
        KeyKind::Secret
    } else if key.starts_with("rk_") {
        KeyKind::Restricted
    } else {
        return Err(Error::invalid(
            FIELD,
            format!("What you pasted isn't a Stripe API key. {WHAT_WE_NEED}"),
        ));
    };
    let Some(mode_text) = prefixed_mode(key, &key[..3]) else {
        return Err(Error::invalid(
            FIELD,
            format!(
                "This {}_… key is neither a test key ({}_test_…) nor a live key ({}_live_…). {WHAT_WE_NEED}",
                &key[..2],
                &key[..2],
                &key[..2]
            ),
        ));
    };
    let mode = StripeMode::parse(mode_text).unwrap_or(StripeMode::Test);
    let body = &key[3 + mode_text.len() + 1..];
    // Stripe's keys are long runs of letters and digits; anything else means a copy went wrong.
    if body.len() < 8 || !body.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::invalid(
            FIELD,
            "The key looks cut short or has stray characters in it. Copy it again with the Dashboard's \
             copy button.",
        ));
    }
    Ok(ParsedKey {
        last4: body[body.len() - 4..].to_string(),
        secret: Secret::new(key),
        kind,
        mode,
        trimmed,
    })
}

/// `"test"` or `"live"` when `key` starts with `prefix` followed by that word and an underscore.
fn prefixed_mode(key: &str, prefix: &str) -> Option<&'static str> {
    let rest = key.strip_prefix(prefix)?;
    if rest.starts_with("test_") {
        Some("test")
    } else if rest.starts_with("live_") {
        Some("live")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(pasted: &str) -> String {
        let e = parse(pasted).unwrap_err();
        assert_eq!(e.field(), Some(FIELD));
        e.to_string()
    }

    #[test]
    fn secret_and_restricted_keys_in_both_modes() {
        let k = parse("sk_test_51AbCdEfGh1234").unwrap();
        assert_eq!(
            (k.kind, k.mode, k.last4.as_str(), k.trimmed),
            (KeyKind::Secret, StripeMode::Test, "1234", false)
        );
        let k = parse("rk_live_51AbCdEfGhWXYZ").unwrap();
        assert_eq!(
            (k.kind, k.mode, k.last4.as_str()),
            (KeyKind::Restricted, StripeMode::Live, "WXYZ")
        );
        assert_eq!(k.secret.expose(), "rk_live_51AbCdEfGhWXYZ");
    }

    #[test]
    fn spaces_around_are_removed_and_reported() {
        let k = parse("  sk_live_51AbCdEfGh9876\n").unwrap();
        assert!(k.trimmed);
        assert_eq!(k.secret.expose(), "sk_live_51AbCdEfGh9876");
    }

    #[test]
    fn spaces_inside_are_refused() {
        assert!(message("sk_test_51AbC dEfGh1234").contains("in the middle"));
        assert!(message("sk_test_51AbC\ndEfGh1234").contains("in the middle"));
    }

    #[test]
    fn publishable_key_is_named() {
        let m = message("pk_test_51AbCdEfGh1234");
        assert!(m.contains("publishable key (pk_test_…)"), "{m}");
        assert!(m.contains("sk_") && m.contains("rk_"), "{m}");
        assert!(!m.contains("51AbCdEfGh1234"), "{m}");
        assert!(message("pk_live_51AbCdEfGh1234").contains("pk_live_"));
    }

    #[test]
    fn webhook_secret_is_named() {
        let m = message("whsec_abcdefghijklmnop");
        assert!(m.contains("webhook signing secret"), "{m}");
        assert!(!m.contains("abcdefghijklmnop"), "{m}");
    }

    #[test]
    fn other_text_is_refused_without_echoing_it() {
        for bad in [
            "",
            "   ",
            "hello",
            "sk_abc_12345678",
            "rk_prod_12345678",
            "sk_test_short",
            "sk_test_12345678!",
        ] {
            let m = message(bad);
            assert!(!m.is_empty());
            if bad.len() > 8 {
                assert!(!m.contains(bad), "{m}");
            }
        }
        assert!(message("sk_org_12345678").contains("neither a test key"));
    }
}
