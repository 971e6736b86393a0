//! Money: exact decimal amounts tied to a currency.
//!
//! Rounding rule (the only one in Paydesk): amounts are rounded to the currency's decimals with
//! half away from zero ("half-up" for positive amounts), at the points `invoice::totals` names.
//! Storage keeps integer minor units (`Money::to_minor` / `from_minor`), and Stripe gets its own
//! integer units through `stripe_units`, which follow Stripe's rules rather than ISO's.

mod currency;
pub mod decimal_serde;
pub mod format;
pub mod stripe_units;

pub use currency::Currency;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What can be wrong with an amount or a currency. Messages are meant for a shop owner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error(
        "\"{0}\" is not a currency Paydesk knows. Use a three-letter code such as EUR, USD or JPY."
    )]
    UnknownCurrency(String),
    #[error("{currency} amounts can have at most {decimals} decimal places; {amount} has more.")]
    TooManyDecimals {
        amount: Decimal,
        currency: Currency,
        decimals: u32,
    },
    #[error("Amounts in different currencies can't be added up ({0} and {1}).")]
    CurrencyMismatch(Currency, Currency),
    #[error("{0} is too large an amount.")]
    Overflow(String),
    #[error("\"{0}\" is not an amount. Write it like 45 or 45.50.")]
    NotAnAmount(String),
    #[error("Stripe can't take less than {minimum} online — record a manual payment instead.")]
    BelowStripeMinimum { minimum: Money },
    #[error("Stripe can take at most {maximum} in one payment.")]
    AboveStripeMaximum { maximum: Money },
    #[error("Stripe only accepts {currency} amounts in steps of {step}; {amount} isn't one.")]
    NotAStripeStep {
        amount: Decimal,
        currency: Currency,
        step: Decimal,
    },
}

/// Rounds to the currency's decimals, half away from zero.
pub fn round(amount: Decimal, currency: Currency) -> Decimal {
    let mut r =
        amount.round_dp_with_strategy(currency.decimals(), RoundingStrategy::MidpointAwayFromZero);
    r.rescale(currency.decimals());
    r
}

/// Parses an amount typed by a person ("45", "45.50", " 1,250.00 " is refused: no grouping).
pub fn parse_amount(text: &str) -> Result<Decimal, MoneyError> {
    let t = text.trim();
    t.parse::<Decimal>()
        .map_err(|_| MoneyError::NotAnAmount(t.to_string()))
}

/// An exact amount in one currency. Always carries exactly the currency's decimals.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Money {
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount that must already fit the currency: 12.345 EUR is refused, not rounded.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        if amount.normalize().scale() > currency.decimals() {
            return Err(MoneyError::TooManyDecimals {
                amount,
                currency,
                decimals: currency.decimals(),
            });
        }
        let mut amount = amount;
        amount.rescale(currency.decimals());
        Ok(Money { amount, currency })
    }

    /// Rounds any exact value to the currency with Paydesk's one rounding rule.
    pub fn rounded(amount: Decimal, currency: Currency) -> Money {
        Money {
            amount: round(amount, currency),
            currency,
        }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::rounded(Decimal::ZERO, currency)
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    pub fn is_positive(&self) -> bool {
        self.amount > Decimal::ZERO
    }

    /// Integer units of the currency's smallest decimal as Paydesk stores them (cents, yen, fils).
    pub fn to_minor(&self) -> i64 {
        // An amount with exactly `decimals` of scale has its minor units as mantissa.
        i64::try_from(self.amount.mantissa()).expect("stored amounts fit in i64")
    }

    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money {
            amount: Decimal::new(minor, currency.decimals()),
            currency,
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let sum = self
            .amount
            .checked_add(other.amount)
            .ok_or_else(|| MoneyError::Overflow(self.to_string()))?;
        Ok(Money::rounded(sum, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let diff = self
            .amount
            .checked_sub(other.amount)
            .ok_or_else(|| MoneyError::Overflow(self.to_string()))?;
        Ok(Money::rounded(diff, self.currency))
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }
}

impl fmt::Display for Money {
    /// "45.50 EUR": unambiguous, locale-free. The UI formats for the business's locale.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn rounding_is_half_away_from_zero_at_the_currency_decimals() {
        assert_eq!(round(dec!(2.345), cur("EUR")), dec!(2.35));
        assert_eq!(round(dec!(2.344), cur("EUR")), dec!(2.34));
        assert_eq!(round(dec!(-2.345), cur("EUR")), dec!(-2.35));
        assert_eq!(round(dec!(149.5), cur("JPY")), dec!(150));
        assert_eq!(round(dec!(1.2345), cur("KWD")), dec!(1.235));
    }

    #[test]
    fn new_refuses_more_decimals_than_the_currency_has() {
        assert!(Money::new(dec!(12.345), cur("EUR")).is_err());
        assert!(Money::new(dec!(100.5), cur("JPY")).is_err());
        let m = Money::new(dec!(12.3000), cur("EUR")).unwrap();
        assert_eq!(m.amount().to_string(), "12.30");
        assert_eq!(m.to_minor(), 1230);
    }

    #[test]
    fn minor_units_follow_the_currency_decimals() {
        assert_eq!(Money::new(dec!(500), cur("JPY")).unwrap().to_minor(), 500);
        assert_eq!(Money::new(dec!(1.5), cur("KWD")).unwrap().to_minor(), 1500);
        assert_eq!(Money::from_minor(1999, cur("USD")).to_string(), "19.99 USD");
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let e = Money::zero(cur("EUR"))
            .checked_add(Money::zero(cur("USD")))
            .unwrap_err();
        assert_eq!(e, MoneyError::CurrencyMismatch(cur("EUR"), cur("USD")));
    }

    #[test]
    fn json_amounts_are_strings_with_the_currency_decimals() {
        let m = Money::new(dec!(45.5), cur("EUR")).unwrap();
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"amount":"45.50","currency":"EUR"}"#
        );
        let back: Money = serde_json::from_str(r#"{"amount":"45.50","currency":"eur"}"#).unwrap();
        assert_eq!(back, m);
    }
}
