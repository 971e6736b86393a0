//! Revenue for the period: by month (invoiced net of tax, tax, collected less refunds, Stripe's
//! fees), by service and by staff member (invoiced, from invoice lines and bookings), and the
//! deposits held on jobs whose final payment hasn't come in. Invoiced means issued and not void.

use std::collections::BTreeMap;
use std::io;
use std::str::FromStr;

use chrono::{Datelike, Months};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::cell::{col, Cell, Column, Minor};
use super::output::{Record, StatementLine, Totals};
use super::{Emit, Period};
use crate::error::Result;
use crate::invoice::totals::{line_amounts, PricedLine};
use crate::money::{Currency, Money};

pub const COLUMNS: &[Column] = &[
    col("section", "Section"),
    col("name", "Name"),
    col("currency", "Currency"),
    col("invoiced", "Invoiced (net of tax)"),
    col("tax", "Tax"),
    col("collected", "Collected"),
    col("stripe_fees", "Stripe fees"),
    col("count", "Count"),
];

pub const TOTALS: &[&str] = &["Invoiced", "Tax", "Collected", "Stripe fees"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Section {
    Month,
    Service,
    Staff,
    DepositsHeld,
}

impl Section {
    fn text(self) -> &'static str {
        match self {
            Section::Month => "Month",
            Section::Service => "Service",
            Section::Staff => "Staff member",
            Section::DepositsHeld => "Deposits held",
        }
    }
}

/// One row of the revenue report; `None` where a figure doesn't apply to the section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevenueRow {
    pub section: Section,
    pub name: String,
    pub invoiced: Option<Money>,
    pub tax: Option<Money>,
    pub collected: Option<Money>,
    pub stripe_fees: Option<Money>,
    pub count: i64,
}

impl RevenueRow {
    fn currency(&self) -> Option<Currency> {
        [self.invoiced, self.tax, self.collected, self.stripe_fees]
            .into_iter()
            .flatten()
            .map(|m| m.currency())
            .next()
    }
}

impl Record for RevenueRow {
    fn with_cells(&self, f: &mut dyn FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()> {
        let m = |o: Option<Money>| o.map_or(Cell::Empty, |m| Cell::Amount(Minor::of(m)));
        f(&[
            Cell::Text(self.section.text()),
            Cell::Text(&self.name),
            self.currency()
                .map_or(Cell::Empty, |c| Cell::Text(c.code())),
            m(self.invoiced),
            m(self.tax),
            m(self.collected),
            m(self.stripe_fees),
            Cell::Int(self.count),
        ])
    }

    fn statement(&self, _: &mut Vec<StatementLine>) {}

    /// Only the month rows add up to the period (services and staff are other cuts of the same
    /// money; deposits are held, not earned).
    fn add_to(&self, t: &mut Totals) {
        if self.section != Section::Month {
            return;
        }
        for (label, v) in [
            ("Invoiced", self.invoiced),
            ("Tax", self.tax),
            ("Collected", self.collected),
            ("Stripe fees", self.stripe_fees),
        ] {
            if let Some(m) = v {
                t.add(label, m.currency(), m.to_minor());
            }
        }
    }
}

/// "YYYY-MM" of each month the period touches.
fn months(p: &Period) -> Vec<String> {
    let mut out = Vec::new();
    let mut m = p.from.with_day(1).unwrap_or(p.from);
    while m <= p.to {
        out.push(m.format("%Y-%m").to_string());
        match m.checked_add_months(Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    out
}

fn money(units: i64, code: &str) -> Result<Money> {
    Ok(Money::from_minor(units, Currency::parse(code)?))
}

/// (key, currency) → [invoiced, tax, collected, fees, count]
type Sums = BTreeMap<(String, String), [i64; 5]>;

fn rows_of(section: Section, sums: Sums, with: [bool; 4]) -> Result<Vec<RevenueRow>> {
    sums.into_iter()
        .map(|((name, code), v)| {
            let pick = |i: usize| -> Result<Option<Money>> {
                if with[i] {
                    Ok(Some(money(v[i], &code)?))
                } else {
                    Ok(None)
                }
            };
            Ok(RevenueRow {
                section,
                name,
                invoiced: pick(0)?,
                tax: pick(1)?,
                collected: pick(2)?,
                stripe_fees: pick(3)?,
                count: v[4],
            })
        })
        .collect()
}

pub async fn by_month(conn: &mut SqliteConnection, p: &Period) -> Result<Vec<RevenueRow>> {
    let cur = p.currency_code();
    let mut sums = Sums::new();
    let invoiced: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT substr(issue_date, 1, 7), currency, SUM(total_minor - tax_minor), SUM(tax_minor), COUNT(*)
         FROM invoices
         WHERE state IN ('open', 'uncollectible') AND issue_date BETWEEN ?1 AND ?2
           AND (?3 IS NULL OR currency = ?3)
         GROUP BY 1, 2",
    )
    .bind(p.from)
    .bind(p.to)
    .bind(cur)
    .fetch_all(&mut *conn)
    .await?;
    for (month, code, net, tax, n) in invoiced {
        let e = sums.entry((month, code)).or_default();
        e[0] += net;
        e[1] += tax;
        e[4] += n;
    }
    let collected: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT month, currency, SUM(amount), SUM(fee) FROM (
            SELECT substr(p.received_on, 1, 7) AS month, p.currency, p.amount_minor AS amount,
                   COALESCE(sp.fee_minor, 0) AS fee
            FROM payments p LEFT JOIN stripe_payments sp ON sp.payment_id = p.id
            WHERE p.received_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR p.currency = ?3)
            UNION ALL
            SELECT substr(refunded_on, 1, 7), currency, -amount_minor, 0 FROM refunds
            WHERE refunded_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR currency = ?3))
         GROUP BY 1, 2",
    )
    .bind(p.from)
    .bind(p.to)
    .bind(cur)
    .fetch_all(&mut *conn)
    .await?;
    for (month, code, amount, fee) in collected {
        let e = sums.entry((month, code)).or_default();
        e[2] += amount;
        e[3] += fee;
    }
    // Every month of the period appears, with zeros, in each currency that had any money.
    let codes: Vec<String> = {
        let mut c: Vec<String> = sums.keys().map(|(_, c)| c.clone()).collect();
        c.sort();
        c.dedup();
        c
    };
    for month in months(p) {
        for code in &codes {
            sums.entry((month.clone(), code.clone())).or_default();
        }
    }
    rows_of(Section::Month, sums, [true, true, true, true])
}

async fn by_service(conn: &mut SqliteConnection, p: &Period) -> Result<Vec<RevenueRow>> {
    let lines: Vec<(Option<String>, String, String, i64, String, String)> = sqlx::query_as(
        "SELECT s.name, i.currency, l.quantity, l.unit_price_minor, l.tax_rate, l.discount_percent
         FROM invoice_lines l
         JOIN invoices i ON i.id = l.invoice_id
         LEFT JOIN services s ON s.id = l.service_id
         WHERE i.state IN ('open', 'uncollectible') AND i.issue_date BETWEEN ?1 AND ?2
           AND (?3 IS NULL OR i.currency = ?3)",
    )
    .bind(p.from)
    .bind(p.to)
    .bind(p.currency_code())
    .fetch_all(&mut *conn)
    .await?;
    let mut sums = Sums::new();
    let dec = |s: &str| Decimal::from_str(s).unwrap_or_default();
    for (service, code, qty, unit, tax_rate, discount) in lines {
        let currency = Currency::parse(&code)?;
        // The same rule as the invoice itself (invoice::totals), so the cuts add up to it.
        let a = line_amounts(
            &PricedLine {
                quantity: dec(&qty),
                unit_price: Money::from_minor(unit, currency).amount(),
                tax_rate: dec(&tax_rate),
                discount_percent: dec(&discount),
            },
            currency,
        );
        let name = service.unwrap_or_else(|| "Other items".into());
        let e = sums.entry((name, code)).or_default();
        e[0] += a.net.to_minor();
        e[1] += a.tax.to_minor();
        e[4] += 1;
    }
    rows_of(Section::Service, sums, [true, true, false, false])
}

async fn by_staff(conn: &mut SqliteConnection, p: &Period) -> Result<Vec<RevenueRow>> {
    let rows: Vec<(Option<String>, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT st.name, i.currency, SUM(i.total_minor - i.tax_minor), SUM(i.tax_minor), COUNT(*)
         FROM invoices i
         LEFT JOIN bookings b ON b.id = i.booking_id
         LEFT JOIN staff st ON st.id = b.staff_id
         WHERE i.state IN ('open', 'uncollectible') AND i.issue_date BETWEEN ?1 AND ?2
           AND (?3 IS NULL OR i.currency = ?3)
         GROUP BY st.id, i.currency",
    )
    .bind(p.from)
    .bind(p.to)
    .bind(p.currency_code())
    .fetch_all(&mut *conn)
    .await?;
    let mut sums = Sums::new();
    for (name, code, net, tax, n) in rows {
        let e = sums
            .entry((name.unwrap_or_else(|| "No staff member".into()), code))
            .or_default();
        e[0] += net;
        e[1] += tax;
        e[4] += n;
    }
    rows_of(Section::Staff, sums, [true, true, false, false])
}

/// Deposits paid (less refunds) by the period's end on jobs whose final request isn't paid.
async fn deposits_held(conn: &mut SqliteConnection, p: &Period) -> Result<Vec<RevenueRow>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT j.title || ' (' || c.name || ')', j.currency,
                COALESCE((SELECT SUM(pm.amount_minor) FROM payments pm
                           JOIN job_requests r ON r.invoice_id = pm.invoice_id
                           WHERE r.job_id = j.id AND r.kind = 'deposit' AND pm.received_on <= ?1), 0)
              - COALESCE((SELECT SUM(rf.amount_minor) FROM refunds rf
                           JOIN job_requests r ON r.invoice_id = rf.invoice_id
                           WHERE r.job_id = j.id AND r.kind = 'deposit' AND rf.refunded_on <= ?1), 0)
         FROM jobs j JOIN clients c ON c.id = j.client_id
         WHERE (?2 IS NULL OR j.currency = ?2)
           AND NOT EXISTS (SELECT 1 FROM job_requests r JOIN invoices i ON i.id = r.invoice_id
                           WHERE r.job_id = j.id AND r.kind = 'final' AND i.status = 'paid')",
    )
    .bind(p.to)
    .bind(p.currency_code())
    .fetch_all(&mut *conn)
    .await?;
    let mut sums = Sums::new();
    for (name, code, held) in rows.into_iter().filter(|r| r.2 > 0) {
        let e = sums.entry((name, code)).or_default();
        e[2] += held;
        e[4] += 1;
    }
    rows_of(Section::DepositsHeld, sums, [false, false, true, false])
}

pub async fn rows(conn: &mut SqliteConnection, p: &Period, emit: &mut Emit<'_>) -> Result<()> {
    let mut all = by_month(conn, p).await?;
    all.extend(by_service(conn, p).await?);
    all.extend(by_staff(conn, p).await?);
    all.extend(deposits_held(conn, p).await?);
    for r in &all {
        emit(r)?;
    }
    Ok(())
}
