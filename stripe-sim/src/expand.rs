//! `expand[]=…`: replaces id strings with the objects they name, along dotted paths
//! (`latest_charge.balance_transaction`, `data.customer`), and adds `line_items` on
//! payment links and Checkout Sessions.

use serde_json::Value;

use crate::errors::ApiError;
use crate::list;
use crate::state::World;

/// Object kind by id prefix.
fn kind_of(id: &str) -> Option<&'static str> {
    let prefix = id.split('_').next()?;
    Some(match prefix {
        "cus" => "customer",
        "prod" => "product",
        "price" => "price",
        "plink" => "payment_link",
        "pm" => "payment_method",
        "pi" => "payment_intent",
        "ch" => "charge",
        "re" => "refund",
        "txn" => "balance_transaction",
        "dp" => "dispute",
        "po" => "payout",
        "cs" => "checkout_session",
        _ => return None,
    })
}

fn cannot(path: &str) -> ApiError {
    ApiError::invalid(
        format!("This property cannot be expanded ({path})."),
        "expand",
    )
}

/// Applies every `expand` path of the request to a response.
pub fn apply(world: &World, v: &mut Value, params: &Value) -> Result<(), ApiError> {
    let paths: Vec<String> = match params.get("expand") {
        None => return Ok(()),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|p| p.as_str().map(String::from))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(_) => return Err(ApiError::invalid("Invalid array", "expand")),
    };
    for p in paths {
        let segs: Vec<&str> = p.split('.').collect();
        if segs.len() > 4 {
            return Err(ApiError::invalid(
                format!("You cannot expand more than 4 levels of a property. Property: {p}"),
                "expand",
            ));
        }
        walk(world, v, &segs, &p)?;
    }
    Ok(())
}

fn walk(world: &World, v: &mut Value, segs: &[&str], full: &str) -> Result<(), ApiError> {
    let Some((head, rest)) = segs.split_first() else {
        return Ok(());
    };
    if *head == "data" && v["object"] == "list" {
        if let Some(items) = v["data"].as_array_mut() {
            for item in items {
                walk(world, item, rest, full)?;
            }
        }
        return Ok(());
    }
    let id = v["id"].as_str().unwrap_or_default().to_string();
    let is_container = matches!(
        v["object"].as_str(),
        Some("payment_link" | "checkout.session")
    );
    let Some(obj) = v.as_object_mut() else {
        return Ok(());
    };
    if *head == "line_items" && is_container && !obj.contains_key("line_items") {
        let items: Vec<&Value> = world
            .line_items
            .get(&id)
            .map(|l| l.iter().collect())
            .unwrap_or_default();
        let url = if id.starts_with("plink_") {
            format!("/v1/payment_links/{id}/line_items")
        } else {
            format!("/v1/checkout/sessions/{id}/line_items")
        };
        let has_more = items.len() > 10;
        let first: Vec<Value> = items.into_iter().take(10).cloned().collect();
        obj.insert("line_items".into(), list::envelope(first, has_more, &url));
    }
    match obj.get(*head) {
        None => return Err(cannot(full)),
        Some(Value::String(s)) => {
            let s = s.clone();
            let found = kind_of(&s)
                .and_then(|k| world.get(k, &s))
                .cloned()
                .ok_or_else(|| cannot(full))?;
            obj.insert((*head).to_string(), found);
        }
        Some(_) => {}
    }
    match obj.get_mut(*head) {
        Some(child) if !child.is_null() => walk(world, child, rest, full),
        _ => Ok(()),
    }
}
