//! Deposits on bookings. Asking for a deposit issues the booking's invoice (its services, full
//! price) and records how much of it is wanted up front; the invoice's pay link then asks for
//! just that part (see `paylink::wanted`). Paid means the invoice has received at least the
//! deposit: at 100 % the invoice is Paid, below it Partially paid, and the invoice sent after the
//! appointment asks only for the rest. A deposit not paid in time releases the booking (cancels it
//! and voids the invoice) unless the owner chose to keep it.
//!
//! Moving a booking never touches its deposit, and asking again returns the deposit already asked
//! for — so rescheduling can't charge twice.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::activity::{store as activity_store, ActivityKind, NewActivity};
use crate::booking::{show_time, BookingStatus};
use crate::db::{instant_col, instant_text};
use crate::error::{Error, Result};
use crate::invoice::{InvoiceInput, InvoiceState, LineInput};
use crate::money::Money;
use crate::policy::{store as policy_store, UnpaidDeposit};
use crate::stripe::{Stripe, StripeError};
use crate::Paydesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DepositState {
    /// Asked, not yet paid, still in time.
    Awaiting,
    /// Not paid in time, and the booking is kept.
    Overdue,
    Paid,
    /// The booking was let go for want of the deposit.
    Released,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Deposit {
    pub booking_id: i64,
    pub invoice_id: i64,
    pub invoice_number: Option<String>,
    pub amount: Money,
    /// What the booking's invoice asks in all.
    pub total: Money,
    /// Received on the booking's invoice so far.
    pub paid: Money,
    pub state: DepositState,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due_at: DateTime<Utc>,
    pub on_unpaid: UnpaidDeposit,
}

#[derive(sqlx::FromRow)]
struct Row {
    booking_id: i64,
    invoice_id: i64,
    amount_minor: i64,
    due_at: String,
    on_unpaid: String,
    released_at: Option<String>,
}

const ROW: &str = "SELECT booking_id, invoice_id, amount_minor, due_at, on_unpaid, released_at
                   FROM booking_deposits";

pub(crate) async fn for_invoice(
    conn: &mut SqliteConnection,
    invoice_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Deposit>> {
    let row: Option<Row> = sqlx::query_as(&format!("{ROW} WHERE invoice_id = ?"))
        .bind(invoice_id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(r) => Ok(Some(view(conn, r, now).await?)),
        None => Ok(None),
    }
}

async fn view(conn: &mut SqliteConnection, r: Row, now: DateTime<Utc>) -> Result<Deposit> {
    let invoice = crate::invoice::store::get(conn, r.invoice_id).await?;
    let amount = Money::from_minor(r.amount_minor, invoice.currency);
    let due_at = instant_col("due_at", &r.due_at)?;
    let state = if invoice.paid.amount() >= amount.amount() {
        DepositState::Paid
    } else if r.released_at.is_some() {
        DepositState::Released
    } else if now >= due_at {
        DepositState::Overdue
    } else {
        DepositState::Awaiting
    };
    Ok(Deposit {
        booking_id: r.booking_id,
        invoice_id: r.invoice_id,
        invoice_number: invoice.number.clone(),
        amount,
        total: invoice.totals.total,
        paid: invoice.paid,
        state,
        due_at,
        on_unpaid: UnpaidDeposit::parse(&r.on_unpaid).unwrap_or(UnpaidDeposit::Release),
    })
}

/// What the pay link of a booking's invoice should ask while its deposit is unpaid: the rest of
/// the deposit. `None` once it is paid (the link then asks for the whole amount due) or released.
pub(crate) async fn link_amount(
    conn: &mut SqliteConnection,
    invoice_id: i64,
) -> Result<Option<Money>> {
    let row: Option<Row> = sqlx::query_as(&format!("{ROW} WHERE invoice_id = ?"))
        .bind(invoice_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(r) = row else { return Ok(None) };
    if r.released_at.is_some() {
        return Ok(None);
    }
    let invoice = crate::invoice::store::get(conn, r.invoice_id).await?;
    let amount = Money::from_minor(r.amount_minor, invoice.currency);
    if invoice.paid.amount() >= amount.amount() {
        return Ok(None);
    }
    Ok(Some(amount.checked_sub(invoice.paid)?))
}

impl Paydesk {
    /// The deposit the policy asks for this booking, before asking: per service, its own rule or
    /// the business's, on the service's price with tax.
    pub async fn deposit_quote(&self, booking_id: i64) -> Result<Option<Money>> {
        let mut conn = self.db.pool().acquire().await?;
        quote(&mut conn, booking_id).await
    }

    /// The deposit a booking of these services would ask, before it is made (the booking form).
    pub async fn deposit_quote_for_services(&self, service_ids: &[i64]) -> Result<Option<Money>> {
        let mut conn = self.db.pool().acquire().await?;
        quote_services(&mut conn, service_ids).await
    }

    pub async fn booking_deposit(&self, booking_id: i64) -> Result<Option<Deposit>> {
        let mut conn = self.db.pool().acquire().await?;
        let row: Option<Row> = sqlx::query_as(&format!("{ROW} WHERE booking_id = ?"))
            .bind(booking_id)
            .fetch_optional(&mut *conn)
            .await?;
        match row {
            Some(r) => Ok(Some(view(&mut conn, r, self.now()).await?)),
            None => Ok(None),
        }
    }

    /// Issues the booking's invoice and records the deposit it asks for up front. Asking again
    /// (after a reschedule, a second click) returns the deposit already asked for.
    pub async fn ask_deposit(&self, booking_id: i64) -> Result<Deposit> {
        if let Some(existing) = self.booking_deposit(booking_id).await? {
            return Ok(existing);
        }
        let mut tx = self.db.write().await?;
        let booking = crate::booking::store::get(&mut tx, booking_id).await?;
        if booking.status != BookingStatus::Booked {
            return Err(Error::conflict(format!(
                "This booking is {}, so it asks for no deposit.",
                booking.status.as_str().replace('_', "-")
            )));
        }
        let Some(amount) = quote(&mut tx, booking_id).await? else {
            return Err(Error::conflict(
                "No deposit is set for these services. Choose one in Settings → Bookings.",
            ));
        };
        let policy = policy_store::get(&mut tx).await?;
        let business = crate::business::store::get(&mut tx).await?;
        let tz = business.time_zone()?;
        let mut lines = Vec::new();
        for service_id in &booking.service_ids {
            let s = crate::service::store::get(&mut tx, *service_id).await?;
            lines.push(LineInput {
                description: s.name.clone(),
                quantity: rust_decimal::Decimal::ONE,
                unit_price: s.price.amount(),
                tax_rate: s.tax_rate,
                discount_percent: rust_decimal::Decimal::ZERO,
                service_id: Some(s.id),
            });
        }
        let today = self.now().with_timezone(&tz).date_naive();
        let day = booking.starts_at.with_timezone(&tz).date_naive().max(today);
        let invoice_id = self
            .finalized_in(
                &mut tx,
                &InvoiceInput {
                    client_id: booking.client_id,
                    currency: Some(amount.currency().code().to_string()),
                    due_date: Some(day),
                    lines,
                    notes: format!(
                        "Booking on {} with {}.",
                        show_time(booking.starts_at, tz),
                        booking.staff_name
                    ),
                    booking_id: Some(booking_id),
                    ..Default::default()
                },
            )
            .await?;
        // The deposit is due after the hold, but never after the appointment starts. A booking
        // that starts before the hold would end is never released by itself: the client may be in
        // the chair by then, so the owner decides.
        let hold_ends = self.now() + policy.deposit_hold();
        let (due_at, on_unpaid) = if booking.starts_at <= hold_ends {
            (booking.starts_at.max(self.now()), UnpaidDeposit::Keep)
        } else {
            (hold_ends, policy.unpaid_deposit)
        };
        sqlx::query(
            "INSERT INTO booking_deposits (booking_id, invoice_id, amount_minor, due_at, on_unpaid, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(booking_id)
        .bind(invoice_id)
        .bind(amount.to_minor())
        .bind(instant_text(due_at))
        .bind(on_unpaid.as_str())
        .bind(instant_text(self.now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.booking_deposit(booking_id)
            .await?
            .ok_or(Error::NotFound {
                what: "Deposit",
                id: booking_id,
            })
    }

    /// The owner keeps the booking although its deposit is late: it is never released by itself.
    pub async fn keep_booking(&self, booking_id: i64) -> Result<Deposit> {
        let n = sqlx::query(
            "UPDATE booking_deposits SET on_unpaid = 'keep' WHERE booking_id = ? AND released_at IS NULL",
        )
        .bind(booking_id)
        .execute(self.db.pool())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Error::conflict(
                "This booking has no deposit waiting to be paid.",
            ));
        }
        self.booking_deposit(booking_id)
            .await?
            .ok_or(Error::NotFound {
                what: "Deposit",
                id: booking_id,
            })
    }

    /// Lets the booking go for want of its deposit: cancelled, the slot free, the invoice void.
    /// Refused once anything was paid on it.
    pub(crate) async fn release_in(
        &self,
        conn: &mut SqliteConnection,
        booking_id: i64,
    ) -> Result<Option<i64>> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "{ROW} WHERE booking_id = ? AND released_at IS NULL"
        ))
        .bind(booking_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let invoice = crate::invoice::store::get(conn, r.invoice_id).await?;
        if invoice.paid.is_positive() {
            return Err(Error::conflict(format!(
                "{} of the deposit was paid, so the booking stays.",
                invoice.paid
            )));
        }
        let now = instant_text(self.now());
        sqlx::query(
            "UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'booked'",
        )
        .bind(&now)
        .bind(booking_id)
        .execute(&mut *conn)
        .await?;
        if invoice.state == InvoiceState::Open {
            crate::invoice::store::set_state(conn, r.invoice_id, InvoiceState::Void, &now).await?;
            crate::invoice::store::refresh(conn, r.invoice_id).await?;
        }
        sqlx::query("UPDATE booking_deposits SET released_at = ? WHERE booking_id = ?")
            .bind(&now)
            .bind(booking_id)
            .execute(&mut *conn)
            .await?;
        Ok(Some(r.invoice_id))
    }
}

/// The deposit asked of a booking: [`quote_services`] for its services.
async fn quote(conn: &mut SqliteConnection, booking_id: i64) -> Result<Option<Money>> {
    let booking = crate::booking::store::get(conn, booking_id).await?;
    quote_services(conn, &booking.service_ids).await
}

/// Sum over the services of each one's deposit (its own rule or the business's, on its price with
/// tax); `None` when it comes to nothing.
async fn quote_services(conn: &mut SqliteConnection, service_ids: &[i64]) -> Result<Option<Money>> {
    let policy = policy_store::get(conn).await?;
    let mixed = |_| {
        Error::conflict(
            "These services are priced in different currencies; book them separately to ask a deposit.",
        )
    };
    // Services with their own rule each ask theirs; the business-wide rule is applied once, to
    // the others' price together (a fixed €20 deposit is €20 for the booking, not per service).
    let mut own: Option<Money> = None;
    let mut rest: Option<Money> = None;
    for service_id in service_ids {
        let s = crate::service::store::get(conn, *service_id).await?;
        let price = s.price_with_tax();
        match policy_store::service_deposit(conn, s.id).await? {
            Some(rule) => {
                let part = rule.of(price);
                own = Some(match own {
                    None => part,
                    Some(t) => t.checked_add(part).map_err(mixed)?,
                });
            }
            None => {
                rest = Some(match rest {
                    None => price,
                    Some(t) => t.checked_add(price).map_err(mixed)?,
                });
            }
        }
    }
    let total = match (own, rest.map(|r| policy.deposit.of(r))) {
        (Some(a), Some(b)) => Some(a.checked_add(b).map_err(mixed)?),
        (a, b) => a.or(b),
    };
    Ok(total.filter(Money::is_positive))
}

/// A deposit asked for and emailed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DepositRequest {
    pub deposit: Deposit,
    pub sent: crate::sending::SendOutcome,
}

impl Stripe {
    /// Asks for the booking's deposit and emails the client its pay link (for just the deposit).
    pub async fn send_deposit_request(
        &self,
        mail: &crate::mail::Mail,
        booking_id: i64,
        to: Option<String>,
    ) -> Result<DepositRequest> {
        let app = self.app();
        // Nothing is asked (and no deadline starts) unless the request can really go out.
        mail.config().await?;
        if self.active_mode().await?.is_none() {
            return Err(StripeError::NotConnected {
                mode: crate::stripe::StripeMode::Test,
            }
            .into());
        }
        let deposit = app.ask_deposit(booking_id).await?;
        let sent = app
            .send_invoice(
                self,
                mail,
                deposit.invoice_id,
                &crate::sending::SendInvoiceInput { to, message: None },
            )
            .await?;
        Ok(DepositRequest { deposit, sent })
    }

    /// Releases every booking whose deposit is overdue under a "release" rule, switching off its
    /// pay link. The sync pass calls this; returns the bookings released.
    pub async fn release_unpaid_deposits(&self) -> Result<Vec<i64>> {
        let app = self.app();
        let now = app.now();
        let due: Vec<(i64,)> = sqlx::query_as(
            "SELECT d.booking_id FROM booking_deposits d JOIN bookings b ON b.id = d.booking_id
             JOIN invoices i ON i.id = d.invoice_id
             WHERE d.released_at IS NULL AND d.on_unpaid = 'release' AND d.due_at <= ?
               AND b.status = 'booked' AND i.state = 'open' AND i.status = 'open'",
        )
        .bind(instant_text(now))
        .fetch_all(app.db.pool())
        .await?;
        let mut released = Vec::new();
        for (booking_id,) in due {
            match self.release_booking(booking_id).await {
                Ok(Some(_)) => released.push(booking_id),
                // Paid in the meantime: the booking stays, and the next pass won't pick it again.
                Ok(None) | Err(Error::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(released)
    }

    /// Lets one booking go for want of its deposit (also the owner's own choice).
    pub async fn release_booking(&self, booking_id: i64) -> Result<Option<i64>> {
        let app = self.app();
        let mut tx = app.db.write().await?;
        let booking = crate::booking::store::get(&mut tx, booking_id).await?;
        let Some(invoice_id) = app.release_in(&mut tx, booking_id).await? else {
            return Ok(None);
        };
        let tz = crate::business::store::get(&mut tx).await?.time_zone()?;
        let item = NewActivity::new(
            ActivityKind::BookingReleased,
            Some(invoice_id),
            format!(
                "{}'s booking on {} was released: the deposit wasn't paid in time.",
                booking.client_name,
                show_time(booking.starts_at, tz)
            ),
        );
        activity_store::insert(&mut tx, None, &item, app.now()).await?;
        tx.commit().await?;
        // The void invoice's link goes off now; if Stripe can't be reached, the next sync does it.
        let _ = self.pay_links().sync(invoice_id).await;
        Ok(Some(invoice_id))
    }
}
