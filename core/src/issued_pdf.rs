//! The PDFs an invoice was issued as. A sent invoice's PDF changes when its balance or pay link
//! does (a partial payment, a new link); each such change makes a new version and the old ones are
//! kept, so "what did the client get on the 3rd?" always has an answer. Drafts are previews and
//! are never stored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::{instant_col, instant_text};
use crate::error::Result;
use crate::invoice::InvoiceState;
use crate::paylink::PayLink;
use crate::Paydesk;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IssuedPdf {
    pub invoice_id: i64,
    /// 1, 2, …; 0 for a draft's preview, which isn't kept.
    pub version: i64,
    pub pay_link_id: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
    pub size: i64,
    /// The file name a client sees, e.g. `INV-2026-0001.pdf` (`-v2` for later versions).
    pub file_name: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl Paydesk {
    /// The invoice's PDF as a client should get it now, with `link`'s URL printed when given: the
    /// newest stored version if nothing it shows has changed since, otherwise a new version.
    pub async fn issue_pdf(&self, invoice_id: i64, link: Option<&PayLink>) -> Result<IssuedPdf> {
        let invoice = self.invoice(invoice_id).await?;
        let url = link.and_then(|l| l.url.as_deref());
        if invoice.state == InvoiceState::Draft {
            let bytes = self.invoice_pdf(invoice_id, url).await?;
            return Ok(IssuedPdf {
                invoice_id,
                version: 0,
                pay_link_id: link.map(|l| l.id),
                created_at: self.now(),
                size: bytes.len() as i64,
                file_name: format!("Invoice-draft-{invoice_id}.pdf"),
                bytes,
            });
        }
        let business_updated: (String,) =
            sqlx::query_as("SELECT updated_at FROM business WHERE id = 1")
                .fetch_one(self.db.pool())
                .await?;
        let mut conn = self.db.pool().acquire().await?;
        let deposit_due = crate::pdf::deposit_shown(
            &invoice,
            crate::deposit::link_amount(&mut conn, invoice_id).await?,
        );
        let mut fingerprint = format!(
            "{}|{}|{}|{}|{}|{}",
            invoice.status.as_str(),
            invoice.paid.to_minor(),
            invoice.refunded.to_minor(),
            invoice.amount_due.to_minor(),
            url.unwrap_or(""),
            business_updated.0
        );
        // Appended only when there is one, so PDFs stored before deposits existed stay current.
        if let Some(d) = deposit_due {
            fingerprint.push_str(&format!("|deposit {}", d.to_minor()));
        }
        if let Some(latest) = store::latest(&mut conn, invoice_id).await? {
            if latest.1 == fingerprint {
                return Ok(latest.0);
            }
        }
        drop(conn);
        let bytes = self.invoice_pdf(invoice_id, url).await?;
        let mut tx = self.db.write().await?;
        let version = store::next_version(&mut tx, invoice_id).await?;
        let now = self.now();
        sqlx::query(
            "INSERT INTO invoice_pdfs (invoice_id, version, pay_link_id, fingerprint, created_at, pdf)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(invoice_id)
        .bind(version)
        .bind(link.map(|l| l.id))
        .bind(&fingerprint)
        .bind(instant_text(now))
        .bind(&bytes)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let number = invoice.number.unwrap_or_else(|| invoice_id.to_string());
        Ok(IssuedPdf {
            invoice_id,
            version,
            pay_link_id: link.map(|l| l.id),
            created_at: now,
            size: bytes.len() as i64,
            file_name: file_name(&number, version),
            bytes,
        })
    }

    /// Every stored version, newest first, without their bytes.
    pub async fn issued_pdfs(&self, invoice_id: i64) -> Result<Vec<IssuedPdf>> {
        let mut conn = self.db.pool().acquire().await?;
        store::list(&mut conn, invoice_id).await
    }
}

fn file_name(number: &str, version: i64) -> String {
    let safe: String = number
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if version <= 1 {
        format!("{safe}.pdf")
    } else {
        format!("{safe}-v{version}.pdf")
    }
}

mod store {
    use super::*;

    #[derive(sqlx::FromRow)]
    struct Row {
        invoice_id: i64,
        version: i64,
        pay_link_id: Option<i64>,
        created_at: String,
        size: i64,
        number: Option<String>,
        fingerprint: String,
    }

    const SELECT: &str = "SELECT p.invoice_id, p.version, p.pay_link_id, p.created_at,
            length(p.pdf) AS size, i.number, p.fingerprint
         FROM invoice_pdfs p JOIN invoices i ON i.id = p.invoice_id
         WHERE p.invoice_id = ?";

    fn issued(r: Row) -> Result<IssuedPdf> {
        let number = r.number.unwrap_or_else(|| r.invoice_id.to_string());
        Ok(IssuedPdf {
            invoice_id: r.invoice_id,
            version: r.version,
            pay_link_id: r.pay_link_id,
            created_at: instant_col("created_at", &r.created_at)?,
            size: r.size,
            file_name: file_name(&number, r.version),
            bytes: Vec::new(),
        })
    }

    /// The newest version with its bytes, and its fingerprint.
    pub async fn latest(
        conn: &mut SqliteConnection,
        invoice_id: i64,
    ) -> Result<Option<(IssuedPdf, String)>> {
        let row: Option<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY p.version DESC LIMIT 1"))
            .bind(invoice_id)
            .fetch_optional(&mut *conn)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let (id, version, fingerprint) = (row.invoice_id, row.version, row.fingerprint.clone());
        let mut pdf = issued(row)?;
        let (bytes,): (Vec<u8>,) =
            sqlx::query_as("SELECT pdf FROM invoice_pdfs WHERE invoice_id = ? AND version = ?")
                .bind(id)
                .bind(version)
                .fetch_one(&mut *conn)
                .await?;
        pdf.bytes = bytes;
        Ok(Some((pdf, fingerprint)))
    }

    pub async fn next_version(conn: &mut SqliteConnection, invoice_id: i64) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM invoice_pdfs WHERE invoice_id = ?",
        )
        .bind(invoice_id)
        .fetch_one(&mut *conn)
        .await?;
        Ok(n)
    }

    pub async fn list(conn: &mut SqliteConnection, invoice_id: i64) -> Result<Vec<IssuedPdf>> {
        let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY p.version DESC"))
            .bind(invoice_id)
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter().map(issued).collect()
    }
}
