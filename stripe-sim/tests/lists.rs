//! Pagination: newest first, cursors both ways, limits, created filters.

mod common;

use common::Api;
use stripe_sim::Simulator;

#[tokio::test]
async fn pages_newest_first_in_both_directions() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(api.customer(&format!("c{i}@example.com")).await);
        if i == 3 {
            sim.advance_clock(10); // mix equal and different `created` values
        }
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();

    let p1 = api.get("/v1/customers", &[("limit", "3")]).await;
    assert_eq!(p1.ids(), newest_first[0..3]);
    assert_eq!(p1.json["has_more"], true);
    assert_eq!(p1.json["object"], "list");
    assert_eq!(p1.json["url"], "/v1/customers");
    let p2 = api
        .get(
            "/v1/customers",
            &[("limit", "3"), ("starting_after", &newest_first[2])],
        )
        .await;
    assert_eq!(p2.ids(), newest_first[3..6]);
    assert_eq!(p2.json["has_more"], true);
    let p3 = api
        .get(
            "/v1/customers",
            &[("limit", "3"), ("starting_after", &newest_first[5])],
        )
        .await;
    assert_eq!(p3.ids(), newest_first[6..7]);
    assert_eq!(p3.json["has_more"], false);

    // ending_before walks back toward newer items, still newest first within a page.
    let back = api
        .get(
            "/v1/customers",
            &[("limit", "2"), ("ending_before", &newest_first[4])],
        )
        .await;
    assert_eq!(back.ids(), newest_first[2..4]);
    assert_eq!(back.json["has_more"], true);
    let back = api
        .get(
            "/v1/customers",
            &[("limit", "5"), ("ending_before", &newest_first[2])],
        )
        .await;
    assert_eq!(back.ids(), newest_first[0..2]);
    assert_eq!(back.json["has_more"], false);

    // Default limit is 10.
    assert_eq!(api.get("/v1/customers", &[]).await.ids(), newest_first);
}

#[tokio::test]
async fn bad_list_parameters() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let id = api.customer("x@example.com").await;
    let r = api.get("/v1/customers", &[("limit", "101")]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"]["param"], "limit");
    assert_eq!(
        r.message(),
        "This value must be less than or equal to 100 (it currently is '101')."
    );
    assert_eq!(
        api.get("/v1/customers", &[("limit", "100")]).await.status,
        200
    );
    assert_eq!(
        api.get("/v1/customers", &[("limit", "0")]).await.status,
        400
    );
    let r = api
        .get(
            "/v1/customers",
            &[("starting_after", &id), ("ending_before", &id)],
        )
        .await;
    assert_eq!(r.status, 400);
    let r = api
        .get("/v1/customers", &[("starting_after", "cus_nope")])
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.message(), "No such customer: 'cus_nope'");
    assert_eq!(r.json["error"]["param"], "starting_after");
}

#[tokio::test]
async fn created_filters() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let t0 = sim.now();
    let old = api.customer("old@example.com").await;
    sim.advance_clock(100);
    let new = api.customer("new@example.com").await;
    let gte = (t0 + 50).to_string();
    assert_eq!(
        api.get("/v1/customers", &[("created[gte]", &gte)])
            .await
            .ids(),
        vec![new.clone()]
    );
    assert_eq!(
        api.get("/v1/customers", &[("created[lt]", &gte)])
            .await
            .ids(),
        vec![old.clone()]
    );
    let exact = t0.to_string();
    let both = api
        .get(
            "/v1/customers",
            &[
                ("created[lte]", &(t0 + 100).to_string()),
                ("created[gt]", &(t0 - 1).to_string()),
            ],
        )
        .await;
    assert_eq!(both.ids(), vec![new, old.clone()]);
    let created_old = api.get(&format!("/v1/customers/{old}"), &[]).await.ok()["created"]
        .as_i64()
        .unwrap();
    assert_eq!(created_old, t0.max(created_old));
    let r = api.get("/v1/customers", &[("created", &exact)]).await;
    assert_eq!(r.status, 200);
    let r = api.get("/v1/customers", &[("created[gte]", "soon")]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.message(), "Invalid integer: soon");
}

#[tokio::test]
async fn customer_crud_and_events() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let id = api.customer("a@example.com").await;
    let c = api
        .post(
            &format!("/v1/customers/{id}"),
            &[("name", "Anna"), ("metadata[k]", "v")],
        )
        .await
        .ok();
    assert_eq!(c["name"], "Anna");
    let d = api.delete(&format!("/v1/customers/{id}")).await.ok();
    assert_eq!(
        d,
        serde_json::json!({"id": id, "object": "customer", "deleted": true})
    );
    let again = api.get(&format!("/v1/customers/{id}"), &[]).await.ok();
    assert_eq!(again["deleted"], true);
    assert_eq!(api.get("/v1/customers/cus_missing", &[]).await.status, 404);
    let ev = api.get("/v1/events", &[("type", "customer.*")]).await.ok();
    let types: Vec<&str> = ev["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["customer.deleted", "customer.updated", "customer.created"]
    );
    assert_eq!(
        ev["data"][1]["data"]["previous_attributes"],
        serde_json::json!({"name": null, "metadata": {"k": null}})
    );
}
