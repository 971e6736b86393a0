//! Payment links: creation, validation with Stripe's messages, updates, line items.

mod common;

use common::Api;
use serde_json::json;
use stripe_sim::Simulator;

#[tokio::test]
async fn create_with_inline_price_and_options() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let link = api
        .link(
            "eur",
            "12500",
            &[
                ("metadata[invoice_id]", "inv_42"),
                ("payment_intent_data[metadata][invoice_id]", "inv_42"),
                ("payment_intent_data[setup_future_usage]", "off_session"),
                ("customer_creation", "always"),
                ("restrictions[completed_sessions][limit]", "1"),
                ("after_completion[type]", "hosted_confirmation"),
                (
                    "after_completion[hosted_confirmation][custom_message]",
                    "Thanks!",
                ),
            ],
        )
        .await
        .ok();
    let id = link["id"].as_str().unwrap();
    assert!(id.starts_with("plink_"));
    assert_eq!(link["object"], "payment_link");
    assert_eq!(link["active"], true);
    assert_eq!(link["currency"], "eur");
    assert_eq!(link["url"], format!("{}pay/{id}", sim.base_url()));
    assert_eq!(link["metadata"], json!({"invoice_id": "inv_42"}));
    assert_eq!(
        link["payment_intent_data"]["metadata"],
        json!({"invoice_id": "inv_42"})
    );
    assert_eq!(
        link["payment_intent_data"]["setup_future_usage"],
        "off_session"
    );
    assert_eq!(link["customer_creation"], "always");
    assert_eq!(
        link["restrictions"],
        json!({"completed_sessions": {"count": 0, "limit": 1}})
    );
    assert_eq!(
        link["after_completion"]["hosted_confirmation"]["custom_message"],
        "Thanks!"
    );

    let items = api
        .get(&format!("/v1/payment_links/{id}/line_items"), &[])
        .await
        .ok();
    assert_eq!(items["url"], format!("/v1/payment_links/{id}/line_items"));
    let item = &items["data"][0];
    assert_eq!(item["object"], "item");
    assert_eq!(item["amount_total"], 12500);
    assert_eq!(item["quantity"], 1);
    assert_eq!(item["description"], "Invoice 2026-001");
    assert_eq!(item["price"]["unit_amount"], 12500);
    assert_eq!(item["price"]["currency"], "eur");
    assert!(item["price"]["product"]
        .as_str()
        .unwrap()
        .starts_with("prod_"));
    assert_eq!(
        api.get(&format!("/v1/payment_links/{id}"), &[]).await.ok(),
        link
    );
}

#[tokio::test]
async fn create_with_catalogue_price() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let prod = api.post("/v1/products", &[("name", "Massage")]).await.ok();
    let price = api
        .post(
            "/v1/prices",
            &[
                ("currency", "gbp"),
                ("unit_amount", "2000"),
                ("product", prod["id"].as_str().unwrap()),
            ],
        )
        .await
        .ok();
    assert_eq!(price["unit_amount_decimal"], "2000");
    let pid = price["id"].as_str().unwrap();
    let link = api
        .post(
            "/v1/payment_links",
            &[
                ("line_items[0][price]", pid),
                ("line_items[0][quantity]", "2"),
            ],
        )
        .await
        .ok();
    assert_eq!(link["currency"], "gbp");
    let items = api
        .get(
            &format!(
                "/v1/payment_links/{}/line_items",
                link["id"].as_str().unwrap()
            ),
            &[],
        )
        .await
        .ok();
    assert_eq!(items["data"][0]["amount_total"], 4000);
    assert_eq!(items["data"][0]["price"]["id"], pid);
    let r = api
        .post(
            "/v1/payment_links",
            &[
                ("line_items[0][price]", "price_nope"),
                ("line_items[0][quantity]", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.message(), "No such price: 'price_nope'");
    assert_eq!(r.json["error"]["param"], "line_items[0][price]");
}

#[tokio::test]
async fn amount_validation_messages() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);

    let r = api.link("eur", "49", &[]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"]["code"], "amount_too_small");
    assert_eq!(
        r.message(),
        "The Payment Link's total amount due must add up to at least €0.50 eur"
    );
    assert_eq!(api.link("eur", "50", &[]).await.status, 200);

    let r = api.link("gbp", "29", &[]).await;
    assert_eq!(
        r.message(),
        "The Payment Link's total amount due must add up to at least £0.30 gbp"
    );
    assert_eq!(api.link("gbp", "30", &[]).await.status, 200);

    let r = api.link("usd", "123456789", &[]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"]["code"], "amount_too_large");
    assert_eq!(
        r.json["error"]["param"],
        "line_items[0][price_data][unit_amount]"
    );
    assert_eq!(r.message(), "Amount must be no more than $999,999.99");
    assert_eq!(api.link("usd", "99999999", &[]).await.status, 200);

    // JPY is zero-decimal: 50 means ¥50, decimals are not integers.
    let r = api.link("jpy", "49", &[]).await;
    assert_eq!(
        r.message(),
        "The Payment Link's total amount due must add up to at least ¥50 jpy"
    );
    assert_eq!(api.link("jpy", "50", &[]).await.ok()["currency"], "jpy");
    let r = api.link("jpy", "1500.50", &[]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.message(), "Invalid integer: 1500.50");
    assert_eq!(
        r.json["error"]["param"],
        "line_items[0][price_data][unit_amount]"
    );

    let r = api.link("kwd", "1235", &[]).await;
    assert_eq!(r.status, 400, "three-decimal currencies need a trailing 0");
    let r = api.link("xyz", "1000", &[]).await;
    assert_eq!(r.status, 400);
    assert!(
        r.message().starts_with("Invalid currency: xyz."),
        "{}",
        r.message()
    );

    let r = api
        .post(
            "/v1/payment_links",
            &[
                ("line_items[0][price_data][currency]", "eur"),
                ("line_items[0][price_data][unit_amount]", "500"),
                ("line_items[0][quantity]", "1"),
            ],
        )
        .await;
    assert_eq!(
        r.message(),
        "Missing required param: line_items[0][price_data][product]."
    );
    let r = api
        .post(
            "/v1/payment_links",
            &[
                ("line_items[0][price_data][currency]", "eur"),
                ("line_items[0][price_data][unit_amount]", "500"),
                ("line_items[0][price_data][product_data][name]", "x"),
            ],
        )
        .await;
    assert_eq!(
        r.message(),
        "Missing required param: line_items[0][quantity]."
    );
    // Nothing was stored by the failed attempts: only the successful links' events exist.
    let links = api
        .get("/v1/payment_links", &[("limit", "100")])
        .await
        .ids();
    assert_eq!(links.len(), 4);
    assert_eq!(
        api.get(
            "/v1/events",
            &[("type", "product.created"), ("limit", "100")]
        )
        .await
        .ids()
        .len(),
        4
    );
}

#[tokio::test]
async fn deactivate_emits_updated_with_previous_attributes() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let link = api.link("eur", "5000", &[("metadata[a]", "1")]).await.ok();
    let id = link["id"].as_str().unwrap();
    let upd = api
        .post(&format!("/v1/payment_links/{id}"), &[("active", "false")])
        .await
        .ok();
    assert_eq!(upd["active"], false);
    let ev = api
        .get("/v1/events", &[("type", "payment_link.updated")])
        .await
        .ok();
    assert_eq!(ev["data"].as_array().unwrap().len(), 1);
    assert_eq!(ev["data"][0]["data"]["object"]["active"], false);
    assert_eq!(
        ev["data"][0]["data"]["previous_attributes"],
        json!({"active": true})
    );
    let active = api
        .get("/v1/payment_links", &[("active", "true")])
        .await
        .ids();
    assert!(active.is_empty());
    let r = api
        .post(&format!("/v1/payment_links/{id}"), &[("active", "maybe")])
        .await;
    assert_eq!(r.message(), "Invalid boolean: maybe");
    assert_eq!(
        api.post("/v1/payment_links/plink_nope", &[("active", "false")])
            .await
            .status,
        404
    );
}
