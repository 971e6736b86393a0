//! `Secret`: a Stripe key, mail server password or OAuth token in memory. It prints as `<redacted>` so
//! that a stray `{:?}` in a log line or an error message can't leak it, and it is deliberately not
//! `Serialize`, so it can't end up in a JSON answer or a database row by accident. Read it only where
//! it must go: the keychain, the `Authorization` header, the SMTP login.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself. Every call is a place it leaves this wrapper: keep them few.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_key() {
        let s = Secret::new("sk_test_abcdefghijklmnop1234");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
        assert_eq!(s.expose(), "sk_test_abcdefghijklmnop1234");
    }
}
