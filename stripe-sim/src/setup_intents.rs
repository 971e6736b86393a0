//! SetupIntents: create (optionally confirming), retrieve, confirm, cancel, list (`customer`).
//! Confirmation validates the card like Stripe's test cards do for setup: declining cards fail
//! (`setup_intent.setup_failed`, `last_setup_error`, 402 `card_error`), 3-D Secure cards need
//! action, others succeed and are attached to the customer (`payment_method.attached`).

use serde_json::{json, Value};

use crate::cards::{self, Outcome};
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::events::previous_attributes;
use crate::ids::random_alnum;
use crate::list::{self, LIST_PARAMS};
use crate::params;
use crate::payment_methods;

const CREATE: &[&str] = &[
    "customer",
    "payment_method",
    "confirm",
    "usage",
    "metadata",
    "description",
    "payment_method_types",
    "return_url",
    "automatic_payment_methods",
];

/// Builds and stores a new setup intent; emits `setup_intent.created`.
pub fn insert(
    ctx: &mut Ctx,
    customer: Option<&str>,
    payment_method: Option<&str>,
    usage: &str,
    metadata: Value,
    description: Option<&str>,
) -> Value {
    let id = format!("seti_1Sim{}", random_alnum(20));
    let si = json!({
        "id": id,
        "object": "setup_intent",
        "application": null,
        "automatic_payment_methods": null,
        "cancellation_reason": null,
        "client_secret": format!("{id}_secret_{}", random_alnum(32)),
        "created": ctx.now,
        "customer": customer,
        "description": description,
        "excluded_payment_method_types": null,
        "flow_directions": null,
        "last_setup_error": null,
        "latest_attempt": null,
        "livemode": ctx.livemode(),
        "mandate": null,
        "metadata": metadata,
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": payment_method,
        "payment_method_configuration_details": null,
        "payment_method_options": { "card": { "mandate_options": null, "network": null, "request_three_d_secure": "automatic" } },
        "payment_method_types": ["card"],
        "single_use_mandate": null,
        "status": if payment_method.is_some() { "requires_confirmation" } else { "requires_payment_method" },
        "usage": usage,
    });
    ctx.world.insert("setup_intent", si.clone());
    ctx.emit("setup_intent.created", &si, None);
    si
}

fn save(ctx: &mut Ctx, new: &Value) {
    let id = new["id"].as_str().unwrap_or_default().to_string();
    if let Some(slot) = ctx.world.get_mut("setup_intent", &id) {
        *slot = new.clone();
    }
}

/// Confirms: validates the card, attaches it to the customer on success.
pub fn confirm_inner(ctx: &mut Ctx, id: &str) -> Result<Value, ApiError> {
    let mut si = retrieve(ctx, &json!({}), Some(id))?;
    let status = si["status"].as_str().unwrap_or("").to_string();
    if ![
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
    ]
    .contains(&status.as_str())
    {
        return Err(ApiError::invalid(
            format!("You cannot confirm this SetupIntent because it has a status of {status}. Only a SetupIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action."),
            "",
        )
        .code("setup_intent_unexpected_state")
        .extra("setup_intent", si));
    }
    let pm_id = si["payment_method"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if pm_id.is_empty() {
        return Err(ApiError::invalid(
            "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
            "payment_method",
        )
        .code("setup_intent_unexpected_state"));
    }
    let pm = ctx
        .world
        .get("payment_method", &pm_id)
        .cloned()
        .unwrap_or(Value::Null);
    let outcome = cards::of_payment_method(&pm).map_or(Outcome::Succeed, |c| c.outcome);
    let old = si.clone();
    match outcome {
        Outcome::AuthAlways | Outcome::AuthUnlessSaved => {
            si["status"] = json!("requires_action");
            si["next_action"] = json!({ "type": "use_stripe_sdk", "use_stripe_sdk": { "type": "three_d_secure_redirect", "stripe_js": format!("{}3ds/{id}", ctx.base_url) } });
            save(ctx, &si);
            let prev = previous_attributes(&old, &si);
            ctx.emit("setup_intent.requires_action", &si, prev);
            Ok(si)
        }
        Outcome::Decline {
            code,
            decline_code,
            message,
        } => {
            si["status"] = json!("requires_payment_method");
            si["payment_method"] = Value::Null;
            si["last_setup_error"] = json!({
                "type": "card_error", "code": code, "decline_code": decline_code, "message": message,
                "doc_url": format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")),
                "payment_method": pm,
            });
            save(ctx, &si);
            let prev = previous_attributes(&old, &si);
            ctx.emit("setup_intent.setup_failed", &si, prev);
            Err(ApiError::new(402, "card_error", message)
                .code(code)
                .extra("decline_code", json!(decline_code))
                .extra("setup_intent", si)
                .extra("payment_method", pm))
        }
        Outcome::Succeed => {
            if let Some(cust) = si["customer"].as_str().map(String::from) {
                payment_methods::attach_to(ctx, &pm, &cust)?;
            }
            si["status"] = json!("succeeded");
            si["next_action"] = Value::Null;
            si["last_setup_error"] = Value::Null;
            save(ctx, &si);
            let prev = previous_attributes(&old, &si);
            ctx.emit("setup_intent.succeeded", &si, prev);
            Ok(si)
        }
    }
}

/// Resolves a `payment_method` parameter and checks it may be used with `customer`.
fn payment_method_param(
    ctx: &mut Ctx,
    p: &Value,
    customer: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let Some(id) = params::str_opt(p, "payment_method", "payment_method")? else {
        return Ok(None);
    };
    let pm = payment_methods::resolve(ctx, id, "payment_method")?;
    if let Some(owner) = pm["customer"].as_str() {
        if customer != Some(owner) {
            return Err(ApiError::invalid(
                format!(
                    "The provided PaymentMethod {} belongs to a different Customer.",
                    pm["id"].as_str().unwrap_or("")
                ),
                "payment_method",
            ));
        }
    }
    Ok(pm["id"].as_str().map(String::from))
}

pub fn create(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, CREATE)?;
    let customer = params::str_opt(p, "customer", "customer")?;
    if let Some(c) = customer {
        if ctx.world.get("customer", c).is_none() {
            return Err(ApiError::no_such_param("customer", c, "customer"));
        }
    }
    let usage = params::enum_opt(p, "usage", "usage", &["off_session", "on_session"])?
        .unwrap_or("off_session");
    let confirm = params::bool_opt(p, "confirm", "confirm")?.unwrap_or(false);
    let mut metadata = json!({});
    if let Some(md) = params::metadata(p, "metadata", "metadata")? {
        params::merge_metadata(&mut metadata, md);
    }
    let desc = params::str_opt(p, "description", "description")?;
    let pm = payment_method_param(ctx, p, customer)?;
    if confirm && pm.is_none() {
        return Err(ApiError::missing("payment_method"));
    }
    let si = insert(ctx, customer, pm.as_deref(), usage, metadata, desc);
    let id = si["id"].as_str().unwrap_or_default().to_string();
    if confirm {
        return confirm_inner(ctx, &id);
    }
    Ok(si)
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("setup_intent", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("setup_intent", id))
}

pub fn confirm(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, &["payment_method", "return_url", "mandate_data"])?;
    let id = id.unwrap_or("");
    let mut si = retrieve(ctx, p, Some(id))?;
    let customer = si["customer"].as_str().map(String::from);
    if let Some(pm) = payment_method_param(ctx, p, customer.as_deref())? {
        si["payment_method"] = json!(pm);
        save(ctx, &si);
    }
    confirm_inner(ctx, id)
}

pub fn cancel(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, &["cancellation_reason"])?;
    let reason = params::enum_opt(
        p,
        "cancellation_reason",
        "cancellation_reason",
        &["abandoned", "duplicate", "requested_by_customer"],
    )?;
    let old = retrieve(ctx, p, id)?;
    let status = old["status"].as_str().unwrap_or("");
    if ["succeeded", "canceled"].contains(&status) {
        return Err(ApiError::invalid(
            format!("You cannot cancel this SetupIntent because it has a status of {status}. Only a SetupIntent with one of the following statuses may be canceled: requires_payment_method, requires_confirmation, requires_action."),
            "",
        )
        .code("setup_intent_unexpected_state"));
    }
    let mut si = old.clone();
    si["status"] = json!("canceled");
    si["cancellation_reason"] = json!(reason);
    si["next_action"] = Value::Null;
    save(ctx, &si);
    let prev = previous_attributes(&old, &si);
    ctx.emit("setup_intent.canceled", &si, prev);
    Ok(si)
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["customer", "payment_method"]);
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let customer = params::str_opt(p, "customer", "customer")?;
    let pm = params::str_opt(p, "payment_method", "payment_method")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("setup_intent").iter())
        .into_iter()
        .filter(|o| {
            customer.is_none_or(|c| o["customer"] == c)
                && pm.is_none_or(|x| o["payment_method"] == x)
        })
        .collect();
    list::page(&items, &q, "/v1/setup_intents", "setup_intent")
}
