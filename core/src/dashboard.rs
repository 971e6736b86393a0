//! The owner's overview: what is owed, what is late, what came in this month. Amounts are per
//! currency — never added across currencies.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::invoice::{InvoiceQuery, InvoiceSummary};
use crate::money::{Currency, Money};
use crate::Paydesk;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dashboard {
    /// Still owed on sent invoices, one amount per currency.
    pub outstanding: Vec<Money>,
    /// The part of `outstanding` past its due date.
    pub overdue: Vec<Money>,
    /// Payments received since the first of this month, less refunds given in it.
    pub paid_this_month: Vec<Money>,
    /// The latest invoices.
    pub recent: Vec<InvoiceSummary>,
}

fn per_currency(rows: Vec<(String, i64)>) -> Result<Vec<Money>> {
    rows.into_iter()
        .filter(|(_, minor)| *minor != 0)
        .map(|(code, minor)| Ok(Money::from_minor(minor, Currency::parse(&code)?)))
        .collect()
}

impl Paydesk {
    pub async fn dashboard(&self) -> Result<Dashboard> {
        let today = self.today().await?;
        let month_start = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
        let pool = self.db.pool();
        let owed = |overdue_only: bool| {
            format!(
                "SELECT currency, SUM(MAX(total_minor - paid, 0)) FROM (
                    SELECT i.currency, i.total_minor, i.due_date,
                           (SELECT COALESCE(SUM(amount_minor), 0) FROM payments p WHERE p.invoice_id = i.id) AS paid
                    FROM invoices i WHERE i.status IN ('open', 'partially_paid'){})
                 GROUP BY currency ORDER BY currency",
                if overdue_only { " AND i.due_date < ?" } else { " AND ? IS NOT NULL" }
            )
        };
        let outstanding = sqlx::query_as(&owed(false))
            .bind(today)
            .fetch_all(pool)
            .await?;
        let overdue = sqlx::query_as(&owed(true))
            .bind(today)
            .fetch_all(pool)
            .await?;
        let paid = sqlx::query_as(
            "SELECT currency, SUM(amount) FROM (
                SELECT currency, amount_minor AS amount FROM payments WHERE received_on >= ?1
                UNION ALL
                SELECT currency, -amount_minor FROM refunds WHERE refunded_on >= ?1)
             GROUP BY currency ORDER BY currency",
        )
        .bind(month_start)
        .fetch_all(pool)
        .await?;
        let recent = self
            .invoices(&InvoiceQuery {
                limit: Some(10),
                ..Default::default()
            })
            .await?
            .items;
        Ok(Dashboard {
            outstanding: per_currency(outstanding)?,
            overdue: per_currency(overdue)?,
            paid_this_month: per_currency(paid)?,
            recent,
        })
    }
}
