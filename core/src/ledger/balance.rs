//! Balance transactions: every movement of the Stripe balance, kept for the bookkeeper's reports.

use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqliteArguments};

use super::objects::BalanceTransaction;
use super::{money_of, Ctx};
use crate::error::Result;
use crate::stripe::StripeMode;

/// Writes (or refreshes) a balance transaction; its arguments are bound by [`bind_upsert`].
pub(super) const UPSERT: &str = "INSERT INTO stripe_balance_transactions
        (id, mode, type, reporting_category, source, amount_minor, fee_minor, net_minor, currency,
         description, stripe_created, available_on, payout_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET
        type = excluded.type, reporting_category = excluded.reporting_category,
        source = COALESCE(excluded.source, source), amount_minor = excluded.amount_minor,
        fee_minor = excluded.fee_minor, net_minor = excluded.net_minor,
        description = excluded.description, available_on = excluded.available_on,
        payout_id = COALESCE(excluded.payout_id, payout_id)";

/// Binds [`UPSERT`]'s arguments, in order, to `q` — which may hold other statements before it.
pub(super) fn bind_upsert<'q>(
    q: Query<'q, Sqlite, SqliteArguments<'q>>,
    mode: StripeMode,
    bt: &'q BalanceTransaction,
    payout: Option<&'q str>,
) -> Result<Query<'q, Sqlite, SqliteArguments<'q>>> {
    let amount = money_of(bt.amount, &bt.currency)?;
    let fee = money_of(bt.fee, &bt.currency)?;
    let net = money_of(bt.net, &bt.currency)?;
    Ok(q.bind(&bt.id)
        .bind(mode.as_str())
        .bind(&bt.kind)
        .bind(bt.reporting_category.as_deref().unwrap_or(""))
        .bind(bt.source_id())
        .bind(amount.to_minor())
        .bind(fee.to_minor())
        .bind(net.to_minor())
        .bind(amount.currency().code())
        .bind(bt.description.as_deref().unwrap_or(""))
        .bind(bt.created)
        .bind(bt.available_on)
        .bind(payout))
}

/// Writes (or refreshes) a balance transaction. `payout` is set when it is known to be part of one.
pub async fn upsert(
    ctx: &mut Ctx<'_>,
    bt: &BalanceTransaction,
    payout: Option<&str>,
) -> Result<()> {
    bind_upsert(sqlx::query(UPSERT), ctx.mode, bt, payout)?
        .execute(&mut *ctx.conn)
        .await?;
    Ok(())
}
