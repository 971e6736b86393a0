//! Removing a client's saved card, and the cards about to expire.
//!
//! Removal detaches the card at Stripe (a detached card can never be charged again) before it
//! leaves the client page; a card Stripe no longer has is simply marked removed.

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::send_recorded;
use crate::error::{Error, Result};
use crate::stripe::{Stripe, StripeError, StripeMode};
use crate::Paydesk;

/// A saved card that stops working this month or next, for the owner to ask for a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExpiringCard {
    pub client_id: i64,
    pub client_name: String,
    pub card: String,
    /// "visa •••• 4242"
    pub label: String,
    pub exp_month: u32,
    pub exp_year: u32,
}

impl Stripe {
    /// Detaches the card from the client at Stripe and forgets it here.
    pub async fn remove_card(&self, client_id: i64, card: &str) -> Result<()> {
        let app = self.app();
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT c.mode FROM saved_cards c JOIN stripe_customers s ON s.id = c.customer
             WHERE c.id = ? AND s.client_id = ? AND c.detached = 0",
        )
        .bind(card)
        .bind(client_id)
        .fetch_optional(app.db.pool())
        .await?;
        let Some((mode,)) = row else {
            return Err(Error::NotFound {
                what: "Saved card",
                id: client_id,
            });
        };
        let mode = StripeMode::parse(&mode).unwrap_or(StripeMode::Test);
        let key = self.new_write_key(mode, "payment_method.detach").await?;
        let response = send_recorded(
            self,
            mode,
            &format!("/payment_methods/{card}/detach"),
            key.as_str(),
            "",
        )
        .await?;
        // 400/404: not attached any more (removed in the Dashboard) — as removed as it gets.
        if !response.is_success() && !matches!(response.status, 400 | 404) {
            return Err(StripeError::from_response(
                response.status,
                &response.body,
                "removing the card",
            )
            .into());
        }
        sqlx::query("UPDATE saved_cards SET detached = 1, updated_at = ? WHERE id = ?")
            .bind(crate::db::instant_text(app.now()))
            .bind(card)
            .execute(app.db.pool())
            .await?;
        Ok(())
    }
}

impl Paydesk {
    /// Saved cards that expire at the end of this month or next, soonest first.
    pub async fn expiring_cards(&self) -> Result<Vec<ExpiringCard>> {
        let today = self.now().date_naive();
        let (y, m) = (today.year(), today.month());
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let rows: Vec<(i64, String, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT s.client_id, cl.name, c.id, c.brand, c.last4, c.exp_month, c.exp_year
             FROM saved_cards c JOIN stripe_customers s ON s.id = c.customer
             JOIN clients cl ON cl.id = s.client_id
             WHERE c.detached = 0 AND s.deleted = 0
               AND ((c.exp_year = ?1 AND c.exp_month = ?2) OR (c.exp_year = ?3 AND c.exp_month = ?4))
             ORDER BY c.exp_year, c.exp_month, cl.name",
        )
        .bind(y)
        .bind(m)
        .bind(ny)
        .bind(nm)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(client_id, client_name, card, brand, last4, m, y)| ExpiringCard {
                    client_id,
                    client_name,
                    card,
                    label: format!("{brand} •••• {last4}"),
                    exp_month: u32::try_from(m).unwrap_or(0),
                    exp_year: u32::try_from(y).unwrap_or(0),
                },
            )
            .collect())
    }
}
