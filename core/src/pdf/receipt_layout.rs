//! The receipt on one A4 page: header, who paid, the amount in large type, then the details that
//! tie it to the invoice and what is still owed.

// Page geometry; money reaches this module only as text.
#![allow(clippy::float_arithmetic)]

use super::blocks::{self, BODY, BOLD, LEFT, RIGHT, SMALL};
use super::canvas::{Canvas, Style, MUTED, RULE, SHADE};
use super::file::Meta;
use super::fonts::Face;
use super::logo::Logo;
use super::receipt::ReceiptDocument;
use super::PdfError;

const AMOUNT: Style = Style::new(Face::Bold, 22.0);
const VALUE_X: f32 = LEFT + 55.0;

/// Draws the receipt. Pure: everything it prints is in `doc`.
pub fn render_receipt(doc: &ReceiptDocument) -> Result<Vec<u8>, PdfError> {
    let logo = doc.logo.as_deref().map(Logo::decode).transpose()?;
    let mut canvas = Canvas::new()?;
    canvas.add_page();
    let facts = [
        ("Receipt no.", doc.receipt_number.as_str()),
        ("Payment date", doc.payment_date.as_str()),
        ("Invoice", doc.invoice_number.as_str()),
    ];
    let y = blocks::header(&mut canvas, logo, &doc.business, "RECEIPT", &facts, None);
    let y = blocks::heading(&mut canvas, LEFT, y + 8.0, "RECEIVED FROM");
    let mut y = blocks::party(
        &mut canvas,
        LEFT,
        y,
        RIGHT - LEFT,
        &doc.client,
        BOLD.sized(10.0),
    );

    y += 8.0;
    let box_h = 24.0;
    canvas.rect(LEFT, y, RIGHT - LEFT, box_h, SHADE);
    canvas.text(
        LEFT + 5.0,
        y + 6.0 + BODY.ascent(),
        BODY.colored(MUTED),
        "Amount received",
    );
    canvas.text(LEFT + 5.0, y + 11.0 + AMOUNT.ascent(), AMOUNT, &doc.amount);
    y += box_h + 8.0;

    let mut rows: Vec<(&str, &str, bool)> = vec![("Payment method", &doc.method, false)];
    if !doc.reference.is_empty() {
        rows.push(("Reference", &doc.reference, false));
    }
    rows.push(("Invoice", &doc.invoice_number, false));
    rows.push(("Invoice total", &doc.invoice_total, false));
    if let Some(refunded) = &doc.refunded {
        rows.push(("Refunded of this payment", refunded, false));
    }
    rows.push(("Remaining amount due", &doc.amount_due, true));
    for (label, value, strong) in rows {
        let style = if strong { BOLD } else { BODY };
        let baseline = y + 1.5 + style.ascent();
        canvas.text(LEFT, baseline, BODY.colored(MUTED), label);
        canvas.text(VALUE_X, baseline, style, value);
        y += style.line_height() + 3.0;
        canvas.rule(LEFT, RIGHT, y - 0.8, RULE);
    }
    canvas.text(
        VALUE_X,
        y + 1.0 + SMALL.ascent(),
        SMALL,
        &format!("as of {}", doc.as_of),
    );
    y += 14.0;
    canvas.text(LEFT, y + BODY.ascent(), BODY, "Thank you for your payment.");

    blocks::footers(&mut canvas, &doc.title);
    canvas.finish(Meta {
        title: doc.title.clone(),
        author: doc.business.name.clone(),
        subject: format!("Receipt for {}", doc.client.name),
        created: doc.created,
    })
}
