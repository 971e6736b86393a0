//! Payments received in the period: by hand and through Stripe (assigned to an invoice or still
//! unmatched), with Stripe's fee, fees a dispute cost, the net, what was refunded since, and the
//! Stripe ids a bookkeeper searches the Dashboard with.

use std::io;

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::cell::{col, opt, Cell, Column, Minor};
use super::output::{Record, StatementLine, Totals};
use super::{Emit, Period};
use crate::error::Result;
use crate::money::Currency;

pub const COLUMNS: &[Column] = &[
    col("date", "Date"),
    col("client", "Client"),
    col("invoice", "Invoice"),
    col("method", "Method"),
    col("reference", "Reference"),
    col("via", "Via"),
    col("gross", "Gross"),
    col("stripe_fee", "Stripe fee"),
    col("other_fees", "Other fees"),
    col("net", "Net"),
    col("refunded", "Refunded"),
    col("currency", "Currency"),
    col("status", "Status"),
    col("payment_intent", "Stripe payment"),
    col("charge", "Stripe charge"),
    col("balance_transaction", "Stripe balance transaction"),
];

pub const TOTALS: &[&str] = &["Gross", "Stripe fees", "Other fees", "Net", "Refunded"];

/// The columns both halves of the report select, in this order.
const SELECT: &str = "c_name, inv, method, reference, gross, currency, fee, pi, charge, bt,
    refunded, dispute, dispute_fees";

struct PaymentRow {
    c_name: String,
    inv: Option<String>,
    method: String,
    reference: String,
    gross: i64,
    currency: String,
    fee: Option<i64>,
    pi: Option<String>,
    charge: Option<String>,
    bt: Option<String>,
    refunded: i64,
    dispute: Option<String>,
    dispute_fees: i64,
}

impl PaymentRow {
    /// Decodes by position, in the order of [`SELECT`] (no lookup of each column by name per row).
    fn decode(row: &SqliteRow) -> sqlx::Result<PaymentRow> {
        Ok(PaymentRow {
            c_name: row.try_get(0)?,
            inv: row.try_get(1)?,
            method: row.try_get(2)?,
            reference: row.try_get(3)?,
            gross: row.try_get(4)?,
            currency: row.try_get(5)?,
            fee: row.try_get(6)?,
            pi: row.try_get(7)?,
            charge: row.try_get(8)?,
            bt: row.try_get(9)?,
            refunded: row.try_get(10)?,
            dispute: row.try_get(11)?,
            dispute_fees: row.try_get(12)?,
        })
    }
}

/// The column after [`SELECT`]'s: the payment's day (or Stripe's timestamp for unmatched ones).
const WHEN: usize = 13;

/// A payment of the report: the row as read, on its day, in its currency.
struct Payment {
    r: PaymentRow,
    date: NaiveDate,
    currency: Currency,
}

impl std::ops::Deref for Payment {
    type Target = PaymentRow;
    fn deref(&self) -> &PaymentRow {
        &self.r
    }
}

impl Payment {
    fn minor(&self, units: i64) -> Minor {
        Minor::new(units, self.currency)
    }

    fn net(&self) -> i64 {
        self.gross - self.fee.unwrap_or(0) - self.dispute_fees
    }

    fn status(&self) -> String {
        match self.dispute.as_deref() {
            Some(d) => format!("Disputed ({})", d.replace('_', " ")),
            None if self.refunded >= self.gross => "Refunded".into(),
            None if self.refunded > 0 => "Partially refunded".into(),
            None => "Paid".into(),
        }
    }

    fn invoice(&self) -> &str {
        self.inv.as_deref().unwrap_or("")
    }
}

impl Record for Payment {
    fn with_cells(&self, f: &mut dyn FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()> {
        let stripe = self.pi.is_some();
        let status = self.status();
        f(&[
            Cell::Date(self.date),
            Cell::Text(&self.c_name),
            opt(&self.inv),
            Cell::Text(&self.method),
            Cell::Text(&self.reference),
            Cell::Text(if stripe { "Stripe" } else { "Recorded" }),
            Cell::Amount(self.minor(self.gross)),
            Cell::Amount(self.minor(self.fee.unwrap_or(0))),
            Cell::Amount(self.minor(self.dispute_fees)),
            Cell::Amount(self.minor(self.net())),
            Cell::Amount(self.minor(self.refunded)),
            Cell::Text(self.currency.code()),
            Cell::Text(&status),
            opt(&self.pi),
            opt(&self.charge),
            opt(&self.bt),
        ])
    }

    fn statement(&self, out: &mut Vec<StatementLine>) {
        let date = self.date;
        let what = match self.inv.as_deref() {
            Some(n) => format!("Payment for {n}"),
            None => "Payment (no invoice)".to_string(),
        };
        let reference = self.pi.clone().unwrap_or_else(|| self.reference.clone());
        out.push(StatementLine {
            date,
            amount: self.minor(self.gross),
            payee: self.c_name.clone(),
            description: format!("{what} by {}", self.method.replace('_', " ")),
            reference: reference.clone(),
        });
        let fees = self.fee.unwrap_or(0) + self.dispute_fees;
        if fees != 0 {
            out.push(StatementLine {
                date,
                amount: self.minor(-fees),
                payee: "Stripe".into(),
                description: format!("Stripe fees on {}", self.invoice()),
                reference,
            });
        }
    }

    fn add_to(&self, t: &mut Totals) {
        let c = self.currency;
        t.add("Gross", c, self.gross);
        t.add("Stripe fees", c, self.fee.unwrap_or(0));
        t.add("Other fees", c, self.dispute_fees);
        t.add("Net", c, self.net());
        t.add("Refunded", c, self.refunded);
    }
}

/// Fees Stripe took because of a dispute on the payment (the dispute fee, less any returned).
const DISPUTE: &str = "LEFT JOIN stripe_disputes d ON d.stripe_payment_id = sp.id";
const DISPUTE_FEES: &str = "CASE WHEN d.id IS NULL THEN 0 ELSE
    (SELECT COALESCE(SUM(bt.fee_minor), 0) FROM stripe_balance_transactions bt WHERE bt.source = d.id)
    END";

/// The query behind the report's rows (all but unmatched Stripe payments), ordered by date.
/// Parameters: ?1 first day, ?2 last day, ?3 currency or NULL. Public so the export benchmark can
/// run the very same query through the `sqlite3` shell.
pub fn main_sql() -> String {
    format!(
        "SELECT {SELECT}, received_on FROM (
            SELECT c.name AS c_name, i.number AS inv,
                   CASE WHEN sp.id IS NULL THEN p.method
                        WHEN sp.method_type = '' THEN 'card' ELSE sp.method_type END AS method,
                   p.reference, p.amount_minor AS gross, p.currency, sp.fee_minor AS fee,
                   sp.payment_intent AS pi, sp.charge_id AS charge, sp.balance_transaction AS bt,
                   (SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r WHERE r.payment_id = p.id) AS refunded,
                   d.status AS dispute, {DISPUTE_FEES} AS dispute_fees, p.received_on, p.id AS pid
            FROM payments p
            JOIN invoices i ON i.id = p.invoice_id
            JOIN clients c ON c.id = i.client_id
            LEFT JOIN stripe_payments sp ON sp.payment_id = p.id
            {DISPUTE}
            WHERE p.received_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR p.currency = ?3))
         ORDER BY received_on, pid"
    )
}

pub async fn rows(conn: &mut SqliteConnection, p: &Period, emit: &mut Emit<'_>) -> Result<()> {
    // Stripe payments nobody assigned to an invoice yet: few, so read first and merged in by date.
    let sql = format!(
        "SELECT {SELECT}, created FROM (
            SELECT sp.client_name AS c_name, NULL AS inv,
                   CASE sp.method_type WHEN '' THEN 'card' ELSE sp.method_type END AS method,
                   COALESCE(sp.card_brand || ' •••• ' || sp.card_last4, '') AS reference,
                   sp.amount_minor AS gross, sp.currency, sp.fee_minor AS fee,
                   sp.payment_intent AS pi, sp.charge_id AS charge, sp.balance_transaction AS bt,
                   (SELECT COALESCE(SUM(r.amount_minor), 0) FROM stripe_refunds r
                     WHERE r.stripe_payment_id = sp.id AND r.status IN ('pending', 'succeeded')) AS refunded,
                   d.status AS dispute, {DISPUTE_FEES} AS dispute_fees, sp.stripe_created AS created
            FROM stripe_payments sp {DISPUTE}
            WHERE sp.payment_id IS NULL AND sp.status = 'succeeded'
              AND sp.stripe_created >= ?1 AND sp.stripe_created < ?2
              AND (?3 IS NULL OR sp.currency = ?3))
         ORDER BY created, pi"
    );
    let mut unmatched: Vec<Payment> = Vec::new();
    {
        let mut stream = sqlx::query(&sql)
            .bind(p.start)
            .bind(p.end)
            .bind(p.currency_code())
            .fetch(&mut *conn);
        while let Some(row) = stream.try_next().await? {
            let r = PaymentRow::decode(&row)?;
            unmatched.push(Payment {
                date: p.date_of(row.try_get(WHEN)?),
                currency: Currency::parse(&r.currency)?,
                r,
            });
        }
    }
    let mut pending = unmatched.into_iter().peekable();

    let sql = main_sql();
    let mut stream = sqlx::query(&sql)
        .bind(p.from)
        .bind(p.to)
        .bind(p.currency_code())
        .fetch(&mut *conn);
    // Parsing a currency code per row is measurable at a million rows: remember the last one.
    let mut last: Option<(String, Currency)> = None;
    while let Some(row) = stream.try_next().await? {
        let r = PaymentRow::decode(&row)?;
        let date: NaiveDate = row.try_get(WHEN)?;
        let currency = match &last {
            Some((code, c)) if *code == r.currency => *c,
            _ => {
                let c = Currency::parse(&r.currency)?;
                last = Some((r.currency.clone(), c));
                c
            }
        };
        while pending.peek().is_some_and(|u| u.date <= date) {
            if let Some(u) = pending.next() {
                emit(&u)?;
            }
        }
        emit(&Payment { r, date, currency })?;
    }
    for u in pending {
        emit(&u)?;
    }
    Ok(())
}
