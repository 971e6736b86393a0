//! Refunds: full or partial, by charge or payment intent; `charge.refunded` and `refund.created`.

use serde_json::{json, Value};

use crate::charges::insert_balance_transaction;
use crate::ctx::Ctx;
use crate::currency;
use crate::errors::ApiError;
use crate::events::previous_attributes;
use crate::ids::new_id;
use crate::list::{self, LIST_PARAMS};
use crate::params;

pub fn create(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    params::known(
        p,
        &[
            "charge",
            "payment_intent",
            "amount",
            "reason",
            "metadata",
            "instructions_email",
        ],
    )?;
    let charge_id = match (
        params::str_opt(p, "charge", "charge")?,
        params::str_opt(p, "payment_intent", "payment_intent")?,
    ) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "You may only specify one of these parameters: charge, payment_intent.",
                "charge",
            ))
        }
        (Some(ch), None) => {
            ctx.world
                .get("charge", ch)
                .ok_or_else(|| ApiError::no_such_param("charge", ch, "charge"))?;
            ch.to_string()
        }
        (None, Some(pi_id)) => {
            let pi = ctx.world.get("payment_intent", pi_id).ok_or_else(|| {
                ApiError::no_such_param("payment_intent", pi_id, "payment_intent")
            })?;
            match (pi["status"].as_str(), pi["latest_charge"].as_str()) {
                (Some("succeeded"), Some(ch)) => ch.to_string(),
                _ => {
                    return Err(ApiError::invalid(
                        format!(
                        "This PaymentIntent ({pi_id}) does not have a successful charge to refund."
                    ),
                        "payment_intent",
                    ))
                }
            }
        }
        (None, None) => return Err(ApiError::missing("charge")),
    };
    let old = ctx
        .world
        .get("charge", &charge_id)
        .cloned()
        .unwrap_or(Value::Null);
    if old["status"] != "succeeded" {
        return Err(ApiError::invalid(
            format!("Charge {charge_id} has not succeeded and cannot be refunded."),
            "charge",
        ));
    }
    let captured = old["amount_captured"].as_i64().unwrap_or(0);
    let refunded = old["amount_refunded"].as_i64().unwrap_or(0);
    let cur = old["currency"].as_str().unwrap_or("eur").to_string();
    if refunded >= captured {
        return Err(ApiError::invalid(
            format!("Charge {charge_id} has already been refunded."),
            "charge",
        )
        .code("charge_already_refunded"));
    }
    let amount = params::int_opt(p, "amount", "amount")?.unwrap_or(captured - refunded);
    if amount <= 0 {
        return Err(ApiError::invalid(
            format!("This value must be greater than or equal to 1 (it currently is '{amount}')."),
            "amount",
        ));
    }
    if refunded + amount > captured {
        return Err(ApiError::invalid(
            format!(
                "Refund amount ({}) is greater than unrefunded amount on charge ({})",
                currency::display(amount, &cur),
                currency::display(captured - refunded, &cur)
            ),
            "amount",
        )
        .code("amount_too_large"));
    }
    let reason = params::enum_opt(
        p,
        "reason",
        "reason",
        &["duplicate", "fraudulent", "requested_by_customer"],
    )?;
    let id = new_id("re");
    let txn = insert_balance_transaction(
        ctx,
        -amount,
        0,
        &cur,
        &id,
        "refund",
        Some("REFUND FOR CHARGE"),
    );
    let mut refund = json!({
        "id": id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": txn,
        "charge": charge_id,
        "created": ctx.now,
        "currency": cur,
        "destination_details": { "card": { "reference": null, "reference_status": "pending", "reference_type": "acquirer_reference_number", "type": "refund" }, "type": "card" },
        "metadata": {},
        "payment_intent": old["payment_intent"],
        "reason": reason,
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": "succeeded",
        "transfer_reversal": null,
    });
    if let Some(md) = params::metadata(p, "metadata", "metadata")? {
        params::merge_metadata(&mut refund["metadata"], md);
    }
    ctx.world.insert("refund", refund.clone());
    let mut ch = old.clone();
    ch["amount_refunded"] = json!(refunded + amount);
    ch["refunded"] = json!(refunded + amount == captured);
    if let Some(data) = ch["refunds"]["data"].as_array_mut() {
        data.insert(0, refund.clone());
    }
    if let Some(slot) = ctx.world.get_mut("charge", &charge_id) {
        *slot = ch.clone();
    }
    ctx.emit("refund.created", &refund, None);
    let prev = previous_attributes(&old, &ch);
    ctx.emit("charge.refunded", &ch, prev);
    Ok(refund)
}

pub fn retrieve(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    let id = id.unwrap_or("");
    ctx.world
        .get("refund", id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("refund", id))
}

pub fn list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["charge", "payment_intent"]);
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let ch = params::str_opt(p, "charge", "charge")?;
    let pi = params::str_opt(p, "payment_intent", "payment_intent")?;
    let items: Vec<&Value> = list::newest_first(ctx.world.all("refund").iter())
        .into_iter()
        .filter(|r| {
            ch.is_none_or(|x| r["charge"] == x) && pi.is_none_or(|x| r["payment_intent"] == x)
        })
        .collect();
    list::page(&items, &q, "/v1/refunds", "refund")
}
