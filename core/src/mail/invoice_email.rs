//! Emailing an invoice: "Invoice INV-2026-0001 from Salon Zoë", the owner's short message, the amount
//! and due date, the pay link, and the PDF attached as `INV-2026-0001.pdf`. The PDF and the pay link
//! are made elsewhere and passed in. Every attempt that reaches the mail server is written to the sent
//! log, failures with the reason the owner was shown; the invoice itself is never changed by sending.

use serde::Serialize;

use super::message::{compose, recipient, Attachment, OutgoingEmail};
use super::sent_log::{self, Attempt, SendStatus, SentEmail};
use super::Mail;
use crate::booking::show_time;
use crate::business::BusinessProfile;
use crate::deposit::{Deposit, DepositState};
use crate::error::{Error, Result};
use crate::invoice::{self, Invoice, InvoiceState};
use crate::validate::optional_text;

/// What the send-invoice form starts with; the owner may change any of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvoiceEmailDraft {
    /// The client's saved address, or empty when there is none.
    pub to: String,
    pub subject: String,
    pub message: String,
}

impl Mail {
    /// The email the owner is about to send for this invoice, to edit before sending.
    pub async fn invoice_email_draft(&self, invoice_id: i64) -> Result<InvoiceEmailDraft> {
        let invoice = self.app.invoice(invoice_id).await?;
        let number = sendable_number(&invoice)?;
        let client = self.app.client(invoice.client_id).await?;
        let business = self.app.business().await?;
        let message = match self.deposit_asked(invoice_id).await? {
            Some(d) => {
                let when = if d.state == DepositState::Overdue {
                    "as soon as you can".to_string()
                } else {
                    format!("by {}", show_time(d.due_at, business.time_zone()?))
                };
                let rest = if d.amount.amount() < d.total.amount() {
                    " The rest is due after your appointment."
                } else {
                    ""
                };
                format!(
                    "Hello {},\n\nThank you for your booking. To confirm it, please pay the deposit of {} {when}.{rest}",
                    client.name,
                    d.amount.checked_sub(d.paid)?,
                )
            }
            None => format!(
                "Hello {},\n\nHere is your invoice {number}. Thank you!",
                client.name
            ),
        };
        Ok(InvoiceEmailDraft {
            to: client.email,
            subject: subject(number, &business),
            message,
        })
    }

    /// Emails the invoice to `to` (default: the client's saved address) and records the attempt.
    /// `pay_url` is the online payment link, if there is one; `pdf` is the invoice as a PDF. A
    /// failed send is recorded with its reason and returned as the error.
    pub async fn send_invoice_email(
        &self,
        invoice_id: i64,
        to: Option<String>,
        message: String,
        pay_url: Option<String>,
        pdf: Vec<u8>,
    ) -> Result<SentEmail> {
        let invoice = self.app.invoice(invoice_id).await?;
        let number = sendable_number(&invoice)?.to_string();
        let to = match to {
            Some(to) => to.trim().to_string(),
            None => {
                let client = self.app.client(invoice.client_id).await?;
                if client.email.is_empty() {
                    return Err(Error::invalid(
                        "to",
                        format!(
                            "{} has no email address saved. Type the address to send to.",
                            client.name
                        ),
                    ));
                }
                client.email
            }
        };
        recipient("to", &to)?;
        let message = optional_text("message", "Message", &message, 5000)?;
        let pay_url = pay_url.as_deref().map(validate_pay_url).transpose()?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(Error::invalid(
                "pdf",
                "The invoice PDF is missing or isn't a PDF. Create it again and send.",
            ));
        }
        let config = self.config().await?;
        let business = self.app.business().await?;
        let deposit = self.deposit_asked(invoice_id).await?;
        let email = invoice_email(
            &invoice,
            &number,
            &business,
            &to,
            &message,
            pay_url,
            deposit.as_ref(),
            pdf,
        );
        let sender = self.sender(&config).await?;
        let sent_at = self.app.now();
        let (mime, message_id) = compose(&email, &sender, sent_at)?;

        // From here on the server is involved, so the attempt is logged whatever happens.
        let outcome = self.deliver(&config, &mime).await;
        let reason = outcome.as_ref().err().map(ToString::to_string);
        let attempt = Attempt {
            invoice_id,
            sent_at,
            to: &to,
            subject: &email.subject,
            outcome: match &reason {
                None => Ok(&message_id),
                Some(r) => Err(r),
            },
        };
        let logged = self.log(&attempt).await;
        // A send error matters more to the owner than a failure to note it down.
        outcome?;
        Ok(SentEmail {
            id: logged?,
            invoice_id,
            sent_at,
            to,
            subject: email.subject,
            status: SendStatus::Sent,
            message_id: Some(message_id),
            error: None,
        })
    }

    /// The booking deposit this invoice still waits for, if any.
    async fn deposit_asked(&self, invoice_id: i64) -> Result<Option<Deposit>> {
        let mut conn = self.app.db.pool().acquire().await?;
        let deposit = crate::deposit::for_invoice(&mut conn, invoice_id, self.app.now()).await?;
        Ok(deposit.filter(|d| matches!(d.state, DepositState::Awaiting | DepositState::Overdue)))
    }

    async fn log(&self, attempt: &Attempt<'_>) -> Result<i64> {
        let mut tx = self.app.db.write().await?;
        let id = sent_log::store::insert(&mut tx, attempt).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The invoice's number, if it is one a client should receive: a draft has no number yet and a
/// void invoice is no longer owed.
fn sendable_number(invoice: &Invoice) -> Result<&str> {
    match (&invoice.number, invoice.state) {
        (Some(number), InvoiceState::Open | InvoiceState::Uncollectible) => Ok(number),
        (_, InvoiceState::Void) => Err(Error::conflict(format!(
            "{} is void, so it isn't sent to the client. Send the invoice that replaced it.",
            invoice::label(invoice)
        ))),
        _ => Err(Error::conflict(format!(
            "{} is a draft. Finalize it first, so the client gets an invoice with a number.",
            invoice::label(invoice)
        ))),
    }
}

fn validate_pay_url(url: &str) -> Result<&str> {
    let url = url.trim();
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2000
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(url)
    } else {
        Err(Error::invalid(
            "pay_url",
            "The pay link must be a web address starting with https://.",
        ))
    }
}

fn subject(number: &str, business: &BusinessProfile) -> String {
    if business.name.is_empty() {
        format!("Invoice {number}")
    } else {
        format!("Invoice {number} from {}", business.name)
    }
}

/// The invoice email itself: plain text for every mail reader, the same in HTML with a pay button.
#[allow(clippy::too_many_arguments)]
fn invoice_email(
    invoice: &Invoice,
    number: &str,
    business: &BusinessProfile,
    to: &str,
    message: &str,
    pay_url: Option<&str>,
    deposit: Option<&Deposit>,
    pdf: Vec<u8>,
) -> OutgoingEmail {
    let filename = format!("{number}.pdf");
    let deposit_due = deposit.and_then(|d| d.amount.checked_sub(d.paid).ok());
    let amount_line = if let Some(part) = deposit_due {
        format!(
            "Deposit to confirm your booking: {part} (of {} in all)",
            invoice.totals.total
        )
    } else if invoice.amount_due.is_positive() {
        format!(
            "Amount due: {} by {}",
            invoice.amount_due,
            invoice.due_date.format("%Y-%m-%d")
        )
    } else {
        format!("Total: {} (paid, thank you)", invoice.totals.total)
    };
    let signature = [
        business.name.as_str(),
        business.email.as_str(),
        business.phone.as_str(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>();

    let mut text = String::new();
    if !message.is_empty() {
        text.push_str(message);
        text.push_str("\n\n");
    }
    text.push_str(&format!("Invoice {number}\n{amount_line}\n\n"));
    if let Some(url) = pay_url {
        text.push_str(&format!("Pay online: {url}\n\n"));
    }
    text.push_str(&format!("The invoice is attached ({filename}).\n"));
    if !signature.is_empty() {
        text.push_str(&format!("\n{}\n", signature.join("\n")));
    }

    let mut html =
        String::from("<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif\">\n");
    if !message.is_empty() {
        html.push_str(&format!(
            "<p>{}</p>\n",
            escape(message).replace('\n', "<br>\n")
        ));
    }
    html.push_str(&format!(
        "<p><strong>Invoice {}</strong><br>\n{}</p>\n",
        escape(number),
        escape(&amount_line)
    ));
    if let Some(url) = pay_url {
        html.push_str(&format!(
            "<p><a href=\"{0}\" style=\"display: inline-block; padding: 10px 18px; \
             background: #1a56db; color: #ffffff; border-radius: 6px; text-decoration: none\">\
             Pay online</a></p>\n<p style=\"font-size: small\">Or open this link: {0}</p>\n",
            escape(url)
        ));
    }
    html.push_str(&format!(
        "<p>The invoice is attached ({}).</p>\n",
        escape(&filename)
    ));
    if !signature.is_empty() {
        let lines: Vec<String> = signature.iter().map(|s| escape(s)).collect();
        html.push_str(&format!("<p>{}</p>\n", lines.join("<br>\n")));
    }
    html.push_str("</body></html>\n");

    OutgoingEmail {
        to: to.to_string(),
        subject: subject(number, business),
        text_body: text,
        html_body: Some(html),
        attachments: vec![Attachment {
            filename,
            mime: "application/pdf".into(),
            bytes: pdf,
        }],
    }
}

/// Text as HTML: the owner's message and the client's name must never become markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_the_message_stays_text() {
        assert_eq!(
            escape("<b>\"Zoë\" & 'co'</b>"),
            "&lt;b&gt;&quot;Zoë&quot; &amp; &#39;co&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn pay_links_are_web_addresses() {
        assert_eq!(
            validate_pay_url(" https://pay.example/abc ").unwrap(),
            "https://pay.example/abc"
        );
        for bad in [
            "javascript:alert(1)",
            "pay.example",
            "https://pay example/x",
            "",
        ] {
            let e = validate_pay_url(bad).unwrap_err();
            assert_eq!(e.field(), Some("pay_url"), "{bad}");
        }
    }
}
