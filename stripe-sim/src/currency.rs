//! Currencies and amounts: known codes, decimals, 8-digit maximum, minimum charge amounts.

use crate::errors::ApiError;

/// Currencies Stripe settles in (a practical subset, lowercase ISO codes).
pub const KNOWN: &[&str] = &[
    "usd", "aed", "aud", "bgn", "bif", "brl", "cad", "chf", "clp", "czk", "djf", "dkk", "eur",
    "gbp", "gnf", "hkd", "huf", "idr", "ils", "inr", "isk", "jpy", "kmf", "krw", "mga", "mxn",
    "myr", "nok", "nzd", "php", "pln", "pyg", "ron", "rwf", "sek", "sgd", "thb", "try", "ugx",
    "vnd", "vuv", "xaf", "xof", "xpf", "zar", "bhd", "jod", "kwd", "omr", "tnd",
];

/// Zero-decimal currencies: amounts are whole units.
pub const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// Three-decimal currencies: the last digit must be 0.
pub const THREE_DECIMAL: &[&str] = &["bhd", "jod", "kwd", "omr", "tnd"];

/// Minimum charge amounts in the smallest unit (Stripe's published table, subset).
const MINIMUMS: &[(&str, i64)] = &[
    ("usd", 50),
    ("eur", 50),
    ("gbp", 30),
    ("jpy", 50),
    ("aud", 50),
    ("cad", 50),
    ("chf", 50),
    ("nzd", 50),
    ("sgd", 50),
    ("brl", 50),
    ("inr", 50),
    ("dkk", 250),
    ("nok", 300),
    ("sek", 300),
    ("pln", 200),
    ("czk", 1500),
    ("huf", 17500),
    ("hkd", 400),
    ("mxn", 1000),
    ("ron", 200),
    ("bgn", 100),
    ("aed", 200),
    ("thb", 1000),
    ("myr", 200),
];

/// The largest amount: 8 digits.
pub const MAX_AMOUNT: i64 = 99_999_999;

/// Validates a currency parameter and returns it lowercased.
pub fn validate_currency(c: &str, param: &str) -> Result<String, ApiError> {
    let lc = c.to_ascii_lowercase();
    if KNOWN.contains(&lc.as_str()) {
        Ok(lc)
    } else {
        Err(ApiError::invalid(
            format!(
                "Invalid currency: {c}. Stripe currently supports these currencies: {}",
                KNOWN.join(", ")
            ),
            param,
        ))
    }
}

fn decimals(currency: &str) -> u32 {
    if ZERO_DECIMAL.contains(&currency) {
        0
    } else if THREE_DECIMAL.contains(&currency) {
        3
    } else {
        2
    }
}

/// `$0.50`, `€1,234.00`, `¥50` — for error messages.
pub fn display(amount: i64, currency: &str) -> String {
    let symbol = match currency {
        "usd" | "aud" | "cad" | "nzd" | "sgd" | "hkd" | "mxn" => "$",
        "eur" => "€",
        "gbp" => "£",
        "jpy" => "¥",
        _ => "",
    };
    let d = decimals(currency);
    let div = 10_i64.pow(d);
    let whole = group(amount / div);
    let text = if d == 0 {
        whole
    } else {
        format!("{whole}.{:0width$}", amount % div, width = d as usize)
    };
    if symbol.is_empty() {
        format!("{} {text}", currency.to_ascii_uppercase())
    } else {
        format!("{symbol}{text}")
    }
}

fn group(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Validates one unit amount (non-negative, ≤ 8 digits, currency granularity).
pub fn validate_unit_amount(amount: i64, currency: &str, param: &str) -> Result<(), ApiError> {
    if amount < 0 {
        return Err(ApiError::invalid(
            format!("This value must be greater than or equal to 0 (it currently is '{amount}')."),
            param,
        ));
    }
    if amount > MAX_AMOUNT {
        return Err(ApiError::invalid(
            format!(
                "Amount must be no more than {}",
                display(MAX_AMOUNT, currency)
            ),
            param,
        )
        .code("amount_too_large"));
    }
    if THREE_DECIMAL.contains(&currency) && amount % 10 != 0 {
        return Err(ApiError::invalid(
            format!(
                "Invalid amount for {}: the last digit must be 0 ({} is a three-decimal currency).",
                currency.to_ascii_uppercase(),
                currency
            ),
            param,
        ));
    }
    if currency == "isk" && amount % 100 != 0 {
        return Err(ApiError::invalid(
            "Invalid amount for ISK: amounts must be a multiple of 100 (ISK is charged in whole units).",
            param,
        ));
    }
    Ok(())
}

/// Minimum total for a payment, e.g. `(50, "$0.50")` for USD.
pub fn minimum(currency: &str) -> Option<i64> {
    MINIMUMS
        .iter()
        .find(|(c, _)| *c == currency)
        .map(|(_, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_amounts() {
        assert_eq!(display(50, "usd"), "$0.50");
        assert_eq!(display(99_999_999, "eur"), "€999,999.99");
        assert_eq!(display(99_999_999, "jpy"), "¥99,999,999");
        assert_eq!(display(1230, "kwd"), "KWD 1.230");
    }
}
