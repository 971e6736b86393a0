//! Refunding a Stripe payment from Paydesk, exactly once.
//!
//! The refund's row — with its idempotency key and the exact request body — is written before
//! Stripe is asked. A retry (a timeout, a restart after a crash, the next sync pass) sends the same
//! body with the same key, and Stripe answers with the refund it already made. The key also rides in
//! the refund's metadata, so when the refund's event arrives it finds this row instead of counting
//! the refund a second time.

use super::objects::{self, Refund as StripeRefund};
use super::refunds::METADATA_REFUND_KEY;
use super::{apply_refund, send_recorded, Ctx};
use crate::activity::store as activity_store;
use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::money::{stripe_units, Currency, Money};
use crate::payment::{refund_amount, store as payment_store, Refund, RefundInput};
use crate::stripe::connection::record_write_key;
use crate::stripe::{Stripe, StripeError, StripeMode};
use crate::validate::optional_text;

#[derive(sqlx::FromRow)]
struct Creating {
    id: i64,
    mode: String,
    create_key: String,
    create_body: String,
}

impl Stripe {
    /// Gives back all or part of a payment: through Stripe (to the client's card or account) when
    /// it was taken through Stripe, otherwise as a manual refund.
    pub async fn refund(&self, payment_id: i64, input: &RefundInput) -> Result<Refund> {
        let app = self.app();
        let stripe_payment: Option<(i64, String, String, i64, String)> = sqlx::query_as(
            "SELECT id, mode, payment_intent, amount_minor, currency FROM stripe_payments
             WHERE payment_id = ?",
        )
        .bind(payment_id)
        .fetch_optional(app.db.pool())
        .await?;
        let Some((sp_id, mode, pi, amount_minor, currency)) = stripe_payment else {
            return app.refund_payment(payment_id, input).await;
        };
        let mode = StripeMode::parse(&mode).unwrap_or(StripeMode::Test);
        let currency = Currency::parse(&currency)?;
        let paid = Money::from_minor(amount_minor, currency);
        let reason = optional_text("reason", "Reason", &input.reason, 500)?;
        let mut tx = app.db.write().await?;
        let (refunded,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(SUM(amount_minor), 0) FROM stripe_refunds
             WHERE stripe_payment_id = ? AND status IN ('creating', 'pending', 'succeeded')",
        )
        .bind(sp_id)
        .fetch_one(&mut *tx)
        .await?;
        let left = paid.checked_sub(Money::from_minor(refunded, currency))?;
        let amount = refund_amount(payment_id, input, left)?;
        let units =
            stripe_units::to_stripe_units(amount).map_err(|e| Error::from(e).in_field("amount"))?;
        // Recorded only once the refund is valid, in the same transaction as its row.
        let key = record_write_key(&mut tx, mode, "refund.create", app.now()).await?;
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("payment_intent", &pi)
            .append_pair("amount", &units.to_string())
            .append_pair(&format!("metadata[{METADATA_REFUND_KEY}]"), key.as_str())
            .append_pair("expand[]", "balance_transaction")
            .finish();
        let now = instant_text(app.now());
        let row_id = sqlx::query(
            "INSERT INTO stripe_refunds (mode, create_key, create_body, stripe_payment_id, status,
                                         amount_minor, currency, reason, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'creating', ?, ?, ?, ?, ?)",
        )
        .bind(mode.as_str())
        .bind(key.as_str())
        .bind(&body)
        .bind(sp_id)
        .bind(amount.to_minor())
        .bind(currency.code())
        .bind(&reason)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        tx.commit().await?;

        self.finish_refund(&Creating {
            id: row_id,
            mode: mode.as_str().to_string(),
            create_key: key.as_str().to_string(),
            create_body: body,
        })
        .await?;
        let (local,): (Option<i64>,) =
            sqlx::query_as("SELECT refund_id FROM stripe_refunds WHERE id = ?")
                .bind(row_id)
                .fetch_one(app.db.pool())
                .await?;
        let local = local.ok_or_else(|| {
            Error::conflict("Stripe didn't accept the refund; nothing was given back.")
        })?;
        let mut conn = app.db.pool().acquire().await?;
        payment_store::refund(&mut conn, local).await
    }

    /// Sends again every refund whose answer Paydesk never saw (the sync pass calls this).
    pub async fn finish_pending_refunds(&self) -> Result<usize> {
        let rows: Vec<Creating> = sqlx::query_as(
            "SELECT id, mode, create_key, create_body FROM stripe_refunds WHERE status = 'creating'",
        )
        .fetch_all(self.app().db.pool())
        .await?;
        let n = rows.len();
        for row in rows {
            self.finish_refund(&row).await?;
        }
        Ok(n)
    }

    async fn finish_refund(&self, row: &Creating) -> Result<()> {
        let app = self.app();
        let mode = StripeMode::parse(&row.mode).unwrap_or(StripeMode::Test);
        let response =
            send_recorded(self, mode, "/refunds", &row.create_key, &row.create_body).await?;
        if !response.is_success() {
            let e = StripeError::from_response(response.status, &response.body, "refunding");
            if let StripeError::Rejected { message, .. } = &e {
                // Stripe said no (already refunded, too much…): nothing happened there.
                sqlx::query(
                    "UPDATE stripe_refunds SET status = 'failed', failure_message = ?, updated_at = ?
                     WHERE id = ?",
                )
                .bind(message)
                .bind(instant_text(app.now()))
                .bind(row.id)
                .execute(app.db.pool())
                .await?;
            }
            return Err(e.into());
        }
        let refund: StripeRefund = objects::parse(&response.body, "a refund")?;
        let mut tx = app.db.write().await?;
        let now = app.now();
        let mut ctx = Ctx::new(&mut tx, mode, now).await?;
        let applied = apply_refund(&mut ctx, &refund).await?;
        for item in &applied.activity {
            activity_store::insert(&mut tx, Some(mode), item, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
