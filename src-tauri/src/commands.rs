//! Tauri commands: each takes the app state, calls the core, converts the error. Input validation
//! happens in the core (the same rules as the CLI); serde refuses malformed shapes before that.

use chrono::{DateTime, NaiveDate, Utc};
use paydesk_core::booking::{Booking, BookingInput, BookingStatus};
use paydesk_core::business::{BusinessProfile, BusinessUpdate};
use paydesk_core::client::{Client, ClientInput};
use paydesk_core::dashboard::Dashboard;
use paydesk_core::invoice::{Invoice, InvoiceInput, InvoicePage, InvoiceQuery};
use paydesk_core::payment::{Payment, PaymentInput, Refund, RefundInput};
use paydesk_core::service::{Service, ServiceInput};
use paydesk_core::staff::{StaffInput, StaffMember};
use paydesk_core::Paydesk;
use tauri::State;

use crate::error::CommandResult;

type App<'a> = State<'a, Paydesk>;

#[tauri::command]
pub async fn get_business(app: App<'_>) -> CommandResult<BusinessProfile> {
    Ok(app.business().await?)
}

#[tauri::command]
pub async fn update_business(
    app: App<'_>,
    update: BusinessUpdate,
) -> CommandResult<BusinessProfile> {
    Ok(app.update_business(update).await?)
}

/// Sets the logo from the chosen file's bytes; the core checks it is a PNG or JPEG of at most 1 MB.
#[tauri::command]
pub async fn set_logo(app: App<'_>, bytes: Vec<u8>) -> CommandResult<()> {
    Ok(app.set_logo(&bytes).await?)
}

#[tauri::command]
pub async fn clear_logo(app: App<'_>) -> CommandResult<()> {
    Ok(app.remove_logo().await?)
}

/// The logo as a `data:` URL the webview can show (the CSP allows `img-src data:`), or null.
#[tauri::command]
pub async fn get_logo(app: App<'_>) -> CommandResult<Option<String>> {
    use base64::Engine as _;
    Ok(app.logo().await?.map(|(bytes, mime)| {
        format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    }))
}

#[tauri::command]
pub async fn dashboard(app: App<'_>) -> CommandResult<Dashboard> {
    Ok(app.dashboard().await?)
}

#[tauri::command]
pub async fn list_clients(
    app: App<'_>,
    search: String,
    limit: u32,
    offset: u32,
) -> CommandResult<Vec<Client>> {
    Ok(app.clients(&search, limit, offset).await?)
}

#[tauri::command]
pub async fn get_client(app: App<'_>, id: i64) -> CommandResult<Client> {
    Ok(app.client(id).await?)
}

#[tauri::command]
pub async fn create_client(app: App<'_>, input: ClientInput) -> CommandResult<Client> {
    Ok(app.create_client(&input).await?)
}

#[tauri::command]
pub async fn update_client(app: App<'_>, id: i64, input: ClientInput) -> CommandResult<Client> {
    Ok(app.update_client(id, &input).await?)
}

#[tauri::command]
pub async fn delete_client(app: App<'_>, id: i64) -> CommandResult<()> {
    Ok(app.delete_client(id).await?)
}

#[tauri::command]
pub async fn list_services(app: App<'_>) -> CommandResult<Vec<Service>> {
    Ok(app.services().await?)
}

#[tauri::command]
pub async fn create_service(app: App<'_>, input: ServiceInput) -> CommandResult<Service> {
    Ok(app.create_service(&input).await?)
}

#[tauri::command]
pub async fn update_service(app: App<'_>, id: i64, input: ServiceInput) -> CommandResult<Service> {
    Ok(app.update_service(id, &input).await?)
}

#[tauri::command]
pub async fn list_staff(app: App<'_>) -> CommandResult<Vec<StaffMember>> {
    Ok(app.staff().await?)
}

#[tauri::command]
pub async fn create_staff(app: App<'_>, input: StaffInput) -> CommandResult<StaffMember> {
    Ok(app.create_staff(&input).await?)
}

#[tauri::command]
pub async fn update_staff(app: App<'_>, id: i64, input: StaffInput) -> CommandResult<StaffMember> {
    Ok(app.update_staff(id, &input).await?)
}

#[tauri::command]
pub async fn list_bookings(
    app: App<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    staff_id: Option<i64>,
) -> CommandResult<Vec<Booking>> {
    Ok(app.bookings(from, to, staff_id).await?)
}

#[tauri::command]
pub async fn check_booking(
    app: App<'_>,
    input: BookingInput,
    except_id: Option<i64>,
) -> CommandResult<()> {
    Ok(app.check_booking(&input, except_id).await?)
}

#[tauri::command]
pub async fn create_booking(app: App<'_>, input: BookingInput) -> CommandResult<Booking> {
    Ok(app.create_booking(&input).await?)
}

#[tauri::command]
pub async fn update_booking(app: App<'_>, id: i64, input: BookingInput) -> CommandResult<Booking> {
    Ok(app.update_booking(id, &input).await?)
}

#[tauri::command]
pub async fn set_booking_status(
    app: App<'_>,
    id: i64,
    status: BookingStatus,
) -> CommandResult<Booking> {
    Ok(app.set_booking_status(id, status).await?)
}

#[tauri::command]
pub async fn list_invoices(app: App<'_>, query: InvoiceQuery) -> CommandResult<InvoicePage> {
    Ok(app.invoices(&query).await?)
}

#[tauri::command]
pub async fn get_invoice(app: App<'_>, id: i64) -> CommandResult<Invoice> {
    Ok(app.invoice(id).await?)
}

#[tauri::command]
pub async fn create_invoice(app: App<'_>, input: InvoiceInput) -> CommandResult<Invoice> {
    Ok(app.create_invoice(&input).await?)
}

#[tauri::command]
pub async fn update_draft(app: App<'_>, id: i64, input: InvoiceInput) -> CommandResult<Invoice> {
    Ok(app.update_draft(id, &input).await?)
}

#[tauri::command]
pub async fn delete_draft(app: App<'_>, id: i64) -> CommandResult<()> {
    Ok(app.delete_draft(id).await?)
}

#[tauri::command]
pub async fn finalize_invoice(app: App<'_>, id: i64) -> CommandResult<Invoice> {
    Ok(app.finalize_invoice(id).await?)
}

#[tauri::command]
pub async fn void_invoice(app: App<'_>, id: i64) -> CommandResult<Invoice> {
    Ok(app.void_invoice(id).await?)
}

#[tauri::command]
pub async fn mark_uncollectible(app: App<'_>, id: i64) -> CommandResult<Invoice> {
    Ok(app.mark_uncollectible(id).await?)
}

#[tauri::command]
pub async fn record_payment(
    app: App<'_>,
    invoice_id: i64,
    input: PaymentInput,
) -> CommandResult<Payment> {
    Ok(app.record_payment(invoice_id, &input).await?)
}

#[tauri::command]
pub async fn refund_payment(
    app: App<'_>,
    payment_id: i64,
    input: RefundInput,
) -> CommandResult<Refund> {
    // Through Stripe (to the card) when the payment came through Stripe; otherwise manual.
    Ok(app.stripe().refund(payment_id, &input).await?)
}

#[tauri::command]
pub async fn list_payments(
    app: App<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> CommandResult<Vec<Payment>> {
    Ok(app.payments_between(from, to).await?)
}
