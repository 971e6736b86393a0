//! Accounts receivable aging, as of the report's last day: what each client still owed then, by
//! how late it was — not yet due, 1–30, 31–60, 61–90 and over 90 days past the due date. An
//! invoice counts once it was issued; payments count once received. Void and uncollectible
//! invoices owe nothing.

use std::collections::BTreeMap;
use std::io;

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::cell::{col, Cell, Column, Minor};
use super::output::{Record, StatementLine, Totals};
use super::{Emit, Period};
use crate::error::Result;
use crate::money::Currency;

pub const COLUMNS: &[Column] = &[
    col("client", "Client"),
    col("currency", "Currency"),
    col("current", "Not yet due"),
    col("days_1_30", "1–30 days"),
    col("days_31_60", "31–60 days"),
    col("days_61_90", "61–90 days"),
    col("over_90", "Over 90 days"),
    col("total", "Total owed"),
    col("invoices", "Invoices"),
];

pub const BUCKETS: [&str; 5] = [
    "Not yet due",
    "1–30 days",
    "31–60 days",
    "61–90 days",
    "Over 90 days",
];

pub const TOTALS: &[&str] = &[
    "Not yet due",
    "1–30 days",
    "31–60 days",
    "61–90 days",
    "Over 90 days",
    "Total owed",
];

/// Which bucket an amount falls in, `days_late` after its due date.
pub fn bucket(days_late: i64) -> usize {
    match days_late {
        ..=0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        _ => 4,
    }
}

pub struct ClientAging {
    pub client: String,
    pub currency: Currency,
    pub buckets: [i64; 5],
    pub invoices: i64,
}

impl ClientAging {
    fn total(&self) -> i64 {
        self.buckets.iter().sum()
    }
}

impl Record for ClientAging {
    fn with_cells(&self, f: &mut dyn FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()> {
        let m = |u: i64| Cell::Amount(Minor::new(u, self.currency));
        f(&[
            Cell::Text(&self.client),
            Cell::Text(self.currency.code()),
            m(self.buckets[0]),
            m(self.buckets[1]),
            m(self.buckets[2]),
            m(self.buckets[3]),
            m(self.buckets[4]),
            m(self.total()),
            Cell::Int(self.invoices),
        ])
    }

    fn statement(&self, _: &mut Vec<StatementLine>) {}

    fn add_to(&self, t: &mut Totals) {
        for (label, units) in BUCKETS.iter().zip(self.buckets) {
            t.add(label, self.currency, units);
        }
        t.add("Total owed", self.currency, self.total());
    }
}

/// Per client and currency, sorted by client name.
pub async fn as_of(
    conn: &mut SqliteConnection,
    day: NaiveDate,
    currency: Option<Currency>,
) -> Result<Vec<ClientAging>> {
    let owed: Vec<(i64, String, String, NaiveDate, i64)> = sqlx::query_as(
        "SELECT c.id, c.name, i.currency, i.due_date,
                i.total_minor - COALESCE((SELECT SUM(p.amount_minor) FROM payments p
                                           WHERE p.invoice_id = i.id AND p.received_on <= ?1), 0)
         FROM invoices i JOIN clients c ON c.id = i.client_id
         WHERE i.state = 'open' AND i.issue_date <= ?1 AND (?2 IS NULL OR i.currency = ?2)",
    )
    .bind(day)
    .bind(currency.map(|c| c.code()))
    .fetch_all(&mut *conn)
    .await?;
    let mut by: BTreeMap<(String, i64, String), ClientAging> = BTreeMap::new();
    for (client_id, name, code, due_date, due) in owed {
        if due <= 0 {
            continue;
        }
        let currency = Currency::parse(&code)?;
        let e = by
            .entry((name.to_lowercase(), client_id, code))
            .or_insert_with(|| ClientAging {
                client: name,
                currency,
                buckets: [0; 5],
                invoices: 0,
            });
        e.buckets[bucket((day - due_date).num_days())] += due;
        e.invoices += 1;
    }
    Ok(by.into_values().collect())
}

pub async fn rows(conn: &mut SqliteConnection, p: &Period, emit: &mut Emit<'_>) -> Result<()> {
    for row in as_of(conn, p.to, p.currency).await? {
        emit(&row)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn buckets_have_no_gaps_or_overlaps() {
        assert_eq!(bucket(-5), 0);
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(1), 1);
        assert_eq!(bucket(30), 1);
        assert_eq!(bucket(31), 2);
        assert_eq!(bucket(60), 2);
        assert_eq!(bucket(61), 3);
        assert_eq!(bucket(90), 3);
        assert_eq!(bucket(91), 4);
    }
}
