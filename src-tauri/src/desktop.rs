//! Desktop conventions. The webview gets no plugin permissions at all: what it may ask for goes
//! through these commands, which check their input in Rust.

use std::path::PathBuf;

use paydesk_core::Paydesk;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::error::{CommandError, CommandResult};

/// Brings the main window forward (used when Paydesk is launched a second time).
pub fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Only https addresses leave the app, and only to the default browser. Plain http is allowed to
/// this computer alone: that is where a Stripe simulator serves its pay pages in development, and
/// nothing sent there crosses a network.
fn checked_https_url(url: &str) -> CommandResult<&str> {
    let url = url.trim();
    let host_of = |rest: &str| rest.split(['/', '?', '#']).next().unwrap_or("").to_string();
    let host = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => Some(host_of(rest)),
        (None, Some(rest)) => Some(host_of(rest)).filter(|h| {
            let name = h.rsplit_once(':').map_or(h.as_str(), |(name, _)| name);
            matches!(name, "127.0.0.1" | "localhost" | "[::1]")
        }),
        _ => None,
    };
    match host {
        Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) && !h.contains('@') => Ok(url),
        _ => Err(CommandError {
            code: "invalid",
            message: "Only secure web addresses (https://…) can be opened.".into(),
            field: Some("url".into()),
        }),
    }
}

#[tauri::command]
pub async fn open_external<R: Runtime>(app: AppHandle<R>, url: String) -> CommandResult<()> {
    let url = checked_https_url(&url)?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| CommandError {
            code: "io",
            message: format!("The browser couldn't be opened: {e}"),
            field: None,
        })
}

/// Asks where to save a file with the OS's own save dialog (which asks before replacing a file).
/// `None` when the owner cancelled.
pub async fn ask_save_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    file_name: &str,
    (label, extensions): (&str, &[&str]),
) -> CommandResult<Option<PathBuf>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(label, extensions)
        .save_file(move |picked| {
            let _ = tx.send(picked);
        });
    let Some(picked) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    picked.into_path().map(Some).map_err(|_| CommandError {
        code: "invalid",
        message: "Files can only be saved to a folder on this computer.".into(),
        field: None,
    })
}

/// Asks where to save a backup with the OS's own save dialog, then writes a consistent copy of
/// the books there. `None` when the owner cancelled.
#[tauri::command]
pub async fn save_backup<R: Runtime>(
    app: AppHandle<R>,
    paydesk: State<'_, Paydesk>,
) -> CommandResult<Option<String>> {
    let name = format!("paydesk-backup-{}.sqlite3", paydesk.today().await?);
    let Some(path) = ask_save_path(
        &app,
        "Save a backup of Paydesk",
        &name,
        ("Paydesk backup", &["sqlite3"]),
    )
    .await?
    else {
        return Ok(None);
    };
    // The dialog already asked before overwriting, so an existing file is replaced — atomically,
    // so a failed backup never destroys the previous one.
    let partial = path.with_extension("sqlite3.partial");
    let _ = std::fs::remove_file(&partial);
    paydesk.backup(&partial).await?;
    std::fs::rename(&partial, &path).map_err(|e| CommandError {
        code: "io",
        message: format!("The backup couldn't be saved there: {e}"),
        field: None,
    })?;
    Ok(Some(path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::checked_https_url;

    #[test]
    fn only_https_addresses_with_a_host_are_opened() {
        assert!(checked_https_url("https://dashboard.stripe.com/test/payments").is_ok());
        assert!(checked_https_url("http://127.0.0.1:12111/pay/plink_1").is_ok());
        assert!(checked_https_url("http://localhost:8080/pay").is_ok());
        for bad in [
            "http://example.com",
            "http://127.0.0.1.evil.example/",
            "http://localhost@evil.example/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://",
            "https://user@evil.example",
            "https://a b",
        ] {
            assert!(checked_https_url(bad).is_err(), "{bad}");
        }
    }
}
