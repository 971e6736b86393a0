//! The activity feed: what happened with the owner's money, in their words — "Zoë Øster paid
//! INV-2026-0042 — 120,00 €", "Payment failed: the card was declined (insufficient funds)". The
//! events poller writes it; the desktop app shows it and raises an OS notification once per item.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::{instant_col, instant_text};
use crate::error::Result;
use crate::stripe::StripeMode;
use crate::Paydesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ActivityKind {
    PaymentReceived,
    PaymentProcessing,
    PaymentFailed,
    UnmatchedPayment,
    Refund,
    RefundFailed,
    DisputeOpened,
    DisputeWon,
    DisputeLost,
    PayoutPaid,
    PayoutFailed,
    /// A booking let go because its deposit wasn't paid in time.
    BookingReleased,
    /// Charging a saved card failed (auto-charge on send, a fee).
    CardChargeFailed,
    /// A client saved a card through a "save your card" request.
    CardSaved,
}

crate::invoice::status::text_enum!(ActivityKind {
    PaymentReceived = "payment_received",
    PaymentProcessing = "payment_processing",
    PaymentFailed = "payment_failed",
    UnmatchedPayment = "unmatched_payment",
    Refund = "refund",
    RefundFailed = "refund_failed",
    DisputeOpened = "dispute_opened",
    DisputeWon = "dispute_won",
    DisputeLost = "dispute_lost",
    PayoutPaid = "payout_paid",
    PayoutFailed = "payout_failed",
    BookingReleased = "booking_released",
    CardChargeFailed = "card_charge_failed",
    CardSaved = "card_saved",
});

impl ActivityKind {
    /// Whether the owner should hear about it at once (an OS notification), not only in the feed.
    pub fn notifies(self) -> bool {
        !matches!(self, ActivityKind::PayoutPaid | ActivityKind::CardSaved)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Activity {
    pub id: i64,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: DateTime<Utc>,
    pub kind: ActivityKind,
    pub mode: Option<StripeMode>,
    pub invoice_id: Option<i64>,
    pub message: String,
    pub notified: bool,
    pub seen: bool,
}

/// An item about to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActivity {
    pub kind: ActivityKind,
    pub invoice_id: Option<i64>,
    pub message: String,
}

impl NewActivity {
    pub fn new(kind: ActivityKind, invoice_id: Option<i64>, message: impl Into<String>) -> Self {
        NewActivity {
            kind,
            invoice_id,
            message: message.into(),
        }
    }
}

pub(crate) mod store {
    use super::*;

    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        at: String,
        kind: String,
        mode: Option<String>,
        invoice_id: Option<i64>,
        message: String,
        notified: bool,
        seen: bool,
    }

    pub async fn insert(
        conn: &mut SqliteConnection,
        mode: Option<StripeMode>,
        item: &NewActivity,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(sqlx::query(
            "INSERT INTO activity (at, kind, mode, invoice_id, message) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(instant_text(at))
        .bind(item.kind.as_str())
        .bind(mode.map(StripeMode::as_str))
        .bind(item.invoice_id)
        .bind(&item.message)
        .execute(&mut *conn)
        .await?
        .last_insert_rowid())
    }

    /// Writes several items in one statement, in order.
    pub async fn insert_many(
        conn: &mut SqliteConnection,
        mode: Option<StripeMode>,
        items: &[NewActivity],
        at: DateTime<Utc>,
    ) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let rows = vec!["(?, ?, ?, ?, ?)"; items.len()].join(", ");
        let sql =
            format!("INSERT INTO activity (at, kind, mode, invoice_id, message) VALUES {rows}");
        let at = instant_text(at);
        let mut q = sqlx::query(&sql);
        for item in items {
            q = q
                .bind(at.clone())
                .bind(item.kind.as_str())
                .bind(mode.map(StripeMode::as_str))
                .bind(item.invoice_id)
                .bind(&item.message);
        }
        q.execute(&mut *conn).await?;
        Ok(())
    }

    pub async fn list(
        conn: &mut SqliteConnection,
        only_unnotified: bool,
        limit: i64,
    ) -> Result<Vec<Activity>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, at, kind, mode, invoice_id, message, notified, seen FROM activity
             WHERE (? = 0 OR notified = 0) ORDER BY id DESC LIMIT ?",
        )
        .bind(only_unnotified)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .filter_map(|r| {
                let kind = ActivityKind::parse(&r.kind)?;
                Some(instant_col("at", &r.at).map(|at| Activity {
                    id: r.id,
                    at,
                    kind,
                    mode: r.mode.as_deref().and_then(StripeMode::parse),
                    invoice_id: r.invoice_id,
                    message: r.message,
                    notified: r.notified,
                    seen: r.seen,
                }))
            })
            .collect()
    }
}

impl Paydesk {
    /// The newest activity first.
    pub async fn activity(&self, limit: u32) -> Result<Vec<Activity>> {
        let mut conn = self.db.pool().acquire().await?;
        store::list(&mut conn, false, i64::from(limit.clamp(1, 500))).await
    }

    /// Items not yet raised as OS notifications, oldest first, marked as raised: each is shown
    /// once even if two windows ask.
    pub async fn take_unnotified_activity(&self) -> Result<Vec<Activity>> {
        let mut tx = self.db.write().await?;
        let mut items = store::list(&mut tx, true, 50).await?;
        sqlx::query("UPDATE activity SET notified = 1 WHERE notified = 0")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        items.reverse();
        Ok(items)
    }

    /// The owner has looked at the feed.
    pub async fn mark_activity_seen(&self) -> Result<()> {
        sqlx::query("UPDATE activity SET seen = 1 WHERE seen = 0")
            .execute(self.db.pool())
            .await?;
        Ok(())
    }
}
