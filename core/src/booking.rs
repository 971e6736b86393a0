//! Bookings: a client, one or more services, a staff member and a time slot. Times are stored in UTC
//! and shown in the business's time zone. One staff member can't be in two bookings at once.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::db::{instant_col, instant_text};
use crate::error::{Error, Result};
use crate::invoice::status::text_enum;
use crate::validate::optional_text;
use crate::Paydesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum BookingStatus {
    Booked,
    Completed,
    Cancelled,
    NoShow,
}

text_enum!(BookingStatus { Booked = "booked", Completed = "completed", Cancelled = "cancelled", NoShow = "no_show" });

impl BookingStatus {
    /// Whether the booking still takes up the staff member's time.
    pub fn holds_the_slot(self) -> bool {
        matches!(self, BookingStatus::Booked | BookingStatus::Completed)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Booking {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub staff_id: i64,
    pub staff_name: String,
    pub service_ids: Vec<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: BookingStatus,
    pub notes: String,
}

/// The booking form. Without `ends_at`, the booking lasts as long as its services together.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BookingInput {
    pub client_id: i64,
    pub staff_id: i64,
    #[serde(default)]
    pub service_ids: Vec<i64>,
    pub starts_at: DateTime<Utc>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub notes: String,
}

/// Turns a wall-clock time where the business is into an instant. A time skipped when clocks go
/// forward is refused; a time that happens twice when they go back means the first one.
pub fn local_to_utc(local: NaiveDateTime, tz: Tz) -> Result<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(Error::invalid(
            "starts_at",
            format!(
                "{} doesn't exist in {} — the clocks change then. Pick another time.",
                local.format("%Y-%m-%d %H:%M"),
                tz.name()
            ),
        )),
    }
}

/// "Tue 24 Nov 2026 10:00" in the business time zone.
pub fn show_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%a %-d %b %Y %H:%M")
        .to_string()
}

pub(crate) mod store {
    use super::*;

    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        client_id: i64,
        client_name: String,
        staff_id: i64,
        staff_name: String,
        starts_at: String,
        ends_at: String,
        status: String,
        notes: String,
        service_ids: Option<String>,
    }

    const SELECT: &str =
        "SELECT b.id, b.client_id, c.name AS client_name, b.staff_id, s.name AS staff_name,
            b.starts_at, b.ends_at, b.status, b.notes,
            (SELECT group_concat(service_id) FROM (SELECT service_id FROM booking_services bs
                WHERE bs.booking_id = b.id ORDER BY position)) AS service_ids
        FROM bookings b JOIN clients c ON c.id = b.client_id JOIN staff s ON s.id = b.staff_id";

    fn into_booking(r: Row) -> Result<Booking> {
        Ok(Booking {
            id: r.id,
            client_id: r.client_id,
            client_name: r.client_name,
            staff_id: r.staff_id,
            staff_name: r.staff_name,
            service_ids: r
                .service_ids
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect(),
            starts_at: instant_col("starts_at", &r.starts_at)?,
            ends_at: instant_col("ends_at", &r.ends_at)?,
            status: BookingStatus::parse(&r.status).ok_or_else(|| {
                Error::Database(sqlx::Error::Decode(
                    format!("unknown booking status {}", r.status).into(),
                ))
            })?,
            notes: r.notes,
        })
    }

    pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Booking> {
        let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE b.id = ?"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        into_booking(row.ok_or(Error::NotFound {
            what: "Booking",
            id,
        })?)
    }

    /// Bookings that overlap [from, to), optionally for one staff member, by start time.
    pub async fn between(
        conn: &mut SqliteConnection,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        staff_id: Option<i64>,
    ) -> Result<Vec<Booking>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} WHERE b.starts_at < ?2 AND b.ends_at > ?1 AND (?3 IS NULL OR b.staff_id = ?3) ORDER BY b.starts_at, b.id"
        ))
        .bind(instant_text(from))
        .bind(instant_text(to))
        .bind(staff_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(into_booking).collect()
    }

    /// Another booking holding the same staff member's time in [starts, ends), if any.
    pub async fn clash(
        conn: &mut SqliteConnection,
        staff_id: i64,
        starts: DateTime<Utc>,
        ends: DateTime<Utc>,
        except: Option<i64>,
    ) -> Result<Option<Booking>> {
        let id: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM bookings
             WHERE staff_id = ? AND status IN ('booked', 'completed') AND starts_at < ? AND ends_at > ? AND id IS NOT ?
             ORDER BY starts_at LIMIT 1",
        )
        .bind(staff_id)
        .bind(instant_text(ends))
        .bind(instant_text(starts))
        .bind(except)
        .fetch_optional(&mut *conn)
        .await?;
        match id {
            Some((id,)) => Ok(Some(get(conn, id).await?)),
            None => Ok(None),
        }
    }

    pub async fn set_services(
        conn: &mut SqliteConnection,
        id: i64,
        service_ids: &[i64],
    ) -> Result<()> {
        sqlx::query("DELETE FROM booking_services WHERE booking_id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for (pos, service_id) in service_ids.iter().enumerate() {
            sqlx::query(
                "INSERT INTO booking_services (booking_id, position, service_id) VALUES (?, ?, ?)",
            )
            .bind(id)
            .bind(i64::try_from(pos).unwrap_or(i64::MAX))
            .bind(service_id)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

/// A slot checked against the rules, ready to store.
struct Slot {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

impl Paydesk {
    async fn checked_slot(
        &self,
        conn: &mut SqliteConnection,
        input: &BookingInput,
        except: Option<i64>,
    ) -> Result<Slot> {
        crate::client::store::get(conn, input.client_id)
            .await
            .map_err(|e| match e {
                Error::NotFound { .. } => Error::invalid(
                    "client_id",
                    "Choose a client for the booking (the one given doesn't exist).",
                ),
                other => other,
            })?;
        let staff = crate::staff::store::get(conn, input.staff_id)
            .await
            .map_err(|e| match e {
                Error::NotFound { .. } => Error::invalid(
                    "staff_id",
                    "Choose who the booking is with (the staff member given doesn't exist).",
                ),
                other => other,
            })?;
        let mut minutes = 0i64;
        for (i, id) in input.service_ids.iter().enumerate() {
            let s = crate::service::store::get(conn, *id)
                .await
                .map_err(|e| e.in_field(&format!("service_ids[{i}]")))?;
            minutes += i64::from(s.duration_minutes);
        }
        let ends_at = match input.ends_at {
            Some(t) => t,
            None if minutes > 0 => input.starts_at + Duration::minutes(minutes),
            None => {
                return Err(Error::invalid(
                    "ends_at",
                    "Give an end time or choose at least one service.",
                ))
            }
        };
        if ends_at <= input.starts_at {
            return Err(Error::invalid(
                "ends_at",
                "The booking must end after it starts.",
            ));
        }
        if ends_at - input.starts_at > Duration::hours(24) {
            return Err(Error::invalid(
                "ends_at",
                "A booking can last at most 24 hours.",
            ));
        }
        if let Some(other) =
            store::clash(conn, input.staff_id, input.starts_at, ends_at, except).await?
        {
            let tz = crate::business::store::get(conn).await?.time_zone()?;
            return Err(Error::BookingClash {
                other_id: other.id,
                staff: staff.name,
                starts: show_time(other.starts_at, tz),
                ends: show_time(other.ends_at, tz),
            });
        }
        Ok(Slot {
            starts_at: input.starts_at,
            ends_at,
        })
    }

    /// Checks a booking form without saving it, so a clash shows before the owner presses Save.
    pub async fn check_booking(&self, input: &BookingInput, except: Option<i64>) -> Result<()> {
        let mut conn = self.db.pool().acquire().await?;
        self.checked_slot(&mut conn, input, except)
            .await
            .map(|_| ())
    }

    pub async fn create_booking(&self, input: &BookingInput) -> Result<Booking> {
        let notes = optional_text("notes", "Notes", &input.notes, 4000)?;
        let mut tx = self.db.write().await?;
        let slot = self.checked_slot(&mut tx, input, None).await?;
        let now = instant_text(self.now());
        let id = sqlx::query(
            "INSERT INTO bookings (client_id, staff_id, starts_at, ends_at, status, notes, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'booked', ?, ?, ?)",
        )
        .bind(input.client_id)
        .bind(input.staff_id)
        .bind(instant_text(slot.starts_at))
        .bind(instant_text(slot.ends_at))
        .bind(&notes)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        store::set_services(&mut tx, id, &input.service_ids).await?;
        let booking = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(booking)
    }

    /// Moves a booking (time, staff, services or client). Only bookings still to happen can move.
    pub async fn update_booking(&self, id: i64, input: &BookingInput) -> Result<Booking> {
        let notes = optional_text("notes", "Notes", &input.notes, 4000)?;
        let mut tx = self.db.write().await?;
        let current = store::get(&mut tx, id).await?;
        if current.status != BookingStatus::Booked {
            return Err(Error::conflict(format!(
                "This booking is {}, so it can't be moved.",
                current.status.as_str().replace('_', "-")
            )));
        }
        let slot = self.checked_slot(&mut tx, input, Some(id)).await?;
        sqlx::query(
            "UPDATE bookings SET client_id = ?, staff_id = ?, starts_at = ?, ends_at = ?, notes = ?, updated_at = ? WHERE id = ?",
        )
        .bind(input.client_id)
        .bind(input.staff_id)
        .bind(instant_text(slot.starts_at))
        .bind(instant_text(slot.ends_at))
        .bind(&notes)
        .bind(instant_text(self.now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        store::set_services(&mut tx, id, &input.service_ids).await?;
        // A deposit is never asked again, but it can't stay due after the new start.
        sqlx::query(
            "UPDATE booking_deposits
             SET on_unpaid = CASE WHEN ?1 <= due_at THEN 'keep' ELSE on_unpaid END,
                 due_at = MIN(due_at, ?1)
             WHERE booking_id = ?2 AND released_at IS NULL",
        )
        .bind(instant_text(slot.starts_at))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let booking = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(booking)
    }

    /// Completes, cancels or marks a booking as a no-show. Only a booked appointment can change.
    pub async fn set_booking_status(&self, id: i64, status: BookingStatus) -> Result<Booking> {
        let mut tx = self.db.write().await?;
        let current = store::get(&mut tx, id).await?;
        if current.status != BookingStatus::Booked || status == BookingStatus::Booked {
            return Err(Error::conflict(format!(
                "This booking is already {}; it can't become {}.",
                current.status.as_str().replace('_', "-"),
                status.as_str().replace('_', "-")
            )));
        }
        sqlx::query("UPDATE bookings SET status = ?, updated_at = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(instant_text(self.now()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let booking = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(booking)
    }

    pub async fn booking(&self, id: i64) -> Result<Booking> {
        let mut conn = self.db.pool().acquire().await?;
        store::get(&mut conn, id).await
    }

    /// Bookings overlapping [from, to), optionally for one staff member.
    pub async fn bookings(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        staff_id: Option<i64>,
    ) -> Result<Vec<Booking>> {
        let mut conn = self.db.pool().acquire().await?;
        store::between(&mut conn, from, to, staff_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn wall_clock_times_become_utc_and_skipped_times_are_refused() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let at = |d: u32, m: u32, h: u32, min: u32| {
            NaiveDate::from_ymd_opt(2026, m, d)
                .unwrap()
                .and_hms_opt(h, min, 0)
                .unwrap()
        };
        assert_eq!(
            local_to_utc(at(24, 11, 10, 0), paris).unwrap().to_rfc3339(),
            "2026-11-24T09:00:00+00:00"
        );
        // 2026-03-29 02:30 does not exist in Paris (clocks jump from 02:00 to 03:00).
        assert_eq!(
            local_to_utc(at(29, 3, 2, 30), paris).unwrap_err().field(),
            Some("starts_at")
        );
        // 2026-10-25 02:30 happens twice; the first (summer time, UTC+2) is taken.
        assert_eq!(
            local_to_utc(at(25, 10, 2, 30), paris).unwrap().to_rfc3339(),
            "2026-10-25T00:30:00+00:00"
        );
    }
}
