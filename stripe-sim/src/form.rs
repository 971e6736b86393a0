//! Stripe's bracketed form encoding (`a[b][c]=x`, `items[0][price]=p`, `expand[]=x`) to JSON.
//!
//! Leaves stay strings; objects whose keys are all indices become arrays (except under
//! `metadata`, whose keys are free-form).

use serde_json::{Map, Value};

use crate::errors::ApiError;

/// Parses an `application/x-www-form-urlencoded` body or query string.
pub fn parse(input: &str) -> Result<Value, ApiError> {
    let mut root = Map::new();
    for pair in input.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(k);
        let segs = split_key(&key)?;
        insert(&mut root, &segs, decode(v), &key)?;
    }
    Ok(normalize(Value::Object(root), false))
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn split_key(key: &str) -> Result<Vec<String>, ApiError> {
    let Some(open) = key.find('[') else {
        return Ok(vec![key.to_string()]);
    };
    let mut segs = vec![key[..open].to_string()];
    let mut rest = &key[open..];
    while !rest.is_empty() {
        let end = match (rest.starts_with('['), rest.find(']')) {
            (true, Some(end)) => end,
            _ => {
                return Err(ApiError::invalid(
                    format!("Invalid parameter name: {key}"),
                    key,
                ))
            }
        };
        segs.push(rest[1..end].to_string());
        rest = &rest[end + 1..];
    }
    Ok(segs)
}

fn insert(
    map: &mut Map<String, Value>,
    segs: &[String],
    v: String,
    full: &str,
) -> Result<(), ApiError> {
    let key = if segs[0].is_empty() {
        map.len().to_string()
    } else {
        segs[0].clone()
    };
    if segs.len() == 1 {
        if map.get(&key).is_some_and(Value::is_object) {
            return Err(ApiError::invalid(
                format!("Invalid value for {full}: expected a hash"),
                full,
            ));
        }
        map.insert(key, Value::String(v));
        return Ok(());
    }
    let child = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    match child {
        Value::Object(m) => insert(m, &segs[1..], v, full),
        _ => Err(ApiError::invalid(
            format!("Invalid hash given for {full}"),
            full,
        )),
    }
}

fn normalize(v: Value, in_metadata: bool) -> Value {
    match v {
        Value::Object(m) => {
            let is_array =
                !in_metadata && !m.is_empty() && m.keys().all(|k| k.parse::<usize>().is_ok());
            if is_array {
                let mut items: Vec<(usize, Value)> = m
                    .into_iter()
                    .map(|(k, v)| (k.parse().unwrap_or(0), normalize(v, false)))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(
                    m.into_iter()
                        .map(|(k, v)| {
                            let md = k == "metadata";
                            (k, normalize(v, md))
                        })
                        .collect(),
                )
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_arrays_and_push() {
        let v = parse(
            "line_items[0][price]=p1&line_items[1][price_data][unit_amount]=500&expand[]=a&expand[]=b&metadata[0]=x&name=J+D%C3%B6e",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({
                "line_items": [{"price": "p1"}, {"price_data": {"unit_amount": "500"}}],
                "expand": ["a", "b"],
                "metadata": {"0": "x"},
                "name": "J Döe"
            })
        );
    }

    #[test]
    fn conflicting_shapes_are_rejected() {
        assert!(parse("a=1&a[b]=2").is_err());
        assert!(parse("a[b]=2&a=1").is_err());
        assert!(parse("a[b=2").is_err());
    }
}
