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
