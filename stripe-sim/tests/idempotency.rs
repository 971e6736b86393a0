//! Idempotency keys: replay, mismatch, in-flight lock, lost responses; faults and counters.

mod common;

use std::time::Duration;

use common::Api;
use stripe_sim::{Fault, Simulator};

#[tokio::test]
async fn same_key_same_params_replays_identical_response() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let form = [
        ("email", "a@example.com"),
        ("metadata[invoice]", "2026-001"),
    ];
    let first = api.post_idem("/v1/customers", &form, "idem-1").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("idempotent-replayed"), None);
    let second = api.post_idem("/v1/customers", &form, "idem-1").await;
    assert_eq!(second.status, 200);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        second.text, first.text,
        "replayed body must be byte-identical"
    );
    assert_ne!(second.header("request-id"), first.header("request-id"));
    assert_eq!(
        second.header("original-request"),
        first.header("request-id")
    );
    // Only one customer and one customer.created event exist.
    assert_eq!(api.get("/v1/customers", &[]).await.ids().len(), 1);
    assert_eq!(
        api.get("/v1/events", &[("type", "customer.created")])
            .await
            .ids()
            .len(),
        1
    );
    // The event records the key.
    let ev = api.get("/v1/events", &[]).await.ok();
    assert_eq!(ev["data"][0]["request"]["idempotency_key"], "idem-1");
    assert_eq!(
        ev["data"][0]["request"]["id"].as_str(),
        first.header("request-id")
    );
}

#[tokio::test]
async fn same_key_other_params_is_400() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    api.post_idem("/v1/customers", &[("email", "a@example.com")], "k2")
        .await
        .ok();
    let r = api
        .post_idem("/v1/customers", &[("email", "b@example.com")], "k2")
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"]["type"], "idempotency_error");
    assert!(r.message().starts_with("Keys for idempotent requests can only be used with the same parameters they were first used with."), "{}", r.message());
    // A different endpoint with the same key is refused too.
    let r = api.post_idem("/v1/products", &[("name", "x")], "k2").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"]["type"], "idempotency_error");
    // Validation errors are not stored: the key can be used again after a 400.
    let r = api.post_idem("/v1/products", &[], "k3").await;
    assert_eq!(r.status, 400);
    let r = api.post_idem("/v1/products", &[("name", "ok")], "k3").await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn concurrent_use_of_a_key_is_409() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    sim.inject_fault(Fault::delay_ms(600).times(1).path_prefix("/v1/customers"));
    let form = [("email", "slow@example.com")];
    let a = api.clone();
    let first = tokio::spawn(async move { a.post_idem("/v1/customers", &form, "lock-1").await });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let second = api.post_idem("/v1/customers", &form, "lock-1").await;
    assert_eq!(second.status, 409, "{}", second.text);
    assert_eq!(second.json["error"]["type"], "idempotency_error");
    assert_eq!(second.json["error"]["code"], "idempotency_key_in_use");
    assert_eq!(second.header("stripe-should-retry"), Some("true"));
    let first = first.await.unwrap();
    assert_eq!(first.status, 200);
    // After the first finished, a retry replays it.
    let third = api.post_idem("/v1/customers", &form, "lock-1").await;
    assert_eq!(third.header("idempotent-replayed"), Some("true"));
    assert_eq!(third.text, first.text);
}

#[tokio::test]
async fn lost_response_then_retry_with_same_key_does_not_duplicate() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    sim.inject_fault(
        Fault::drop_connection()
            .times(1)
            .path_prefix("/v1/customers")
            .method("POST"),
    );
    let form = [("email", "lost@example.com")];
    let http = reqwest::Client::new();
    let lost = http
        .post(format!("{}v1/customers", sim.base_url()))
        .bearer_auth(&api.key)
        .header("Idempotency-Key", "lost-1")
        .form(&form)
        .send()
        .await;
    assert!(lost.is_err(), "the connection should have been dropped");
    let retry = api.post_idem("/v1/customers", &form, "lost-1").await;
    assert_eq!(retry.status, 200);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(api.get("/v1/customers", &[]).await.ids().len(), 1);
}

#[tokio::test]
async fn rate_limit_fault_then_success_and_counters() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    sim.inject_fault(Fault::status(429).times(2).path_prefix("/v1/events"));
    for _ in 0..2 {
        let r = api.get("/v1/events", &[]).await;
        assert_eq!(r.status, 429);
        assert_eq!(r.header("stripe-should-retry"), Some("true"));
        assert_eq!(r.json["error"]["code"], "rate_limit");
    }
    assert_eq!(api.get("/v1/events", &[]).await.status, 200);
    // Other paths were never affected.
    assert_eq!(api.get("/v1/customers", &[]).await.status, 200);
    assert_eq!(sim.request_count("/v1/events"), 3);
    assert_eq!(sim.request_count("/v1/customers"), 1);

    // 500 via the control endpoint, with should_retry false.
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}_sim/faults", sim.base_url()))
        .body(r#"{"status":500,"times":1,"path_prefix":"/v1/account","should_retry":false}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = api.get("/v1/account", &[]).await;
    assert_eq!(r.status, 500);
    assert_eq!(r.json["error"]["type"], "api_error");
    assert_eq!(r.header("stripe-should-retry"), Some("false"));
    assert_eq!(api.get("/v1/account", &[]).await.status, 200);
    let counts: serde_json::Value = http
        .get(format!("{}_sim/requests?path=/v1/account", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counts["count"], 2);
}
