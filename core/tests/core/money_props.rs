//! Property tests: random amounts, currencies and invoices against the money rules, with an
//! independent integer-arithmetic oracle for the rounding rule.

use paydesk_core::invoice::{totals, PricedLine};
use paydesk_core::money::stripe_units::{from_stripe_units, to_stripe_units, STRIPE_MAX_UNITS};
use paydesk_core::{Currency, Money, MoneyError};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::all().to_vec())
}

/// A decimal with up to `max_scale` decimals, from its mantissa.
fn decimal(max_mantissa: i64, max_scale: u32) -> impl Strategy<Value = Decimal> {
    (0..=max_mantissa, 0..=max_scale).prop_map(|(m, s)| Decimal::new(m, s))
}

fn priced_line() -> impl Strategy<Value = PricedLine> {
    (
        decimal(1_000_000, 3).prop_filter("positive", |q| !q.is_zero()),
        0i64..10_000_000,
        prop::sample::select(vec![
            "0", "5.5", "7", "8.875", "10", "19.6", "20", "21", "100",
        ]),
        decimal(10_000, 2).prop_filter("≤100%", |p| *p <= Decimal::ONE_HUNDRED),
    )
        .prop_map(|(quantity, price_minor, tax, discount)| PricedLine {
            quantity,
            unit_price: Decimal::new(price_minor, 2),
            tax_rate: tax.parse().unwrap(),
            discount_percent: discount,
        })
}

/// n / d rounded half away from zero, for n ≥ 0, in integers.
fn div_round(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

fn parts(x: Decimal) -> (i128, i128) {
    (x.mantissa(), 10i128.pow(x.scale()))
}

proptest! {
    #[test]
    fn minor_units_round_trip_for_every_currency(c in currency(), minor in -10_000_000_000i64..10_000_000_000) {
        let m = Money::from_minor(minor, c);
        prop_assert_eq!(m.to_minor(), minor);
        prop_assert_eq!(m.amount().scale(), c.decimals());
        prop_assert_eq!(Money::new(m.amount(), c).unwrap(), m);
    }

    #[test]
    fn amounts_with_too_many_decimals_are_refused(c in currency(), mantissa in 1i64..1_000_000_000, extra in 1u32..4) {
        let scale = c.decimals() + extra;
        let amount = Decimal::new(mantissa * 10 + 1, scale); // last digit non-zero: really that many decimals
        let refused = matches!(Money::new(amount, c), Err(MoneyError::TooManyDecimals { .. }));
        prop_assert!(refused);
    }

    #[test]
    fn stripe_units_round_trip_when_valid_and_refuse_otherwise(c in currency(), minor in 0i64..200_000_000) {
        let m = Money::from_minor(minor, c);
        match to_stripe_units(m) {
            Ok(units) => {
                prop_assert!(units <= STRIPE_MAX_UNITS);
                prop_assert_eq!(from_stripe_units(units, c).unwrap(), m);
                if c.decimals() == 3 { prop_assert_eq!(units % 10, 0); }
                if c.code() == "ISK" { prop_assert_eq!(units, minor * 100); }
                if c.decimals() == 0 && c.code() != "ISK" { prop_assert_eq!(units, minor); }
            }
            Err(MoneyError::NotAStripeStep { .. }) => prop_assert!(c.decimals() == 3 && minor % 10 != 0),
            Err(MoneyError::AboveStripeMaximum { .. }) => {
                let scale = if c.code() == "ISK" { 100 } else { 1 };
                prop_assert!(minor * scale > STRIPE_MAX_UNITS);
            }
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }

    #[test]
    fn invoice_totals_add_up_and_match_an_integer_oracle(c in currency(), lines in prop::collection::vec(priced_line(), 0..12)) {
        // Prices are generated with two decimals; bring them to the currency's decimals first.
        let lines: Vec<PricedLine> = lines.into_iter().map(|l| PricedLine { unit_price: Money::rounded(l.unit_price, c).amount(), ..l }).collect();
        let t = totals::compute(&lines, c);
        for m in [t.subtotal, t.discount, t.tax, t.total] {
            prop_assert_eq!(m.currency(), c);
            prop_assert_eq!(m.amount().scale(), c.decimals());
        }
        prop_assert_eq!(t.total.amount(), t.subtotal.amount() - t.discount.amount() + t.tax.amount());
        let nets: Decimal = t.lines.iter().map(|a| a.net.amount()).sum();
        prop_assert_eq!(t.total.amount(), nets + t.tax.amount());
        let by_rate: Decimal = t.taxes.iter().map(|r| r.tax.amount()).sum();
        prop_assert_eq!(by_rate, t.tax.amount());

        for (l, a) in lines.iter().zip(&t.lines) {
            let (qm, qs) = parts(l.quantity);
            let price_minor = Money::new(l.unit_price, c).unwrap().to_minor() as i128;
            let gross = div_round(qm * price_minor, qs);
            let (dm, ds) = parts(l.discount_percent);
            let discount = div_round(gross * dm, 100 * ds);
            let net = gross - discount;
            let (tm, ts) = parts(l.tax_rate);
            let tax = div_round(net * tm, 100 * ts);
            prop_assert_eq!(a.gross.to_minor() as i128, gross);
            prop_assert_eq!(a.discount.to_minor() as i128, discount);
            prop_assert_eq!(a.tax.to_minor() as i128, tax);
            prop_assert!(a.tax.amount() <= a.net.amount());
        }

        let mut reversed = lines.clone();
        reversed.reverse();
        prop_assert_eq!(totals::compute(&reversed, c).total, t.total, "order of lines doesn't change the total");
    }
}
