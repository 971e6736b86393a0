//! `paydesk report payments|refunds|payouts|aging|revenue`: the bookkeeper's exports, streamed to
//! a file (`--out`) or to stdout. Dates are the business's calendar days, both included.

use chrono::{Datelike, NaiveDate};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

use paydesk_core::report::{ExportFormat, ExportSummary, ReportKind, ReportRequest};
use paydesk_core::Paydesk;

use super::CmdResult;
use crate::output::Out;

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    /// Payments received: gross, Stripe fee, other fees, net, refunded, status, Stripe ids.
    Payments,
    /// Refunds and disputes, with the fees Stripe charged or returned.
    Refunds,
    /// Payouts to the bank, each with the balance transactions it paid out.
    Payouts,
    /// What clients owed at the end date, by how late.
    Aging,
    /// Invoiced, tax and collected by month; invoiced by service and staff; deposits held.
    Revenue,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Every column (RFC 4180, UTF-8).
    Csv,
    /// A bank statement for QuickBooks Online (Date, Description, Amount).
    Quickbooks,
    /// A bank statement for Xero (*Date, *Amount, Payee, Description, Reference).
    Xero,
    /// An array of objects; amounts as exact decimal strings.
    Json,
}

#[derive(Args)]
pub struct ReportArgs {
    #[arg(value_enum)]
    kind: Kind,
    /// First day (YYYY-MM-DD). Default: the first day of --to's month.
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last day, included (YYYY-MM-DD); aging is as of this day. Default: today.
    #[arg(long)]
    to: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Write here instead of stdout (replaced only once the whole export is written).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Only this currency (bank statements default to the business currency).
    #[arg(long)]
    currency: Option<String>,
    /// Start the file with a byte-order mark, for Excel.
    #[arg(long)]
    bom: bool,
}

pub async fn run(app: &Paydesk, a: ReportArgs, out: &Out) -> CmdResult {
    let tz = app.business().await?.time_zone()?;
    let today = app.now().with_timezone(&tz).date_naive();
    let to = a.to.unwrap_or(today);
    let from = a.from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    let req = ReportRequest {
        kind: match a.kind {
            Kind::Payments => ReportKind::Payments,
            Kind::Refunds => ReportKind::Refunds,
            Kind::Payouts => ReportKind::Payouts,
            Kind::Aging => ReportKind::Aging,
            Kind::Revenue => ReportKind::Revenue,
        },
        from,
        to,
        currency: a.currency,
    };
    let format = match a.format {
        Format::Csv => ExportFormat::Csv,
        Format::Quickbooks => ExportFormat::Quickbooks,
        Format::Xero => ExportFormat::Xero,
        Format::Json => ExportFormat::Json,
    };
    let Some(path) = a.out else {
        let stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
        app.export_report(&req, format, a.bom, stdout, &mut |_| {})
            .await?;
        return Ok(());
    };
    let summary = app
        .export_report_to_file(&req, format, a.bom, &path, &mut |_| {})
        .await?;
    out.emit(&summary, || describe(&summary, &path));
    Ok(())
}

fn describe(s: &ExportSummary, path: &std::path::Path) -> String {
    let mut lines = vec![format!(
        "{} rows ({} bytes) written to {}",
        s.rows,
        s.bytes,
        path.display()
    )];
    lines.extend(s.totals.iter().map(|t| {
        format!(
            "  {}: {} {}",
            t.label,
            t.amount.amount(),
            t.amount.currency()
        )
    }));
    lines.join("\n")
}
