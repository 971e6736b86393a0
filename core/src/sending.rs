//! Sending an invoice, the way an owner thinks of it: one action that finalizes a draft, makes sure
//! the pay link is right, issues the PDF with that link and emails it. Each step is its own record,
//! so a failure part-way loses nothing: a finalized invoice stays finalized (ready to send again),
//! a link Stripe couldn't make yet is made on the next try, and the sent log says why an email
//! didn't go.

use serde::{Deserialize, Serialize};

use crate::activity::{store as activity_store, ActivityKind, NewActivity};
use crate::error::{Error, Result};
use crate::invoice::{Invoice, InvoiceState};
use crate::issued_pdf::IssuedPdf;
use crate::ledger::charge_request::CardCharge;
use crate::mail::{Mail, SentEmail};
use crate::paylink::PayLink;
use crate::stripe::Stripe;
use crate::validate::optional_email;
use crate::Paydesk;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SendInvoiceInput {
    /// Default: the client's saved address.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub to: Option<String>,
    /// Default: the usual short greeting.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub message: Option<String>,
}

/// The invoice's PDF as it stands, with where its pay link stands.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PreparedPdf {
    pub pdf: IssuedPdf,
    pub pay_link: Option<PayLink>,
    /// Why the PDF has no pay link although the invoice is due (Stripe unreachable, below the
    /// minimum, …); `None` when all is well or Stripe isn't connected.
    pub pay_link_problem: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SendOutcome {
    pub invoice: Invoice,
    pub pdf: IssuedPdf,
    pub pay_link: Option<PayLink>,
    pub pay_link_problem: Option<String>,
    pub email: SentEmail,
    /// Auto-charge: the saved card was charged before sending (the email is then the receipt),
    /// or the charge failed (the email then carries the pay link).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub charge: Option<CardCharge>,
}

impl Paydesk {
    /// Brings the pay link up to date (a sent invoice) and issues the PDF carrying it. A draft's
    /// PDF is a preview with the link the owner added, if any.
    pub async fn prepare_pdf(&self, stripe: &Stripe, invoice_id: i64) -> Result<PreparedPdf> {
        let links = stripe.pay_links();
        let (pay_link, pay_link_problem) = match links.sync(invoice_id).await {
            Ok(link) => (link, None),
            Err(e @ (Error::NotFound { .. } | Error::Database(_))) => return Err(e),
            // The PDF still goes out, without a link, and the owner is told why.
            Err(e) => (links.current(invoice_id).await?, Some(e.to_string())),
        };
        let pdf = self.issue_pdf(invoice_id, pay_link.as_ref()).await?;
        Ok(PreparedPdf {
            pdf,
            pay_link,
            pay_link_problem,
        })
    }

    /// Finalizes a draft if needed, then emails the invoice with its PDF and pay link. When the
    /// client's invoices are auto-charged (the business default or the client's own choice) and a
    /// card is saved, the card is charged first: the email is then the receipt, or — if the charge
    /// failed — the invoice with its pay link and the reason.
    pub async fn send_invoice(
        &self,
        stripe: &Stripe,
        mail: &Mail,
        invoice_id: i64,
        input: &SendInvoiceInput,
    ) -> Result<SendOutcome> {
        let client_id = self.invoice(invoice_id).await?.client_id;
        let auto = {
            let mut conn = self.db.pool().acquire().await?;
            crate::policy::store::auto_charges(&mut conn, client_id).await?
        };
        self.send_with(stripe, mail, invoice_id, input, auto).await
    }

    /// [`Self::send_invoice`], charging the saved card first when `charge_card`.
    pub(crate) async fn send_with(
        &self,
        stripe: &Stripe,
        mail: &Mail,
        invoice_id: i64,
        input: &SendInvoiceInput,
        charge_card: bool,
    ) -> Result<SendOutcome> {
        // Everything that can be checked without sending is checked before the draft is finalized,
        // so a typo in the address doesn't leave a numbered invoice behind.
        if let Some(to) = &input.to {
            let to = optional_email("to", to)?;
            if to.is_empty() {
                return Err(Error::invalid(
                    "to",
                    "Type the address to send the invoice to.",
                ));
            }
        }
        mail.config().await?;
        let mut invoice = self.invoice(invoice_id).await?;
        if invoice.state == InvoiceState::Draft {
            if input.to.is_none() {
                let client = self.client(invoice.client_id).await?;
                if client.email.is_empty() {
                    return Err(Error::invalid(
                        "to",
                        format!(
                            "{} has no email address saved. Type the address to send to.",
                            client.name
                        ),
                    ));
                }
            }
            invoice = self.finalize_invoice(invoice_id).await?;
        }
        let charge = if charge_card {
            self.charge_before_sending(stripe, &invoice).await?
        } else {
            None
        };
        if charge.as_ref().is_some_and(|c| c.status != "failed") {
            invoice = self.invoice(invoice_id).await?;
        }
        let prepared = self.prepare_pdf(stripe, invoice_id).await?;
        let message = match (&input.message, &charge) {
            (Some(m), _) => m.clone(),
            (None, Some(c)) => {
                charge_message(&invoice, c, &self.client(invoice.client_id).await?.name)
            }
            (None, None) => mail.invoice_email_draft(invoice_id).await?.message,
        };
        // While the bank processes the charge, a pay link would invite a second payment.
        let processing = charge.as_ref().is_some_and(|c| c.status == "processing");
        let pay_url = match &prepared.pay_link {
            Some(l) if !processing => l.url.clone(),
            _ => None,
        };
        let email = mail
            .send_invoice_email(
                invoice_id,
                input.to.clone(),
                message,
                pay_url,
                prepared.pdf.bytes.clone(),
            )
            .await?;
        Ok(SendOutcome {
            invoice,
            pdf: prepared.pdf,
            pay_link: prepared.pay_link,
            pay_link_problem: prepared.pay_link_problem,
            email,
            charge,
        })
    }

    /// Charges the client's saved card for what the invoice asks, if it asks anything, no deposit
    /// is awaited and a card is there. A failed charge is told to the owner in the activity feed.
    /// An answer Stripe never gave stops the send: the pay link must not go out while a charge may
    /// still go through (the next sync pass or Send finishes it).
    async fn charge_before_sending(
        &self,
        stripe: &Stripe,
        invoice: &Invoice,
    ) -> Result<Option<CardCharge>> {
        let awaiting_deposit = {
            let mut conn = self.db.pool().acquire().await?;
            crate::deposit::link_amount(&mut conn, invoice.id)
                .await?
                .is_some()
        };
        if !invoice.amount_due.is_positive()
            || awaiting_deposit
            || stripe.usable_card(invoice.client_id).await?.is_none()
        {
            return Ok(None);
        }
        let charge = stripe.charge_saved_card(invoice.id).await?;
        if charge.status == "failed" {
            let item = NewActivity::new(
                ActivityKind::CardChargeFailed,
                Some(invoice.id),
                format!(
                    "{}'s {} wasn't charged for {}: {} A pay link was emailed instead.",
                    invoice.client_name,
                    charge.card,
                    crate::invoice::label(invoice),
                    charge
                        .failure
                        .as_deref()
                        .unwrap_or("the card was declined.")
                ),
            );
            let mut tx = self.db.write().await?;
            activity_store::insert(&mut tx, None, &item, self.now()).await?;
            tx.commit().await?;
        }
        Ok(Some(charge))
    }
}

/// The email's words after an auto-charge: a receipt, or why the card wasn't charged.
fn charge_message(invoice: &Invoice, charge: &CardCharge, client: &str) -> String {
    let what = crate::invoice::label(invoice);
    match charge.status.as_str() {
        "failed" => format!(
            "Hello {client},\n\nWe couldn't charge your saved card ({}) for {what}: {} \
             Please pay online with the link below.",
            charge.card,
            charge
                .failure
                .as_deref()
                .unwrap_or("the card was declined.")
        ),
        "processing" => format!(
            "Hello {client},\n\nYour card {} is being charged {} for {what}; your bank is still \
             processing it. There is nothing more to do — you'll get a receipt once it has gone through.",
            charge.card, charge.amount
        ),
        _ => format!(
            "Hello {client},\n\nThank you! Your card {} was charged {} for {what}. \
             The invoice is attached as your receipt.",
            charge.card, charge.amount
        ),
    }
}
