//! Compares the simulator's objects with Stripe's canonical fixtures (stripe-mock's
//! `fixtures3.json`): same top-level fields, same `object`, id prefixes. Skips when the
//! fixture file is not at `../shared/data/` next to the project (CI has it).

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::Api;
use serde_json::Value;
use stripe_sim::Simulator;

fn fixtures() -> Option<Value> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/stripe-fixtures3.json");
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str::<Value>(&text)
        .ok()
        .map(|v| v["resources"].clone())
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn prefix(id: &str) -> &str {
    // cs_test_… / cs_live_… keep two parts; everything else one.
    let parts: Vec<&str> = id.splitn(3, '_').collect();
    if parts[0] == "cs" {
        &id[..parts[0].len() + parts[1].len() + 1]
    } else {
        parts[0]
    }
}

#[tokio::test]
async fn objects_have_the_fixture_fields() {
    let Some(fx) = fixtures() else {
        eprintln!("stripe-fixtures3.json not found: fidelity check skipped");
        return;
    };
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let cus = api
        .post("/v1/customers", &[("email", "a@example.com")])
        .await
        .ok();
    let prod = api.post("/v1/products", &[("name", "Cut")]).await.ok();
    let price = api
        .post(
            "/v1/prices",
            &[
                ("currency", "eur"),
                ("unit_amount", "900"),
                ("product", prod["id"].as_str().unwrap()),
            ],
        )
        .await
        .ok();
    let link = api
        .post(
            "/v1/payment_links",
            &[
                ("line_items[0][price]", price["id"].as_str().unwrap()),
                ("line_items[0][quantity]", "1"),
            ],
        )
        .await
        .ok();
    let cs = sim
        .pay_link(
            link["id"].as_str().unwrap(),
            "4242424242424242",
            Some("b@example.com"),
        )
        .unwrap();
    let pi = api
        .get(
            &format!(
                "/v1/payment_intents/{}",
                cs["payment_intent"].as_str().unwrap()
            ),
            &[],
        )
        .await
        .ok();
    let ch = api
        .get(
            &format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()),
            &[],
        )
        .await
        .ok();
    let pm = api
        .get(
            &format!(
                "/v1/payment_methods/{}",
                ch["payment_method"].as_str().unwrap()
            ),
            &[],
        )
        .await
        .ok();
    let bt = api
        .get(
            &format!(
                "/v1/balance_transactions/{}",
                ch["balance_transaction"].as_str().unwrap()
            ),
            &[],
        )
        .await
        .ok();
    let re = api
        .post(
            "/v1/refunds",
            &[("charge", ch["id"].as_str().unwrap()), ("amount", "100")],
        )
        .await
        .ok();
    let acct = api.get("/v1/account", &[]).await.ok();
    let ev = api.get("/v1/events", &[]).await.ok()["data"][0].clone();
    let item = api
        .get(
            &format!(
                "/v1/payment_links/{}/line_items",
                link["id"].as_str().unwrap()
            ),
            &[],
        )
        .await
        .ok()["data"][0]
        .clone();
    let deleted = api
        .delete(&format!("/v1/customers/{}", cus["id"].as_str().unwrap()))
        .await
        .ok();

    let cases = [
        ("customer", &cus),
        ("product", &prod),
        ("price", &price),
        ("payment_link", &link),
        ("checkout.session", &cs),
        ("payment_intent", &pi),
        ("charge", &ch),
        ("payment_method", &pm),
        ("balance_transaction", &bt),
        ("refund", &re),
        ("account", &acct),
        ("event", &ev),
        ("item", &item),
        ("deleted_customer", &deleted),
    ];
    let mut problems = Vec::new();
    for (name, ours) in cases {
        let theirs = &fx[name];
        assert!(theirs.is_object(), "fixture {name} missing");
        let (t, o) = (keys(theirs), keys(ours));
        let missing: Vec<_> = t.difference(&o).collect();
        let extra: Vec<_> = o.difference(&t).collect();
        if !missing.is_empty() || !extra.is_empty() {
            problems.push(format!("{name}: missing {missing:?}, extra {extra:?}"));
        }
        assert_eq!(ours["object"], theirs["object"], "{name}: object");
        let (oid, tid) = (ours["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());
        assert_eq!(prefix(oid), prefix(tid), "{name}: id prefix");
        if let Some(c) = theirs.get("created") {
            assert!(
                c.is_i64() && ours["created"].as_i64().unwrap() > 1_700_000_000,
                "{name}: created"
            );
        }
        if theirs.get("livemode").is_some() {
            assert_eq!(ours["livemode"], false, "{name}: livemode");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
