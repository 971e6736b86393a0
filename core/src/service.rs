//! Services: what a business sells by the appointment (a haircut, an hour of plumbing), with a
//! duration for the calendar and a price and tax rate for the invoice.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::{decimal_col, instant_text};
use crate::error::{Error, Result};
use crate::money::{decimal_serde, Currency, Money};
use crate::validate::{percent, required_text};
use crate::Paydesk;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub duration_minutes: u32,
    pub price: Money,
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub tax_rate: Decimal,
    pub active: bool,
}

impl Service {
    /// The price a client pays: with tax, rounded like an invoice line.
    pub fn price_with_tax(&self) -> Money {
        let tax = crate::money::round(
            self.price.amount() * self.tax_rate / Decimal::ONE_HUNDRED,
            self.price.currency(),
        );
        Money::rounded(self.price.amount() + tax, self.price.currency())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceInput {
    pub name: String,
    pub duration_minutes: u32,
    #[serde(with = "decimal_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub price: Decimal,
    /// Defaults to the business currency.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub currency: Option<String>,
    #[serde(with = "decimal_serde", default)]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub tax_rate: Decimal,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

struct ValidService {
    name: String,
    duration_minutes: u32,
    price: Money,
    tax_rate: Decimal,
    active: bool,
}

impl ServiceInput {
    fn validated(&self, default_currency: Currency) -> Result<ValidService> {
        let currency = match &self.currency {
            Some(code) => Currency::parse(code).map_err(|e| Error::from(e).in_field("currency"))?,
            None => default_currency,
        };
        if !(1..=1440).contains(&self.duration_minutes) {
            return Err(Error::invalid(
                "duration_minutes",
                "Duration must be between 1 minute and 24 hours.",
            ));
        }
        if self.price < Decimal::ZERO {
            return Err(Error::invalid("price", "The price can't be negative."));
        }
        Ok(ValidService {
            name: required_text("name", "Name", &self.name, 200)?,
            duration_minutes: self.duration_minutes,
            price: Money::new(self.price, currency)
                .map_err(|e| Error::from(e).in_field("price"))?,
            tax_rate: percent("tax_rate", "Tax rate", self.tax_rate, 3)?,
            active: self.active,
        })
    }
}

pub(crate) mod store {
    use super::*;

    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
        duration_minutes: i64,
        price_minor: i64,
        currency: String,
        tax_rate: String,
        active: bool,
    }

    const COLUMNS: &str = "id, name, duration_minutes, price_minor, currency, tax_rate, active";

    fn into_service(r: Row) -> Result<Service> {
        Ok(Service {
            id: r.id,
            name: r.name,
            duration_minutes: u32::try_from(r.duration_minutes).unwrap_or(0),
            price: Money::from_minor(r.price_minor, Currency::parse(&r.currency)?),
            tax_rate: decimal_col("tax_rate", &r.tax_rate)?,
            active: r.active,
        })
    }

    pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Service> {
        let row: Option<Row> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM services WHERE id = ?"))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        into_service(row.ok_or(Error::NotFound {
            what: "Service",
            id,
        })?)
    }

    pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<Service>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM services ORDER BY active DESC, name, id"
        ))
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(into_service).collect()
    }
}

impl Paydesk {
    pub async fn create_service(&self, input: &ServiceInput) -> Result<Service> {
        let mut tx = self.db.write().await?;
        let currency = crate::business::store::get(&mut tx).await?.currency;
        let s = input.validated(currency)?;
        let id = sqlx::query(
            "INSERT INTO services (name, duration_minutes, price_minor, currency, tax_rate, active, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.name)
        .bind(i64::from(s.duration_minutes))
        .bind(s.price.to_minor())
        .bind(s.price.currency().code())
        .bind(s.tax_rate.to_string())
        .bind(s.active)
        .bind(instant_text(self.now()))
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        let service = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(service)
    }

    pub async fn update_service(&self, id: i64, input: &ServiceInput) -> Result<Service> {
        let mut tx = self.db.write().await?;
        let existing = store::get(&mut tx, id).await?;
        let s = input.validated(existing.price.currency())?;
        sqlx::query(
            "UPDATE services SET name = ?, duration_minutes = ?, price_minor = ?, currency = ?, tax_rate = ?, active = ?
             WHERE id = ?",
        )
        .bind(&s.name)
        .bind(i64::from(s.duration_minutes))
        .bind(s.price.to_minor())
        .bind(s.price.currency().code())
        .bind(s.tax_rate.to_string())
        .bind(s.active)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let service = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(service)
    }

    pub async fn service(&self, id: i64) -> Result<Service> {
        let mut conn = self.db.pool().acquire().await?;
        store::get(&mut conn, id).await
    }

    pub async fn services(&self) -> Result<Vec<Service>> {
        let mut conn = self.db.pool().acquire().await?;
        store::list(&mut conn).await
    }
}
