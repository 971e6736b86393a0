//! Disputes: opened by tests (`Simulator::dispute_charge`), listed and retrieved by clients,
//! closed by the merchant accepting (`POST /v1/disputes/{id}/close`) or by the test (won/lost).

use serde_json::{json, Value};

use crate::charges::insert_balance_transaction;
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::events::previous_attributes;
use crate::ids::new_id;
use crate::list::{self, LIST_PARAMS};
use crate::params;

/// Stripe's dispute fee for a German account (EUR 20), in minor units; 1500 for other currencies.
fn dispute_fee(currency: &str) -> i64 {
    if currency == "eur" {
        2000
    } else {
        1500
    }
}

const EVIDENCE_FIELDS: &[&str] = &[
    "access_activity_log",
    "billing_address",
    "cancellation_policy",
    "cancellation_policy_disclosure",
    "cancellation_rebuttal",
    "customer_communication",
    "customer_email_address",
    "customer_name",
    "customer_purchase_ip",
    "customer_signature",
    "duplicate_charge_documentation",
    "duplicate_charge_explanation",
    "duplicate_charge_id",
    "product_description",
    "receipt",
    "refund_policy",
    "refund_policy_disclosure",
    "refund_refusal_explanation",
    "service_date",
    "service_documentation",
    "shipping_address",
    "shipping_carrier",
    "shipping_date",
    "shipping_documentation",
    "shipping_tracking_number",
    "uncategorized_file",
    "uncategorized_text",
];

/// Opens a dispute on a succeeded charge: funds and the fee are withdrawn.
pub fn open(ctx: &mut Ctx, charge_id: &str, reason: &str) -> Result<Value, String> {
    let old = ctx
        .world
        .get("charge", charge_id)
        .cloned()
        .ok_or_else(|| format!("no such charge: {charge_id}"))?;
    if old["status"] != "succeeded" || old["disputed"] == true {
        return Err(format!("charge {charge_id} cannot be disputed"));
    }
    let amount = old["amount"].as_i64().unwrap_or(0);
    let cur = old["currency"].as_str().unwrap_or("eur").to_string();
    let id = new_id("dp");
    let fee = dispute_fee(&cur);
    let txn = insert_balance_transaction(
        ctx,
        -amount,
        fee,
        &cur,
        &id,
        "adjustment",
        Some(&format!("Chargeback withdrawal for {charge_id}")),
    );
    if let Some(bt) = ctx.world.get_mut("balance_transaction", &txn) {
        bt["reporting_category"] = json!("dispute");
        bt["available_on"] = json!(bt["created"]);
        bt["fee_details"][0]["description"] = json!("Dispute fee");
    }
    let bt = ctx
        .world
        .get("balance_transaction", &txn)
        .cloned()
        .unwrap_or(Value::Null);
    let evidence: serde_json::Map<String, Value> = EVIDENCE_FIELDS
        .iter()
        .map(|f| ((*f).to_string(), Value::Null))
        .chain([("enhanced_evidence".to_string(), json!({}))])
        .collect();
    let dp = json!({
        "id": id,
        "object": "dispute",
        "amount": amount,
        "balance_transactions": [bt],
        "charge": charge_id,
        "created": ctx.now,
        "currency": cur,
        "enhanced_eligibility_types": [],
        "evidence": evidence,
        "evidence_details": { "due_by": ctx.now + 7 * 86_400, "enhanced_eligibility": {}, "has_evidence": false, "past_due": false, "submission_count": 0 },
        "is_charge_refundable": false,
        "livemode": ctx.livemode(),
        "metadata": {},
        "payment_intent": old["payment_intent"],
        "payment_method_details": { "card": { "brand": old["payment_method_details"]["card"]["brand"], "case_type": "chargeback", "network": old["payment_method_details"]["card"]["brand"], "network_reason_code": "10.4" }, "type": "card" },
        "reason": reason,
        "status": "needs_response",
    });
    ctx.world.insert("dispute", dp.clone());
    let mut ch = old.clone();
    ch["disputed"] = json!(true);
    if let Some(slot) = ctx.world.get_mut("charge", charge_id) {
        *slot = ch;
    }
    ctx.emit("charge.dispute.created", &dp, None);
    ctx.emit("charge.dispute.funds_withdrawn", &dp, None);
    Ok(dp)
}

/// Closes a dispute as `won` (funds reinstated, fee kept by Stripe) or `lost`.
pub fn close(ctx: &mut Ctx, id: &str, won: bool) -> Result<Value, ApiError> {
    let old = ctx
        .world
        .get("dispute", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("dispute", id))?;
    if matches!(old["status"].as_str(), Some("won" | "lost")) {
        return Err(ApiError::invalid(
            format!(
                "This dispute is already closed ({}).",
                old["status"].as_str().unwrap_or("")
            ),
            "",
        ));
    }
    let mut dp = old.clone();
    dp["status"] = json!(if won { "won" } else { "lost" });
    if won {
        let amount = dp["amount"].as_i64().unwrap_or(0);
        let cur = dp["currency"].as_str().unwrap_or("eur").to_string();
        let txn = insert_balance_transaction(
            ctx,
            amount,
            0,
            &cur,
            id,
            "adjustment",
            Some("Chargeback reversal"),
        );
        if let Some(bt) = ctx.world.get_mut("balance_transaction", &txn) {
            bt["reporting_category"] = json!("dispute_reversal");
            bt["available_on"] = json!(bt["created"]);
        }
        let bt = ctx
            .world
            .get("balance_transaction", &txn)
            .cloned()
            .unwrap_or(Value::Null);
        if let Some(list) = dp["balance_transactions"].as_array_mut() {
            list.push(bt);
        }
    }
    if let Some(slot) = ctx.world.get_mut("dispute", id) {
        *slot = dp.clone();
    }
    let prev = previous_attributes(&old, &dp);
    if won {
        ctx.emit("charge.dispute.funds_reinstated", &dp, None);
    }
    ctx.emit("charge.dispute.closed", &dp, prev);
    Ok(dp)
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("dispute", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("dispute", id))
}

/// `POST /v1/disputes/{id}/close`: the merchant accepts the dispute (it is lost).
pub fn accept(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, &[])?;
    close(ctx, id.unwrap_or(""), false)
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["charge", "payment_intent"]);
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let ch = params::str_opt(p, "charge", "charge")?;
    let pi = params::str_opt(p, "payment_intent", "payment_intent")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("dispute").iter())
        .into_iter()
        .filter(|d| {
            ch.is_none_or(|x| d["charge"] == x) && pi.is_none_or(|x| d["payment_intent"] == x)
        })
        .collect();
    list::page(&items, &q, "/v1/disputes", "dispute")
}
