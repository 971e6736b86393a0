//! Sending an invoice and its PDF: send (finalizing a draft), preview in the PDF viewer, save with
//! the native dialog, and the versions kept. The core does the work; the PDF bytes never cross into
//! the webview, which has no PDF viewer anyway (WebKitGTK) — the owner's own viewer opens them.

use paydesk_core::issued_pdf::IssuedPdf;
use paydesk_core::sending::{PreparedPdf, SendInvoiceInput, SendOutcome};
use paydesk_core::Paydesk;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::desktop::ask_save_path;
use crate::error::{CommandError, CommandResult};

type App<'a> = State<'a, Paydesk>;

fn io(what: &str) -> impl Fn(std::io::Error) -> CommandError + '_ {
    move |e| CommandError {
        code: "io",
        message: format!("{what}: {e}"),
        field: None,
    }
}

#[tauri::command]
pub async fn send_invoice(
    app: App<'_>,
    invoice_id: i64,
    input: SendInvoiceInput,
) -> CommandResult<SendOutcome> {
    Ok(app
        .send_invoice(&app.stripe(), &app.mail(), invoice_id, &input)
        .await?)
}

/// Every PDF version the invoice was issued as, newest first.
#[tauri::command]
pub async fn issued_pdfs(app: App<'_>, invoice_id: i64) -> CommandResult<Vec<IssuedPdf>> {
    Ok(app.issued_pdfs(invoice_id).await?)
}

/// Writes the invoice's current PDF to Paydesk's cache folder and opens it in the default PDF
/// viewer.
#[tauri::command]
pub async fn open_invoice_pdf<R: Runtime>(
    handle: AppHandle<R>,
    app: App<'_>,
    invoice_id: i64,
) -> CommandResult<PreparedPdf> {
    let prepared = app.prepare_pdf(&app.stripe(), invoice_id).await?;
    let dir = handle
        .path()
        .app_cache_dir()
        .map_err(|e| CommandError {
            code: "io",
            message: format!("Paydesk has no cache folder: {e}"),
            field: None,
        })?
        .join("pdf");
    std::fs::create_dir_all(&dir).map_err(io("The PDF couldn't be written"))?;
    let path = dir.join(&prepared.pdf.file_name);
    std::fs::write(&path, &prepared.pdf.bytes).map_err(io("The PDF couldn't be written"))?;
    handle
        .opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| CommandError {
            code: "io",
            message: format!("No PDF viewer could open it: {e}"),
            field: None,
        })?;
    Ok(prepared)
}

/// Asks where to save the invoice's PDF with the OS's save dialog. `None` when cancelled.
#[tauri::command]
pub async fn save_invoice_pdf<R: Runtime>(
    handle: AppHandle<R>,
    app: App<'_>,
    invoice_id: i64,
) -> CommandResult<Option<String>> {
    let prepared = app.prepare_pdf(&app.stripe(), invoice_id).await?;
    save_with_dialog(&handle, &prepared.pdf.file_name, &prepared.pdf.bytes).await
}

/// Asks where to save a payment's receipt. `None` when cancelled.
#[tauri::command]
pub async fn save_receipt_pdf<R: Runtime>(
    handle: AppHandle<R>,
    app: App<'_>,
    payment_id: i64,
) -> CommandResult<Option<String>> {
    let bytes = app.payment_receipt_pdf(payment_id).await?;
    save_with_dialog(&handle, &format!("Receipt-{payment_id}.pdf"), &bytes).await
}

async fn save_with_dialog<R: Runtime>(
    handle: &AppHandle<R>,
    name: &str,
    bytes: &[u8],
) -> CommandResult<Option<String>> {
    let Some(path) = ask_save_path(handle, "Save PDF", name, ("PDF", &["pdf"])).await? else {
        return Ok(None);
    };
    // Written beside the target and renamed, so a failed save never leaves half a file.
    let partial = path.with_extension("pdf.partial");
    std::fs::write(&partial, bytes).map_err(io("The PDF couldn't be saved there"))?;
    std::fs::rename(&partial, &path).map_err(io("The PDF couldn't be saved there"))?;
    Ok(Some(path.display().to_string()))
}
