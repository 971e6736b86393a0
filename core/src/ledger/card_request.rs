//! "Save your card" requests: the client gets an email with a Stripe Checkout page in setup mode,
//! enters a card there once, and Paydesk can charge it later (deposits, fees, auto-charge).
//!
//! Two Stripe writes, each recorded before it is sent (row, idempotency key, body) and resent the
//! same way after a lost answer: the client's Stripe customer (only when Paydesk has none for the
//! client in this mode) and the Checkout Session. The card itself arrives through the events
//! poller (`checkout.session.completed` in setup mode → its SetupIntent's card), like every other
//! change at Stripe. Checkout Sessions expire after 24 hours; a new request makes a new one.

use serde::{Deserialize, Serialize};

use super::send_recorded;
use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::mail::{Mail, OutgoingEmail};
use crate::stripe::connection::record_write_key;
use crate::stripe::{Stripe, StripeError, StripeMode};
use crate::validate::optional_email;

/// Where Stripe sends the client after the card is saved: Paydesk's own thank-you page (a
/// desktop app has no address of its own to send them back to).
pub const CARD_SAVED_URL: &str = "https://paydesk.app/card-saved";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardRequest {
    pub id: i64,
    pub client_id: i64,
    /// `creating` (Stripe's answer not seen yet), `open` (emailed, waiting), `complete`.
    pub status: String,
    /// The Stripe page where the client saves a card (valid for 24 hours).
    pub url: Option<String>,
    /// Where the email went, when it was sent.
    pub emailed_to: Option<String>,
    /// Stripe closes the page 24 hours after it was made.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    mode: String,
    client_id: i64,
    customer_key: Option<String>,
    customer_body: Option<String>,
    customer: Option<String>,
    session_key: String,
    session_body: Option<String>,
    url: Option<String>,
    status: String,
    created_at: String,
}

const ROW: &str = "SELECT id, mode, client_id, customer_key, customer_body, customer, session_key,
                          session_body, url, status, created_at FROM card_requests";

#[derive(Deserialize)]
struct Made {
    id: String,
    #[serde(default)]
    url: Option<String>,
}

impl Stripe {
    /// Makes a "save your card" page for the client and emails it (to `to`, or the client's
    /// saved address).
    pub async fn send_card_request(
        &self,
        mail: &Mail,
        client_id: i64,
        to: Option<String>,
    ) -> Result<CardRequest> {
        let app = self.app();
        let client = app.client(client_id).await?;
        let to = match to {
            Some(t) => optional_email("to", &t)?,
            None => client.email.clone(),
        };
        if to.is_empty() {
            return Err(Error::invalid(
                "to",
                format!(
                    "{} has no email address saved. Type the address to send to.",
                    client.name
                ),
            ));
        }
        mail.config().await?;
        let mut request = self.card_request(client_id).await?;
        let business = app.business().await?;
        let url = request.url.clone().unwrap_or_default();
        let who = if business.name.is_empty() {
            "us".to_string()
        } else {
            business.name.clone()
        };
        let until = crate::booking::show_time(request.expires_at, business.time_zone()?);
        let text_body = format!(
            "Hello {},\n\n{who} asks you to save a card for your bookings and invoices, so you \
             don't have to pay each one by hand. Your card details go to Stripe, never to {who}.\n\n\
             Save your card: {url}\n\nThe link works until {until}.\n",
            client.name
        );
        mail.send(&OutgoingEmail {
            to: to.clone(),
            subject: format!("Save your card with {who}"),
            text_body,
            html_body: None,
            attachments: vec![],
        })
        .await?;
        request.emailed_to = Some(to);
        Ok(request)
    }

    /// The open "save your card" page for the client, made now if there is none (or an unfinished
    /// one is finished).
    pub async fn card_request(&self, client_id: i64) -> Result<CardRequest> {
        let app = self.app();
        let mode = self
            .active_mode()
            .await?
            .ok_or(Error::Stripe(StripeError::NotConnected {
                mode: StripeMode::Test,
            }))?;
        // Sessions live 24 hours; one made in the last 12 is reused (a second click, a resend), so
        // an emailed link always has at least half a day left.
        let fresh_since = instant_text(app.now() - chrono::Duration::hours(12));
        let existing: Option<Row> = sqlx::query_as(&format!(
            "{ROW} WHERE client_id = ? AND mode = ? AND status IN ('creating', 'open')
               AND created_at >= ? ORDER BY id DESC LIMIT 1"
        ))
        .bind(client_id)
        .bind(mode.as_str())
        .bind(&fresh_since)
        .fetch_optional(app.db.pool())
        .await?;
        let row = match existing {
            Some(r) => r,
            None => self.record_request(client_id, mode, &fresh_since).await?,
        };
        self.finish(row).await
    }

    async fn record_request(
        &self,
        client_id: i64,
        mode: StripeMode,
        fresh_since: &str,
    ) -> Result<Row> {
        let app = self.app();
        let client = app.client(client_id).await?;
        // Under the write lock: two clicks at once make one request and one customer.
        let mut tx = app.db.write().await?;
        let racing: Option<Row> = sqlx::query_as(&format!(
            "{ROW} WHERE client_id = ? AND mode = ? AND status IN ('creating', 'open')
               AND created_at >= ? ORDER BY id DESC LIMIT 1"
        ))
        .bind(client_id)
        .bind(mode.as_str())
        .bind(fresh_since)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = racing {
            return Ok(row);
        }
        let customer: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM stripe_customers WHERE client_id = ? AND mode = ? AND deleted = 0
             ORDER BY updated_at DESC LIMIT 1",
        )
        .bind(client_id)
        .bind(mode.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let now = app.now();
        let (customer_key, customer_body) = if customer.is_some() {
            (None, None)
        } else {
            let key = record_write_key(&mut tx, mode, "customer.create", now).await?;
            let mut body = form_urlencoded::Serializer::new(String::new());
            body.append_pair("name", &client.name);
            if !client.email.is_empty() {
                body.append_pair("email", &client.email);
            }
            body.append_pair("metadata[paydesk_client]", &client_id.to_string());
            (Some(key.as_str().to_string()), Some(body.finish()))
        };
        let session_key = record_write_key(&mut tx, mode, "checkout_session.setup", now).await?;
        let id = sqlx::query(
            "INSERT INTO card_requests (mode, client_id, customer_key, customer_body, customer,
                                        session_key, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, 'creating', ?, ?)",
        )
        .bind(mode.as_str())
        .bind(client_id)
        .bind(&customer_key)
        .bind(&customer_body)
        .bind(customer.map(|(c,)| c))
        .bind(session_key.as_str())
        .bind(instant_text(now))
        .bind(instant_text(now))
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        let row: Row = sqlx::query_as(&format!("{ROW} WHERE id = ?"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Sends whatever of the request Stripe hasn't answered yet, always with the recorded key and
    /// body.
    async fn finish(&self, mut row: Row) -> Result<CardRequest> {
        let app = self.app();
        let mode = StripeMode::parse(&row.mode).unwrap_or(StripeMode::Test);
        if row.customer.is_none() {
            let (Some(key), Some(body)) = (&row.customer_key, &row.customer_body) else {
                return Err(Error::conflict("This card request has no customer to use."));
            };
            let made = self
                .send(
                    mode,
                    "/customers",
                    key,
                    body,
                    "making the client's Stripe customer",
                )
                .await?;
            let mut tx = app.db.write().await?;
            sqlx::query(
                "INSERT INTO stripe_customers (id, mode, client_id, updated_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET client_id = COALESCE(client_id, excluded.client_id)",
            )
            .bind(&made.id)
            .bind(mode.as_str())
            .bind(row.client_id)
            .bind(instant_text(app.now()))
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE card_requests SET customer = ?, updated_at = ? WHERE id = ?")
                .bind(&made.id)
                .bind(instant_text(app.now()))
                .bind(row.id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            row.customer = Some(made.id);
        }
        if row.status == "creating" {
            let body = match &row.session_body {
                Some(b) => b.clone(),
                None => {
                    let currency = app.business().await?.currency.code().to_lowercase();
                    let body = form_urlencoded::Serializer::new(String::new())
                        .append_pair("mode", "setup")
                        .append_pair("customer", row.customer.as_deref().unwrap_or_default())
                        .append_pair("currency", &currency)
                        .append_pair("payment_method_types[0]", "card")
                        .append_pair("success_url", CARD_SAVED_URL)
                        .append_pair("metadata[paydesk_client]", &row.client_id.to_string())
                        .append_pair("metadata[paydesk_card_request]", &row.id.to_string())
                        .finish();
                    sqlx::query("UPDATE card_requests SET session_body = ? WHERE id = ?")
                        .bind(&body)
                        .bind(row.id)
                        .execute(app.db.pool())
                        .await?;
                    body
                }
            };
            let made = self
                .send(
                    mode,
                    "/checkout/sessions",
                    &row.session_key,
                    &body,
                    "making the card page",
                )
                .await?;
            sqlx::query(
                "UPDATE card_requests SET session_id = ?, url = ?, status = 'open', updated_at = ?
                 WHERE id = ?",
            )
            .bind(&made.id)
            .bind(&made.url)
            .bind(instant_text(app.now()))
            .bind(row.id)
            .execute(app.db.pool())
            .await?;
            row.url = made.url;
            row.status = "open".into();
        }
        let made = crate::db::instant_col("created_at", &row.created_at)?;
        Ok(CardRequest {
            id: row.id,
            client_id: row.client_id,
            status: row.status,
            url: row.url,
            emailed_to: None,
            expires_at: made + chrono::Duration::hours(24),
        })
    }

    async fn send(
        &self,
        mode: StripeMode,
        path: &str,
        key: &str,
        body: &str,
        doing: &str,
    ) -> Result<Made> {
        let response = send_recorded(self, mode, path, key, body).await?;
        if !response.is_success() {
            return Err(StripeError::from_response(response.status, &response.body, doing).into());
        }
        Ok(super::objects::parse(&response.body, "An answer")?)
    }
}

/// Marks the request whose Checkout Session completed (the events poller calls this).
pub(crate) async fn mark_complete(
    conn: &mut sqlx::SqliteConnection,
    session_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE card_requests SET status = 'complete', updated_at = ? WHERE session_id = ?",
    )
    .bind(instant_text(now))
    .bind(session_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
