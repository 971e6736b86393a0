//! One value of a report row, typed so each export writes it the right way: amounts stay numbers
//! (never formula-guarded, never floats), text is guarded, dates are ISO.

use chrono::NaiveDate;
use std::fmt::Write;

use crate::money::{Currency, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    Text(&'a str),
    Date(NaiveDate),
    /// Exact amount as integer minor units of a currency.
    Amount(Minor),
    Int(i64),
    Empty,
}

/// Text when there is some, an empty cell when not.
pub fn opt(o: &Option<String>) -> Cell<'_> {
    o.as_deref().map_or(Cell::Empty, Cell::Text)
}

/// An amount in integer minor units with its currency's decimals: formatted without ever going
/// through a float or a `Decimal` (the export's hot path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minor {
    pub units: i64,
    pub decimals: u32,
}

impl Minor {
    pub fn new(units: i64, currency: Currency) -> Minor {
        Minor {
            units,
            decimals: currency.decimals(),
        }
    }

    pub fn of(money: Money) -> Minor {
        Minor::new(money.to_minor(), money.currency())
    }

    /// "-1234.50": a minus sign when negative, a dot, exactly `decimals` digits after it.
    pub fn write_to(self, out: &mut String) {
        let negative = self.units < 0;
        let abs = self.units.unsigned_abs();
        if negative {
            out.push('-');
        }
        if self.decimals == 0 {
            let _ = write!(out, "{abs}");
            return;
        }
        let scale = 10u64.pow(self.decimals);
        let _ = write!(
            out,
            "{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = self.decimals as usize
        );
    }
}

impl std::fmt::Display for Minor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s);
        f.write_str(&s)
    }
}

/// A column: `key` names it in JSON, `title` heads it in CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub title: &'static str,
}

pub const fn col(key: &'static str, title: &'static str) -> Column {
    Column { key, title }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(units: i64, decimals: u32) -> String {
        Minor { units, decimals }.to_string()
    }

    #[test]
    fn minor_units_print_exactly() {
        assert_eq!(show(12345, 2), "123.45");
        assert_eq!(show(-5, 2), "-0.05");
        assert_eq!(show(0, 2), "0.00");
        assert_eq!(show(1000, 0), "1000");
        assert_eq!(show(-1, 3), "-0.001");
        assert_eq!(show(i64::MIN, 2), "-92233720368547758.08");
    }
}
