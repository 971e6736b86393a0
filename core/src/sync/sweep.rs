//! Looking at objects directly instead of through events: every open pay link's Checkout
//! Sessions and every processing payment (so no invoice waits on one event that never comes), and
//! the rebuild after being offline longer than Stripe keeps events.

use super::fetch::{self, Fetched, Fetcher};
use super::{state, PassReport, Sync};
use crate::error::Result;
use crate::ledger::objects::{CheckoutSession, Dispute, PaymentIntent, Payout, Refund};
use crate::stripe::{StripeClient, StripeMode};

/// Open links' sessions and processing payments.
pub async fn open_items(
    sync: &Sync,
    mode: StripeMode,
    client: &StripeClient,
    report: &mut PassReport,
    touched: &mut Vec<i64>,
) -> Result<()> {
    let pool = sync.stripe.app().db.pool().clone();
    let fetcher = Fetcher { client };
    let links: Vec<(String,)> = sqlx::query_as(
        "SELECT stripe_id FROM pay_links WHERE mode = ? AND state = 'active' AND stripe_id IS NOT NULL",
    )
    .bind(mode.as_str())
    .fetch_all(&pool)
    .await?;
    for (link,) in links {
        let sessions: Vec<CheckoutSession> = fetcher
            .get::<crate::ledger::objects::List<CheckoutSession>>(
                "/checkout/sessions",
                &format!(
                    "limit=10&payment_link={link}&expand[]=data.payment_intent.latest_charge.balance_transaction"
                ),
                "Checkout Sessions (read)",
            )
            .await?
            .map(|l| l.data)
            .unwrap_or_default();
        for cs in sessions {
            if cs.status.as_deref() != Some("complete") {
                continue;
            }
            let fetched = fetch::session_fetched(cs);
            sync.apply_direct(mode, &fetched, report, touched).await?;
        }
    }
    let processing: Vec<(String,)> = sqlx::query_as(
        "SELECT payment_intent FROM stripe_payments WHERE mode = ? AND status = 'processing'",
    )
    .bind(mode.as_str())
    .fetch_all(&pool)
    .await?;
    for (pi,) in processing {
        if let Some(pi) = fetcher.payment_intent(&pi).await? {
            let fetched = Fetched::Payment {
                pi: Box::new(pi),
                session: None,
            };
            sync.apply_direct(mode, &fetched, report, touched).await?;
        }
    }
    Ok(())
}

/// Offline longer than Stripe keeps events: applies the current state of everything created
/// since `since` from the object lists, then restarts the event feed from now.
pub async fn rebuild(
    sync: &Sync,
    mode: StripeMode,
    client: &StripeClient,
    since: i64,
    report: &mut PassReport,
    touched: &mut Vec<i64>,
) -> Result<()> {
    let app = sync.stripe.app();
    let started = app.now().timestamp();
    let fetcher = Fetcher { client };
    let progress = |text: &str| {
        let pool = app.db.pool().clone();
        let text = text.to_string();
        async move {
            let mut conn = pool.acquire().await?;
            state::set_catch_up(&mut conn, mode, Some(&text)).await
        }
    };
    progress("Catching up after a long time offline: links…").await?;
    open_items(sync, mode, client, report, touched).await?;

    progress("Catching up after a long time offline: payments…").await?;
    let created = format!("limit=100&created[gte]={since}");
    let pis: Vec<PaymentIntent> = fetcher
        .all(
            "/payment_intents",
            &format!("{created}&expand[]=data.latest_charge.balance_transaction"),
            "PaymentIntents (read)",
        )
        .await?;
    for pi in pis.into_iter().rev() {
        let fetched = Fetched::Payment {
            pi: Box::new(pi),
            session: None,
        };
        sync.apply_direct(mode, &fetched, report, touched).await?;
    }

    progress("Catching up after a long time offline: refunds…").await?;
    let refunds: Vec<Refund> = fetcher
        .all(
            "/refunds",
            &format!("{created}&expand[]=data.balance_transaction"),
            "Refunds (read)",
        )
        .await?;
    for refund in refunds.into_iter().rev() {
        let pi = match &refund.payment_intent {
            Some(pi) => fetcher.payment_intent(pi).await?,
            None => None,
        };
        let fetched = Fetched::Refunds {
            pi: pi.map(Box::new),
            refunds: vec![refund],
        };
        sync.apply_direct(mode, &fetched, report, touched).await?;
    }

    progress("Catching up after a long time offline: disputes…").await?;
    let mut disputes: Vec<Dispute> = fetcher
        .all("/disputes", &created, "Disputes (read)")
        .await?;
    // Disputes opened earlier may have closed while Paydesk was away.
    let open: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM stripe_disputes WHERE mode = ? AND status NOT IN ('won', 'lost')",
    )
    .bind(mode.as_str())
    .fetch_all(app.db.pool())
    .await?;
    for (id,) in open {
        if disputes.iter().all(|d| d.id != id) {
            if let Some(d) = fetcher
                .get::<Dispute>(&format!("/disputes/{id}"), "", "Disputes (read)")
                .await?
            {
                disputes.push(d);
            }
        }
    }
    for dispute in disputes.into_iter().rev() {
        let pi = match &dispute.payment_intent {
            Some(pi) => fetcher.payment_intent(pi).await?,
            None => None,
        };
        let fetched = Fetched::Dispute {
            pi: pi.map(Box::new),
            dispute: Box::new(dispute),
        };
        sync.apply_direct(mode, &fetched, report, touched).await?;
    }

    progress("Catching up after a long time offline: payouts…").await?;
    let payouts: Vec<Payout> = fetcher
        .all(
            "/payouts",
            &format!("{created}&expand[]=data.balance_transaction"),
            "Payouts (read)",
        )
        .await?;
    for payout in payouts.into_iter().rev() {
        let members = fetcher.payout_members(&payout).await?;
        let fetched = Fetched::Payout {
            payout: Box::new(payout),
            members,
        };
        sync.apply_direct(mode, &fetched, report, touched).await?;
    }

    let mut conn = app.db.pool().acquire().await?;
    state::set_watermark(&mut conn, mode, started - super::OVERLAP_SECS).await?;
    state::set_catch_up(&mut conn, mode, None).await?;
    Ok(())
}
