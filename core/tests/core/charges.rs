//! Charging a client's saved card against the Stripe simulator: the card saved while paying a
//! link pays the next invoice in one step, exactly once — also when Stripe's answer is lost and the
//! charge is finished later with the same key — and a declined card or one whose bank wants the
//! client to confirm comes back in plain words with the invoice still owed.
//! Keys live in the real keychain, so run under scripts/with-keychain.sh.

use paydesk_core::business::BusinessUpdate;
use paydesk_core::invoice::{InvoiceInput, InvoiceStatus};
use paydesk_core::stripe::client::{Method, Repeat};
use paydesk_core::stripe::StripeMode;
use serde_json::Value;
use stripe_sim::Fault;

use crate::pay_links::{shop, Shop};
use crate::support::{d, line};

const VISA: &str = "4242424242424242";

/// A client who paid a first invoice through its link with card saving on: (client id, customer).
pub(crate) async fn client_with_saved_card(shop: &Shop) -> (i64, String) {
    shop.t
        .app
        .update_business(BusinessUpdate {
            save_cards_on_pay: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    let (first, url) = shop.invoice_with_link().await;
    shop.sim
        .pay_link(&url, VISA, Some("zoe@example.com"))
        .unwrap();
    shop.pass().await;
    let inv = shop.t.app.invoice(first).await.unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    let cards = shop.t.app.saved_cards(inv.client_id).await.unwrap();
    assert_eq!(cards.len(), 1, "the card was saved while paying");
    assert_eq!(
        (cards[0].brand.as_str(), cards[0].last4.as_str()),
        ("visa", "4242")
    );
    let (customer,): (String,) =
        sqlx::query_as("SELECT id FROM stripe_customers WHERE client_id = ?")
            .bind(inv.client_id)
            .fetch_one(shop.t.app.database().pool())
            .await
            .unwrap();
    (inv.client_id, customer)
}

/// A second invoice for the same client: 50.00 EUR, finalized.
pub(crate) async fn next_invoice(shop: &Shop, client_id: i64) -> i64 {
    let draft = shop
        .t
        .app
        .create_invoice(&InvoiceInput {
            client_id,
            lines: vec![line("Blow-dry", "1", "50.00", "0")],
            ..Default::default()
        })
        .await
        .unwrap();
    shop.t.app.finalize_invoice(draft.id).await.unwrap().id
}

pub(crate) async fn payment_intents_of(shop: &Shop, customer: &str) -> Vec<Value> {
    let client = shop.stripe().client(StripeMode::Test).await.unwrap();
    let list = client
        .json(
            Method::GET,
            "/payment_intents",
            Some(&format!("limit=100&customer={customer}")),
            Repeat::Safe,
            "t",
        )
        .await
        .unwrap();
    list["data"].as_array().unwrap().clone()
}

/// Puts a Stripe test card on the customer at Stripe, and tells Paydesk about it as saved at
/// `saved_at` (the newest saved card is the one charged).
pub(crate) async fn also_save(shop: &Shop, customer: &str, token: &str, saved_at: &str) {
    let pm = shop
        .post(
            &format!("/payment_methods/{token}/attach"),
            &format!("customer={customer}"),
        )
        .await;
    sqlx::query(
        "INSERT INTO saved_cards (id, mode, customer, brand, last4, exp_month, exp_year, updated_at)
         VALUES (?, 'test', ?, ?, ?, 12, 2099, ?)",
    )
    .bind(pm["id"].as_str().unwrap())
    .bind(customer)
    .bind(pm["card"]["brand"].as_str().unwrap())
    .bind(pm["card"]["last4"].as_str().unwrap())
    .bind(saved_at)
    .execute(shop.t.app.database().pool())
    .await
    .unwrap();
}

#[tokio::test]
async fn a_saved_card_pays_the_next_invoice_exactly_once() {
    let Some(shop) = shop().await else { return };
    let (client_id, customer) = client_with_saved_card(&shop).await;
    let id = next_invoice(&shop, client_id).await;

    let charge = shop.stripe().charge_saved_card(id).await.unwrap();
    assert_eq!(charge.status, "succeeded", "{charge:?}");
    assert_eq!(charge.amount.amount(), d("50.00"));
    assert_eq!(charge.card, "visa •••• 4242");
    assert!(charge.failure.is_none());
    let inv = shop.t.app.invoice(id).await.unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    assert_eq!(inv.payments.len(), 1);
    let sp = shop.t.app.stripe_payments_for_invoice(id).await.unwrap();
    assert_eq!(sp.len(), 1);
    assert!(sp[0].fee.is_some(), "Stripe's fee is recorded");

    // Nothing left to charge; and the events of the charge, applied later, add nothing.
    let err = shop.stripe().charge_saved_card(id).await.unwrap_err();
    assert!(err.to_string().contains("nothing left to pay"), "{err}");
    shop.pass().await;
    assert_eq!(shop.t.app.invoice(id).await.unwrap().payments.len(), 1);
    assert_eq!(
        payment_intents_of(&shop, &customer).await.len(),
        2,
        "the link's and this one"
    );
}

#[tokio::test]
async fn a_charge_whose_answer_never_came_is_finished_with_the_same_key() {
    let Some(shop) = shop().await else { return };
    let (client_id, customer) = client_with_saved_card(&shop).await;
    let id = next_invoice(&shop, client_id).await;

    // Stripe charges the card, but no answer ever reaches Paydesk (every retry is lost too).
    shop.sim.inject_fault(
        Fault::drop_connection()
            .times(10)
            .path_prefix("/v1/payment_intents")
            .method("POST"),
    );
    assert!(shop.stripe().charge_saved_card(id).await.is_err());
    shop.sim.clear_faults();
    let (waiting,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM card_charges WHERE status = 'creating'")
            .fetch_one(shop.t.app.database().pool())
            .await
            .unwrap();
    assert_eq!(waiting, 1);
    assert_eq!(
        shop.t.app.invoice(id).await.unwrap().status,
        InvoiceStatus::Open
    );

    // The owner clicks again: the same request, the same key — Stripe's one PaymentIntent.
    let charge = shop.stripe().charge_saved_card(id).await.unwrap();
    assert_eq!(charge.status, "succeeded");
    shop.pass().await;
    assert_eq!(
        payment_intents_of(&shop, &customer).await.len(),
        2,
        "charged once"
    );
    let inv = shop.t.app.invoice(id).await.unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    assert_eq!(inv.payments.len(), 1);
}

#[tokio::test]
async fn a_declined_card_and_one_needing_the_client_say_why_and_leave_the_invoice_owed() {
    let Some(shop) = shop().await else { return };
    let (client_id, customer) = client_with_saved_card(&shop).await;
    let id = next_invoice(&shop, client_id).await;

    also_save(
        &shop,
        &customer,
        "pm_card_chargeDeclinedInsufficientFunds",
        "2098-01-01T00:00:00Z",
    )
    .await;
    let charge = shop.stripe().charge_saved_card(id).await.unwrap();
    assert_eq!(charge.status, "failed");
    assert_eq!(
        charge.failure.as_deref(),
        Some("the card was declined (insufficient funds)")
    );
    let inv = shop.t.app.invoice(id).await.unwrap();
    assert_eq!(inv.status, InvoiceStatus::Open);
    assert!(inv.payments.is_empty());
    let sp = shop.t.app.stripe_payments_for_invoice(id).await.unwrap();
    assert_eq!(sp.len(), 1);
    assert_eq!(sp[0].status, "failed");

    also_save(
        &shop,
        &customer,
        "pm_card_authenticationRequired",
        "2099-01-01T00:00:00Z",
    )
    .await;
    let charge = shop.stripe().charge_saved_card(id).await.unwrap();
    assert_eq!(charge.status, "failed");
    assert_eq!(
        charge.failure.as_deref(),
        Some("the bank asked the client to confirm the payment, and it wasn't confirmed")
    );
    assert_eq!(
        shop.t.app.invoice(id).await.unwrap().status,
        InvoiceStatus::Open
    );
    // The pay link is still there to send instead.
    assert!(shop.stripe().pay_links().sync(id).await.unwrap().is_some());
}

#[tokio::test]
async fn two_clicks_at_once_charge_once_and_a_card_removed_at_stripe_is_a_failed_charge() {
    let Some(shop) = shop().await else { return };
    let (client_id, customer) = client_with_saved_card(&shop).await;
    let id = next_invoice(&shop, client_id).await;
    let (first, second) = (shop.stripe(), shop.stripe());
    let (a, b) = tokio::join!(first.charge_saved_card(id), second.charge_saved_card(id));
    let outcomes = [a, b];
    assert!(
        outcomes
            .iter()
            .any(|o| o.as_ref().is_ok_and(|c| c.status == "succeeded")),
        "{outcomes:?}"
    );
    assert_eq!(
        payment_intents_of(&shop, &customer).await.len(),
        2,
        "the link's and one charge"
    );
    assert_eq!(shop.t.app.invoice(id).await.unwrap().payments.len(), 1);

    // The card was removed in the Stripe Dashboard; Paydesk doesn't know yet. Charging is a
    // failed charge in words (so a pay link can go out), not an error that blocks sending.
    let cards = shop.t.app.saved_cards(client_id).await.unwrap();
    shop.post(&format!("/payment_methods/{}/detach", cards[0].id), "")
        .await;
    let next = next_invoice(&shop, client_id).await;
    let charge = shop.stripe().charge_saved_card(next).await.unwrap();
    assert_eq!(charge.status, "failed");
    assert!(charge.failure.is_some());
    assert_eq!(
        shop.t.app.invoice(next).await.unwrap().status,
        InvoiceStatus::Open
    );
}

#[tokio::test]
async fn a_charge_unanswered_for_more_than_a_day_is_found_not_made_again() {
    let Some(shop) = shop().await else { return };
    let (client_id, customer) = client_with_saved_card(&shop).await;
    let id = next_invoice(&shop, client_id).await;
    shop.sim.inject_fault(
        Fault::drop_connection()
            .times(10)
            .path_prefix("/v1/payment_intents")
            .method("POST"),
    );
    assert!(shop.stripe().charge_saved_card(id).await.is_err());
    shop.sim.clear_faults();

    // The app stays closed over a weekend: Stripe has forgotten the idempotency key by now, so
    // the same request would make a second PaymentIntent. Paydesk looks for the first instead.
    shop.advance(26 * 3600);
    let charge = shop.stripe().charge_saved_card(id).await.unwrap();
    assert_eq!(charge.status, "succeeded");
    assert_eq!(
        payment_intents_of(&shop, &customer).await.len(),
        2,
        "the link's and the one charge, found by its key in the metadata"
    );
    let inv = shop.t.app.invoice(id).await.unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    assert_eq!(inv.payments.len(), 1);
}
