//! Saved cards, off-session charges, declines, fees, refunds, and paying links on the pay page.

mod common;

use common::Api;
use serde_json::json;
use stripe_sim::{PayError, Simulator};

async fn saved_card(api: &Api, token: &str) -> (String, String) {
    let cus = api.customer("anna@example.com").await;
    let pm = api
        .post(
            &format!("/v1/payment_methods/{token}/attach"),
            &[("customer", &cus)],
        )
        .await
        .ok();
    assert_eq!(pm["customer"], cus.as_str());
    (cus, pm["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn off_session_charge_with_saved_card_and_fee() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let (cus, pm) = saved_card(&api, "pm_card_visa").await;
    let listed = api
        .get(&format!("/v1/customers/{cus}/payment_methods"), &[])
        .await
        .ok();
    assert_eq!(listed["data"][0]["id"], pm.as_str());
    assert_eq!(listed["data"][0]["card"]["last4"], "4242");

    let form = [
        ("amount", "10000"),
        ("currency", "eur"),
        ("customer", cus.as_str()),
        ("payment_method", pm.as_str()),
        ("off_session", "true"),
        ("confirm", "true"),
        ("metadata[charge_attempt]", "17"),
    ];
    let pi = api
        .post_idem("/v1/payment_intents", &form, "attempt-17")
        .await
        .ok();
    assert_eq!(pi["status"], "succeeded");
    assert_eq!(pi["amount_received"], 10000);
    assert_eq!(pi["metadata"], json!({"charge_attempt": "17"}));
    let ch = api
        .get(
            &format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()),
            &[],
        )
        .await
        .ok();
    assert_eq!(ch["status"], "succeeded");
    assert_eq!(ch["payment_intent"], pi["id"]);
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
    assert_eq!(bt["fee"], 175, "EUR standard fee 1.5% + 0.25");
    assert_eq!(bt["net"], 9825);
    assert_eq!(bt["status"], "pending");
    sim.advance_clock(8 * 86_400);
    let bts = api
        .get("/v1/balance_transactions", &[("type", "charge")])
        .await
        .ok();
    assert_eq!(bts["data"][0]["status"], "available");
    let types: Vec<String> = api
        .get(
            "/v1/events",
            &[
                ("types[]", "payment_intent.succeeded"),
                ("types[]", "charge.succeeded"),
            ],
        )
        .await
        .ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(types, ["payment_intent.succeeded", "charge.succeeded"]);

    let r = api
        .post(&format!("/v1/payment_methods/{pm}/detach"), &[])
        .await
        .ok();
    assert_eq!(r["customer"], serde_json::Value::Null);
    assert!(api
        .get("/v1/payment_methods", &[("customer", &cus)])
        .await
        .ids()
        .is_empty());
}

#[tokio::test]
async fn declines_are_402_card_errors_with_the_payment_intent() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let (cus, pm) = saved_card(&api, "pm_card_chargeDeclinedInsufficientFunds").await;
    let form = [
        ("amount", "2500"),
        ("currency", "eur"),
        ("customer", cus.as_str()),
        ("payment_method", pm.as_str()),
        ("off_session", "true"),
        ("confirm", "true"),
    ];
    let r = api
        .post_idem("/v1/payment_intents", &form, "k-decline")
        .await;
    assert_eq!(r.status, 402, "{}", r.text);
    let err = &r.json["error"];
    assert_eq!(err["type"], "card_error");
    assert_eq!(err["code"], "card_declined");
    assert_eq!(err["decline_code"], "insufficient_funds");
    assert_eq!(err["message"], "Your card has insufficient funds.");
    assert_eq!(err["payment_intent"]["status"], "requires_payment_method");
    assert_eq!(
        err["payment_intent"]["last_payment_error"]["decline_code"],
        "insufficient_funds"
    );
    let pi_id = err["payment_intent"]["id"].as_str().unwrap();
    assert_eq!(
        api.get(&format!("/v1/payment_intents/{pi_id}"), &[])
            .await
            .ok()["status"],
        "requires_payment_method"
    );
    // A retry with the same key replays the decline instead of charging again.
    let again = api
        .post_idem("/v1/payment_intents", &form, "k-decline")
        .await;
    assert_eq!(again.status, 402);
    assert_eq!(again.text, r.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(api.get("/v1/payment_intents", &[]).await.ids().len(), 1);
    assert_eq!(
        api.get("/v1/events", &[("type", "payment_intent.payment_failed")])
            .await
            .ids()
            .len(),
        1
    );

    let (cus2, pm2) = saved_card(&api, "pm_card_authenticationRequired").await;
    let r = api
        .post(
            "/v1/payment_intents",
            &[
                ("amount", "2500"),
                ("currency", "eur"),
                ("customer", &cus2),
                ("payment_method", &pm2),
                ("off_session", "true"),
                ("confirm", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 402);
    assert_eq!(r.json["error"]["code"], "authentication_required");

    let r = api
        .post(
            "/v1/payment_intents",
            &[("amount", "40"), ("currency", "eur")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.message(), "Amount must be at least €0.50 eur");
}

#[tokio::test]
async fn partial_and_full_refunds() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let pi = api
        .post(
            "/v1/payment_intents",
            &[
                ("amount", "5000"),
                ("currency", "eur"),
                ("payment_method", "pm_card_visa"),
                ("confirm", "true"),
            ],
        )
        .await
        .ok();
    let pi_id = pi["id"].as_str().unwrap();
    let re = api
        .post(
            "/v1/refunds",
            &[("payment_intent", pi_id), ("amount", "2000")],
        )
        .await
        .ok();
    assert_eq!(re["object"], "refund");
    assert_eq!(re["amount"], 2000);
    assert_eq!(re["status"], "succeeded");
    let r = api
        .post(
            "/v1/refunds",
            &[("payment_intent", pi_id), ("amount", "3001")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.message(),
        "Refund amount (€30.01) is greater than unrefunded amount on charge (€30.00)"
    );
    api.post(
        "/v1/refunds",
        &[("charge", pi["latest_charge"].as_str().unwrap())],
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
    assert_eq!(ch["amount_refunded"], 5000);
    assert_eq!(ch["refunded"], true);
    let r = api.post("/v1/refunds", &[("payment_intent", pi_id)]).await;
    assert_eq!(r.json["error"]["code"], "charge_already_refunded");
    let ev = api
        .get("/v1/events", &[("type", "charge.refunded")])
        .await
        .ok();
    assert_eq!(ev["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        ev["data"][0]["data"]["previous_attributes"],
        json!({"amount_refunded": 2000, "refunded": false, "refunds": ev["data"][1]["data"]["object"]["refunds"]})
    );
    assert_eq!(
        api.get("/v1/refunds", &[("payment_intent", pi_id)])
            .await
            .ids()
            .len(),
        2
    );
    let bts = api
        .get("/v1/balance_transactions", &[("type", "refund")])
        .await
        .ok();
    assert_eq!(bts["data"][0]["amount"], -3000);
}

#[tokio::test]
async fn paying_a_single_use_link() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let link = api
        .link(
            "eur",
            "7500",
            &[
                ("metadata[invoice_id]", "inv_9"),
                ("payment_intent_data[metadata][invoice_id]", "inv_9"),
                ("payment_intent_data[setup_future_usage]", "off_session"),
                ("customer_creation", "always"),
                ("restrictions[completed_sessions][limit]", "1"),
            ],
        )
        .await
        .ok();
    let id = link["id"].as_str().unwrap();

    // The hosted page: GET shows the form; a declined card answers 402 and completes nothing.
    let http = reqwest::Client::new();
    let url = link["url"].as_str().unwrap();
    let page = http.get(url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("<form"));
    let declined = http
        .post(url)
        .form(&[("card", "4000000000000002"), ("email", "x@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(declined.status().as_u16(), 402);
    assert!(declined
        .text()
        .await
        .unwrap()
        .contains("Your card was declined."));

    let cs = sim
        .pay_link(url, "4242 4242 4242 4242", Some("anna@example.com"))
        .unwrap();
    assert_eq!(cs["status"], "complete");
    assert_eq!(cs["payment_status"], "paid");
    assert_eq!(cs["payment_link"], id);
    assert_eq!(cs["metadata"], json!({"invoice_id": "inv_9"}));
    assert_eq!(cs["amount_total"], 7500);
    let cus = cs["customer"].as_str().unwrap();
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
    assert_eq!(pi["metadata"], json!({"invoice_id": "inv_9"}));
    assert_eq!(pi["status"], "succeeded");
    // The card was saved on the new customer for off-session use.
    assert_eq!(
        api.get(&format!("/v1/customers/{cus}/payment_methods"), &[])
            .await
            .ids()
            .len(),
        1
    );

    // Single use: deactivated after one completed session.
    let after = api.get(&format!("/v1/payment_links/{id}"), &[]).await.ok();
    assert_eq!(after["active"], false);
    assert_eq!(after["restrictions"]["completed_sessions"]["count"], 1);
    assert!(matches!(
        sim.pay_link(id, "4242424242424242", None),
        Err(PayError::Inactive(_))
    ));
    assert_eq!(http.get(url).send().await.unwrap().status().as_u16(), 410);

    let sessions = api
        .get("/v1/checkout/sessions", &[("payment_link", id)])
        .await
        .ok();
    let statuses: Vec<&str> = sessions["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["complete", "open"]);
    let completed = api
        .get("/v1/events", &[("type", "checkout.session.completed")])
        .await
        .ok();
    assert_eq!(completed["data"].as_array().unwrap().len(), 1);
    assert_eq!(completed["data"][0]["data"]["object"]["id"], cs["id"]);
    let upd = api
        .get("/v1/events", &[("type", "payment_link.updated")])
        .await
        .ok();
    assert_eq!(
        upd["data"][0]["data"]["previous_attributes"]["active"],
        true
    );
    let items = api
        .get(
            &format!(
                "/v1/checkout/sessions/{}/line_items",
                cs["id"].as_str().unwrap()
            ),
            &[],
        )
        .await
        .ok();
    assert_eq!(items["data"][0]["amount_total"], 7500);

    assert!(matches!(
        sim.pay_link(id, "1234", None),
        Err(PayError::Inactive(_))
    ));
    let other = api.link("eur", "1000", &[]).await.ok();
    assert_eq!(
        sim.pay_link(other["id"].as_str().unwrap(), "1234", None),
        Err(PayError::InvalidCard)
    );
    assert!(matches!(
        sim.pay_link(other["id"].as_str().unwrap(), "4000002500003155", None),
        Err(PayError::AuthenticationRequired { .. })
    ));
}

#[tokio::test]
async fn disputes_payouts_and_balance() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let pay = |amount: &'static str| {
        let api = api.clone();
        async move {
            api.post(
                "/v1/payment_intents",
                &[
                    ("amount", amount),
                    ("currency", "eur"),
                    ("payment_method", "pm_card_visa"),
                    ("confirm", "true"),
                ],
            )
            .await
            .ok()
        }
    };
    let a = pay("10000").await;
    let b = pay("4000").await;
    let bal = api.get("/v1/balance", &[]).await.ok();
    assert_eq!(bal["object"], "balance");
    assert_eq!(
        bal["pending"][0],
        json!({"amount": 9825 + 3915, "currency": "eur", "source_types": {"card": 9825 + 3915}})
    );
    assert_eq!(bal["available"][0]["amount"], 0);

    // Dispute the second charge: amount and the €20 fee are withdrawn at once.
    let dp = sim
        .dispute_charge(b["latest_charge"].as_str().unwrap(), "fraudulent")
        .unwrap();
    assert_eq!(dp["status"], "needs_response");
    assert_eq!(dp["balance_transactions"][0]["net"], -6000);
    let listed = api
        .get(
            "/v1/disputes",
            &[("charge", b["latest_charge"].as_str().unwrap())],
        )
        .await
        .ok();
    assert_eq!(listed["data"][0]["id"], dp["id"]);
    let types: Vec<String> = api
        .get("/v1/events", &[("type", "charge.dispute.*")])
        .await
        .ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        types,
        ["charge.dispute.funds_withdrawn", "charge.dispute.created"]
    );
    let closed = api
        .post(
            &format!("/v1/disputes/{}/close", dp["id"].as_str().unwrap()),
            &[],
        )
        .await
        .ok();
    assert_eq!(closed["status"], "lost");
    assert_eq!(
        api.post(
            &format!("/v1/disputes/{}/close", dp["id"].as_str().unwrap()),
            &[]
        )
        .await
        .status,
        400
    );

    // Nothing is available yet, so no payout; after 7 days everything is.
    assert!(sim.run_payouts(stripe_sim::Mode::Test).is_empty());
    sim.advance_clock(7 * 86_400 + 1);
    let payouts = sim.run_payouts(stripe_sim::Mode::Test);
    assert_eq!(payouts.len(), 1);
    let po = &payouts[0];
    assert_eq!(po["amount"], 9825 + 3915 - 6000);
    assert_eq!(po["status"], "paid");
    let po_id = po["id"].as_str().unwrap();
    assert_eq!(
        api.get(&format!("/v1/payouts/{po_id}"), &[]).await.ok(),
        *po
    );
    let txns = api
        .get("/v1/balance_transactions", &[("payout", po_id)])
        .await
        .ok();
    let mut types: Vec<&str> = txns["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(types, ["adjustment", "charge", "charge", "payout"]);
    let bal = api.get("/v1/balance", &[]).await.ok();
    assert_eq!(bal["available"][0]["amount"], 0);
    assert_eq!(bal["pending"][0]["amount"], 0);
    assert_eq!(
        api.get("/v1/events", &[("type", "payout.reconciliation_completed")])
            .await
            .ids()
            .len(),
        1
    );
    let _ = a;
}

#[tokio::test]
async fn pay_page_events_have_no_request() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let link = api.link("eur", "1000", &[]).await.ok();
    sim.pay_link(link["id"].as_str().unwrap(), "4242424242424242", None)
        .unwrap();
    let ev = api
        .get("/v1/events", &[("type", "checkout.session.completed")])
        .await
        .ok();
    assert_eq!(
        ev["data"][0]["request"],
        json!({"id": null, "idempotency_key": null})
    );
    let created = api
        .get("/v1/events", &[("type", "payment_link.created")])
        .await
        .ok();
    assert!(created["data"][0]["request"]["id"]
        .as_str()
        .unwrap()
        .starts_with("req_"));
}

#[tokio::test]
async fn expand_follows_ids() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let pi = api
        .post(
            "/v1/payment_intents",
            &[
                ("amount", "2000"),
                ("currency", "eur"),
                ("payment_method", "pm_card_visa"),
                ("confirm", "true"),
            ],
        )
        .await
        .ok();
    let id = pi["id"].as_str().unwrap();
    let got = api
        .get(
            &format!("/v1/payment_intents/{id}"),
            &[("expand[]", "latest_charge.balance_transaction")],
        )
        .await
        .ok();
    assert_eq!(got["latest_charge"]["object"], "charge");
    assert_eq!(got["latest_charge"]["balance_transaction"]["fee"], 55);
    let listed = api
        .get("/v1/charges", &[("expand[]", "data.payment_intent")])
        .await
        .ok();
    assert_eq!(listed["data"][0]["payment_intent"]["id"], id);
    let r = api
        .get(
            &format!("/v1/payment_intents/{id}"),
            &[("expand[]", "nonsense")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.message(), "This property cannot be expanded (nonsense).");
    let link = api.link("eur", "1000", &[]).await.ok();
    let l = api
        .get(
            &format!("/v1/payment_links/{}", link["id"].as_str().unwrap()),
            &[("expand[]", "line_items")],
        )
        .await
        .ok();
    assert_eq!(l["line_items"]["data"][0]["amount_total"], 1000);
}

/// Stripe: a payment method detached from its customer "may not be used again" — neither charged
/// nor attached anew.
#[tokio::test]
async fn a_detached_card_can_never_be_used_again() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let (cus, pm) = saved_card(&api, "pm_card_visa").await;
    api.post(&format!("/v1/payment_methods/{pm}/detach"), &[])
        .await
        .ok();
    let form = [
        ("amount", "1000"),
        ("currency", "eur"),
        ("customer", cus.as_str()),
        ("payment_method", pm.as_str()),
        ("off_session", "true"),
        ("confirm", "true"),
    ];
    let refused = api.post("/v1/payment_intents", &form).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json["error"]["type"], "invalid_request_error");
    assert_eq!(refused.json["error"]["param"], "payment_method");
    assert!(refused.message().contains("It may not be used again"));
    let again = api
        .post(
            &format!("/v1/payment_methods/{pm}/attach"),
            &[("customer", cus.as_str())],
        )
        .await;
    assert_eq!(again.status, 400);
    // The card itself is still there to look at.
    let got = api
        .get(&format!("/v1/payment_methods/{pm}"), &[])
        .await
        .ok();
    assert_eq!(got["customer"], serde_json::Value::Null);
}
