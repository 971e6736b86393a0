//! The Reports screen: a preview with totals, charts, and Export through the OS's own save
//! dialog with progress events. The rows and formats are paydesk-core's (core/src/report).

use chrono::NaiveDate;
use paydesk_core::report::{
    ExportFormat, ExportSummary, ReportCharts, ReportPreview, ReportRequest,
};
use paydesk_core::Paydesk;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::desktop::ask_save_path;
use crate::error::CommandResult;

/// Rows the screen shows; the export has them all.
const PREVIEW_ROWS: usize = 200;

#[tauri::command]
pub async fn report_preview(
    paydesk: State<'_, Paydesk>,
    request: ReportRequest,
) -> CommandResult<ReportPreview> {
    Ok(paydesk.report_preview(&request, PREVIEW_ROWS).await?)
}

#[tauri::command]
pub async fn report_charts(
    paydesk: State<'_, Paydesk>,
    from: NaiveDate,
    to: NaiveDate,
) -> CommandResult<ReportCharts> {
    Ok(paydesk.report_charts(from, to).await?)
}

/// `report-export-progress`: rows written so far, of `expected` (the preview's row count).
#[derive(Clone, Serialize)]
struct Progress {
    rows: u64,
    expected: u64,
}

fn file_name(request: &ReportRequest, format: ExportFormat) -> String {
    let kind = serde_json::to_value(request.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "report".into());
    let (suffix, ext) = match format {
        ExportFormat::Csv => ("", "csv"),
        ExportFormat::Quickbooks => ("-quickbooks", "csv"),
        ExportFormat::Xero => ("-xero", "csv"),
        ExportFormat::Json => ("", "json"),
    };
    format!(
        "paydesk-{kind}-{}-to-{}{suffix}.{ext}",
        request.from, request.to
    )
}

/// Asks where to save with the OS's save dialog, then streams the whole report there. `None` when
/// the owner cancelled.
#[tauri::command]
pub async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    paydesk: State<'_, Paydesk>,
    request: ReportRequest,
    format: ExportFormat,
    bom: bool,
    expected_rows: u64,
) -> CommandResult<Option<ExportSummary>> {
    let (label, ext) = if format == ExportFormat::Json {
        ("JSON", "json")
    } else {
        ("CSV", "csv")
    };
    let name = file_name(&request, format);
    let Some(path) = ask_save_path(&app, "Export report", &name, (label, &[ext])).await? else {
        return Ok(None);
    };
    let emitter = app.clone();
    let mut progress = move |rows: u64| {
        let _ = emitter.emit(
            "report-export-progress",
            Progress {
                rows,
                expected: expected_rows,
            },
        );
    };
    let summary = paydesk
        .export_report_to_file(&request, format, bom, &path, &mut progress)
        .await?;
    Ok(Some(summary))
}
