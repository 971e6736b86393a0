//! The bookkeeper's reports: payments, refunds and disputes, payouts with the balance
//! transactions that make them up, receivables aging and revenue — for a date range in the
//! business's time zone, one currency at a time (amounts are never added across currencies).
//!
//! Every report streams its rows into an [`output::Sink`]: CSV, JSON, a QuickBooks or Xero bank
//! statement, or the screen's preview. See README "Reports" for the columns and formats.

pub mod aging;
pub mod cell;
pub mod csv;
pub mod output;
pub mod payments;
pub mod payouts;
pub mod refunds;
pub mod revenue;

use std::io::Write;
use std::path::Path;

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::money::Currency;
use crate::Paydesk;
use cell::Column;
use output::{Record, Sink, Totals};

pub use output::{ExportFormat, ReportTotal};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReportKind {
    Payments,
    Refunds,
    Payouts,
    Aging,
    Revenue,
}

impl ReportKind {
    pub fn parse(s: &str) -> Option<ReportKind> {
        match s {
            "payments" => Some(ReportKind::Payments),
            "refunds" => Some(ReportKind::Refunds),
            "payouts" => Some(ReportKind::Payouts),
            "aging" => Some(ReportKind::Aging),
            "revenue" => Some(ReportKind::Revenue),
            _ => None,
        }
    }

    fn columns(self) -> &'static [Column] {
        match self {
            ReportKind::Payments => payments::COLUMNS,
            ReportKind::Refunds => refunds::COLUMNS,
            ReportKind::Payouts => payouts::COLUMNS,
            ReportKind::Aging => aging::COLUMNS,
            ReportKind::Revenue => revenue::COLUMNS,
        }
    }

    fn totals_order(self) -> &'static [&'static str] {
        match self {
            ReportKind::Payments => payments::TOTALS,
            ReportKind::Refunds => refunds::TOTALS,
            ReportKind::Payouts => payouts::TOTALS,
            ReportKind::Aging => aging::TOTALS,
            ReportKind::Revenue => revenue::TOTALS,
        }
    }

    fn has_statement(self) -> bool {
        matches!(
            self,
            ReportKind::Payments | ReportKind::Refunds | ReportKind::Payouts
        )
    }
}

/// Which report, for which days (both included, in the business's time zone). Aging is "as of"
/// the last day. `currency` keeps one currency only; bank statements need one, and default to the
/// business currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportRequest {
    pub kind: ReportKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default)]
    pub currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportPreview {
    /// Column titles, in order.
    pub columns: Vec<String>,
    /// The first rows as they read (amounts as exact decimal strings).
    pub rows: Vec<Vec<String>>,
    /// How many rows the whole report has.
    pub row_count: u64,
    /// Sums per currency of the report's money columns.
    pub totals: Vec<ReportTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportSummary {
    pub rows: u64,
    pub bytes: u64,
    pub totals: Vec<ReportTotal>,
    /// Where the file went (exports to a file only).
    pub path: Option<String>,
}

/// What the Reports screen draws: money per month and what is owed, by age, per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportCharts {
    /// One row per month of the range and currency, oldest first.
    pub months: Vec<revenue::RevenueRow>,
    /// Owed at the end of the range, one total per age bucket and currency.
    pub outstanding: Vec<ReportTotal>,
}

/// The range a report covers, resolved against the business's time zone.
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tz: Tz,
    /// Unix seconds of the first instant of `from` and of the day after `to`.
    pub start: i64,
    pub end: i64,
    /// The same days counted in UTC, for dates Stripe gives as midnight UTC (payout arrivals).
    pub utc_start: i64,
    pub utc_end: i64,
    pub currency: Option<Currency>,
}

impl Period {
    fn new(from: NaiveDate, to: NaiveDate, tz: Tz, currency: Option<Currency>) -> Result<Period> {
        if to < from {
            return Err(Error::invalid(
                "to",
                "The end date is before the start date.",
            ));
        }
        let start = start_of(from, tz);
        let after = to.succ_opt().unwrap_or(to);
        let end = start_of(after, tz);
        Ok(Period {
            from,
            to,
            tz,
            start,
            end,
            utc_start: start_of(from, Tz::UTC),
            utc_end: start_of(after, Tz::UTC),
            currency,
        })
    }

    /// The business's calendar date of a Stripe timestamp.
    pub fn date_of(&self, unix: i64) -> NaiveDate {
        chrono::DateTime::from_timestamp(unix, 0)
            .unwrap_or_default()
            .with_timezone(&self.tz)
            .date_naive()
    }

    fn currency_code(&self) -> Option<&'static str> {
        self.currency.map(|c| c.code())
    }
}

/// The first instant of a local day (the earliest, if a clock change repeats midnight; the first
/// one after, if it skips it).
fn start_of(day: NaiveDate, tz: Tz) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.timestamp(),
        chrono::LocalResult::None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.timestamp())
            .unwrap_or_else(|| midnight.and_utc().timestamp()),
    }
}

/// What each report function hands its rows to.
pub type Emit<'a> = dyn FnMut(&dyn Record) -> Result<()> + Send + 'a;

async fn run_report(
    kind: ReportKind,
    conn: &mut SqliteConnection,
    p: &Period,
    emit: &mut Emit<'_>,
) -> Result<()> {
    match kind {
        ReportKind::Payments => payments::rows(conn, p, emit).await,
        ReportKind::Refunds => refunds::rows(conn, p, emit).await,
        ReportKind::Payouts => payouts::rows(conn, p, emit).await,
        ReportKind::Aging => aging::rows(conn, p, emit).await,
        ReportKind::Revenue => revenue::rows(conn, p, emit).await,
    }
}

fn io_error(e: std::io::Error) -> Error {
    Error::io("Paydesk couldn't write the export", e)
}

/// Rows between progress reports while exporting.
pub const PROGRESS_EVERY: u64 = 10_000;

impl Paydesk {
    async fn period(&self, req: &ReportRequest, statement: bool) -> Result<Period> {
        let business = self.business().await?;
        let currency = match req.currency.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => Some(Currency::parse(&code.to_uppercase())?),
            _ if statement => Some(business.currency),
            _ => None,
        };
        Period::new(req.from, req.to, business.time_zone()?, currency)
    }

    /// The first `limit` rows of a report, its row count and its totals, for the screen.
    pub async fn report_preview(&self, req: &ReportRequest, limit: usize) -> Result<ReportPreview> {
        let p = self.period(req, false).await?;
        let mut sink: Sink<std::io::Sink> = Sink::Preview {
            limit,
            rows: Vec::new(),
        };
        let (rows, totals) = self.stream(req.kind, &p, &mut sink, &mut |_| {}).await?;
        let preview = sink.into_rows();
        Ok(ReportPreview {
            columns: req
                .kind
                .columns()
                .iter()
                .map(|c| c.title.to_string())
                .collect(),
            rows: preview,
            row_count: rows,
            totals,
        })
    }

    pub async fn report_charts(&self, from: NaiveDate, to: NaiveDate) -> Result<ReportCharts> {
        let req = ReportRequest {
            kind: ReportKind::Revenue,
            from,
            to,
            currency: None,
        };
        let p = self.period(&req, false).await?;
        let mut tx = self.db.pool().begin().await?;
        let months = revenue::by_month(&mut tx, &p).await?;
        let mut totals = Totals::default();
        for row in aging::as_of(&mut tx, p.to, None).await? {
            row.add_to(&mut totals);
        }
        tx.rollback().await?;
        Ok(ReportCharts {
            months,
            outstanding: totals.into_vec(aging::TOTALS),
        })
    }

    /// Writes a whole report to `out`, row by row. `progress` hears the rows written so far every
    /// [`PROGRESS_EVERY`] rows.
    pub async fn export_report<W: Write + Send>(
        &self,
        req: &ReportRequest,
        format: ExportFormat,
        bom: bool,
        out: W,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ExportSummary> {
        let statement = format.statement();
        if statement.is_some() && !req.kind.has_statement() {
            return Err(Error::invalid(
                "format",
                "Only payments, refunds and payouts can be exported as a bank statement; export \
                 this report as CSV or JSON.",
            ));
        }
        let p = self.period(req, statement.is_some()).await?;
        let business = self.business().await?;
        let counted = CountingWriter {
            inner: out,
            bytes: 0,
        };
        let mut sink = match (format, statement) {
            (_, Some(layout)) => Sink::Statement {
                csv: csv::CsvWriter::new(counted, bom).map_err(io_error)?,
                layout,
                us_dates: business.locale.ends_with("-US"),
                lines: Vec::new(),
            },
            (ExportFormat::Json, None) => Sink::Json {
                out: counted,
                columns: req.kind.columns(),
                first: true,
            },
            _ => Sink::Csv(csv::CsvWriter::new(counted, bom).map_err(io_error)?),
        };
        let (rows, totals) = self.stream(req.kind, &p, &mut sink, progress).await?;
        let bytes = match sink {
            Sink::Csv(w) | Sink::Statement { csv: w, .. } => finish_counted(w.into_inner())?,
            Sink::Json { mut out, .. } => {
                out.write_all(b"\n]\n").map_err(io_error)?;
                finish_counted(out)?
            }
            Sink::Preview { .. } => 0,
        };
        Ok(ExportSummary {
            rows,
            bytes,
            totals,
            path: None,
        })
    }

    /// Exports to a file: written beside it under a temporary name, then renamed, so a failed or
    /// cancelled export never leaves half a file where the bookkeeper expects a whole one.
    pub async fn export_report_to_file(
        &self,
        req: &ReportRequest,
        format: ExportFormat,
        bom: bool,
        path: &Path,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ExportSummary> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "report".into());
        let tmp = dir.join(format!(".{name}.part"));
        let file = std::fs::File::create(&tmp)
            .map_err(|e| Error::io(format!("Paydesk couldn't write {}", path.display()), e))?;
        let result = self
            .export_report(
                req,
                format,
                bom,
                std::io::BufWriter::with_capacity(1 << 16, file),
                progress,
            )
            .await;
        match result {
            Ok(summary) => {
                std::fs::rename(&tmp, path).map_err(|e| {
                    Error::io(format!("Paydesk couldn't write {}", path.display()), e)
                })?;
                Ok(ExportSummary {
                    path: Some(path.display().to_string()),
                    ..summary
                })
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    async fn stream<W: Write + Send>(
        &self,
        kind: ReportKind,
        p: &Period,
        sink: &mut Sink<W>,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<(u64, Vec<ReportTotal>)> {
        sink.begin(kind.columns()).map_err(io_error)?;
        let mut totals = Totals::default();
        let mut rows = 0u64;
        // One read transaction: every query of the report sees the same moment.
        let mut tx = self.db.pool().begin().await?;
        {
            let mut emit = |r: &dyn Record| -> Result<()> {
                sink.record(r).map_err(io_error)?;
                r.add_to(&mut totals);
                rows += 1;
                if rows.is_multiple_of(PROGRESS_EVERY) {
                    progress(rows);
                }
                Ok(())
            };
            run_report(kind, &mut tx, p, &mut emit).await?;
        }
        tx.rollback().await?;
        progress(rows);
        Ok((rows, totals.into_vec(kind.totals_order())))
    }
}

struct CountingWriter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn finish_counted<W: Write>(mut w: CountingWriter<W>) -> Result<u64> {
    w.flush().map_err(io_error)?;
    Ok(w.bytes)
}
