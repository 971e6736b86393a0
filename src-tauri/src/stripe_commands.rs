//! Settings → Stripe: connect an account with a pasted key, see both modes, ask Stripe again,
//! disconnect. The key only passes through here on its way to the core, which checks it with Stripe
//! and keeps it in the computer's keychain: it is never logged, stored by the shell or sent back
//! (answers carry the key's last four characters at most, and errors never quote it).

use paydesk_core::stripe::{Connected, StripeConnection, StripeMode, StripeStatus};
use paydesk_core::Paydesk;
use tauri::State;

use crate::error::CommandResult;

type App<'a> = State<'a, Paydesk>;

/// Both modes as last seen; asks Stripe nothing.
#[tauri::command]
pub async fn stripe_status(app: App<'_>) -> CommandResult<StripeStatus> {
    Ok(app.stripe().status().await?)
}

/// Checks the pasted key with Stripe (account, and each permission of a restricted key) and keeps
/// it only when every check passed. `mode` is the mode the owner meant; `None` takes the key's own.
#[tauri::command]
pub async fn stripe_connect(
    app: App<'_>,
    key: String,
    mode: Option<StripeMode>,
) -> CommandResult<Connected> {
    Ok(app.stripe().connect(&key, mode).await?)
}

/// Asks Stripe again about the connected account of `mode` (payouts enabled yet? anything due?).
#[tauri::command]
pub async fn stripe_refresh(app: App<'_>, mode: StripeMode) -> CommandResult<StripeConnection> {
    Ok(app.stripe().refresh(mode).await?)
}

/// Removes the key of `mode` from the keychain and forgets its account; recorded payments stay.
/// False when that mode wasn't connected.
#[tauri::command]
pub async fn stripe_disconnect(app: App<'_>, mode: StripeMode) -> CommandResult<bool> {
    Ok(app.stripe().disconnect(mode).await?)
}

/// Switches the mode new Stripe work uses (`mode` must be connected); answers with the new status.
/// Nothing recorded in the other mode changes.
#[tauri::command]
pub async fn stripe_set_active_mode(app: App<'_>, mode: StripeMode) -> CommandResult<StripeStatus> {
    let stripe = app.stripe();
    stripe.set_active_mode(mode).await?;
    Ok(stripe.status().await?)
}
