//! SQL for pay links.

use sqlx::SqliteConnection;

use super::{PayLink, PayLinkState};
use crate::db::instant_col;
use crate::error::{Error, Result};
use crate::money::{stripe_units, Currency};
use crate::stripe::StripeMode;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    invoice_id: i64,
    mode: String,
    currency: String,
    amount_minor: i64,
    create_key: String,
    create_body: String,
    retire_key: Option<String>,
    state: String,
    stripe_id: Option<String>,
    url: Option<String>,
    last_error: Option<String>,
    created_at: String,
    activated_at: Option<String>,
    retired_at: Option<String>,
}

const COLUMNS: &str =
    "id, invoice_id, mode, currency, amount_minor, create_key, create_body, retire_key, state,
    stripe_id, url, last_error, created_at, activated_at, retired_at";

impl Row {
    fn into_link(self) -> Result<PayLink> {
        let currency = Currency::parse(&self.currency)?;
        let bad = |what: &str, value: &str| {
            Error::Conflict(format!(
                "pay link {} has an unknown {what} \"{value}\"",
                self.id
            ))
        };
        Ok(PayLink {
            id: self.id,
            invoice_id: self.invoice_id,
            mode: StripeMode::parse(&self.mode).ok_or_else(|| bad("mode", &self.mode))?,
            amount: stripe_units::from_stripe_units(self.amount_minor, currency)?,
            amount_minor: self.amount_minor,
            state: PayLinkState::parse(&self.state).ok_or_else(|| bad("state", &self.state))?,
            create_key: self.create_key,
            create_body: self.create_body,
            retire_key: self.retire_key,
            stripe_id: self.stripe_id,
            url: self.url,
            last_error: self.last_error,
            created_at: instant_col("created_at", &self.created_at)?,
            activated_at: self
                .activated_at
                .as_deref()
                .map(|t| instant_col("activated_at", t))
                .transpose()?,
            retired_at: self
                .retired_at
                .as_deref()
                .map(|t| instant_col("retired_at", t))
                .transpose()?,
        })
    }
}

/// Every link of an invoice, newest first.
pub async fn for_invoice(conn: &mut SqliteConnection, invoice_id: i64) -> Result<Vec<PayLink>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM pay_links WHERE invoice_id = ? ORDER BY id DESC"
    ))
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(Row::into_link).collect()
}

pub async fn by_stripe_id(conn: &mut SqliteConnection, stripe_id: &str) -> Result<Option<PayLink>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM pay_links WHERE stripe_id = ?"
    ))
    .bind(stripe_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(Row::into_link).transpose()
}

/// Invoices with a link still being created or switched off: the work a sync pass must finish.
pub async fn unfinished_invoices(conn: &mut SqliteConnection) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT invoice_id FROM pay_links WHERE state IN ('creating', 'retiring')
         ORDER BY invoice_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Sent invoices with money due but no link in the making or live.
pub async fn invoices_without_link(conn: &mut SqliteConnection) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT i.id FROM invoices i
         WHERE i.status IN ('open', 'partially_paid')
           AND NOT EXISTS (SELECT 1 FROM pay_links l
                           WHERE l.invoice_id = i.id AND l.state IN ('creating', 'active'))
         ORDER BY i.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub struct Insert<'a> {
    pub invoice_id: i64,
    pub mode: StripeMode,
    pub currency: Currency,
    pub amount_minor: i64,
    pub create_key: &'a str,
    pub create_body: &'a str,
    pub now: &'a str,
}

/// Writes the `creating` row; `None` when another link is already being made or live (the unique
/// index decides, so two syncs racing can't both insert).
pub async fn insert_creating(conn: &mut SqliteConnection, new: &Insert<'_>) -> Result<Option<i64>> {
    let result = sqlx::query(
        "INSERT INTO pay_links (invoice_id, mode, currency, amount_minor, create_key, create_body, state,
                                created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'creating', ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(new.invoice_id)
    .bind(new.mode.as_str())
    .bind(new.currency.code())
    .bind(new.amount_minor)
    .bind(new.create_key)
    .bind(new.create_body)
    .bind(new.now)
    .execute(&mut *conn)
    .await?;
    Ok((result.rows_affected() == 1).then(|| result.last_insert_rowid()))
}

pub async fn mark_active(
    conn: &mut SqliteConnection,
    id: i64,
    stripe_id: &str,
    url: &str,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE pay_links SET state = 'active', stripe_id = ?, url = ?, activated_at = ?,
                last_error = NULL
         WHERE id = ? AND state = 'creating'",
    )
    .bind(stripe_id)
    .bind(url)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Decides to switch a live link off; the Stripe call follows with `retire_key`.
pub async fn mark_retiring(conn: &mut SqliteConnection, id: i64, retire_key: &str) -> Result<()> {
    sqlx::query(
        "UPDATE pay_links SET state = 'retiring', retire_key = ? WHERE id = ? AND state = 'active'",
    )
    .bind(retire_key)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn mark_retired(
    conn: &mut SqliteConnection,
    id: i64,
    state: PayLinkState,
    note: Option<&str>,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE pay_links SET state = ?, retired_at = ?, last_error = ?
         WHERE id = ? AND state IN ('active', 'retiring')",
    )
    .bind(state.as_str())
    .bind(now)
    .bind(note)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn note_error(conn: &mut SqliteConnection, id: i64, message: &str) -> Result<()> {
    sqlx::query("UPDATE pay_links SET last_error = ? WHERE id = ?")
        .bind(message)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
