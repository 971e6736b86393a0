//! Money that went back: refunds (made in Paydesk, in the Stripe Dashboard, or recorded by hand)
//! and disputes — each withdrawal and reversal with the fee Stripe charged or returned.

use std::io;

use chrono::NaiveDate;
use sqlx::{FromRow, Row, SqliteConnection};

use super::cell::{col, opt, Cell, Column, Minor};
use super::output::{Record, StatementLine, Totals};
use super::{Emit, Period};
use crate::error::Result;
use crate::money::Currency;

pub const COLUMNS: &[Column] = &[
    col("date", "Date"),
    col("type", "Type"),
    col("client", "Client"),
    col("invoice", "Invoice"),
    col("amount", "Amount"),
    col("fee", "Fee"),
    col("effect", "Effect on balance"),
    col("currency", "Currency"),
    col("status", "Status"),
    col("reason", "Reason"),
    col("stripe_id", "Stripe refund or dispute"),
    col("payment_intent", "Stripe payment"),
];

pub const TOTALS: &[&str] = &[
    "Refunded",
    "Disputed",
    "Dispute reversed",
    "Fees",
    "Effect on balance",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Refund,
    DisputeWithdrawal,
    DisputeReversal,
}

impl Kind {
    fn text(self) -> &'static str {
        match self {
            Kind::Refund => "Refund",
            Kind::DisputeWithdrawal => "Dispute withdrawal",
            Kind::DisputeReversal => "Dispute reversal",
        }
    }
}

struct Movement {
    date: NaiveDate,
    kind: Kind,
    client: String,
    invoice: Option<String>,
    /// The size of the movement, positive.
    amount: i64,
    /// What Stripe charged for it (negative when it gave a fee back).
    fee: i64,
    currency: Currency,
    status: String,
    reason: String,
    stripe_id: Option<String>,
    payment_intent: Option<String>,
}

impl Movement {
    fn m(&self, units: i64) -> Minor {
        Minor::new(units, self.currency)
    }

    /// Signed: money out of the business is negative.
    fn effect(&self) -> i64 {
        let sign = if self.kind == Kind::DisputeReversal {
            1
        } else {
            -1
        };
        sign * self.amount - self.fee
    }
}

impl Record for Movement {
    fn with_cells(&self, f: &mut dyn FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()> {
        f(&[
            Cell::Date(self.date),
            Cell::Text(self.kind.text()),
            Cell::Text(&self.client),
            opt(&self.invoice),
            Cell::Amount(self.m(self.amount)),
            Cell::Amount(self.m(self.fee)),
            Cell::Amount(self.m(self.effect())),
            Cell::Text(self.currency.code()),
            Cell::Text(&self.status),
            Cell::Text(&self.reason),
            opt(&self.stripe_id),
            opt(&self.payment_intent),
        ])
    }

    fn statement(&self, out: &mut Vec<StatementLine>) {
        let reference = self.stripe_id.clone().unwrap_or_default();
        let on = self.invoice.as_deref().unwrap_or("a payment");
        let sign = if self.kind == Kind::DisputeReversal {
            1
        } else {
            -1
        };
        out.push(StatementLine {
            date: self.date,
            amount: self.m(sign * self.amount),
            payee: self.client.clone(),
            description: format!("{} on {on}", self.kind.text()),
            reference: reference.clone(),
        });
        if self.fee != 0 {
            out.push(StatementLine {
                date: self.date,
                amount: self.m(-self.fee),
                payee: "Stripe".into(),
                description: format!("{} fee on {on}", self.kind.text()),
                reference,
            });
        }
    }

    fn add_to(&self, t: &mut Totals) {
        let c = self.currency;
        match self.kind {
            Kind::Refund => t.add("Refunded", c, self.amount),
            Kind::DisputeWithdrawal => t.add("Disputed", c, self.amount),
            Kind::DisputeReversal => t.add("Dispute reversed", c, self.amount),
        }
        t.add("Fees", c, self.fee);
        t.add("Effect on balance", c, self.effect());
    }
}

/// A refund as the two refund queries select it (each adds its own date column).
#[derive(FromRow)]
struct RefundRow {
    client: String,
    invoice: Option<String>,
    amount: i64,
    currency: String,
    reason: String,
    stripe_id: Option<String>,
    status: Option<String>,
    fee: Option<i64>,
    pi: Option<String>,
}

fn refund(date: NaiveDate, r: RefundRow) -> Result<Movement> {
    Ok(Movement {
        date,
        kind: Kind::Refund,
        client: r.client,
        invoice: r.invoice,
        amount: r.amount,
        fee: r.fee.unwrap_or(0),
        currency: Currency::parse(&r.currency)?,
        status: r.status.unwrap_or_else(|| "recorded".into()),
        reason: r.reason,
        stripe_id: r.stripe_id,
        payment_intent: r.pi,
    })
}

#[derive(FromRow)]
struct DisputeRow {
    created: i64,
    amount: i64,
    fee: i64,
    currency: String,
    id: String,
    status: String,
    reason: String,
    client: String,
    invoice: Option<String>,
    pi: Option<String>,
}

const REFUND_COLUMNS: &str =
    "AS client, i.number AS invoice, {amount} AS amount, {t}.currency AS currency,
    {t}.reason AS reason, rs.stripe_id, rs.status, bt.fee_minor AS fee, sp.payment_intent AS pi";

fn refund_columns(client: &str, amount: &str, table: &str) -> String {
    format!(
        "{client} {}",
        REFUND_COLUMNS
            .replace("{amount}", amount)
            .replace("{t}", table)
    )
}

pub async fn rows(conn: &mut SqliteConnection, p: &Period, emit: &mut Emit<'_>) -> Result<()> {
    let mut all: Vec<Movement> = Vec::new();

    // Refunds on invoices: recorded by hand, or Stripe's (with their balance transaction's fee).
    let recorded = sqlx::query(&format!(
        "SELECT r.refunded_on AS day, {}
         FROM refunds r
         JOIN invoices i ON i.id = r.invoice_id
         JOIN clients c ON c.id = i.client_id
         LEFT JOIN stripe_refunds rs ON rs.refund_id = r.id
         LEFT JOIN stripe_payments sp ON sp.id = rs.stripe_payment_id
         LEFT JOIN stripe_balance_transactions bt ON bt.id = rs.balance_transaction
         WHERE r.refunded_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR r.currency = ?3)",
        refund_columns("c.name", "r.amount_minor", "r")
    ))
    .bind(p.from)
    .bind(p.to)
    .bind(p.currency_code())
    .fetch_all(&mut *conn)
    .await?;
    for row in recorded {
        all.push(refund(row.try_get("day")?, RefundRow::from_row(&row)?)?);
    }

    // Stripe refunds of payments that have no Paydesk payment (unmatched ones).
    let unmatched = sqlx::query(&format!(
        "SELECT rs.stripe_created AS created, {}
         FROM stripe_refunds rs
         JOIN stripe_payments sp ON sp.id = rs.stripe_payment_id
         LEFT JOIN invoices i ON i.id = sp.invoice_id
         LEFT JOIN stripe_balance_transactions bt ON bt.id = rs.balance_transaction
         WHERE rs.refund_id IS NULL AND rs.status IN ('pending', 'succeeded')
           AND rs.stripe_created >= ?1 AND rs.stripe_created < ?2
           AND (?3 IS NULL OR rs.currency = ?3)",
        refund_columns("sp.client_name", "rs.amount_minor", "rs")
    ))
    .bind(p.start)
    .bind(p.end)
    .bind(p.currency_code())
    .fetch_all(&mut *conn)
    .await?;
    for row in unmatched {
        let date = p.date_of(row.try_get("created")?);
        all.push(refund(date, RefundRow::from_row(&row)?)?);
    }

    // Disputes: each movement of the balance a dispute caused.
    let disputes: Vec<DisputeRow> = sqlx::query_as(
        "SELECT bt.stripe_created AS created, bt.amount_minor AS amount, bt.fee_minor AS fee,
                bt.currency, d.id, d.status, d.reason, COALESCE(c.name, sp.client_name, '') AS client,
                i.number AS invoice, sp.payment_intent AS pi
         FROM stripe_balance_transactions bt
         JOIN stripe_disputes d ON d.id = bt.source
         LEFT JOIN stripe_payments sp ON sp.id = d.stripe_payment_id
         LEFT JOIN invoices i ON i.id = sp.invoice_id
         LEFT JOIN clients c ON c.id = i.client_id
         WHERE bt.stripe_created >= ?1 AND bt.stripe_created < ?2
           AND (?3 IS NULL OR bt.currency = ?3)",
    )
    .bind(p.start)
    .bind(p.end)
    .bind(p.currency_code())
    .fetch_all(&mut *conn)
    .await?;
    for d in disputes {
        all.push(Movement {
            date: p.date_of(d.created),
            kind: if d.amount < 0 {
                Kind::DisputeWithdrawal
            } else {
                Kind::DisputeReversal
            },
            client: d.client,
            invoice: d.invoice,
            amount: d.amount.abs(),
            fee: d.fee,
            currency: Currency::parse(&d.currency)?,
            status: d.status.replace('_', " "),
            reason: d.reason.replace('_', " "),
            stripe_id: Some(d.id),
            payment_intent: d.pi,
        });
    }

    all.sort_by(|a, b| (a.date, a.kind, &a.stripe_id).cmp(&(b.date, b.kind, &b.stripe_id)));
    for m in &all {
        emit(m)?;
    }
    Ok(())
}
