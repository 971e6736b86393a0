//! The desktop shell. It opens the data folder, puts the core's `Paydesk` in Tauri's managed state,
//! and exposes the commands in `commands`. Nothing else lives here: the rules are in paydesk-core.

mod booking_money_commands;
mod charge_commands;
mod commands;
mod desktop;
mod email_commands;
pub mod error;
mod job_commands;
mod pay_link_commands;
mod report_commands;
mod send_commands;
mod stripe_commands;
mod sync_commands;

use std::path::PathBuf;
use tauri::Manager;

/// Where the data lives: `PAYDESK_DATA_DIR` when set (tests, several shops on one computer),
/// otherwise the OS's app-data folder for Paydesk.
fn data_dir(app: &tauri::AppHandle) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(dir) = std::env::var_os("PAYDESK_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    Ok(app.path().app_data_dir()?)
}

/// Registers every command on a builder; shared by `run` and the command tests (mock runtime).
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::get_business,
        commands::update_business,
        commands::dashboard,
        commands::set_logo,
        commands::clear_logo,
        commands::get_logo,
        commands::list_clients,
        commands::get_client,
        commands::create_client,
        commands::update_client,
        commands::delete_client,
        commands::list_services,
        commands::create_service,
        commands::update_service,
        commands::list_staff,
        commands::create_staff,
        commands::update_staff,
        commands::list_bookings,
        commands::check_booking,
        commands::create_booking,
        commands::update_booking,
        commands::set_booking_status,
        commands::list_invoices,
        commands::get_invoice,
        commands::create_invoice,
        commands::update_draft,
        commands::delete_draft,
        commands::finalize_invoice,
        commands::void_invoice,
        commands::mark_uncollectible,
        commands::record_payment,
        commands::refund_payment,
        commands::list_payments,
        email_commands::email_settings,
        email_commands::configure_smtp,
        email_commands::sign_in_email,
        email_commands::disconnect_email,
        email_commands::send_test_email,
        email_commands::invoice_email_draft,
        email_commands::invoice_emails,
        job_commands::list_jobs,
        job_commands::get_job,
        job_commands::create_job,
        job_commands::request_payment,
        send_commands::send_invoice,
        send_commands::issued_pdfs,
        send_commands::open_invoice_pdf,
        send_commands::save_invoice_pdf,
        send_commands::save_receipt_pdf,
        pay_link_commands::invoice_pay_links,
        pay_link_commands::sync_pay_link,
        pay_link_commands::add_pay_link,
        stripe_commands::stripe_status,
        stripe_commands::stripe_connect,
        stripe_commands::stripe_refresh,
        stripe_commands::stripe_disconnect,
        stripe_commands::stripe_set_active_mode,
        sync_commands::sync_now,
        sync_commands::expect_payment,
        sync_commands::sync_status,
        sync_commands::activity_feed,
        sync_commands::mark_activity_seen,
        sync_commands::invoice_stripe_payments,
        sync_commands::unmatched_payments,
        sync_commands::assign_stripe_payment,
        sync_commands::saved_cards,
        charge_commands::charge_saved_card,
        booking_money_commands::booking_policy,
        booking_money_commands::set_booking_policy,
        booking_money_commands::service_deposit,
        booking_money_commands::set_service_deposit,
        booking_money_commands::client_auto_charge,
        booking_money_commands::set_client_auto_charge,
        booking_money_commands::deposit_quote,
        booking_money_commands::deposit_quote_for_services,
        booking_money_commands::booking_deposit,
        booking_money_commands::send_deposit_request,
        booking_money_commands::keep_booking,
        booking_money_commands::release_booking,
        booking_money_commands::cancel_booking,
        booking_money_commands::booking_fee_proposal,
        booking_money_commands::charge_booking_fee,
        booking_money_commands::booking_invoices,
        booking_money_commands::remove_saved_card,
        booking_money_commands::expiring_cards,
        booking_money_commands::send_card_request,
        booking_money_commands::charge_saved_cards,
        report_commands::report_preview,
        report_commands::report_charts,
        report_commands::export_report,
        desktop::open_external,
        desktop::save_backup,
    ])
}

pub fn run() {
    let builder = tauri::Builder::default()
        // First, so a second launch only brings the open window forward: one Paydesk per computer
        // user, so two windows never write the same books at once.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            desktop::focus_main(app)
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init());
    with_commands(builder)
        .setup(|app| {
            let dir = data_dir(app.handle())?;
            let paydesk = tauri::async_runtime::block_on(paydesk_core::Paydesk::open(&dir))?;
            // Polls Stripe for payments from start-up on (there is no webhook to wait for).
            let poller = sync_commands::start(app.handle(), &paydesk);
            app.manage(poller);
            app.manage(paydesk);
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("Paydesk failed to start");
}
