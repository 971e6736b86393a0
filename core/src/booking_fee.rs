//! Cancelling a booking, and the fee for a late cancellation or a no-show.
//!
//! Cancelling settles the booking's invoice (the one its deposit was asked on): with nothing paid
//! it is voided, with a deposit paid the rest is written off — the deposit stays with the business
//! until the owner refunds it. A cancellation inside the policy's window, or a no-show, then has a
//! fee proposed; a deposit already kept counts toward it. Only once the owner confirms is the fee
//! invoiced (its own invoice, written together with its `booking_fees` row) and collected: the
//! saved card is charged, or the client is emailed a pay link.

use chrono::Duration;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::booking::{Booking, BookingStatus};
use crate::db::{instant_col, instant_text};
use crate::error::{Error, Result};
use crate::invoice::status::text_enum;
use crate::invoice::{InvoiceInput, LineInput};
use crate::mail::Mail;
use crate::money::Money;
use crate::policy::store as policy_store;
use crate::sending::{SendInvoiceInput, SendOutcome};
use crate::stripe::Stripe;
use crate::Paydesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FeeReason {
    LateCancellation,
    NoShow,
}

text_enum!(FeeReason { LateCancellation = "late_cancellation", NoShow = "no_show" });

impl FeeReason {
    fn label(self) -> &'static str {
        match self {
            FeeReason::LateCancellation => "Late cancellation fee",
            FeeReason::NoShow => "No-show fee",
        }
    }
}

/// The fee Paydesk proposes; nothing is charged until the owner confirms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeeProposal {
    pub booking_id: i64,
    pub reason: FeeReason,
    /// What the policy asks.
    pub fee: Money,
    /// Deposit already paid on the booking, which counts toward the fee.
    pub deposit_kept: Money,
    /// What is left to ask: the fee less the deposit kept.
    pub amount: Money,
    /// "visa •••• 4242" when a card would be charged; otherwise a pay link is emailed.
    pub card: Option<String>,
    /// The proposal in the owner's words.
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CancelOutcome {
    pub booking: Booking,
    /// A fee to confirm, when the policy asks one.
    pub fee: Option<FeeProposal>,
}

/// The fee after the owner confirmed it: its invoice, charged or sent with a pay link.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeeOutcome {
    pub invoice_id: i64,
    pub sent: SendOutcome,
}

impl Stripe {
    /// Cancels a booking or marks it a no-show, settles its invoice and proposes the fee, if any.
    pub async fn cancel_booking(&self, id: i64, status: BookingStatus) -> Result<CancelOutcome> {
        if !matches!(status, BookingStatus::Cancelled | BookingStatus::NoShow) {
            return Err(Error::invalid(
                "status",
                "A booking is cancelled or marked as a no-show here.",
            ));
        }
        let app = self.app();
        // Cancelling again finishes what a first attempt left undone (settling its invoices).
        let current = app.booking(id).await?;
        let booking = if current.status == status {
            current
        } else {
            app.set_booking_status(id, status).await?
        };
        let open: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM invoices WHERE booking_id = ? AND state = 'open'
               AND id NOT IN (SELECT invoice_id FROM booking_fees) ORDER BY id",
        )
        .bind(id)
        .fetch_all(app.db.pool())
        .await?;
        for (invoice_id,) in open {
            let invoice = app.invoice(invoice_id).await?;
            if invoice.paid.is_zero() {
                app.void_invoice(invoice_id).await?;
            } else if invoice.amount_due.is_positive() {
                app.mark_uncollectible(invoice_id).await?;
            }
            // The link asking for the deposit (or the rest) goes off; the next sync retries.
            let _ = self.pay_links().sync(invoice_id).await;
        }
        let fee = self.fee_proposal(id).await?;
        Ok(CancelOutcome { booking, fee })
    }

    /// The fee the policy asks of a cancelled or no-show booking; `None` when it asks none (an
    /// early cancellation, no fee set, or a fee already invoiced).
    pub async fn fee_proposal(&self, booking_id: i64) -> Result<Option<FeeProposal>> {
        let app = self.app();
        let mut conn = app.db.pool().acquire().await?;
        let booking = crate::booking::store::get(&mut conn, booking_id).await?;
        let policy = policy_store::get(&mut conn).await?;
        let already: Option<(i64,)> =
            sqlx::query_as("SELECT invoice_id FROM booking_fees WHERE booking_id = ?")
                .bind(booking_id)
                .fetch_optional(&mut *conn)
                .await?;
        if already.is_some() {
            return Ok(None);
        }
        let reason = match booking.status {
            BookingStatus::NoShow => FeeReason::NoShow,
            BookingStatus::Cancelled => {
                let (cancelled_at,): (String,) =
                    sqlx::query_as("SELECT updated_at FROM bookings WHERE id = ?")
                        .bind(booking_id)
                        .fetch_one(&mut *conn)
                        .await?;
                let cancelled_at = instant_col("updated_at", &cancelled_at)?;
                let window = Duration::hours(i64::from(policy.cancel_window_hours));
                if cancelled_at < booking.starts_at - window {
                    return Ok(None);
                }
                // A booking released for want of its deposit was not cancelled by the client.
                let released: Option<(i64,)> = sqlx::query_as(
                    "SELECT 1 FROM booking_deposits WHERE booking_id = ? AND released_at IS NOT NULL",
                )
                .bind(booking_id)
                .fetch_optional(&mut *conn)
                .await?;
                if released.is_some() {
                    return Ok(None);
                }
                FeeReason::LateCancellation
            }
            _ => return Ok(None),
        };
        let mut price: Option<Money> = None;
        for service_id in &booking.service_ids {
            let s = crate::service::store::get(&mut conn, *service_id).await?;
            let gross = s.price_with_tax();
            price = Some(match price {
                None => gross,
                Some(p) => p.checked_add(gross)?,
            });
        }
        let Some(price) = price else { return Ok(None) };
        let fee = policy.cancel_fee.of(price);
        if fee.is_zero() {
            return Ok(None);
        }
        let kept: Option<(i64, i64)> = sqlx::query_as(
            "SELECT COALESCE(SUM(p.amount_minor), 0),
                    COALESCE((SELECT SUM(r.amount_minor) FROM refunds r
                              JOIN payments q ON q.id = r.payment_id
                              JOIN invoices j ON j.id = q.invoice_id
                              WHERE j.booking_id = ?1
                                AND j.id NOT IN (SELECT invoice_id FROM booking_fees)), 0)
             FROM payments p JOIN invoices i ON i.id = p.invoice_id
             WHERE i.booking_id = ?1 AND i.id NOT IN (SELECT invoice_id FROM booking_fees)",
        )
        .bind(booking_id)
        .fetch_optional(&mut *conn)
        .await?;
        let (paid, refunded) = kept.unwrap_or((0, 0));
        let deposit_kept = Money::from_minor((paid - refunded).max(0), fee.currency());
        let amount = if deposit_kept.amount() >= fee.amount() {
            Money::zero(fee.currency())
        } else {
            fee.checked_sub(deposit_kept)?
        };
        drop(conn);
        let card = self.usable_card(booking.client_id).await?.map(|c| c.label);
        let summary = match (amount.is_zero(), &card) {
            (true, _) => format!(
                "{} of {fee}: the deposit of {deposit_kept} already paid covers it.",
                reason.label()
            ),
            (false, Some(card)) => format!(
                "{} of {fee}{}: charge {amount} to {}'s {card}.",
                reason.label(),
                kept_words(deposit_kept),
                booking.client_name
            ),
            (false, None) => format!(
                "{} of {fee}{}: {} has no card saved, so a pay link for {amount} will be emailed.",
                reason.label(),
                kept_words(deposit_kept),
                booking.client_name
            ),
        };
        Ok(Some(FeeProposal {
            booking_id,
            reason,
            fee,
            deposit_kept,
            amount,
            card,
            summary,
        }))
    }

    /// The owner confirmed the fee (optionally a different amount): it is invoiced, then the saved
    /// card is charged or a pay link emailed. Confirming twice returns to the same invoice.
    pub async fn charge_booking_fee(
        &self,
        mail: &Mail,
        booking_id: i64,
        amount: Option<Decimal>,
    ) -> Result<FeeOutcome> {
        let app = self.app();
        let existing: Option<(i64,)> =
            sqlx::query_as("SELECT invoice_id FROM booking_fees WHERE booking_id = ?")
                .bind(booking_id)
                .fetch_optional(app.db.pool())
                .await?;
        let invoice_id = match existing {
            Some((id,)) => id,
            None => {
                let Some(proposal) = self.fee_proposal(booking_id).await? else {
                    return Err(Error::conflict(
                        "This booking owes no fee under your cancellation policy.",
                    ));
                };
                let amount = match amount {
                    Some(a) => Money::new(a, proposal.amount.currency())
                        .map_err(|e| Error::from(e).in_field("amount"))?,
                    None => proposal.amount,
                };
                if !amount.is_positive() {
                    return Err(Error::invalid(
                        "amount",
                        "The fee must be more than zero (the deposit may already cover it).",
                    ));
                }
                self.invoice_fee(booking_id, proposal.reason, amount)
                    .await?
            }
        };
        // A fee is collected now, whatever the auto-charge setting: the owner just confirmed it.
        let sent = app
            .send_with(self, mail, invoice_id, &SendInvoiceInput::default(), true)
            .await?;
        Ok(FeeOutcome { invoice_id, sent })
    }

    async fn invoice_fee(&self, booking_id: i64, reason: FeeReason, amount: Money) -> Result<i64> {
        let app = self.app();
        let mut tx = app.db.write().await?;
        let booking = crate::booking::store::get(&mut tx, booking_id).await?;
        let tz = crate::business::store::get(&mut tx).await?.time_zone()?;
        let today = app.now().with_timezone(&tz).date_naive();
        let invoice_id = app
            .finalized_in(
                &mut tx,
                &InvoiceInput {
                    client_id: booking.client_id,
                    currency: Some(amount.currency().code().to_string()),
                    due_date: Some(today),
                    lines: vec![LineInput {
                        description: format!(
                            "{} — booking on {}",
                            reason.label(),
                            crate::booking::show_time(booking.starts_at, tz)
                        ),
                        quantity: Decimal::ONE,
                        unit_price: amount.amount(),
                        tax_rate: Decimal::ZERO,
                        discount_percent: Decimal::ZERO,
                        service_id: None,
                    }],
                    booking_id: Some(booking_id),
                    ..Default::default()
                },
            )
            .await?;
        sqlx::query(
            "INSERT INTO booking_fees (invoice_id, booking_id, reason, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(invoice_id)
        .bind(booking_id)
        .bind(reason.as_str())
        .bind(instant_text(app.now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(invoice_id)
    }
}

fn kept_words(kept: Money) -> String {
    if kept.is_zero() {
        String::new()
    } else {
        format!(" less the deposit of {kept} already paid")
    }
}

impl Paydesk {
    /// Payments on a booking's invoices (its deposit, the rest, a fee), for refunds from the booking.
    pub async fn booking_invoices(&self, booking_id: i64) -> Result<Vec<crate::invoice::Invoice>> {
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM invoices WHERE booking_id = ? AND state != 'draft' ORDER BY id",
        )
        .bind(booking_id)
        .fetch_all(self.db.pool())
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            out.push(self.invoice(id).await?);
        }
        Ok(out)
    }
}
