//! HTTP front: routing, request ids, counters, faults, auth, permissions, idempotency.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use serde_json::Value;

use crate::auth::{self, Access};
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::faults::Drop;
use crate::idempotency::{self, Begin, Stored};
use crate::ids::new_id;
use crate::state::Shared;
use crate::{
    account, charges, checkout_sessions, control, customers, disputes, events, form, pay_page,
    payment_intents, payment_links, payment_methods, payouts, prices, products, refunds,
    setup_intents,
};

/// Marker in a response's extensions: close the connection instead of answering.
#[derive(Clone, Copy)]
pub struct DropConnection;

type Handler = fn(&mut Ctx, &Value, Option<&str>) -> Result<Value, ApiError>;

struct Route {
    handler: Handler,
    resource: &'static str,
    access: Access,
    id: Option<String>,
}

fn route(method: &Method, path: &str) -> Option<Route> {
    let rest = path.strip_prefix("/v1/")?;
    let segs: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let r = |handler: Handler, resource: &'static str, write: bool, id: Option<&str>| Route {
        handler,
        resource,
        access: if write { Access::Write } else { Access::Read },
        id: id.map(String::from),
    };
    let get = method == Method::GET;
    let post = method == Method::POST;
    let del = method == Method::DELETE;
    Some(match segs.as_slice() {
        ["account"] if get => r(account_get, "account", false, None),
        ["customers"] if post => r(customers::create, "customers", true, None),
        ["customers"] if get => r(customers::list, "customers", false, None),
        ["customers", id] if get => r(customers::retrieve, "customers", false, Some(id)),
        ["customers", id] if post => r(customers::update, "customers", true, Some(id)),
        ["customers", id] if del => r(customers::delete, "customers", true, Some(id)),
        ["products"] if post => r(products::create, "products", true, None),
        ["products"] if get => r(products::list, "products", false, None),
        ["products", id] if get => r(products::retrieve, "products", false, Some(id)),
        ["products", id] if post => r(products::update, "products", true, Some(id)),
        ["prices"] if post => r(prices::create, "prices", true, None),
        ["prices"] if get => r(prices::list, "prices", false, None),
        ["prices", id] if get => r(prices::retrieve, "prices", false, Some(id)),
        ["payment_links"] if post => r(payment_links::create, "payment_links", true, None),
        ["payment_links"] if get => r(payment_links::list, "payment_links", false, None),
        ["payment_links", id] if get => {
            r(payment_links::retrieve, "payment_links", false, Some(id))
        }
        ["payment_links", id] if post => r(payment_links::update, "payment_links", true, Some(id)),
        ["payment_links", id, "line_items"] if get => {
            r(payment_links::line_items, "payment_links", false, Some(id))
        }
        ["customers", id, "payment_methods"] if get => r(
            payment_methods::list_for_customer,
            "payment_methods",
            false,
            Some(id),
        ),
        ["payment_methods"] if get => r(payment_methods::list, "payment_methods", false, None),
        ["payment_methods", id] if get => r(
            payment_methods::retrieve,
            "payment_methods",
            false,
            Some(id),
        ),
        ["payment_methods", id, "attach"] if post => {
            r(payment_methods::attach, "payment_methods", true, Some(id))
        }
        ["payment_methods", id, "detach"] if post => {
            r(payment_methods::detach, "payment_methods", true, Some(id))
        }
        ["payment_intents"] if post => r(payment_intents::create, "payment_intents", true, None),
        ["payment_intents"] if get => r(payment_intents::list, "payment_intents", false, None),
        ["payment_intents", id] if get => r(
            payment_intents::retrieve,
            "payment_intents",
            false,
            Some(id),
        ),
        ["payment_intents", id, "confirm"] if post => {
            r(payment_intents::confirm, "payment_intents", true, Some(id))
        }
        ["payment_intents", id, "cancel"] if post => {
            r(payment_intents::cancel, "payment_intents", true, Some(id))
        }
        ["charges"] if get => r(charges::list, "charges", false, None),
        ["charges", id] if get => r(charges::retrieve, "charges", false, Some(id)),
        ["refunds"] if post => r(refunds::create, "refunds", true, None),
        ["refunds"] if get => r(refunds::list, "refunds", false, None),
        ["refunds", id] if get => r(refunds::retrieve, "refunds", false, Some(id)),
        ["balance_transactions"] if get => r(charges::list_bt, "balance_transactions", false, None),
        ["balance_transactions", id] if get => r(
            charges::retrieve_bt,
            "balance_transactions",
            false,
            Some(id),
        ),
        ["setup_intents"] if post => r(setup_intents::create, "setup_intents", true, None),
        ["setup_intents"] if get => r(setup_intents::list, "setup_intents", false, None),
        ["setup_intents", id] if get => {
            r(setup_intents::retrieve, "setup_intents", false, Some(id))
        }
        ["setup_intents", id, "confirm"] if post => {
            r(setup_intents::confirm, "setup_intents", true, Some(id))
        }
        ["setup_intents", id, "cancel"] if post => {
            r(setup_intents::cancel, "setup_intents", true, Some(id))
        }
        ["checkout", "sessions"] if post => {
            r(checkout_sessions::create, "checkout_sessions", true, None)
        }
        ["checkout", "sessions", id, "expire"] if post => r(
            checkout_sessions::expire,
            "checkout_sessions",
            true,
            Some(id),
        ),
        ["checkout", "sessions"] if get => {
            r(checkout_sessions::list, "checkout_sessions", false, None)
        }
        ["checkout", "sessions", id] if get => r(
            checkout_sessions::retrieve,
            "checkout_sessions",
            false,
            Some(id),
        ),
        ["checkout", "sessions", id, "line_items"] if get => r(
            checkout_sessions::line_items,
            "checkout_sessions",
            false,
            Some(id),
        ),
        ["balance"] if get => r(payouts::balance, "balance", false, None),
        ["payouts"] if get => r(payouts::list, "payouts", false, None),
        ["payouts", id] if get => r(payouts::retrieve, "payouts", false, Some(id)),
        ["disputes"] if get => r(disputes::list, "disputes", false, None),
        ["disputes", id] if get => r(disputes::retrieve, "disputes", false, Some(id)),
        ["disputes", id, "close"] if post => r(disputes::accept, "disputes", true, Some(id)),
        ["events"] if get => r(events_list, "events", false, None),
        ["events", id] if get => r(events_get, "events", false, Some(id)),
        _ => return None,
    })
}

fn account_get(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    crate::params::known(p, &[])?;
    Ok(ctx.account.clone())
}

fn events_list(ctx: &mut Ctx, p: &Value, _: Option<&str>) -> Result<Value, ApiError> {
    events::list_events(ctx.world, ctx.now, p)
}

fn events_get(ctx: &mut Ctx, _: &Value, id: Option<&str>) -> Result<Value, ApiError> {
    events::retrieve_event(ctx.world, ctx.now, id.unwrap_or(""))
}

/// Builds a JSON response with Stripe's headers.
pub fn json_response(
    status: u16,
    body: String,
    request_id: &str,
    extra: &[(&'static str, String)],
) -> Response<Body> {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert("content-type", HeaderValue::from_static("application/json"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("request-id", v);
    }
    for (k, v) in extra {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(*k, v);
        }
    }
    resp
}

fn error_response(
    err: &ApiError,
    request_id: &str,
    extra: &[(&'static str, String)],
) -> Response<Body> {
    let mut headers = extra.to_vec();
    if let Some(r) = err.should_retry {
        headers.push(("stripe-should-retry", r.to_string()));
    }
    json_response(
        err.status,
        err.to_json(request_id).to_string(),
        request_id,
        &headers,
    )
}

/// Entry point for every request.
pub async fn handle(shared: Arc<Shared>, req: Request<Body>) -> Response<Body> {
    let path = req.uri().path().to_string();
    if path.starts_with("/_sim/") {
        return control::handle(shared, req).await;
    }
    if path.starts_with("/pay/") {
        return pay_page::handle(shared, req).await;
    }
    if path.starts_with("/checkout/") {
        return pay_page::handle_session(shared, req).await;
    }
    let request_id = new_id("req");
    let method = req.method().clone();
    let m = method.as_str().to_string();
    let (drop, fault) = {
        let mut inner = shared.lock();
        *inner.counts.entry(path.clone()).or_insert(0) += 1;
        (
            inner.faults.take_drop(&m, &path),
            inner.faults.take_status(&m, &path),
        )
    };
    if drop == Some(Drop::Before) {
        return dropped();
    }
    if let Some(err) = fault {
        return error_response(&err, &request_id, &[]);
    }
    let mut resp = api(&shared, req, &request_id, &path).await;
    if drop == Some(Drop::After) {
        resp.extensions_mut().insert(DropConnection);
    }
    resp
}

fn dropped() -> Response<Body> {
    let mut r = Response::new(Body::empty());
    r.extensions_mut().insert(DropConnection);
    r
}

async fn api(shared: &Shared, req: Request<Body>, request_id: &str, path: &str) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let headers: HeaderMap = parts.headers;
    let method = parts.method;
    let query = parts.uri.query().unwrap_or("").to_string();
    let body = match to_bytes(body, 1 << 20).await {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(_) => String::new(),
    };
    let idem_key = if method == Method::POST {
        headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    } else {
        None
    };
    let mut extra: Vec<(&'static str, String)> = Vec::new();
    if let Some(k) = &idem_key {
        extra.push(("idempotency-key", k.clone()));
    }

    // Authentication, routing, permission, parameters — in Stripe's order.
    let prepared = {
        let inner = shared.lock();
        prepare(
            shared,
            &inner.keys,
            &headers,
            &method,
            path,
            &query,
            &body,
            &inner.api_version,
        )
    };
    let (mode, rt, params, api_version) = match prepared {
        Ok(x) => x,
        Err(e) => return error_response(&e, request_id, &extra),
    };
    extra.push(("stripe-version", api_version.clone()));

    // Idempotency lock.
    let fp = idempotency::fingerprint(method.as_str(), &params);
    if let Some(key) = &idem_key {
        let now = shared.clock.now();
        let begin = idempotency::begin(shared.lock().world(mode), key, path, &fp, now);
        match begin {
            Err(e) => return error_response(&e, request_id, &extra),
            Ok(Begin::Replay(stored)) => {
                extra.push(("idempotent-replayed", "true".into()));
                extra.push(("original-request", stored.request_id.clone()));
                return json_response(stored.status, stored.body, request_id, &extra);
            }
            Ok(Begin::Proceed) => {}
        }
    }

    let delay = shared.lock().faults.take_delay(method.as_str(), path);
    if let Some(ms) = delay {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }

    // Time-driven changes (session expiry) happen before the request sees the world.
    shared.tick();
    let result = {
        let mut guard = shared.lock();
        let inner = &mut *guard;
        let world = match mode {
            auth::Mode::Test => &mut inner.test,
            auth::Mode::Live => &mut inner.live,
        };
        let mut ctx = Ctx {
            world,
            account: &mut inner.account,
            now: shared.clock.now(),
            mode,
            request_id,
            idem_key: idem_key.as_deref(),
            base_url: &shared.base_url,
            api_version: &api_version,
        };
        let result = (rt.handler)(&mut ctx, &params, rt.id.as_deref()).and_then(|mut v| {
            crate::expand::apply(ctx.world, &mut v, &params)?;
            Ok(v)
        });
        let (status, body, store) = match &result {
            Ok(v) => (200, v.to_string(), true),
            // Declines and other errors after execution started are saved; validation is not.
            Err(e) => (e.status, e.to_json(request_id).to_string(), e.status == 402),
        };
        if let Some(key) = &idem_key {
            let stored = store.then(|| Stored {
                status,
                body: body.clone(),
                request_id: request_id.to_string(),
            });
            idempotency::finish(ctx.world, key, stored);
        }
        result.map(|_| body)
    };
    match result {
        Ok(body) => json_response(200, body, request_id, &extra),
        Err(e) => error_response(&e, request_id, &extra),
    }
}

type Prepared = (auth::Mode, Route, Value, String);

#[allow(clippy::too_many_arguments)]
fn prepare(
    shared: &Shared,
    keys: &std::collections::HashMap<String, auth::KeyInfo>,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    query: &str,
    body: &str,
    default_version: &str,
) -> Result<Prepared, ApiError> {
    let (key, info) = auth::authenticate(keys, headers)?;
    if let Some(acct) = headers.get("stripe-account").and_then(|v| v.to_str().ok()) {
        if acct != shared.account_id {
            return Err(ApiError::new(
                403,
                "invalid_request_error",
                format!("The provided key '{}' does not have access to account '{acct}' (or that account does not exist). Application access may have been revoked.", auth::redact(&key)),
            )
            .code("account_invalid"));
        }
    }
    let rt = route(method, path).ok_or_else(|| {
        ApiError::new(
            404,
            "invalid_request_error",
            format!("Unrecognized request URL ({}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.", method.as_str()),
        )
    })?;
    auth::check_permission(&key, &info, rt.resource, rt.access, &shared.account_id)?;
    let raw = if *method == Method::POST { body } else { query };
    let params = form::parse(raw)?;
    let version = headers
        .get("stripe-version")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(default_version)
        .to_string();
    Ok((info.mode, rt, params, version))
}

/// The `account` handler needs the account id known to `Shared`; re-exported for control.
pub fn default_account(id: &str, now: i64) -> Value {
    account::default_account(id, now)
}
