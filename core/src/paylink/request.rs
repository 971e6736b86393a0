//! The Stripe side of a pay link: the form bodies Paydesk posts and the parts of Stripe's answers it
//! reads. Kept apart from the bookkeeping in `mod.rs` so the exact parameters sit in one place.

use serde::Deserialize;

use crate::stripe::StripeError;

/// What a new link asks the client to pay, and what Stripe should remember about it.
pub struct NewLink<'a> {
    pub currency: &'a str,
    pub amount_minor: i64,
    /// The product line the client sees on the pay page, e.g. "Invoice INV-2026-0001".
    pub title: &'a str,
    pub business_name: &'a str,
    pub invoice_id: i64,
    pub invoice_number: Option<&'a str>,
    /// The link's own idempotency key, also stored as metadata: it finds the link again when
    /// Stripe has forgotten the key (after 24 hours).
    pub create_key: &'a str,
    pub save_card: bool,
}

pub const METADATA_INVOICE: &str = "paydesk_invoice_id";
pub const METADATA_NUMBER: &str = "paydesk_invoice_number";
pub const METADATA_KEY: &str = "paydesk_link_key";

/// `POST /v1/payment_links`. One line for the whole amount due rather than the invoice's lines:
/// a balance after a partial payment has no lines, and Stripe re-adding tax per line could differ
/// from Paydesk's rounding by a cent. The invoice's PDF carries the detail.
pub fn create_body(link: &NewLink<'_>) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    let item = "line_items[0]";
    form.append_pair(&format!("{item}[quantity]"), "1");
    form.append_pair(
        &format!("{item}[price_data][currency]"),
        &link.currency.to_ascii_lowercase(),
    );
    form.append_pair(
        &format!("{item}[price_data][unit_amount]"),
        &link.amount_minor.to_string(),
    );
    form.append_pair(
        &format!("{item}[price_data][product_data][name]"),
        link.title,
    );
    // Single use: Stripe deactivates the link after one completed payment, so a client can never
    // pay the same balance twice through it.
    form.append_pair("restrictions[completed_sessions][limit]", "1");
    for prefix in ["metadata", "payment_intent_data[metadata]"] {
        form.append_pair(
            &format!("{prefix}[{METADATA_INVOICE}]"),
            &link.invoice_id.to_string(),
        );
        if let Some(number) = link.invoice_number {
            form.append_pair(&format!("{prefix}[{METADATA_NUMBER}]"), number);
        }
        form.append_pair(&format!("{prefix}[{METADATA_KEY}]"), link.create_key);
    }
    form.append_pair("payment_intent_data[description]", link.title);
    form.append_pair("after_completion[type]", "hosted_confirmation");
    let thanks = match link.invoice_number {
        Some(n) => format!(
            "Thank you! {} has received your payment for {n}.",
            link.business_name
        ),
        None => format!(
            "Thank you! {} has received your payment.",
            link.business_name
        ),
    };
    form.append_pair(
        "after_completion[hosted_confirmation][custom_message]",
        &thanks,
    );
    if link.save_card {
        form.append_pair("payment_intent_data[setup_future_usage]", "off_session");
        form.append_pair("customer_creation", "always");
    }
    form.finish()
}

/// `POST /v1/payment_links/{id}` switching a link off.
pub fn deactivate_body() -> String {
    "active=false".to_string()
}

/// The parts of a Payment Link Paydesk keeps.
#[derive(Debug, Clone, Deserialize)]
pub struct StripeLink {
    pub id: String,
    pub url: String,
    #[serde(default)]
    pub metadata: std::collections::HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct LinkList {
    pub data: Vec<StripeLink>,
    pub has_more: bool,
}

pub fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, StripeError> {
    serde_json::from_slice(body).map_err(|e| StripeError::BadResponse {
        detail: format!("a payment link answer Paydesk couldn't read: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(body: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn the_create_body_is_single_use_and_names_the_invoice() {
        let body = create_body(&NewLink {
            currency: "EUR",
            amount_minor: 9798,
            title: "Invoice INV-2026-0001",
            business_name: "Salon Zoë",
            invoice_id: 7,
            invoice_number: Some("INV-2026-0001"),
            create_key: "paydesk-test-abc",
            save_card: false,
        });
        let p = pairs(&body);
        let get = |k: &str| p.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("line_items[0][price_data][currency]"), Some("eur"));
        assert_eq!(get("line_items[0][price_data][unit_amount]"), Some("9798"));
        assert_eq!(get("restrictions[completed_sessions][limit]"), Some("1"));
        assert_eq!(get("metadata[paydesk_invoice_id]"), Some("7"));
        assert_eq!(
            get("payment_intent_data[metadata][paydesk_invoice_number]"),
            Some("INV-2026-0001")
        );
        assert_eq!(
            get("after_completion[hosted_confirmation][custom_message]"),
            Some("Thank you! Salon Zoë has received your payment for INV-2026-0001.")
        );
        assert_eq!(get("customer_creation"), None);
        assert_eq!(get("payment_intent_data[setup_future_usage]"), None);
    }

    #[test]
    fn saving_cards_asks_for_a_customer_and_off_session_use() {
        let body = create_body(&NewLink {
            currency: "JPY",
            amount_minor: 5000,
            title: "Invoice",
            business_name: "B",
            invoice_id: 1,
            invoice_number: None,
            create_key: "k",
            save_card: true,
        });
        let p = pairs(&body);
        assert!(p.contains(&("customer_creation".into(), "always".into())));
        assert!(p.contains(&(
            "payment_intent_data[setup_future_usage]".into(),
            "off_session".into()
        )));
        assert!(!p.iter().any(|(k, _)| k.contains(METADATA_NUMBER)));
    }
}
