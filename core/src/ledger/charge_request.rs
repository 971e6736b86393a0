//! Charging a client's saved card for what an invoice still asks, exactly once.
//!
//! Like refunds (refund_request.rs): the charge's row — with its idempotency key and the exact
//! request body — is written before Stripe is asked, and every retry (a timeout, a restart after a
//! crash, a second click, the next sync pass) sends the same body with the same key, so Stripe
//! answers with the PaymentIntent it already made. A declined card is not an error of Paydesk's:
//! it comes back as a failed [`CardCharge`] with Stripe's reason in plain words, so the owner can
//! send a pay link instead.

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::objects::{self, PaymentIntent};
use super::payments::failure_words;
use super::{apply_payment, send_recorded, Ctx};
use crate::activity::store as activity_store;
use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::invoice::InvoiceStatus;
use crate::money::{stripe_units, Currency, Money};
use crate::paylink::METADATA_INVOICE;
use crate::stripe::connection::record_write_key;
use crate::stripe::{Stripe, StripeError, StripeMode};
use crate::sync::fetch::PI_EXPAND;

/// What became of charging a saved card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardCharge {
    pub id: i64,
    pub invoice_id: i64,
    /// `succeeded`, `processing` (the bank hasn't answered yet) or `failed`.
    pub status: String,
    pub amount: Money,
    /// "visa •••• 4242"
    pub card: String,
    /// Why it failed, in plain words.
    pub failure: Option<String>,
    pub payment_intent: Option<String>,
}

/// A saved card that can be charged now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UsableCard {
    /// `pm_…`
    pub card: String,
    pub customer: String,
    /// "visa •••• 4242"
    pub label: String,
}

/// One invoice of a bulk charge: the charge's outcome, or why none was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BulkCharge {
    pub invoice_id: i64,
    pub charge: Option<CardCharge>,
    pub error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    mode: String,
    invoice_id: i64,
    card: String,
    amount_minor: i64,
    currency: String,
    create_key: String,
    create_body: String,
    status: String,
    payment_intent: Option<String>,
    failure: Option<String>,
    created_at: String,
}

const ROW: &str =
    "SELECT id, mode, invoice_id, card, amount_minor, currency, create_key, create_body,
                          status, payment_intent, failure, created_at FROM card_charges";

/// Stripe forgets idempotency keys after 24 hours; an unanswered charge older than this first
/// looks for the PaymentIntent it may have made (by the key in its metadata).
const KEY_MEMORY: chrono::Duration = chrono::Duration::hours(23);

impl Stripe {
    /// Charges the client's most recently saved card (not expired) for the invoice's amount due.
    /// A charge of this invoice still waiting for Stripe's answer is finished instead of a new one
    /// made.
    pub async fn charge_saved_card(&self, invoice_id: i64) -> Result<CardCharge> {
        let app = self.app();
        let pending: Option<Row> = sqlx::query_as(&format!(
            "{ROW} WHERE invoice_id = ? AND status IN ('creating', 'processing') ORDER BY id LIMIT 1"
        ))
        .bind(invoice_id)
        .fetch_optional(app.db.pool())
        .await?;
        if let Some(row) = pending {
            return self.settled_or_finished(row).await;
        }
        let inv = app.invoice(invoice_id).await?;
        let due = inv.amount_due;
        if !matches!(
            inv.status,
            InvoiceStatus::Open | InvoiceStatus::PartiallyPaid
        ) || !due.is_positive()
        {
            return Err(Error::conflict(format!(
                "{} has nothing left to pay.",
                inv.number.as_deref().unwrap_or("This invoice")
            )));
        }
        let mode = self
            .active_mode()
            .await?
            .ok_or(Error::Stripe(StripeError::NotConnected {
                mode: StripeMode::Live,
            }))?;
        let units = stripe_units::chargeable_units(due)?;
        let Some(UsableCard { card, customer, .. }) = self.usable_card(inv.client_id).await? else {
            return Err(Error::conflict(format!(
                "{} has no card saved that can be charged. Send a pay link instead.",
                inv.client_name
            )));
        };

        let mut tx = app.db.write().await?;
        // Checked again under the write lock: a second click (or a bulk charge beside a Send) that
        // got here at the same time finishes the first one's charge instead of making another.
        let racing: Option<Row> = sqlx::query_as(&format!(
            "{ROW} WHERE invoice_id = ? AND status IN ('creating', 'processing') ORDER BY id LIMIT 1"
        ))
        .bind(invoice_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = racing {
            drop(tx);
            return self.settled_or_finished(row).await;
        }
        let fresh = crate::invoice::store::get(&mut tx, invoice_id).await?;
        if fresh.amount_due != due {
            return Err(Error::conflict(format!(
                "What {} asks changed meanwhile (now {}). Look again before charging.",
                crate::invoice::label(&fresh),
                fresh.amount_due
            )));
        }
        let key = record_write_key(&mut tx, mode, "payment_intent.create", app.now()).await?;
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("amount", &units.to_string())
            .append_pair("currency", &due.currency().code().to_lowercase())
            .append_pair("customer", &customer)
            .append_pair("payment_method", &card)
            .append_pair("off_session", "true")
            .append_pair("confirm", "true")
            .append_pair(
                &format!("metadata[{METADATA_INVOICE}]"),
                &invoice_id.to_string(),
            )
            .append_pair("metadata[paydesk_charge_key]", key.as_str())
            .finish();
        let body = format!("{body}&{PI_EXPAND}");
        let now = instant_text(app.now());
        let id = sqlx::query(
            "INSERT INTO card_charges (mode, invoice_id, card, amount_minor, currency, create_key,
                                       create_body, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'creating', ?, ?)",
        )
        .bind(mode.as_str())
        .bind(invoice_id)
        .bind(&card)
        .bind(due.to_minor())
        .bind(due.currency().code())
        .bind(key.as_str())
        .bind(&body)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        tx.commit().await?;
        let row: Row = sqlx::query_as(&format!("{ROW} WHERE id = ?"))
            .bind(id)
            .fetch_one(app.db.pool())
            .await?;
        self.finish_charge(row).await
    }

    /// The card a charge for this client would use: the newest saved, unexpired card in the active
    /// mode.
    pub async fn usable_card(&self, client_id: i64) -> Result<Option<UsableCard>> {
        let app = self.app();
        let Some(mode) = self.active_mode().await? else {
            return Ok(None);
        };
        let today = app.now().date_naive();
        let card: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT c.id, c.customer, c.brand, c.last4 FROM saved_cards c
             JOIN stripe_customers s ON s.id = c.customer
             WHERE s.client_id = ? AND c.mode = ? AND c.detached = 0 AND s.deleted = 0
               AND (c.exp_year > ?3 OR (c.exp_year = ?3 AND c.exp_month >= ?4))
             ORDER BY c.updated_at DESC LIMIT 1",
        )
        .bind(client_id)
        .bind(mode.as_str())
        .bind(today.year())
        .bind(today.month())
        .fetch_optional(app.db.pool())
        .await?;
        Ok(card.map(|(card, customer, brand, last4)| UsableCard {
            card,
            customer,
            label: format!("{brand} •••• {last4}"),
        }))
    }

    /// Charges each invoice's client's saved card in turn (bulk charge from the invoices list).
    /// One invoice failing doesn't stop the others; each gets its own outcome.
    pub async fn charge_saved_cards(&self, invoice_ids: &[i64]) -> Vec<BulkCharge> {
        let mut out = Vec::with_capacity(invoice_ids.len());
        for &invoice_id in invoice_ids {
            let (charge, error) = match self.charge_saved_card(invoice_id).await {
                Ok(c) => (Some(c), None),
                Err(e) => (None, Some(e.to_string())),
            };
            out.push(BulkCharge {
                invoice_id,
                charge,
                error,
            });
        }
        out
    }

    /// Sends again every charge whose answer Paydesk never saw (the sync pass calls this). One
    /// that can't be finished now (its mode disconnected, Stripe unreachable) doesn't hold up the
    /// others; the first such error is returned after all were tried.
    pub async fn finish_pending_charges(&self) -> Result<usize> {
        let rows: Vec<Row> = sqlx::query_as(&format!("{ROW} WHERE status = 'creating'"))
            .fetch_all(self.app().db.pool())
            .await?;
        let mut finished = 0;
        let mut first: Option<Error> = None;
        for row in rows {
            match self.finish_charge(row).await {
                Ok(_) => finished += 1,
                Err(Error::Stripe(StripeError::NotConnected { .. })) => {}
                Err(e) => {
                    first.get_or_insert(e);
                }
            }
        }
        match first {
            Some(e) => Err(e),
            None => Ok(finished),
        }
    }

    /// A charge already under way: one still waiting for Stripe's answer is finished; one the bank
    /// is still processing is refused, so the invoice is never charged twice.
    async fn settled_or_finished(&self, row: Row) -> Result<CardCharge> {
        if row.status == "processing" {
            return Err(Error::conflict(format!(
                "A card charge of {} for this invoice is still being processed by the bank. \
                 Paydesk shows the result as soon as Stripe has it.",
                Money::from_minor(row.amount_minor, Currency::parse(&row.currency)?)
            )));
        }
        self.finish_charge(row).await
    }

    /// The PaymentIntent an old unanswered charge made, if it made one: Stripe no longer
    /// remembers its key, so resending blindly could charge twice.
    async fn made_earlier(&self, mode: StripeMode, row: &Row) -> Result<Option<PaymentIntent>> {
        let created = crate::db::instant_col("created_at", &row.created_at)?;
        if self.app().now() - created <= KEY_MEMORY {
            return Ok(None);
        }
        let customer = form_urlencoded::parse(row.create_body.as_bytes())
            .find(|(k, _)| k == "customer")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let client = self.client(mode).await?;
        let list = client
            .json(
                crate::stripe::client::Method::GET,
                "/payment_intents",
                Some(&format!(
                    "limit=100&customer={customer}&expand[]=data.latest_charge.balance_transaction"
                )),
                crate::stripe::client::Repeat::Safe,
                "Payment intents (read)",
            )
            .await?;
        let found = list["data"].as_array().and_then(|all| {
            all.iter()
                .find(|pi| pi["metadata"]["paydesk_charge_key"] == row.create_key.as_str())
                .cloned()
        });
        match found {
            Some(pi) => Ok(Some(serde_json::from_value(pi).map_err(|e| {
                StripeError::BadResponse {
                    detail: format!("A payment Paydesk couldn't read: {e}"),
                }
            })?)),
            None => Ok(None),
        }
    }

    async fn finish_charge(&self, row: Row) -> Result<CardCharge> {
        let mode = StripeMode::parse(&row.mode).unwrap_or(StripeMode::Test);
        if let Some(pi) = self.made_earlier(mode, &row).await? {
            return self.record_outcome(&row, mode, pi).await;
        }
        let response = send_recorded(
            self,
            mode,
            "/payment_intents",
            &row.create_key,
            &row.create_body,
        )
        .await?;
        let pi: PaymentIntent = if response.is_success() {
            objects::parse(&response.body, "a payment")?
        } else {
            let e =
                StripeError::from_response(response.status, &response.body, "charging the card");
            // A decline carries the PaymentIntent it failed; anything else made nothing at Stripe.
            let failed: Option<PaymentIntent> =
                serde_json::from_slice::<serde_json::Value>(&response.body)
                    .ok()
                    .and_then(|v| {
                        serde_json::from_value(v["error"]["payment_intent"].clone()).ok()
                    });
            match (&e, failed) {
                (StripeError::Card { .. }, Some(pi)) => pi,
                (
                    StripeError::Card {
                        code,
                        decline_code,
                        message,
                    },
                    None,
                ) => {
                    let code = decline_code.clone().or(code.clone());
                    self.settle(
                        &row,
                        "failed",
                        None,
                        code.as_deref(),
                        Some(message.as_str()),
                    )
                    .await?;
                    return self.outcome(row.id).await;
                }
                // Stripe refused the request itself (the card was removed in the Dashboard, …):
                // nothing was charged, and the owner can still send a pay link.
                (StripeError::Rejected { message, code, .. }, _) => {
                    self.settle(
                        &row,
                        "failed",
                        None,
                        code.as_deref(),
                        Some(message.as_str()),
                    )
                    .await?;
                    return self.outcome(row.id).await;
                }
                _ => return Err(e.into()),
            }
        };
        self.record_outcome(&row, mode, pi).await
    }

    /// Records what Stripe made of the charge like the events poller would (the payment on the
    /// invoice, or its failure), then brings the invoice's pay link in line: a link for an amount
    /// the card just paid must not stay live.
    async fn record_outcome(
        &self,
        row: &Row,
        mode: StripeMode,
        pi: PaymentIntent,
    ) -> Result<CardCharge> {
        let app = self.app();
        let mut tx = app.db.write().await?;
        let now = app.now();
        let mut ctx = Ctx::new(&mut tx, mode, now).await?;
        let applied = apply_payment(&mut ctx, &pi, None).await?;
        for item in &applied.activity {
            activity_store::insert(&mut tx, Some(mode), item, now).await?;
        }
        tx.commit().await?;
        let (status, failure, code) = match pi.status.as_str() {
            "succeeded" => ("succeeded", None, None),
            "processing" => ("processing", None, None),
            _ => {
                let err = pi.last_payment_error.clone().unwrap_or_default();
                let words = failure_words(&pi);
                let code = err.decline_code.or(err.code);
                ("failed", Some(words), code)
            }
        };
        self.settle(
            row,
            status,
            Some(&pi.id),
            code.as_deref(),
            failure.as_deref(),
        )
        .await?;
        let _ = self.pay_links().sync(row.invoice_id).await;
        self.outcome(row.id).await
    }

    async fn settle(
        &self,
        row: &Row,
        status: &str,
        pi: Option<&str>,
        code: Option<&str>,
        failure: Option<&str>,
    ) -> Result<()> {
        let app = self.app();
        sqlx::query(
            "UPDATE card_charges SET status = ?, payment_intent = COALESCE(?, payment_intent),
                    failure_code = ?, failure = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(status)
        .bind(pi)
        .bind(code)
        .bind(failure)
        .bind(instant_text(app.now()))
        .bind(row.id)
        .execute(app.db.pool())
        .await?;
        Ok(())
    }

    async fn outcome(&self, id: i64) -> Result<CardCharge> {
        let app = self.app();
        let row: Row = sqlx::query_as(&format!("{ROW} WHERE id = ?"))
            .bind(id)
            .fetch_one(app.db.pool())
            .await?;
        let card: Option<(String, String)> =
            sqlx::query_as("SELECT brand, last4 FROM saved_cards WHERE id = ?")
                .bind(&row.card)
                .fetch_optional(app.db.pool())
                .await?;
        Ok(CardCharge {
            id: row.id,
            invoice_id: row.invoice_id,
            status: row.status,
            amount: Money::from_minor(row.amount_minor, Currency::parse(&row.currency)?),
            card: card
                .map(|(brand, last4)| format!("{brand} •••• {last4}"))
                .unwrap_or(row.card),
            failure: row.failure,
            payment_intent: row.payment_intent,
        })
    }
}
