//! How far the poller got, per mode, and how it is doing — what Settings shows.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::{instant_col, instant_text};
use crate::error::Result;
use crate::stripe::StripeMode;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    pub mode: StripeMode,
    /// Stripe time (Unix seconds) of the newest event applied.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub watermark: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_pass_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_success_at: Option<DateTime<Utc>>,
    /// Why the last pass failed, for the owner; `None` when it went well.
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    /// Stripe reads today (UTC day) by this computer's Paydesk.
    pub reads_today: u32,
    /// While catching up after time offline: how far it got.
    pub catch_up: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    mode: String,
    watermark: Option<i64>,
    last_pass_at: Option<String>,
    last_success_at: Option<String>,
    last_error: Option<String>,
    last_error_code: Option<String>,
    last_sweep_at: Option<String>,
    reads_day: Option<String>,
    reads: i64,
    catch_up: Option<String>,
}

/// The state row of a mode, as the pass uses it.
#[derive(Debug, Clone, Default)]
pub struct PassState {
    pub watermark: Option<i64>,
    pub last_sweep_at: Option<DateTime<Utc>>,
}

fn opt_instant(col: &str, v: Option<String>) -> Result<Option<DateTime<Utc>>> {
    v.map(|t| instant_col(col, &t)).transpose()
}

pub async fn ensure(conn: &mut SqliteConnection, mode: StripeMode) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO stripe_sync_state (mode) VALUES (?)")
        .bind(mode.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn load(conn: &mut SqliteConnection, mode: StripeMode) -> Result<PassState> {
    ensure(conn, mode).await?;
    let r: Row = sqlx::query_as("SELECT * FROM stripe_sync_state WHERE mode = ?")
        .bind(mode.as_str())
        .fetch_one(&mut *conn)
        .await?;
    Ok(PassState {
        watermark: r.watermark,
        last_sweep_at: opt_instant("last_sweep_at", r.last_sweep_at)?,
    })
}

/// Moves the watermark forward (never back), inside the transaction that applied the event.
pub async fn advance(conn: &mut SqliteConnection, mode: StripeMode, created: i64) -> Result<()> {
    sqlx::query(
        "UPDATE stripe_sync_state SET watermark = MAX(COALESCE(watermark, 0), ?) WHERE mode = ?",
    )
    .bind(created)
    .bind(mode.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets the watermark outright (after rebuilding from object lists).
pub async fn set_watermark(conn: &mut SqliteConnection, mode: StripeMode, at: i64) -> Result<()> {
    sqlx::query("UPDATE stripe_sync_state SET watermark = ? WHERE mode = ?")
        .bind(at)
        .bind(mode.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn swept(conn: &mut SqliteConnection, mode: StripeMode, at: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE stripe_sync_state SET last_sweep_at = ? WHERE mode = ?")
        .bind(instant_text(at))
        .bind(mode.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_catch_up(
    conn: &mut SqliteConnection,
    mode: StripeMode,
    text: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE stripe_sync_state SET catch_up = ? WHERE mode = ?")
        .bind(text)
        .bind(mode.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records how a pass ended and adds its reads to today's count.
pub async fn finish(
    conn: &mut SqliteConnection,
    mode: StripeMode,
    at: DateTime<Utc>,
    reads: u32,
    error: Option<(&str, String)>,
) -> Result<()> {
    let day = at.date_naive().to_string();
    let now = instant_text(at);
    sqlx::query(
        "UPDATE stripe_sync_state SET
            last_pass_at = ?,
            last_success_at = CASE WHEN ? IS NULL THEN ? ELSE last_success_at END,
            last_error = ?, last_error_code = ?,
            reads = CASE WHEN reads_day = ? THEN reads + ? ELSE ? END,
            reads_day = ?
         WHERE mode = ?",
    )
    .bind(&now)
    .bind(error.as_ref().map(|e| e.0))
    .bind(&now)
    .bind(error.as_ref().map(|e| e.1.clone()))
    .bind(error.as_ref().map(|e| e.0))
    .bind(&day)
    .bind(reads)
    .bind(reads)
    .bind(&day)
    .bind(mode.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn statuses(conn: &mut SqliteConnection, today: NaiveDate) -> Result<Vec<SyncStatus>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.* FROM stripe_sync_state s JOIN stripe_accounts a ON a.mode = s.mode ORDER BY s.mode",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let today_reads = if r.reads_day.as_deref() == Some(today.to_string().as_str()) {
                u32::try_from(r.reads).unwrap_or(u32::MAX)
            } else {
                0
            };
            Ok(SyncStatus {
                mode: StripeMode::parse(&r.mode).unwrap_or(StripeMode::Test),
                watermark: r.watermark,
                last_pass_at: opt_instant("last_pass_at", r.last_pass_at)?,
                last_success_at: opt_instant("last_success_at", r.last_success_at)?,
                last_error: r.last_error,
                last_error_code: r.last_error_code,
                reads_today: today_reads,
                catch_up: r.catch_up,
            })
        })
        .collect()
}
