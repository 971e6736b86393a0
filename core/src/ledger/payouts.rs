//! Payouts to the owner's bank, with the balance transactions each one pays out, so a bank deposit
//! can be matched line by line.

use super::objects::{BalanceTransaction, Payout};
use super::{balance, money_of, Applied, Ctx};
use crate::activity::{ActivityKind, NewActivity};
use crate::db::instant_text;
use crate::error::Result;

/// `members` are the payout's balance transactions when they were listed (after Stripe reconciled
/// the payout); `None` when not (yet) known.
pub async fn apply_payout(
    ctx: &mut Ctx<'_>,
    payout: &Payout,
    members: Option<&[BalanceTransaction]>,
) -> Result<Applied> {
    if let Some(bt) = payout.balance_transaction.as_ref().and_then(|b| b.object()) {
        balance::upsert(ctx, bt, Some(&payout.id)).await?;
    }
    if let Some(members) = members {
        for bt in members {
            balance::upsert(ctx, bt, Some(&payout.id)).await?;
        }
    }
    let amount = money_of(payout.amount, &payout.currency)?;
    let was: Option<(String,)> = sqlx::query_as("SELECT status FROM stripe_payouts WHERE id = ?")
        .bind(&payout.id)
        .fetch_optional(&mut *ctx.conn)
        .await?;
    sqlx::query(
        "INSERT INTO stripe_payouts (id, mode, amount_minor, currency, status, arrival_date,
                                     failure_message, reconciled, stripe_created, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET amount_minor = excluded.amount_minor,
            status = excluded.status, arrival_date = excluded.arrival_date,
            failure_message = excluded.failure_message,
            reconciled = MAX(reconciled, excluded.reconciled), updated_at = excluded.updated_at",
    )
    .bind(&payout.id)
    .bind(ctx.mode.as_str())
    .bind(amount.to_minor())
    .bind(amount.currency().code())
    .bind(&payout.status)
    .bind(payout.arrival_date)
    .bind(payout.failure_message.as_deref())
    .bind(members.is_some())
    .bind(payout.created)
    .bind(instant_text(ctx.now))
    .execute(&mut *ctx.conn)
    .await?;
    let shown = ctx.show(amount);
    let mut applied = Applied::note(format!(
        "Payout {} of {shown}: {}",
        payout.id, payout.status
    ));
    let changed = was.as_ref().map(|(s,)| s.as_str()) != Some(payout.status.as_str());
    if changed {
        match payout.status.as_str() {
            "paid" => applied.activity.push(NewActivity::new(
                ActivityKind::PayoutPaid,
                None,
                format!(
                    "Stripe paid out {shown} to your bank (arriving {}).",
                    ctx.date_of(payout.arrival_date).format("%-d %b %Y")
                ),
            )),
            "failed" | "canceled" => applied.activity.push(NewActivity::new(
                ActivityKind::PayoutFailed,
                None,
                format!(
                    "The payout of {shown} to your bank {}: {}",
                    payout.status,
                    payout
                        .failure_message
                        .as_deref()
                        .unwrap_or("check your bank details in the Stripe Dashboard")
                ),
            )),
            _ => {}
        }
    }
    Ok(applied)
}
