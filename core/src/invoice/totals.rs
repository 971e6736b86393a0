//! Invoice totals, computed here and nowhere else.
//!
//! The rule, per line, each step rounded half away from zero to the currency's decimals:
//!   gross    = quantity × unit price
//!   discount = gross × discount% / 100
//!   net      = gross − discount
//!   tax      = net × tax rate% / 100
//! and for the invoice: subtotal = Σ gross, discount = Σ discount, tax = Σ tax,
//! total = subtotal − discount + tax (= Σ net + Σ tax, exactly, since every term is already rounded).
//! Rounding tax per line (not per rate) means a line's tax never changes when other lines are added.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{decimal_serde, round, Currency, Money};

/// The priced part of a line: what totals need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedLine {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub discount_percent: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineAmounts {
    pub gross: Money,
    pub discount: Money,
    pub net: Money,
    pub tax: Money,
}

/// Tax collected at one rate, for the tax summary printed on invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaxRow {
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub rate: Decimal,
    pub net: Money,
    pub tax: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Totals {
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    /// One row per distinct tax rate, lowest rate first.
    pub taxes: Vec<TaxRow>,
    /// Amounts of each line, in the lines' order.
    pub lines: Vec<LineAmounts>,
}

pub fn line_amounts(line: &PricedLine, currency: Currency) -> LineAmounts {
    let gross = round(line.quantity * line.unit_price, currency);
    let discount = round(
        gross * line.discount_percent / Decimal::ONE_HUNDRED,
        currency,
    );
    let net = gross - discount;
    let tax = round(net * line.tax_rate / Decimal::ONE_HUNDRED, currency);
    LineAmounts {
        gross: Money::rounded(gross, currency),
        discount: Money::rounded(discount, currency),
        net: Money::rounded(net, currency),
        tax: Money::rounded(tax, currency),
    }
}

/// Totals of an invoice in `currency`. Lines are assumed validated (see `invoice::LineInput`), so the
/// sums stay far inside `Decimal`'s range.
pub fn compute(lines: &[PricedLine], currency: Currency) -> Totals {
    let amounts: Vec<LineAmounts> = lines.iter().map(|l| line_amounts(l, currency)).collect();
    let sum = |pick: fn(&LineAmounts) -> Decimal| amounts.iter().map(pick).sum::<Decimal>();
    let subtotal = sum(|a| a.gross.amount());
    let discount = sum(|a| a.discount.amount());
    let tax = sum(|a| a.tax.amount());

    let mut taxes: Vec<TaxRow> = Vec::new();
    for (line, a) in lines.iter().zip(&amounts) {
        let rate = line.tax_rate.normalize();
        match taxes.iter_mut().find(|row| row.rate == rate) {
            Some(row) => {
                row.net = Money::rounded(row.net.amount() + a.net.amount(), currency);
                row.tax = Money::rounded(row.tax.amount() + a.tax.amount(), currency);
            }
            None => taxes.push(TaxRow {
                rate,
                net: a.net,
                tax: a.tax,
            }),
        }
    }
    taxes.sort_by_key(|row| row.rate);

    Totals {
        subtotal: Money::rounded(subtotal, currency),
        discount: Money::rounded(discount, currency),
        tax: Money::rounded(tax, currency),
        total: Money::rounded(subtotal - discount + tax, currency),
        taxes,
        lines: amounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn line(q: Decimal, p: Decimal, tax: Decimal, disc: Decimal) -> PricedLine {
        PricedLine {
            quantity: q,
            unit_price: p,
            tax_rate: tax,
            discount_percent: disc,
        }
    }

    #[test]
    fn taxed_and_untaxed_lines_in_euros() {
        let eur = Currency::parse("EUR").unwrap();
        let t = compute(
            &[
                line(dec!(2), dec!(19.99), dec!(20), dec!(0)),
                line(dec!(1.5), dec!(33.33), dec!(0), dec!(0)),
            ],
            eur,
        );
        // 39.98 + 7.996→8.00 tax; 49.995→50.00 untaxed
        assert_eq!(t.subtotal.amount(), dec!(89.98));
        assert_eq!(t.tax.amount(), dec!(8.00));
        assert_eq!(t.total.amount(), dec!(97.98));
        assert_eq!(t.taxes.len(), 2);
        assert_eq!(t.taxes[1].rate, dec!(20));
        assert_eq!(t.taxes[1].tax.amount(), dec!(8.00));
    }

    #[test]
    fn tax_is_rounded_per_line_not_per_rate() {
        let eur = Currency::parse("EUR").unwrap();
        // Each line: net 0.05, tax 0.0105 → 0.01. Per rate it would be 0.021 → 0.02.
        let t = compute(
            &[
                line(dec!(1), dec!(0.05), dec!(21), dec!(0)),
                line(dec!(1), dec!(0.05), dec!(21), dec!(0)),
            ],
            eur,
        );
        assert_eq!(t.tax.amount(), dec!(0.02));
        let t3 = compute(&[line(dec!(1), dec!(0.05), dec!(21), dec!(0)); 3], eur);
        assert_eq!(t3.tax.amount(), dec!(0.03));
    }

    #[test]
    fn yen_totals_have_no_decimals() {
        let jpy = Currency::parse("JPY").unwrap();
        let t = compute(&[line(dec!(3), dec!(1999), dec!(10), dec!(5))], jpy);
        // gross 5997, discount 299.85→300, net 5697, tax 569.7→570
        assert_eq!(t.discount.amount(), dec!(300));
        assert_eq!(t.tax.amount(), dec!(570));
        assert_eq!(t.total.amount(), dec!(6267));
        assert_eq!(t.total.amount().scale(), 0);
    }
}
