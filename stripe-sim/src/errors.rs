//! Stripe's error envelope: `{"error":{"type","code","message","param","doc_url"}}`.

use serde_json::{json, Map, Value};

/// An API error, rendered the way Stripe renders it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub kind: &'static str,
    pub code: Option<String>,
    pub message: String,
    pub param: Option<String>,
    /// Extra fields inside `error` (e.g. `decline_code`, `payment_intent`).
    pub extra: Map<String, Value>,
    /// Value of the `Stripe-Should-Retry` header, when Stripe would send one.
    pub should_retry: Option<bool>,
}

impl ApiError {
    pub fn new(status: u16, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            code: None,
            message: message.into(),
            param: None,
            extra: Map::new(),
            should_retry: None,
        }
    }

    /// 400 `invalid_request_error` about one parameter.
    pub fn invalid(message: impl Into<String>, param: &str) -> Self {
        Self::new(400, "invalid_request_error", message).param(param)
    }

    /// 400 `parameter_missing`.
    pub fn missing(param: &str) -> Self {
        Self::invalid(format!("Missing required param: {param}."), param).code("parameter_missing")
    }

    /// 400 `parameter_unknown`.
    pub fn unknown_param(param: &str) -> Self {
        Self::invalid(format!("Received unknown parameter: {param}"), param)
            .code("parameter_unknown")
    }

    /// 400 `resource_missing` for an id given as a parameter.
    pub fn no_such_param(what: &str, id: &str, param: &str) -> Self {
        Self::invalid(format!("No such {what}: '{id}'"), param).code("resource_missing")
    }

    /// 404 `resource_missing` for an id in the URL path.
    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            404,
            "invalid_request_error",
            format!("No such {what}: '{id}'"),
        )
        .param("id")
        .code("resource_missing")
    }

    pub fn code(mut self, code: &str) -> Self {
        self.code = Some(code.to_string());
        self
    }

    pub fn param(mut self, param: &str) -> Self {
        self.param = (!param.is_empty()).then(|| param.to_string());
        self
    }

    pub fn extra(mut self, key: &str, value: Value) -> Self {
        self.extra.insert(key.to_string(), value);
        self
    }

    pub fn retry(mut self, should_retry: bool) -> Self {
        self.should_retry = Some(should_retry);
        self
    }

    /// The JSON body.
    pub fn to_json(&self, request_id: &str) -> Value {
        let mut err = Map::new();
        err.insert("type".into(), json!(self.kind));
        err.insert("message".into(), json!(self.message));
        if let Some(code) = &self.code {
            err.insert("code".into(), json!(code));
            err.insert(
                "doc_url".into(),
                json!(format!(
                    "https://stripe.com/docs/error-codes/{}",
                    code.replace('_', "-")
                )),
            );
        }
        if let Some(param) = &self.param {
            err.insert("param".into(), json!(param));
        }
        err.insert(
            "request_log_url".into(),
            json!(format!(
                "https://dashboard.stripe.com/test/logs/{request_id}"
            )),
        );
        for (k, v) in &self.extra {
            err.insert(k.clone(), v.clone());
        }
        json!({ "error": err })
    }
}
