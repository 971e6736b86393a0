//! Control plane under `/_sim/` (JSON, no auth, loopback only) and the operations behind it,
//! which [`crate::Simulator`] exposes as Rust methods too.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{Method, Request, Response};
use serde_json::{json, Value};

use crate::account;
use crate::auth::{Access, KeyInfo, Mode};
use crate::errors::ApiError;
use crate::events;
use crate::faults::Fault;
use crate::ids::{new_id, random_alnum};
use crate::server::json_response;
use crate::state::Shared;

impl Shared {
    /// Registers a restricted key (mode from its prefix) with per-resource access.
    pub fn add_restricted_key(
        &self,
        key: &str,
        perms: HashMap<String, Access>,
    ) -> Result<(), String> {
        let mode = Mode::of_key(key).ok_or_else(|| format!("not a key: {key}"))?;
        if !key.starts_with("rk_") {
            return Err(format!("restricted keys start with rk_: {key}"));
        }
        for r in perms.keys() {
            if !crate::auth::RESOURCES.iter().any(|(n, _)| n == r) {
                return Err(format!("unknown resource: {r}"));
            }
        }
        self.lock().keys.insert(
            key.to_string(),
            KeyInfo {
                mode,
                restricted: Some(perms),
                revoked: false,
            },
        );
        Ok(())
    }

    /// A fresh restricted key string for `mode`, account-prefixed like Stripe's.
    pub fn fresh_restricted_key(&self, mode: Mode) -> String {
        let m = if mode == Mode::Test { "test" } else { "live" };
        let acct = self.account_id.trim_start_matches("acct_");
        format!("rk_{m}_5{acct}{}", random_alnum(98 - acct.len()))
    }

    pub fn revoke_key(&self, key: &str) -> bool {
        match self.lock().keys.get_mut(key) {
            Some(k) => {
                k.revoked = true;
                true
            }
            None => false,
        }
    }

    pub fn patch_account(&self, patch: &Value) -> Value {
        let mut inner = self.lock();
        account::merge(&mut inner.account, patch);
        inner.account["id"] = json!(self.account_id);
        inner.account.clone()
    }

    pub fn delay_event(&self, event_id: &str, seconds: i64) -> bool {
        let until = self.clock.now() + seconds;
        let mut inner = self.lock();
        events::delay_visibility(&mut inner.test, event_id, until)
            || events::delay_visibility(&mut inner.live, event_id, until)
    }

    /// Opens a dispute on a charge (test or live): `charge.dispute.created` + `funds_withdrawn`.
    pub fn dispute_charge(&self, charge: &str, reason: &str) -> Result<Value, String> {
        let mode = self
            .mode_of("charge", charge)
            .ok_or_else(|| format!("no such charge: {charge}"))?;
        self.with_ctx(mode, |ctx| crate::disputes::open(ctx, charge, reason))
    }

    /// Closes a dispute as won or lost.
    pub fn close_dispute(&self, dispute: &str, won: bool) -> Result<Value, String> {
        let mode = self
            .mode_of("dispute", dispute)
            .ok_or_else(|| format!("no such dispute: {dispute}"))?;
        self.with_ctx(mode, |ctx| crate::disputes::close(ctx, dispute, won))
            .map_err(|e| e.message)
    }

    /// Pays out the available balance of a mode; returns the payouts made.
    pub fn run_payouts(&self, mode: Mode) -> Vec<Value> {
        self.with_ctx(mode, crate::payouts::run)
    }

    pub fn request_count(&self, path: &str) -> u64 {
        self.lock().counts.get(path).copied().unwrap_or(0)
    }
}

fn ok(v: Value) -> Response<Body> {
    json_response(200, v.to_string(), &new_id("req"), &[])
}

fn bad(status: u16, msg: &str) -> Response<Body> {
    let err = ApiError::new(status, "invalid_request_error", msg);
    json_response(status, err.to_json("sim").to_string(), &new_id("req"), &[])
}

/// Handles `/_sim/...`.
pub async fn handle(shared: Arc<Shared>, req: Request<Body>) -> Response<Body> {
    if let Some(addr) = req.extensions().get::<SocketAddr>() {
        if !addr.ip().is_loopback() {
            return bad(403, "The simulator's control endpoints are loopback-only.");
        }
    }
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let body = to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
    let json: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return bad(400, &format!("invalid JSON: {e}")),
        }
    };
    let sub = path.trim_start_matches("/_sim/");
    match (&method, sub) {
        (&Method::GET, "info") => ok(json!({
            "base_url": shared.base_url,
            "account_id": shared.account_id,
            "secret_keys": { "test": shared.secret_test, "live": shared.secret_live },
            "now": shared.clock.now(),
        })),
        (&Method::POST, "keys") => {
            let mode = if json["mode"] == "live" {
                Mode::Live
            } else {
                Mode::Test
            };
            let key = json["key"]
                .as_str()
                .map_or_else(|| shared.fresh_restricted_key(mode), String::from);
            let perms: HashMap<String, Access> =
                match serde_json::from_value(json.get("permissions").cloned().unwrap_or(json!({})))
                {
                    Ok(p) => p,
                    Err(e) => return bad(400, &format!("permissions: {e}")),
                };
            match shared.add_restricted_key(&key, perms) {
                Ok(()) => ok(json!({ "key": key })),
                Err(e) => bad(400, &e),
            }
        }
        (&Method::POST, "keys/revoke") => {
            let key = json["key"].as_str().unwrap_or("");
            if shared.revoke_key(key) {
                ok(json!({ "revoked": key }))
            } else {
                bad(404, "unknown key")
            }
        }
        (&Method::GET, "account") => ok(shared.lock().account.clone()),
        (&Method::POST, "account") => ok(shared.patch_account(&json)),
        (&Method::POST, "faults") => match serde_json::from_value::<Fault>(json) {
            Ok(f) => {
                shared.lock().faults.add(f.clone());
                ok(json!({ "added": f }))
            }
            Err(e) => bad(400, &format!("fault: {e}")),
        },
        (&Method::DELETE, "faults") => {
            shared.lock().faults.clear();
            ok(json!({ "cleared": true }))
        }
        (&Method::POST, "pay") => {
            let link = json["payment_link"].as_str().unwrap_or("");
            let card = json["card"].as_str().unwrap_or("4242424242424242");
            let result = if json["method"] == "sepa_debit" {
                shared.pay_link_bank_debit(link, json["email"].as_str())
            } else {
                shared.pay(link, card, json["email"].as_str())
            };
            match result {
                Ok(cs) => ok(cs),
                Err(e) => bad(402, &e.to_string()),
            }
        }
        (&Method::POST, "pay_session") => {
            let cs = json["session"].as_str().unwrap_or("");
            let inst = if json["method"] == "sepa_debit" {
                crate::pay_page::Instrument::SepaDebit
            } else {
                match crate::cards::by_number(json["card"].as_str().unwrap_or("4242424242424242")) {
                    Some(c) => crate::pay_page::Instrument::Card(c),
                    None => return bad(402, "Your card number is invalid."),
                }
            };
            match shared.pay_session(cs, inst, json["email"].as_str()) {
                Ok(cs) => ok(cs),
                Err(e) => bad(402, &e.to_string()),
            }
        }
        (&Method::POST, "bank_debits/settle") => {
            let succeed = json["succeed"].as_bool().unwrap_or(true);
            ok(json!({ "payment_intents": shared.settle_bank_debits(succeed) }))
        }
        (&Method::POST, "disputes") => {
            let charge = json["charge"].as_str().unwrap_or("");
            match shared.dispute_charge(charge, json["reason"].as_str().unwrap_or("fraudulent")) {
                Ok(d) => ok(d),
                Err(e) => bad(400, &e),
            }
        }
        (&Method::POST, "disputes/close") => {
            match shared.close_dispute(json["dispute"].as_str().unwrap_or(""), json["won"] == true)
            {
                Ok(d) => ok(d),
                Err(e) => bad(400, &e),
            }
        }
        (&Method::POST, "payouts") => {
            let mode = if json["mode"] == "live" {
                Mode::Live
            } else {
                Mode::Test
            };
            ok(json!({ "payouts": shared.run_payouts(mode) }))
        }
        (&Method::GET, "clock") => ok(json!({ "now": shared.clock.now() })),
        (&Method::POST, "clock/advance") => match json["seconds"].as_i64() {
            Some(s) => {
                let now = shared.clock.advance(s);
                shared.tick();
                ok(json!({ "now": now }))
            }
            None => bad(400, "seconds (integer) required"),
        },
        (&Method::POST, "events/delay") => {
            let (Some(id), Some(secs)) = (json["event_id"].as_str(), json["seconds"].as_i64())
            else {
                return bad(400, "event_id and seconds required");
            };
            if shared.delay_event(id, secs) {
                ok(json!({ "event_id": id, "visible_at": shared.clock.now() + secs }))
            } else {
                bad(404, "unknown event")
            }
        }
        (&Method::GET, "requests") => {
            let q = crate::form::parse(&query).unwrap_or(json!({}));
            match q["path"].as_str() {
                Some(p) => ok(json!({ "path": p, "count": shared.request_count(p) })),
                None => ok(json!({ "counts": shared.lock().counts.clone() })),
            }
        }
        (&Method::POST, "requests/reset") => {
            shared.lock().counts.clear();
            ok(json!({ "reset": true }))
        }
        _ => bad(
            404,
            &format!("unknown control endpoint {} {path}", method.as_str()),
        ),
    }
}
