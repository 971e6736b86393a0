//! Money received against an invoice, and money given back. Manual methods here (cash, cheque,
//! bank transfer, card on a terminal, other); Stripe payments arrive through the events poller.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::{instant_col, instant_text};
use crate::error::{Error, Result};
use crate::invoice::status::text_enum;
use crate::invoice::{self, store as invoice_store, InvoiceState};
use crate::money::{decimal_serde, Currency, Money};
use crate::validate::optional_text;
use crate::Paydesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PaymentMethod {
    Cash,
    Cheque,
    BankTransfer,
    /// A card taken on the business's own terminal, outside Paydesk.
    Card,
    Other,
}

text_enum!(PaymentMethod { Cash = "cash", Cheque = "cheque", BankTransfer = "bank_transfer", Card = "card", Other = "other" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Payment {
    pub id: i64,
    pub invoice_id: i64,
    pub amount: Money,
    pub method: PaymentMethod,
    pub received_on: NaiveDate,
    pub reference: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Refund {
    pub id: i64,
    pub payment_id: i64,
    pub invoice_id: i64,
    pub amount: Money,
    pub reason: String,
    pub refunded_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaymentInput {
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
    pub method: PaymentMethod,
    /// Defaults to today in the business time zone.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub received_on: Option<NaiveDate>,
    #[serde(default)]
    pub reference: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefundInput {
    /// Defaults to everything not yet refunded of the payment.
    #[serde(with = "decimal_serde::option", default)]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub amount: Option<Decimal>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub refunded_on: Option<NaiveDate>,
}

pub(crate) mod store {
    use super::*;

    #[derive(sqlx::FromRow)]
    struct PaymentRow {
        id: i64,
        invoice_id: i64,
        amount_minor: i64,
        currency: String,
        method: String,
        received_on: NaiveDate,
        reference: String,
        created_at: String,
    }

    fn into_payment(r: PaymentRow) -> Result<Payment> {
        Ok(Payment {
            id: r.id,
            invoice_id: r.invoice_id,
            amount: Money::from_minor(r.amount_minor, Currency::parse(&r.currency)?),
            method: PaymentMethod::parse(&r.method).ok_or_else(|| {
                Error::Database(sqlx::Error::Decode(
                    format!("unknown payment method {}", r.method).into(),
                ))
            })?,
            received_on: r.received_on,
            reference: r.reference,
            created_at: instant_col("created_at", &r.created_at)?,
        })
    }

    #[derive(sqlx::FromRow)]
    struct RefundRow {
        id: i64,
        payment_id: i64,
        invoice_id: i64,
        amount_minor: i64,
        currency: String,
        reason: String,
        refunded_on: NaiveDate,
        created_at: String,
    }

    fn into_refund(r: RefundRow) -> Result<Refund> {
        Ok(Refund {
            id: r.id,
            payment_id: r.payment_id,
            invoice_id: r.invoice_id,
            amount: Money::from_minor(r.amount_minor, Currency::parse(&r.currency)?),
            reason: r.reason,
            refunded_on: r.refunded_on,
            created_at: instant_col("created_at", &r.created_at)?,
        })
    }

    const PAYMENT_COLUMNS: &str =
        "id, invoice_id, amount_minor, currency, method, received_on, reference, created_at";
    const REFUND_COLUMNS: &str =
        "id, payment_id, invoice_id, amount_minor, currency, reason, refunded_on, created_at";

    pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Payment> {
        let row: Option<PaymentRow> = sqlx::query_as(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        into_payment(row.ok_or(Error::NotFound {
            what: "Payment",
            id,
        })?)
    }

    pub async fn for_invoice(conn: &mut SqliteConnection, invoice_id: i64) -> Result<Vec<Payment>> {
        let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE invoice_id = ? ORDER BY received_on, id"
        ))
        .bind(invoice_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(into_payment).collect()
    }

    pub async fn refunds_for_invoice(
        conn: &mut SqliteConnection,
        invoice_id: i64,
    ) -> Result<Vec<Refund>> {
        let rows: Vec<RefundRow> = sqlx::query_as(&format!(
            "SELECT {REFUND_COLUMNS} FROM refunds WHERE invoice_id = ? ORDER BY refunded_on, id"
        ))
        .bind(invoice_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(into_refund).collect()
    }

    pub async fn refund(conn: &mut SqliteConnection, id: i64) -> Result<Refund> {
        let row: Option<RefundRow> = sqlx::query_as(&format!(
            "SELECT {REFUND_COLUMNS} FROM refunds WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        into_refund(row.ok_or(Error::NotFound { what: "Refund", id })?)
    }

    pub async fn refunded_of(conn: &mut SqliteConnection, payment_id: i64) -> Result<i64> {
        let (sum,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(SUM(amount_minor), 0) FROM refunds WHERE payment_id = ?",
        )
        .bind(payment_id)
        .fetch_one(&mut *conn)
        .await?;
        Ok(sum)
    }

    /// Payments received between two dates (inclusive), oldest first.
    pub async fn received_between(
        conn: &mut SqliteConnection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Payment>> {
        let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE received_on BETWEEN ? AND ? ORDER BY received_on, id"
        ))
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(into_payment).collect()
    }
}

/// How much a refund gives back: what was asked, or everything `left` of the payment; never
/// nothing, never more than is left. The one rule for manual and Stripe refunds.
pub(crate) fn refund_amount(payment_id: i64, input: &RefundInput, left: Money) -> Result<Money> {
    let amount = match input.amount {
        Some(a) => Money::new(a, left.currency()).map_err(|e| Error::from(e).in_field("amount"))?,
        None => left,
    };
    if !amount.is_positive() {
        return Err(if left.is_zero() {
            Error::conflict(format!(
                "Payment {payment_id} has already been refunded in full."
            ))
        } else {
            Error::invalid("amount", "The amount must be more than zero.")
        });
    }
    if amount.amount() > left.amount() {
        return Err(Error::invalid(
            "amount",
            format!("Only {left} of this payment can still be refunded."),
        ));
    }
    Ok(amount)
}

impl Paydesk {
    /// Records money received outside Stripe. It can't be more than what is still owed, so an
    /// invoice never holds money that isn't applied to it.
    pub async fn record_payment(&self, invoice_id: i64, input: &PaymentInput) -> Result<Payment> {
        let mut tx = self.db.write().await?;
        let inv = invoice_store::get(&mut tx, invoice_id).await?;
        match inv.state {
            InvoiceState::Open | InvoiceState::Uncollectible => {}
            InvoiceState::Draft => {
                return Err(Error::conflict(
                    "Finalize the invoice before recording a payment on it.",
                ))
            }
            InvoiceState::Void => {
                return Err(Error::conflict(format!(
                    "{} is void; it can't take payments.",
                    invoice::label(&inv)
                )))
            }
        }
        if input.amount <= Decimal::ZERO {
            return Err(Error::invalid(
                "amount",
                "The amount must be more than zero.",
            ));
        }
        let amount = Money::new(input.amount, inv.currency)
            .map_err(|e| Error::from(e).in_field("amount"))?;
        if amount.amount() > inv.amount_due.amount() {
            return Err(Error::invalid(
                "amount",
                format!(
                    "{} is more than the {} still owed on {}.",
                    amount,
                    inv.amount_due,
                    invoice::label(&inv)
                ),
            ));
        }
        let reference = optional_text("reference", "Reference", &input.reference, 200)?;
        let received_on = match input.received_on {
            Some(d) => d,
            None => self
                .now()
                .with_timezone(&crate::business::store::get(&mut tx).await?.time_zone()?)
                .date_naive(),
        };
        let id = sqlx::query(
            "INSERT INTO payments (invoice_id, amount_minor, currency, method, received_on, reference, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(invoice_id)
        .bind(amount.to_minor())
        .bind(amount.currency().code())
        .bind(input.method.as_str())
        .bind(received_on)
        .bind(&reference)
        .bind(instant_text(self.now()))
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        invoice_store::refresh(&mut tx, invoice_id).await?;
        let payment = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(payment)
    }

    /// Gives back all or part of a payment. At most what is left of it can be refunded.
    pub async fn refund_payment(&self, payment_id: i64, input: &RefundInput) -> Result<Refund> {
        let mut tx = self.db.write().await?;
        let payment = store::get(&mut tx, payment_id).await?;
        let through_stripe: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM stripe_payments WHERE payment_id = ?")
                .bind(payment_id)
                .fetch_optional(&mut *tx)
                .await?;
        if through_stripe.is_some() {
            return Err(Error::conflict(
                "This payment came through Stripe: refund it through Stripe, so the money goes back \
                 to the client's card.",
            ));
        }
        let already = Money::from_minor(
            store::refunded_of(&mut tx, payment_id).await?,
            payment.amount.currency(),
        );
        let left = payment.amount.checked_sub(already)?;
        let amount = refund_amount(payment_id, input, left)?;
        let reason = optional_text("reason", "Reason", &input.reason, 500)?;
        let refunded_on = match input.refunded_on {
            Some(d) => d,
            None => self
                .now()
                .with_timezone(&crate::business::store::get(&mut tx).await?.time_zone()?)
                .date_naive(),
        };
        let id = sqlx::query(
            "INSERT INTO refunds (payment_id, invoice_id, amount_minor, currency, reason, refunded_on, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(payment_id)
        .bind(payment.invoice_id)
        .bind(amount.to_minor())
        .bind(amount.currency().code())
        .bind(&reason)
        .bind(refunded_on)
        .bind(instant_text(self.now()))
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        invoice_store::refresh(&mut tx, payment.invoice_id).await?;
        let refund = store::refund(&mut tx, id).await?;
        tx.commit().await?;
        Ok(refund)
    }

    pub async fn payment(&self, id: i64) -> Result<Payment> {
        let mut conn = self.db.pool().acquire().await?;
        store::get(&mut conn, id).await
    }

    /// Payments received in a date range (inclusive), oldest first.
    pub async fn payments_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Payment>> {
        let mut conn = self.db.pool().acquire().await?;
        store::received_between(&mut conn, from, to).await
    }
}
