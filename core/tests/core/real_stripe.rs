//! The same client against Stripe itself, in test mode. Runs only when `STRIPE_TEST_SECRET_KEY` is
//! set (CI machines can't reach Stripe, so there it says it was skipped). Connects, creates a
//! single-use payment link the way Paydesk will, deactivates it, and finds its events.

use std::time::Duration;

use paydesk_core::stripe::client::{Method, Repeat};
use paydesk_core::stripe::retry::RetryPolicy;
use paydesk_core::stripe::{StripeMode, StripeSettings};
use paydesk_core::Paydesk;
use serde_json::Value;

fn real_key() -> Option<String> {
    match std::env::var("STRIPE_TEST_SECRET_KEY") {
        Ok(k) if !k.trim().is_empty() => Some(k),
        _ => {
            eprintln!("SKIPPED real Stripe: STRIPE_TEST_SECRET_KEY is not set");
            None
        }
    }
}

fn settings() -> StripeSettings {
    StripeSettings {
        api_base: "https://api.stripe.com/".into(),
        timeout: Duration::from_secs(30),
        retry: RetryPolicy::default(),
        keychain: super::stripe_connection::private_keychain(),
    }
}

#[tokio::test]
async fn connect_create_and_deactivate_a_payment_link_and_list_its_events() {
    let Some(key) = real_key() else { return };
    assert!(
        key.starts_with("sk_test_") || key.starts_with("rk_test_"),
        "use a test-mode key"
    );
    let dir = tempfile::tempdir().unwrap();
    let app = Paydesk::open(dir.path()).await.unwrap();
    let stripe = app.stripe_with(settings());

    let connected = stripe.connect(&key, None).await.unwrap();
    assert_eq!(connected.connection.mode, StripeMode::Test);
    assert!(connected.connection.account_id.starts_with("acct_"));

    let client = stripe.client(StripeMode::Test).await.unwrap();
    let marker = format!("paydesk-real-{}", fastrand::u64(..));
    let body = format!(
        "line_items[0][price_data][currency]=eur&line_items[0][price_data][unit_amount]=1234\
         &line_items[0][price_data][product_data][name]=Paydesk+real-Stripe+check&line_items[0][quantity]=1\
         &restrictions[completed_sessions][limit]=1&metadata[paydesk_check]={marker}"
    );
    let write_key = stripe
        .new_write_key(StripeMode::Test, "real-stripe-check")
        .await
        .unwrap();
    let created = client
        .request(
            Method::POST,
            "/payment_links",
            None,
            Some(body.clone()),
            Repeat::Keyed(write_key.clone()),
        )
        .await
        .unwrap();
    assert!(
        created.is_success(),
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let link: Value = serde_json::from_slice(&created.body).unwrap();
    let id = link["id"].as_str().unwrap().to_string();
    assert!(link["url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(link["restrictions"]["completed_sessions"]["limit"], 1);

    // The same key again replays the first answer instead of making a second link.
    let replay = client
        .request(
            Method::POST,
            "/payment_links",
            None,
            Some(body),
            Repeat::Keyed(write_key),
        )
        .await
        .unwrap();
    let replayed: Value = serde_json::from_slice(&replay.body).unwrap();
    assert_eq!(replayed["id"], link["id"]);

    let deactivate_key = stripe
        .new_write_key(StripeMode::Test, "real-stripe-check")
        .await
        .unwrap();
    let updated = client
        .request(
            Method::POST,
            &format!("/payment_links/{id}"),
            None,
            Some("active=false".into()),
            Repeat::Keyed(deactivate_key),
        )
        .await
        .unwrap();
    let updated: Value = serde_json::from_slice(&updated.body).unwrap();
    assert_eq!(updated["active"], false);

    // Events can take a moment to be listed.
    let mut found = false;
    for _ in 0..10 {
        let events = client
            .json(
                Method::GET,
                "/events",
                Some("types[]=payment_link.created&limit=100"),
                Repeat::Safe,
                "list events",
            )
            .await
            .unwrap();
        found = events["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["data"]["object"]["id"] == id.as_str());
        if found {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    assert!(found, "payment_link.created for {id} was not listed");

    assert!(stripe.disconnect(StripeMode::Test).await.unwrap());
}

/// Issue 8's Stripe writes as Stripe itself takes them: a "save your card" customer and setup-mode
/// Checkout Session, an off-session charge of a saved test card, and a declined one in plain words.
#[tokio::test]
async fn card_request_and_off_session_charges_are_accepted_by_stripe() {
    let Some(key) = real_key() else { return };
    let dir = tempfile::tempdir().unwrap();
    let app = Paydesk::open(dir.path()).await.unwrap();
    app.update_business(paydesk_core::business::BusinessUpdate {
        currency: Some("EUR".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let stripe = app.stripe_with(settings());
    stripe.connect(&key, None).await.unwrap();
    let zoe = app
        .create_client(&paydesk_core::client::ClientInput {
            name: "Paydesk real-Stripe check".into(),
            email: "zoe@example.com".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;

    let request = stripe.card_request(zoe).await.unwrap();
    assert_eq!(request.status, "open");
    assert!(request
        .url
        .unwrap()
        .starts_with("https://checkout.stripe.com/"));
    let (customer,): (String,) =
        sqlx::query_as("SELECT id FROM stripe_customers WHERE client_id = ?")
            .bind(zoe)
            .fetch_one(app.database().pool())
            .await
            .unwrap();

    // Stand in for the client's page: attach Stripe's test cards to the customer.
    let client = stripe.client(StripeMode::Test).await.unwrap();
    for (pm, saved_at) in [
        (
            "pm_card_chargeDeclinedInsufficientFunds",
            "2000-01-01T00:00:00Z",
        ),
        ("pm_card_visa", "2001-01-01T00:00:00Z"),
    ] {
        let r = client
            .request(
                Method::POST,
                &format!("/payment_methods/{pm}/attach"),
                None,
                Some(format!("customer={customer}")),
                Repeat::Once,
            )
            .await
            .unwrap();
        assert!(r.is_success(), "{}", String::from_utf8_lossy(&r.body));
        let attached: Value = serde_json::from_slice(&r.body).unwrap();
        sqlx::query(
            "INSERT INTO saved_cards (id, mode, customer, brand, last4, exp_month, exp_year, updated_at)
             VALUES (?, 'test', ?, ?, ?, 12, 2099, ?)",
        )
        .bind(attached["id"].as_str().unwrap())
        .bind(&customer)
        .bind(attached["card"]["brand"].as_str().unwrap())
        .bind(attached["card"]["last4"].as_str().unwrap())
        .bind(saved_at)
        .execute(app.database().pool())
        .await
        .unwrap();
    }
    let invoice = |amount: &'static str| {
        let app = app.clone();
        async move {
            let draft = app
                .create_invoice(&paydesk_core::invoice::InvoiceInput {
                    client_id: zoe,
                    lines: vec![paydesk_core::invoice::LineInput {
                        description: "Real-Stripe check".into(),
                        quantity: 1.into(),
                        unit_price: amount.parse().unwrap(),
                        tax_rate: 0.into(),
                        discount_percent: 0.into(),
                        service_id: None,
                    }],
                    ..Default::default()
                })
                .await
                .unwrap();
            app.finalize_invoice(draft.id).await.unwrap().id
        }
    };
    let paid = invoice("12.34").await;
    let charge = stripe.charge_saved_card(paid).await.unwrap();
    assert_eq!(charge.status, "succeeded", "{charge:?}");

    // The declining card as the newest: Stripe's decline, in plain words, invoice still owed.
    sqlx::query("UPDATE saved_cards SET updated_at = '2100-01-01T00:00:00Z' WHERE last4 = '9995'")
        .execute(app.database().pool())
        .await
        .unwrap();
    let owed = invoice("5.00").await;
    let declined = stripe.charge_saved_card(owed).await.unwrap();
    assert_eq!(declined.status, "failed");
    assert!(
        declined
            .failure
            .as_deref()
            .unwrap_or("")
            .contains("insufficient funds"),
        "{declined:?}"
    );
}
