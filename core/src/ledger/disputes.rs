//! Disputes (chargebacks): opened, funds withdrawn, won or lost. The invoice keeps its payment —
//! the client did pay — while the dispute and its balance movements are recorded for the owner
//! and the bookkeeper.

use super::objects::Dispute;
use super::{balance, money_of, Applied, Ctx};
use crate::activity::{ActivityKind, NewActivity};
use crate::db::instant_text;
use crate::error::Result;

pub async fn apply_dispute(ctx: &mut Ctx<'_>, dispute: &Dispute) -> Result<Applied> {
    for bt in &dispute.balance_transactions {
        balance::upsert(ctx, bt, None).await?;
    }
    let amount = money_of(dispute.amount, &dispute.currency)?;
    let withdrawn = dispute.balance_transactions.iter().any(|bt| bt.amount < 0);
    let payment: Option<(i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, invoice_id, client_name FROM stripe_payments
         WHERE charge_id = ? OR payment_intent = ?",
    )
    .bind(&dispute.charge)
    .bind(dispute.payment_intent.as_deref().unwrap_or(""))
    .fetch_optional(&mut *ctx.conn)
    .await?;
    let was: Option<(String,)> = sqlx::query_as("SELECT status FROM stripe_disputes WHERE id = ?")
        .bind(&dispute.id)
        .fetch_optional(&mut *ctx.conn)
        .await?;
    sqlx::query(
        "INSERT INTO stripe_disputes (id, mode, stripe_payment_id, charge_id, amount_minor, currency,
                                      status, reason, funds_withdrawn, stripe_created, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET stripe_payment_id = excluded.stripe_payment_id,
            amount_minor = excluded.amount_minor, status = excluded.status,
            reason = excluded.reason, funds_withdrawn = excluded.funds_withdrawn,
            updated_at = excluded.updated_at",
    )
    .bind(&dispute.id)
    .bind(ctx.mode.as_str())
    .bind(payment.as_ref().map(|p| p.0))
    .bind(&dispute.charge)
    .bind(amount.to_minor())
    .bind(amount.currency().code())
    .bind(&dispute.status)
    .bind(dispute.reason.as_deref().unwrap_or(""))
    .bind(withdrawn)
    .bind(dispute.created)
    .bind(instant_text(ctx.now))
    .execute(&mut *ctx.conn)
    .await?;

    let invoice_id = payment.as_ref().and_then(|p| p.1);
    let label = match invoice_id {
        Some(id) => crate::invoice::label(&crate::invoice::store::get(ctx.conn, id).await?),
        None => format!("a Stripe payment ({})", dispute.charge),
    };
    let who = payment
        .as_ref()
        .map(|p| p.2.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "the client".into());
    let shown = ctx.show(amount);
    let reason = dispute
        .reason
        .as_deref()
        .unwrap_or("general")
        .replace('_', " ");
    let was = was.map(|(s,)| s);
    let (kind, message) = match dispute.status.as_str() {
        "won" => (
            ActivityKind::DisputeWon,
            format!("Dispute on {label} won: {shown} comes back to you."),
        ),
        "lost" => (
            ActivityKind::DisputeLost,
            format!("Dispute on {label} lost: {shown} went back to {who}."),
        ),
        _ => (
            ActivityKind::DisputeOpened,
            format!(
                "Dispute opened on {label} by {who} ({reason}): {shown} is held by Stripe. \
                 Respond in the Stripe Dashboard before the deadline."
            ),
        ),
    };
    let closed = matches!(dispute.status.as_str(), "won" | "lost");
    let news = match was.as_deref() {
        None => true,
        Some(w) => closed && w != dispute.status,
    };
    let mut applied = Applied::note(format!(
        "Dispute {} on {label}: {}",
        dispute.id, dispute.status
    ));
    if news {
        applied
            .activity
            .push(NewActivity::new(kind, invoice_id, message));
    }
    Ok(applied)
}
