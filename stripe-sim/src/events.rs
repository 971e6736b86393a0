//! Events: generated on writes, listed newest first over the last 30 days (sim clock),
//! filterable by `type` (with `*` wildcard), `types[]` and `created`.

use serde_json::{json, Map, Value};

use crate::errors::ApiError;
use crate::ids::new_id;
use crate::list::{self, LIST_PARAMS};
use crate::params;
use crate::state::World;

/// Events older than this are no longer listed or retrievable.
pub const RETENTION_SECS: i64 = 30 * 24 * 3600;

/// A stored event and the time from which it is visible.
#[derive(Debug, Clone)]
pub struct EventRec {
    pub value: Value,
    pub visible_at: i64,
}

/// What the request that caused an event looked like.
pub struct Origin<'a> {
    pub request_id: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    pub livemode: bool,
    pub api_version: &'a str,
    pub now: i64,
}

/// Records an event about `object` and returns its id.
pub fn emit(
    world: &mut World,
    origin: &Origin<'_>,
    typ: &str,
    object: &Value,
    previous: Option<Value>,
) -> String {
    let id = new_id("evt");
    let mut data = Map::new();
    data.insert("object".into(), object.clone());
    if let Some(prev) = previous {
        data.insert("previous_attributes".into(), prev);
    }
    let value = json!({
        "id": id,
        "object": "event",
        "api_version": origin.api_version,
        "created": origin.now,
        "data": data,
        "livemode": origin.livemode,
        "pending_webhooks": 0,
        "request": { "id": origin.request_id, "idempotency_key": origin.idempotency_key },
        "type": typ,
    });
    world.events.push(EventRec {
        value,
        visible_at: origin.now,
    });
    id
}

/// `previous_attributes` for an update: the old values of top-level fields that changed
/// (for hashes such as `metadata`, only the changed keys, `null` for added ones).
pub fn previous_attributes(old: &Value, new: &Value) -> Option<Value> {
    let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
        return None;
    };
    let mut prev = Map::new();
    for (k, nv) in n {
        let ov = o.get(k).cloned().unwrap_or(Value::Null);
        if &ov == nv || k == "updated" {
            continue;
        }
        if let (Some(om), Some(nm)) = (ov.as_object(), nv.as_object()) {
            if k == "metadata" {
                let mut sub = Map::new();
                for key in om.keys().chain(nm.keys()) {
                    if om.get(key) != nm.get(key) {
                        sub.insert(key.clone(), om.get(key).cloned().unwrap_or(Value::Null));
                    }
                }
                prev.insert(k.clone(), Value::Object(sub));
                continue;
            }
        }
        prev.insert(k.clone(), ov);
    }
    (!prev.is_empty()).then_some(Value::Object(prev))
}

/// Whether `typ` matches a `type` filter (`*` matches any rest, e.g. `charge.*`).
pub fn type_matches(pattern: &str, typ: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == typ,
        Some((head, tail)) => {
            typ.len() >= head.len() + tail.len() && typ.starts_with(head) && typ.ends_with(tail)
        }
    }
}

fn visible(world: &World, now: i64) -> impl DoubleEndedIterator<Item = &Value> {
    world
        .events
        .iter()
        .filter(move |e| {
            e.visible_at <= now && e.value["created"].as_i64().unwrap_or(0) >= now - RETENTION_SECS
        })
        .map(|e| &e.value)
}

/// `GET /v1/events`.
pub fn list_events(world: &World, now: i64, p: &Value) -> Result<Value, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["type", "types", "delivery_success"]);
    params::known(p, &allowed)?;
    let q = list::parse_query(p)?;
    let typ = params::str_opt(p, "type", "type")?;
    let types: Option<Vec<String>> = match p.get("types") {
        None => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
        ),
        Some(Value::String(s)) => Some(vec![s.clone()]),
        Some(_) => return Err(ApiError::invalid("Invalid array", "types")),
    };
    if typ.is_some() && types.is_some() {
        return Err(ApiError::invalid(
            "You may only specify one of these parameters: type, types.",
            "types",
        ));
    }
    if let Some(t) = &types {
        if t.len() > 20 {
            return Err(ApiError::invalid(
                format!(
                    "Invalid array: types can contain at most 20 elements, but {} were given.",
                    t.len()
                ),
                "types",
            ));
        }
    }
    let all = list::newest_first(visible(world, now));
    let filtered: Vec<&Value> = all
        .into_iter()
        .filter(|e| {
            let t = e["type"].as_str().unwrap_or("");
            typ.is_none_or(|pat| type_matches(pat, t))
                && types.as_ref().is_none_or(|ts| ts.iter().any(|x| x == t))
        })
        .collect();
    list::page(&filtered, &q, "/v1/events", "event")
}

/// `GET /v1/events/{id}`.
pub fn retrieve_event(world: &World, now: i64, id: &str) -> Result<Value, ApiError> {
    visible(world, now)
        .find(|e| e["id"] == id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("event", id))
}

/// Hides an event until `now + seconds` (its `created` stays), so it shows up after newer ones.
pub fn delay_visibility(world: &mut World, id: &str, until: i64) -> bool {
    match world.events.iter_mut().find(|e| e.value["id"] == id) {
        Some(e) => {
            e.visible_at = until;
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(type_matches("charge.*", "charge.refunded"));
        assert!(type_matches("charge.*", "charge.dispute.created"));
        assert!(!type_matches("charge.*", "customer.created"));
        assert!(type_matches("customer.created", "customer.created"));
        assert!(!type_matches("customer.created", "customer.created.x"));
    }

    #[test]
    fn previous_attributes_diff() {
        let old = json!({"active": true, "metadata": {"a": "1", "b": "2"}, "x": 1});
        let new = json!({"active": false, "metadata": {"a": "1", "c": "3"}, "x": 1});
        assert_eq!(
            previous_attributes(&old, &new).unwrap(),
            json!({"active": true, "metadata": {"b": "2", "c": null}})
        );
    }
}
