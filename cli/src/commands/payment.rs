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
    /// Payments received through Stripe that aren't on an invoice yet.
    Unmatched,
    /// Put an unmatched Stripe payment (its ID from `payment unmatched`) on an invoice.
    Assign {
        stripe_payment_id: i64,
        #[arg(long)]
        invoice: i64,
    },
    /// The Stripe side of an invoice's payments: attempts, fees, net, card.
    Stripe { invoice_id: i64 },
    /// Write a payment's receipt as a PDF.
    Receipt {
        payment_id: i64,
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
}

fn stripe_rows(list: &[paydesk_core::ledger::views::StripePayment]) -> String {
    let rows = list
        .iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                p.created.format("%Y-%m-%d").to_string(),
                p.status.clone(),
                p.amount.to_string(),
                p.fee.map(|f| f.to_string()).unwrap_or_default(),
                p.net.map(|n| n.to_string()).unwrap_or_default(),
                p.client_name.clone(),
                p.failure_message
                    .clone()
                    .or(p.unmatched_reason.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect::<Vec<_>>();
    table(
        &[
            "ID", "DATE", "STATUS", "AMOUNT", "FEE", "NET", "CLIENT", "NOTE",
        ],
        &rows,
    )
}

pub async fn run(app: &Paydesk, cmd: PaymentCmd, out: &Out) -> CmdResult {
    match cmd {
        PaymentCmd::Unmatched => {
            let list = app.unmatched_stripe_payments().await?;
            out.emit(&list, || stripe_rows(&list));
        }
        PaymentCmd::Assign {
            stripe_payment_id,
            invoice,
        } => {
            let p = app
                .assign_stripe_payment(stripe_payment_id, invoice)
                .await?;
            out.emit(&p, || {
                format!("Stripe payment {} is now on invoice {invoice}", p.id)
            });
        }
        PaymentCmd::Stripe { invoice_id } => {
            let list = app.stripe_payments_for_invoice(invoice_id).await?;
            out.emit(&list, || stripe_rows(&list));
        }
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
            // Through Stripe when the payment came through Stripe; otherwise a manual refund.
            let r = app.stripe().refund(payment_id, &input).await?;
            out.emit(&r, || {
                format!("Refunded {} of payment {}", r.amount, r.payment_id)
            });
        }
    }
    Ok(())
}
