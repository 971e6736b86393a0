//! Typed access to parsed request parameters, with Stripe's validation messages.

use serde_json::{Map, Value};

use crate::errors::ApiError;

/// Rejects top-level parameters the endpoint does not know (`expand` is always allowed).
pub fn known(p: &Value, allowed: &[&str]) -> Result<(), ApiError> {
    if let Some(m) = p.as_object() {
        for k in m.keys() {
            if k != "expand" && !allowed.contains(&k.as_str()) {
                return Err(ApiError::unknown_param(k));
            }
        }
    }
    Ok(())
}

/// A string parameter, if present.
pub fn str_opt<'a>(p: &'a Value, key: &str, param: &str) -> Result<Option<&'a str>, ApiError> {
    match p.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid(
            format!("Invalid string: {param} must be a string"),
            param,
        )),
    }
}

/// A required, non-empty string parameter.
pub fn str_req<'a>(p: &'a Value, key: &str, param: &str) -> Result<&'a str, ApiError> {
    match str_opt(p, key, param)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(ApiError::missing(param)),
    }
}

/// An integer parameter (`Invalid integer: 12.5`).
pub fn int_opt(p: &Value, key: &str, param: &str) -> Result<Option<i64>, ApiError> {
    match str_opt(p, key, param)? {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::invalid(format!("Invalid integer: {s}"), param)),
    }
}

/// A boolean parameter (`Invalid boolean: yes`).
pub fn bool_opt(p: &Value, key: &str, param: &str) -> Result<Option<bool>, ApiError> {
    match str_opt(p, key, param)? {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(s) => Err(ApiError::invalid(format!("Invalid boolean: {s}"), param)),
    }
}

/// One of a fixed set of strings.
pub fn enum_opt<'a>(
    p: &'a Value,
    key: &str,
    param: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, ApiError> {
    match str_opt(p, key, param)? {
        None => Ok(None),
        Some(s) if allowed.contains(&s) => Ok(Some(s)),
        Some(s) => Err(ApiError::invalid(
            format!("Invalid {param}: must be one of {}", allowed.join(", ")),
            param,
        )
        .code("parameter_invalid_string")
        .extra("value", Value::String(s.to_string()))),
    }
}

/// `metadata[...]` as a map of strings (50 keys, keys ≤ 40 chars, values ≤ 500 chars).
/// An empty-string value means "unset" on updates; `metadata=` clears everything.
pub fn metadata(p: &Value, key: &str, param: &str) -> Result<Option<Map<String, Value>>, ApiError> {
    match p.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(Some(Map::new())),
        Some(Value::Object(m)) => {
            if m.len() > 50 {
                return Err(ApiError::invalid(
                    "Invalid metadata: metadata cannot have more than 50 keys",
                    param,
                ));
            }
            for (k, v) in m {
                let Value::String(v) = v else {
                    return Err(ApiError::invalid(
                        format!("Invalid value for metadata key '{k}': must be a string"),
                        &format!("{param}[{k}]"),
                    ));
                };
                if k.chars().count() > 40 {
                    return Err(ApiError::invalid(
                        format!(
                            "Metadata keys can have up to 40 characters; key '{k}' is too long."
                        ),
                        &format!("{param}[{k}]"),
                    ));
                }
                if v.chars().count() > 500 {
                    return Err(ApiError::invalid(
                        format!("Metadata values can have up to 500 characters, but you passed in a value that is {} characters.", v.chars().count()),
                        &format!("{param}[{k}]"),
                    ));
                }
            }
            Ok(Some(m.clone()))
        }
        Some(_) => Err(ApiError::invalid("Invalid hash", param)),
    }
}

/// Applies a metadata update: empty values remove keys, an empty map clears.
pub fn merge_metadata(current: &mut Value, update: Map<String, Value>) {
    if update.is_empty() {
        *current = Value::Object(Map::new());
        return;
    }
    if !current.is_object() {
        *current = Value::Object(Map::new());
    }
    if let Value::Object(cur) = current {
        for (k, v) in update {
            if v.as_str() == Some("") {
                cur.remove(&k);
            } else {
                cur.insert(k, v);
            }
        }
    }
}

/// Array parameter items (`a[0][...]`), or an error naming the parameter.
pub fn array_opt<'a>(p: &'a Value, key: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
    match p.get(key) {
        None => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(_) => Err(ApiError::invalid("Invalid array", key)),
    }
}
