//! The hosted pay page of payment links: `GET {base}pay/{plink}` shows a tiny HTML form,
//! `POST {base}pay/{plink}` (`card`, `email`) pays: 4242… succeeds, …0002 is declined,
//! …9995 has insufficient funds, …3155 / …3184 need authentication (the session stays open).

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderValue, Method, Request, Response, StatusCode};
use serde_json::{json, Value};

use crate::auth::Mode;
use crate::cards;
use crate::checkout_sessions;
use crate::payment_intents;
use crate::payment_links;
use crate::payment_methods;
use crate::state::Shared;

/// Why a payment on the pay page did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayError {
    UnknownLink,
    /// The link is deactivated; carries its `inactive_message`.
    Inactive(String),
    InvalidCard,
    /// Declined; carries Stripe's message and the open session id.
    Declined {
        message: String,
        session: String,
    },
    /// 3-D Secure required; the session stays open.
    AuthenticationRequired {
        session: String,
    },
}

impl std::fmt::Display for PayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PayError::UnknownLink => f.write_str("No such payment link."),
            PayError::Inactive(m) => f.write_str(m),
            PayError::InvalidCard => f.write_str("Your card number is invalid."),
            PayError::Declined { message, .. } => f.write_str(message),
            PayError::AuthenticationRequired { .. } => {
                f.write_str("This payment requires authentication.")
            }
        }
    }
}

impl Shared {
    fn find_link(&self, id: &str) -> Option<(Mode, Value)> {
        let mut inner = self.lock();
        for mode in [Mode::Test, Mode::Live] {
            if let Some(l) = inner.world(mode).get("payment_link", id) {
                return Some((mode, l.clone()));
            }
        }
        None
    }

    /// Pays a payment link as a customer would on the hosted page.
    /// Returns the completed Checkout Session.
    pub fn pay(
        &self,
        link_id: &str,
        card_number: &str,
        email: Option<&str>,
    ) -> Result<Value, PayError> {
        let (mode, link) = self.find_link(link_id).ok_or(PayError::UnknownLink)?;
        if link["active"] != true {
            let msg = link["inactive_message"]
                .as_str()
                .unwrap_or("This link is no longer active.");
            return Err(PayError::Inactive(msg.to_string()));
        }
        let card = cards::by_number(card_number).ok_or(PayError::InvalidCard)?;
        self.with_ctx(mode, |ctx| {
            let total: i64 = ctx.world.line_items.get(link_id).map_or(0, |items| {
                items
                    .iter()
                    .map(|i| i["amount_total"].as_i64().unwrap_or(0))
                    .sum()
            });
            let pid = &link["payment_intent_data"];
            let sfu = pid["setup_future_usage"].as_str();
            let customer = if link["customer_creation"] == "always" || sfu.is_some() {
                let mut p = json!({});
                if let Some(e) = email {
                    p["email"] = json!(e);
                }
                crate::customers::create(ctx, &p, None)
                    .ok()
                    .and_then(|c| c["id"].as_str().map(String::from))
            } else {
                None
            };
            let pm = payment_methods::insert_card(ctx, card, email);
            let metadata = if pid["metadata"].is_object() {
                pid["metadata"].clone()
            } else {
                json!({})
            };
            let cur = link["currency"].as_str().unwrap_or("eur").to_string();
            let pi = payment_intents::insert(
                ctx,
                payment_intents::NewIntent {
                    amount: total,
                    currency: &cur,
                    customer: customer.as_deref(),
                    payment_method: pm["id"].as_str(),
                    metadata,
                    description: None,
                    setup_future_usage: sfu,
                },
            );
            let pi_id = pi["id"].as_str().unwrap_or_default().to_string();
            let cs = checkout_sessions::insert_for_link(
                ctx,
                &link,
                total,
                customer.as_deref(),
                email,
                &pi_id,
            );
            let cs_id = cs["id"].as_str().unwrap_or_default().to_string();
            match payment_intents::confirm_inner(ctx, &pi_id, false) {
                Ok(pi) if pi["status"] == "succeeded" => {
                    let done = checkout_sessions::complete(ctx, &cs_id);
                    let mut new = link.clone();
                    if let Some(limit) =
                        link["restrictions"]["completed_sessions"]["limit"].as_i64()
                    {
                        let count = link["restrictions"]["completed_sessions"]["count"]
                            .as_i64()
                            .unwrap_or(0)
                            + 1;
                        new["restrictions"]["completed_sessions"]["count"] = json!(count);
                        if count >= limit {
                            new["active"] = json!(false);
                        }
                    }
                    payment_links::set_link(ctx, new);
                    Ok(done)
                }
                Ok(_) => Err(PayError::AuthenticationRequired { session: cs_id }),
                Err(e) => Err(PayError::Declined {
                    message: e.message,
                    session: cs_id,
                }),
            }
        })
    }
}

fn html(status: StatusCode, body: String) -> Response<Body> {
    let mut r = Response::new(Body::from(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Pay</title></head><body>{body}</body></html>"
    )));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Handles `/pay/{plink}`.
pub async fn handle(shared: Arc<Shared>, req: Request<Body>) -> Response<Body> {
    let id = req
        .uri()
        .path()
        .trim_start_matches("/pay/")
        .trim_end_matches('/')
        .to_string();
    let Some((mode, link)) = shared.find_link(&id) else {
        return html(StatusCode::NOT_FOUND, "<h1>Not found</h1>".into());
    };
    if req.method() == Method::POST {
        let body = to_bytes(req.into_body(), 1 << 16).await.unwrap_or_default();
        let form = crate::form::parse(&String::from_utf8_lossy(&body)).unwrap_or(json!({}));
        let card = form["card"].as_str().unwrap_or("");
        let email = form["email"].as_str().filter(|e| !e.is_empty());
        return match shared.pay(&id, card, email) {
            Ok(cs) => {
                let msg = link["after_completion"]["hosted_confirmation"]["custom_message"]
                    .as_str()
                    .unwrap_or("Thanks for your payment.");
                html(
                    StatusCode::OK,
                    format!(
                        "<h1>Payment succeeded</h1><p>{}</p><p id=\"session\">{}</p>",
                        escape(msg),
                        escape(cs["id"].as_str().unwrap_or(""))
                    ),
                )
            }
            Err(e @ PayError::Inactive(_)) => html(
                StatusCode::GONE,
                format!("<h1>Link inactive</h1><p>{}</p>", escape(&e.to_string())),
            ),
            Err(e @ PayError::InvalidCard) => html(
                StatusCode::BAD_REQUEST,
                format!(
                    "<h1>Payment failed</h1><p id=\"error\">{}</p>",
                    escape(&e.to_string())
                ),
            ),
            Err(e) => html(
                StatusCode::PAYMENT_REQUIRED,
                format!(
                    "<h1>Payment failed</h1><p id=\"error\">{}</p>",
                    escape(&e.to_string())
                ),
            ),
        };
    }
    if link["active"] != true {
        let msg = link["inactive_message"]
            .as_str()
            .unwrap_or("This link is no longer active.");
        return html(
            StatusCode::GONE,
            format!("<h1>Link inactive</h1><p>{}</p>", escape(msg)),
        );
    }
    let items = {
        let mut inner = shared.lock();
        inner
            .world(mode)
            .line_items
            .get(&id)
            .cloned()
            .unwrap_or_default()
    };
    let rows: String = items
        .iter()
        .map(|i| {
            format!(
                "<li>{} × {} — {} {}</li>",
                i["quantity"],
                escape(i["description"].as_str().unwrap_or("")),
                i["amount_total"],
                escape(i["currency"].as_str().unwrap_or(""))
            )
        })
        .collect();
    let mode_note = if mode == Mode::Test {
        "<p><strong>TEST MODE</strong></p>"
    } else {
        ""
    };
    html(
        StatusCode::OK,
        format!(
            "{mode_note}<h1>Pay</h1><ul>{rows}</ul><form method=\"post\"><label>Email <input name=\"email\" type=\"email\"></label><label>Card number <input name=\"card\" value=\"4242 4242 4242 4242\"></label><button type=\"submit\">Pay</button></form>"
        ),
    )
}
