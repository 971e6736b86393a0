//! The sent log: one row per attempt to email an invoice, sent or failed, newest first. It answers
//! the owner's "did the client get it, and when?" and keeps the reason a send failed exactly as the
//! owner was shown it. Rows are only ever added.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};

use super::Mail;
use crate::db::{instant_col, instant_text};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SendStatus {
    Sent,
    Failed,
}

impl SendStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SendStatus::Sent => "sent",
            SendStatus::Failed => "failed",
        }
    }
}

/// One attempt to email an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SentEmail {
    pub id: i64,
    pub invoice_id: i64,
    pub sent_at: DateTime<Utc>,
    pub to: String,
    pub subject: String,
    pub status: SendStatus,
    /// The Message-ID header (`<…@domain>`) of an email that went out.
    pub message_id: Option<String>,
    /// Why it failed, as the owner was told; `None` when it was sent.
    pub error: Option<String>,
}

/// A row to add.
pub(crate) struct Attempt<'a> {
    pub invoice_id: i64,
    pub sent_at: DateTime<Utc>,
    pub to: &'a str,
    pub subject: &'a str,
    pub outcome: std::result::Result<&'a str, &'a str>,
}

impl Mail {
    /// Every attempt to email this invoice, newest first.
    pub async fn sent_emails(&self, invoice_id: i64) -> Result<Vec<SentEmail>> {
        let mut conn = self.app.db.pool().acquire().await?;
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM invoices WHERE id = ?")
            .bind(invoice_id)
            .fetch_optional(&mut *conn)
            .await?;
        if exists.is_none() {
            return Err(Error::NotFound {
                what: "Invoice",
                id: invoice_id,
            });
        }
        store::list(&mut conn, invoice_id).await
    }
}

pub(crate) mod store {
    use super::*;

    pub async fn insert(conn: &mut SqliteConnection, a: &Attempt<'_>) -> Result<i64> {
        let (status, message_id, error) = match a.outcome {
            Ok(id) => (SendStatus::Sent, Some(id), ""),
            Err(reason) => (SendStatus::Failed, None, reason),
        };
        let id = sqlx::query(
            "INSERT INTO invoice_emails
                 (invoice_id, sent_at, recipient, subject, status, message_id, error)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(a.invoice_id)
        .bind(instant_text(a.sent_at))
        .bind(a.to)
        .bind(a.subject)
        .bind(status.as_str())
        .bind(message_id)
        .bind(error)
        .execute(conn)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    pub async fn list(conn: &mut SqliteConnection, invoice_id: i64) -> Result<Vec<SentEmail>> {
        let rows = sqlx::query(
            "SELECT id, invoice_id, sent_at, recipient, subject, status, message_id, error
             FROM invoice_emails WHERE invoice_id = ? ORDER BY sent_at DESC, id DESC",
        )
        .bind(invoice_id)
        .fetch_all(conn)
        .await?;
        rows.into_iter()
            .map(|r| {
                let error: String = r.get("error");
                Ok(SentEmail {
                    id: r.get("id"),
                    invoice_id: r.get("invoice_id"),
                    sent_at: instant_col("sent_at", r.get("sent_at"))?,
                    to: r.get("recipient"),
                    subject: r.get("subject"),
                    status: match r.get::<&str, _>("status") {
                        "sent" => SendStatus::Sent,
                        _ => SendStatus::Failed,
                    },
                    message_id: r.get("message_id"),
                    error: Some(error).filter(|e| !e.is_empty()),
                })
            })
            .collect()
    }
}
