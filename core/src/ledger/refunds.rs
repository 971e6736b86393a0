//! Refunds at Stripe, whether made in Paydesk or in the Stripe Dashboard. A refund Paydesk asked
//! for carries its local key in metadata, so its event finds the row written before the request
//! and is never counted twice.

use super::objects::Refund;
use super::{balance, money_of, Applied, Ctx};
use crate::activity::{ActivityKind, NewActivity};
use crate::db::instant_text;
use crate::error::Result;
use crate::invoice::store as invoice_store;

/// Metadata naming the local refund row's idempotency key.
pub const METADATA_REFUND_KEY: &str = "paydesk_refund_key";

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: i64,
    invoice_id: Option<i64>,
    payment_id: Option<i64>,
    client_name: String,
}

#[derive(sqlx::FromRow)]
struct RefundRow {
    id: i64,
    status: String,
    refund_id: Option<i64>,
    reason: String,
}

/// Brings a refund (fetched with `balance_transaction` expanded) in line with Stripe. The payment
/// it refunds must have been applied first.
pub async fn apply_refund(ctx: &mut Ctx<'_>, refund: &Refund) -> Result<Applied> {
    let payment: Option<PaymentRow> = sqlx::query_as(
        "SELECT id, invoice_id, payment_id, client_name FROM stripe_payments
         WHERE payment_intent = ? OR (charge_id IS NOT NULL AND charge_id = ?)",
    )
    .bind(refund.payment_intent.as_deref().unwrap_or(""))
    .bind(refund.charge.as_deref().unwrap_or(""))
    .fetch_optional(&mut *ctx.conn)
    .await?;
    let Some(payment) = payment else {
        return Ok(Applied::note(format!(
            "{} refunds a payment Paydesk doesn't know",
            refund.id
        )));
    };
    if let Some(bt) = refund.balance_transaction.as_ref().and_then(|b| b.object()) {
        balance::upsert(ctx, bt, None).await?;
    }
    let amount = money_of(refund.amount, &refund.currency)?;
    let status = match refund.status.as_deref() {
        Some(s @ ("pending" | "succeeded" | "failed" | "canceled")) => s,
        Some("requires_action") => "pending",
        _ => "succeeded",
    };
    let now = instant_text(ctx.now);
    let by_id: Option<RefundRow> = sqlx::query_as(
        "SELECT id, status, refund_id, reason FROM stripe_refunds WHERE stripe_id = ?",
    )
    .bind(&refund.id)
    .fetch_optional(&mut *ctx.conn)
    .await?;
    let row =
        match by_id {
            Some(r) => Some(r),
            None => match refund.metadata.get(METADATA_REFUND_KEY) {
                Some(key) => sqlx::query_as(
                    "SELECT id, status, refund_id, reason FROM stripe_refunds WHERE create_key = ?",
                )
                .bind(key)
                .fetch_optional(&mut *ctx.conn)
                .await?,
                None => None,
            },
        };
    let (row_id, was, local_refund, owner_reason) = match row {
        Some(r) => (r.id, Some(r.status), r.refund_id, r.reason),
        None => {
            let id = sqlx::query(
                "INSERT INTO stripe_refunds (mode, stripe_id, stripe_payment_id, status, amount_minor,
                                             currency, reason, stripe_created, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(ctx.mode.as_str())
            .bind(&refund.id)
            .bind(payment.id)
            .bind(status)
            .bind(amount.to_minor())
            .bind(amount.currency().code())
            .bind(refund.reason.as_deref().unwrap_or(""))
            .bind(refund.created)
            .bind(&now)
            .bind(&now)
            .execute(&mut *ctx.conn)
            .await?
            .last_insert_rowid();
            (id, None, None, String::new())
        }
    };
    sqlx::query(
        "UPDATE stripe_refunds SET stripe_id = ?, status = ?, amount_minor = ?, failure_message = ?,
                balance_transaction = ?, stripe_created = ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(&refund.id)
    .bind(status)
    .bind(amount.to_minor())
    .bind(refund.failure_reason.as_deref())
    .bind(refund.balance_transaction.as_ref().map(|b| b.id().to_string()))
    .bind(refund.created)
    .bind(&now)
    .bind(row_id)
    .execute(&mut *ctx.conn)
    .await?;

    let counts = matches!(status, "pending" | "succeeded");
    let mut applied = Applied::default();
    let shown = ctx.show(amount);
    match (counts, local_refund, payment.payment_id, payment.invoice_id) {
        (true, None, Some(payment_id), Some(invoice_id)) => {
            let local = sqlx::query(
                "INSERT INTO refunds (payment_id, invoice_id, amount_minor, currency, reason, refunded_on, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(payment_id)
            .bind(invoice_id)
            .bind(amount.to_minor())
            .bind(amount.currency().code())
            .bind(if owner_reason.is_empty() {
                refund_reason_words(refund.reason.as_deref())
            } else {
                owner_reason.clone()
            })
            .bind(ctx.date_of(refund.created))
            .bind(&now)
            .execute(&mut *ctx.conn)
            .await?
            .last_insert_rowid();
            sqlx::query("UPDATE stripe_refunds SET refund_id = ? WHERE id = ?")
                .bind(local)
                .bind(row_id)
                .execute(&mut *ctx.conn)
                .await?;
            invoice_store::refresh(ctx.conn, invoice_id).await?;
            let inv = invoice_store::get(ctx.conn, invoice_id).await?;
            let label = crate::invoice::label(&inv);
            applied.outcome = format!("Refund of {shown} on {label}");
            applied.activity.push(NewActivity::new(
                ActivityKind::Refund,
                Some(invoice_id),
                format!("Refunded {shown} to {} on {label}", payment.client_name),
            ));
            applied.invoices.push(invoice_id);
        }
        (false, Some(local), _, Some(invoice_id)) => {
            // Failed or canceled: the money never left, so the refund no longer counts.
            sqlx::query("UPDATE stripe_refunds SET refund_id = NULL WHERE id = ?")
                .bind(row_id)
                .execute(&mut *ctx.conn)
                .await?;
            sqlx::query("DELETE FROM refunds WHERE id = ?")
                .bind(local)
                .execute(&mut *ctx.conn)
                .await?;
            invoice_store::refresh(ctx.conn, invoice_id).await?;
            let inv = invoice_store::get(ctx.conn, invoice_id).await?;
            let label = crate::invoice::label(&inv);
            applied.outcome = format!("Refund of {shown} on {label} {status}");
            applied.activity.push(NewActivity::new(
                ActivityKind::RefundFailed,
                Some(invoice_id),
                format!(
                    "The refund of {shown} on {label} didn't go through ({}); the money is still yours.",
                    refund.failure_reason.as_deref().unwrap_or(status)
                ),
            ));
            applied.invoices.push(invoice_id);
        }
        _ if was.as_deref() == Some(status) => {
            applied.outcome = format!("{} unchanged ({status})", refund.id);
        }
        _ => {
            applied.outcome = format!("Refund {} of {shown} is {status}", refund.id);
        }
    }
    Ok(applied)
}

fn refund_reason_words(reason: Option<&str>) -> String {
    match reason {
        Some("duplicate") => "Duplicate payment".into(),
        Some("fraudulent") => "Fraudulent payment".into(),
        Some("requested_by_customer") => "Requested by the client".into(),
        Some(other) => other.replace('_', " "),
        None => "Refunded through Stripe".into(),
    }
}
