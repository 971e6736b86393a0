//! Pay links on an invoice: see them, make one, bring them up to date after a change. The core
//! does the Stripe work (row and idempotency key first, then the call); these only pass ids in.

use paydesk_core::paylink::PayLink;
use paydesk_core::Paydesk;
use tauri::State;

use crate::error::CommandResult;

type App<'a> = State<'a, Paydesk>;

/// Every link the invoice has had, newest first (the live one, if any, is `active`).
#[tauri::command]
pub async fn invoice_pay_links(app: App<'_>, invoice_id: i64) -> CommandResult<Vec<PayLink>> {
    Ok(app.stripe().pay_links().links(invoice_id).await?)
}

/// After finalizing, a payment or a void: the live link for what is due now, if any. Without a
/// Stripe connection it changes nothing and answers `null`.
#[tauri::command]
pub async fn sync_pay_link(app: App<'_>, invoice_id: i64) -> CommandResult<Option<PayLink>> {
    Ok(app.stripe().pay_links().sync(invoice_id).await?)
}

/// The owner asked for a link (a draft too): makes one for the amount due if there is none.
#[tauri::command]
pub async fn add_pay_link(app: App<'_>, invoice_id: i64) -> CommandResult<PayLink> {
    Ok(app.stripe().pay_links().add(invoice_id).await?)
}
