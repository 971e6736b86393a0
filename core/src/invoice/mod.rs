//! Invoices: drafts that can be edited freely, then finalized (numbered, sent) and never edited
//! again — only paid, voided or written off.

pub mod head;
pub mod numbering;
pub mod status;
pub(crate) mod store;
pub mod totals;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::money::{decimal_serde, Currency, Money};
use crate::payment::{Payment, Refund};
use crate::validate::{optional_text, percent, required_text};
use crate::Paydesk;

pub use head::InvoiceHead;
pub use numbering::NumberFormat;
pub use status::{InvoiceState, InvoiceStatus};
pub use totals::{PricedLine, Totals};

/// Most lines one invoice may have; keeps PDFs and emails sane.
pub const MAX_LINES: usize = 500;
const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
const MAX_UNIT_PRICE: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Line {
    pub description: String,
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub quantity: Decimal,
    pub unit_price: Money,
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub tax_rate: Decimal,
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub discount_percent: Decimal,
    pub service_id: Option<i64>,
}

impl Line {
    pub fn priced(&self) -> PricedLine {
        PricedLine {
            quantity: self.quantity,
            unit_price: self.unit_price.amount(),
            tax_rate: self.tax_rate,
            discount_percent: self.discount_percent,
        }
    }
}

/// A line as typed: amounts are exact decimals (strings in JSON), in the invoice's currency.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineInput {
    pub description: String,
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub quantity: Decimal,
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub unit_price: Decimal,
    #[serde(with = "decimal_serde", default)]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub tax_rate: Decimal,
    #[serde(with = "decimal_serde", default)]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub discount_percent: Decimal,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub service_id: Option<i64>,
}

/// The invoice form. Left-out dates and currency come from the business profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvoiceInput {
    pub client_id: i64,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub currency: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub issue_date: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub notes: String,
    /// Defaults to the business's invoice terms.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub terms: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub booking_id: Option<i64>,
}

/// A validated draft, ready to store.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub client_id: i64,
    pub booking_id: Option<i64>,
    pub currency: Currency,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub lines: Vec<Line>,
    pub notes: String,
    pub terms: String,
}

/// Everything about one invoice, as shown on its page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Invoice {
    pub id: i64,
    /// `None` while a draft.
    pub number: Option<String>,
    pub client_id: i64,
    pub client_name: String,
    pub booking_id: Option<i64>,
    pub currency: Currency,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub notes: String,
    pub terms: String,
    pub state: InvoiceState,
    pub status: InvoiceStatus,
    pub lines: Vec<Line>,
    pub totals: Totals,
    pub paid: Money,
    pub refunded: Money,
    pub amount_due: Money,
    pub payments: Vec<Payment>,
    pub refunds: Vec<Refund>,
    pub created_at: DateTime<Utc>,
    pub finalized_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
}

/// One row of the invoice list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvoiceSummary {
    pub id: i64,
    pub number: Option<String>,
    pub client_id: i64,
    pub client_name: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: InvoiceStatus,
    pub total: Money,
    pub amount_due: Money,
}

/// Filters for the invoice list. Search matches the number or the client's name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvoiceQuery {
    pub search: String,
    pub statuses: Vec<InvoiceStatus>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub client_id: Option<i64>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub limit: Option<u32>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvoicePage {
    pub items: Vec<InvoiceSummary>,
    /// How many invoices match in all, for the pager.
    pub total_count: i64,
}

fn decimals_ok(value: Decimal, max: u32) -> bool {
    value.normalize().scale() <= max
}

fn validate_line(i: usize, l: &LineInput, currency: Currency) -> Result<Line> {
    let at = |field: &str| format!("lines[{i}].{field}");
    let n = i + 1;
    let description = required_text(
        &at("description"),
        &format!("Line {n}: the description"),
        &l.description,
        1000,
    )?;
    if l.quantity <= Decimal::ZERO {
        return Err(Error::invalid(
            at("quantity"),
            format!("Line {n}: the quantity must be more than zero."),
        ));
    }
    if l.quantity > MAX_QUANTITY || !decimals_ok(l.quantity, 3) {
        return Err(Error::invalid(
            at("quantity"),
            format!("Line {n}: the quantity can be at most 1,000,000 with 3 decimals."),
        ));
    }
    if l.unit_price < Decimal::ZERO {
        return Err(Error::invalid(
            at("unit_price"),
            format!("Line {n}: the price can't be negative; use a discount instead."),
        ));
    }
    if l.unit_price > MAX_UNIT_PRICE {
        return Err(Error::invalid(
            at("unit_price"),
            format!("Line {n}: the price is too large."),
        ));
    }
    let unit_price = Money::new(l.unit_price, currency)
        .map_err(|e| Error::invalid(at("unit_price"), format!("Line {n}: {e}")))?;
    let tax_rate = percent(
        &at("tax_rate"),
        &format!("Line {n}: the tax rate"),
        l.tax_rate,
        3,
    )?;
    let discount_percent = percent(
        &at("discount_percent"),
        &format!("Line {n}: the discount"),
        l.discount_percent,
        2,
    )?;
    Ok(Line {
        description,
        quantity: l.quantity.normalize(),
        unit_price,
        tax_rate,
        discount_percent,
        service_id: l.service_id,
    })
}

impl InvoiceInput {
    /// Checks every field and fills in defaults. `today` is in the business time zone.
    pub(crate) fn validated(
        &self,
        business: &crate::business::BusinessProfile,
        today: NaiveDate,
    ) -> Result<Draft> {
        let currency = match &self.currency {
            Some(code) => Currency::parse(code).map_err(|e| Error::from(e).in_field("currency"))?,
            None => business.currency,
        };
        if self.lines.len() > MAX_LINES {
            return Err(Error::invalid(
                "lines",
                format!("An invoice can have at most {MAX_LINES} lines."),
            ));
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| validate_line(i, l, currency))
            .collect::<Result<Vec<_>>>()?;
        let issue_date = self.issue_date.unwrap_or(today);
        let due_date = self
            .due_date
            .unwrap_or_else(|| issue_date + Duration::days(i64::from(business.payment_terms_days)));
        if due_date < issue_date {
            return Err(Error::invalid(
                "due_date",
                format!("The due date ({due_date}) can't be before the issue date ({issue_date})."),
            ));
        }
        Ok(Draft {
            client_id: self.client_id,
            booking_id: self.booking_id,
            currency,
            issue_date,
            due_date,
            lines,
            notes: optional_text("notes", "Notes", &self.notes, 4000)?,
            terms: optional_text(
                "terms",
                "Terms",
                self.terms.as_deref().unwrap_or(&business.invoice_terms),
                4000,
            )?,
        })
    }
}

impl Paydesk {
    pub(crate) async fn validated_draft(
        &self,
        conn: &mut sqlx::SqliteConnection,
        input: &InvoiceInput,
    ) -> Result<Draft> {
        let business = crate::business::store::get(conn).await?;
        let today = self
            .now()
            .with_timezone(&business.time_zone()?)
            .date_naive();
        let draft = input.validated(&business, today)?;
        crate::client::store::get(conn, draft.client_id)
            .await
            .map_err(|e| match e {
                Error::NotFound { .. } => Error::invalid(
                    "client_id",
                    "Choose a client for this invoice (the one given doesn't exist).",
                ),
                other => other,
            })?;
        if let Some(booking_id) = draft.booking_id {
            crate::booking::store::get(conn, booking_id).await?;
        }
        for (i, line) in draft.lines.iter().enumerate() {
            if let Some(service_id) = line.service_id {
                crate::service::store::get(conn, service_id)
                    .await
                    .map_err(|e| e.in_field(&format!("lines[{i}].service_id")))?;
            }
        }
        Ok(draft)
    }

    /// Saves a new draft. Nothing is numbered or sent yet.
    pub async fn create_invoice(&self, input: &InvoiceInput) -> Result<Invoice> {
        let mut tx = self.db.write().await?;
        let draft = self.validated_draft(&mut tx, input).await?;
        let id = store::insert_draft(&mut tx, &draft, &instant_text(self.now())).await?;
        let invoice = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(invoice)
    }

    /// Creates many drafts in one transaction: all of them, or none if any is invalid (the error names
    /// the first bad one as `invoices[i].field`). For imports, where one transaction per invoice is slow.
    pub async fn import_invoices(&self, inputs: &[InvoiceInput]) -> Result<Vec<i64>> {
        let mut tx = self.db.write().await?;
        let now = instant_text(self.now());
        let mut ids = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            let draft = self
                .validated_draft(&mut tx, input)
                .await
                .map_err(|e| e.in_field(&format!("invoices[{i}]")))?;
            ids.push(store::insert_draft(&mut tx, &draft, &now).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Replaces a draft's contents. A finalized invoice can't be edited: void it and issue another.
    pub async fn update_draft(&self, id: i64, input: &InvoiceInput) -> Result<Invoice> {
        let mut tx = self.db.write().await?;
        let current = store::get(&mut tx, id).await?;
        ensure_draft(&current, "edited")?;
        let draft = self.validated_draft(&mut tx, input).await?;
        store::update_draft(&mut tx, id, &draft, &instant_text(self.now())).await?;
        let invoice = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(invoice)
    }

    pub async fn delete_draft(&self, id: i64) -> Result<()> {
        let mut tx = self.db.write().await?;
        let current = store::get(&mut tx, id).await?;
        ensure_draft(&current, "deleted")?;
        sqlx::query("DELETE FROM invoices WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Numbers the invoice and makes it payable. From here on its lines never change.
    pub async fn finalize_invoice(&self, id: i64) -> Result<Invoice> {
        let mut tx = self.db.write().await?;
        self.finalize_in(&mut tx, id).await?;
        let invoice = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(invoice)
    }

    async fn finalize_in(&self, conn: &mut sqlx::SqliteConnection, id: i64) -> Result<()> {
        let current = store::get(conn, id).await?;
        ensure_draft(&current, "finalized again")?;
        if current.lines.is_empty() {
            return Err(Error::invalid(
                "lines",
                "Add at least one line before finalizing the invoice.",
            ));
        }
        let business = crate::business::store::get(conn).await?;
        let format = NumberFormat::parse(&business.invoice_number_format)?;
        let number = numbering::take_next(conn, &format, current.issue_date).await?;
        store::mark_finalized(conn, id, &number, &instant_text(self.now())).await?;
        store::refresh(conn, id).await
    }

    /// Creates and finalizes an invoice inside the caller's transaction (a booking's deposit, a
    /// cancellation fee: the invoice and what it is for are written together).
    pub(crate) async fn finalized_in(
        &self,
        conn: &mut sqlx::SqliteConnection,
        input: &InvoiceInput,
    ) -> Result<i64> {
        let draft = self.validated_draft(conn, input).await?;
        let id = store::insert_draft(conn, &draft, &instant_text(self.now())).await?;
        self.finalize_in(conn, id).await?;
        Ok(id)
    }

    /// Cancels a finalized invoice. Its number stays used. Money received must be refunded first.
    pub async fn void_invoice(&self, id: i64) -> Result<Invoice> {
        let mut tx = self.db.write().await?;
        let current = store::get(&mut tx, id).await?;
        match current.state {
            InvoiceState::Draft => {
                return Err(Error::conflict(
                    "A draft can't be voided — delete it instead.",
                ))
            }
            InvoiceState::Void => {
                return Err(Error::conflict(format!(
                    "{} is already void.",
                    label(&current)
                )))
            }
            InvoiceState::Open | InvoiceState::Uncollectible => {}
        }
        if current.paid.amount() > current.refunded.amount() {
            return Err(Error::conflict(format!(
                "{} has {} of payments on it. Refund them before voiding.",
                label(&current),
                current.paid.checked_sub(current.refunded)?
            )));
        }
        store::set_state(&mut tx, id, InvoiceState::Void, &instant_text(self.now())).await?;
        store::refresh(&mut tx, id).await?;
        let invoice = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(invoice)
    }

    /// Writes off what is still owed. Payments that arrive later still count.
    pub async fn mark_uncollectible(&self, id: i64) -> Result<Invoice> {
        let mut tx = self.db.write().await?;
        let current = store::get(&mut tx, id).await?;
        if current.state != InvoiceState::Open || current.amount_due.is_zero() {
            return Err(Error::conflict(format!(
                "Only an unpaid, sent invoice can be written off; {} is {}.",
                label(&current),
                current.status.as_str()
            )));
        }
        store::set_state(
            &mut tx,
            id,
            InvoiceState::Uncollectible,
            &instant_text(self.now()),
        )
        .await?;
        store::refresh(&mut tx, id).await?;
        let invoice = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(invoice)
    }

    pub async fn invoice(&self, id: i64) -> Result<Invoice> {
        let mut conn = self.db.pool().acquire().await?;
        store::get(&mut conn, id).await
    }

    pub async fn invoices(&self, query: &InvoiceQuery) -> Result<InvoicePage> {
        let mut conn = self.db.pool().acquire().await?;
        store::list(&mut conn, query).await
    }
}

/// "INV-2026-0001", or "Draft 12" before it has a number.
pub fn label(invoice: &Invoice) -> String {
    label_of(invoice.number.as_deref(), invoice.id)
}

/// [`label`] from the number and id alone.
pub fn label_of(number: Option<&str>, id: i64) -> String {
    number.map_or_else(|| format!("Draft {id}"), str::to_string)
}

fn ensure_draft(invoice: &Invoice, verb: &str) -> Result<()> {
    if invoice.state == InvoiceState::Draft {
        Ok(())
    } else {
        Err(Error::conflict(format!(
            "{} has been finalized, so it can't be {verb}. Void it and issue a new one instead.",
            label(invoice)
        )))
    }
}
