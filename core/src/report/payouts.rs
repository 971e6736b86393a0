//! Payouts to the bank, itemised: one row per balance transaction a payout paid out (payments,
//! refunds, fees, dispute adjustments), each carrying its payout's id, date and amount — the
//! layout of Stripe's own itemised payout reconciliation — so a bank deposit can be matched line
//! by line. The members of a payout add up to it exactly; a payout whose members Stripe hasn't
//! listed yet shows as one row that says so.

use std::io;

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use sqlx::{FromRow, SqliteConnection};

use super::cell::{col, opt, Cell, Column, Minor};
use super::output::{Record, StatementLine, Totals};
use super::{Emit, Period};
use crate::error::Result;
use crate::money::Currency;

pub const COLUMNS: &[Column] = &[
    col("payout", "Payout"),
    col("arrival_date", "Arrival date"),
    col("payout_amount", "Payout amount"),
    col("payout_status", "Payout status"),
    col("date", "Date"),
    col("type", "Type"),
    col("description", "Description"),
    col("client", "Client"),
    col("invoice", "Invoice"),
    col("gross", "Gross"),
    col("fee", "Fee"),
    col("net", "Net"),
    col("currency", "Currency"),
    col("source", "Stripe source"),
    col("balance_transaction", "Stripe balance transaction"),
];

pub const TOTALS: &[&str] = &["Paid out", "Gross", "Fees", "Net"];

#[derive(FromRow)]
struct PayoutRow {
    payout: String,
    arrival: i64,
    payout_amount: i64,
    payout_status: String,
    currency: String,
    /// Each payout's first row carries its amount into the totals.
    first: bool,
    bt: Option<String>,
    created: Option<i64>,
    category: Option<String>,
    description: Option<String>,
    gross: Option<i64>,
    fee: Option<i64>,
    net: Option<i64>,
    source: Option<String>,
    client: Option<String>,
    invoice: Option<String>,
}

struct Member {
    r: PayoutRow,
    arrival: NaiveDate,
    date: Option<NaiveDate>,
    currency: Currency,
}

impl Member {
    fn m(&self, units: i64) -> Minor {
        Minor::new(units, self.currency)
    }
}

impl Record for Member {
    fn with_cells(&self, f: &mut dyn FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()> {
        let r = &self.r;
        let amount = |o: Option<i64>| o.map_or(Cell::Empty, |u| Cell::Amount(self.m(u)));
        let kind = match (&r.bt, r.category.as_deref()) {
            (None, _) => "not itemised yet",
            (Some(_), Some(c)) => c,
            (Some(_), None) => "",
        };
        f(&[
            Cell::Text(&r.payout),
            Cell::Date(self.arrival),
            Cell::Amount(self.m(r.payout_amount)),
            Cell::Text(&r.payout_status),
            self.date.map_or(Cell::Empty, Cell::Date),
            Cell::Text(kind),
            opt(&r.description),
            opt(&r.client),
            opt(&r.invoice),
            amount(r.gross),
            amount(r.fee),
            amount(r.net),
            Cell::Text(&r.currency),
            opt(&r.source),
            opt(&r.bt),
        ])
    }

    /// The payout's members as money into the Stripe account, their fees out, and the payout
    /// itself out to the bank: the account nets to zero per payout.
    fn statement(&self, out: &mut Vec<StatementLine>) {
        let r = &self.r;
        if let (Some(gross), Some(date)) = (r.gross, self.date) {
            let payee = r.client.clone().unwrap_or_else(|| "Stripe".into());
            let what = r.description.clone().unwrap_or_default();
            out.push(StatementLine {
                date,
                amount: self.m(gross),
                payee,
                description: match &r.invoice {
                    Some(n) => format!("{what} ({n})"),
                    None => what,
                },
                reference: r.source.clone().unwrap_or_default(),
            });
            if let Some(fee) = r.fee.filter(|f| *f != 0) {
                out.push(StatementLine {
                    date,
                    amount: self.m(-fee),
                    payee: "Stripe".into(),
                    description: "Stripe fees".into(),
                    reference: r.source.clone().unwrap_or_default(),
                });
            }
        }
        if r.first {
            out.push(StatementLine {
                date: self.arrival,
                amount: self.m(-r.payout_amount),
                payee: "Bank".into(),
                description: "Stripe payout to the bank".into(),
                reference: r.payout.clone(),
            });
        }
    }

    fn add_to(&self, t: &mut Totals) {
        let c = self.currency;
        if self.r.first {
            t.add("Paid out", c, self.r.payout_amount);
        }
        t.add("Gross", c, self.r.gross.unwrap_or(0));
        t.add("Fees", c, self.r.fee.unwrap_or(0));
        t.add("Net", c, self.r.net.unwrap_or(0));
    }
}

/// Stripe gives an arrival date as midnight UTC of that day.
fn utc_date(unix: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .date_naive()
}

pub async fn rows(conn: &mut SqliteConnection, p: &Period, emit: &mut Emit<'_>) -> Result<()> {
    // The invoice and client behind a member: through its charge, its refund or its dispute.
    let mut stream = sqlx::query(
        "SELECT po.id AS payout, po.arrival_date AS arrival, po.amount_minor AS payout_amount,
                po.status AS payout_status, po.currency,
                ROW_NUMBER() OVER (PARTITION BY po.id ORDER BY bt.stripe_created, bt.id) = 1 AS first,
                bt.id AS bt, bt.stripe_created AS created, bt.reporting_category AS category,
                bt.description, bt.amount_minor AS gross, bt.fee_minor AS fee, bt.net_minor AS net,
                bt.source,
                COALESCE(c.name, sp.client_name) AS client, i.number AS invoice
         FROM stripe_payouts po
         LEFT JOIN stripe_balance_transactions bt ON bt.payout_id = po.id AND bt.type <> 'payout'
         LEFT JOIN stripe_payments by_charge ON by_charge.charge_id = bt.source
         LEFT JOIN stripe_refunds rf ON rf.stripe_id = bt.source
         LEFT JOIN stripe_disputes dp ON dp.id = bt.source
         LEFT JOIN stripe_payments sp
                ON sp.id = COALESCE(by_charge.id, rf.stripe_payment_id, dp.stripe_payment_id)
         LEFT JOIN invoices i ON i.id = sp.invoice_id
         LEFT JOIN clients c ON c.id = i.client_id
         WHERE po.arrival_date >= ?1 AND po.arrival_date < ?2 AND po.status NOT IN ('failed', 'canceled')
           AND (?3 IS NULL OR po.currency = ?3)
         ORDER BY po.arrival_date, po.id, bt.stripe_created, bt.id",
    )
    .bind(p.utc_start)
    .bind(p.utc_end)
    .bind(p.currency_code())
    .fetch(&mut *conn);
    while let Some(row) = stream.try_next().await? {
        let r = PayoutRow::from_row(&row)?;
        emit(&Member {
            arrival: utc_date(r.arrival),
            date: r.created.map(|c| p.date_of(c)),
            currency: Currency::parse(&r.currency)?,
            r,
        })?;
    }
    Ok(())
}
