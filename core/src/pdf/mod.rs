//! Invoice and receipt PDFs, drawn with printpdf (no HTML engine): A4, a subset of DejaVu Sans
//! embedded so any Latin, Greek or Cyrillic name prints and can be copied out, the business logo,
//! and — when the invoice can be paid online — a link and a QR code to the pay page.
//!
//! Two halves. `invoice` and `receipt` turn the core's records into plain view models whose amounts
//! are already text, formatted for the business's locale from the core's own totals; nothing after
//! that point does arithmetic on money. `*_layout` place a view model on pages through `canvas`
//! (millimetres from the top-left, the only place that speaks PDF coordinates). The renderers are
//! pure functions of their view model; `load` is the `impl Paydesk` that reads the database.

mod blocks;
mod canvas;
mod dates;
mod error;
mod file;
mod fonts;
mod invoice;
mod invoice_layout;
mod load;
mod logo;
mod party;
mod qr;
mod receipt;
mod receipt_layout;
mod wrap;

pub use error::PdfError;
pub(crate) use invoice::deposit_shown;
pub use invoice::{InvoiceDocument, ItemRow, TotalRow};
pub use invoice_layout::render_invoice;
pub use party::Party;
pub use receipt::ReceiptDocument;
pub use receipt_layout::render_receipt;
