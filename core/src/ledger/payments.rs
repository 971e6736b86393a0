//! Payments through Stripe, by PaymentIntent: matched to the invoice they pay (by the pay link, or
//! the invoice named in the payment's metadata), or kept as unmatched for the owner to assign.

use sqlx::SqliteConnection;

use super::objects::{CheckoutSession, PaymentIntent};
use super::{balance, customers, money_of, Applied, Ctx, KnownPayment};
use crate::activity::{ActivityKind, NewActivity};
use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::invoice::{self, store as invoice_store, InvoiceHead, InvoiceState};
use crate::money::Money;
use crate::paylink::METADATA_INVOICE;
use crate::payment::PaymentMethod;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Processing,
    Succeeded,
    Failed,
    Canceled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Processing => "processing",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
        }
    }

    /// The PaymentIntent's state as Paydesk keeps it; `None` while the client is still paying.
    fn of(pi: &PaymentIntent) -> Option<Status> {
        match pi.status.as_str() {
            "succeeded" => Some(Status::Succeeded),
            "processing" => Some(Status::Processing),
            "canceled" => Some(Status::Canceled),
            "requires_payment_method" if pi.last_payment_error.is_some() => Some(Status::Failed),
            _ => None,
        }
    }
}

/// Brings the local record of a PaymentIntent (fetched with `latest_charge.balance_transaction`
/// expanded) in line with Stripe; `session` is the Checkout Session it was paid through, if known.
///
/// Its writes go to SQLite as one multi-statement query: catching up after days offline applies
/// thousands of these, and each query is a round trip to SQLite's thread.
pub async fn apply_payment(
    ctx: &mut Ctx<'_>,
    pi: &PaymentIntent,
    session: Option<&CheckoutSession>,
) -> Result<Applied> {
    let mut applied = Applied::default();
    if let Some(cs) = session {
        if cs.status.as_deref() == Some("complete") {
            if let Some(link) = &cs.payment_link {
                crate::paylink::mark_used_in(ctx.conn, link, ctx.now).await?;
            }
        }
    }
    let Some(status) = Status::of(pi) else {
        return Ok(Applied::note(format!(
            "{} is waiting for the client ({})",
            pi.id, pi.status
        )));
    };
    let existing = ctx.known_payment(&pi.id).await?;
    if existing.as_ref().is_some_and(|e| e.status == "succeeded") {
        // Succeeded is final for a PaymentIntent; refunds and disputes are their own objects.
        return Ok(Applied::note(format!("{} already recorded", pi.id)));
    }

    let amount_units = if status == Status::Succeeded {
        pi.amount_received.max(pi.amount)
    } else {
        pi.amount
    };
    let amount = money_of(amount_units, &pi.currency)?;
    let charge = pi.latest_charge.as_ref().and_then(|c| c.object());
    let bt = charge
        .and_then(|c| c.balance_transaction.as_ref())
        .and_then(|b| b.object());
    let fee = bt.map(|b| money_of(b.fee, &b.currency)).transpose()?;
    let net = bt.map(|b| money_of(b.net, &b.currency)).transpose()?;
    let details = charge.and_then(|c| c.payment_method_details.clone());
    let method_type = details
        .as_ref()
        .map(|d| d.kind.clone())
        .or_else(|| pi.payment_method_types.first().cloned())
        .unwrap_or_default();
    let card = details.as_ref().and_then(|d| d.card.clone());
    let payer = session
        .and_then(|s| s.customer_details.as_ref())
        .and_then(|d| d.name.clone().or(d.email.clone()))
        .or_else(|| {
            charge
                .and_then(|c| c.billing_details.as_ref())
                .and_then(|d| d.name.clone().or(d.email.clone()))
        })
        .unwrap_or_default();

    let known_invoice = existing.as_ref().and_then(|e| e.invoice_id);
    let (invoice, unmatched_reason) =
        match_invoice(ctx.conn, pi, session, amount, status, known_invoice).await?;
    let client_name = invoice
        .as_ref()
        .map(|i| i.client_name.clone())
        .unwrap_or(payer);

    let was = existing.as_ref().map(|e| e.status.clone());
    let failure = (status == Status::Failed).then(|| failure_words(pi));
    let now = instant_text(ctx.now);
    // Money reaches the invoice only when the payment has newly succeeded on a matched invoice
    // (a succeeded row returned above).
    let pays = match (&invoice, &unmatched_reason) {
        (Some(inv), None) if status == Status::Succeeded => Some(inv),
        _ => None,
    };
    let received_on = ctx.date_of(bt.map_or(pi.created, |b| b.created));
    let reference = match &card {
        Some(c) => format!(
            "Stripe {} •••• {}",
            c.brand.as_deref().unwrap_or("card"),
            c.last4.as_deref().unwrap_or("????")
        ),
        None => format!("Stripe {}", pi.id),
    };
    let method = if method_type == "card" || method_type.is_empty() {
        PaymentMethod::Card
    } else {
        PaymentMethod::BankTransfer
    };
    let new_status = pays
        .map(|inv| inv.status_after_payment(amount))
        .transpose()?;

    let mut sql = String::new();
    if bt.is_some() {
        sql.push_str(balance::UPSERT);
        sql.push_str(";\n");
    }
    // One statement whether the payment is new or known: insert, or bring the row up to date.
    sql.push_str(UPSERT_PAYMENT);
    if pays.is_some() {
        sql.push_str(";\n");
        sql.push_str(INSERT_PAYMENT);
        sql.push_str(";\n");
        sql.push_str(LINK_PAYMENT);
        sql.push_str(";\n");
        sql.push_str(invoice::head::SET_STATUS);
    }
    let mut q = sqlx::query(&sql);
    if let Some(bt) = bt {
        q = balance::bind_upsert(q, ctx.mode, bt, None)?;
    }
    q = q
        .bind(ctx.mode.as_str())
        .bind(&pi.id)
        .bind(session.map(|s| s.id.as_str()))
        .bind(session.and_then(|s| s.payment_link.as_deref()))
        .bind(invoice.as_ref().map(|i| i.id))
        .bind(status.as_str())
        .bind(amount.to_minor())
        .bind(amount.currency().code())
        .bind(fee.map(|f| f.to_minor()))
        .bind(net.map(|n| n.to_minor()))
        .bind(&method_type)
        .bind(card.as_ref().and_then(|c| c.brand.clone()))
        .bind(card.as_ref().and_then(|c| c.last4.clone()))
        .bind(charge.and_then(|c| c.receipt_url.clone()))
        .bind(charge.map(|c| c.id.clone()))
        .bind(bt.map(|b| b.id.clone()))
        .bind(pi.customer.as_ref().map(|c| c.id().to_string()))
        .bind(&client_name)
        .bind(&failure)
        .bind(&unmatched_reason)
        .bind(pi.created)
        .bind(&now);
    if let (Some(inv), Some(new_status)) = (pays, new_status) {
        q = q
            .bind(inv.id)
            .bind(amount.to_minor())
            .bind(amount.currency().code())
            .bind(method.as_str())
            .bind(received_on)
            .bind(&reference)
            .bind(&now)
            .bind(&pi.id)
            .bind(new_status.as_str())
            .bind(inv.id);
    }
    q.execute(&mut *ctx.conn).await?;
    ctx.remember_payment(
        &pi.id,
        Some(KnownPayment {
            invoice_id: invoice.as_ref().map(|i| i.id),
            status: status.as_str().to_string(),
        }),
    );

    if let (Some(customer), Some(inv)) = (&pi.customer, &invoice) {
        customers::link_customer(ctx, customer.id(), inv.client_id).await?;
        if pi.setup_future_usage.is_some() {
            if let (Some(pm), Some(card)) = (&pi.payment_method, &card) {
                customers::save_card(ctx, pm.id(), customer.id(), card).await?;
            }
        }
    }

    if was.as_deref() == Some(status.as_str()) {
        applied.outcome = format!("{} unchanged ({})", pi.id, status.as_str());
        return Ok(applied);
    }
    let label = invoice.as_ref().map(InvoiceHead::label);
    let shown = ctx.show(amount);
    let who = if client_name.is_empty() {
        "A client".to_string()
    } else {
        client_name.clone()
    };
    match status {
        Status::Succeeded => match pays {
            Some(inv) => {
                let label = label.unwrap_or_default();
                applied.outcome = format!("Payment of {shown} on {label}");
                applied.activity.push(NewActivity::new(
                    ActivityKind::PaymentReceived,
                    Some(inv.id),
                    format!("{who} paid {label} — {shown}"),
                ));
                applied.invoices.push(inv.id);
            }
            None => {
                let reason = unmatched_reason.unwrap_or_default();
                applied.outcome = format!("Unmatched payment of {shown}: {reason}");
                applied.activity.push(NewActivity::new(
                    ActivityKind::UnmatchedPayment,
                    invoice.as_ref().map(|i| i.id),
                    format!(
                        "{who} paid {shown} through Stripe, but {reason} Assign it to an invoice."
                    ),
                ));
            }
        },
        Status::Processing => {
            let on = label.map(|l| format!(" for {l}")).unwrap_or_default();
            applied.outcome = format!("Bank debit of {shown}{on} processing");
            applied.activity.push(NewActivity::new(
                ActivityKind::PaymentProcessing,
                invoice.as_ref().map(|i| i.id),
                format!(
                    "{who} is paying {shown}{on} by bank debit. Stripe confirms it in a few days."
                ),
            ));
        }
        Status::Failed | Status::Canceled => {
            let on = label.map(|l| format!(" on {l}")).unwrap_or_default();
            let why = failure.unwrap_or_else(|| "it was canceled".into());
            applied.outcome = format!("Payment of {shown}{on} failed: {why}");
            applied.activity.push(NewActivity::new(
                ActivityKind::PaymentFailed,
                invoice.as_ref().map(|i| i.id),
                format!("Payment failed{on} ({shown}, {who}): {why}"),
            ));
            if let Some(inv) = &invoice {
                // A failed bank debit used the link up: the invoice needs a new one.
                applied.invoices.push(inv.id);
            }
        }
    }
    Ok(applied)
}

const UPSERT_PAYMENT: &str = "INSERT INTO stripe_payments (mode, payment_intent, checkout_session,
        payment_link, invoice_id, status, amount_minor, currency, fee_minor, net_minor, method_type,
        card_brand, card_last4, receipt_url, charge_id, balance_transaction, customer,
        client_name, failure_message, unmatched_reason, stripe_created, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (payment_intent) DO UPDATE SET
        checkout_session = COALESCE(excluded.checkout_session, checkout_session),
        payment_link = COALESCE(excluded.payment_link, payment_link),
        invoice_id = excluded.invoice_id, status = excluded.status,
        amount_minor = excluded.amount_minor, fee_minor = excluded.fee_minor,
        net_minor = excluded.net_minor, method_type = excluded.method_type,
        card_brand = excluded.card_brand, card_last4 = excluded.card_last4,
        receipt_url = excluded.receipt_url, charge_id = excluded.charge_id,
        balance_transaction = excluded.balance_transaction, customer = excluded.customer,
        client_name = excluded.client_name, failure_message = excluded.failure_message,
        unmatched_reason = excluded.unmatched_reason, updated_at = excluded.updated_at";

/// The payment on the invoice.
const INSERT_PAYMENT: &str = "INSERT INTO payments
        (invoice_id, amount_minor, currency, method, received_on, reference, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)";

/// Points the Stripe payment at the payment just inserted (right after [`INSERT_PAYMENT`]).
const LINK_PAYMENT: &str =
    "UPDATE stripe_payments SET payment_id = last_insert_rowid() WHERE payment_intent = ?";

/// Which invoice a payment pays: the one its row already names (`known`, e.g. a bank debit seen
/// while processing), else the one whose pay link took it, else the one named in its metadata.
/// A reason, in words, when the money can't go on it (another currency, void, more than owed).
async fn match_invoice(
    conn: &mut SqliteConnection,
    pi: &PaymentIntent,
    session: Option<&CheckoutSession>,
    amount: Money,
    status: Status,
    known: Option<i64>,
) -> Result<(Option<InvoiceHead>, Option<String>)> {
    let by_link: Option<(i64,)> = match (known, session.and_then(|s| s.payment_link.as_deref())) {
        (Some(id), _) => Some((id,)),
        (None, Some(link)) => {
            sqlx::query_as("SELECT invoice_id FROM pay_links WHERE stripe_id = ?")
                .bind(link)
                .fetch_optional(&mut *conn)
                .await?
        }
        (None, None) => None,
    };
    let named = by_link.map(|(id,)| id).or_else(|| {
        pi.metadata
            .get(METADATA_INVOICE)
            .or_else(|| session.and_then(|s| s.metadata.get(METADATA_INVOICE)))
            .and_then(|v| v.parse::<i64>().ok())
    });
    let Some(id) = named else {
        return Ok((
            None,
            Some("it names no Paydesk invoice (taken in the Stripe Dashboard or through another link).".into()),
        ));
    };
    let inv = match InvoiceHead::get(conn, id).await {
        Ok(inv) => inv,
        Err(Error::NotFound { .. }) => {
            return Ok((
                None,
                Some(format!("invoice {id} it names no longer exists.")),
            ))
        }
        Err(e) => return Err(e),
    };
    if status != Status::Succeeded {
        return Ok((Some(inv), None));
    }
    let label = inv.label();
    let due = inv.amount_due();
    let reason = if inv.currency != amount.currency() {
        Some(format!(
            "it is in {}, and {label} is in {}.",
            amount.currency().code(),
            inv.currency.code()
        ))
    } else if matches!(inv.state, InvoiceState::Void | InvoiceState::Draft) {
        Some(format!("{label} was void or a draft when it arrived."))
    } else if amount.amount() > due.amount() {
        Some(format!("it is more than the {due} still owed on {label}."))
    } else {
        None
    };
    Ok((Some(inv), reason))
}

async fn insert_payment(
    ctx: &mut Ctx<'_>,
    invoice_id: i64,
    amount: Money,
    method: PaymentMethod,
    received_on: chrono::NaiveDate,
    reference: &str,
) -> Result<i64> {
    Ok(sqlx::query(INSERT_PAYMENT)
        .bind(invoice_id)
        .bind(amount.to_minor())
        .bind(amount.currency().code())
        .bind(method.as_str())
        .bind(received_on)
        .bind(reference)
        .bind(instant_text(ctx.now))
        .execute(&mut *ctx.conn)
        .await?
        .last_insert_rowid())
}

/// Applies an unmatched Stripe payment to an invoice the owner chose.
pub async fn assign_unmatched(
    ctx: &mut Ctx<'_>,
    stripe_payment_id: i64,
    invoice_id: i64,
) -> Result<Applied> {
    #[derive(sqlx::FromRow)]
    struct Unassigned {
        payment_id: Option<i64>,
        status: String,
        amount_minor: i64,
        currency: String,
        card_brand: Option<String>,
        card_last4: Option<String>,
        payment_intent: String,
        stripe_created: i64,
    }
    let row: Option<Unassigned> = sqlx::query_as(
        "SELECT payment_id, status, amount_minor, currency, card_brand, card_last4, payment_intent,
                stripe_created
         FROM stripe_payments WHERE id = ?",
    )
    .bind(stripe_payment_id)
    .fetch_optional(&mut *ctx.conn)
    .await?;
    let Some(Unassigned {
        payment_id,
        status,
        amount_minor,
        currency,
        card_brand: brand,
        card_last4: last4,
        payment_intent: pi,
        stripe_created: created,
    }) = row
    else {
        return Err(Error::NotFound {
            what: "Stripe payment",
            id: stripe_payment_id,
        });
    };
    if payment_id.is_some() || status != "succeeded" {
        return Err(Error::conflict(
            "Only a received Stripe payment that isn't on an invoice yet can be assigned.",
        ));
    }
    let amount = Money::from_minor(amount_minor, crate::money::Currency::parse(&currency)?);
    let inv = invoice_store::get(ctx.conn, invoice_id).await?;
    let label = invoice::label(&inv);
    if inv.currency != amount.currency() {
        return Err(Error::invalid(
            "invoice_id",
            format!(
                "{label} is in {}, this payment in {currency}.",
                inv.currency.code()
            ),
        ));
    }
    if !matches!(inv.state, InvoiceState::Open | InvoiceState::Uncollectible) {
        return Err(Error::invalid(
            "invoice_id",
            format!("{label} isn't open, so it can't take a payment."),
        ));
    }
    if amount.amount() > inv.amount_due.amount() {
        return Err(Error::invalid(
            "invoice_id",
            format!(
                "{} is more than the {} still owed on {label}.",
                amount, inv.amount_due
            ),
        ));
    }
    let reference = match (brand, last4) {
        (Some(b), Some(l)) => format!("Stripe {b} •••• {l}"),
        _ => format!("Stripe {pi}"),
    };
    let received_on = ctx.date_of(created);
    let payment_id = insert_payment(
        ctx,
        inv.id,
        amount,
        PaymentMethod::Card,
        received_on,
        &reference,
    )
    .await?;
    sqlx::query(
        "UPDATE stripe_payments SET invoice_id = ?, payment_id = ?, unmatched_reason = NULL,
                client_name = ?, updated_at = ? WHERE id = ?",
    )
    .bind(inv.id)
    .bind(payment_id)
    .bind(&inv.client_name)
    .bind(instant_text(ctx.now))
    .bind(stripe_payment_id)
    .execute(&mut *ctx.conn)
    .await?;
    invoice_store::refresh(ctx.conn, inv.id).await?;
    ctx.remember_payment(&pi, None);
    Ok(Applied {
        outcome: format!("Stripe payment {pi} assigned to {label}"),
        activity: Vec::new(),
        invoices: vec![inv.id],
    })
}

/// Stripe's reason for a failed payment, in words a salon owner understands.
pub(crate) fn failure_words(pi: &PaymentIntent) -> String {
    let err = pi.last_payment_error.clone().unwrap_or_default();
    let code = err
        .decline_code
        .as_deref()
        .or(err.code.as_deref())
        .unwrap_or("");
    match code {
        "insufficient_funds" => "the card was declined (insufficient funds)".into(),
        "lost_card" | "stolen_card" => "the card was declined (reported lost or stolen)".into(),
        "expired_card" => "the card has expired".into(),
        "incorrect_cvc" | "invalid_cvc" => "the card's security code was wrong".into(),
        "incorrect_number" | "invalid_number" => "the card number was wrong".into(),
        "authentication_required" | "payment_intent_authentication_failure" => {
            "the bank asked the client to confirm the payment, and it wasn't confirmed".into()
        }
        "processing_error" => "the bank couldn't process it; the client can try again".into(),
        "do_not_honor" | "generic_decline" | "card_declined" => "the card was declined".into(),
        _ if pi.payment_method_types.iter().any(|t| t == "sepa_debit")
            || code.contains("debit") =>
        {
            match err.message {
                Some(m) => format!("the bank debit failed ({m})"),
                None => "the bank debit failed".into(),
            }
        }
        _ => err
            .message
            .unwrap_or_else(|| "the payment didn't go through".into()),
    }
}
