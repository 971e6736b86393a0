//! Customers: create, retrieve, update, list, delete.

use serde_json::{json, Map, Value};

use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::events::previous_attributes;
use crate::ids::{new_id, random_alnum};
use crate::list::{self, LIST_PARAMS};
use crate::params;

const FIELDS: &[&str] = &[
    "email",
    "name",
    "description",
    "phone",
    "metadata",
    "preferred_locales",
    "address",
];

fn apply(c: &mut Value, p: &Value) -> Result<(), ApiError> {
    for f in ["email", "name", "description", "phone"] {
        if let Some(v) = params::str_opt(p, f, f)? {
            c[f] = if v.is_empty() { Value::Null } else { json!(v) };
        }
    }
    if let Some(email) = params::str_opt(p, "email", "email")? {
        if !email.is_empty() && !email.contains('@') {
            return Err(
                ApiError::invalid(format!("Invalid email address: {email}"), "email")
                    .code("email_invalid"),
            );
        }
    }
    if let Some(md) = params::metadata(p, "metadata", "metadata")? {
        params::merge_metadata(&mut c["metadata"], md);
    }
    if let Some(Value::Array(l)) = p.get("preferred_locales") {
        c["preferred_locales"] = Value::Array(l.clone());
    }
    if let Some(Value::Object(a)) = p.get("address") {
        let mut addr: Map<String, Value> =
            ["city", "country", "line1", "line2", "postal_code", "state"]
                .iter()
                .map(|k| ((*k).to_string(), Value::Null))
                .collect();
        for (k, v) in a {
            addr.insert(k.clone(), v.clone());
        }
        c["address"] = Value::Object(addr);
    }
    Ok(())
}

pub fn create(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, FIELDS)?;
    let mut c = json!({
        "id": new_id("cus"),
        "object": "customer",
        "address": null,
        "balance": 0,
        "created": ctx.now,
        "currency": null,
        "default_source": null,
        "delinquent": false,
        "description": null,
        "discount": null,
        "email": null,
        "invoice_prefix": random_alnum(8).to_ascii_uppercase(),
        "invoice_settings": { "custom_fields": null, "default_payment_method": null, "footer": null, "rendering_options": null },
        "livemode": ctx.livemode(),
        "metadata": {},
        "name": null,
        "next_invoice_sequence": 1,
        "phone": null,
        "preferred_locales": [],
        "shipping": null,
        "tax_exempt": "none",
        "test_clock": null
    });
    apply(&mut c, p)?;
    ctx.world.insert("customer", c.clone());
    ctx.emit("customer.created", &c, None);
    Ok(c)
}

fn find(ctx: &Ctx, id: &str) -> Result<Value, ApiError> {
    if let Some(c) = ctx.world.get("customer", id) {
        return Ok(c.clone());
    }
    ctx.world
        .tombstones
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("customer", id))
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    find(ctx, id.unwrap_or(""))
}

pub fn update(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    params::known(p, FIELDS)?;
    let old = ctx
        .world
        .get("customer", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("customer", id))?;
    let mut new = old.clone();
    apply(&mut new, p)?;
    if let Some(slot) = ctx.world.get_mut("customer", id) {
        *slot = new.clone();
    }
    if let Some(prev) = previous_attributes(&old, &new) {
        ctx.emit("customer.updated", &new, Some(prev));
    }
    Ok(new)
}

pub fn delete(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    let old = ctx
        .world
        .remove("customer", id)
        .ok_or_else(|| ApiError::not_found("customer", id))?;
    let stub = json!({ "id": id, "object": "customer", "deleted": true });
    ctx.world.tombstones.insert(id.to_string(), stub.clone());
    ctx.emit("customer.deleted", &old, None);
    Ok(stub)
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.push("email");
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let email = params::str_opt(p, "email", "email")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("customer").iter())
        .into_iter()
        .filter(|c| email.is_none_or(|e| c["email"] == e))
        .collect();
    list::page(&items, &q, "/v1/customers", "customer")
}
