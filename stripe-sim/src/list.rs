//! Generic list endpoints: newest first, `limit`, `starting_after` / `ending_before`,
//! `created[gt|gte|lt|lte]`, and the `{"object":"list",…}` envelope.

use serde_json::{json, Value};

use crate::errors::ApiError;
use crate::params;

/// A `created`-style range filter.
#[derive(Debug, Default, Clone)]
pub struct Range {
    pub gt: Option<i64>,
    pub gte: Option<i64>,
    pub lt: Option<i64>,
    pub lte: Option<i64>,
}

impl Range {
    pub fn matches(&self, t: i64) -> bool {
        self.gt.is_none_or(|x| t > x)
            && self.gte.is_none_or(|x| t >= x)
            && self.lt.is_none_or(|x| t < x)
            && self.lte.is_none_or(|x| t <= x)
    }
}

/// `created=123` or `created[gte]=…`.
pub fn range_param(p: &Value, key: &str) -> Result<Option<Range>, ApiError> {
    match p.get(key) {
        None => Ok(None),
        Some(Value::String(_)) => {
            let t = params::int_opt(p, key, key)?;
            Ok(Some(Range {
                gte: t,
                lte: t,
                ..Range::default()
            }))
        }
        Some(Value::Object(m)) => {
            let mut r = Range::default();
            for k in m.keys() {
                let param = format!("{key}[{k}]");
                let v = params::int_opt(&p[key], k, &param)?;
                match k.as_str() {
                    "gt" => r.gt = v,
                    "gte" => r.gte = v,
                    "lt" => r.lt = v,
                    "lte" => r.lte = v,
                    _ => return Err(ApiError::unknown_param(&param)),
                }
            }
            Ok(Some(r))
        }
        Some(_) => Err(ApiError::invalid("Invalid timestamp", key)),
    }
}

/// Pagination parameters.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub limit: usize,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
    pub created: Option<Range>,
}

/// Parameters every list accepts.
pub const LIST_PARAMS: &[&str] = &["limit", "starting_after", "ending_before", "created"];

pub fn parse_query(p: &Value) -> Result<ListQuery, ApiError> {
    let limit = params::int_opt(p, "limit", "limit")?.unwrap_or(10);
    if limit < 1 {
        return Err(ApiError::invalid(
            format!("This value must be greater than or equal to 1 (it currently is '{limit}')."),
            "limit",
        ));
    }
    if limit > 100 {
        return Err(ApiError::invalid(
            format!("This value must be less than or equal to 100 (it currently is '{limit}')."),
            "limit",
        ));
    }
    let starting_after = params::str_opt(p, "starting_after", "starting_after")?.map(String::from);
    let ending_before = params::str_opt(p, "ending_before", "ending_before")?.map(String::from);
    if starting_after.is_some() && ending_before.is_some() {
        return Err(ApiError::invalid(
            "You may only specify one of these parameters: ending_before, starting_after.",
            "ending_before",
        ));
    }
    Ok(ListQuery {
        limit: usize::try_from(limit).unwrap_or(10),
        starting_after,
        ending_before,
        created: range_param(p, "created")?,
    })
}

/// Items sorted newest first: by `created` descending, ties newest-inserted first.
pub fn newest_first<'a>(items: impl DoubleEndedIterator<Item = &'a Value>) -> Vec<&'a Value> {
    let mut v: Vec<&Value> = items.rev().collect();
    v.sort_by_key(|o| std::cmp::Reverse(o["created"].as_i64().unwrap_or(0)));
    v
}

/// One page of `items` (already newest first and filtered by anything but `created`).
/// `what` names the object kind in "No such …" errors for unknown cursors.
pub fn page(items: &[&Value], q: &ListQuery, url: &str, what: &str) -> Result<Value, ApiError> {
    let keep = |o: &&&Value| {
        q.created
            .as_ref()
            .is_none_or(|r| r.matches(o["created"].as_i64().unwrap_or(0)))
    };
    let position = |id: &str, param: &str| {
        items
            .iter()
            .position(|o| o["id"] == id)
            .ok_or_else(|| ApiError::no_such_param(what, id, param))
    };
    let (data, has_more): (Vec<&Value>, bool) = if let Some(id) = &q.starting_after {
        let pos = position(id, "starting_after")?;
        let rest: Vec<&Value> = items[pos + 1..].iter().filter(keep).copied().collect();
        (
            rest.iter().take(q.limit).copied().collect(),
            rest.len() > q.limit,
        )
    } else if let Some(id) = &q.ending_before {
        let pos = position(id, "ending_before")?;
        let before: Vec<&Value> = items[..pos].iter().filter(keep).copied().collect();
        let start = before.len().saturating_sub(q.limit);
        (before[start..].to_vec(), start > 0)
    } else {
        let all: Vec<&Value> = items.iter().filter(keep).copied().collect();
        (
            all.iter().take(q.limit).copied().collect(),
            all.len() > q.limit,
        )
    };
    Ok(envelope(data.into_iter().cloned().collect(), has_more, url))
}

/// The list envelope.
pub fn envelope(data: Vec<Value>, has_more: bool, url: &str) -> Value {
    json!({ "object": "list", "data": data, "has_more": has_more, "url": url })
}
