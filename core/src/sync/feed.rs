//! Listing Stripe's events: everything created since a point, of the types Paydesk applies,
//! paging to the end, returned oldest first.

use crate::error::Result;
use crate::ledger::objects::{self, Event, List};
use crate::stripe::client::{Method, Repeat};
use crate::stripe::{StripeClient, StripeError};

/// The event types Paydesk applies. Stripe takes at most 20 in `types[]`; the ones left out are
/// covered otherwise (a card attached while paying arrives with the payment; a dispute's updates
/// end in `closed`). Stripe generates each of these without a webhook endpoint subscribing.
pub const TYPES: [&str; 20] = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.processing",
    "payment_intent.canceled",
    "charge.refunded",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "charge.dispute.created",
    "charge.dispute.closed",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
    "payout.paid",
    "payout.failed",
    "payout.reconciliation_completed",
    "customer.deleted",
    "payment_method.detached",
];

/// One listing: the events and how many pages it took.
pub struct Listing {
    pub events: Vec<Event>,
    pub pages: u32,
}

/// Every event of [`TYPES`] created at or after `since` (Unix seconds), oldest first.
/// `on_page` hears the running count after each page (for catch-up progress).
pub async fn since(
    client: &StripeClient,
    since: i64,
    mut on_page: impl FnMut(u32, usize),
) -> Result<Listing> {
    let base = {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("limit", "100");
        q.append_pair("created[gte]", &since.to_string());
        for t in TYPES {
            q.append_pair("types[]", t);
        }
        q.finish()
    };
    let mut events: Vec<Event> = Vec::new();
    let mut pages = 0;
    let mut after: Option<String> = None;
    loop {
        let query = match &after {
            Some(id) => format!("{base}&starting_after={id}"),
            None => base.clone(),
        };
        let response = client
            .request(Method::GET, "/events", Some(&query), None, Repeat::Safe)
            .await?;
        if !response.is_success() {
            return Err(StripeError::from_response(
                response.status,
                &response.body,
                "Events (read)",
            )
            .into());
        }
        let page: List<serde_json::Value> = objects::parse(&response.body, "a list of events")?;
        let page = List {
            has_more: page.has_more,
            data: page
                .data
                .into_iter()
                .map(|raw| {
                    let mut e: Event = serde_json::from_value(raw.clone()).map_err(|e| {
                        StripeError::BadResponse {
                            detail: format!("an event Paydesk couldn't read: {e}"),
                        }
                    })?;
                    e.raw = raw;
                    Ok(e)
                })
                .collect::<Result<Vec<Event>>>()?,
        };
        pages += 1;
        let more = page.has_more;
        after = page.data.last().map(|e| e.id.clone());
        events.extend(page.data);
        on_page(pages, events.len());
        if !more || after.is_none() {
            break;
        }
    }
    // Newest first from Stripe; applied oldest first. Ties keep Stripe's order reversed, which is
    // creation order for events of the same second.
    events.reverse();
    events.sort_by_key(|e| e.created);
    let mut seen = std::collections::HashSet::new();
    events.retain(|e| seen.insert(e.id.clone()));
    Ok(Listing { events, pages })
}
