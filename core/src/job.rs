//! Jobs: a contractor's project with a contract total, billed in payment requests — a deposit,
//! progress payments, the final balance, or a custom amount. Each request is an ordinary invoice
//! (so it gets a number, a pay link, a PDF), linked back to its job.
//!
//! Amounts are net of tax: the contract says "€12,000 + VAT", and each request's invoice adds the
//! job's tax rate on its one line. A percentage request is rounded like any amount (half away from
//! zero, to the currency's decimals), and the final request asks for exactly what is left, so the
//! requests always add up to the contract total to the cent.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::{decimal_col, instant_col, instant_text};
use crate::error::{Error, Result};
use crate::invoice::{Invoice, InvoiceInput, LineInput};
use crate::money::{decimal_serde, round, Currency, Money};
use crate::validate::{optional_text, percent, required_text};
use crate::Paydesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RequestKind {
    Deposit,
    Progress,
    /// Whatever is left of the contract.
    Final,
    Custom,
}

crate::invoice::status::text_enum!(RequestKind {
    Deposit = "deposit",
    Progress = "progress",
    Final = "final",
    Custom = "custom",
});

impl RequestKind {
    fn label(self) -> &'static str {
        match self {
            RequestKind::Deposit => "Deposit",
            RequestKind::Progress => "Progress payment",
            RequestKind::Final => "Final payment",
            RequestKind::Custom => "Payment",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JobInput {
    pub client_id: i64,
    pub title: String,
    /// Defaults to the business currency.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub currency: Option<String>,
    /// Net of tax.
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub contract_total: Decimal,
    #[serde(default, with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub tax_rate: Decimal,
    #[serde(default)]
    pub notes: String,
}

/// A request to add to a job: an amount, or a percentage of the contract; a final request takes
/// neither (it asks for what is left).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaymentRequestInput {
    pub kind: RequestKind,
    #[serde(default, with = "decimal_serde::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null", optional))]
    pub amount: Option<Decimal>,
    #[serde(default, with = "decimal_serde::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null", optional))]
    pub percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaymentRequest {
    pub invoice_id: i64,
    pub invoice_number: Option<String>,
    pub kind: RequestKind,
    /// Net of tax.
    pub amount: Money,
    pub status: crate::invoice::InvoiceStatus,
    /// The invoice's total with tax.
    pub total: Money,
    pub paid: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Job {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub title: String,
    pub currency: Currency,
    pub contract_total: Money,
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub tax_rate: Decimal,
    pub notes: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
    /// Oldest first.
    pub requests: Vec<PaymentRequest>,
    /// Net, over requests whose invoice isn't void.
    pub requested: Money,
    /// Net of the contract not yet requested.
    pub remaining: Money,
    /// Received on the requests' invoices (with tax).
    pub paid: Money,
}

impl Paydesk {
    pub async fn create_job(&self, input: &JobInput) -> Result<Job> {
        let mut tx = self.db.write().await?;
        let business = crate::business::store::get(&mut tx).await?;
        let currency = match input.currency.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => {
                Currency::parse(code).map_err(|e| Error::from(e).in_field("currency"))?
            }
            _ => business.currency,
        };
        let title = required_text("title", "Job title", &input.title, 200)?;
        let total = Money::new(input.contract_total, currency)
            .map_err(|e| Error::from(e).in_field("contract_total"))?;
        if !total.is_positive() {
            return Err(Error::invalid(
                "contract_total",
                "The contract total must be more than zero.",
            ));
        }
        let tax_rate = percent("tax_rate", "Tax rate", input.tax_rate, 3)?;
        let notes = optional_text("notes", "Notes", &input.notes, 4000)?;
        crate::client::store::get(&mut tx, input.client_id)
            .await
            .map_err(|e| match e {
                Error::NotFound { .. } => {
                    Error::invalid("client_id", "Choose a client for this job.")
                }
                other => other,
            })?;
        let id = sqlx::query(
            "INSERT INTO jobs (client_id, title, currency, contract_total_minor, tax_rate, notes, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(input.client_id)
        .bind(&title)
        .bind(currency.code())
        .bind(total.to_minor())
        .bind(tax_rate.to_string())
        .bind(&notes)
        .bind(instant_text(self.now()))
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        let job = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(job)
    }

    pub async fn job(&self, id: i64) -> Result<Job> {
        let mut conn = self.db.pool().acquire().await?;
        load(&mut conn, id).await
    }

    /// Every job, newest first.
    pub async fn jobs(&self) -> Result<Vec<Job>> {
        let mut conn = self.db.pool().acquire().await?;
        let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM jobs ORDER BY id DESC")
            .fetch_all(&mut *conn)
            .await?;
        let mut jobs = Vec::with_capacity(ids.len());
        for (id,) in ids {
            jobs.push(load(&mut conn, id).await?);
        }
        Ok(jobs)
    }

    /// Adds a payment request to the job as a draft invoice (finalize it to send it).
    pub async fn request_payment(
        &self,
        job_id: i64,
        input: &PaymentRequestInput,
    ) -> Result<Invoice> {
        let mut tx = self.db.write().await?;
        let job = load(&mut tx, job_id).await?;
        let amount = requested_amount(&job, input)?;
        let mut description = format!("{} — {}", input.kind.label(), job.title);
        if let Some(p) = input.percent.filter(|_| input.kind != RequestKind::Final) {
            description.push_str(&format!(" ({}% of {})", p.normalize(), job.contract_total));
        }
        let invoice_input = InvoiceInput {
            client_id: job.client_id,
            currency: Some(job.currency.code().to_string()),
            lines: vec![LineInput {
                description,
                quantity: Decimal::ONE,
                unit_price: amount.amount(),
                tax_rate: job.tax_rate,
                discount_percent: Decimal::ZERO,
                service_id: None,
            }],
            ..Default::default()
        };
        let draft = self.validated_draft(&mut tx, &invoice_input).await?;
        let invoice_id =
            crate::invoice::store::insert_draft(&mut tx, &draft, &instant_text(self.now())).await?;
        sqlx::query(
            "INSERT INTO job_requests (invoice_id, job_id, kind, amount_minor) VALUES (?, ?, ?, ?)",
        )
        .bind(invoice_id)
        .bind(job_id)
        .bind(input.kind.as_str())
        .bind(amount.to_minor())
        .execute(&mut *tx)
        .await?;
        let invoice = crate::invoice::store::get(&mut tx, invoice_id).await?;
        tx.commit().await?;
        Ok(invoice)
    }
}

/// The net amount a request asks for, checked against what is left of the contract.
fn requested_amount(job: &Job, input: &PaymentRequestInput) -> Result<Money> {
    let remaining = job.remaining;
    if input.kind == RequestKind::Final {
        if input.amount.is_some() || input.percent.is_some() {
            return Err(Error::invalid(
                "amount",
                "A final request asks for whatever is left; leave the amount empty.",
            ));
        }
        if !remaining.is_positive() {
            return Err(Error::conflict(format!(
                "All of \"{}\" has been requested already.",
                job.title
            )));
        }
        return Ok(remaining);
    }
    let amount = match (input.amount, input.percent) {
        (Some(a), None) => {
            Money::new(a, job.currency).map_err(|e| Error::from(e).in_field("amount"))?
        }
        (None, Some(p)) => {
            let p = percent("percent", "The percentage", p, 2)?;
            let part = job.contract_total.amount() * p / Decimal::ONE_HUNDRED;
            Money::new(round(part, job.currency), job.currency)?
        }
        _ => {
            return Err(Error::invalid(
                "amount",
                "Give either an amount or a percentage of the contract.",
            ))
        }
    };
    if !amount.is_positive() {
        return Err(Error::invalid(
            "amount",
            "A request must be for more than zero.",
        ));
    }
    if amount.amount() > remaining.amount() {
        return Err(Error::invalid(
            "amount",
            format!(
                "Only {remaining} of the contract is left to request (of {}).",
                job.contract_total
            ),
        ));
    }
    Ok(amount)
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    client_id: i64,
    client_name: String,
    title: String,
    currency: String,
    contract_total_minor: i64,
    tax_rate: String,
    notes: String,
    created_at: String,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    invoice_id: i64,
    kind: String,
    amount_minor: i64,
    state: String,
}

async fn load(conn: &mut SqliteConnection, id: i64) -> Result<Job> {
    let row: JobRow = sqlx::query_as(
        "SELECT j.id, j.client_id, c.name AS client_name, j.title, j.currency, j.contract_total_minor,
                j.tax_rate, j.notes, j.created_at
         FROM jobs j JOIN clients c ON c.id = j.client_id WHERE j.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound { what: "Job", id })?;
    let currency = Currency::parse(&row.currency)?;
    let rows: Vec<RequestRow> = sqlx::query_as(
        "SELECT r.invoice_id, r.kind, r.amount_minor, i.state
         FROM job_requests r JOIN invoices i ON i.id = r.invoice_id
         WHERE r.job_id = ? ORDER BY r.invoice_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut requests = Vec::with_capacity(rows.len());
    let mut requested = 0_i64;
    let mut paid = Money::zero(currency);
    for r in rows {
        let invoice = crate::invoice::store::get(conn, r.invoice_id).await?;
        if r.state != "void" {
            requested += r.amount_minor;
        }
        paid = paid.checked_add(invoice.paid.checked_sub(invoice.refunded)?)?;
        requests.push(PaymentRequest {
            invoice_id: r.invoice_id,
            invoice_number: invoice.number,
            kind: RequestKind::parse(&r.kind).unwrap_or(RequestKind::Custom),
            amount: Money::from_minor(r.amount_minor, currency),
            status: invoice.status,
            total: invoice.totals.total,
            paid: invoice.paid,
        });
    }
    let contract_total = Money::from_minor(row.contract_total_minor, currency);
    Ok(Job {
        id: row.id,
        client_id: row.client_id,
        client_name: row.client_name,
        title: row.title,
        currency,
        contract_total,
        tax_rate: decimal_col("tax_rate", &row.tax_rate)?,
        notes: row.notes,
        created_at: instant_col("created_at", &row.created_at)?,
        requests,
        requested: Money::from_minor(requested, currency),
        remaining: Money::from_minor(row.contract_total_minor - requested, currency),
        paid,
    })
}
