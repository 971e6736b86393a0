//! Prices (one-time): create, retrieve, list.

use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::currency;
use crate::errors::ApiError;
use crate::ids::new_id;
use crate::list::{self, LIST_PARAMS};
use crate::params;
use crate::products::insert_product;

const FIELDS: &[&str] = &[
    "currency",
    "unit_amount",
    "unit_amount_decimal",
    "product",
    "product_data",
    "metadata",
    "nickname",
    "active",
    "lookup_key",
    "tax_behavior",
];

/// Checks price fields (`currency`, `unit_amount`, `product`/`product_data`) under
/// `prefix` (e.g. `line_items[0][price_data]`) without storing anything.
/// Returns the currency and unit amount.
pub fn check_price(ctx: &Ctx, p: &Value, prefix: &str) -> Result<(String, i64), ApiError> {
    let name = |f: &str| {
        if prefix.is_empty() {
            f.to_string()
        } else {
            format!("{prefix}[{f}]")
        }
    };
    let cur = params::str_req(p, "currency", &name("currency"))?;
    let cur = currency::validate_currency(cur, &name("currency"))?;
    let amount = match params::int_opt(p, "unit_amount", &name("unit_amount"))? {
        Some(a) => a,
        None => match params::str_opt(p, "unit_amount_decimal", &name("unit_amount_decimal"))? {
            Some(d) => d.parse::<i64>().map_err(|_| {
                ApiError::invalid(
                    format!("Invalid decimal: {d}. Fractional amounts of the smallest currency unit are not supported by this simulator."),
                    &name("unit_amount_decimal"),
                )
            })?,
            None => return Err(ApiError::missing(&name("unit_amount"))),
        },
    };
    currency::validate_unit_amount(amount, &cur, &name("unit_amount"))?;
    match (
        params::str_opt(p, "product", &name("product"))?,
        p.get("product_data"),
    ) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                format!(
                    "You may only specify one of these parameters: {}, {}.",
                    name("product"),
                    name("product_data")
                ),
                &name("product"),
            ))
        }
        (Some(id), None) => {
            if ctx.world.get("product", id).is_none() {
                return Err(ApiError::no_such_param("product", id, &name("product")));
            }
        }
        (None, Some(pd)) => {
            let pn = format!("{}[name]", name("product_data"));
            params::str_req(pd, "name", &pn)?;
        }
        (None, None) => return Err(ApiError::missing(&name("product"))),
    }
    Ok((cur, amount))
}

/// Validates and stores a price; `active` is the default for `active`.
pub fn insert_price(
    ctx: &mut Ctx,
    p: &Value,
    prefix: &str,
    active: bool,
) -> Result<Value, ApiError> {
    let name = |f: &str| {
        if prefix.is_empty() {
            f.to_string()
        } else {
            format!("{prefix}[{f}]")
        }
    };
    let (cur, amount) = check_price(ctx, p, prefix)?;
    let product_id = match (
        params::str_opt(p, "product", &name("product"))?,
        p.get("product_data"),
    ) {
        (Some(id), _) => id.to_string(),
        (None, Some(pd)) => {
            let pd = pd.clone();
            insert_product(ctx, &pd, &name("product_data"))?["id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        }
        (None, None) => return Err(ApiError::missing(&name("product"))),
    };
    let mut price = json!({
        "id": new_id("price"),
        "object": "price",
        "active": params::bool_opt(p, "active", &name("active"))?.unwrap_or(active),
        "billing_scheme": "per_unit",
        "created": ctx.now,
        "currency": cur,
        "custom_unit_amount": null,
        "livemode": ctx.livemode(),
        "lookup_key": params::str_opt(p, "lookup_key", &name("lookup_key"))?,
        "metadata": {},
        "nickname": params::str_opt(p, "nickname", &name("nickname"))?,
        "product": product_id,
        "recurring": null,
        "tax_behavior": params::str_opt(p, "tax_behavior", &name("tax_behavior"))?.unwrap_or("unspecified"),
        "tiers_mode": null,
        "transform_quantity": null,
        "type": "one_time",
        "unit_amount": amount,
        "unit_amount_decimal": amount.to_string(),
    });
    if let Some(md) = params::metadata(p, "metadata", &name("metadata"))? {
        params::merge_metadata(&mut price["metadata"], md);
    }
    ctx.world.insert("price", price.clone());
    ctx.emit("price.created", &price, None);
    Ok(price)
}

pub fn create(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, FIELDS)?;
    insert_price(ctx, p, "", true)
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("price", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("price", id))
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["active", "product", "currency"]);
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let active = params::bool_opt(p, "active", "active")?;
    let product = params::str_opt(p, "product", "product")?;
    let cur = params::str_opt(p, "currency", "currency")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("price").iter())
        .into_iter()
        .filter(|o| {
            active.is_none_or(|a| o["active"] == a)
                && product.is_none_or(|x| o["product"] == x)
                && cur.is_none_or(|x| o["currency"] == x)
        })
        .collect();
    list::page(&items, &q, "/v1/prices", "price")
}
