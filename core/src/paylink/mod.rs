//! Pay links: the Stripe Payment Link printed on an invoice's PDF and in its email.
//!
//! Payment Links never expire (Checkout Sessions do, within a day), so a PDF read weeks later still
//! works. Each link is single use and asks for exactly the amount due; its amount can't change at
//! Stripe, so when the balance changes the old link is switched off *first* and a new one made —
//! a client never holds two live links for one invoice.
//!
//! Exactly once: a link's row, with its idempotency key and request body, is written before Stripe
//! is called. A retry — after a timeout, or after the app was killed mid-call — repeats the same
//! request with the same key, and Stripe answers with the link it already made. Stripe forgets keys
//! after 24 hours, so an older unfinished row first looks for its link by metadata.
//!
//! Front ends call [`PayLinks::sync`] after anything that changes what an invoice asks for
//! (finalize, a manual payment, void); [`PayLinks::sync_all`] finishes whatever an earlier
//! failure left undone.

mod request;
mod store;

use crate::stripe::client::Method;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::db::instant_text;
use crate::error::{Error, Result};
use crate::invoice::{Invoice, InvoiceStatus};
use crate::money::{stripe_units, Money};
use crate::stripe::client::Repeat;
use crate::stripe::{IdempotencyKey, Stripe, StripeError, StripeMode};

pub use request::{METADATA_INVOICE, METADATA_KEY, METADATA_NUMBER};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PayLinkState {
    /// Asked of Stripe, answer not yet seen.
    Creating,
    Active,
    /// Being switched off at Stripe.
    Retiring,
    Deactivated,
    /// Paid: Stripe switched it off after its one payment.
    Used,
}

crate::invoice::status::text_enum!(PayLinkState {
    Creating = "creating",
    Active = "active",
    Retiring = "retiring",
    Deactivated = "deactivated",
    Used = "used",
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PayLink {
    pub id: i64,
    pub invoice_id: i64,
    pub mode: StripeMode,
    pub amount: Money,
    #[serde(skip)]
    pub amount_minor: i64,
    pub state: PayLinkState,
    #[serde(skip)]
    pub create_key: String,
    #[serde(skip)]
    pub create_body: String,
    #[serde(skip)]
    pub retire_key: Option<String>,
    pub stripe_id: Option<String>,
    /// `https://buy.stripe.com/…`: what the PDF, the QR code and the email carry.
    pub url: Option<String>,
    /// Why the last Stripe call about this link failed, for the owner.
    pub last_error: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub activated_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub retired_at: Option<DateTime<Utc>>,
}

/// Stripe forgets idempotency keys after 24 hours; past this age an unfinished create first looks
/// for the link it may have made.
const KEY_MEMORY: Duration = Duration::hours(23);
/// How far back (pages of 100, newest first) that look goes.
const LOOKUP_PAGES: usize = 5;

/// Pay-link use cases. Get one with [`Stripe::pay_links`].
#[derive(Clone)]
pub struct PayLinks {
    stripe: Stripe,
}

impl Stripe {
    pub fn pay_links(&self) -> PayLinks {
        PayLinks {
            stripe: self.clone(),
        }
    }
}

/// What an invoice should have: a live link in `mode` for `amount_minor`, or none.
#[derive(Debug, Clone, PartialEq)]
struct Wanted {
    mode: StripeMode,
    amount_minor: i64,
    /// The link asks for a booking's deposit, not the whole amount due.
    deposit: bool,
}

impl PayLinks {
    /// Every link the invoice has had, newest first.
    pub async fn links(&self, invoice_id: i64) -> Result<Vec<PayLink>> {
        let mut conn = self.stripe.app().db.pool().acquire().await?;
        store::for_invoice(&mut conn, invoice_id).await
    }

    /// The live link of the invoice, if any.
    pub async fn current(&self, invoice_id: i64) -> Result<Option<PayLink>> {
        Ok(self
            .links(invoice_id)
            .await?
            .into_iter()
            .find(|l| l.state == PayLinkState::Active))
    }

    /// The owner asked for a link (also on a draft): makes sure there is one for the amount due.
    pub async fn add(&self, invoice_id: i64) -> Result<PayLink> {
        self.reconcile(invoice_id, true).await?.ok_or_else(|| {
            Error::conflict("This invoice has nothing left to pay, so it needs no pay link.")
        })
    }

    /// Brings the invoice's links in line with what it asks for now: finishes unfinished Stripe
    /// calls, switches off links for a stale amount, and makes a link for a sent invoice with money
    /// due. Without a Stripe connection it changes nothing. Returns the live link.
    pub async fn sync(&self, invoice_id: i64) -> Result<Option<PayLink>> {
        self.reconcile(invoice_id, false).await
    }

    /// [`Self::sync`] for every invoice with unfinished link work or missing a link. Returns how
    /// many invoices failed, and the first failure.
    pub async fn sync_all(&self) -> Result<(usize, Option<Error>)> {
        if self.stripe.active_mode().await?.is_none() {
            return Ok((0, None));
        }
        let mut ids = {
            let mut conn = self.stripe.app().db.pool().acquire().await?;
            let mut ids = store::unfinished_invoices(&mut conn).await?;
            ids.extend(store::invoices_without_link(&mut conn).await?);
            ids
        };
        ids.sort_unstable();
        ids.dedup();
        let mut failed = 0;
        let mut first = None;
        for id in ids {
            if let Err(e) = self.sync(id).await {
                failed += 1;
                first.get_or_insert(e);
            }
        }
        Ok((failed, first))
    }

    /// Records that a link took its one payment (the events poller calls this).
    pub async fn mark_used(&self, stripe_id: &str) -> Result<()> {
        let mut conn = self.stripe.app().db.pool().acquire().await?;
        if let Some(link) = store::by_stripe_id(&mut conn, stripe_id).await? {
            let now = instant_text(self.stripe.app().now());
            store::mark_retired(&mut conn, link.id, PayLinkState::Used, None, &now).await?;
        }
        Ok(())
    }

    async fn reconcile(&self, invoice_id: i64, asked: bool) -> Result<Option<PayLink>> {
        let app = self.stripe.app();
        let invoice = app.invoice(invoice_id).await?;
        let Some(mode) = self.stripe.active_mode().await? else {
            if asked {
                return Err(StripeError::NotConnected {
                    mode: StripeMode::Test,
                }
                .into());
            }
            return self.current(invoice_id).await;
        };

        for link in self.links(invoice_id).await? {
            if link.state == PayLinkState::Creating {
                self.finish_create(&link).await?;
            }
        }
        let links = self.links(invoice_id).await?;
        let has_live = links.iter().any(|l| l.state == PayLinkState::Active);
        let deposit = {
            let mut conn = app.db.pool().acquire().await?;
            crate::deposit::link_amount(&mut conn, invoice_id).await?
        };
        let wanted = wanted(&invoice, mode, asked || has_live, deposit);
        // Below Stripe's minimum: no link can exist, but the stale one must still go.
        let (wanted, blocked) = match wanted {
            Ok(w) => (w, None),
            Err(e) => (None, Some(e)),
        };

        for link in &links {
            let stale = link.state == PayLinkState::Active
                && wanted
                    .as_ref()
                    .is_none_or(|w| w.mode != link.mode || w.amount_minor != link.amount_minor);
            if stale {
                let key = self
                    .stripe
                    .new_write_key(link.mode, "pay_link.deactivate")
                    .await?;
                let mut conn = app.db.pool().acquire().await?;
                store::mark_retiring(&mut conn, link.id, key.as_str()).await?;
            }
        }
        for link in self.links(invoice_id).await? {
            if link.state == PayLinkState::Retiring {
                self.finish_retire(&link).await?;
            }
        }
        if let Some(e) = blocked {
            return Err(e);
        }
        let Some(wanted) = wanted else {
            return Ok(None);
        };
        if let Some(live) = self.current(invoice_id).await? {
            return Ok(Some(live));
        }
        self.create(&invoice, &wanted).await?;
        self.current(invoice_id).await
    }

    async fn create(&self, invoice: &Invoice, wanted: &Wanted) -> Result<()> {
        let app = self.stripe.app();
        let business = app.business().await?;
        let key = self
            .stripe
            .new_write_key(wanted.mode, "pay_link.create")
            .await?;
        let title = match &invoice.number {
            Some(n) if wanted.deposit => format!("Deposit — invoice {n}"),
            Some(n) => format!("Invoice {n}"),
            None if business.name.is_empty() => "Invoice".to_string(),
            None => format!("Invoice from {}", business.name),
        };
        let body = request::create_body(&request::NewLink {
            currency: invoice.currency.code(),
            amount_minor: wanted.amount_minor,
            title: &title,
            business_name: &business.name,
            invoice_id: invoice.id,
            invoice_number: invoice.number.as_deref(),
            create_key: key.as_str(),
            save_card: business.save_cards_on_pay,
        });
        let inserted = {
            let mut conn = app.db.pool().acquire().await?;
            store::insert_creating(
                &mut conn,
                &store::Insert {
                    invoice_id: invoice.id,
                    mode: wanted.mode,
                    currency: invoice.currency,
                    amount_minor: wanted.amount_minor,
                    create_key: key.as_str(),
                    create_body: &body,
                    now: &instant_text(app.now()),
                },
            )
            .await?
        };
        let Some(_) = inserted else {
            // Another sync got there first; its row is the link.
            return Ok(());
        };
        let link = self
            .links(invoice.id)
            .await?
            .into_iter()
            .find(|l| l.create_key == key.as_str())
            .ok_or(Error::NotFound {
                what: "Pay link",
                id: invoice.id,
            })?;
        self.finish_create(&link).await
    }

    /// Sends (or re-sends, same key, same body) the create request of a `creating` row.
    async fn finish_create(&self, link: &PayLink) -> Result<()> {
        let app = self.stripe.app();
        let outcome = async {
            let client = self.stripe.client(link.mode).await?;
            if app.now() - link.created_at > KEY_MEMORY {
                if let Some(found) = find_by_key(&client, &link.create_key).await? {
                    return Ok(found);
                }
            }
            let key = IdempotencyKey::new(&link.create_key)
                .map_err(|e| Error::from(StripeError::Config(format!("idempotency key: {e}"))))?;
            let response = client
                .request(
                    Method::POST,
                    "/payment_links",
                    None,
                    Some(link.create_body.clone()),
                    Repeat::Keyed(key),
                )
                .await?;
            if !response.is_success() {
                return Err(StripeError::from_response(
                    response.status,
                    &response.body,
                    "creating a pay link",
                )
                .into());
            }
            Ok::<_, Error>(request::parse::<request::StripeLink>(&response.body)?)
        }
        .await;
        let mut conn = app.db.pool().acquire().await?;
        match outcome {
            Ok(made) => {
                let now = instant_text(app.now());
                store::mark_active(&mut conn, link.id, &made.id, &made.url, &now).await
            }
            Err(e) => {
                store::note_error(&mut conn, link.id, &e.to_string()).await?;
                Err(e)
            }
        }
    }

    /// Switches a `retiring` link off at Stripe.
    async fn finish_retire(&self, link: &PayLink) -> Result<()> {
        let app = self.stripe.app();
        let now = instant_text(app.now());
        let client = match self.stripe.client(link.mode).await {
            Ok(c) => c,
            Err(Error::Stripe(StripeError::NotConnected { mode })) => {
                // Without the key nothing can reach the link; say so rather than block new links.
                let note = format!(
                    "Stripe {} mode was disconnected, so Paydesk couldn't switch this link off. \
                     Deactivate it in the Stripe Dashboard.",
                    mode.as_str()
                );
                let mut conn = app.db.pool().acquire().await?;
                return store::mark_retired(
                    &mut conn,
                    link.id,
                    PayLinkState::Deactivated,
                    Some(&note),
                    &now,
                )
                .await;
            }
            Err(e) => return Err(e),
        };
        let (Some(stripe_id), Some(key)) = (&link.stripe_id, &link.retire_key) else {
            return Ok(());
        };
        let key = IdempotencyKey::new(key)
            .map_err(|e| Error::from(StripeError::Config(format!("idempotency key: {e}"))))?;
        let response = client
            .request(
                Method::POST,
                &format!("/payment_links/{stripe_id}"),
                None,
                Some(request::deactivate_body()),
                Repeat::Keyed(key),
            )
            .await;
        let mut conn = app.db.pool().acquire().await?;
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                let e = Error::from(e);
                store::note_error(&mut conn, link.id, &e.to_string()).await?;
                return Err(e);
            }
        };
        if response.is_success() || response.status == 404 {
            // 404: the link is gone at Stripe, which is as off as it gets.
            return store::mark_retired(&mut conn, link.id, PayLinkState::Deactivated, None, &now)
                .await;
        }
        let e = Error::from(StripeError::from_response(
            response.status,
            &response.body,
            "switching off a pay link",
        ));
        store::note_error(&mut conn, link.id, &e.to_string()).await?;
        Err(e)
    }
}

/// Records, inside the caller's transaction, that the link took its one payment: Stripe has
/// switched it off, so it must never be switched off again or shown as live.
pub(crate) async fn mark_used_in(
    conn: &mut sqlx::SqliteConnection,
    stripe_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE pay_links SET state = 'used', retired_at = ?, last_error = NULL
         WHERE stripe_id = ? AND state IN ('active', 'retiring')",
    )
    .bind(instant_text(now))
    .bind(stripe_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The link an invoice should have now. `keep_draft_link`: a draft has a link only when the owner
/// asked for one; `deposit`: what is left of an unpaid booking deposit, which is all the link asks
/// until it is paid. Errors when the amount can't be taken online (below Stripe's minimum).
fn wanted(
    invoice: &Invoice,
    mode: StripeMode,
    keep_draft_link: bool,
    deposit: Option<Money>,
) -> Result<Option<Wanted>> {
    let amount = match invoice.status {
        InvoiceStatus::Open | InvoiceStatus::PartiallyPaid => match deposit {
            Some(d) if d.amount() < invoice.amount_due.amount() => {
                let amount_minor = stripe_units::chargeable_units(d)?;
                return Ok(Some(Wanted {
                    mode,
                    amount_minor,
                    deposit: true,
                }));
            }
            _ => invoice.amount_due,
        },
        InvoiceStatus::Draft if keep_draft_link => invoice.totals.total,
        _ => return Ok(None),
    };
    if amount.is_zero() {
        return Ok(None);
    }
    let amount_minor = stripe_units::chargeable_units(amount)?;
    Ok(Some(Wanted {
        mode,
        amount_minor,
        deposit: false,
    }))
}

/// Looks through the newest links for one made with `key` (its metadata carries it).
async fn find_by_key(
    client: &crate::stripe::StripeClient,
    key: &str,
) -> Result<Option<request::StripeLink>> {
    let mut after: Option<String> = None;
    for _ in 0..LOOKUP_PAGES {
        let query = match &after {
            Some(id) => format!("limit=100&starting_after={id}"),
            None => "limit=100".to_string(),
        };
        let page = client
            .request(
                Method::GET,
                "/payment_links",
                Some(&query),
                None,
                Repeat::Safe,
            )
            .await?;
        if !page.is_success() {
            return Err(StripeError::from_response(
                page.status,
                &page.body,
                "looking up pay links",
            )
            .into());
        }
        let page: request::LinkList = request::parse(&page.body)?;
        if let Some(found) = page
            .data
            .iter()
            .find(|l| l.metadata.get(METADATA_KEY).map(String::as_str) == Some(key))
        {
            return Ok(Some(found.clone()));
        }
        match (page.has_more, page.data.last()) {
            (true, Some(last)) => after = Some(last.id.clone()),
            _ => break,
        }
    }
    Ok(None)
}
