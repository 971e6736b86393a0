//! Settings → Email and an invoice's sent log. The password only passes through here on its way to
//! the keychain; answers never carry it back.

use paydesk_core::mail::{EmailSettings, InvoiceEmailDraft, OAuthSignIn, SentEmail, SmtpInput};
use paydesk_core::secret::Secret;
use paydesk_core::Paydesk;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::CommandResult;

type App<'a> = State<'a, Paydesk>;

#[tauri::command]
pub async fn email_settings(app: App<'_>) -> CommandResult<Option<EmailSettings>> {
    Ok(app.mail().email_settings().await?)
}

/// Saves the SMTP settings; `password` (when given) goes to the keychain, and `None` keeps the one
/// already stored.
#[tauri::command]
pub async fn configure_smtp(
    app: App<'_>,
    input: SmtpInput,
    password: Option<String>,
) -> CommandResult<EmailSettings> {
    let password = password.filter(|p| !p.is_empty()).map(Secret::new);
    Ok(app.mail().configure_smtp(&input, password).await?)
}

/// "Sign in with Google/Microsoft": opens the provider's page in the default browser and waits for
/// the owner to finish there.
#[tauri::command]
pub async fn sign_in_email<R: Runtime>(
    handle: AppHandle<R>,
    app: App<'_>,
    input: OAuthSignIn,
) -> CommandResult<EmailSettings> {
    let open = |url: &str| {
        handle
            .opener()
            .open_url(url, None::<&str>)
            .map_err(|e| e.to_string())
    };
    Ok(app.mail().sign_in_with_oauth(&input, open).await?)
}

#[tauri::command]
pub async fn disconnect_email(app: App<'_>) -> CommandResult<bool> {
    Ok(app.mail().disconnect().await?)
}

/// Sends a test message; answers with its Message-ID.
#[tauri::command]
pub async fn send_test_email(app: App<'_>, to: String) -> CommandResult<String> {
    Ok(app.mail().send_test(&to).await?)
}

/// What the send form starts with: the client's address, the subject, a short message.
#[tauri::command]
pub async fn invoice_email_draft(
    app: App<'_>,
    invoice_id: i64,
) -> CommandResult<InvoiceEmailDraft> {
    Ok(app.mail().invoice_email_draft(invoice_id).await?)
}

/// Every email sent (or tried) for the invoice, newest first.
#[tauri::command]
pub async fn invoice_emails(app: App<'_>, invoice_id: i64) -> CommandResult<Vec<SentEmail>> {
    Ok(app.mail().sent_emails(invoice_id).await?)
}
