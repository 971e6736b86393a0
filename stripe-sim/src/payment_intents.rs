//! PaymentIntents: create (optionally confirming), retrieve, list, confirm, cancel.
//! Confirmation charges the card and follows Stripe's test-card outcomes.

use serde_json::{json, Value};

use crate::cards::{self, Outcome};
use crate::charges;
use crate::ctx::Ctx;
use crate::currency;
use crate::errors::ApiError;
use crate::events::previous_attributes;
use crate::ids::{new_id, random_alnum};
use crate::list::{self, LIST_PARAMS};
use crate::params;
use crate::payment_methods;

const CREATE: &[&str] = &[
    "amount",
    "currency",
    "customer",
    "payment_method",
    "off_session",
    "confirm",
    "metadata",
    "description",
    "setup_future_usage",
    "receipt_email",
    "payment_method_types",
    "capture_method",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "automatic_payment_methods",
    "return_url",
    "error_on_requires_action",
];

/// Validates a payment amount: integer, minimum charge, at most 8 digits.
pub fn check_amount(amount: i64, cur: &str, param: &str) -> Result<(), ApiError> {
    currency::validate_unit_amount(amount, cur, param)?;
    if let Some(min) = currency::minimum(cur) {
        if amount < min {
            return Err(ApiError::invalid(
                format!(
                    "Amount must be at least {} {cur}",
                    currency::display(min, cur)
                ),
                param,
            )
            .code("amount_too_small"));
        }
    }
    Ok(())
}

/// The fields of a new payment intent.
pub struct NewIntent<'a> {
    pub amount: i64,
    pub currency: &'a str,
    pub customer: Option<&'a str>,
    pub payment_method: Option<&'a str>,
    pub metadata: Value,
    pub description: Option<&'a str>,
    pub setup_future_usage: Option<&'a str>,
}

/// Builds and stores a new payment intent (status `requires_payment_method` / `requires_confirmation`).
pub fn insert(ctx: &mut Ctx, n: NewIntent<'_>) -> Value {
    let NewIntent {
        amount,
        currency: cur,
        customer,
        payment_method: pm,
        metadata,
        description,
        setup_future_usage: sfu,
    } = n;
    let id = new_id("pi");
    let pi = json!({
        "id": id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": { "tip": {} },
        "amount_received": 0,
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": null,
        "canceled_at": null,
        "cancellation_reason": null,
        "capture_method": "automatic",
        "client_secret": format!("{id}_secret_{}", random_alnum(25)),
        "confirmation_method": "automatic",
        "created": ctx.now,
        "currency": cur,
        "customer": customer,
        "description": description,
        "excluded_payment_method_types": null,
        "last_payment_error": null,
        "latest_charge": null,
        "livemode": ctx.livemode(),
        "metadata": metadata,
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": pm,
        "payment_method_configuration_details": null,
        "payment_method_options": { "card": { "installments": null, "mandate_options": null, "network": null, "request_three_d_secure": "automatic" } },
        "payment_method_types": ["card"],
        "processing": null,
        "receipt_email": null,
        "review": null,
        "setup_future_usage": sfu,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": if pm.is_some() { "requires_confirmation" } else { "requires_payment_method" },
        "transfer_data": null,
        "transfer_group": null,
    });
    ctx.world.insert("payment_intent", pi.clone());
    ctx.emit("payment_intent.created", &pi, None);
    pi
}

fn save(ctx: &mut Ctx, new: &Value) {
    let id = new["id"].as_str().unwrap_or_default().to_string();
    if let Some(slot) = ctx.world.get_mut("payment_intent", &id) {
        *slot = new.clone();
    }
}

/// Charges the intent's payment method. Declines give Stripe's 402 `card_error` with the
/// intent in `error.payment_intent`; on-session authentication gives `requires_action`.
pub fn confirm_inner(ctx: &mut Ctx, id: &str, off_session: bool) -> Result<Value, ApiError> {
    let mut pi = ctx
        .world
        .get("payment_intent", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("payment_intent", id))?;
    let status = pi["status"].as_str().unwrap_or("");
    if ![
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
    ]
    .contains(&status)
    {
        return Err(ApiError::invalid(
            format!("You cannot confirm this PaymentIntent because it has a status of {status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action."),
            "",
        )
        .code("payment_intent_unexpected_state")
        .extra("payment_intent", pi));
    }
    let pm_id = pi["payment_method"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if pm_id.is_empty() {
        return Err(ApiError::invalid(
            "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with cus_xxx, specify a payment method attached to this customer along with the customer ID.",
            "payment_method",
        )
        .code("payment_intent_unexpected_state"));
    }
    let pm = ctx
        .world
        .get("payment_method", &pm_id)
        .cloned()
        .unwrap_or(Value::Null);
    let outcome = cards::of_payment_method(&pm).map_or(Outcome::Succeed, |c| c.outcome);
    let saved = !pm["customer"].is_null();
    let old = pi.clone();
    let auth_needed = match outcome {
        Outcome::AuthAlways => true,
        Outcome::AuthUnlessSaved => !(off_session && saved),
        _ => false,
    };
    if auth_needed && !off_session {
        pi["status"] = json!("requires_action");
        pi["next_action"] = json!({ "type": "use_stripe_sdk", "use_stripe_sdk": { "type": "three_d_secure_redirect", "stripe_js": format!("{}3ds/{id}", ctx.base_url) } });
        save(ctx, &pi);
        let prev = previous_attributes(&old, &pi);
        ctx.emit("payment_intent.requires_action", &pi, prev);
        return Ok(pi);
    }
    let failure = match outcome {
        Outcome::Decline {
            code,
            decline_code,
            message,
        } => Some((code, decline_code, message)),
        _ if auth_needed => Some((
            "authentication_required",
            "authentication_required",
            "Your card was declined. This transaction requires authentication.",
        )),
        _ => None,
    };
    let charge = if failure.is_some() && auth_needed {
        None
    } else {
        Some(charges::insert_charge(ctx, &pi, &pm, failure))
    };
    if let Some(ch) = &charge {
        pi["latest_charge"] = ch["id"].clone();
    }
    match failure {
        None => {
            pi["status"] = json!("succeeded");
            pi["amount_received"] = pi["amount"].clone();
            pi["next_action"] = Value::Null;
            pi["last_payment_error"] = Value::Null;
            if let (Some(_), Some(cust)) = (
                pi["setup_future_usage"].as_str(),
                pi["customer"].as_str().map(String::from),
            ) {
                payment_methods::attach_to(ctx, &pm, &cust)?;
            }
            save(ctx, &pi);
            let prev = previous_attributes(&old, &pi);
            ctx.emit("payment_intent.succeeded", &pi, prev);
            Ok(pi)
        }
        Some((code, decline_code, message)) => {
            let mut err = json!({
                "type": "card_error", "code": code, "decline_code": decline_code, "message": message,
                "doc_url": format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")),
                "payment_method": pm,
            });
            if let Some(ch) = &charge {
                err["charge"] = ch["id"].clone();
            }
            pi["status"] = json!("requires_payment_method");
            pi["last_payment_error"] = err;
            pi["payment_method"] = Value::Null;
            save(ctx, &pi);
            let prev = previous_attributes(&old, &pi);
            ctx.emit("payment_intent.payment_failed", &pi, prev);
            let mut e = ApiError::new(402, "card_error", message)
                .code(code)
                .extra("decline_code", json!(decline_code))
                .extra("payment_intent", pi)
                .extra("payment_method", pm);
            if let Some(ch) = charge {
                e = e.extra("charge", ch["id"].clone());
            }
            Err(e)
        }
    }
}

/// Puts a confirmed bank-debit intent into `processing`; emits `payment_intent.processing`.
pub fn start_processing(ctx: &mut Ctx, id: &str) -> Value {
    let Some(old) = ctx.world.get("payment_intent", id).cloned() else {
        return Value::Null;
    };
    let mut pi = old.clone();
    pi["status"] = json!("processing");
    pi["payment_method_types"] = json!(["card", "sepa_debit"]);
    pi["payment_method_options"]["sepa_debit"] = json!({});
    pi["processing"] = Value::Null;
    save(ctx, &pi);
    let prev = previous_attributes(&old, &pi);
    ctx.emit("payment_intent.processing", &pi, prev);
    pi
}

/// Settles a `processing` bank debit: a charge (with its balance transaction when it succeeds)
/// and `payment_intent.succeeded`, or a failed charge and `payment_intent.payment_failed`.
pub fn settle(ctx: &mut Ctx, id: &str, succeed: bool) -> Value {
    let Some(old) = ctx.world.get("payment_intent", id).cloned() else {
        return Value::Null;
    };
    let pm_id = old["payment_method"].as_str().unwrap_or_default();
    let pm = ctx
        .world
        .get("payment_method", pm_id)
        .cloned()
        .unwrap_or(Value::Null);
    const MSG: &str = "The customer's account has insufficient funds to cover this payment.";
    let failure = (!succeed).then_some(("insufficient_funds", "insufficient_funds", MSG));
    let ch = charges::insert_charge(ctx, &old, &pm, failure);
    let mut pi = old.clone();
    pi["latest_charge"] = ch["id"].clone();
    if succeed {
        pi["status"] = json!("succeeded");
        pi["amount_received"] = pi["amount"].clone();
        if let (Some(_), Some(cust)) = (
            pi["setup_future_usage"].as_str(),
            pi["customer"].as_str().map(String::from),
        ) {
            let _ = payment_methods::attach_to(ctx, &pm, &cust);
        }
        save(ctx, &pi);
        let prev = previous_attributes(&old, &pi);
        ctx.emit("payment_intent.succeeded", &pi, prev);
    } else {
        pi["status"] = json!("requires_payment_method");
        pi["payment_method"] = Value::Null;
        pi["last_payment_error"] = json!({
            "type": "invalid_request_error", "code": "insufficient_funds", "decline_code": null,
            "message": MSG, "charge": ch["id"], "payment_method": pm,
            "doc_url": "https://stripe.com/docs/error-codes/insufficient-funds",
        });
        save(ctx, &pi);
        let prev = previous_attributes(&old, &pi);
        ctx.emit("payment_intent.payment_failed", &pi, prev);
    }
    pi
}

pub fn create(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, CREATE)?;
    let amount =
        params::int_opt(p, "amount", "amount")?.ok_or_else(|| ApiError::missing("amount"))?;
    let cur = currency::validate_currency(params::str_req(p, "currency", "currency")?, "currency")?;
    check_amount(amount, &cur, "amount")?;
    let customer = params::str_opt(p, "customer", "customer")?;
    if let Some(c) = customer {
        if ctx.world.get("customer", c).is_none() {
            return Err(ApiError::no_such_param("customer", c, "customer"));
        }
    }
    let confirm = params::bool_opt(p, "confirm", "confirm")?.unwrap_or(false);
    let off_session = params::bool_opt(p, "off_session", "off_session")?.unwrap_or(false);
    if off_session && !confirm {
        return Err(ApiError::invalid(
            "You may only specify `off_session` when `confirm` is true.",
            "off_session",
        ));
    }
    let sfu = params::enum_opt(
        p,
        "setup_future_usage",
        "setup_future_usage",
        &["on_session", "off_session"],
    )?;
    let pm = match params::str_opt(p, "payment_method", "payment_method")? {
        Some(id) => {
            let pm = payment_methods::resolve(ctx, id, "payment_method")?;
            payment_methods::ensure_reusable(ctx, &pm, "payment_method")?;
            if let (Some(owner), Some(c)) = (pm["customer"].as_str(), customer) {
                if owner != c {
                    return Err(ApiError::invalid(
                        format!(
                            "The provided PaymentMethod {} belongs to a different Customer.",
                            pm["id"].as_str().unwrap_or("")
                        ),
                        "payment_method",
                    ));
                }
            }
            if customer.is_none() && !pm["customer"].is_null() {
                return Err(ApiError::invalid(
                    "The provided PaymentMethod belongs to a Customer; pass that customer as `customer`.",
                    "customer",
                ));
            }
            Some(pm["id"].as_str().unwrap_or_default().to_string())
        }
        None if confirm => return Err(ApiError::missing("payment_method")),
        None => None,
    };
    let mut metadata = json!({});
    if let Some(md) = params::metadata(p, "metadata", "metadata")? {
        params::merge_metadata(&mut metadata, md);
    }
    let desc = params::str_opt(p, "description", "description")?;
    let pi = insert(
        ctx,
        NewIntent {
            amount,
            currency: &cur,
            customer,
            payment_method: pm.as_deref(),
            metadata,
            description: desc,
            setup_future_usage: sfu,
        },
    );
    if let Some(v) = params::str_opt(p, "receipt_email", "receipt_email")? {
        let mut pi2 = pi.clone();
        pi2["receipt_email"] = json!(v);
        save(ctx, &pi2);
    }
    if confirm {
        return confirm_inner(ctx, pi["id"].as_str().unwrap_or_default(), off_session);
    }
    retrieve(ctx, p, pi["id"].as_str())
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("payment_intent", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("payment_intent", id))
}

pub fn confirm(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    params::known(
        p,
        &[
            "payment_method",
            "off_session",
            "return_url",
            "setup_future_usage",
            "receipt_email",
            "error_on_requires_action",
        ],
    )?;
    let id = id.unwrap_or("");
    let mut pi = retrieve(ctx, p, Some(id))?;
    if let Some(pm_id) = params::str_opt(p, "payment_method", "payment_method")? {
        let pm = payment_methods::resolve(ctx, pm_id, "payment_method")?;
        pi["payment_method"] = pm["id"].clone();
        save(ctx, &pi);
    }
    let off = params::bool_opt(p, "off_session", "off_session")?.unwrap_or(false);
    confirm_inner(ctx, id, off)
}

pub fn cancel(ctx: &mut Ctx, p: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    params::known(p, &["cancellation_reason"])?;
    let reason = params::enum_opt(
        p,
        "cancellation_reason",
        "cancellation_reason",
        &[
            "duplicate",
            "fraudulent",
            "requested_by_customer",
            "abandoned",
        ],
    )?;
    let old = retrieve(ctx, p, id)?;
    let status = old["status"].as_str().unwrap_or("");
    if ["succeeded", "canceled"].contains(&status) {
        return Err(ApiError::invalid(
            format!("You cannot cancel this PaymentIntent because it has a status of {status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_reauthorization, requires_confirmation, requires_action, processing."),
            "",
        )
        .code("payment_intent_unexpected_state"));
    }
    let mut pi = old.clone();
    pi["status"] = json!("canceled");
    pi["canceled_at"] = json!(ctx.now);
    pi["cancellation_reason"] = json!(reason);
    pi["next_action"] = Value::Null;
    save(ctx, &pi);
    let prev = previous_attributes(&old, &pi);
    ctx.emit("payment_intent.canceled", &pi, prev);
    Ok(pi)
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.push("customer");
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let customer = params::str_opt(p, "customer", "customer")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("payment_intent").iter())
        .into_iter()
        .filter(|o| customer.is_none_or(|c| o["customer"] == c))
        .collect();
    list::page(&items, &q, "/v1/payment_intents", "payment_intent")
}
