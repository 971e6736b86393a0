use clap::Subcommand;

use super::{parse_date, parse_decimal, CmdResult};
use crate::output::{table, Out};
use chrono::Datelike;
use paydesk_core::payment::RefundInput;
use paydesk_core::Paydesk;

#[derive(Subcommand)]
pub enum PaymentCmd {
    /// List payments received from --from to --to (default: this month).
    List {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
    /// Give back all (default) or part of a payment.
    Refund {
        payment_id: i64,
        #[arg(long)]
        amount: Option<String>,
        #[arg(long, default_value = "")]
        reason: String,
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Write a payment's receipt as a PDF.
    Receipt {
        payment_id: i64,
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
}

pub async fn run(app: &Paydesk, cmd: PaymentCmd, out: &Out) -> CmdResult {
    match cmd {
        PaymentCmd::Receipt {
            payment_id,
            out: path,
        } => {
            let pdf = app.payment_receipt_pdf(payment_id).await?;
            super::invoice::write_new_file(&path, &pdf)?;
            out.emit(
                &serde_json::json!({ "path": path, "bytes": pdf.len() }),
                || format!("Wrote {} ({} bytes)", path.display(), pdf.len()),
            );
        }
        PaymentCmd::List { from, to } => {
            let today = app.today().await?;
            let from = match from {
                Some(f) => parse_date(&f)?,
                None => today.with_day(1).unwrap_or(today),
            };
            let to = match to {
                Some(t) => parse_date(&t)?,
                None => today,
            };
            let list = app.payments_between(from, to).await?;
            out.emit(&list, || {
                let rows = list
                    .iter()
                    .map(|p| {
                        vec![
                            p.id.to_string(),
                            p.received_on.to_string(),
                            p.invoice_id.to_string(),
                            p.method.as_str().into(),
                            p.amount.to_string(),
                            p.reference.clone(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(
                    &["ID", "DATE", "INVOICE", "METHOD", "AMOUNT", "REFERENCE"],
                    &rows,
                )
            });
        }
        PaymentCmd::Refund {
            payment_id,
            amount,
            reason,
            date,
        } => {
            let input = RefundInput {
                amount: amount.map(|a| parse_decimal("amount", &a)).transpose()?,
                reason,
                refunded_on: date.map(|d| parse_date(&d)).transpose()?,
            };
            let r = app.refund_payment(payment_id, &input).await?;
            out.emit(&r, || {
                format!("Refunded {} of payment {}", r.amount, r.payment_id)
            });
        }
    }
    Ok(())
}
