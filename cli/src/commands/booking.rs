use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use clap::Subcommand;

use super::{parse_date, CliError, CmdResult};
use crate::output::{table, Out};
use paydesk_core::booking::{local_to_utc, show_time, Booking, BookingInput, BookingStatus};
use paydesk_core::Paydesk;

#[derive(Subcommand)]
pub enum BookingCmd {
    /// Book a client with a staff member. Times are in the business's time zone.
    Add {
        #[arg(long)]
        client: i64,
        #[arg(long)]
        staff: i64,
        /// A service to book; repeat for several.
        #[arg(long = "service")]
        services: Vec<i64>,
        /// Start, "YYYY-MM-DD HH:MM".
        #[arg(long)]
        start: String,
        /// End, "YYYY-MM-DD HH:MM" (default: start plus the services' durations).
        #[arg(long)]
        end: Option<String>,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// List bookings from --from to --to (dates, default: the next 7 days).
    List {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        staff: Option<i64>,
    },
    /// Show one booking.
    Show { id: i64 },
    /// Move a booking to another time (and optionally another staff member).
    Move {
        id: i64,
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: Option<String>,
        #[arg(long)]
        staff: Option<i64>,
    },
    /// Mark a booking as done.
    Complete { id: i64 },
    /// Cancel a booking.
    Cancel { id: i64 },
    /// Mark that the client didn't come.
    NoShow { id: i64 },
}

async fn tz(app: &Paydesk) -> Result<chrono_tz::Tz, CliError> {
    Ok(app.business().await?.time_zone()?)
}

async fn instant(app: &Paydesk, text: &str) -> Result<DateTime<Utc>, CliError> {
    let local = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            CliError::usage(format!(
                "\"{text}\" isn't a time; write it as \"YYYY-MM-DD HH:MM\"."
            ))
        })?;
    Ok(local_to_utc(local, tz(app).await?)?)
}

fn rows(list: &[Booking], tz: chrono_tz::Tz) -> String {
    if list.is_empty() {
        return "No bookings in that period.".into();
    }
    let rows = list
        .iter()
        .map(|b| {
            vec![
                b.id.to_string(),
                show_time(b.starts_at, tz),
                b.ends_at.with_timezone(&tz).format("%H:%M").to_string(),
                b.staff_name.clone(),
                b.client_name.clone(),
                b.status.as_str().into(),
            ]
        })
        .collect::<Vec<_>>();
    table(&["ID", "START", "END", "STAFF", "CLIENT", "STATUS"], &rows)
}

pub async fn run(app: &Paydesk, cmd: BookingCmd, out: &Out) -> CmdResult {
    let zone = tz(app).await?;
    let one = |b: &Booking| rows(std::slice::from_ref(b), zone);
    match cmd {
        BookingCmd::Add {
            client,
            staff,
            services,
            start,
            end,
            notes,
        } => {
            let input = BookingInput {
                client_id: client,
                staff_id: staff,
                service_ids: services,
                starts_at: instant(app, &start).await?,
                ends_at: match end {
                    Some(e) => Some(instant(app, &e).await?),
                    None => None,
                },
                notes,
            };
            let b = app.create_booking(&input).await?;
            out.emit(&b, || one(&b));
        }
        BookingCmd::List { from, to, staff } => {
            let today = app.today().await?;
            let from = match from {
                Some(f) => parse_date(&f)?,
                None => today,
            };
            let to = match to {
                Some(t) => parse_date(&t)?,
                None => from + Duration::days(6),
            };
            let start = local_to_utc(from.and_hms_opt(0, 0, 0).unwrap_or_default(), zone)?;
            let end = local_to_utc(
                (to + Duration::days(1))
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default(),
                zone,
            )?;
            let list = app.bookings(start, end, staff).await?;
            out.emit(&list, || rows(&list, zone));
        }
        BookingCmd::Show { id } => {
            let b = app.booking(id).await?;
            out.emit(&b, || one(&b));
        }
        BookingCmd::Move {
            id,
            start,
            end,
            staff,
        } => {
            let b = app.booking(id).await?;
            let starts_at = instant(app, &start).await?;
            let ends_at = match end {
                Some(e) => instant(app, &e).await?,
                None => starts_at + (b.ends_at - b.starts_at),
            };
            let input = BookingInput {
                client_id: b.client_id,
                staff_id: staff.unwrap_or(b.staff_id),
                service_ids: b.service_ids.clone(),
                starts_at,
                ends_at: Some(ends_at),
                notes: b.notes.clone(),
            };
            let b = app.update_booking(id, &input).await?;
            out.emit(&b, || one(&b));
        }
        BookingCmd::Complete { id } | BookingCmd::Cancel { id } | BookingCmd::NoShow { id } => {
            let status = match cmd {
                BookingCmd::Complete { .. } => BookingStatus::Completed,
                BookingCmd::Cancel { .. } => BookingStatus::Cancelled,
                _ => BookingStatus::NoShow,
            };
            let b = app.set_booking_status(id, status).await?;
            out.emit(&b, || one(&b));
        }
    }
    Ok(())
}
