//! Checkout Sessions (created by paying a payment link on the hosted pay page):
//! retrieve, list (`payment_link`, `payment_intent`, `customer`, `status`), line items.

use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::events::previous_attributes;
use crate::ids::random_alnum;
use crate::list::{self, LIST_PARAMS};
use crate::params;

/// Stores an open session for `link` and returns it.
pub fn insert_for_link(
    ctx: &mut Ctx,
    link: &Value,
    total: i64,
    customer: Option<&str>,
    email: Option<&str>,
    pi: &str,
) -> Value {
    let mode = if ctx.livemode() { "live" } else { "test" };
    let id = format!("cs_{mode}_a1{}", random_alnum(56));
    let cs = json!({
        "id": id,
        "object": "checkout.session",
        "adaptive_pricing": { "enabled": false },
        "after_expiration": null,
        "allow_promotion_codes": link["allow_promotion_codes"],
        "amount_subtotal": total,
        "amount_total": total,
        "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
        "billing_address_collection": link["billing_address_collection"],
        "cancel_url": null,
        "client_reference_id": null,
        "client_secret": null,
        "collected_information": null,
        "consent": null,
        "consent_collection": null,
        "created": ctx.now,
        "currency": link["currency"],
        "currency_conversion": null,
        "custom_fields": [],
        "custom_text": { "after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null },
        "customer": customer,
        "customer_creation": link["customer_creation"],
        "customer_details": {
            "address": null, "business_name": null, "email": email, "individual_name": null, "name": null,
            "phone": null, "tax_exempt": "none", "tax_ids": []
        },
        "customer_email": null,
        "discounts": [],
        "expires_at": ctx.now + 24 * 3600,
        "invoice": null,
        "invoice_creation": null,
        "livemode": ctx.livemode(),
        "locale": null,
        "metadata": link["metadata"],
        "mode": "payment",
        "origin_context": null,
        "payment_intent": pi,
        "payment_link": link["id"],
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": null,
        "payment_method_options": { "card": { "request_three_d_secure": "automatic" } },
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "permissions": null,
        "phone_number_collection": { "enabled": false },
        "recovered_from": null,
        "saved_payment_method_options": null,
        "setup_intent": null,
        "shipping_address_collection": null,
        "shipping_cost": null,
        "shipping_options": [],
        "status": "open",
        "submit_type": link["submit_type"],
        "subscription": null,
        "success_url": null,
        "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
        "ui_mode": "hosted",
        "url": format!("{}pay/{}", ctx.base_url, link["id"].as_str().unwrap_or("")),
        "wallet_options": null,
    });
    ctx.world.insert("checkout_session", cs.clone());
    let items: Vec<Value> = ctx
        .world
        .line_items
        .get(link["id"].as_str().unwrap_or(""))
        .cloned()
        .unwrap_or_default();
    let items = items
        .into_iter()
        .map(|mut li| {
            li["id"] = json!(format!("li_{}", random_alnum(24)));
            li
        })
        .collect();
    ctx.world.line_items.insert(id, items);
    cs
}

/// Marks a session complete and paid; emits `checkout.session.completed`.
pub fn complete(ctx: &mut Ctx, id: &str) -> Value {
    let Some(old) = ctx.world.get("checkout_session", id).cloned() else {
        return Value::Null;
    };
    let mut cs = old.clone();
    cs["status"] = json!("complete");
    cs["payment_status"] = json!("paid");
    cs["url"] = Value::Null;
    if let Some(slot) = ctx.world.get_mut("checkout_session", id) {
        *slot = cs.clone();
    }
    let _ = previous_attributes(&old, &cs);
    ctx.emit("checkout.session.completed", &cs, None);
    cs
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("checkout_session", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("checkout.session", id))
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["payment_link", "payment_intent", "customer", "status"]);
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let filters: Vec<(&str, &str)> = ["payment_link", "payment_intent", "customer", "status"]
        .iter()
        .filter_map(|k| p.get(*k).and_then(Value::as_str).map(|v| (*k, v)))
        .collect();
    let items: Vec<&Value> = list::newest_first(ctx.world.all("checkout_session").iter())
        .into_iter()
        .filter(|cs| filters.iter().all(|(k, v)| cs[*k] == *v))
        .collect();
    list::page(&items, &q, "/v1/checkout/sessions", "checkout.session")
}

pub fn line_items(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    params::known(p, &["limit", "starting_after", "ending_before"])?;
    let q = list::parse_query(p)?;
    let items = ctx
        .world
        .line_items
        .get(id)
        .ok_or_else(|| ApiError::not_found("checkout.session", id))?;
    let refs: Vec<&Value> = items.iter().collect();
    list::page(
        &refs,
        &q,
        &format!("/v1/checkout/sessions/{id}/line_items"),
        "line_item",
    )
}
