//! What the owner sees of the Stripe ledger: the Stripe side of an invoice's payments, payments
//! waiting to be assigned, and a client's saved cards.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{assign_unmatched, Ctx};
use crate::activity::store as activity_store;
use crate::error::Result;
use crate::money::{Currency, Money};
use crate::stripe::StripeMode;
use crate::Paydesk;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StripePayment {
    pub id: i64,
    pub mode: StripeMode,
    pub invoice_id: Option<i64>,
    /// The `payments` row once the money is applied to an invoice.
    pub payment_id: Option<i64>,
    /// processing, succeeded, failed or canceled.
    pub status: String,
    pub amount: Money,
    /// What Stripe kept, and what reaches the owner's balance; known once the charge settled.
    pub fee: Option<Money>,
    pub net: Option<Money>,
    pub method_type: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub receipt_url: Option<String>,
    pub client_name: String,
    pub failure_message: Option<String>,
    pub unmatched_reason: Option<String>,
    pub payment_intent: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SavedCard {
    pub id: String,
    pub mode: StripeMode,
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    mode: String,
    invoice_id: Option<i64>,
    payment_id: Option<i64>,
    status: String,
    amount_minor: i64,
    currency: String,
    fee_minor: Option<i64>,
    net_minor: Option<i64>,
    method_type: String,
    card_brand: Option<String>,
    card_last4: Option<String>,
    receipt_url: Option<String>,
    client_name: String,
    failure_message: Option<String>,
    unmatched_reason: Option<String>,
    payment_intent: String,
    stripe_created: i64,
}

const COLUMNS: &str = "id, mode, invoice_id, payment_id, status, amount_minor, currency, fee_minor,
    net_minor, method_type, card_brand, card_last4, receipt_url, client_name, failure_message,
    unmatched_reason, payment_intent, stripe_created";

fn view(r: Row) -> Result<StripePayment> {
    let currency = Currency::parse(&r.currency)?;
    Ok(StripePayment {
        id: r.id,
        mode: StripeMode::parse(&r.mode).unwrap_or(StripeMode::Test),
        invoice_id: r.invoice_id,
        payment_id: r.payment_id,
        status: r.status,
        amount: Money::from_minor(r.amount_minor, currency),
        fee: r.fee_minor.map(|f| Money::from_minor(f, currency)),
        net: r.net_minor.map(|n| Money::from_minor(n, currency)),
        method_type: r.method_type,
        card_brand: r.card_brand,
        card_last4: r.card_last4,
        receipt_url: r.receipt_url,
        client_name: r.client_name,
        failure_message: r.failure_message,
        unmatched_reason: r.unmatched_reason,
        payment_intent: r.payment_intent,
        created: DateTime::from_timestamp(r.stripe_created, 0).unwrap_or_default(),
    })
}

impl Paydesk {
    /// Every Stripe payment attempt on an invoice (succeeded, processing, failed), newest first.
    pub async fn stripe_payments_for_invoice(&self, invoice_id: i64) -> Result<Vec<StripePayment>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM stripe_payments WHERE invoice_id = ? ORDER BY stripe_created DESC, id DESC"
        ))
        .bind(invoice_id)
        .fetch_all(self.db.pool())
        .await?;
        rows.into_iter().map(view).collect()
    }

    /// Money received through Stripe that isn't on an invoice yet, newest first.
    pub async fn unmatched_stripe_payments(&self) -> Result<Vec<StripePayment>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM stripe_payments
             WHERE status = 'succeeded' AND payment_id IS NULL ORDER BY stripe_created DESC, id DESC"
        ))
        .fetch_all(self.db.pool())
        .await?;
        rows.into_iter().map(view).collect()
    }

    /// Puts an unmatched Stripe payment on an invoice of the same currency with enough still owed.
    pub async fn assign_stripe_payment(
        &self,
        stripe_payment_id: i64,
        invoice_id: i64,
    ) -> Result<StripePayment> {
        let mut tx = self.db.write().await?;
        let (mode,): (String,) = sqlx::query_as("SELECT mode FROM stripe_payments WHERE id = ?")
            .bind(stripe_payment_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(crate::Error::NotFound {
                what: "Stripe payment",
                id: stripe_payment_id,
            })?;
        let mode = StripeMode::parse(&mode).unwrap_or(StripeMode::Test);
        let now = self.now();
        let mut ctx = Ctx::new(&mut tx, mode, now).await?;
        let applied = assign_unmatched(&mut ctx, stripe_payment_id, invoice_id).await?;
        for item in &applied.activity {
            activity_store::insert(&mut tx, Some(mode), item, now).await?;
        }
        let row: Row = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM stripe_payments WHERE id = ?"
        ))
        .bind(stripe_payment_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        view(row)
    }

    /// The client's cards saved at Stripe, in the active records (detached ones left out).
    pub async fn saved_cards(&self, client_id: i64) -> Result<Vec<SavedCard>> {
        let rows: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT c.id, c.mode, c.brand, c.last4, c.exp_month, c.exp_year
             FROM saved_cards c JOIN stripe_customers s ON s.id = c.customer
             WHERE s.client_id = ? AND c.detached = 0 AND s.deleted = 0
             ORDER BY c.updated_at DESC",
        )
        .bind(client_id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, mode, brand, last4, m, y)| SavedCard {
                id,
                mode: StripeMode::parse(&mode).unwrap_or(StripeMode::Test),
                brand,
                last4,
                exp_month: u32::try_from(m).unwrap_or(0),
                exp_year: u32::try_from(y).unwrap_or(0),
            })
            .collect())
    }
}
