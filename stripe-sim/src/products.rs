//! Products: create, retrieve, update, list.

use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::events::previous_attributes;
use crate::ids::new_id;
use crate::list::{self, LIST_PARAMS};
use crate::params;

const FIELDS: &[&str] = &[
    "name",
    "description",
    "metadata",
    "active",
    "id",
    "url",
    "unit_label",
    "statement_descriptor",
];

/// Builds and stores a product (also used for `product_data` on prices and links).
/// `prefix` names the parameter hash (e.g. `product_data`), empty for top-level params.
pub fn insert_product(ctx: &mut Ctx, p: &Value, prefix: &str) -> Result<Value, ApiError> {
    let pn = |f: &str| {
        if prefix.is_empty() {
            f.to_string()
        } else {
            format!("{prefix}[{f}]")
        }
    };
    let name = params::str_req(p, "name", &pn("name"))?;
    let id = match params::str_opt(p, "id", &pn("id"))? {
        Some(id) if ctx.world.get("product", id).is_some() => {
            return Err(ApiError::invalid("Product already exists.", &pn("id"))
                .code("resource_already_exists"));
        }
        Some(id) => id.to_string(),
        None => new_id("prod"),
    };
    let mut prod = json!({
        "id": id,
        "object": "product",
        "active": params::bool_opt(p, "active", &pn("active"))?.unwrap_or(true),
        "created": ctx.now,
        "default_price": null,
        "description": params::str_opt(p, "description", &pn("description"))?,
        "images": [],
        "livemode": ctx.livemode(),
        "marketing_features": [],
        "metadata": {},
        "name": name,
        "package_dimensions": null,
        "shippable": null,
        "statement_descriptor": params::str_opt(p, "statement_descriptor", &pn("statement_descriptor"))?,
        "tax_code": null,
        "type": "service",
        "unit_label": params::str_opt(p, "unit_label", &pn("unit_label"))?,
        "updated": ctx.now,
        "url": params::str_opt(p, "url", &pn("url"))?,
    });
    if let Some(md) = params::metadata(p, "metadata", &pn("metadata"))? {
        params::merge_metadata(&mut prod["metadata"], md);
    }
    ctx.world.insert("product", prod.clone());
    ctx.emit("product.created", &prod, None);
    Ok(prod)
}

pub fn create(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, FIELDS)?;
    insert_product(ctx, p, "")
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("product", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("product", id))
}

pub fn update(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    params::known(
        p,
        &[
            "name",
            "description",
            "metadata",
            "active",
            "url",
            "unit_label",
            "statement_descriptor",
        ],
    )?;
    let old = retrieve(ctx, p, Some(id))?;
    let mut new = old.clone();
    for f in [
        "name",
        "description",
        "url",
        "unit_label",
        "statement_descriptor",
    ] {
        if let Some(v) = params::str_opt(p, f, f)? {
            new[f] = json!(v);
        }
    }
    if let Some(a) = params::bool_opt(p, "active", "active")? {
        new["active"] = json!(a);
    }
    if let Some(md) = params::metadata(p, "metadata", "metadata")? {
        params::merge_metadata(&mut new["metadata"], md);
    }
    new["updated"] = json!(ctx.now);
    if let Some(slot) = ctx.world.get_mut("product", id) {
        *slot = new.clone();
    }
    if let Some(prev) = previous_attributes(&old, &new) {
        ctx.emit("product.updated", &new, Some(prev));
    }
    Ok(new)
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.push("active");
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let active = params::bool_opt(p, "active", "active")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("product").iter())
        .into_iter()
        .filter(|o| active.is_none_or(|a| o["active"] == a))
        .collect();
    list::page(&items, &q, "/v1/products", "product")
}
