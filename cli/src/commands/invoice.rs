use clap::{Args, Subcommand};
use std::path::PathBuf;

use super::{parse_date, parse_decimal, read_json, CliError, CmdResult};
use crate::output::{table, Out};
use paydesk_core::invoice::{label, Invoice, InvoiceInput, InvoiceQuery, InvoiceStatus, LineInput};
use paydesk_core::paylink::PayLink;
use paydesk_core::payment::{PaymentInput, PaymentMethod};
use paydesk_core::sending::SendInvoiceInput;
use paydesk_core::Paydesk;
use serde::Serialize;

/// Writes `bytes` to a file that must not exist yet, so a typo can't overwrite something else.
pub fn write_new_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let io = |source| {
        CliError::from(paydesk_core::Error::Io {
            context: format!("Couldn't write {}", path.display()),
            source,
        })
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io)?;
    file.write_all(bytes).map_err(io)
}

#[derive(Args)]
pub struct InvoiceFields {
    /// A JSON invoice document (see README), or - for stdin. Flags given as well override it.
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    #[arg(long)]
    client: Option<i64>,
    #[arg(long)]
    currency: Option<String>,
    /// YYYY-MM-DD (default: today).
    #[arg(long)]
    issue_date: Option<String>,
    /// YYYY-MM-DD (default: issue date plus the payment terms).
    #[arg(long)]
    due_date: Option<String>,
    /// "DESCRIPTION|QUANTITY|UNIT PRICE[|TAX %[|DISCOUNT %]]"; repeat for each line. Replaces all lines.
    #[arg(long = "line", value_name = "LINE")]
    lines: Vec<String>,
    #[arg(long)]
    notes: Option<String>,
    #[arg(long)]
    terms: Option<String>,
}

#[derive(Subcommand)]
pub enum InvoiceCmd {
    /// Create a draft invoice, from flags or a JSON document (--input FILE, or - for stdin).
    Create(InvoiceFields),
    /// List invoices, newest first.
    List {
        /// Matches the invoice number or the client's name.
        #[arg(long, default_value = "")]
        search: String,
        /// Only these statuses (draft, open, partially_paid, paid, partially_refunded, refunded, void, uncollectible).
        #[arg(long = "status")]
        statuses: Vec<String>,
        #[arg(long)]
        client: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Show an invoice with its lines, totals and payments.
    Show { id: i64 },
    /// Change a draft. Flags replace what they name; --line replaces all lines.
    Edit {
        id: i64,
        #[command(flatten)]
        fields: InvoiceFields,
    },
    /// Number the invoice and make it payable. Its lines can't change after this.
    Finalize { id: i64 },
    /// Cancel a finalized invoice (its number stays used).
    Void { id: i64 },
    /// Write off what is still owed.
    Uncollectible { id: i64 },
    /// Delete a draft.
    Delete { id: i64 },
    /// Write the invoice's PDF (with its pay link and QR code) to a file. A sent invoice's PDF is
    /// kept as a version; a draft's is a preview.
    Pdf {
        id: i64,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Email the invoice with its PDF and pay link (a draft is finalized first). Resending is the
    /// same command.
    Send {
        id: i64,
        /// Default: the client's saved address.
        #[arg(long)]
        to: Option<String>,
        /// Default: a short greeting.
        #[arg(long)]
        message: Option<String>,
    },
    /// The emails sent (or tried) for the invoice, newest first.
    Emails { id: i64 },
    /// Show the invoice's pay link, making one if it should have one (also on a draft).
    /// With --all: finish every pay link an earlier failure left undone.
    Link {
        #[arg(required_unless_present = "all")]
        id: Option<i64>,
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
    /// Charge the client's saved card (through Stripe) for what the invoice still asks; several
    /// invoices at once are charged one by one.
    Charge {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Record a payment received outside Stripe.
    Pay {
        id: i64,
        #[arg(long)]
        amount: String,
        /// cash, cheque, bank_transfer, card or other.
        #[arg(long, default_value = "cash")]
        method: String,
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        #[arg(long, default_value = "")]
        reference: String,
    },
}

fn parse_line(text: &str) -> Result<LineInput, CliError> {
    let parts: Vec<&str> = text.split('|').collect();
    if !(3..=5).contains(&parts.len()) {
        return Err(CliError::usage(format!(
            "--line \"{text}\" should be \"DESCRIPTION|QUANTITY|UNIT PRICE[|TAX %[|DISCOUNT %]]\"."
        )));
    }
    let opt = |i: usize, what: &str| match parts.get(i) {
        Some(t) if !t.trim().is_empty() => parse_decimal(what, t),
        _ => Ok(rust_decimal::Decimal::ZERO),
    };
    Ok(LineInput {
        description: parts[0].to_string(),
        quantity: parse_decimal("quantity", parts[1])?,
        unit_price: parse_decimal("unit price", parts[2])?,
        tax_rate: opt(3, "tax rate")?,
        discount_percent: opt(4, "discount")?,
        service_id: None,
    })
}

impl InvoiceFields {
    fn over(self, mut base: InvoiceInput) -> Result<InvoiceInput, CliError> {
        if let Some(path) = &self.input {
            base = read_json(path)?;
        }
        if let Some(c) = self.client {
            base.client_id = c;
        }
        if self.currency.is_some() {
            base.currency = self.currency;
        }
        if let Some(d) = self.issue_date {
            base.issue_date = Some(parse_date(&d)?);
        }
        if let Some(d) = self.due_date {
            base.due_date = Some(parse_date(&d)?);
        }
        if !self.lines.is_empty() {
            base.lines = self
                .lines
                .iter()
                .map(|l| parse_line(l))
                .collect::<Result<_, _>>()?;
        }
        if let Some(n) = self.notes {
            base.notes = n;
        }
        if self.terms.is_some() {
            base.terms = self.terms;
        }
        Ok(base)
    }
}

fn as_input(inv: &Invoice) -> InvoiceInput {
    InvoiceInput {
        client_id: inv.client_id,
        currency: Some(inv.currency.code().into()),
        issue_date: Some(inv.issue_date),
        due_date: Some(inv.due_date),
        lines: inv
            .lines
            .iter()
            .map(|l| LineInput {
                description: l.description.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price.amount(),
                tax_rate: l.tax_rate,
                discount_percent: l.discount_percent,
                service_id: l.service_id,
            })
            .collect(),
        notes: inv.notes.clone(),
        terms: Some(inv.terms.clone()),
        booking_id: inv.booking_id,
    }
}

fn show(inv: &Invoice) -> String {
    let mut s = format!(
        "{}  {}  {}\nClient   {}\nIssued   {}   Due {}\n\n",
        label(inv),
        inv.status.as_str(),
        inv.currency,
        inv.client_name,
        inv.issue_date,
        inv.due_date
    );
    let rows = inv
        .lines
        .iter()
        .zip(&inv.totals.lines)
        .map(|(l, a)| {
            vec![
                l.description.clone(),
                l.quantity.to_string(),
                l.unit_price.amount().to_string(),
                format!("{}%", l.tax_rate),
                a.net.amount().to_string(),
            ]
        })
        .collect::<Vec<_>>();
    s.push_str(&table(
        &["DESCRIPTION", "QTY", "PRICE", "TAX", "AMOUNT"],
        &rows,
    ));
    let t = &inv.totals;
    s.push_str(&format!("\n\nSubtotal  {}\n", t.subtotal));
    if !t.discount.is_zero() {
        s.push_str(&format!("Discount  -{}\n", t.discount));
    }
    for row in &t.taxes {
        if !row.rate.is_zero() {
            s.push_str(&format!("Tax {}%   {}\n", row.rate, row.tax));
        }
    }
    s.push_str(&format!("Total     {}\nPaid      {}\n", t.total, inv.paid));
    if !inv.refunded.is_zero() {
        s.push_str(&format!("Refunded  {}\n", inv.refunded));
    }
    s.push_str(&format!("Due       {}", inv.amount_due));
    s
}

/// An invoice with where its pay link stands after the change. Flattened, so `--json` keeps every
/// invoice field where scripts expect it and adds `pay_link` and `pay_link_problem`.
#[derive(Serialize)]
struct WithLink {
    #[serde(flatten)]
    invoice: Invoice,
    pay_link: Option<PayLink>,
    /// Why there is no link when there should be one (Stripe unreachable, below the minimum…).
    pay_link_problem: Option<String>,
}

/// Brings the invoice's pay link up to date. A Stripe failure isn't the command's failure: the
/// invoice change is saved, and the link follows on the next `paydesk invoice link --all`.
async fn with_link(app: &Paydesk, invoice: Invoice) -> WithLink {
    let (pay_link, pay_link_problem) = match app.stripe().pay_links().sync(invoice.id).await {
        Ok(link) => (link, None),
        Err(e) => (None, Some(e.to_string())),
    };
    WithLink {
        invoice,
        pay_link,
        pay_link_problem,
    }
}

fn link_lines(w: &WithLink) -> String {
    match (&w.pay_link, &w.pay_link_problem) {
        (Some(l), _) => format!(
            "\nPay link  {} ({} mode, {})",
            l.url.as_deref().unwrap_or("(being made)"),
            l.mode.as_str(),
            l.amount
        ),
        (None, Some(p)) => format!("\nNo pay link yet: {p}"),
        (None, None) => String::new(),
    }
}

pub async fn run(app: &Paydesk, cmd: InvoiceCmd, out: &Out) -> CmdResult {
    match cmd {
        InvoiceCmd::Create(fields) => {
            let input = fields.over(InvoiceInput::default())?;
            if input.client_id == 0 {
                return Err(CliError::usage(
                    "Say who the invoice is for: --client ID (or client_id in the JSON).",
                ));
            }
            let inv = app.create_invoice(&input).await?;
            out.emit(&inv, || format!("Created {}\n{}", label(&inv), show(&inv)));
        }
        InvoiceCmd::List {
            search,
            statuses,
            client,
            limit,
            offset,
        } => {
            let statuses = statuses
                .iter()
                .map(|s| {
                    InvoiceStatus::parse(s)
                        .ok_or_else(|| CliError::usage(format!("unknown status \"{s}\".")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let page = app
                .invoices(&InvoiceQuery {
                    search,
                    statuses,
                    client_id: client,
                    limit: Some(limit),
                    offset: Some(offset),
                })
                .await?;
            out.emit(&page, || {
                if page.items.is_empty() {
                    return "No invoices match.".into();
                }
                let rows = page
                    .items
                    .iter()
                    .map(|i| {
                        vec![
                            i.id.to_string(),
                            i.number.clone().unwrap_or_else(|| "(draft)".into()),
                            i.client_name.clone(),
                            i.issue_date.to_string(),
                            i.status.as_str().into(),
                            i.total.to_string(),
                            i.amount_due.to_string(),
                        ]
                    })
                    .collect::<Vec<_>>();
                format!(
                    "{}\n{} of {}",
                    table(
                        &["ID", "NUMBER", "CLIENT", "ISSUED", "STATUS", "TOTAL", "DUE"],
                        &rows
                    ),
                    page.items.len(),
                    page.total_count
                )
            });
        }
        InvoiceCmd::Show { id } => {
            let inv = app.invoice(id).await?;
            out.emit(&inv, || show(&inv));
        }
        InvoiceCmd::Edit { id, fields } => {
            let current = app.invoice(id).await?;
            let input = fields.over(as_input(&current))?;
            let inv = app.update_draft(id, &input).await?;
            out.emit(&inv, || show(&inv));
        }
        InvoiceCmd::Finalize { id } => {
            let inv = with_link(app, app.finalize_invoice(id).await?).await;
            out.emit(&inv, || {
                format!(
                    "Finalized {}\n{}{}",
                    label(&inv.invoice),
                    show(&inv.invoice),
                    link_lines(&inv)
                )
            });
        }
        InvoiceCmd::Void { id } => {
            let inv = with_link(app, app.void_invoice(id).await?).await;
            out.emit(&inv, || {
                format!("Voided {}{}", label(&inv.invoice), link_lines(&inv))
            });
        }
        InvoiceCmd::Uncollectible { id } => {
            let inv = with_link(app, app.mark_uncollectible(id).await?).await;
            out.emit(&inv, || format!("Wrote off {}", label(&inv.invoice)));
        }
        InvoiceCmd::Delete { id } => {
            app.delete_draft(id).await?;
            out.emit(&serde_json::json!({ "deleted": id }), || {
                format!("Deleted draft {id}")
            });
        }
        InvoiceCmd::Pay {
            id,
            amount,
            method,
            date,
            reference,
        } => {
            let method = PaymentMethod::parse(&method).ok_or_else(|| {
                CliError::usage(format!(
                    "unknown method \"{method}\"; use cash, cheque, bank_transfer, card or other."
                ))
            })?;
            let input = PaymentInput {
                amount: parse_decimal("amount", &amount)?,
                method,
                received_on: date.map(|d| parse_date(&d)).transpose()?,
                reference,
            };
            app.record_payment(id, &input).await?;
            let inv = with_link(app, app.invoice(id).await?).await;
            out.emit(&inv, || {
                format!(
                    "Recorded {} on {}\n{}{}",
                    input.amount,
                    label(&inv.invoice),
                    show(&inv.invoice),
                    link_lines(&inv)
                )
            });
        }
        InvoiceCmd::Pdf { id, out: path } => {
            let prepared = app.prepare_pdf(&app.stripe(), id).await?;
            write_new_file(&path, &prepared.pdf.bytes)?;
            out.emit(&prepared, || {
                let mut s = format!(
                    "Wrote {} ({} bytes{})",
                    path.display(),
                    prepared.pdf.bytes.len(),
                    match prepared.pdf.version {
                        0 => ", draft preview".to_string(),
                        v => format!(", version {v}"),
                    }
                );
                if let Some(l) = prepared.pay_link.as_ref().and_then(|l| l.url.as_deref()) {
                    s.push_str(&format!("\nPay link  {l}"));
                }
                if let Some(p) = &prepared.pay_link_problem {
                    s.push_str(&format!("\nNo pay link yet: {p}"));
                }
                s
            });
        }
        InvoiceCmd::Send { id, to, message } => {
            let input = SendInvoiceInput { to, message };
            let sent = app
                .send_invoice(&app.stripe(), &app.mail(), id, &input)
                .await?;
            out.emit(&sent, || {
                let mut s = format!(
                    "Sent {} to {} with {}",
                    label(&sent.invoice),
                    sent.email.to,
                    sent.pdf.file_name
                );
                if let Some(l) = sent.pay_link.as_ref().and_then(|l| l.url.as_deref()) {
                    s.push_str(&format!("\nPay link  {l}"));
                }
                if let Some(p) = &sent.pay_link_problem {
                    s.push_str(&format!("\nSent without a pay link: {p}"));
                }
                s
            });
        }
        InvoiceCmd::Emails { id } => {
            let log = app.mail().sent_emails(id).await?;
            out.emit(&log, || {
                if log.is_empty() {
                    return "Not emailed yet.".into();
                }
                let rows = log
                    .iter()
                    .map(|e| {
                        vec![
                            e.sent_at.format("%Y-%m-%d %H:%M").to_string(),
                            e.to.clone(),
                            e.status.as_str().into(),
                            e.error.clone().unwrap_or_default(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["SENT (UTC)", "TO", "STATUS", "WHY IT FAILED"], &rows)
            });
        }
        InvoiceCmd::Charge { ids } if ids.len() > 1 => {
            let results = app.stripe().charge_saved_cards(&ids).await;
            let failed = results
                .iter()
                .filter(|r| r.charge.as_ref().is_none_or(|c| c.status == "failed"))
                .count();
            out.emit(&results, || {
                let rows = results
                    .iter()
                    .map(|r| {
                        let (what, why) = match (&r.charge, &r.error) {
                            (Some(c), _) => (
                                format!("{} {} {}", c.status, c.amount, c.card),
                                c.failure.clone().unwrap_or_default(),
                            ),
                            (None, e) => ("not charged".into(), e.clone().unwrap_or_default()),
                        };
                        vec![r.invoice_id.to_string(), what, why]
                    })
                    .collect::<Vec<_>>();
                table(&["INVOICE", "CHARGE", "WHY NOT"], &rows)
            });
            if failed > 0 {
                return Err(paydesk_core::Error::conflict(format!(
                    "{failed} of {} invoices weren't charged.",
                    ids.len()
                ))
                .into());
            }
        }
        InvoiceCmd::Charge { ids } => {
            let id = ids[0];
            let charge = app.stripe().charge_saved_card(id).await?;
            if let Some(why) = &charge.failure {
                // Exit 1 so scripts notice; nothing was charged and the invoice is still owed.
                return Err(paydesk_core::Error::conflict(format!(
                    "The {} wasn't charged: {why}. Send a pay link instead (paydesk invoice send {id}).",
                    charge.card
                ))
                .into());
            }
            out.emit(&charge, || {
                format!(
                    "Charged {} {} to {} ({}).",
                    charge.amount.amount(),
                    charge.amount.currency(),
                    charge.card,
                    charge.status
                )
            });
        }
        InvoiceCmd::Link { id: None, .. } => {
            let (failed, first) = app.stripe().pay_links().sync_all().await?;
            if let Some(e) = first {
                return Err(e.into());
            }
            out.emit(&serde_json::json!({ "failed": failed }), || {
                "Every pay link is up to date.".into()
            });
        }
        InvoiceCmd::Link { id: Some(id), .. } => {
            let link = app.stripe().pay_links().add(id).await?;
            let inv = app.invoice(id).await?;
            out.emit(&link, || {
                format!(
                    "{}\n{} — {} ({} mode)",
                    link.url.as_deref().unwrap_or("(being made)"),
                    label(&inv),
                    link.amount,
                    link.mode.as_str()
                )
            });
        }
    }
    Ok(())
}
