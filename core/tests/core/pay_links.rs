//! Pay links against the Stripe simulator: one live single-use link per invoice for exactly the
//! amount due, replaced when the balance changes, switched off on void, never created twice.
//! Keys live in the real keychain, so run under scripts/with-keychain.sh.

use std::time::Duration;

use paydesk_core::business::BusinessUpdate;
use paydesk_core::invoice::InvoiceStatus;
use paydesk_core::paylink::{PayLink, PayLinkState};
use paydesk_core::payment::{PaymentInput, PaymentMethod};
use paydesk_core::stripe::client::{Method, Repeat};
use paydesk_core::stripe::retry::RetryPolicy;
use paydesk_core::stripe::{Stripe, StripeMode, StripeSettings};
use paydesk_core::{Error, MoneyError, Paydesk};
use serde_json::Value;
use stripe_sim::{Fault, Mode, Simulator};

use crate::stripe_connection::{keychain_available, settings};
use crate::support::{app, client, d, invoice_input, line, TestApp};

pub(crate) struct Shop {
    pub t: TestApp,
    pub sim: Simulator,
    pub s: StripeSettings,
}

impl Shop {
    pub fn stripe(&self) -> Stripe {
        self.t.app.stripe_with(self.s.clone())
    }

    /// A sent invoice for Zoë: 2 × 40.00 at 20 % VAT, plus 17.98 untaxed = 113.98 EUR.
    pub async fn sent_invoice(&self) -> i64 {
        let zoe = client(&self.t.app, "Zoë Øster").await;
        let draft = self
            .t
            .app
            .create_invoice(&invoice_input(
                zoe,
                vec![
                    line("Cut and colour", "2", "40.00", "20"),
                    line("Hair oil", "1", "17.98", "0"),
                ],
            ))
            .await
            .unwrap();
        self.t.app.finalize_invoice(draft.id).await.unwrap().id
    }

    /// The link as Stripe (the simulator) has it now.
    async fn at_stripe(&self, link: &PayLink) -> Value {
        let client = self.stripe().client(StripeMode::Test).await.unwrap();
        let id = link.stripe_id.as_deref().unwrap();
        client
            .json(
                Method::GET,
                &format!("/payment_links/{id}"),
                None,
                Repeat::Safe,
                "test",
            )
            .await
            .unwrap()
    }

    pub async fn links_at_stripe(&self) -> Vec<Value> {
        let client = self.stripe().client(StripeMode::Test).await.unwrap();
        let list = client
            .json(
                Method::GET,
                "/payment_links",
                Some("limit=100"),
                Repeat::Safe,
                "test",
            )
            .await
            .unwrap();
        list["data"].as_array().unwrap().clone()
    }
}

pub(crate) async fn shop() -> Option<Shop> {
    if !keychain_available() {
        return None;
    }
    let t = app().await;
    let sim = Simulator::start().await;
    let s = settings(&sim);
    t.app
        .stripe_with(s.clone())
        .connect(&sim.secret_key(Mode::Test), None)
        .await
        .unwrap();
    Some(Shop { t, sim, s })
}

fn cash(amount: &str) -> PaymentInput {
    PaymentInput {
        amount: d(amount),
        method: PaymentMethod::Cash,
        received_on: None,
        reference: String::new(),
    }
}

#[tokio::test]
async fn a_sent_invoice_gets_one_single_use_link_for_exactly_the_amount_due() {
    let Some(shop) = shop().await else { return };
    let id = shop.sent_invoice().await;
    let link = shop.stripe().pay_links().sync(id).await.unwrap().unwrap();
    assert_eq!(link.state, PayLinkState::Active);
    assert_eq!(link.amount.amount(), d("113.98"));
    assert_eq!(link.mode, StripeMode::Test);
    let url = link.url.clone().unwrap();

    let at_stripe = shop.at_stripe(&link).await;
    assert_eq!(at_stripe["active"], true);
    assert_eq!(at_stripe["url"].as_str(), Some(url.as_str()));
    assert_eq!(at_stripe["restrictions"]["completed_sessions"]["limit"], 1);
    assert_eq!(
        at_stripe["metadata"]["paydesk_invoice_id"].as_str(),
        Some(id.to_string().as_str())
    );
    assert_eq!(
        at_stripe["metadata"]["paydesk_invoice_number"],
        "INV-2026-0001"
    );

    // A second sync changes nothing: same link, no new Stripe object.
    let again = shop.stripe().pay_links().sync(id).await.unwrap().unwrap();
    assert_eq!(again.id, link.id);
    assert_eq!(shop.links_at_stripe().await.len(), 1);

    // The client pays exactly the amount due, once.
    let session = shop.sim.pay_link(&url, "4242424242424242", None).unwrap();
    assert_eq!(session["amount_total"], 11398);
    assert_eq!(session["currency"], "eur");
    assert_eq!(
        session["metadata"]["paydesk_invoice_id"].as_str(),
        Some(id.to_string().as_str())
    );
    assert!(shop.sim.pay_link(&url, "4242424242424242", None).is_err());
    assert_eq!(shop.at_stripe(&link).await["active"], false);
}

#[tokio::test]
async fn a_partial_payment_switches_the_old_link_off_before_making_one_for_the_balance() {
    let Some(shop) = shop().await else { return };
    let id = shop.sent_invoice().await;
    let links = shop.stripe().pay_links();
    let first = links.sync(id).await.unwrap().unwrap();

    shop.t.app.record_payment(id, &cash("50")).await.unwrap();
    let second = links.sync(id).await.unwrap().unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!(second.amount.amount(), d("63.98"));
    assert_eq!(shop.at_stripe(&first).await["active"], false);
    assert_eq!(shop.at_stripe(&second).await["active"], true);
    assert!(shop
        .sim
        .pay_link(first.url.as_deref().unwrap(), "4242424242424242", None)
        .is_err());

    let history = links.links(id).await.unwrap();
    let states: Vec<_> = history.iter().map(|l| l.state).collect();
    assert_eq!(
        states,
        vec![PayLinkState::Active, PayLinkState::Deactivated]
    );
    assert!(history[1].retired_at.is_some());
}

#[tokio::test]
async fn voiding_switches_the_link_off_and_paying_in_full_leaves_none() {
    let Some(shop) = shop().await else { return };
    let links = shop.stripe().pay_links();
    let voided = shop.sent_invoice().await;
    let link = links.sync(voided).await.unwrap().unwrap();
    shop.t.app.void_invoice(voided).await.unwrap();
    assert_eq!(links.sync(voided).await.unwrap(), None);
    assert_eq!(shop.at_stripe(&link).await["active"], false);

    let paid = shop.sent_invoice().await;
    let link = links.sync(paid).await.unwrap().unwrap();
    shop.t
        .app
        .record_payment(paid, &cash("113.98"))
        .await
        .unwrap();
    assert_eq!(
        shop.t.app.invoice(paid).await.unwrap().status,
        InvoiceStatus::Paid
    );
    assert_eq!(links.sync(paid).await.unwrap(), None);
    assert_eq!(shop.at_stripe(&link).await["active"], false);
}

#[tokio::test]
async fn a_lost_answer_is_retried_with_the_same_key_and_makes_one_link() {
    let Some(shop) = shop().await else { return };
    let id = shop.sent_invoice().await;
    // Stripe makes the link, but the answer never arrives; the retry must not make a second.
    shop.sim.inject_fault(
        Fault::drop_connection()
            .times(1)
            .method("POST")
            .path_prefix("/v1/payment_links"),
    );
    let link = shop.stripe().pay_links().sync(id).await.unwrap().unwrap();
    let at_stripe = shop.links_at_stripe().await;
    assert_eq!(at_stripe.len(), 1);
    assert_eq!(at_stripe[0]["id"].as_str(), link.stripe_id.as_deref());
}

/// The app is killed while Stripe is making the link (here: the only attempt loses its answer).
/// `later` is how long the app stays closed.
async fn killed_mid_call_then_restarted(later: chrono::Duration) {
    let Some(shop) = shop().await else { return };
    let id = shop.sent_invoice().await;
    let one_shot = StripeSettings {
        retry: RetryPolicy {
            max_attempts: 1,
            ..shop.s.retry.clone()
        },
        ..shop.s.clone()
    };
    shop.sim.inject_fault(
        Fault::drop_connection()
            .times(1)
            .method("POST")
            .path_prefix("/v1/payment_links"),
    );
    let e = shop
        .t
        .app
        .stripe_with(one_shot)
        .pay_links()
        .sync(id)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_unreachable", "{e}");
    let pending = shop.stripe().pay_links().links(id).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].state, PayLinkState::Creating);
    assert!(pending[0].last_error.is_some());
    assert_eq!(shop.links_at_stripe().await.len(), 1, "Stripe made it");

    shop.t.clock.advance(later);
    shop.sim.advance_clock(later.num_seconds());
    let reopened = Paydesk::open_with_clock(shop.t.dir.path(), shop.t.clock.clone())
        .await
        .unwrap();
    let (failed, first) = reopened
        .stripe_with(shop.s.clone())
        .pay_links()
        .sync_all()
        .await
        .unwrap();
    assert_eq!((failed, first.map(|e| e.to_string())), (0, None));
    let links = reopened.stripe_with(shop.s.clone()).pay_links();
    let link = links.current(id).await.unwrap().unwrap();
    assert_eq!(link.id, pending[0].id);
    let at_stripe = shop.links_at_stripe().await;
    assert_eq!(at_stripe.len(), 1, "no second link");
    assert_eq!(at_stripe[0]["id"].as_str(), link.stripe_id.as_deref());
}

#[tokio::test]
async fn killed_mid_call_the_restarted_app_reuses_the_key() {
    killed_mid_call_then_restarted(chrono::Duration::minutes(5)).await;
}

#[tokio::test]
async fn killed_mid_call_and_closed_for_two_days_the_link_is_found_not_remade() {
    // Stripe (and the simulator) forget idempotency keys after 24 hours.
    killed_mid_call_then_restarted(chrono::Duration::hours(48)).await;
}

#[tokio::test]
async fn below_stripes_minimum_there_is_no_link_and_the_owner_is_told_why() {
    let Some(shop) = shop().await else { return };
    let zoe = client(&shop.t.app, "Zoë Øster").await;
    let draft = shop
        .t
        .app
        .create_invoice(&invoice_input(
            zoe,
            vec![line("Hair tie", "1", "0.40", "0")],
        ))
        .await
        .unwrap();
    let id = shop.t.app.finalize_invoice(draft.id).await.unwrap().id;
    let e = shop.stripe().pay_links().sync(id).await.unwrap_err();
    assert!(
        matches!(e, Error::Money(MoneyError::BelowStripeMinimum { .. })),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "Stripe can't take less than 0.50 EUR online — record a manual payment instead."
    );
    assert!(shop
        .stripe()
        .pay_links()
        .links(id)
        .await
        .unwrap()
        .is_empty());
    assert!(shop.links_at_stripe().await.is_empty());
}

#[tokio::test]
async fn stripe_unreachable_leaves_the_invoice_sent_and_the_link_is_made_later() {
    let Some(shop) = shop().await else { return };
    let id = shop.sent_invoice().await;
    let nowhere = StripeSettings {
        api_base: "http://127.0.0.1:9/".into(),
        timeout: Duration::from_millis(500),
        retry: RetryPolicy {
            max_attempts: 1,
            ..shop.s.retry.clone()
        },
        ..shop.s.clone()
    };
    let e = shop
        .t
        .app
        .stripe_with(nowhere)
        .pay_links()
        .sync(id)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_unreachable");
    assert_eq!(
        shop.t.app.invoice(id).await.unwrap().status,
        InvoiceStatus::Open
    );
    let (failed, _) = shop.stripe().pay_links().sync_all().await.unwrap();
    assert_eq!(failed, 0);
    let link = shop
        .stripe()
        .pay_links()
        .current(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(link.amount.amount(), d("113.98"));
    assert_eq!(link.last_error, None);
    assert_eq!(shop.links_at_stripe().await.len(), 1);
}

#[tokio::test]
async fn without_stripe_nothing_happens_and_asking_for_a_link_says_connect_first() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë Øster").await;
    let draft = t
        .app
        .create_invoice(&invoice_input(zoe, vec![line("Cut", "1", "40", "0")]))
        .await
        .unwrap();
    let id = t.app.finalize_invoice(draft.id).await.unwrap().id;
    let sim = Simulator::start().await;
    let links = t.app.stripe_with(settings(&sim)).pay_links();
    assert_eq!(links.sync(id).await.unwrap(), None);
    let e = links.add(id).await.unwrap_err();
    assert_eq!(e.code(), "stripe_not_connected");
    assert!(links.links(id).await.unwrap().is_empty());
    assert_eq!(sim.request_count("/v1/payment_links"), 0);
}

#[tokio::test]
async fn a_draft_link_follows_the_draft_and_saving_cards_is_asked_for_when_enabled() {
    let Some(shop) = shop().await else { return };
    shop.t
        .app
        .update_business(BusinessUpdate {
            save_cards_on_pay: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    let zoe = client(&shop.t.app, "Zoë Øster").await;
    let draft = shop
        .t
        .app
        .create_invoice(&invoice_input(zoe, vec![line("Cut", "1", "40", "0")]))
        .await
        .unwrap();
    let links = shop.stripe().pay_links();
    // A draft gets a link only when asked.
    assert_eq!(links.sync(draft.id).await.unwrap(), None);
    let first = links.add(draft.id).await.unwrap();
    assert_eq!(first.amount.amount(), d("40.00"));
    let at_stripe = shop.at_stripe(&first).await;
    assert_eq!(at_stripe["customer_creation"], "always");
    assert_eq!(
        at_stripe["payment_intent_data"]["setup_future_usage"],
        "off_session"
    );

    shop.t
        .app
        .update_draft(
            draft.id,
            &invoice_input(
                zoe,
                vec![line("Cut", "1", "40", "0"), line("Wash", "1", "15", "0")],
            ),
        )
        .await
        .unwrap();
    let second = links.sync(draft.id).await.unwrap().unwrap();
    assert_eq!(second.amount.amount(), d("55.00"));
    assert_eq!(shop.at_stripe(&first).await["active"], false);

    // Finalizing keeps the amount, so the link stays.
    shop.t.app.finalize_invoice(draft.id).await.unwrap();
    assert_eq!(links.sync(draft.id).await.unwrap().unwrap().id, second.id);
}
