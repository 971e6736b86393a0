//! `GET /v1/account`: the simulated account, configurable by tests.

use serde_json::{json, Value};

/// The default account: German standard account, fully enabled.
pub fn default_account(id: &str, created: i64) -> Value {
    json!({
        "id": id,
        "object": "account",
        "business_profile": {
            "annual_revenue": null, "estimated_worker_count": null, "mcc": "5734",
            "name": "Paydesk Sim GmbH", "product_description": null,
            "support_address": null, "support_email": "support@example.com",
            "support_phone": null, "support_url": null, "url": "https://example.com",
            "minority_owned_business_designation": null
        },
        "business_type": "company",
        "capabilities": { "card_payments": "active", "transfers": "active" },
        "charges_enabled": true,
        "controller": { "type": "account" },
        "country": "DE",
        "created": created,
        "default_currency": "eur",
        "details_submitted": true,
        "email": "owner@example.com",
        "external_accounts": { "object": "list", "data": [], "has_more": false, "url": format!("/v1/accounts/{id}/external_accounts") },
        "future_requirements": requirements_none(),
        "metadata": {},
        "payouts_enabled": true,
        "requirements": requirements_none(),
        "settings": {
            "branding": { "icon": null, "logo": null, "primary_color": null, "secondary_color": null },
            "card_payments": { "decline_on": { "avs_failure": false, "cvc_failure": true }, "statement_descriptor_prefix": "PAYDESK", "statement_descriptor_prefix_kana": null, "statement_descriptor_prefix_kanji": null },
            "dashboard": { "display_name": "Paydesk Sim", "timezone": "Europe/Berlin" },
            "payments": { "statement_descriptor": "PAYDESK SIM", "statement_descriptor_kana": null, "statement_descriptor_kanji": null, "statement_descriptor_prefix_kana": null, "statement_descriptor_prefix_kanji": null },
            "payouts": { "debit_negative_balances": true, "schedule": { "delay_days": 7, "interval": "daily" }, "statement_descriptor": null }
        },
        "tos_acceptance": { "date": created, "ip": "127.0.0.1", "user_agent": null },
        "type": "standard"
    })
}

fn requirements_none() -> Value {
    json!({
        "alternatives": [], "current_deadline": null, "currently_due": [], "disabled_reason": null,
        "errors": [], "eventually_due": [], "past_due": [], "pending_verification": []
    })
}

/// Deep-merges `patch` into `target` (objects merge, everything else replaces).
pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}
