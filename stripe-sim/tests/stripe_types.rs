//! The simulator's JSON parses into async-stripe's own types, with the same
//! (miniserde) deserializer its client uses — proof of Stripe's object shapes.

mod common;

use common::Api;
use serde_json::Value;
use stripe_sim::Simulator;

#[track_caller]
fn parse<T: miniserde::Deserialize>(v: &Value, what: &str) -> T {
    let text = v.to_string();
    miniserde::json::from_str(&text)
        .unwrap_or_else(|e| panic!("{what} does not parse as async-stripe's type: {e:?}\n{text}"))
}

#[tokio::test]
async fn objects_parse_as_async_stripe_types() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);

    let cust = api
        .post(
            "/v1/customers",
            &[
                ("email", "a@example.com"),
                ("name", "Anna"),
                ("metadata[k]", "v"),
            ],
        )
        .await
        .ok();
    let c: stripe_shared::Customer = parse(&cust, "customer");
    assert_eq!(c.email.as_deref(), Some("a@example.com"));
    assert_eq!(c.id.as_str(), cust["id"].as_str().unwrap());

    let prod = api.post("/v1/products", &[("name", "Haircut")]).await.ok();
    let p: stripe_shared::Product = parse(&prod, "product");
    assert_eq!(p.name, "Haircut");
    let price = api
        .post(
            "/v1/prices",
            &[
                ("currency", "eur"),
                ("unit_amount", "3500"),
                ("product", p.id.as_str()),
            ],
        )
        .await
        .ok();
    let pr: stripe_shared::Price = parse(&price, "price");
    assert_eq!(pr.unit_amount, Some(3500));

    let link = api
        .link(
            "eur",
            "4200",
            &[
                ("restrictions[completed_sessions][limit]", "1"),
                ("payment_intent_data[metadata][invoice]", "7"),
                ("payment_intent_data[setup_future_usage]", "off_session"),
                ("customer_creation", "always"),
            ],
        )
        .await
        .ok();
    let l: stripe_shared::PaymentLink = parse(&link, "payment_link");
    assert!(l.active);
    assert_eq!(
        l.restrictions.as_ref().map(|r| r.completed_sessions.limit),
        Some(1)
    );
    let deactivated = api
        .post(
            &format!("/v1/payment_links/{}", l.id.as_str()),
            &[("active", "false")],
        )
        .await
        .ok();
    let l2: stripe_shared::PaymentLink = parse(&deactivated, "updated payment_link");
    assert!(!l2.active);

    let acct = api.get("/v1/account", &[]).await.ok();
    let a: stripe_shared::Account = parse(&acct, "account");
    assert_eq!(a.id.as_str(), sim.account_id());
    assert_eq!(a.payouts_enabled, Some(true));

    let deleted = api
        .delete(&format!("/v1/customers/{}", c.id.as_str()))
        .await
        .ok();
    let d: stripe_shared::DeletedCustomer = parse(&deleted, "deleted customer");
    assert_eq!(d.id.as_str(), c.id.as_str());

    let events = api.get("/v1/events", &[("limit", "100")]).await.ok();
    let data = events["data"].as_array().unwrap();
    assert!(data.len() >= 7, "{}", data.len());
    for e in data {
        let ev: stripe_shared::Event = parse(e, "event");
        assert_eq!(ev.id.as_str(), e["id"].as_str().unwrap());
        assert_eq!(
            ev.api_version.as_deref(),
            Some(stripe_sim::DEFAULT_API_VERSION)
        );
    }
}

#[tokio::test]
async fn payment_objects_parse_as_async_stripe_types() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let link = api
        .link("eur", "5000", &[("customer_creation", "always")])
        .await
        .ok();
    let cs = sim
        .pay_link(
            link["id"].as_str().unwrap(),
            "4242424242424242",
            Some("a@example.com"),
        )
        .unwrap();
    let s: stripe_shared::CheckoutSession = parse(&cs, "checkout.session");
    assert_eq!(s.amount_total, Some(5000));
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
    let p: stripe_shared::PaymentIntent = parse(&pi, "payment_intent");
    assert_eq!(p.amount, 5000);
    let ch = api
        .get(
            &format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()),
            &[],
        )
        .await
        .ok();
    let _: stripe_shared::Charge = parse(&ch, "charge");
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
    let _: stripe_shared::PaymentMethod = parse(&pm, "payment_method");
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
    let _: stripe_shared::BalanceTransaction = parse(&bt, "balance_transaction");
    let re = api
        .post(
            "/v1/refunds",
            &[("charge", ch["id"].as_str().unwrap()), ("amount", "100")],
        )
        .await
        .ok();
    let _: stripe_shared::Refund = parse(&re, "refund");
    let ch2 = api
        .get(&format!("/v1/charges/{}", ch["id"].as_str().unwrap()), &[])
        .await
        .ok();
    let _: stripe_shared::Charge = parse(&ch2, "refunded charge");
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
    let _: stripe_shared::CheckoutSessionItem = parse(&items["data"][0], "line item");
    let dp = sim
        .dispute_charge(ch["id"].as_str().unwrap(), "fraudulent")
        .unwrap();
    let d: stripe_shared::Dispute = parse(&dp, "dispute");
    assert_eq!(d.amount, 5000);
    // Enough balance to outweigh the dispute, then pay out.
    api.post(
        "/v1/payment_intents",
        &[
            ("amount", "100000"),
            ("currency", "eur"),
            ("payment_method", "pm_card_visa"),
            ("confirm", "true"),
        ],
    )
    .await
    .ok();
    sim.advance_clock(8 * 86_400);
    let payouts = sim.run_payouts(stripe_sim::Mode::Test);
    assert_eq!(payouts.len(), 1, "{payouts:?}");
    let _: stripe_shared::Payout = parse(&payouts[0], "payout");
}

#[test]
fn the_shape_check_can_fail() {
    // A payment link without its required `url` must not parse: the checks above are real.
    let mut v: Value = serde_json::json!({"id": "plink_x"});
    v["object"] = "payment_link".into();
    let r: Result<stripe_shared::PaymentLink, _> = miniserde::json::from_str(&v.to_string());
    assert!(r.is_err());
}
