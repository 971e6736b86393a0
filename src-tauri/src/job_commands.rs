//! Jobs billed in payment requests (contractors). The core validates every field.

use paydesk_core::invoice::Invoice;
use paydesk_core::job::{Job, JobInput, PaymentRequestInput};
use paydesk_core::Paydesk;
use tauri::State;

use crate::error::CommandResult;

type App<'a> = State<'a, Paydesk>;

#[tauri::command]
pub async fn list_jobs(app: App<'_>) -> CommandResult<Vec<Job>> {
    Ok(app.jobs().await?)
}

#[tauri::command]
pub async fn get_job(app: App<'_>, id: i64) -> CommandResult<Job> {
    Ok(app.job(id).await?)
}

#[tauri::command]
pub async fn create_job(app: App<'_>, input: JobInput) -> CommandResult<Job> {
    Ok(app.create_job(&input).await?)
}

/// Adds a deposit, progress, final or custom request to the job as a draft invoice.
#[tauri::command]
pub async fn request_payment(
    app: App<'_>,
    job_id: i64,
    input: PaymentRequestInput,
) -> CommandResult<Invoice> {
    Ok(app.request_payment(job_id, &input).await?)
}
