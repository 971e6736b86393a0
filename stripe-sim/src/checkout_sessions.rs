//! Checkout Sessions: created by paying a payment link on the hosted pay page, or by the API
//! (`mode=payment` / `mode=setup`, hosted page at `{base}checkout/{id}`); retrieve, list
//! (`payment_link`, `payment_intent`, `customer`, `status`), line items, expire (by hand or when
//! the sim clock passes `expires_at`).

use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::ids::random_alnum;
use crate::list::{self, LIST_PARAMS};
use crate::params;
use crate::payment_links;

/// A new open session with Stripe's defaults (not stored).
fn skeleton(ctx: &Ctx, id: &str, mode: &str, url: String) -> Value {
    json!({
        "id": id,
        "object": "checkout.session",
        "adaptive_pricing": { "enabled": false },
        "after_expiration": null,
        "allow_promotion_codes": null,
        "amount_subtotal": null,
        "amount_total": null,
        "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
        "billing_address_collection": null,
        "cancel_url": null,
        "client_reference_id": null,
        "client_secret": null,
        "collected_information": null,
        "consent": null,
        "consent_collection": null,
        "created": ctx.now,
        "currency": null,
        "currency_conversion": null,
        "custom_fields": [],
        "custom_text": { "after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null },
        "customer": null,
        "customer_creation": null,
        "customer_details": null,
        "customer_email": null,
        "discounts": [],
        "expires_at": ctx.now + EXPIRES_AFTER_SECS,
        "invoice": null,
        "invoice_creation": null,
        "livemode": ctx.livemode(),
        "locale": null,
        "metadata": {},
        "mode": mode,
        "origin_context": null,
        "payment_intent": null,
        "payment_link": null,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": null,
        "payment_method_options": { "card": { "request_three_d_secure": "automatic" } },
        "payment_method_types": ["card"],
        "payment_status": if mode == "setup" { "no_payment_required" } else { "unpaid" },
        "permissions": null,
        "phone_number_collection": { "enabled": false },
        "recovered_from": null,
        "saved_payment_method_options": null,
        "setup_intent": null,
        "shipping_address_collection": null,
        "shipping_cost": null,
        "shipping_options": [],
        "status": "open",
        "submit_type": null,
        "subscription": null,
        "success_url": null,
        "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
        "ui_mode": "hosted",
        "url": url,
        "wallet_options": null,
    })
}

fn new_session_id(ctx: &Ctx) -> String {
    let mode = if ctx.livemode() { "live" } else { "test" };
    format!("cs_{mode}_a1{}", random_alnum(56))
}

/// Stores an open session for `link` and returns it.
pub fn insert_for_link(
    ctx: &mut Ctx,
    link: &Value,
    total: i64,
    customer: Option<&str>,
    email: Option<&str>,
    pi: &str,
) -> Value {
    let id = new_session_id(ctx);
    let url = format!("{}pay/{}", ctx.base_url, link["id"].as_str().unwrap_or(""));
    let mut cs = skeleton(ctx, &id, "payment", url);
    for f in [
        "allow_promotion_codes",
        "billing_address_collection",
        "currency",
        "customer_creation",
        "metadata",
        "submit_type",
    ] {
        cs[f] = link[f].clone();
    }
    cs["amount_subtotal"] = json!(total);
    cs["amount_total"] = json!(total);
    cs["customer"] = json!(customer);
    cs["customer_details"] = customer_details(email);
    cs["payment_intent"] = json!(pi);
    cs["payment_link"] = link["id"].clone();
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

/// `customer_details` as collected on the hosted page.
pub fn customer_details(email: Option<&str>) -> Value {
    json!({
        "address": null, "business_name": null, "email": email, "individual_name": null, "name": null,
        "phone": null, "tax_exempt": "none", "tax_ids": []
    })
}

/// Replaces a stored session.
pub fn save(ctx: &mut Ctx, cs: &Value) {
    let id = cs["id"].as_str().unwrap_or_default().to_string();
    if let Some(slot) = ctx.world.get_mut("checkout_session", &id) {
        *slot = cs.clone();
    }
}

/// Marks a session complete with `payment_status` (`paid`, `unpaid` for a bank debit still
/// processing, `no_payment_required` in setup mode); emits `checkout.session.completed`.
pub fn complete(ctx: &mut Ctx, id: &str, payment_status: &str) -> Value {
    let Some(mut cs) = ctx.world.get("checkout_session", id).cloned() else {
        return Value::Null;
    };
    cs["status"] = json!("complete");
    cs["payment_status"] = json!(payment_status);
    cs["url"] = Value::Null;
    save(ctx, &cs);
    ctx.emit("checkout.session.completed", &cs, None);
    cs
}

/// Sessions expire 24 hours after creation unless `expires_at` says otherwise.
pub const EXPIRES_AFTER_SECS: i64 = 24 * 3600;

const CREATE: &[&str] = &[
    "mode",
    "line_items",
    "customer",
    "customer_creation",
    "customer_email",
    "payment_intent_data",
    "setup_intent_data",
    "metadata",
    "success_url",
    "cancel_url",
    "currency",
    "client_reference_id",
    "payment_method_types",
    "expires_at",
    "ui_mode",
    "locale",
    "submit_type",
];

/// `POST /v1/checkout/sessions` (`mode=payment` or `mode=setup`, hosted UI).
pub fn create(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, CREATE)?;
    let mode = params::enum_opt(p, "mode", "mode", &["payment", "setup", "subscription"])?
        .unwrap_or("payment");
    if mode == "subscription" {
        return Err(ApiError::invalid(
            "The simulator does not support `mode=subscription`.",
            "mode",
        ));
    }
    params::enum_opt(p, "ui_mode", "ui_mode", &["hosted"])?;
    let success_url = params::str_req(p, "success_url", "success_url")?;
    let cancel_url = params::str_opt(p, "cancel_url", "cancel_url")?;
    let customer = params::str_opt(p, "customer", "customer")?;
    if let Some(c) = customer {
        if ctx.world.get("customer", c).is_none() {
            return Err(ApiError::no_such_param("customer", c, "customer"));
        }
    }
    let creation = params::enum_opt(
        p,
        "customer_creation",
        "customer_creation",
        &["always", "if_required"],
    )?;
    if customer.is_some() && creation.is_some() {
        return Err(ApiError::invalid(
            "You may only specify one of these parameters: customer, customer_creation.",
            "customer_creation",
        ));
    }
    let customer_email = params::str_opt(p, "customer_email", "customer_email")?;
    if customer.is_some() && customer_email.is_some() {
        return Err(ApiError::invalid(
            "You may only specify one of these parameters: customer, customer_email.",
            "customer_email",
        ));
    }
    let id = new_session_id(ctx);
    let expires_at = match params::int_opt(p, "expires_at", "expires_at")? {
        Some(t) if t < ctx.now + 1800 || t > ctx.now + EXPIRES_AFTER_SECS => {
            return Err(ApiError::invalid(
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
                "expires_at",
            ))
        }
        Some(t) => t,
        None => ctx.now + EXPIRES_AFTER_SECS,
    };
    let mut cs = skeleton(ctx, &id, mode, format!("{}checkout/{id}", ctx.base_url));
    let mut data = json!({});
    let mut items = Vec::new();
    if mode == "payment" {
        if p.get("setup_intent_data").is_some() {
            return Err(ApiError::invalid(
                "You can not pass `setup_intent_data` in `payment` mode.",
                "setup_intent_data",
            ));
        }
        let lines =
            params::array_opt(p, "line_items")?.ok_or_else(|| ApiError::missing("line_items"))?;
        let (lines, cur) = payment_links::check_lines(ctx, lines)?;
        if let Some(pid) = p.get("payment_intent_data") {
            params::known(
                pid,
                &[
                    "metadata",
                    "setup_future_usage",
                    "description",
                    "receipt_email",
                ],
            )
            .map_err(|e| {
                ApiError::unknown_param(&format!(
                    "payment_intent_data[{}]",
                    e.param.unwrap_or_default()
                ))
            })?;
            let mut md = json!({});
            if let Some(m) = params::metadata(pid, "metadata", "payment_intent_data[metadata]")? {
                params::merge_metadata(&mut md, m);
            }
            let sfu = params::enum_opt(
                pid,
                "setup_future_usage",
                "payment_intent_data[setup_future_usage]",
                &["on_session", "off_session"],
            )?;
            let desc = params::str_opt(pid, "description", "payment_intent_data[description]")?;
            data = json!({ "metadata": md, "setup_future_usage": sfu, "description": desc });
        }
        items = payment_links::store_lines(ctx, lines)?;
        let total: i64 = items
            .iter()
            .map(|i| i["amount_total"].as_i64().unwrap_or(0))
            .sum();
        cs["currency"] = json!(cur);
        cs["amount_subtotal"] = json!(total);
        cs["amount_total"] = json!(total);
        cs["customer_creation"] = json!(creation.unwrap_or("if_required"));
        cs["submit_type"] = json!(params::enum_opt(
            p,
            "submit_type",
            "submit_type",
            &["auto", "book", "donate", "pay", "subscribe"]
        )?
        .unwrap_or("auto"));
    } else {
        if p.get("payment_intent_data").is_some() {
            return Err(ApiError::invalid(
                "You can not pass `payment_intent_data` in `setup` mode.",
                "payment_intent_data",
            ));
        }
        if p.get("line_items").is_some() {
            return Err(ApiError::invalid(
                "You can not pass `line_items` in `setup` mode.",
                "line_items",
            ));
        }
        let cur = match params::str_opt(p, "currency", "currency")? {
            Some(c) => Some(crate::currency::validate_currency(c, "currency")?),
            None => None,
        };
        if cur.is_none() && p.get("payment_method_types").is_none() {
            return Err(ApiError::invalid(
                "`currency` is required in `setup` mode when `payment_method_types` is not set.",
                "currency",
            ));
        }
        if let Some(sid) = p.get("setup_intent_data") {
            params::known(sid, &["metadata", "description", "on_behalf_of"]).map_err(|e| {
                ApiError::unknown_param(&format!(
                    "setup_intent_data[{}]",
                    e.param.unwrap_or_default()
                ))
            })?;
            let mut md = json!({});
            if let Some(m) = params::metadata(sid, "metadata", "setup_intent_data[metadata]")? {
                params::merge_metadata(&mut md, m);
            }
            let desc = params::str_opt(sid, "description", "setup_intent_data[description]")?;
            data = json!({ "metadata": md, "description": desc });
        }
        cs["currency"] = json!(cur);
        cs["customer_creation"] = json!(creation);
        cs["payment_method_collection"] = json!("always");
    }
    if let Some(md) = params::metadata(p, "metadata", "metadata")? {
        params::merge_metadata(&mut cs["metadata"], md);
    }
    if let Some(Value::Array(types)) = p.get("payment_method_types") {
        cs["payment_method_types"] = Value::Array(types.clone());
    }
    cs["customer"] = json!(customer);
    cs["customer_email"] = json!(customer_email);
    cs["success_url"] = json!(success_url);
    cs["cancel_url"] = json!(cancel_url);
    cs["client_reference_id"] = json!(params::str_opt(
        p,
        "client_reference_id",
        "client_reference_id"
    )?);
    cs["locale"] = json!(params::str_opt(p, "locale", "locale")?);
    cs["expires_at"] = json!(expires_at);
    let items = items
        .into_iter()
        .map(|mut li| {
            li["id"] = json!(format!("li_{}", random_alnum(24)));
            li
        })
        .collect();
    ctx.world.line_items.insert(id.clone(), items);
    ctx.world.session_data.insert(id, data);
    ctx.world.insert("checkout_session", cs.clone());
    Ok(cs)
}

/// Expires an open session; emits `checkout.session.expired`.
fn expire_now(ctx: &mut Ctx, mut cs: Value) -> Value {
    cs["status"] = json!("expired");
    cs["url"] = Value::Null;
    save(ctx, &cs);
    ctx.emit("checkout.session.expired", &cs, None);
    cs
}

/// `POST /v1/checkout/sessions/{id}/expire`.
pub fn expire(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, &[])?;
    let cs = retrieve(ctx, p, id)?;
    if cs["status"] != "open" {
        return Err(ApiError::invalid(
            format!(
                "Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of \"{}\".",
                cs["status"].as_str().unwrap_or("")
            ),
            "",
        )
        .code("checkout_session_unexpected_state"));
    }
    Ok(expire_now(ctx, cs))
}

/// Expires every open session whose `expires_at` has passed (sim clock).
pub fn expire_due(ctx: &mut Ctx) {
    let now = ctx.now;
    let due: Vec<Value> = ctx
        .world
        .all("checkout_session")
        .iter()
        .filter(|cs| cs["status"] == "open" && cs["expires_at"].as_i64().is_some_and(|t| t <= now))
        .cloned()
        .collect();
    for cs in due {
        expire_now(ctx, cs);
    }
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
