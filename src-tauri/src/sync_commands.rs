//! Getting paid without webhooks, in the desktop app: the core's sync task runs in the background
//! from start-up; these commands show what it found, run a pass on "Sync now", and tell it when a
//! payment may be imminent so it polls every few seconds for a while.

use paydesk_core::activity::Activity;
use paydesk_core::ledger::views::{SavedCard, StripePayment};
use paydesk_core::sync::schedule::Pace;
use paydesk_core::sync::task::SyncTask;
use paydesk_core::sync::{PassOptions, PassReport, SyncStatus};
use paydesk_core::Paydesk;
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_notification::NotificationExt;

use crate::error::CommandResult;

type App<'a> = State<'a, Paydesk>;

/// The background task, for nudges. Absent when `PAYDESK_SYNC=off` (some tests) or in the mock
/// runtime.
pub struct Poller(pub Option<SyncTask>);

/// Starts the background task. Each pass's reports go to the window as `sync-report`, and new
/// activity becomes OS notifications, each shown once.
pub fn start<R: Runtime>(app: &AppHandle<R>, paydesk: &Paydesk) -> Poller {
    if std::env::var("PAYDESK_SYNC").as_deref() == Ok("off") {
        return Poller(None);
    }
    let handle = app.clone();
    let notify_app = paydesk.clone();
    let sync = paydesk.stripe().sync();
    let task = tauri::async_runtime::block_on(async move {
        SyncTask::spawn_for(sync, Pace::default(), move |reports: &[PassReport]| {
            let _ = handle.emit("sync-report", reports.to_vec());
            if reports.iter().any(|r| !r.news.is_empty()) {
                let handle = handle.clone();
                let app = notify_app.clone();
                tauri::async_runtime::spawn(async move { notify(&handle, &app).await });
            }
        })
    });
    Poller(Some(task))
}

async fn notify<R: Runtime>(handle: &AppHandle<R>, app: &Paydesk) {
    let Ok(items) = app.take_unnotified_activity().await else {
        return;
    };
    for item in items.iter().filter(|a| a.kind.notifies()) {
        let _ = handle
            .notification()
            .builder()
            .title("Paydesk")
            .body(&item.message)
            .show();
    }
}

/// "Sync now": one pass over every connected mode (open links checked directly too), at once.
#[tauri::command]
pub async fn sync_now(app: App<'_>) -> CommandResult<Vec<PassReport>> {
    Ok(app
        .stripe()
        .sync()
        .pass(PassOptions {
            sweep: true,
            ..PassOptions::default()
        })
        .await?)
}

/// A payment may be imminent (a link sent, copied or opened; an open invoice on screen): poll
/// every few seconds for the next ten minutes.
#[tauri::command]
pub fn expect_payment(poller: State<'_, Poller>) {
    if let Some(task) = &poller.0 {
        task.hot();
    }
}

/// How the poller is doing per connected mode (last pass, problem, reads today, catching up).
#[tauri::command]
pub async fn sync_status(app: App<'_>) -> CommandResult<Vec<SyncStatus>> {
    Ok(app.stripe().sync().status().await?)
}

#[tauri::command]
pub async fn activity_feed(app: App<'_>, limit: u32) -> CommandResult<Vec<Activity>> {
    Ok(app.activity(limit).await?)
}

#[tauri::command]
pub async fn mark_activity_seen(app: App<'_>) -> CommandResult<()> {
    Ok(app.mark_activity_seen().await?)
}

/// The Stripe side of an invoice's payments: attempts, fee, net, card, failures.
#[tauri::command]
pub async fn invoice_stripe_payments(
    app: App<'_>,
    invoice_id: i64,
) -> CommandResult<Vec<StripePayment>> {
    Ok(app.stripe_payments_for_invoice(invoice_id).await?)
}

#[tauri::command]
pub async fn unmatched_payments(app: App<'_>) -> CommandResult<Vec<StripePayment>> {
    Ok(app.unmatched_stripe_payments().await?)
}

#[tauri::command]
pub async fn assign_stripe_payment(
    app: App<'_>,
    stripe_payment_id: i64,
    invoice_id: i64,
) -> CommandResult<StripePayment> {
    Ok(app
        .assign_stripe_payment(stripe_payment_id, invoice_id)
        .await?)
}

#[tauri::command]
pub async fn saved_cards(app: App<'_>, client_id: i64) -> CommandResult<Vec<SavedCard>> {
    Ok(app.saved_cards(client_id).await?)
}
