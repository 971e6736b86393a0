//! Payouts (created by tests with `Simulator::run_payouts`: everything available is paid out
//! at once, status `paid`) and `GET /v1/balance`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::charges::insert_balance_transaction;
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::ids::{new_id, random_alnum};
use crate::list::{self, LIST_PARAMS};
use crate::params;

fn paid_out(ctx: &Ctx) -> std::collections::HashSet<String> {
    ctx.world.payout_txns.values().flatten().cloned().collect()
}

/// Pays out the available balance, one payout per currency with a positive amount.
pub fn run(ctx: &mut Ctx) -> Vec<Value> {
    let done = paid_out(ctx);
    let mut by_cur: BTreeMap<String, (i64, Vec<String>)> = BTreeMap::new();
    for bt in ctx.world.all("balance_transaction") {
        let id = bt["id"].as_str().unwrap_or_default();
        if done.contains(id) || bt["available_on"].as_i64().unwrap_or(i64::MAX) > ctx.now {
            continue;
        }
        let e = by_cur
            .entry(bt["currency"].as_str().unwrap_or("eur").to_string())
            .or_default();
        e.0 += bt["net"].as_i64().unwrap_or(0);
        e.1.push(id.to_string());
    }
    let mut out = Vec::new();
    for (cur, (amount, mut txns)) in by_cur {
        if amount <= 0 {
            continue;
        }
        let id = new_id("po");
        let txn =
            insert_balance_transaction(ctx, -amount, 0, &cur, &id, "payout", Some("STRIPE PAYOUT"));
        if let Some(bt) = ctx.world.get_mut("balance_transaction", &txn) {
            bt["available_on"] = json!(bt["created"]);
        }
        txns.push(txn.clone());
        let po = json!({
            "id": id,
            "object": "payout",
            "amount": amount,
            "application_fee": null,
            "application_fee_amount": null,
            "arrival_date": ctx.now + 2 * 86_400,
            "automatic": true,
            "balance_transaction": txn,
            "created": ctx.now,
            "currency": cur,
            "description": "STRIPE PAYOUT",
            "destination": format!("ba_{}", random_alnum(24)),
            "failure_balance_transaction": null,
            "failure_code": null,
            "failure_message": null,
            "livemode": ctx.livemode(),
            "metadata": {},
            "method": "standard",
            "original_payout": null,
            "payout_method": null,
            "reconciliation_status": "completed",
            "reversed_by": null,
            "source_type": "card",
            "statement_descriptor": null,
            "status": "paid",
            "trace_id": { "status": "supported", "value": format!("TRACE{}", random_alnum(10)) },
            "type": "bank_account",
        });
        ctx.world.payout_txns.insert(id, txns);
        ctx.world.insert("payout", po.clone());
        for t in [
            "payout.created",
            "payout.paid",
            "payout.reconciliation_completed",
        ] {
            ctx.emit(t, &po, None);
        }
        out.push(po);
    }
    out
}

/// Balance transaction ids a payout covered, for `balance_transactions?payout=`.
pub fn txns_of(ctx: &Ctx, payout: &str) -> Result<Vec<String>, ApiError> {
    ctx.world
        .payout_txns
        .get(payout)
        .cloned()
        .ok_or_else(|| ApiError::no_such_param("payout", payout, "payout"))
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("payout", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("payout", id))
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["status", "arrival_date", "destination"]);
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let status = params::str_opt(p, "status", "status")?;
    let arrival = list::range_param(p, "arrival_date")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("payout").iter())
        .into_iter()
        .filter(|o| {
            status.is_none_or(|s| o["status"] == s)
                && arrival
                    .as_ref()
                    .is_none_or(|r| r.matches(o["arrival_date"].as_i64().unwrap_or(0)))
        })
        .collect();
    list::page(&items, &q, "/v1/payouts", "payout")
}

/// `GET /v1/balance`: available and pending amounts per currency.
pub fn balance(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, &[])?;
    let done = paid_out(ctx);
    let mut avail: BTreeMap<String, i64> = BTreeMap::new();
    let mut pending: BTreeMap<String, i64> = BTreeMap::new();
    let default_cur = ctx.account["default_currency"]
        .as_str()
        .unwrap_or("eur")
        .to_string();
    avail.insert(default_cur.clone(), 0);
    pending.insert(default_cur, 0);
    for bt in ctx.world.all("balance_transaction") {
        if done.contains(bt["id"].as_str().unwrap_or_default()) {
            continue;
        }
        let cur = bt["currency"].as_str().unwrap_or("eur").to_string();
        let net = bt["net"].as_i64().unwrap_or(0);
        let target = if bt["available_on"].as_i64().unwrap_or(0) <= ctx.now {
            &mut avail
        } else {
            &mut pending
        };
        *target.entry(cur).or_insert(0) += net;
    }
    let render = |m: BTreeMap<String, i64>| -> Vec<Value> {
        m.into_iter()
            .map(|(c, a)| json!({ "amount": a, "currency": c, "source_types": { "card": a } }))
            .collect()
    };
    Ok(json!({
        "object": "balance",
        "available": render(avail),
        "connect_reserved": [],
        "livemode": ctx.livemode(),
        "pending": render(pending),
        "refund_and_dispute_prefunding": null,
    }))
}
