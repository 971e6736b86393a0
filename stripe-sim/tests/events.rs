//! Events: filters, the 30-day window, delayed visibility.

mod common;

use common::Api;
use stripe_sim::Simulator;

#[tokio::test]
async fn types_and_created_filters() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let t0 = sim.now();
    api.customer("a@example.com").await;
    api.post("/v1/products", &[("name", "Haircut")]).await.ok();
    sim.advance_clock(60);
    let link = api.link("eur", "4500", &[]).await.ok();

    let ev = api
        .get(
            "/v1/events",
            &[
                ("types[]", "customer.created"),
                ("types[]", "payment_link.created"),
            ],
        )
        .await
        .ok();
    let types: Vec<&str> = ev["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["payment_link.created", "customer.created"]);
    let e = &ev["data"][0];
    assert_eq!(e["object"], "event");
    assert!(e["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(e["api_version"], stripe_sim::DEFAULT_API_VERSION);
    assert_eq!(e["data"]["object"]["id"], link["id"]);
    assert_eq!(e["livemode"], false);
    assert!(e["request"]["id"].as_str().unwrap().starts_with("req_"));

    let since = (t0 + 30).to_string();
    let recent = api
        .get("/v1/events", &[("created[gte]", &since)])
        .await
        .ok();
    let types: Vec<&str> = recent["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    // Inline price data creates a product and a price, then the link.
    assert_eq!(
        types,
        ["payment_link.created", "price.created", "product.created"]
    );

    let too_many: Vec<(&str, &str)> = (0..21).map(|_| ("types[]", "customer.created")).collect();
    assert_eq!(api.get("/v1/events", &too_many).await.status, 400);
    let one = api
        .get(&format!("/v1/events/{}", e["id"].as_str().unwrap()), &[])
        .await
        .ok();
    assert_eq!(&one, e);
}

#[tokio::test]
async fn only_the_last_30_days_are_listed() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    api.customer("old@example.com").await;
    let old_id = api.get("/v1/events", &[]).await.ids()[0].clone();
    sim.advance_clock(29 * 86_400);
    api.customer("new@example.com").await;
    assert_eq!(api.get("/v1/events", &[]).await.ids().len(), 2);
    sim.advance_clock(2 * 86_400);
    let ids = api.get("/v1/events", &[]).await.ids();
    assert_eq!(ids.len(), 1);
    assert_ne!(ids[0], old_id);
    assert_eq!(
        api.get(&format!("/v1/events/{old_id}"), &[]).await.status,
        404
    );
}

#[tokio::test]
async fn delayed_event_appears_after_newer_ones() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    api.customer("late@example.com").await;
    let late = api.get("/v1/events", &[]).await.ids()[0].clone();
    assert!(sim.delay_event(&late, 120));
    sim.advance_clock(5);
    api.customer("early@example.com").await;
    let early = api.get("/v1/events", &[]).await.ids();
    assert_eq!(early.len(), 1, "the delayed event must be hidden");
    assert_ne!(early[0], late);
    assert_eq!(
        api.get(&format!("/v1/events/{late}"), &[]).await.status,
        404
    );

    sim.advance_clock(120);
    // Now visible, sorted by its original (older) `created`: after the newer one.
    assert_eq!(
        api.get("/v1/events", &[]).await.ids(),
        vec![early[0].clone(), late]
    );
}

#[tokio::test]
async fn type_wildcard_and_conflicts() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    api.customer("a@example.com").await;
    api.link("usd", "1000", &[]).await.ok();
    let r = api
        .get("/v1/events", &[("type", "payment_link.*")])
        .await
        .ok();
    assert_eq!(r["data"].as_array().unwrap().len(), 1);
    let r = api
        .get(
            "/v1/events",
            &[("type", "price.*"), ("types[]", "customer.created")],
        )
        .await;
    assert_eq!(r.status, 400);
}
