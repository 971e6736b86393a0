//! Field rules shared by every form. Each returns the cleaned value or an `Error::Invalid` naming the field.

use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// A required line of text: trimmed, not empty, not absurdly long.
pub fn required_text(field: &str, label: &str, value: &str, max_chars: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, format!("{label} is required.")));
    }
    optional_text(field, label, v, max_chars)
}

/// Optional text: trimmed; empty is fine.
pub fn optional_text(field: &str, label: &str, value: &str, max_chars: usize) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > max_chars {
        return Err(Error::invalid(
            field,
            format!("{label} can be at most {max_chars} characters."),
        ));
    }
    Ok(v.to_string())
}

/// An email address, or empty. Checks the shape a mail server will insist on, nothing fancier:
/// one `@`, something before it, a dotted domain after it, no spaces.
pub fn optional_email(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let bad = || {
        Error::invalid(
            field,
            format!("\"{v}\" isn't an email address. It should look like name@example.com."),
        )
    };
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    let labels_ok = domain
        .split('.')
        .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || !labels_ok
        || local.len() > 64
    {
        return Err(bad());
    }
    Ok(v.to_string())
}

/// A percentage from 0 to 100 with at most `max_decimals` decimals (tax rates, discounts).
pub fn percent(field: &str, label: &str, value: Decimal, max_decimals: u32) -> Result<Decimal> {
    if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        return Err(Error::invalid(
            field,
            format!("{label} must be between 0 and 100%."),
        ));
    }
    if value.normalize().scale() > max_decimals {
        return Err(Error::invalid(
            field,
            format!("{label} can have at most {max_decimals} decimal places."),
        ));
    }
    Ok(value.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_of_the_usual_shape_pass_and_typos_are_caught() {
        for ok in [
            "zoe@example.com",
            "jose.nunez+salon@mail.example.co.uk",
            " a@b.io ",
        ] {
            assert!(optional_email("email", ok).is_ok(), "{ok}");
        }
        for bad in [
            "zoe",
            "zoe@",
            "@example.com",
            "zoe@example",
            "zoe @example.com",
            "a@b@c.com",
            "a@.com",
            "a@b..com",
        ] {
            let e = optional_email("email", bad).unwrap_err();
            assert_eq!(e.field(), Some("email"), "{bad}");
        }
        assert_eq!(optional_email("email", "  ").unwrap(), "");
    }

    #[test]
    fn required_text_is_trimmed_and_must_not_be_blank() {
        assert_eq!(required_text("name", "Name", "  Zoë ", 10).unwrap(), "Zoë");
        assert_eq!(
            required_text("name", "Name", "   ", 10)
                .unwrap_err()
                .to_string(),
            "Name is required."
        );
        assert!(required_text("name", "Name", "ÅÅÅÅÅÅÅÅÅÅÅ", 10).is_err());
    }
}
