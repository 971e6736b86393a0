//! The invoice on A4: header, client, the item table (flowing over as many pages as it needs, its
//! header repeated on each), totals, the pay-online block, notes and terms, page footers.

// Page geometry; money reaches this module only as text.
#![allow(clippy::float_arithmetic)]

use super::blocks::{self, Flow, BODY, BOLD, LEFT, RIGHT, SMALL};
use super::canvas::{Canvas, Style, MUTED, RULE, SHADE};
use super::file::Meta;
use super::fonts::Face;
use super::invoice::{InvoiceDocument, ItemRow, TotalRow};
use super::logo::Logo;
use super::qr::QrMark;
use super::wrap::wrap;
use super::PdfError;

// Right edges of the number columns, and where the description column ends.
const AMOUNT_R: f32 = RIGHT - 2.0;
const AMOUNT_W: f32 = 28.0;
const TAX_R: f32 = AMOUNT_R - AMOUNT_W - 2.0;
const TAX_W: f32 = 12.0;
const PRICE_R: f32 = TAX_R - TAX_W - 2.0;
const PRICE_W: f32 = 26.0;
const QTY_R: f32 = PRICE_R - PRICE_W - 2.0;
const QTY_W: f32 = 12.0;
const DESC_X: f32 = LEFT + 2.0;
const DESC_W: f32 = QTY_R - QTY_W - 2.0 - DESC_X;
const CELL_PAD: f32 = 1.8;
const HEAD: Style = Style::new(Face::Bold, 8.0);

const PAY_TITLE: Style = Style::new(Face::Bold, 13.0);
const PAY_URL: Style = Style::new(Face::Regular, 8.5);

/// The template colour as PDF's 0–1 components.
fn accent(doc: &InvoiceDocument) -> (f32, f32, f32) {
    let (r, g, b) = doc.accent;
    (
        f32::from(r) / 255.0,
        f32::from(g) / 255.0,
        f32::from(b) / 255.0,
    )
}

/// Draws the invoice. Pure: everything it prints is in `doc`.
pub fn render_invoice(doc: &InvoiceDocument) -> Result<Vec<u8>, PdfError> {
    let logo = doc.logo.as_deref().map(Logo::decode).transpose()?;
    let mut canvas = Canvas::new()?;
    canvas.add_page();
    let facts = [
        ("Invoice no.", doc.number.as_str()),
        ("Issue date", doc.issue_date.as_str()),
        ("Due date", doc.due_date.as_str()),
    ];
    let y = blocks::header(
        &mut canvas,
        logo,
        &doc.business,
        "INVOICE",
        &facts,
        doc.stamp.as_deref(),
    );
    let y = blocks::heading(&mut canvas, LEFT, y + 8.0, "BILL TO");
    let y = blocks::party(
        &mut canvas,
        LEFT,
        y,
        RIGHT - LEFT,
        &doc.client,
        BOLD.sized(10.0),
    );
    let mut flow = Flow {
        y: y + 8.0,
        continued_left: doc.business.name.clone(),
        continued_right: format!("Invoice {} (continued)", doc.number),
    };

    table_header(&mut canvas, &mut flow);
    for item in &doc.items {
        item_row(&mut canvas, &mut flow, item);
    }
    flow.y += 4.0;
    totals(&mut canvas, &mut flow, &doc.totals);
    if let Some(url) = &doc.pay_url {
        let asked = match &doc.deposit_due {
            Some(deposit) => format!(
                "Deposit due now: {deposit} (of {} due in all)",
                doc.amount_due
            ),
            None => format!("Amount due: {}", doc.amount_due),
        };
        pay_block(&mut canvas, &mut flow, url, &asked, accent(doc))?;
    }
    flow.text_block(&mut canvas, "NOTES", &doc.notes, BODY);
    flow.text_block(
        &mut canvas,
        "TERMS",
        &doc.terms,
        BODY.sized(8.0).colored(MUTED),
    );

    blocks::footers(&mut canvas, &doc.title);
    canvas.finish(Meta {
        title: doc.title.clone(),
        author: doc.business.name.clone(),
        subject: format!("Invoice for {}", doc.client.name),
        created: doc.created,
    })
}

fn table_header(canvas: &mut Canvas, flow: &mut Flow) {
    let h = HEAD.line_height() + 2.0 * CELL_PAD;
    // The header never ends a page: it must have a row under it.
    flow.room(canvas, h + BODY.line_height() + 2.0 * CELL_PAD);
    canvas.rect(LEFT, flow.y, RIGHT - LEFT, h, SHADE);
    let baseline = flow.y + CELL_PAD + HEAD.ascent();
    canvas.text(DESC_X, baseline, HEAD, "Description");
    canvas.text_right(QTY_R, baseline, HEAD, "Qty");
    canvas.text_right(PRICE_R, baseline, HEAD, "Unit price");
    canvas.text_right(TAX_R, baseline, HEAD, "Tax");
    canvas.text_right(AMOUNT_R, baseline, HEAD, "Amount");
    flow.y += h;
}

/// A number right-aligned at `right`, set smaller if it is wider than its column.
fn number_cell(canvas: &mut Canvas, right: f32, width: f32, baseline: f32, text: &str) {
    let mut style = BODY;
    while style.size > 5.5 && canvas.width(style, text) > width {
        style = style.sized(style.size - 0.5);
    }
    canvas.text_right(right, baseline, style, text);
}

fn item_row(canvas: &mut Canvas, flow: &mut Flow, item: &ItemRow) {
    let fonts = canvas.fonts;
    let description = wrap(fonts, BODY, &item.description, DESC_W);
    let note = item
        .note
        .as_deref()
        .map(|n| wrap(fonts, SMALL, n, DESC_W))
        .unwrap_or_default();
    let h = 2.0 * CELL_PAD
        + description.len() as f32 * BODY.line_height()
        + note.len() as f32 * SMALL.line_height();
    if flow.room(canvas, h) {
        table_header(canvas, flow);
    }
    let top = flow.y + CELL_PAD;
    let baseline = top + BODY.ascent();
    number_cell(canvas, QTY_R, QTY_W, baseline, &item.quantity);
    number_cell(canvas, PRICE_R, PRICE_W, baseline, &item.unit_price);
    number_cell(canvas, TAX_R, TAX_W, baseline, &item.tax_rate);
    number_cell(canvas, AMOUNT_R, AMOUNT_W, baseline, &item.amount);
    let y = blocks::lines(canvas, DESC_X, top, BODY, &description);
    blocks::lines(canvas, DESC_X, y, SMALL, &note);
    flow.y += h;
    canvas.rule(LEFT, RIGHT, flow.y - 0.2, RULE);
}

fn totals(canvas: &mut Canvas, flow: &mut Flow, rows: &[TotalRow]) {
    const LABEL_X: f32 = RIGHT - 78.0;
    let row_h = |r: &TotalRow| if r.strong { 7.0 } else { 5.6 };
    flow.room(canvas, rows.iter().map(row_h).sum());
    for (i, row) in rows.iter().enumerate() {
        let h = row_h(row);
        let last = i + 1 == rows.len();
        let style = if row.strong { BOLD.sized(10.0) } else { BODY };
        if last {
            canvas.rect(LABEL_X - 2.0, flow.y, RIGHT - LABEL_X + 2.0, h, SHADE);
        } else if row.strong {
            canvas.rule(LABEL_X - 2.0, RIGHT, flow.y, RULE);
        }
        let baseline = flow.y + (h - style.line_height()) / 2.0 + style.ascent();
        canvas.text(LABEL_X, baseline, style, &row.label);
        number_cell(canvas, AMOUNT_R, 40.0, baseline, &row.value);
        flow.y += h;
    }
    flow.y += 8.0;
}

/// "Pay online", what is asked (`asked`: "Amount due: …"), the link written out, and its QR code. The whole block is one link,
/// so a click anywhere on it (label, address or code) opens the pay page.
fn pay_block(
    canvas: &mut Canvas,
    flow: &mut Flow,
    url: &str,
    asked: &str,
    color: (f32, f32, f32),
) -> Result<(), PdfError> {
    const PAD: f32 = 4.0;
    let qr = QrMark::new(url)?;
    let qr_side = qr.side();
    let text_w = RIGHT - LEFT - qr_side - 3.0 * PAD;
    let url_lines = wrap(canvas.fonts, PAY_URL, url, text_w);
    let text_h = PAY_TITLE.line_height()
        + 2.0
        + BODY.line_height()
        + SMALL.line_height()
        + url_lines.len() as f32 * PAY_URL.line_height();
    let h = qr_side.max(text_h) + 2.0 * PAD;
    flow.room(canvas, h);
    let top = flow.y;
    canvas.rect(LEFT, top, RIGHT - LEFT, h, SHADE);
    // The code sits on white: the quiet zone must be lighter than the shading around it.
    let qr_x = RIGHT - PAD - qr_side;
    canvas.rect(qr_x, top + PAD, qr_side, qr_side, (1.0, 1.0, 1.0));
    qr.draw(canvas, qr_x, top + PAD, qr_side);

    let x = LEFT + PAD;
    let mut y = top + PAD;
    canvas.text(
        x,
        y + PAY_TITLE.ascent(),
        PAY_TITLE.colored(color),
        "Pay online",
    );
    y += PAY_TITLE.line_height() + 2.0;
    canvas.text(x, y + BODY.ascent(), BODY, asked);
    y += BODY.line_height();
    let hint = "Scan the code with your phone's camera, or open this address:";
    canvas.text(x, y + SMALL.ascent(), SMALL, hint);
    y += SMALL.line_height();
    blocks::lines(canvas, x, y, PAY_URL.colored(color), &url_lines);
    canvas.link(LEFT, top, RIGHT - LEFT, h, url);
    flow.y = top + h + 8.0;
    Ok(())
}
