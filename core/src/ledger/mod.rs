//! The Stripe ledger: the current state of each Stripe object Paydesk cares about — payments,
//! refunds, disputes, payouts and their balance transactions, customers and saved cards — and what
//! applying it means for the owner's invoices.
//!
//! Every `apply_*` function takes an object as just fetched from Stripe and brings the local rows
//! in line with it, inside the caller's transaction. They are idempotent: applying the same state
//! twice, or an older event after a newer one, changes nothing, because they look at the object's
//! state and never at the event that prompted the fetch.
//!
//! Amounts are stored in Paydesk's minor units (Stripe's units converted with the currency's rules,
//! see `money::stripe_units`), so they add up with manual payments.

mod balance;
pub mod card_removal;
pub mod card_request;
pub mod charge_request;
mod customers;
mod disputes;
pub mod objects;
mod payments;
mod payouts;
pub mod refund_request;
mod refunds;
pub mod views;

use std::collections::HashMap;

use sqlx::SqliteConnection;

use crate::activity::NewActivity;
use crate::error::{Error, Result};
use crate::money::{stripe_units, Currency, Money};
use crate::stripe::StripeMode;

pub use customers::{apply_customer, apply_payment_method};
pub use disputes::apply_dispute;
pub use payments::{apply_payment, assign_unmatched};
pub use payouts::apply_payout;
pub use refunds::apply_refund;

/// What applying one object did.
#[derive(Debug, Default, Clone)]
pub struct Applied {
    /// One line for the audit log, e.g. "Payment of 120,00 € on INV-2026-0042".
    pub outcome: String,
    pub activity: Vec<NewActivity>,
    /// Invoices whose balance may have changed: their pay links need a look afterwards.
    pub invoices: Vec<i64>,
}

impl Applied {
    pub fn note(outcome: impl Into<String>) -> Applied {
        Applied {
            outcome: outcome.into(),
            ..Applied::default()
        }
    }

    pub fn merge(&mut self, other: Applied) {
        if !other.outcome.is_empty() {
            if !self.outcome.is_empty() {
                self.outcome.push_str("; ");
            }
            self.outcome.push_str(&other.outcome);
        }
        self.activity.extend(other.activity);
        for id in other.invoices {
            if !self.invoices.contains(&id) {
                self.invoices.push(id);
            }
        }
    }
}

/// Where applying happens: the transaction, the mode, the time, and how money is written.
pub struct Ctx<'a> {
    pub conn: &'a mut SqliteConnection,
    pub mode: StripeMode,
    pub now: chrono::DateTime<chrono::Utc>,
    pub locale: String,
    pub time_zone: chrono_tz::Tz,
    /// What `stripe_payments` holds for PaymentIntents this transaction has looked at (`None`: no
    /// row), read for a whole batch at once: each query is a round trip to SQLite's thread.
    known_payments: HashMap<String, Option<KnownPayment>>,
}

/// A PaymentIntent as `stripe_payments` has it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct KnownPayment {
    pub invoice_id: Option<i64>,
    pub status: String,
}

impl Ctx<'_> {
    pub async fn new(
        conn: &mut SqliteConnection,
        mode: StripeMode,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Ctx<'_>> {
        let business = crate::business::store::get(&mut *conn).await?;
        let time_zone = business.time_zone()?;
        Ok(Ctx {
            conn,
            mode,
            now,
            locale: business.locale,
            time_zone,
            known_payments: HashMap::new(),
        })
    }

    /// Reads the `stripe_payments` rows of these PaymentIntents in one query, so applying a batch
    /// of events doesn't ask once per payment.
    pub async fn prefetch_payments(&mut self, ids: &[&str]) -> Result<()> {
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!(
                "SELECT payment_intent, invoice_id, status FROM stripe_payments
                 WHERE payment_intent IN ({marks})"
            );
            let mut q = sqlx::query_as::<_, (String, Option<i64>, String)>(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for id in chunk {
                self.known_payments.insert((*id).to_string(), None);
            }
            for (pi, invoice_id, status) in q.fetch_all(&mut *self.conn).await? {
                self.known_payments
                    .insert(pi, Some(KnownPayment { invoice_id, status }));
            }
        }
        Ok(())
    }

    /// The PaymentIntent's row: from the batch's read when it covered it, else asked.
    pub(crate) async fn known_payment(&mut self, pi: &str) -> Result<Option<KnownPayment>> {
        if let Some(known) = self.known_payments.get(pi) {
            return Ok(known.clone());
        }
        Ok(sqlx::query_as(
            "SELECT invoice_id, status FROM stripe_payments WHERE payment_intent = ?",
        )
        .bind(pi)
        .fetch_optional(&mut *self.conn)
        .await?)
    }

    /// Keeps the batch's read in line after writing a PaymentIntent's row (`None`: forget it, so
    /// the next look asks the database).
    pub(crate) fn remember_payment(&mut self, pi: &str, known: Option<KnownPayment>) {
        match known {
            Some(k) => {
                self.known_payments.insert(pi.to_string(), Some(k));
            }
            None => {
                self.known_payments.remove(pi);
            }
        }
    }

    /// Money from Stripe's integer units, for the owner ("120,00 €").
    pub fn show(&self, money: Money) -> String {
        crate::money::format::for_locale(money, &self.locale)
    }

    /// The business's date of a Stripe timestamp.
    pub fn date_of(&self, unix: i64) -> chrono::NaiveDate {
        chrono::DateTime::from_timestamp(unix, 0)
            .unwrap_or(self.now)
            .with_timezone(&self.time_zone)
            .date_naive()
    }
}

/// Stripe's units in a currency Stripe names in lower case ("eur") as Paydesk money.
pub fn money_of(units: i64, currency: &str) -> Result<Money> {
    let currency = Currency::parse(&currency.to_ascii_uppercase())?;
    Ok(stripe_units::from_stripe_units(units, currency)?)
}

/// Sends a Stripe write Paydesk recorded before asking (its body and idempotency key stored with
/// its row): the first time, or again after a lost answer — always the same body with the same
/// key, so Stripe answers with what it already made.
pub(crate) async fn send_recorded(
    stripe: &crate::stripe::Stripe,
    mode: StripeMode,
    path: &str,
    key: &str,
    body: &str,
) -> Result<crate::stripe::client::RawResponse> {
    use crate::stripe::client::{Method, Repeat};
    use crate::stripe::{IdempotencyKey, StripeError};
    let client = stripe.client(mode).await?;
    let key = IdempotencyKey::new(key)
        .map_err(|e| Error::from(StripeError::Config(format!("idempotency key: {e}"))))?;
    Ok(client
        .request(
            Method::POST,
            path,
            None,
            Some(body.to_string()),
            Repeat::Keyed(key),
        )
        .await?)
}
