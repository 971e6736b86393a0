//! Stripe-looking identifiers.

use rand::distr::Alphanumeric;
use rand::Rng;

/// `n` random ASCII letters and digits.
pub fn random_alnum(n: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// A new object id such as `cus_Qx…` (14 random chars) or `pi_3Sim…` (24 chars).
pub fn new_id(prefix: &str) -> String {
    let len = match prefix {
        "cus" | "prod" | "req" | "acct" => 14,
        _ => 24,
    };
    format!("{prefix}_{}", random_alnum(len))
}
