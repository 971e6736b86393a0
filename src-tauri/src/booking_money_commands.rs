//! Deposits, auto-charge, cancellation fees and saved cards. Thin: the rules (a deposit asked once,
//! a fee only after the owner confirms, charges exactly once) live in paydesk-core (deposit.rs,
//! booking_fee.rs, policy.rs, ledger/charge_request.rs).

use paydesk_core::booking::BookingStatus;
use paydesk_core::booking_fee::{CancelOutcome, FeeOutcome, FeeProposal};
use paydesk_core::deposit::{Deposit, DepositRequest};
use paydesk_core::invoice::Invoice;
use paydesk_core::ledger::card_removal::ExpiringCard;
use paydesk_core::ledger::card_request::CardRequest;
use paydesk_core::ledger::charge_request::BulkCharge;
use paydesk_core::money::parse_amount;
use paydesk_core::policy::{AmountRule, BookingPolicy};
use paydesk_core::{Money, Paydesk};
use tauri::State;

use crate::error::{CommandError, CommandResult};

type App<'a> = State<'a, Paydesk>;

#[tauri::command]
pub async fn booking_policy(app: App<'_>) -> CommandResult<BookingPolicy> {
    Ok(app.booking_policy().await?)
}

#[tauri::command]
pub async fn set_booking_policy(
    app: App<'_>,
    policy: BookingPolicy,
) -> CommandResult<BookingPolicy> {
    Ok(app.set_booking_policy(&policy).await?)
}

#[tauri::command]
pub async fn service_deposit(app: App<'_>, service_id: i64) -> CommandResult<Option<AmountRule>> {
    Ok(app.service_deposit(service_id).await?)
}

/// `rule: null` — the service follows the business-wide deposit.
#[tauri::command]
pub async fn set_service_deposit(
    app: App<'_>,
    service_id: i64,
    rule: Option<AmountRule>,
) -> CommandResult<Option<AmountRule>> {
    Ok(app.set_service_deposit(service_id, rule).await?)
}

#[tauri::command]
pub async fn client_auto_charge(app: App<'_>, client_id: i64) -> CommandResult<Option<bool>> {
    Ok(app.client_auto_charge(client_id).await?)
}

/// `on: null` — the client follows the business default.
#[tauri::command]
pub async fn set_client_auto_charge(
    app: App<'_>,
    client_id: i64,
    on: Option<bool>,
) -> CommandResult<()> {
    Ok(app.set_client_auto_charge(client_id, on).await?)
}

#[tauri::command]
pub async fn deposit_quote(app: App<'_>, booking_id: i64) -> CommandResult<Option<Money>> {
    Ok(app.deposit_quote(booking_id).await?)
}

/// The deposit a booking of these services would ask (the booking form, before saving).
#[tauri::command]
pub async fn deposit_quote_for_services(
    app: App<'_>,
    service_ids: Vec<i64>,
) -> CommandResult<Option<Money>> {
    if service_ids.len() > 50 {
        return Err(paydesk_core::Error::invalid(
            "service_ids",
            "A booking has at most 50 services.",
        )
        .into());
    }
    Ok(app.deposit_quote_for_services(&service_ids).await?)
}

#[tauri::command]
pub async fn booking_deposit(app: App<'_>, booking_id: i64) -> CommandResult<Option<Deposit>> {
    Ok(app.booking_deposit(booking_id).await?)
}

#[tauri::command]
pub async fn send_deposit_request(
    app: App<'_>,
    booking_id: i64,
    to: Option<String>,
) -> CommandResult<DepositRequest> {
    Ok(app
        .stripe()
        .send_deposit_request(&app.mail(), booking_id, to)
        .await?)
}

#[tauri::command]
pub async fn keep_booking(app: App<'_>, booking_id: i64) -> CommandResult<Deposit> {
    Ok(app.keep_booking(booking_id).await?)
}

#[tauri::command]
pub async fn release_booking(app: App<'_>, booking_id: i64) -> CommandResult<Option<i64>> {
    Ok(app.stripe().release_booking(booking_id).await?)
}

#[tauri::command]
pub async fn cancel_booking(
    app: App<'_>,
    booking_id: i64,
    status: BookingStatus,
) -> CommandResult<CancelOutcome> {
    Ok(app.stripe().cancel_booking(booking_id, status).await?)
}

#[tauri::command]
pub async fn booking_fee_proposal(
    app: App<'_>,
    booking_id: i64,
) -> CommandResult<Option<FeeProposal>> {
    Ok(app.stripe().fee_proposal(booking_id).await?)
}

/// `amount`: the owner's own figure instead of the proposal's, as typed ("20", "12.50").
#[tauri::command]
pub async fn charge_booking_fee(
    app: App<'_>,
    booking_id: i64,
    amount: Option<String>,
) -> CommandResult<FeeOutcome> {
    let amount = match amount.as_deref().map(str::trim) {
        Some(a) if !a.is_empty() => Some(
            parse_amount(a)
                .map_err(|e| CommandError::from(paydesk_core::Error::from(e).in_field("amount")))?,
        ),
        _ => None,
    };
    Ok(app
        .stripe()
        .charge_booking_fee(&app.mail(), booking_id, amount)
        .await?)
}

/// The booking's invoices (deposit and rest, fee), for refunds from the booking.
#[tauri::command]
pub async fn booking_invoices(app: App<'_>, booking_id: i64) -> CommandResult<Vec<Invoice>> {
    Ok(app.booking_invoices(booking_id).await?)
}

#[tauri::command]
pub async fn remove_saved_card(app: App<'_>, client_id: i64, card: String) -> CommandResult<()> {
    Ok(app.stripe().remove_card(client_id, &card).await?)
}

/// Emails the client a Stripe page to save a card; `to` overrides the client's address.
#[tauri::command]
pub async fn send_card_request(
    app: App<'_>,
    client_id: i64,
    to: Option<String>,
) -> CommandResult<CardRequest> {
    Ok(app
        .stripe()
        .send_card_request(&app.mail(), client_id, to)
        .await?)
}

#[tauri::command]
pub async fn expiring_cards(app: App<'_>) -> CommandResult<Vec<ExpiringCard>> {
    Ok(app.expiring_cards().await?)
}

/// Bulk charge from the invoices list: each invoice gets its own outcome.
#[tauri::command]
pub async fn charge_saved_cards(
    app: App<'_>,
    invoice_ids: Vec<i64>,
) -> CommandResult<Vec<BulkCharge>> {
    if invoice_ids.is_empty() || invoice_ids.len() > 500 {
        return Err(paydesk_core::Error::invalid(
            "invoice_ids",
            "Choose between 1 and 500 invoices to charge.",
        )
        .into());
    }
    Ok(app.stripe().charge_saved_cards(&invoice_ids).await)
}
