//! The use cases: read what a document needs in one snapshot of the database, then draw it off
//! the async threads (a PDF is a few milliseconds of pure CPU work).

use super::{render_invoice, render_receipt, InvoiceDocument, PdfError, ReceiptDocument};
use crate::error::Result;
use crate::{business, client, invoice, payment, Paydesk};

/// Runs a renderer on tokio's blocking pool.
async fn draw<D: Send + 'static>(
    doc: D,
    render: fn(&D) -> std::result::Result<Vec<u8>, PdfError>,
) -> Result<Vec<u8>> {
    let bytes = tokio::task::spawn_blocking(move || render(&doc))
        .await
        .map_err(|e| PdfError::Write(format!("the drawing task stopped: {e}")))??;
    Ok(bytes)
}

impl Paydesk {
    /// The invoice as a PDF. `pay_url`, when given, is printed as a "Pay online" link with a QR code
    /// (unless nothing is left to pay). Works for drafts too, marked DRAFT.
    pub async fn invoice_pdf(&self, invoice_id: i64, pay_url: Option<&str>) -> Result<Vec<u8>> {
        let mut tx = self.db.pool().begin().await?;
        let inv = invoice::store::get(&mut tx, invoice_id).await?;
        let who = client::store::get(&mut tx, inv.client_id).await?;
        let biz = business::store::get(&mut tx).await?;
        let logo = business::store::logo(&mut tx).await?;
        let deposit_due = crate::deposit::link_amount(&mut tx, invoice_id).await?;
        tx.commit().await?;
        let doc = InvoiceDocument::new(
            &inv,
            &who,
            &biz,
            logo,
            pay_url.map(str::to_string),
            deposit_due,
            self.now(),
        );
        draw(doc, render_invoice).await
    }

    /// A one-page receipt for a payment: what was received, for which invoice, and what is still
    /// owed on it today.
    pub async fn payment_receipt_pdf(&self, payment_id: i64) -> Result<Vec<u8>> {
        let mut tx = self.db.pool().begin().await?;
        let paid = payment::store::get(&mut tx, payment_id).await?;
        let inv = invoice::store::get(&mut tx, paid.invoice_id).await?;
        let who = client::store::get(&mut tx, inv.client_id).await?;
        let biz = business::store::get(&mut tx).await?;
        let logo = business::store::logo(&mut tx).await?;
        tx.commit().await?;
        let now = self.now();
        let today = now.with_timezone(&biz.time_zone()?).date_naive();
        let doc = ReceiptDocument::new(&paid, &inv, &who, &biz, logo, today, now);
        draw(doc, render_receipt).await
    }
}
