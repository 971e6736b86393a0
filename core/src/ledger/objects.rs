//! The parts of Stripe's objects Paydesk reads, read loosely: every field Paydesk can live without
//! is optional and unknown fields are ignored, so an object rendered by another API version (or a
//! stand-in's trimmed one) still applies. Ids of expandable fields may come as a string or as the
//! expanded object; [`Expandable`] takes both.

use std::collections::HashMap;

use serde::Deserialize;

use crate::stripe::StripeError;

/// A field that is an id, or the object itself when the request asked to expand it.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Expandable<T> {
    Id(String),
    Object(Box<T>),
}

impl<T: HasId> Expandable<T> {
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(o) => o.id(),
        }
    }

    pub fn object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(o) => Some(o),
        }
    }
}

pub trait HasId {
    fn id(&self) -> &str;
}

macro_rules! has_id {
    ($($t:ty),*) => { $(impl HasId for $t { fn id(&self) -> &str { &self.id } })* };
}
has_id!(
    CheckoutSession,
    PaymentIntent,
    Charge,
    BalanceTransaction,
    Refund,
    Dispute,
    Payout,
    Customer,
    PaymentMethod
);

/// An event envelope. `data.object` is only used for its id and `object` type: the object itself
/// is fetched again, in the API version Paydesk pins.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created: i64,
    pub data: EventData,
    /// The event exactly as Stripe sent it, for the local audit log.
    #[serde(skip)]
    pub raw: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: ObjectRef,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObjectRef {
    pub id: String,
    #[serde(default)]
    pub object: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub has_more: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub payment_status: Option<String>,
    #[serde(default)]
    pub payment_link: Option<String>,
    #[serde(default)]
    pub payment_intent: Option<Expandable<PaymentIntent>>,
    /// Setup mode: the SetupIntent that saved the card.
    #[serde(default)]
    pub setup_intent: Option<String>,
    #[serde(default)]
    pub customer: Option<Expandable<Customer>>,
    #[serde(default)]
    pub customer_details: Option<CustomerDetails>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
    #[serde(default)]
    pub amount_total: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub created: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomerDetails {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub amount: i64,
    #[serde(default)]
    pub amount_received: i64,
    pub currency: String,
    pub status: String,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
    #[serde(default)]
    pub latest_charge: Option<Expandable<Charge>>,
    #[serde(default)]
    pub customer: Option<Expandable<Customer>>,
    #[serde(default)]
    pub payment_method: Option<Expandable<PaymentMethod>>,
    #[serde(default)]
    pub setup_future_usage: Option<String>,
    #[serde(default)]
    pub last_payment_error: Option<PaymentError>,
    #[serde(default)]
    pub payment_method_types: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PaymentError {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub decline_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Charge {
    pub id: String,
    #[serde(default)]
    pub amount: i64,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub payment_intent: Option<String>,
    #[serde(default)]
    pub balance_transaction: Option<Expandable<BalanceTransaction>>,
    #[serde(default)]
    pub receipt_url: Option<String>,
    #[serde(default)]
    pub payment_method_details: Option<MethodDetails>,
    #[serde(default)]
    pub billing_details: Option<CustomerDetails>,
    #[serde(default)]
    pub failure_message: Option<String>,
    #[serde(default)]
    pub outcome: Option<ChargeOutcome>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChargeOutcome {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub seller_message: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MethodDetails {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub card: Option<CardDetails>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CardDetails {
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub last4: Option<String>,
    #[serde(default)]
    pub exp_month: Option<i64>,
    #[serde(default)]
    pub exp_year: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BalanceTransaction {
    pub id: String,
    pub amount: i64,
    #[serde(default)]
    pub fee: i64,
    pub net: i64,
    pub currency: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub reporting_category: Option<String>,
    #[serde(default)]
    pub source: Option<serde_json::Value>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub available_on: i64,
}

impl BalanceTransaction {
    /// The id of what moved the money (a charge, a refund, a payout…); `source` may be expanded.
    pub fn source_id(&self) -> Option<String> {
        match &self.source {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Object(o)) => {
                o.get("id").and_then(|v| v.as_str()).map(String::from)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub charge: Option<String>,
    #[serde(default)]
    pub payment_intent: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub failure_reason: Option<String>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
    #[serde(default)]
    pub balance_transaction: Option<Expandable<BalanceTransaction>>,
    #[serde(default)]
    pub created: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Dispute {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    pub charge: String,
    #[serde(default)]
    pub payment_intent: Option<String>,
    #[serde(default)]
    pub balance_transactions: Vec<BalanceTransaction>,
    #[serde(default)]
    pub created: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Payout {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    #[serde(default)]
    pub arrival_date: i64,
    #[serde(default)]
    pub failure_message: Option<String>,
    #[serde(default)]
    pub reconciliation_status: Option<String>,
    #[serde(default)]
    pub balance_transaction: Option<Expandable<BalanceTransaction>>,
    #[serde(default)]
    pub created: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Customer {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub deleted: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub card: Option<CardDetails>,
}

/// A SetupIntent with its card (setup-mode Checkout: "save your card").
#[derive(Debug, Clone, Deserialize)]
pub struct SetupIntent {
    pub id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub payment_method: Option<Expandable<PaymentMethod>>,
}

pub fn parse<T: for<'de> Deserialize<'de>>(body: &[u8], what: &str) -> Result<T, StripeError> {
    serde_json::from_slice(body).map_err(|e| StripeError::BadResponse {
        detail: format!("{what} Paydesk couldn't read: {e}"),
    })
}
