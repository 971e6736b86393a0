//! The owner's overview: what is owed, what is late, what came in this month. Amounts are per
//! currency — never added across currencies.

use chrono::{Datelike, Months, NaiveDate};
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
    /// The last 12 calendar months in the business time zone, oldest first, ending with this one.
    pub months: Vec<MonthTotals>,
    /// The latest invoices.
    pub recent: Vec<InvoiceSummary>,
}

/// Money in for one calendar month: payments received in it, less refunds given in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthTotals {
    /// "YYYY-MM".
    pub month: String,
    /// One amount per currency, sorted by code: the business currency and every currency with
    /// money in any of the months. Zero when nothing came in; negative when refunds outweighed it.
    pub paid: Vec<Money>,
}

/// How many months the dashboard chart shows.
pub const CHART_MONTHS: u32 = 12;

/// The first day of each of the `count` months ending with `today`'s, oldest first.
fn month_starts(today: NaiveDate, count: u32) -> Vec<NaiveDate> {
    let this_month = today.with_day(1).unwrap_or(today);
    (0..count)
        .rev()
        .filter_map(|back| this_month.checked_sub_months(Months::new(back)))
        .collect()
}

/// One entry per month of `starts`, each with an amount for the business currency and for every
/// currency that had money in the window — zero where a month had none.
fn months(
    starts: &[NaiveDate],
    business_currency: Currency,
    rows: Vec<(String, String, i64)>,
) -> Result<Vec<MonthTotals>> {
    let rows = rows
        .into_iter()
        .map(|(month, code, minor)| Ok((month, Currency::parse(&code)?, minor)))
        .collect::<Result<Vec<_>>>()?;
    let mut currencies = vec![business_currency];
    for (_, currency, _) in &rows {
        if !currencies.contains(currency) {
            currencies.push(*currency);
        }
    }
    currencies.sort_by_key(|c| c.code());
    Ok(starts
        .iter()
        .map(|start| {
            let month = start.format("%Y-%m").to_string();
            let paid = currencies
                .iter()
                .map(|&currency| {
                    let minor = rows
                        .iter()
                        .filter(|(m, c, _)| *m == month && *c == currency)
                        .map(|(_, _, minor)| minor)
                        .sum();
                    Money::from_minor(minor, currency)
                })
                .collect();
            MonthTotals { month, paid }
        })
        .collect())
}

fn per_currency(rows: Vec<(String, i64)>) -> Result<Vec<Money>> {
    rows.into_iter()
        .filter(|(_, minor)| *minor != 0)
        .map(|(code, minor)| Ok(Money::from_minor(minor, Currency::parse(&code)?)))
        .collect()
}

impl Paydesk {
    pub async fn dashboard(&self) -> Result<Dashboard> {
        let business = self.business().await?;
        let business_currency = business.currency;
        let today = self
            .now()
            .with_timezone(&business.time_zone()?)
            .date_naive();
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
        let starts = month_starts(today, CHART_MONTHS);
        let window_start = starts.first().copied().unwrap_or(month_start);
        let window_end = month_start
            .checked_add_months(Months::new(1))
            .unwrap_or(today);
        // Dates are stored as "YYYY-MM-DD" in the business time zone, so the month is the first 7
        // characters. Money in [window_start, window_end), grouped by month and currency.
        let by_month = sqlx::query_as(
            "SELECT month, currency, SUM(amount) FROM (
                SELECT substr(received_on, 1, 7) AS month, currency, amount_minor AS amount
                  FROM payments WHERE received_on >= ?1 AND received_on < ?2
                UNION ALL
                SELECT substr(refunded_on, 1, 7), currency, -amount_minor
                  FROM refunds WHERE refunded_on >= ?1 AND refunded_on < ?2)
             GROUP BY month, currency ORDER BY month, currency",
        )
        .bind(window_start)
        .bind(window_end)
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
            months: months(&starts, business_currency, by_month)?,
            recent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_end_with_the_current_one_and_cross_years() {
        let starts = month_starts("2026-01-31".parse().unwrap(), 12);
        let shown: Vec<String> = starts.iter().map(|d| d.to_string()).collect();
        assert_eq!(shown.first().map(String::as_str), Some("2025-02-01"));
        assert_eq!(shown.last().map(String::as_str), Some("2026-01-01"));
        assert_eq!(shown.len(), 12);
    }
}
