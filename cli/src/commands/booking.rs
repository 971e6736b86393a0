use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use clap::Subcommand;

use super::{parse_date, CliError, CmdResult};
use crate::output::{table, Out};
use paydesk_core::booking::{local_to_utc, show_time, Booking, BookingInput, BookingStatus};
use paydesk_core::deposit::{Deposit, DepositState};
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
        /// Don't ask for the deposit your policy sets (by default it is asked and its pay link
        /// emailed to the client).
        #[arg(long)]
        no_deposit: bool,
    },
    /// Show the booking's deposit; with --send, ask for it and email the pay link.
    Deposit {
        id: i64,
        #[arg(long)]
        send: bool,
        /// Send to this address instead of the client's.
        #[arg(long)]
        to: Option<String>,
    },
    /// Keep a booking whose deposit is late (it won't be released by itself).
    Keep { id: i64 },
    /// Let a booking go for want of its deposit: cancelled, its invoice void.
    Release { id: i64 },
    /// Charge the proposed late-cancellation or no-show fee (saved card, else a pay link).
    Fee {
        id: i64,
        /// A different amount than proposed.
        #[arg(long)]
        amount: Option<String>,
    },
    /// Refund the booking's newest payment (its deposit, the rest, or a fee).
    Refund {
        id: i64,
        /// Default: everything not yet refunded of that payment.
        #[arg(long)]
        amount: Option<String>,
        #[arg(long, default_value = "")]
        reason: String,
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
            no_deposit,
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
            let asks = !no_deposit && app.deposit_quote(b.id).await?.is_some();
            if !asks {
                out.emit(&b, || one(&b));
                return Ok(());
            }
            // The booking stands even when the request can't go out (no Stripe, no mail server):
            // it says why, and `paydesk booking deposit ID --send` tries again.
            match app
                .stripe()
                .send_deposit_request(&app.mail(), b.id, None)
                .await
            {
                Ok(req) => {
                    let (d, sent) = (req.deposit, req.sent);
                    let link = sent.pay_link.as_ref().and_then(|l| l.url.clone());
                    out.emit(
                        &serde_json::json!({ "booking": b, "deposit": d, "pay_link": link, "email": sent.email }),
                        || format!("{}\n{}", one(&b), deposit_words(&d, link.as_deref(), &sent.email.to)),
                    );
                }
                Err(e) => {
                    let why = e.to_string();
                    out.emit(
                        &serde_json::json!({ "booking": b, "deposit_error": why }),
                        || {
                            format!(
                                "{}\nThe booking is saved, but its deposit request wasn't sent: {why}\n\
                                 Send it with: paydesk booking deposit {} --send",
                                one(&b),
                                b.id
                            )
                        },
                    );
                }
            }
        }
        BookingCmd::Deposit { id, send, to } => {
            if send {
                let req = app
                    .stripe()
                    .send_deposit_request(&app.mail(), id, to)
                    .await?;
                let (d, sent) = (req.deposit, req.sent);
                let link = sent.pay_link.as_ref().and_then(|l| l.url.clone());
                out.emit(
                    &serde_json::json!({ "deposit": d, "pay_link": link, "email": sent.email }),
                    || deposit_words(&d, link.as_deref(), &sent.email.to),
                );
            } else {
                let d = app.booking_deposit(id).await?;
                out.emit(&d, || match &d {
                    Some(d) => deposit_words(d, None, ""),
                    None => format!("Booking {id} asks no deposit yet."),
                });
            }
        }
        BookingCmd::Keep { id } => {
            let d = app.keep_booking(id).await?;
            out.emit(&d, || {
                format!("Booking {id} is kept; it won't be released for its late deposit.")
            });
        }
        BookingCmd::Release { id } => {
            let released = app.stripe().release_booking(id).await?;
            let b = app.booking(id).await?;
            out.emit(
                &serde_json::json!({ "booking": b, "voided_invoice": released }),
                || match released {
                    Some(inv) => format!("Booking {id} released; invoice {inv} is void."),
                    None => format!("Booking {id} has no unpaid deposit to release."),
                },
            );
        }
        BookingCmd::Fee { id, amount } => {
            let amount = match amount {
                Some(a) => Some(paydesk_core::money::parse_amount(&a).map_err(|e| {
                    CliError::Core(paydesk_core::Error::from(e).in_field("amount"))
                })?),
                None => None,
            };
            let outcome = app
                .stripe()
                .charge_booking_fee(&app.mail(), id, amount)
                .await?;
            let sent = &outcome.sent;
            out.emit(&serde_json::json!({ "invoice_id": outcome.invoice_id, "charge": sent.charge, "pay_link": sent.pay_link.as_ref().and_then(|l| l.url.clone()), "email": sent.email }), || {
                match &sent.charge {
                    Some(c) if c.status != "failed" => format!(
                        "Charged the fee, {}, to {}; a receipt was emailed to {}.",
                        c.amount, c.card, sent.email.to
                    ),
                    Some(c) => format!(
                        "The {} wasn't charged ({}); the fee's pay link was emailed to {}.",
                        c.card,
                        c.failure.as_deref().unwrap_or("declined"),
                        sent.email.to
                    ),
                    None => format!("The fee's pay link was emailed to {}.", sent.email.to),
                }
            });
        }
        BookingCmd::Refund { id, amount, reason } => {
            let payment = app
                .booking_invoices(id)
                .await?
                .into_iter()
                .flat_map(|inv| inv.payments)
                .max_by_key(|p| p.id)
                .ok_or_else(|| {
                    CliError::usage(format!("Booking {id} has no payment to refund."))
                })?;
            let amount = match amount {
                Some(a) => Some(paydesk_core::money::parse_amount(&a).map_err(|e| {
                    CliError::Core(paydesk_core::Error::from(e).in_field("amount"))
                })?),
                None => None,
            };
            let refund = app
                .stripe()
                .refund(
                    payment.id,
                    &paydesk_core::payment::RefundInput {
                        amount,
                        reason,
                        refunded_on: None,
                    },
                )
                .await?;
            out.emit(&refund, || format!("Refunded {}.", refund.amount));
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
            if status == BookingStatus::Completed {
                let b = app.set_booking_status(id, status).await?;
                out.emit(&b, || one(&b));
            } else {
                let o = app.stripe().cancel_booking(id, status).await?;
                out.emit(&o, || match &o.fee {
                    Some(f) => format!(
                        "{}\nProposed: {}\nCharge it with: paydesk booking fee {id}",
                        one(&o.booking),
                        f.summary
                    ),
                    None => one(&o.booking),
                });
            }
        }
    }
    Ok(())
}

fn deposit_words(d: &Deposit, link: Option<&str>, to: &str) -> String {
    let mut s = format!(
        "Deposit {} of {} on invoice {} — {}",
        d.amount,
        d.total,
        d.invoice_number.as_deref().unwrap_or("(draft)"),
        match d.state {
            DepositState::Awaiting => "awaiting payment",
            DepositState::Overdue => "overdue",
            DepositState::Paid => "paid",
            DepositState::Released => "released",
        }
    );
    if let Some(link) = link {
        s.push_str(&format!("\nPay link: {link}"));
    }
    if !to.is_empty() {
        s.push_str(&format!("\nEmailed to {to}"));
    }
    s
}
