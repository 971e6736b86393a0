//! The business's rules for taking money around bookings: the deposit a booking asks for (business
//! wide or per service), how long a booking waits for it, whether sending an invoice charges a
//! saved card (business default, per-client override), and the fee for a late cancellation or a
//! no-show.
//!
//! Rounding: a percentage of an amount is rounded once, half away from zero, to the currency's
//! decimals (30 % of 45.55 EUR = 13.665 → 13.67); a fixed amount never asks for more than the
//! amount it is taken from.

use chrono::Duration;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::invoice::status::text_enum;
use crate::money::{decimal_serde, round, Money};
use crate::Paydesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RuleKind {
    None,
    /// A percentage of the price.
    Percent,
    /// A fixed amount in the booking's currency.
    Fixed,
}

text_enum!(RuleKind { None = "none", Percent = "percent", Fixed = "fixed" });

/// "30 %", "€20" or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AmountRule {
    pub kind: RuleKind,
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub value: Decimal,
}

impl AmountRule {
    pub const NONE: AmountRule = AmountRule {
        kind: RuleKind::None,
        value: Decimal::ZERO,
    };

    /// What the rule asks of `price`: never more than the price, never negative.
    pub fn of(&self, price: Money) -> Money {
        let currency = price.currency();
        let asked = match self.kind {
            RuleKind::None => Decimal::ZERO,
            RuleKind::Percent => {
                round(price.amount() * self.value / Decimal::ONE_HUNDRED, currency)
            }
            RuleKind::Fixed => round(self.value, currency),
        };
        Money::rounded(asked.min(price.amount()).max(Decimal::ZERO), currency)
    }

    fn checked(self, field: &str, what: &str, min_percent: Decimal) -> Result<AmountRule> {
        match self.kind {
            RuleKind::None => Ok(AmountRule::NONE),
            RuleKind::Percent => {
                if self.value < min_percent || self.value > Decimal::ONE_HUNDRED {
                    return Err(Error::invalid(
                        field,
                        format!("{what} must be between {min_percent}% and 100%."),
                    ));
                }
                if self.value.normalize().scale() > 2 {
                    return Err(Error::invalid(
                        field,
                        format!("{what} can have at most 2 decimal places."),
                    ));
                }
                Ok(AmountRule {
                    kind: self.kind,
                    value: self.value.normalize(),
                })
            }
            RuleKind::Fixed => {
                if self.value <= Decimal::ZERO || self.value.normalize().scale() > 3 {
                    return Err(Error::invalid(
                        field,
                        format!("{what} must be an amount more than zero, like 20 or 12.50."),
                    ));
                }
                Ok(AmountRule {
                    kind: self.kind,
                    value: self.value.normalize(),
                })
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum UnpaidDeposit {
    /// Cancel the booking and free the slot.
    Release,
    /// Keep the booking; the owner decides.
    Keep,
}

text_enum!(UnpaidDeposit { Release = "release", Keep = "keep" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BookingPolicy {
    /// Business-wide deposit; a service's own rule wins.
    pub deposit: AmountRule,
    pub deposit_hold_hours: u32,
    pub unpaid_deposit: UnpaidDeposit,
    /// Sending an invoice charges the client's saved card (a client's own choice wins).
    pub auto_charge: bool,
    /// Cancelling less than this many hours before the start is late.
    pub cancel_window_hours: u32,
    /// Asked for a late cancellation or a no-show: a fixed fee or a percentage of the price.
    pub cancel_fee: AmountRule,
}

impl BookingPolicy {
    pub fn deposit_hold(&self) -> Duration {
        Duration::hours(i64::from(self.deposit_hold_hours))
    }
}

pub(crate) mod store {
    use super::*;

    #[derive(sqlx::FromRow)]
    struct Row {
        deposit_kind: String,
        deposit_value: String,
        deposit_hold_hours: i64,
        unpaid_deposit: String,
        auto_charge: bool,
        cancel_window_hours: i64,
        cancel_fee_kind: String,
        cancel_fee_value: String,
    }

    pub(crate) fn rule(kind: &str, value: &str) -> AmountRule {
        AmountRule {
            kind: RuleKind::parse(kind).unwrap_or(RuleKind::None),
            value: value.parse().unwrap_or_default(),
        }
    }

    pub async fn get(conn: &mut SqliteConnection) -> Result<BookingPolicy> {
        let r: Row = sqlx::query_as(
            "SELECT deposit_kind, deposit_value, deposit_hold_hours, unpaid_deposit, auto_charge,
                    cancel_window_hours, cancel_fee_kind, cancel_fee_value
             FROM booking_policy WHERE id = 1",
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(BookingPolicy {
            deposit: rule(&r.deposit_kind, &r.deposit_value),
            deposit_hold_hours: r.deposit_hold_hours.clamp(1, 720) as u32,
            unpaid_deposit: UnpaidDeposit::parse(&r.unpaid_deposit)
                .unwrap_or(UnpaidDeposit::Release),
            auto_charge: r.auto_charge,
            cancel_window_hours: r.cancel_window_hours.clamp(0, 720) as u32,
            cancel_fee: rule(&r.cancel_fee_kind, &r.cancel_fee_value),
        })
    }

    /// The deposit rule for a service: its own, or the business's.
    pub async fn service_deposit(
        conn: &mut SqliteConnection,
        service_id: i64,
    ) -> Result<Option<AmountRule>> {
        let own: Option<(String, String)> =
            sqlx::query_as("SELECT kind, value FROM service_deposits WHERE service_id = ?")
                .bind(service_id)
                .fetch_optional(&mut *conn)
                .await?;
        Ok(own.map(|(k, v)| rule(&k, &v)))
    }

    /// Whether sending this client's invoices charges their saved card.
    pub async fn auto_charges(conn: &mut SqliteConnection, client_id: i64) -> Result<bool> {
        let own: Option<(bool,)> =
            sqlx::query_as("SELECT auto_charge FROM client_auto_charge WHERE client_id = ?")
                .bind(client_id)
                .fetch_optional(&mut *conn)
                .await?;
        match own {
            Some((on,)) => Ok(on),
            None => Ok(get(conn).await?.auto_charge),
        }
    }
}

impl Paydesk {
    pub async fn booking_policy(&self) -> Result<BookingPolicy> {
        let mut conn = self.db.pool().acquire().await?;
        store::get(&mut conn).await
    }

    pub async fn set_booking_policy(&self, p: &BookingPolicy) -> Result<BookingPolicy> {
        let deposit = p.deposit.checked("deposit", "The deposit", Decimal::TEN)?;
        let fee = p
            .cancel_fee
            .checked("cancel_fee", "The cancellation fee", Decimal::ONE)?;
        if !(1..=720).contains(&p.deposit_hold_hours) {
            return Err(Error::invalid(
                "deposit_hold_hours",
                "Wait between 1 hour and 30 days (720 hours) for a deposit.",
            ));
        }
        if p.cancel_window_hours > 720 {
            return Err(Error::invalid(
                "cancel_window_hours",
                "The cancellation window can be at most 30 days (720 hours).",
            ));
        }
        let mut tx = self.db.write().await?;
        sqlx::query(
            "UPDATE booking_policy SET deposit_kind = ?, deposit_value = ?, deposit_hold_hours = ?,
                    unpaid_deposit = ?, auto_charge = ?, cancel_window_hours = ?,
                    cancel_fee_kind = ?, cancel_fee_value = ?, updated_at = ?
             WHERE id = 1",
        )
        .bind(deposit.kind.as_str())
        .bind(deposit.value.to_string())
        .bind(p.deposit_hold_hours)
        .bind(p.unpaid_deposit.as_str())
        .bind(p.auto_charge)
        .bind(p.cancel_window_hours)
        .bind(fee.kind.as_str())
        .bind(fee.value.to_string())
        .bind(instant_text(self.now()))
        .execute(&mut *tx)
        .await?;
        let saved = store::get(&mut tx).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// A service's own deposit rule; `None` follows the business-wide rule.
    pub async fn service_deposit(&self, service_id: i64) -> Result<Option<AmountRule>> {
        let mut conn = self.db.pool().acquire().await?;
        store::service_deposit(&mut conn, service_id).await
    }

    pub async fn set_service_deposit(
        &self,
        service_id: i64,
        rule: Option<AmountRule>,
    ) -> Result<Option<AmountRule>> {
        let mut tx = self.db.write().await?;
        crate::service::store::get(&mut tx, service_id).await?;
        match rule {
            None => {
                sqlx::query("DELETE FROM service_deposits WHERE service_id = ?")
                    .bind(service_id)
                    .execute(&mut *tx)
                    .await?;
            }
            Some(rule) => {
                let rule = rule.checked("deposit", "The deposit", Decimal::TEN)?;
                sqlx::query(
                    "INSERT INTO service_deposits (service_id, kind, value) VALUES (?, ?, ?)
                     ON CONFLICT (service_id) DO UPDATE SET kind = excluded.kind, value = excluded.value",
                )
                .bind(service_id)
                .bind(rule.kind.as_str())
                .bind(rule.value.to_string())
                .execute(&mut *tx)
                .await?;
            }
        }
        let saved = store::service_deposit(&mut tx, service_id).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// The client's own auto-charge choice; `None` follows the business default.
    pub async fn client_auto_charge(&self, client_id: i64) -> Result<Option<bool>> {
        let own: Option<(bool,)> =
            sqlx::query_as("SELECT auto_charge FROM client_auto_charge WHERE client_id = ?")
                .bind(client_id)
                .fetch_optional(self.db.pool())
                .await?;
        Ok(own.map(|(on,)| on))
    }

    pub async fn set_client_auto_charge(&self, client_id: i64, on: Option<bool>) -> Result<()> {
        let mut tx = self.db.write().await?;
        crate::client::store::get(&mut tx, client_id).await?;
        match on {
            None => {
                sqlx::query("DELETE FROM client_auto_charge WHERE client_id = ?")
                    .bind(client_id)
                    .execute(&mut *tx)
                    .await?;
            }
            Some(on) => {
                sqlx::query(
                    "INSERT INTO client_auto_charge (client_id, auto_charge) VALUES (?, ?)
                     ON CONFLICT (client_id) DO UPDATE SET auto_charge = excluded.auto_charge",
                )
                .bind(client_id)
                .bind(on)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn eur(s: &str) -> Money {
        Money::new(s.parse().unwrap(), Currency::parse("EUR").unwrap()).unwrap()
    }

    #[test]
    fn percentages_round_half_away_from_zero_and_fixed_amounts_never_exceed_the_price() {
        let pct = |v: &str| AmountRule {
            kind: RuleKind::Percent,
            value: v.parse().unwrap(),
        };
        assert_eq!(pct("30").of(eur("45.55")), eur("13.67"));
        assert_eq!(pct("30").of(eur("100.00")), eur("30.00"));
        assert_eq!(pct("100").of(eur("45.55")), eur("45.55"));
        let fixed = AmountRule {
            kind: RuleKind::Fixed,
            value: "20".parse().unwrap(),
        };
        assert_eq!(fixed.of(eur("45.00")), eur("20.00"));
        assert_eq!(fixed.of(eur("15.00")), eur("15.00"));
        let jpy = Money::new("4999".parse().unwrap(), Currency::parse("JPY").unwrap()).unwrap();
        assert_eq!(
            pct("25").of(jpy).amount(),
            "1250".parse::<Decimal>().unwrap()
        );
        assert!(AmountRule::NONE.of(eur("45.00")).is_zero());
    }

    #[test]
    fn deposits_below_ten_percent_are_refused() {
        let r = AmountRule {
            kind: RuleKind::Percent,
            value: "5".parse().unwrap(),
        };
        let e = r
            .checked("deposit", "The deposit", Decimal::TEN)
            .unwrap_err();
        assert_eq!(e.field(), Some("deposit"));
        assert!(e.to_string().contains("between 10% and 100%"), "{e}");
    }
}
