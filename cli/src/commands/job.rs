use clap::Subcommand;

use super::{parse_decimal, CliError, CmdResult};
use crate::output::{table, Out};
use paydesk_core::invoice::label;
use paydesk_core::job::{Job, JobInput, PaymentRequestInput, RequestKind};
use paydesk_core::Paydesk;

#[derive(Subcommand)]
pub enum JobCmd {
    /// Start a job with a contract total (net of tax).
    Create {
        #[arg(long)]
        client: i64,
        #[arg(long)]
        title: String,
        /// Net of tax, e.g. 12000.
        #[arg(long)]
        total: String,
        /// Tax rate in percent added to each request (default 0).
        #[arg(long, default_value = "0")]
        tax: String,
        /// Defaults to the business currency.
        #[arg(long)]
        currency: Option<String>,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// List jobs, newest first.
    List,
    /// Show a job with its payment requests.
    Show { id: i64 },
    /// Ask for part of the contract as a draft invoice: deposit, progress or custom take --amount
    /// or --percent; final asks for whatever is left.
    Request {
        id: i64,
        /// deposit, progress, final or custom.
        kind: String,
        #[arg(long, conflicts_with = "percent")]
        amount: Option<String>,
        #[arg(long)]
        percent: Option<String>,
    },
}

fn show(j: &Job) -> String {
    let rows = j
        .requests
        .iter()
        .map(|r| {
            vec![
                r.invoice_id.to_string(),
                r.invoice_number.clone().unwrap_or_else(|| "(draft)".into()),
                r.kind.as_str().into(),
                r.amount.to_string(),
                r.total.to_string(),
                r.status.as_str().into(),
            ]
        })
        .collect::<Vec<_>>();
    format!(
        "Job {}  {}  ({})\nContract  {} + {}% tax\nRequested {}\nRemaining {}\nPaid      {}\n\n{}",
        j.id,
        j.title,
        j.client_name,
        j.contract_total,
        j.tax_rate,
        j.requested,
        j.remaining,
        j.paid,
        if rows.is_empty() {
            "No payment requests yet.".to_string()
        } else {
            table(
                &["INVOICE", "NUMBER", "KIND", "NET", "TOTAL", "STATUS"],
                &rows,
            )
        }
    )
}

pub async fn run(app: &Paydesk, cmd: JobCmd, out: &Out) -> CmdResult {
    match cmd {
        JobCmd::Create {
            client,
            title,
            total,
            tax,
            currency,
            notes,
        } => {
            let job = app
                .create_job(&JobInput {
                    client_id: client,
                    title,
                    currency,
                    contract_total: parse_decimal("total", &total)?,
                    tax_rate: parse_decimal("tax", &tax)?,
                    notes,
                })
                .await?;
            out.emit(&job, || show(&job));
        }
        JobCmd::List => {
            let jobs = app.jobs().await?;
            out.emit(&jobs, || {
                if jobs.is_empty() {
                    return "No jobs yet. Start one with `paydesk job create`.".into();
                }
                let rows = jobs
                    .iter()
                    .map(|j| {
                        vec![
                            j.id.to_string(),
                            j.title.clone(),
                            j.client_name.clone(),
                            j.contract_total.to_string(),
                            j.remaining.to_string(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["ID", "TITLE", "CLIENT", "CONTRACT", "REMAINING"], &rows)
            });
        }
        JobCmd::Show { id } => {
            let job = app.job(id).await?;
            out.emit(&job, || show(&job));
        }
        JobCmd::Request {
            id,
            kind,
            amount,
            percent,
        } => {
            let kind = RequestKind::parse(&kind).ok_or_else(|| {
                CliError::usage(format!(
                    "unknown request \"{kind}\"; use deposit, progress, final or custom."
                ))
            })?;
            let input = PaymentRequestInput {
                kind,
                amount: amount.map(|a| parse_decimal("amount", &a)).transpose()?,
                percent: percent.map(|p| parse_decimal("percent", &p)).transpose()?,
            };
            let inv = app.request_payment(id, &input).await?;
            out.emit(&inv, || {
                format!(
                    "Created {} for {} (draft: finalize it to send)",
                    label(&inv),
                    inv.totals.total
                )
            });
        }
    }
    Ok(())
}
