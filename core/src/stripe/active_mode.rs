//! The mode Paydesk works in when both test and live are connected. Switching changes only what new
//! Stripe work uses; nothing recorded in the other mode is touched or shown as this one's.

use super::{Stripe, StripeError, StripeMode};
use crate::error::Result;

impl Stripe {
    /// The mode new Stripe work uses: the owner's choice while that mode is connected, otherwise
    /// live if connected, otherwise test if connected; `None` when nothing is connected.
    pub async fn active_mode(&self) -> Result<Option<StripeMode>> {
        let status = self.connected_modes().await?;
        let chosen: Option<(String,)> =
            sqlx::query_as("SELECT active_mode FROM stripe_preferences WHERE id = 1")
                .fetch_optional(self.app().db.pool())
                .await?;
        let chosen = chosen.and_then(|(m,)| StripeMode::parse(&m));
        Ok(chosen.filter(|m| status.contains(m)).or_else(|| {
            [StripeMode::Live, StripeMode::Test]
                .into_iter()
                .find(|m| status.contains(m))
        }))
    }

    /// Switches to `mode`, which must be connected.
    pub async fn set_active_mode(&self, mode: StripeMode) -> Result<()> {
        if !self.connected_modes().await?.contains(&mode) {
            return Err(StripeError::NotConnected { mode }.into());
        }
        sqlx::query(
            "INSERT INTO stripe_preferences (id, active_mode) VALUES (1, ?)
             ON CONFLICT (id) DO UPDATE SET active_mode = excluded.active_mode",
        )
        .bind(mode.as_str())
        .execute(self.app().db.pool())
        .await?;
        Ok(())
    }

    async fn connected_modes(&self) -> Result<Vec<StripeMode>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT mode FROM stripe_accounts")
            .fetch_all(self.app().db.pool())
            .await?;
        Ok(rows
            .iter()
            .filter_map(|(m,)| StripeMode::parse(m))
            .collect())
    }
}
