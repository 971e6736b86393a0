//! Charging a client's saved card from the invoice page. The rules (one charge per click even
//! across crashes, plain-words failures) are paydesk-core's (core/src/ledger/charge_request.rs).

use paydesk_core::ledger::charge_request::CardCharge;
use paydesk_core::Paydesk;
use tauri::State;

use crate::error::CommandResult;

#[tauri::command]
pub async fn charge_saved_card(
    paydesk: State<'_, Paydesk>,
    invoice_id: i64,
) -> CommandResult<CardCharge> {
    Ok(paydesk.stripe().charge_saved_card(invoice_id).await?)
}
