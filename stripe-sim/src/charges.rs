//! Charges and balance transactions (with Stripe's standard fees).
//!
//! Fee rule (Stripe's standard pricing for a German account, domestic/EEA standard cards):
//! EUR 1.5% + €0.25; GBP 1.5% + £0.20 (UK pricing); any other currency 2.9% + 30 minor units
//! (US pricing). Percentages are rounded half up to the minor unit.

use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::ids::{new_id, random_alnum};
use crate::list::{self, LIST_PARAMS};
use crate::params;

/// Days until a charge's funds become available (Stripe's initial payout delay in Germany).
const AVAILABLE_AFTER_DAYS: i64 = 7;

/// Stripe's fee for a SEPA Direct Debit payment (Germany: EUR 0.35 flat per successful debit).
pub const SEPA_DEBIT_FEE: i64 = 35;

/// Stripe's processing fee for `amount` in `currency` (see module docs).
pub fn fee(amount: i64, currency: &str) -> i64 {
    let (per_mille, fixed) = match currency {
        "eur" => (15, 25),
        "gbp" => (15, 20),
        _ => (29, 30),
    };
    (amount * per_mille + 500) / 1000 + fixed
}

/// Stores a balance transaction and returns its id.
pub fn insert_balance_transaction(
    ctx: &mut Ctx,
    amount: i64,
    fee: i64,
    currency: &str,
    source: &str,
    typ: &str,
    description: Option<&str>,
) -> String {
    let id = new_id("txn");
    let fee_details = if fee == 0 {
        json!([])
    } else {
        json!([{ "amount": fee, "application": null, "currency": currency, "description": "Stripe processing fees", "type": "stripe_fee" }])
    };
    let bt = json!({
        "id": id,
        "object": "balance_transaction",
        "amount": amount,
        "available_on": ctx.now + AVAILABLE_AFTER_DAYS * 86_400,
        "balance_type": "payments",
        "created": ctx.now,
        "currency": currency,
        "description": description,
        "exchange_rate": null,
        "fee": fee,
        "fee_details": fee_details,
        "net": amount - fee,
        "reporting_category": typ,
        "source": source,
        "status": "pending",
        "type": typ,
    });
    ctx.world.insert("balance_transaction", bt);
    id
}

/// The result of a charge attempt: `None` for success, or (code, decline_code, message).
pub type Failure<'a> = Option<(&'a str, &'a str, &'a str)>;

/// Creates a charge for a payment intent with a card payment method.
pub fn insert_charge(ctx: &mut Ctx, pi: &Value, pm: &Value, failure: Failure<'_>) -> Value {
    let id = new_id("ch");
    let amount = pi["amount"].as_i64().unwrap_or(0);
    let currency = pi["currency"].as_str().unwrap_or("eur").to_string();
    let ok = failure.is_none();
    let fee_amount = if pm["type"] == "sepa_debit" {
        SEPA_DEBIT_FEE
    } else {
        fee(amount, &currency)
    };
    let bt = ok.then(|| {
        insert_balance_transaction(
            ctx,
            amount,
            fee_amount,
            &currency,
            &id,
            "charge",
            pi["description"].as_str(),
        )
    });
    let card = &pm["card"];
    let outcome = match failure {
        None => {
            json!({ "advice_code": null, "network_advice_code": null, "network_decline_code": null, "network_status": "approved_by_network", "reason": null, "risk_level": "normal", "seller_message": "Payment complete.", "type": "authorized" })
        }
        Some((_, decline, _)) => {
            json!({ "advice_code": "try_again_later", "network_advice_code": null, "network_decline_code": null, "network_status": "declined_by_network", "reason": decline, "risk_level": "normal", "seller_message": "The bank did not return any further details with this decline.", "type": "issuer_declined" })
        }
    };
    let ch = json!({
        "id": id,
        "object": "charge",
        "amount": amount,
        "amount_captured": if ok { amount } else { 0 },
        "amount_refunded": 0,
        "application": null,
        "application_fee": null,
        "application_fee_amount": null,
        "balance_transaction": bt,
        "billing_details": pm["billing_details"],
        "calculated_statement_descriptor": "PAYDESK SIM",
        "captured": ok,
        "created": ctx.now,
        "currency": currency,
        "customer": pi["customer"],
        "description": pi["description"],
        "disputed": false,
        "failure_balance_transaction": null,
        "failure_code": failure.map(|f| f.0),
        "failure_message": failure.map(|f| f.2),
        "fraud_details": {},
        "livemode": ctx.livemode(),
        "metadata": pi["metadata"],
        "on_behalf_of": null,
        "outcome": outcome,
        "paid": ok,
        "payment_intent": pi["id"],
        "payment_method": pm["id"],
        "payment_method_details": {
            "card": {
                "amount_authorized": if ok { Some(amount) } else { None },
                "brand": card["brand"], "checks": card["checks"], "country": card["country"],
                "exp_month": card["exp_month"], "exp_year": card["exp_year"], "fingerprint": card["fingerprint"],
                "funding": card["funding"], "installments": null, "last4": card["last4"], "mandate": null,
                "network": card["brand"], "network_token": { "used": false }, "three_d_secure": null, "wallet": null
            },
            "type": "card"
        },
        "receipt_email": pi["receipt_email"],
        "receipt_number": null,
        "receipt_url": format!("{}receipts/{}", ctx.base_url, random_alnum(24)),
        "refunded": false,
        "refunds": { "object": "list", "data": [], "has_more": false, "url": format!("/v1/charges/{id}/refunds") },
        "review": null,
        "shipping": null,
        "source": null,
        "source_transfer": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": if ok { "succeeded" } else { "failed" },
        "transfer_data": null,
        "transfer_group": null,
    });
    let mut ch = ch;
    if pm["type"] == "sepa_debit" {
        ch["payment_method_details"] =
            json!({ "sepa_debit": pm["sepa_debit"], "type": "sepa_debit" });
        ch["outcome"]["network_status"] = json!(if ok {
            "approved_by_network"
        } else {
            "declined_by_network"
        });
        ch["outcome"]["type"] = json!(if ok { "authorized" } else { "issuer_declined" });
    }
    ctx.world.insert("charge", ch.clone());
    ctx.emit(
        if ok {
            "charge.succeeded"
        } else {
            "charge.failed"
        },
        &ch,
        None,
    );
    ch
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("charge", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("charge", id))
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["customer", "payment_intent"]);
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let customer = params::str_opt(p, "customer", "customer")?;
    let pi = params::str_opt(p, "payment_intent", "payment_intent")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("charge").iter())
        .into_iter()
        .filter(|c| {
            customer.is_none_or(|x| c["customer"] == x)
                && pi.is_none_or(|x| c["payment_intent"] == x)
        })
        .collect();
    list::page(&items, &q, "/v1/charges", "charge")
}

/// A balance transaction with its `status` as of now.
fn with_status(bt: &Value, now: i64) -> Value {
    let mut bt = bt.clone();
    if bt["available_on"].as_i64().unwrap_or(0) <= now {
        bt["status"] = json!("available");
    }
    bt
}

pub fn retrieve_bt(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("balance_transaction", id)
        .map(|bt| with_status(bt, ctx.now))
        .ok_or_else(|| ApiError::not_found("balance transaction", id))
}

pub fn list_bt(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["type", "source", "currency", "payout"]);
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let typ = params::str_opt(p, "type", "type")?;
    let source = params::str_opt(p, "source", "source")?;
    let cur = params::str_opt(p, "currency", "currency")?;
    let payout = match params::str_opt(p, "payout", "payout")? {
        Some(po) => Some(crate::payouts::txns_of(ctx, po)?),
        None => None,
    };
    let now = ctx.now;
    let items: Vec<Value> = list::newest_first(ctx.world.all("balance_transaction").iter())
        .into_iter()
        .filter(|b| {
            payout
                .as_ref()
                .is_none_or(|ids| ids.iter().any(|i| b["id"] == i.as_str()))
                && typ.is_none_or(|x| b["type"] == x)
                && source.is_none_or(|x| b["source"] == x)
                && cur.is_none_or(|x| b["currency"] == x)
        })
        .map(|b| with_status(b, now))
        .collect();
    let refs: Vec<&Value> = items.iter().collect();
    list::page(&refs, &q, "/v1/balance_transactions", "balance transaction")
}

#[cfg(test)]
mod tests {
    use super::fee;

    #[test]
    fn standard_fees() {
        assert_eq!(fee(10_000, "eur"), 175); // 1.5% + 0.25
        assert_eq!(fee(10_000, "usd"), 320); // 2.9% + 0.30
        assert_eq!(fee(10_000, "gbp"), 170); // 1.5% + 0.20
        assert_eq!(fee(1_033, "eur"), 40); // 15.495 rounds to 15, + 25
    }
}
