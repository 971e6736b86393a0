//! What an invoice PDF shows, as plain text fields. Built from the core's types; every amount is
//! already formatted here, from the core's totals, so the layout never touches money.

use chrono::{DateTime, Utc};

use super::dates::date_text;
use super::party::Party;
use crate::business::BusinessProfile;
use crate::client::Client;
use crate::invoice::{Invoice, InvoiceState, InvoiceStatus};
use crate::money::format::{for_locale, number_for_locale};
use crate::money::Money;

/// One line of the item table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub description: String,
    /// A second, smaller line under the description: the line's discount, when it has one.
    pub note: Option<String>,
    pub quantity: String,
    pub unit_price: String,
    pub tax_rate: String,
    /// Quantity × unit price, before the discount and tax (those are in the totals).
    pub amount: String,
}

/// One row of the totals block. `strong` rows (total, amount due) are set in bold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalRow {
    pub label: String,
    pub value: String,
    pub strong: bool,
}

/// Everything an invoice PDF prints.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceDocument {
    /// The PDF's title: "Invoice INV-2026-0001 — Salon Zoë".
    pub title: String,
    /// "INV-2026-0001", or "Draft" before the invoice is finalized.
    pub number: String,
    /// A word printed large beside the number when it changes what the paper means: DRAFT, VOID, PAID.
    pub stamp: Option<String>,
    pub business: Party,
    /// The logo as stored: PNG or JPEG bytes.
    pub logo: Option<Vec<u8>>,
    pub client: Party,
    pub issue_date: String,
    pub due_date: String,
    pub items: Vec<ItemRow>,
    pub totals: Vec<TotalRow>,
    pub amount_due: String,
    /// What the pay link asks now when it is a booking's deposit (less than the amount due).
    pub deposit_due: Option<String>,
    pub notes: String,
    pub terms: String,
    /// Where the client can pay online; printed as a link and a QR code.
    pub pay_url: Option<String>,
    /// The template colour (red, green, blue) for the pay block.
    pub accent: (u8, u8, u8),
    /// When the PDF is made (the app clock): its creation date.
    pub created: DateTime<Utc>,
}

fn negative(m: Money) -> Money {
    Money::rounded(-m.amount(), m.currency())
}

fn stamp(status: InvoiceStatus) -> Option<String> {
    let word = match status {
        InvoiceStatus::Draft => "DRAFT",
        InvoiceStatus::Void => "VOID",
        InvoiceStatus::Paid => "PAID",
        InvoiceStatus::Refunded => "REFUNDED",
        InvoiceStatus::PartiallyRefunded => "PARTLY REFUNDED",
        InvoiceStatus::Open | InvoiceStatus::PartiallyPaid | InvoiceStatus::Uncollectible => {
            return None
        }
    };
    Some(word.to_string())
}

/// The deposit the PDF prints as due now: only one smaller than the balance of a payable invoice
/// changes what is asked.
pub fn deposit_shown(invoice: &Invoice, deposit_due: Option<Money>) -> Option<Money> {
    let payable = invoice.state != InvoiceState::Void && invoice.amount_due.is_positive();
    deposit_due.filter(|d| payable && d.is_positive() && d.amount() < invoice.amount_due.amount())
}

impl InvoiceDocument {
    /// The invoice as its client should see it. `pay_url` is dropped when there is nothing left to
    /// pay (a void or settled invoice must not invite a payment). `deposit_due`: the unpaid part of
    /// a booking's deposit, which is all its pay link asks until it is paid.
    pub fn new(
        invoice: &Invoice,
        client: &Client,
        business: &BusinessProfile,
        logo: Option<Vec<u8>>,
        pay_url: Option<String>,
        deposit_due: Option<Money>,
        now: DateTime<Utc>,
    ) -> InvoiceDocument {
        let locale = business.locale.as_str();
        let money = |m: Money| for_locale(m, locale);
        let items = invoice
            .lines
            .iter()
            .zip(&invoice.totals.lines)
            .map(|(line, amounts)| ItemRow {
                description: line.description.clone(),
                note: (!amounts.discount.is_zero()).then(|| {
                    format!(
                        "Discount {}%: {}",
                        number_for_locale(line.discount_percent, locale),
                        money(negative(amounts.discount))
                    )
                }),
                quantity: number_for_locale(line.quantity, locale),
                unit_price: money(line.unit_price),
                tax_rate: format!("{}%", number_for_locale(line.tax_rate, locale)),
                amount: money(amounts.gross),
            })
            .collect();

        let t = &invoice.totals;
        let row = |label: String, value: Money, strong: bool| TotalRow {
            label,
            value: money(value),
            strong,
        };
        let mut totals = vec![row("Subtotal".into(), t.subtotal, false)];
        if !t.discount.is_zero() {
            totals.push(row("Discount".into(), negative(t.discount), false));
        }
        for tax in t.taxes.iter().filter(|r| !r.rate.is_zero()) {
            let label = format!("Tax {}%", number_for_locale(tax.rate, locale));
            totals.push(row(label, tax.tax, false));
        }
        totals.push(row("Total".into(), t.total, true));
        if !invoice.paid.is_zero() {
            totals.push(row("Paid".into(), negative(invoice.paid), false));
        }
        totals.push(row("Amount due".into(), invoice.amount_due, true));
        let payable = invoice.state != InvoiceState::Void && invoice.amount_due.is_positive();
        let deposit_due = deposit_shown(invoice, deposit_due);
        if let Some(d) = deposit_due {
            totals.push(row("Deposit due now".into(), d, true));
        }

        let number = invoice.number.clone().unwrap_or_else(|| "Draft".into());
        let title = if business.name.trim().is_empty() {
            format!("Invoice {number}")
        } else {
            format!("Invoice {number} — {}", business.name.trim())
        };
        InvoiceDocument {
            title,
            number,
            stamp: stamp(invoice.status),
            business: Party::business(business),
            logo,
            client: Party::client(client),
            issue_date: date_text(invoice.issue_date, locale),
            due_date: date_text(invoice.due_date, locale),
            items,
            totals,
            amount_due: money(invoice.amount_due),
            deposit_due: deposit_due.map(money),
            notes: invoice.notes.trim().to_string(),
            terms: invoice.terms.trim().to_string(),
            pay_url: pay_url.filter(|u| payable && !u.trim().is_empty()),
            accent: business.accent_rgb(),
            created: now,
        }
    }
}
