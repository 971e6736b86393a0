//! Payment Links: create (catalogue prices or inline `price_data`), retrieve, update, list,
//! and their line items.

use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::currency;
use crate::errors::ApiError;
use crate::events::previous_attributes;
use crate::ids::{new_id, random_alnum};
use crate::list::{self, LIST_PARAMS};
use crate::params;
use crate::prices::{check_price, insert_price};

const CREATE_FIELDS: &[&str] = &[
    "line_items",
    "metadata",
    "payment_intent_data",
    "customer_creation",
    "after_completion",
    "restrictions",
    "inactive_message",
    "allow_promotion_codes",
    "billing_address_collection",
    "submit_type",
    "currency",
    "payment_method_types",
    "phone_number_collection",
];
const UPDATE_FIELDS: &[&str] = &[
    "active",
    "metadata",
    "payment_intent_data",
    "customer_creation",
    "after_completion",
    "restrictions",
    "inactive_message",
    "allow_promotion_codes",
    "billing_address_collection",
    "submit_type",
    "payment_method_types",
    "phone_number_collection",
];

/// One validated line item before anything is stored.
pub(crate) struct Line<'a> {
    item: &'a Value,
    prefix: String,
    quantity: i64,
    unit_amount: i64,
}

pub(crate) fn check_lines<'a>(
    ctx: &Ctx,
    items: &'a [Value],
) -> Result<(Vec<Line<'a>>, String), ApiError> {
    if items.is_empty() {
        return Err(ApiError::missing("line_items"));
    }
    if items.len() > 20 {
        return Err(ApiError::invalid(
            "A Payment Link can have at most 20 line items.",
            "line_items",
        ));
    }
    let mut lines = Vec::new();
    let mut cur: Option<String> = None;
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("line_items[{i}]");
        params::known(
            item,
            &["price", "price_data", "quantity", "adjustable_quantity"],
        )
        .map_err(|e| {
            ApiError::unknown_param(&format!("{prefix}[{}]", e.param.unwrap_or_default()))
        })?;
        let quantity = params::int_opt(item, "quantity", &format!("{prefix}[quantity]"))?
            .ok_or_else(|| ApiError::missing(&format!("{prefix}[quantity]")))?;
        if !(1..=999_999).contains(&quantity) {
            return Err(ApiError::invalid(
                format!(
                    "This value must be greater than or equal to 1 (it currently is '{quantity}')."
                ),
                &format!("{prefix}[quantity]"),
            ));
        }
        let (c, unit_amount) = match (params::str_opt(item, "price", &format!("{prefix}[price]"))?, item.get("price_data")) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    format!("You may only specify one of these parameters: {prefix}[price], {prefix}[price_data]."),
                    &format!("{prefix}[price]"),
                ))
            }
            (Some(id), None) => {
                let price = ctx
                    .world
                    .get("price", id)
                    .ok_or_else(|| ApiError::no_such_param("price", id, &format!("{prefix}[price]")))?;
                (
                    price["currency"].as_str().unwrap_or("usd").to_string(),
                    price["unit_amount"].as_i64().unwrap_or(0),
                )
            }
            (None, Some(pd)) => check_price(ctx, pd, &format!("{prefix}[price_data]"))?,
            (None, None) => return Err(ApiError::missing(&format!("{prefix}[price]"))),
        };
        if let Some(prev) = &cur {
            if *prev != c {
                return Err(ApiError::invalid(
                    "All line items must have the same currency.",
                    &format!("{prefix}[price_data][currency]"),
                ));
            }
        }
        cur = Some(c);
        lines.push(Line {
            item,
            prefix,
            quantity,
            unit_amount,
        });
    }
    let cur = cur.unwrap_or_else(|| "usd".into());
    let total: i64 = lines
        .iter()
        .map(|l| l.unit_amount.saturating_mul(l.quantity))
        .sum();
    if total > currency::MAX_AMOUNT {
        return Err(ApiError::invalid(
            format!(
                "The Payment Link's total amount due must be no more than {} {cur}",
                currency::display(currency::MAX_AMOUNT, &cur)
            ),
            "line_items",
        )
        .code("amount_too_large"));
    }
    if let Some(min) = currency::minimum(&cur) {
        if total < min {
            return Err(ApiError::invalid(
                format!(
                    "The Payment Link's total amount due must add up to at least {} {cur}",
                    currency::display(min, &cur)
                ),
                "line_items",
            )
            .code("amount_too_small"));
        }
    }
    Ok((lines, cur))
}

fn after_completion(p: &Value) -> Result<Option<Value>, ApiError> {
    let Some(ac) = p.get("after_completion") else {
        return Ok(None);
    };
    let typ = params::enum_opt(
        ac,
        "type",
        "after_completion[type]",
        &["hosted_confirmation", "redirect"],
    )?
    .ok_or_else(|| ApiError::missing("after_completion[type]"))?;
    Ok(Some(match typ {
        "redirect" => {
            let url = ac
                .get("redirect")
                .map(|r| params::str_req(r, "url", "after_completion[redirect][url]"))
                .transpose()?
                .ok_or_else(|| ApiError::missing("after_completion[redirect][url]"))?;
            json!({ "type": "redirect", "redirect": { "url": url } })
        }
        _ => {
            let msg = match ac.get("hosted_confirmation") {
                Some(h) => params::str_opt(
                    h,
                    "custom_message",
                    "after_completion[hosted_confirmation][custom_message]",
                )?,
                None => None,
            };
            json!({ "type": "hosted_confirmation", "hosted_confirmation": { "custom_message": msg } })
        }
    }))
}

fn restrictions(p: &Value, current_count: i64) -> Result<Option<Value>, ApiError> {
    match p.get("restrictions") {
        None => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(Some(Value::Null)),
        Some(r) => {
            let cs = r
                .get("completed_sessions")
                .ok_or_else(|| ApiError::missing("restrictions[completed_sessions]"))?;
            let limit = params::int_opt(cs, "limit", "restrictions[completed_sessions][limit]")?
                .ok_or_else(|| ApiError::missing("restrictions[completed_sessions][limit]"))?;
            if !(1..=10_000).contains(&limit) {
                return Err(ApiError::invalid(
                    format!("This value must be between 1 and 10000 (it currently is '{limit}')."),
                    "restrictions[completed_sessions][limit]",
                ));
            }
            Ok(Some(
                json!({ "completed_sessions": { "count": current_count, "limit": limit } }),
            ))
        }
    }
}

fn payment_intent_data(p: &Value, current: &Value) -> Result<Option<Value>, ApiError> {
    let Some(pid) = p.get("payment_intent_data") else {
        return Ok(None);
    };
    params::known(
        pid,
        &[
            "metadata",
            "setup_future_usage",
            "description",
            "statement_descriptor",
            "statement_descriptor_suffix",
            "capture_method",
            "transfer_group",
        ],
    )
    .map_err(|e| {
        ApiError::unknown_param(&format!(
            "payment_intent_data[{}]",
            e.param.unwrap_or_default()
        ))
    })?;
    let mut out = if current.is_object() {
        current.clone()
    } else {
        json!({ "capture_method": null, "description": null, "metadata": {}, "setup_future_usage": null,
                "statement_descriptor": null, "statement_descriptor_suffix": null, "transfer_group": null })
    };
    if let Some(md) = params::metadata(pid, "metadata", "payment_intent_data[metadata]")? {
        params::merge_metadata(&mut out["metadata"], md);
    }
    if let Some(s) = params::enum_opt(
        pid,
        "setup_future_usage",
        "payment_intent_data[setup_future_usage]",
        &["on_session", "off_session"],
    )? {
        out["setup_future_usage"] = json!(s);
    }
    if let Some(s) = params::enum_opt(
        pid,
        "capture_method",
        "payment_intent_data[capture_method]",
        &["automatic", "automatic_async", "manual"],
    )? {
        out["capture_method"] = json!(s);
    }
    for f in [
        "description",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "transfer_group",
    ] {
        if let Some(v) = params::str_opt(pid, f, &format!("payment_intent_data[{f}]"))? {
            out[f] = json!(v);
        }
    }
    Ok(Some(out))
}

/// Settings shared by create and update.
fn apply_common(link: &mut Value, p: &Value) -> Result<(), ApiError> {
    if let Some(md) = params::metadata(p, "metadata", "metadata")? {
        params::merge_metadata(&mut link["metadata"], md);
    }
    if let Some(v) = params::enum_opt(
        p,
        "customer_creation",
        "customer_creation",
        &["always", "if_required"],
    )? {
        link["customer_creation"] = json!(v);
    }
    if let Some(v) = after_completion(p)? {
        link["after_completion"] = v;
    }
    let count = link["restrictions"]["completed_sessions"]["count"]
        .as_i64()
        .unwrap_or(0);
    if let Some(v) = restrictions(p, count)? {
        link["restrictions"] = v;
    }
    if let Some(v) = payment_intent_data(p, &link["payment_intent_data"])? {
        link["payment_intent_data"] = v;
    }
    if let Some(v) = params::str_opt(p, "inactive_message", "inactive_message")? {
        link["inactive_message"] = if v.is_empty() { Value::Null } else { json!(v) };
    }
    if let Some(v) = params::bool_opt(p, "allow_promotion_codes", "allow_promotion_codes")? {
        link["allow_promotion_codes"] = json!(v);
    }
    if let Some(v) = params::enum_opt(
        p,
        "billing_address_collection",
        "billing_address_collection",
        &["auto", "required"],
    )? {
        link["billing_address_collection"] = json!(v);
    }
    if let Some(v) = params::enum_opt(
        p,
        "submit_type",
        "submit_type",
        &["auto", "book", "donate", "pay", "subscribe"],
    )? {
        link["submit_type"] = json!(v);
    }
    if let Some(Value::Array(types)) = p.get("payment_method_types") {
        link["payment_method_types"] = Value::Array(types.clone());
    }
    Ok(())
}

pub fn create(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, CREATE_FIELDS)?;
    let items =
        params::array_opt(p, "line_items")?.ok_or_else(|| ApiError::missing("line_items"))?;
    let (lines, cur) = check_lines(ctx, items)?;
    let id = new_id("plink");
    let mut link = json!({
        "id": id,
        "object": "payment_link",
        "active": true,
        "after_completion": { "hosted_confirmation": { "custom_message": null }, "type": "hosted_confirmation" },
        "allow_promotion_codes": false,
        "application": null,
        "application_fee_amount": null,
        "application_fee_percent": null,
        "automatic_tax": { "enabled": false, "liability": null },
        "billing_address_collection": "auto",
        "consent_collection": null,
        "currency": cur,
        "custom_fields": [],
        "custom_text": { "after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null },
        "customer_creation": "if_required",
        "inactive_message": null,
        "invoice_creation": { "enabled": false, "invoice_data": { "account_tax_ids": null, "custom_fields": null, "description": null, "footer": null, "issuer": null, "metadata": {}, "rendering_options": null } },
        "livemode": ctx.livemode(),
        "metadata": {},
        "on_behalf_of": null,
        "payment_intent_data": null,
        "payment_method_collection": "always",
        "payment_method_types": null,
        "phone_number_collection": { "enabled": false },
        "restrictions": null,
        "shipping_address_collection": null,
        "shipping_options": [],
        "submit_type": "auto",
        "subscription_data": null,
        "tax_id_collection": { "enabled": false, "required": "never" },
        "transfer_data": null,
        "url": format!("{}pay/{id}", ctx.base_url),
    });
    apply_common(&mut link, p)?;
    // Everything is valid: now store inline prices/products and the line items.
    let stored = store_lines(ctx, lines)?;
    ctx.world.line_items.insert(id.clone(), stored);
    ctx.world.insert("payment_link", link.clone());
    ctx.emit("payment_link.created", &link, None);
    Ok(link)
}

/// Stores inline prices/products of validated lines and returns the line items (`item`).
pub(crate) fn store_lines(ctx: &mut Ctx, lines: Vec<Line<'_>>) -> Result<Vec<Value>, ApiError> {
    let mut stored = Vec::new();
    for l in lines {
        let price = match l.item.get("price_data") {
            Some(pd) => insert_price(ctx, pd, &format!("{}[price_data]", l.prefix), false)?,
            None => {
                let pid = l.item["price"].as_str().unwrap_or_default();
                ctx.world.get("price", pid).cloned().unwrap_or(Value::Null)
            }
        };
        let product_name = price["product"]
            .as_str()
            .and_then(|pid| ctx.world.get("product", pid))
            .map_or(Value::Null, |prod| prod["name"].clone());
        let total = l.unit_amount.saturating_mul(l.quantity);
        stored.push(json!({
            "id": format!("li_{}", random_alnum(24)),
            "object": "item",
            "amount_discount": 0,
            "amount_subtotal": total,
            "amount_tax": 0,
            "amount_total": total,
            "currency": price["currency"],
            "description": product_name,
            "price": price,
            "quantity": l.quantity,
        }));
    }
    Ok(stored)
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("payment_link", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("payment_link", id))
}

pub fn update(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    params::known(p, UPDATE_FIELDS)?;
    let old = retrieve(ctx, p, Some(id))?;
    let mut new = old.clone();
    if let Some(a) = params::bool_opt(p, "active", "active")? {
        new["active"] = json!(a);
    }
    apply_common(&mut new, p)?;
    if let Some(slot) = ctx.world.get_mut("payment_link", id) {
        *slot = new.clone();
    }
    if let Some(prev) = previous_attributes(&old, &new) {
        ctx.emit("payment_link.updated", &new, Some(prev));
    }
    Ok(new)
}

/// Changes a stored link outside a request (e.g. the pay page deactivating it).
pub fn set_link(ctx: &mut Ctx, new: Value) {
    let id = new["id"].as_str().unwrap_or_default().to_string();
    let Some(old) = ctx.world.get("payment_link", &id).cloned() else {
        return;
    };
    if let Some(slot) = ctx.world.get_mut("payment_link", &id) {
        *slot = new.clone();
    }
    if let Some(prev) = previous_attributes(&old, &new) {
        ctx.emit("payment_link.updated", &new, Some(prev));
    }
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.push("active");
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let active = params::bool_opt(p, "active", "active")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("payment_link").iter())
        .into_iter()
        .filter(|o| active.is_none_or(|a| o["active"] == a))
        .collect();
    list::page(&items, &q, "/v1/payment_links", "payment_link")
}

pub fn line_items(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    params::known(p, &["limit", "starting_after", "ending_before"])?;
    let q = list::parse_query(p)?;
    let items = ctx
        .world
        .line_items
        .get(id)
        .ok_or_else(|| ApiError::not_found("payment_link", id))?;
    let refs: Vec<&Value> = items.iter().collect();
    list::page(
        &refs,
        &q,
        &format!("/v1/payment_links/{id}/line_items"),
        "line_item",
    )
}
