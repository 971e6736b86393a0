//! What an invoice's status is, derived from its lifecycle state and the money applied to it.
//! This is the only place the rule lives; `store::refresh` caches its answer for lists and filters.

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// Where an invoice is in its life, set by the owner's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum InvoiceState {
    Draft,
    Open,
    Void,
    Uncollectible,
}

/// What the owner sees: the state combined with payments and refunds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum InvoiceStatus {
    Draft,
    Open,
    PartiallyPaid,
    Paid,
    PartiallyRefunded,
    Refunded,
    Void,
    Uncollectible,
}

macro_rules! text_enum {
    ($t:ty { $($v:ident = $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            pub fn parse(text: &str) -> Option<Self> {
                match text.trim() { $($s => Some(Self::$v),)* _ => None }
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(InvoiceState { Draft = "draft", Open = "open", Void = "void", Uncollectible = "uncollectible" });
text_enum!(InvoiceStatus {
    Draft = "draft",
    Open = "open",
    PartiallyPaid = "partially_paid",
    Paid = "paid",
    PartiallyRefunded = "partially_refunded",
    Refunded = "refunded",
    Void = "void",
    Uncollectible = "uncollectible",
});

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 8] = [
        InvoiceStatus::Draft,
        InvoiceStatus::Open,
        InvoiceStatus::PartiallyPaid,
        InvoiceStatus::Paid,
        InvoiceStatus::PartiallyRefunded,
        InvoiceStatus::Refunded,
        InvoiceStatus::Void,
        InvoiceStatus::Uncollectible,
    ];
}

/// `paid` is the sum of payments received, `refunded` the sum given back; both in the invoice currency.
pub fn derive(state: InvoiceState, total: Money, paid: Money, refunded: Money) -> InvoiceStatus {
    let p = paid.amount();
    let r = refunded.amount();
    match state {
        InvoiceState::Draft => InvoiceStatus::Draft,
        InvoiceState::Void => InvoiceStatus::Void,
        InvoiceState::Open | InvoiceState::Uncollectible => {
            if p.is_sign_positive() && !p.is_zero() && r >= p {
                InvoiceStatus::Refunded
            } else if p >= total.amount() {
                if r.is_zero() {
                    InvoiceStatus::Paid
                } else {
                    InvoiceStatus::PartiallyRefunded
                }
            } else if !p.is_zero() {
                InvoiceStatus::PartiallyPaid
            } else if state == InvoiceState::Uncollectible {
                InvoiceStatus::Uncollectible
            } else {
                InvoiceStatus::Open
            }
        }
    }
}

/// What is still owed: nothing on a draft-less settled or void invoice, never below zero.
pub fn amount_due(state: InvoiceState, total: Money, paid: Money) -> Money {
    match state {
        InvoiceState::Void => Money::zero(total.currency()),
        _ => {
            let due = total.amount() - paid.amount();
            Money::rounded(due.max(rust_decimal::Decimal::ZERO), total.currency())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use rust_decimal_macros::dec;

    fn eur(v: rust_decimal::Decimal) -> Money {
        Money::new(v, Currency::parse("EUR").unwrap()).unwrap()
    }

    #[test]
    fn status_follows_payments_and_refunds() {
        let open = InvoiceState::Open;
        let t = eur(dec!(100));
        assert_eq!(
            derive(open, t, eur(dec!(0)), eur(dec!(0))),
            InvoiceStatus::Open
        );
        assert_eq!(
            derive(open, t, eur(dec!(40)), eur(dec!(0))),
            InvoiceStatus::PartiallyPaid
        );
        assert_eq!(
            derive(open, t, eur(dec!(100)), eur(dec!(0))),
            InvoiceStatus::Paid
        );
        assert_eq!(
            derive(open, t, eur(dec!(100)), eur(dec!(30))),
            InvoiceStatus::PartiallyRefunded
        );
        assert_eq!(
            derive(open, t, eur(dec!(100)), eur(dec!(100))),
            InvoiceStatus::Refunded
        );
        assert_eq!(
            derive(InvoiceState::Uncollectible, t, eur(dec!(0)), eur(dec!(0))),
            InvoiceStatus::Uncollectible
        );
        assert_eq!(
            derive(InvoiceState::Uncollectible, t, eur(dec!(100)), eur(dec!(0))),
            InvoiceStatus::Paid
        );
        assert_eq!(
            derive(open, eur(dec!(0)), eur(dec!(0)), eur(dec!(0))),
            InvoiceStatus::Paid
        );
        assert_eq!(
            derive(InvoiceState::Void, t, eur(dec!(0)), eur(dec!(0))),
            InvoiceStatus::Void
        );
    }

    #[test]
    fn amount_due_never_goes_negative_and_is_zero_when_void() {
        assert_eq!(
            amount_due(InvoiceState::Open, eur(dec!(100)), eur(dec!(40))),
            eur(dec!(60))
        );
        assert_eq!(
            amount_due(InvoiceState::Open, eur(dec!(100)), eur(dec!(100))),
            eur(dec!(0))
        );
        assert_eq!(
            amount_due(InvoiceState::Void, eur(dec!(100)), eur(dec!(0))),
            eur(dec!(0))
        );
    }

    #[test]
    fn text_names_round_trip() {
        for s in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::parse(s.as_str()), Some(s));
        }
    }
}
