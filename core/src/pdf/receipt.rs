//! A receipt for one payment: what a client gets after paying, as plain text fields. Amounts come
//! formatted from the core's records (the payment, its refunds, the invoice's amount due).

use chrono::{DateTime, NaiveDate, Utc};

use super::dates::date_text;
use super::party::Party;
use crate::business::BusinessProfile;
use crate::client::Client;
use crate::invoice::{self, Invoice};
use crate::money::format::for_locale;
use crate::money::Money;
use crate::payment::{Payment, PaymentMethod};

/// Everything a payment receipt prints.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptDocument {
    /// The PDF's title: "Receipt 7 for INV-2026-0001 — Salon Zoë".
    pub title: String,
    /// "7": the payment's id, which is unique and never reused.
    pub receipt_number: String,
    pub business: Party,
    pub logo: Option<Vec<u8>>,
    pub client: Party,
    pub invoice_number: String,
    pub payment_date: String,
    pub method: String,
    /// The owner's reference (cheque number, transfer id); empty when none was given.
    pub reference: String,
    pub amount: String,
    /// What has been given back of this payment, when anything has.
    pub refunded: Option<String>,
    pub invoice_total: String,
    /// What is still owed on the invoice when the receipt is made.
    pub amount_due: String,
    /// The date `amount_due` is true on (today, where the business is).
    pub as_of: String,
    pub created: DateTime<Utc>,
}

fn method_text(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Cash => "Cash",
        PaymentMethod::Cheque => "Cheque",
        PaymentMethod::BankTransfer => "Bank transfer",
        PaymentMethod::Card => "Card",
        PaymentMethod::Other => "Other",
    }
}

impl ReceiptDocument {
    /// `today` is the date in the business's time zone; `now` the instant the PDF is made.
    pub fn new(
        payment: &Payment,
        invoice: &Invoice,
        client: &Client,
        business: &BusinessProfile,
        logo: Option<Vec<u8>>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> ReceiptDocument {
        let locale = business.locale.as_str();
        let money = |m: Money| for_locale(m, locale);
        let refunded = invoice
            .refunds
            .iter()
            .filter(|r| r.payment_id == payment.id)
            .try_fold(Money::zero(payment.amount.currency()), |sum, r| {
                sum.checked_add(r.amount)
            })
            .ok()
            .filter(|sum| !sum.is_zero());
        let invoice_number = invoice::label(invoice);
        let mut title = format!("Receipt {} for {invoice_number}", payment.id);
        if !business.name.trim().is_empty() {
            title = format!("{title} — {}", business.name.trim());
        }
        ReceiptDocument {
            title,
            receipt_number: payment.id.to_string(),
            business: Party::business(business),
            logo,
            client: Party::client(client),
            invoice_number,
            payment_date: date_text(payment.received_on, locale),
            method: method_text(payment.method).to_string(),
            reference: payment.reference.trim().to_string(),
            amount: money(payment.amount),
            refunded: refunded.map(money),
            invoice_total: money(invoice.totals.total),
            amount_due: money(invoice.amount_due),
            as_of: date_text(today, locale),
            created: now,
        }
    }
}
