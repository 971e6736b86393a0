//! A client's Stripe customer and the cards saved on it (brand, last 4, expiry — never the number).

use super::objects::{CardDetails, Customer, PaymentMethod};
use super::{Applied, Ctx};
use crate::db::instant_text;
use crate::error::Result;

/// Notes that `customer` is this client's Stripe customer.
pub async fn link_customer(ctx: &mut Ctx<'_>, customer: &str, client_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO stripe_customers (id, mode, client_id, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET client_id = COALESCE(client_id, excluded.client_id)",
    )
    .bind(customer)
    .bind(ctx.mode.as_str())
    .bind(client_id)
    .bind(instant_text(ctx.now))
    .execute(&mut *ctx.conn)
    .await?;
    Ok(())
}

pub async fn save_card(
    ctx: &mut Ctx<'_>,
    payment_method: &str,
    customer: &str,
    card: &CardDetails,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO saved_cards (id, mode, customer, brand, last4, exp_month, exp_year, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET customer = excluded.customer, brand = excluded.brand,
            last4 = excluded.last4, exp_month = excluded.exp_month, exp_year = excluded.exp_year,
            detached = 0, updated_at = excluded.updated_at",
    )
    .bind(payment_method)
    .bind(ctx.mode.as_str())
    .bind(customer)
    .bind(card.brand.as_deref().unwrap_or("card"))
    .bind(card.last4.as_deref().unwrap_or(""))
    .bind(card.exp_month.unwrap_or(0))
    .bind(card.exp_year.unwrap_or(0))
    .bind(instant_text(ctx.now))
    .execute(&mut *ctx.conn)
    .await?;
    Ok(())
}

/// A customer's name, email, or deletion. Only customers Paydesk already links to a client are
/// kept: the Stripe account may hold many that have nothing to do with Paydesk.
pub async fn apply_customer(ctx: &mut Ctx<'_>, customer: &Customer) -> Result<Applied> {
    let done = sqlx::query(
        "UPDATE stripe_customers SET email = ?, name = ?, deleted = ?, updated_at = ? WHERE id = ?",
    )
    .bind(customer.email.as_deref().unwrap_or(""))
    .bind(customer.name.as_deref().unwrap_or(""))
    .bind(customer.deleted)
    .bind(instant_text(ctx.now))
    .bind(&customer.id)
    .execute(&mut *ctx.conn)
    .await?
    .rows_affected();
    if customer.deleted {
        sqlx::query("UPDATE saved_cards SET detached = 1 WHERE customer = ?")
            .bind(&customer.id)
            .execute(&mut *ctx.conn)
            .await?;
    }
    Ok(Applied::note(if done > 0 {
        format!("Customer {} updated", customer.id)
    } else {
        format!("Customer {} isn't a Paydesk client's", customer.id)
    }))
}

/// A card attached to (or detached from) a customer Paydesk knows.
pub async fn apply_payment_method(ctx: &mut Ctx<'_>, pm: &PaymentMethod) -> Result<Applied> {
    let Some(card) = &pm.card else {
        return Ok(Applied::note(format!("{} isn't a card", pm.id)));
    };
    match &pm.customer {
        Some(customer) => {
            let known: Option<(String,)> =
                sqlx::query_as("SELECT id FROM stripe_customers WHERE id = ?")
                    .bind(customer)
                    .fetch_optional(&mut *ctx.conn)
                    .await?;
            if known.is_none() {
                return Ok(Applied::note(format!(
                    "{} belongs to a customer Paydesk doesn't know",
                    pm.id
                )));
            }
            save_card(ctx, &pm.id, customer, card).await?;
            Ok(Applied::note(format!("Card {} saved", pm.id)))
        }
        None => {
            sqlx::query("UPDATE saved_cards SET detached = 1, updated_at = ? WHERE id = ?")
                .bind(instant_text(ctx.now))
                .bind(&pm.id)
                .execute(&mut *ctx.conn)
                .await?;
            Ok(Applied::note(format!("Card {} removed", pm.id)))
        }
    }
}
