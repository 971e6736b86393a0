//! Where report rows go: a CSV file, a JSON array, a bank-statement CSV for QuickBooks or Xero,
//! or the first rows for the screen's preview. Rows are written as they come, so an export of a
//! million rows holds one row in memory at a time.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::cell::{Cell, Column, Minor};
use super::csv::CsvWriter;
use crate::money::{Currency, Money};

/// One line of a bank statement: money into (+) or out of (−) the account the export describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub date: NaiveDate,
    pub amount: Minor,
    pub payee: String,
    pub description: String,
    pub reference: String,
}

/// A row of a report: its cells in the report's column order, its bank-statement lines, and what
/// it adds to the per-currency totals.
pub trait Record {
    fn with_cells(&self, f: &mut dyn FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()>;
    fn statement(&self, out: &mut Vec<StatementLine>);
    fn add_to(&self, totals: &mut Totals);
}

/// Sums per (label, currency) — never across currencies.
#[derive(Debug, Default)]
pub struct Totals(BTreeMap<(&'static str, &'static str), (i64, Currency)>);

impl Totals {
    pub fn add(&mut self, label: &'static str, currency: Currency, minor: i64) {
        let e = self
            .0
            .entry((currency.code(), label))
            .or_insert((0, currency));
        e.0 += minor;
    }

    pub fn into_vec(self, order: &[&str]) -> Vec<ReportTotal> {
        let mut v: Vec<ReportTotal> = self
            .0
            .into_iter()
            .map(|((_, label), (minor, currency))| ReportTotal {
                label: label.to_string(),
                amount: Money::from_minor(minor, currency),
            })
            .collect();
        let rank = |l: &str| order.iter().position(|o| *o == l).unwrap_or(order.len());
        v.sort_by(|a, b| {
            (a.amount.currency().code(), rank(&a.label))
                .cmp(&(b.amount.currency().code(), rank(&b.label)))
        });
        v
    }
}

/// A total of one column in one currency ("Gross", EUR 1,234.00).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportTotal {
    pub label: String,
    pub amount: Money,
}

/// The two bank-statement layouts, as the tools document their CSV import (see README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statement {
    /// QuickBooks Online's 3-column bank upload: Date, Description, Amount.
    QuickBooks,
    /// Xero's statement import template: *Date, *Amount, Payee, Description, Reference.
    Xero,
}

pub enum Sink<W: Write> {
    Csv(CsvWriter<W>),
    Json {
        out: W,
        columns: &'static [Column],
        first: bool,
    },
    Statement {
        csv: CsvWriter<W>,
        layout: Statement,
        us_dates: bool,
        lines: Vec<StatementLine>,
    },
    Preview {
        limit: usize,
        rows: Vec<Vec<String>>,
    },
}

impl<W: Write> Sink<W> {
    pub fn begin(&mut self, columns: &'static [Column]) -> io::Result<()> {
        match self {
            Sink::Csv(csv) => {
                let titles: Vec<&str> = columns.iter().map(|c| c.title).collect();
                csv.header(&titles)
            }
            Sink::Json { out, .. } => out.write_all(b"["),
            Sink::Statement { csv, layout, .. } => csv.header(match layout {
                Statement::QuickBooks => &["Date", "Description", "Amount"],
                Statement::Xero => &["*Date", "*Amount", "Payee", "Description", "Reference"],
            }),
            Sink::Preview { .. } => Ok(()),
        }
    }

    pub fn record(&mut self, r: &dyn Record) -> io::Result<()> {
        match self {
            Sink::Csv(csv) => r.with_cells(&mut |cells| csv.row(cells)),
            Sink::Json {
                out,
                columns,
                first,
            } => {
                let cols = *columns;
                let was_first = std::mem::replace(first, false);
                r.with_cells(&mut |cells| write_json_row(out, cols, cells, was_first))
            }
            Sink::Statement {
                csv,
                layout,
                us_dates,
                lines,
            } => {
                lines.clear();
                r.statement(lines);
                for l in lines.iter() {
                    write_statement_line(csv, *layout, *us_dates, l)?;
                }
                Ok(())
            }
            Sink::Preview { limit, rows } => {
                if rows.len() < *limit {
                    r.with_cells(&mut |cells| {
                        rows.push(cells.iter().map(cell_text).collect());
                        Ok(())
                    })?;
                }
                Ok(())
            }
        }
    }

    /// The preview's rows (empty for the other sinks).
    pub fn into_rows(self) -> Vec<Vec<String>> {
        match self {
            Sink::Preview { rows, .. } => rows,
            _ => Vec::new(),
        }
    }
}

/// How a cell reads on screen: what a CSV reader would get, without the formula guard.
pub fn cell_text(cell: &Cell) -> String {
    match *cell {
        Cell::Text(t) => t.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Amount(m) => m.to_string(),
        Cell::Int(n) => n.to_string(),
        Cell::Empty => String::new(),
    }
}

/// One object per row; amounts are strings so they stay exact ("12.50", never 12.5).
fn write_json_row<W: Write>(
    out: &mut W,
    columns: &[Column],
    cells: &[Cell],
    first: bool,
) -> io::Result<()> {
    out.write_all(if first { b"\n{" } else { b",\n{" })?;
    for (i, (col, cell)) in columns.iter().zip(cells).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, col.key)?;
        out.write_all(b":")?;
        match *cell {
            Cell::Text(t) => serde_json::to_writer(&mut *out, t)?,
            Cell::Int(n) => write!(out, "{n}")?,
            Cell::Empty => out.write_all(b"null")?,
            Cell::Date(_) | Cell::Amount(_) => write!(out, "\"{}\"", cell_text(cell))?,
        }
    }
    out.write_all(b"}")
}

fn write_statement_line<W: Write>(
    csv: &mut CsvWriter<W>,
    layout: Statement,
    us_dates: bool,
    l: &StatementLine,
) -> io::Result<()> {
    let date = if us_dates {
        l.date.format("%m/%d/%Y").to_string()
    } else {
        l.date.format("%d/%m/%Y").to_string()
    };
    match layout {
        Statement::QuickBooks => {
            let description = if l.reference.is_empty() {
                format!("{}: {}", l.payee, l.description)
            } else {
                format!("{}: {} ({})", l.payee, l.description, l.reference)
            };
            csv.row(&[
                Cell::Text(&date),
                Cell::Text(&description),
                Cell::Amount(l.amount),
            ])
        }
        Statement::Xero => csv.row(&[
            Cell::Text(&date),
            Cell::Amount(l.amount),
            Cell::Text(&l.payee),
            Cell::Text(&l.description),
            Cell::Text(&l.reference),
        ]),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ExportFormat {
    /// Every column of the report, RFC 4180.
    Csv,
    /// A bank statement QuickBooks Online imports (3 columns).
    Quickbooks,
    /// A bank statement Xero imports (its CSV template).
    Xero,
    /// An array of objects, one per row.
    Json,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s {
            "csv" => Some(ExportFormat::Csv),
            "quickbooks" => Some(ExportFormat::Quickbooks),
            "xero" => Some(ExportFormat::Xero),
            "json" => Some(ExportFormat::Json),
            _ => None,
        }
    }

    pub fn statement(self) -> Option<Statement> {
        match self {
            ExportFormat::Quickbooks => Some(Statement::QuickBooks),
            ExportFormat::Xero => Some(Statement::Xero),
            _ => None,
        }
    }
}
