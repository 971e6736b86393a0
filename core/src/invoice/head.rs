//! The few facts about an invoice that applying a Stripe payment needs, read in one query. The
//! events poller applies thousands of payments a minute when it catches up, and on a desktop each
//! query is a round trip to SQLite's thread; the full `Invoice` (lines, payments, refunds) costs
//! five of them.

use sqlx::SqliteConnection;

use super::status::{amount_due, derive};
use super::{InvoiceState, InvoiceStatus};
use crate::error::{Error, Result};
use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceHead {
    pub id: i64,
    pub number: Option<String>,
    pub client_id: i64,
    pub client_name: String,
    pub currency: Currency,
    pub state: InvoiceState,
    /// The cached total (kept by `store::refresh` whenever the lines change).
    pub total: Money,
    pub paid: Money,
    pub refunded: Money,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    number: Option<String>,
    client_id: i64,
    client_name: String,
    currency: String,
    state: String,
    total_minor: i64,
    paid_minor: i64,
    refunded_minor: i64,
}

/// The status column after receiving `amount` more: `UPDATE`-ready with [`SET_STATUS`].
pub const SET_STATUS: &str = "UPDATE invoices SET status = ? WHERE id = ?";

impl InvoiceHead {
    pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<InvoiceHead> {
        let r: Row = sqlx::query_as(
            "SELECT i.id, i.number, i.client_id, c.name AS client_name, i.currency, i.state,
                    i.total_minor,
                    (SELECT COALESCE(SUM(amount_minor), 0) FROM payments WHERE invoice_id = i.id)
                        AS paid_minor,
                    (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds WHERE invoice_id = i.id)
                        AS refunded_minor
             FROM invoices i JOIN clients c ON c.id = i.client_id WHERE i.id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound {
            what: "Invoice",
            id,
        })?;
        let currency = Currency::parse(&r.currency)?;
        Ok(InvoiceHead {
            id: r.id,
            number: r.number,
            client_id: r.client_id,
            client_name: r.client_name,
            currency,
            state: super::store::parse_state(&r.state)?,
            total: Money::from_minor(r.total_minor, currency),
            paid: Money::from_minor(r.paid_minor, currency),
            refunded: Money::from_minor(r.refunded_minor, currency),
        })
    }

    /// "INV-2026-0001", or "Draft 7" before it has a number.
    pub fn label(&self) -> String {
        super::label_of(self.number.as_deref(), self.id)
    }

    pub fn amount_due(&self) -> Money {
        amount_due(self.state, self.total, self.paid)
    }

    /// The status once `amount` more is received (same currency).
    pub fn status_after_payment(&self, amount: Money) -> Result<InvoiceStatus> {
        let paid = self.paid.checked_add(amount)?;
        Ok(derive(self.state, self.total, paid, self.refunded))
    }
}
