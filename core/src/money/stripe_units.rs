//! Amounts at the Stripe boundary: integers in Stripe's smallest unit, with Stripe's own rules.
//!
//! - Zero-decimal currencies (JPY, KRW, …) are sent as whole units: ¥500 → 500, never 50000.
//! - ISK is whole krónur in Paydesk but Stripe wants two decimals that are always zero: kr 500 → 50000.
//! - Three-decimal currencies (BHD, JOD, KWD, OMR, TND) are sent in thousandths whose last digit is 0,
//!   so 1.234 KWD can't be charged online while 1.230 KWD can.
//! - Stripe takes at most 8 digits (99,999,999 units) and has a minimum charge per currency.

use rust_decimal::Decimal;

use super::{Currency, Money, MoneyError};

/// The largest amount Stripe accepts, in its units.
pub const STRIPE_MAX_UNITS: i64 = 99_999_999;

/// How many decimals Stripe's integer amounts have for this currency.
pub fn stripe_decimals(currency: Currency) -> u32 {
    match currency.code() {
        "ISK" => 2,
        _ => currency.decimals(),
    }
}

/// The smallest step Stripe accepts, in Paydesk's decimals (0.010 for KWD, 1 for ISK, 0.01 for EUR).
fn stripe_step_units(currency: Currency) -> i64 {
    match currency.decimals() {
        3 => 10,
        _ => 1,
    }
}

/// Converts an amount to Stripe's integer units, refusing what Stripe would refuse.
pub fn to_stripe_units(money: Money) -> Result<i64, MoneyError> {
    let currency = money.currency();
    let minor = money.to_minor();
    let step = stripe_step_units(currency);
    if minor % step != 0 {
        return Err(MoneyError::NotAStripeStep {
            amount: money.amount(),
            currency,
            step: Decimal::new(step, currency.decimals()),
        });
    }
    let scale = 10_i64.pow(stripe_decimals(currency) - currency.decimals());
    let units = minor
        .checked_mul(scale)
        .ok_or_else(|| MoneyError::Overflow(money.to_string()))?;
    if units.abs() > STRIPE_MAX_UNITS {
        return Err(MoneyError::AboveStripeMaximum {
            maximum: max_charge(currency),
        });
    }
    Ok(units)
}

/// Reads an integer amount that Stripe sent back.
pub fn from_stripe_units(units: i64, currency: Currency) -> Result<Money, MoneyError> {
    let scale = 10_i64.pow(stripe_decimals(currency) - currency.decimals());
    if units % scale != 0 {
        return Err(MoneyError::NotAStripeStep {
            amount: Decimal::new(units, stripe_decimals(currency)),
            currency,
            step: Decimal::ONE,
        });
    }
    Ok(Money::from_minor(units / scale, currency))
}

/// Stripe's documented minimum charge for the currencies it lists; `None` where Stripe only says
/// "the equivalent of USD 0.50", which depends on the day's exchange rate.
pub fn min_charge(currency: Currency) -> Option<Money> {
    let (units, decimals) = match currency.code() {
        "USD" | "AUD" | "BRL" | "CAD" | "CHF" | "EUR" | "INR" | "NZD" | "SGD" => (50, 2),
        "GBP" => (30, 2),
        "AED" | "MYR" | "PLN" | "RON" => (200, 2),
        "BGN" => (100, 2),
        "CZK" => (1500, 2),
        "DKK" => (250, 2),
        "HKD" => (400, 2),
        "HUF" => (17500, 2),
        "JPY" => (50, 0),
        "MXN" | "THB" => (1000, 2),
        "NOK" | "SEK" => (300, 2),
        _ => return None,
    };
    Some(Money::rounded(Decimal::new(units, decimals), currency))
}

fn max_charge(currency: Currency) -> Money {
    let scale = 10_i64.pow(stripe_decimals(currency) - currency.decimals());
    Money::from_minor(STRIPE_MAX_UNITS / scale, currency)
}

/// Converts an amount a client is asked to pay online, checking Stripe's minimum and maximum too.
pub fn chargeable_units(money: Money) -> Result<i64, MoneyError> {
    if let Some(minimum) = min_charge(money.currency()) {
        if money.amount() < minimum.amount() {
            return Err(MoneyError::BelowStripeMinimum { minimum });
        }
    }
    to_stripe_units(money)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn money(amount: Decimal, code: &str) -> Money {
        Money::new(amount, Currency::parse(code).unwrap()).unwrap()
    }

    #[test]
    fn zero_decimal_currencies_are_never_multiplied_by_100() {
        assert_eq!(to_stripe_units(money(dec!(500), "JPY")).unwrap(), 500);
        assert_eq!(to_stripe_units(money(dec!(12000), "KRW")).unwrap(), 12000);
        assert_eq!(
            from_stripe_units(500, Currency::parse("JPY").unwrap()).unwrap(),
            money(dec!(500), "JPY")
        );
    }

    #[test]
    fn two_decimal_currencies_are_sent_in_cents() {
        assert_eq!(to_stripe_units(money(dec!(45.50), "EUR")).unwrap(), 4550);
    }

    #[test]
    fn isk_is_sent_with_two_zero_decimals() {
        assert_eq!(to_stripe_units(money(dec!(500), "ISK")).unwrap(), 50000);
        let isk = Currency::parse("ISK").unwrap();
        assert_eq!(
            from_stripe_units(50000, isk).unwrap(),
            money(dec!(500), "ISK")
        );
        assert!(from_stripe_units(50050, isk).is_err());
    }

    #[test]
    fn three_decimal_currencies_must_end_in_zero() {
        assert_eq!(to_stripe_units(money(dec!(1.23), "KWD")).unwrap(), 1230);
        let err = to_stripe_units(money(dec!(1.234), "KWD")).unwrap_err();
        assert!(err.to_string().contains("steps of 0.010"), "{err}");
    }

    #[test]
    fn more_than_eight_digits_is_refused() {
        assert_eq!(
            to_stripe_units(money(dec!(999999.99), "USD")).unwrap(),
            99_999_999
        );
        assert!(matches!(
            to_stripe_units(money(dec!(1000000.00), "USD")),
            Err(MoneyError::AboveStripeMaximum { .. })
        ));
    }

    #[test]
    fn below_minimum_names_the_minimum_in_the_message() {
        let err = chargeable_units(money(dec!(0.49), "EUR")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Stripe can't take less than 0.50 EUR online — record a manual payment instead."
        );
        assert_eq!(chargeable_units(money(dec!(0.50), "EUR")).unwrap(), 50);
        assert!(chargeable_units(money(dec!(49), "JPY")).is_err());
        assert_eq!(chargeable_units(money(dec!(0.30), "GBP")).unwrap(), 30);
    }
}
