//! API keys: 401 for missing, unknown and revoked keys; restricted-key permissions (403);
//! test and live data kept apart.

mod common;

use common::Api;
use stripe_sim::{Access, Mode, Simulator};

#[tokio::test]
async fn unknown_key_is_401_with_redacted_key() {
    let sim = Simulator::start().await;
    // Built, not written out: no literal in the repo should look like a real key.
    let bad = format!("sk_test_{}abcd", "0".repeat(28));
    let bad = bad.as_str();
    let r = Api::new(&sim, bad).get("/v1/customers", &[]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json["error"]["type"], "invalid_request_error");
    let msg = r.message();
    assert!(
        msg.starts_with("Invalid API Key provided: sk_test_***"),
        "{msg}"
    );
    assert!(msg.ends_with("abcd"), "{msg}");
    assert!(!msg.contains("notarealkey"), "key not redacted: {msg}");
    assert!(r.header("request-id").unwrap().starts_with("req_"));
}

#[tokio::test]
async fn missing_key_is_401() {
    let sim = Simulator::start().await;
    let r = reqwest::get(format!("{}v1/customers", sim.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("You did not provide an API key"));
}

#[tokio::test]
async fn basic_auth_works_and_revoked_key_is_401() {
    let sim = Simulator::start().await;
    let key = sim.secret_key(Mode::Test);
    assert!(
        key.starts_with("sk_test_51Sim") && key.len() == 107,
        "{key}"
    );
    let http = reqwest::Client::new();
    let url = format!("{}v1/account", sim.base_url());
    let r = http
        .get(&url)
        .basic_auth(&key, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    let rk = sim.new_restricted_key(Mode::Test, &[("customers", Access::Write)]);
    let api = Api::new(&sim, &rk);
    assert_eq!(api.get("/v1/customers", &[]).await.status, 200);
    assert!(sim.revoke_key(&rk));
    let r = api.get("/v1/customers", &[]).await;
    assert_eq!(r.status, 401);
    assert!(
        r.message()
            .starts_with("Invalid API Key provided: rk_test_****"),
        "{}",
        r.message()
    );
    assert!(r.message().ends_with(&rk[rk.len() - 4..]));
}

#[tokio::test]
async fn restricted_key_needs_permission_before_validation() {
    let sim = Simulator::start().await;
    let rk = format!("rk_test_{}wxyz", "0".repeat(92));
    let rk = rk.as_str();
    sim.add_restricted_key(
        rk,
        &[
            ("customers", Access::Write),
            ("events", Access::Read),
            ("payment_links", Access::Read),
        ],
    );
    let api = Api::new(&sim, rk);

    // Forbidden write: 403 even though the body is empty (clients probe permissions this way).
    let r = api.post("/v1/payment_links", &[]).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let acct = sim.account_id();
    assert_eq!(
        r.message(),
        format!("The provided key 'rk_test_{}wxyz' does not have the required permissions for this endpoint on account '{acct}'. Having the 'rak_payment_link_write' permission would allow this request to continue.", "*".repeat(rk.len() - 12))
    );
    // Reading payment links is allowed; reading products is not.
    assert_eq!(api.get("/v1/payment_links", &[]).await.status, 200);
    let r = api.get("/v1/products", &[]).await;
    assert_eq!(r.status, 403);
    assert!(
        r.message().contains("'rak_product_read'"),
        "{}",
        r.message()
    );
    // Events read-only: reading works.
    assert_eq!(api.get("/v1/events", &[]).await.status, 200);

    // Permitted endpoint with an empty body: parameter validation runs → 400.
    let r = api.post("/v1/payment_links", &[]).await;
    assert_eq!(r.status, 403);
    sim.add_restricted_key(rk, &[("payment_links", Access::Write)]);
    let r = api.post("/v1/payment_links", &[]).await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json["error"]["code"], "parameter_missing");
    assert_eq!(r.json["error"]["param"], "line_items");
}

#[tokio::test]
async fn test_and_live_data_are_separate() {
    let sim = Simulator::start().await;
    let test = Api::test(&sim);
    let live = Api::new(&sim, &sim.secret_key(Mode::Live));
    let c = test
        .post("/v1/customers", &[("email", "t@example.com")])
        .await
        .ok();
    assert_eq!(c["livemode"], false);
    let id = c["id"].as_str().unwrap();
    assert_eq!(
        live.get(&format!("/v1/customers/{id}"), &[]).await.status,
        404
    );
    assert!(live.get("/v1/customers", &[]).await.ok()["data"]
        .as_array()
        .unwrap()
        .is_empty());
    let l = live
        .post("/v1/customers", &[("email", "l@example.com")])
        .await
        .ok();
    assert_eq!(l["livemode"], true);
    let events = live.get("/v1/events", &[]).await.ok();
    assert_eq!(events["data"].as_array().unwrap().len(), 1);
    assert_eq!(events["data"][0]["livemode"], true);
}

#[tokio::test]
async fn unknown_route_and_unknown_param() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let r = api.get("/v1/nonsense", &[]).await;
    assert_eq!(r.status, 404);
    assert!(r
        .message()
        .starts_with("Unrecognized request URL (GET: /v1/nonsense)"));
    let r = api.post("/v1/customers", &[("emial", "x@y.z")]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.message(), "Received unknown parameter: emial");
}

#[tokio::test]
async fn account_is_configurable() {
    let sim = Simulator::start().await;
    let api = Api::test(&sim);
    let a = api.get("/v1/account", &[]).await.ok();
    assert_eq!(a["object"], "account");
    assert_eq!(a["id"], sim.account_id());
    assert_eq!(a["payouts_enabled"], true);
    sim.set_account(serde_json::json!({
        "payouts_enabled": false,
        "requirements": {"currently_due": ["external_account"], "disabled_reason": "requirements.past_due"},
        "settings": {"dashboard": {"display_name": "Salon Lena"}}
    }));
    let a = api.get("/v1/account", &[]).await.ok();
    assert_eq!(a["payouts_enabled"], false);
    assert_eq!(a["requirements"]["currently_due"][0], "external_account");
    assert_eq!(a["requirements"]["past_due"], serde_json::json!([]));
    assert_eq!(a["settings"]["dashboard"]["display_name"], "Salon Lena");
    assert_eq!(a["settings"]["dashboard"]["timezone"], "Europe/Berlin");
    // Same through the control endpoint.
    let r = reqwest::Client::new()
        .post(format!("{}_sim/account", sim.base_url()))
        .body(r#"{"charges_enabled": false}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        api.get("/v1/account", &[]).await.ok()["charges_enabled"],
        false
    );
}
