//! API keys: secret and restricted keys, redaction, and per-resource permissions.

use std::collections::HashMap;

use axum::http::HeaderMap;

use crate::errors::ApiError;

/// Test or live mode: separate worlds of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Test,
    Live,
}

impl Mode {
    pub fn livemode(self) -> bool {
        self == Mode::Live
    }

    /// The mode a key belongs to, from its prefix (`sk_test_…`, `rk_live_…`).
    pub fn of_key(key: &str) -> Option<Mode> {
        let rest = key
            .strip_prefix("sk_")
            .or_else(|| key.strip_prefix("rk_"))?;
        if rest.starts_with("test_") {
            Some(Mode::Test)
        } else if rest.starts_with("live_") {
            Some(Mode::Live)
        } else {
            None
        }
    }
}

/// Access a restricted key has to one resource.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    None,
    Read,
    Write,
}

/// Resources a restricted key can be granted, and the permission name Stripe reports.
pub const RESOURCES: &[(&str, &str)] = &[
    ("payment_links", "rak_payment_link"),
    ("checkout_sessions", "rak_checkout_session"),
    ("payment_intents", "rak_payment_intent"),
    ("setup_intents", "rak_setup_intent"),
    ("customers", "rak_customer"),
    ("payment_methods", "rak_payment_method"),
    ("products", "rak_product"),
    ("prices", "rak_price"),
    ("charges", "rak_charge"),
    ("refunds", "rak_refund"),
    ("events", "rak_event"),
    ("disputes", "rak_dispute"),
    ("balance", "rak_balance"),
    ("balance_transactions", "rak_balance_transaction_source"),
    ("payouts", "rak_payout"),
    ("account", "rak_account"),
];

/// A registered key.
#[derive(Debug, Clone)]
pub struct KeyInfo {
    pub mode: Mode,
    /// `None` for a secret key (full access); per-resource access for a restricted key.
    pub restricted: Option<HashMap<String, Access>>,
    pub revoked: bool,
}

/// The key from `Authorization: Bearer KEY` or basic auth with the key as user name.
pub fn extract_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?.trim();
    if let Some(k) = value.strip_prefix("Bearer ") {
        return Some(k.trim().to_string());
    }
    let b64 = value.strip_prefix("Basic ")?;
    let decoded = base64_decode(b64.trim())?;
    let user = decoded.split(':').next().unwrap_or("");
    Some(user.to_string())
}

fn base64_decode(s: &str) -> Option<String> {
    const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = u32::try_from(ALPHA.iter().position(|&a| a == c)?).ok()?;
        bits = (bits << 6) | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push(u8::try_from((bits >> nbits) & 0xff).ok()?);
        }
    }
    String::from_utf8(out).ok()
}

/// Redacts a key like Stripe: prefix kept, middle replaced by `*`, last four kept.
pub fn redact(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let prefix_len = if Mode::of_key(key).is_some() { 8 } else { 0 };
    if chars.len() <= prefix_len + 4 {
        return format!(
            "{}{}",
            chars.iter().take(prefix_len).collect::<String>(),
            "*".repeat(chars.len().saturating_sub(prefix_len))
        );
    }
    let prefix: String = chars[..prefix_len].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{prefix}{}{tail}", "*".repeat(chars.len() - prefix_len - 4))
}

/// Finds the key of a request, or the 401 Stripe answers.
pub fn authenticate(
    keys: &HashMap<String, KeyInfo>,
    headers: &HeaderMap,
) -> Result<(String, KeyInfo), ApiError> {
    let Some(key) = extract_key(headers).filter(|k| !k.is_empty()) else {
        return Err(ApiError::new(
            401,
            "invalid_request_error",
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        ));
    };
    match keys.get(&key) {
        Some(info) if !info.revoked => Ok((key, info.clone())),
        _ => Err(ApiError::new(
            401,
            "invalid_request_error",
            format!("Invalid API Key provided: {}", redact(&key)),
        )
        .code("api_key_invalid")),
    }
}

/// Checks a restricted key's permission for `resource`; secret keys pass.
pub fn check_permission(
    key: &str,
    info: &KeyInfo,
    resource: &str,
    need: Access,
    account_id: &str,
) -> Result<(), ApiError> {
    let Some(perms) = &info.restricted else {
        return Ok(());
    };
    let have = perms.get(resource).copied().unwrap_or(Access::None);
    if have >= need {
        return Ok(());
    }
    let base = RESOURCES
        .iter()
        .find(|(r, _)| *r == resource)
        .map_or("rak_unknown", |(_, p)| *p);
    let suffix = if need == Access::Write {
        "write"
    } else {
        "read"
    };
    Err(ApiError::new(
        403,
        "invalid_request_error",
        format!(
            "The provided key '{}' does not have the required permissions for this endpoint on account '{account_id}'. Having the '{base}_{suffix}' permission would allow this request to continue.",
            redact(key)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_like_stripe() {
        assert_eq!(redact("sk_test_abcdefgh1234"), "sk_test_********1234");
        assert_eq!(redact("nonsense"), "****ense");
        assert_eq!(redact("rk_live_ab"), "rk_live_**");
    }

    #[test]
    fn basic_auth_user_is_the_key() {
        let mut h = HeaderMap::new();
        // base64("sk_test_x:")
        h.insert("authorization", "Basic c2tfdGVzdF94Og==".parse().unwrap());
        assert_eq!(extract_key(&h).as_deref(), Some("sk_test_x"));
    }
}
