//! Payment methods (cards from Stripe's test tokens): retrieve, attach, detach, list by customer.

use serde_json::{json, Value};

use crate::cards::{self, TestCard};
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::events::previous_attributes;
use crate::ids::{new_id, random_alnum};
use crate::list::{self, LIST_PARAMS};
use crate::params;

/// Builds and stores a new card payment method.
pub fn insert_card(ctx: &mut Ctx, card: &TestCard, email: Option<&str>) -> Value {
    let pm = json!({
        "id": new_id("pm"),
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": {
            "address": { "city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null },
            "email": email, "name": null, "phone": null, "tax_id": null
        },
        "card": {
            "brand": card.brand,
            "checks": { "address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass" },
            "country": card.country,
            "display_brand": card.brand,
            "exp_month": 12,
            "exp_year": 2034,
            "fingerprint": random_alnum(16),
            "funding": card.funding,
            "generated_from": null,
            "last4": card.last4(),
            "networks": { "available": [card.brand], "preferred": null },
            "regulated_status": "unregulated",
            "three_d_secure_usage": { "supported": true },
            "wallet": null
        },
        "created": ctx.now,
        "customer": null,
        "livemode": ctx.livemode(),
        "metadata": {},
        "type": "card"
    });
    ctx.world.insert("payment_method", pm.clone());
    pm
}

/// Builds and stores a SEPA Direct Debit payment method (test IBAN DE89 3704 0044 0532 0130 00).
pub fn insert_sepa_debit(ctx: &mut Ctx, email: Option<&str>) -> Value {
    let pm = json!({
        "id": new_id("pm"),
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": {
            "address": { "city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null },
            "email": email, "name": "Sim Customer", "phone": null, "tax_id": null
        },
        "created": ctx.now,
        "customer": null,
        "livemode": ctx.livemode(),
        "metadata": {},
        "sepa_debit": {
            "bank_code": "37040044",
            "branch_code": "",
            "country": "DE",
            "fingerprint": random_alnum(16),
            "generated_from": { "charge": null, "setup_attempt": null },
            "last4": "3000"
        },
        "type": "sepa_debit"
    });
    ctx.world.insert("payment_method", pm.clone());
    pm
}

/// Resolves a `payment_method` parameter: a stored `pm_…` or a test token like `pm_card_visa`
/// (which creates a fresh payment method, as Stripe does in test mode).
pub fn resolve(ctx: &mut Ctx, id: &str, param: &str) -> Result<Value, ApiError> {
    if let Some(pm) = ctx.world.get("payment_method", id) {
        return Ok(pm.clone());
    }
    match cards::by_token(id) {
        Some(card) if !ctx.livemode() => Ok(insert_card(ctx, card, None)),
        _ => Err(ApiError::no_such_param("PaymentMethod", id, param)),
    }
}

fn store(ctx: &mut Ctx, old: &Value, new: Value, typ: &str) -> Value {
    let id = new["id"].as_str().unwrap_or_default().to_string();
    if let Some(slot) = ctx.world.get_mut("payment_method", &id) {
        *slot = new.clone();
    }
    let prev = previous_attributes(old, &new);
    ctx.emit(typ, &new, prev);
    new
}

/// Attaches a payment method to a customer (no-op if already attached to it).
pub fn attach_to(ctx: &mut Ctx, pm: &Value, customer: &str) -> Result<Value, ApiError> {
    if ctx.world.get("customer", customer).is_none() {
        return Err(ApiError::no_such_param("customer", customer, "customer"));
    }
    ensure_reusable(ctx, pm, "payment_method")?;
    match pm["customer"].as_str() {
        Some(c) if c == customer => return Ok(pm.clone()),
        Some(_) => {
            return Err(ApiError::invalid(
                "The payment method you provided has already been attached to a customer.",
                "payment_method",
            ))
        }
        None => {}
    }
    let mut new = pm.clone();
    new["customer"] = json!(customer);
    Ok(store(ctx, pm, new, "payment_method.attached"))
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("payment_method", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("payment_method", id))
}

pub fn attach(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, &["customer"])?;
    let customer = params::str_req(p, "customer", "customer")?;
    let id = id.unwrap_or("");
    let pm = match ctx.world.get("payment_method", id) {
        Some(pm) => pm.clone(),
        None => match cards::by_token(id) {
            Some(card) if !ctx.livemode() => {
                if ctx.world.get("customer", customer).is_none() {
                    return Err(ApiError::no_such_param("customer", customer, "customer"));
                }
                insert_card(ctx, card, None)
            }
            _ => return Err(ApiError::not_found("payment_method", id)),
        },
    };
    attach_to(ctx, &pm, customer)
}

pub fn detach(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, &[])?;
    let old = retrieve(ctx, p, id)?;
    if old["customer"].is_null() {
        return Err(ApiError::invalid(
            "The payment method you provided is not attached to a customer so detachment is impossible.",
            "payment_method",
        ));
    }
    let mut new = old.clone();
    new["customer"] = Value::Null;
    let id = new["id"].clone();
    ctx.world.insert(DETACHED, serde_json::json!({ "id": id }));
    Ok(store(ctx, &old, new, "payment_method.detached"))
}

/// Where detached payment methods are remembered (never listed or returned by the API).
const DETACHED: &str = "detached_payment_method";

/// Stripe refuses to use a payment method again once it was detached from its customer.
pub fn ensure_reusable(ctx: &Ctx, pm: &Value, param: &str) -> Result<(), ApiError> {
    let id = pm["id"].as_str().unwrap_or_default();
    if ctx.world.get(DETACHED, id).is_some() {
        return Err(ApiError::invalid(
            "The provided PaymentMethod was previously used with a PaymentIntent without Customer \
             attachment, shared with a connected account without Customer attachment, or was \
             detached from a Customer. It may not be used again. To use a PaymentMethod multiple \
             times, you must attach it to a Customer first.",
            param,
        ));
    }
    Ok(())
}

fn list_for(ctx: &Ctx, customer: &str, p: &Value, url: &str) -> Result<Value, ApiError> {
    let q = list::parse_query(p)?;
    let typ = params::str_opt(p, "type", "type")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("payment_method").iter())
        .into_iter()
        .filter(|pm| pm["customer"] == customer && typ.is_none_or(|t| pm["type"] == t))
        .collect();
    list::page(&items, &q, url, "payment_method")
}

/// `GET /v1/payment_methods?customer=…`
pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["customer", "type"]);
    params::known(p, &allowed)?;
    let customer = params::str_req(p, "customer", "customer")?;
    list_for(ctx, customer, p, "/v1/payment_methods")
}

/// `GET /v1/customers/{id}/payment_methods`
pub fn list_for_customer(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["type", "allow_redisplay"]);
    params::known(p, &allowed)?;
    let id = id.unwrap_or("");
    if ctx.world.get("customer", id).is_none() {
        return Err(ApiError::not_found("customer", id));
    }
    list_for(ctx, id, p, &format!("/v1/customers/{id}/payment_methods"))
}
