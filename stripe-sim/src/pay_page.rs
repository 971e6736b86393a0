//! The hosted pay page of payment links: `GET {base}pay/{plink}` shows a tiny HTML form,
//! `POST {base}pay/{plink}` (`card`, `email`) pays: 4242… succeeds, …0002 is declined,
//! …9995 has insufficient funds, …3155 / …3184 need authentication (the session stays open).
//! `method=sepa_debit` pays by SEPA Direct Debit (EUR only): the session completes with
//! `payment_status=unpaid`, the PaymentIntent stays `processing` until
//! [`Shared::settle_bank_debits`] (no automatic settlement: tests decide the outcome).
//! API-created Checkout Sessions have the same page at `{base}checkout/{cs_id}`.

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
use crate::setup_intents;
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
    /// No Checkout Session with this id (or one created by a payment link).
    UnknownSession,
    /// The session is `complete` or `expired`; carries its status.
    SessionNotOpen(String),
    /// The chosen payment method cannot be used here (bank debit in setup mode or not in EUR).
    Unsupported,
}

/// How the customer pays on the hosted page.
#[derive(Debug, Clone, Copy)]
pub enum Instrument {
    Card(&'static cards::TestCard),
    /// SEPA Direct Debit: completes the session unpaid, settles later.
    SepaDebit,
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
            PayError::UnknownSession => f.write_str("No such checkout session."),
            PayError::SessionNotOpen(s) => write!(f, "This checkout session is {s}."),
            PayError::Unsupported => f.write_str("This payment method is not available here."),
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
        self.pay_link_with(mode, &link, Instrument::Card(card), email)
    }

    /// Pays a payment link by SEPA Direct Debit: the session completes `unpaid`, the
    /// PaymentIntent is `processing` until [`Shared::settle_bank_debits`].
    pub fn pay_link_bank_debit(
        &self,
        link_id: &str,
        email: Option<&str>,
    ) -> Result<Value, PayError> {
        let (mode, link) = self.find_link(link_id).ok_or(PayError::UnknownLink)?;
        if link["active"] != true {
            let msg = link["inactive_message"]
                .as_str()
                .unwrap_or("This link is no longer active.");
            return Err(PayError::Inactive(msg.to_string()));
        }
        self.pay_link_with(mode, &link, Instrument::SepaDebit, email)
    }

    fn pay_link_with(
        &self,
        mode: Mode,
        link: &Value,
        inst: Instrument,
        email: Option<&str>,
    ) -> Result<Value, PayError> {
        let link_id = link["id"].as_str().unwrap_or_default();
        if matches!(inst, Instrument::SepaDebit) && link["currency"] != "eur" {
            return Err(PayError::Unsupported);
        }
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
            let pm = match inst {
                Instrument::Card(card) => payment_methods::insert_card(ctx, card, email),
                Instrument::SepaDebit => payment_methods::insert_sepa_debit(ctx, email),
            };
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
                link,
                total,
                customer.as_deref(),
                email,
                &pi_id,
            );
            let cs_id = cs["id"].as_str().unwrap_or_default().to_string();
            if let Instrument::SepaDebit = inst {
                payment_intents::start_processing(ctx, &pi_id);
                let done = checkout_sessions::complete(ctx, &cs_id, "unpaid");
                count_completion(ctx, link);
                return Ok(done);
            }
            match payment_intents::confirm_inner(ctx, &pi_id, false) {
                Ok(pi) if pi["status"] == "succeeded" => {
                    let done = checkout_sessions::complete(ctx, &cs_id, "paid");
                    count_completion(ctx, link);
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

    /// Pays a Checkout Session created by the API on its hosted page (`{base}checkout/{id}`).
    /// Payment mode: card or SEPA Direct Debit; setup mode: card (creates a SetupIntent).
    pub fn pay_session(
        &self,
        cs_id: &str,
        inst: Instrument,
        email: Option<&str>,
    ) -> Result<Value, PayError> {
        let mode = self
            .mode_of("checkout_session", cs_id)
            .ok_or(PayError::UnknownSession)?;
        self.tick();
        self.with_ctx(mode, |ctx| {
            let mut cs = ctx
                .world
                .get("checkout_session", cs_id)
                .cloned()
                .ok_or(PayError::UnknownSession)?;
            if !cs["payment_link"].is_null() {
                return Err(PayError::UnknownSession);
            }
            if cs["status"] != "open" {
                return Err(PayError::SessionNotOpen(
                    cs["status"].as_str().unwrap_or("").to_string(),
                ));
            }
            let setup = cs["mode"] == "setup";
            // SEPA Direct Debit: EUR only, and not offered for saving a method in setup mode here.
            if matches!(inst, Instrument::SepaDebit) && (setup || cs["currency"] != "eur") {
                return Err(PayError::Unsupported);
            }
            let data = ctx
                .world
                .session_data
                .get(cs_id)
                .cloned()
                .unwrap_or(json!({}));
            let email: Option<String> = email
                .map(String::from)
                .or_else(|| cs["customer_email"].as_str().map(String::from));
            let sfu = data["setup_future_usage"].as_str().map(String::from);
            let customer = match cs["customer"].as_str() {
                Some(c) => Some(c.to_string()),
                None if cs["customer_creation"] == "always" || sfu.is_some() => {
                    let mut p = json!({});
                    if let Some(e) = &email {
                        p["email"] = json!(e);
                    }
                    crate::customers::create(ctx, &p, None)
                        .ok()
                        .and_then(|c| c["id"].as_str().map(String::from))
                }
                None => None,
            };
            let pm = match inst {
                Instrument::Card(card) => payment_methods::insert_card(ctx, card, email.as_deref()),
                Instrument::SepaDebit => payment_methods::insert_sepa_debit(ctx, email.as_deref()),
            };
            let metadata = if data["metadata"].is_object() {
                data["metadata"].clone()
            } else {
                json!({})
            };
            cs["customer"] = json!(customer);
            cs["customer_details"] = checkout_sessions::customer_details(email.as_deref());
            if setup {
                let si = setup_intents::insert(
                    ctx,
                    customer.as_deref(),
                    pm["id"].as_str(),
                    "off_session",
                    metadata,
                    data["description"].as_str(),
                );
                let si_id = si["id"].as_str().unwrap_or_default().to_string();
                cs["setup_intent"] = json!(si_id);
                checkout_sessions::save(ctx, &cs);
                return match setup_intents::confirm_inner(ctx, &si_id) {
                    Ok(si) if si["status"] == "succeeded" => Ok(checkout_sessions::complete(
                        ctx,
                        cs_id,
                        "no_payment_required",
                    )),
                    Ok(_) => Err(PayError::AuthenticationRequired {
                        session: cs_id.to_string(),
                    }),
                    Err(e) => Err(PayError::Declined {
                        message: e.message,
                        session: cs_id.to_string(),
                    }),
                };
            }
            let cur = cs["currency"].as_str().unwrap_or("eur").to_string();
            let pi = payment_intents::insert(
                ctx,
                payment_intents::NewIntent {
                    amount: cs["amount_total"].as_i64().unwrap_or(0),
                    currency: &cur,
                    customer: customer.as_deref(),
                    payment_method: pm["id"].as_str(),
                    metadata,
                    description: data["description"].as_str(),
                    setup_future_usage: sfu.as_deref(),
                },
            );
            let pi_id = pi["id"].as_str().unwrap_or_default().to_string();
            cs["payment_intent"] = json!(pi_id);
            checkout_sessions::save(ctx, &cs);
            if let Instrument::SepaDebit = inst {
                payment_intents::start_processing(ctx, &pi_id);
                return Ok(checkout_sessions::complete(ctx, cs_id, "unpaid"));
            }
            match payment_intents::confirm_inner(ctx, &pi_id, false) {
                Ok(pi) if pi["status"] == "succeeded" => {
                    Ok(checkout_sessions::complete(ctx, cs_id, "paid"))
                }
                Ok(_) => Err(PayError::AuthenticationRequired {
                    session: cs_id.to_string(),
                }),
                Err(e) => Err(PayError::Declined {
                    message: e.message,
                    session: cs_id.to_string(),
                }),
            }
        })
    }

    /// Settles every `processing` bank debit (both modes): success gives `charge.succeeded`,
    /// `payment_intent.succeeded`, `checkout.session.async_payment_succeeded` (session `paid`);
    /// failure gives `charge.failed`, `payment_intent.payment_failed`,
    /// `checkout.session.async_payment_failed`. Returns the settled PaymentIntents.
    pub fn settle_bank_debits(&self, succeed: bool) -> Vec<Value> {
        let mut out = Vec::new();
        for mode in [Mode::Test, Mode::Live] {
            self.with_ctx(mode, |ctx| {
                let ids: Vec<String> = ctx
                    .world
                    .all("payment_intent")
                    .iter()
                    .filter(|pi| pi["status"] == "processing")
                    .filter_map(|pi| pi["id"].as_str().map(String::from))
                    .collect();
                for id in ids {
                    let pi = payment_intents::settle(ctx, &id, succeed);
                    let cs = ctx
                        .world
                        .all("checkout_session")
                        .iter()
                        .find(|cs| cs["payment_intent"] == id.as_str())
                        .cloned();
                    if let Some(mut cs) = cs {
                        if succeed {
                            cs["payment_status"] = json!("paid");
                            checkout_sessions::save(ctx, &cs);
                            ctx.emit("checkout.session.async_payment_succeeded", &cs, None);
                        } else {
                            ctx.emit("checkout.session.async_payment_failed", &cs, None);
                        }
                    }
                    out.push(pi);
                }
            });
        }
        out
    }

    /// Applies what the passing of (sim) time does: expires Checkout Sessions past `expires_at`.
    pub fn tick(&self) {
        for mode in [Mode::Test, Mode::Live] {
            self.with_ctx(mode, checkout_sessions::expire_due);
        }
    }
}

/// Counts a completed session against the link's `restrictions` (deactivating it at the limit).
fn count_completion(ctx: &mut crate::ctx::Ctx, link: &Value) {
    let mut new = link.clone();
    if let Some(limit) = link["restrictions"]["completed_sessions"]["limit"].as_i64() {
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
        let result = if form["method"] == "sepa_debit" {
            shared.pay_link_bank_debit(&id, email)
        } else {
            shared.pay(&id, card, email)
        };
        let msg = link["after_completion"]["hosted_confirmation"]["custom_message"]
            .as_str()
            .unwrap_or("Thanks for your payment.");
        return result_page(result, msg);
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
    form_page(mode, &items, link["currency"] == "eur")
}

/// The page shown after paying.
fn result_page(result: Result<Value, PayError>, msg: &str) -> Response<Body> {
    match result {
        Ok(cs) => {
            let title = if cs["payment_status"] == "unpaid" {
                "Payment processing"
            } else {
                "Payment succeeded"
            };
            html(
                StatusCode::OK,
                format!(
                    "<h1>{title}</h1><p>{}</p><p id=\"session\">{}</p>",
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
    }
}

/// The payment form: line items, email, card, and (payment mode) a SEPA bank debit choice.
fn form_page(mode: Mode, items: &[Value], bank_debit: bool) -> Response<Body> {
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
    let sepa = if bank_debit {
        "<button type=\"submit\" name=\"method\" value=\"sepa_debit\">Pay by bank debit (SEPA)</button>"
    } else {
        ""
    };
    html(
        StatusCode::OK,
        format!(
            "{mode_note}<h1>Pay</h1><ul>{rows}</ul><form method=\"post\"><label>Email <input name=\"email\" type=\"email\"></label><label>Card number <input name=\"card\" value=\"4242 4242 4242 4242\"></label><button type=\"submit\" name=\"method\" value=\"card\">Pay</button>{sepa}</form>"
        ),
    )
}

/// Handles `/checkout/{cs_id}`: the hosted page of a Checkout Session created by the API.
pub async fn handle_session(shared: Arc<Shared>, req: Request<Body>) -> Response<Body> {
    let id = req
        .uri()
        .path()
        .trim_start_matches("/checkout/")
        .trim_end_matches('/')
        .to_string();
    shared.tick();
    let Some(mode) = shared.mode_of("checkout_session", &id) else {
        return html(StatusCode::NOT_FOUND, "<h1>Not found</h1>".into());
    };
    if req.method() == Method::POST {
        let body = to_bytes(req.into_body(), 1 << 16).await.unwrap_or_default();
        let form = crate::form::parse(&String::from_utf8_lossy(&body)).unwrap_or(json!({}));
        let email = form["email"].as_str().filter(|e| !e.is_empty());
        let inst = if form["method"] == "sepa_debit" {
            Instrument::SepaDebit
        } else {
            match cards::by_number(form["card"].as_str().unwrap_or("")) {
                Some(c) => Instrument::Card(c),
                None => return result_page(Err(PayError::InvalidCard), ""),
            }
        };
        return result_page(shared.pay_session(&id, inst, email), "Thanks.");
    }
    let (cs, items) = {
        let mut inner = shared.lock();
        let w = inner.world(mode);
        (
            w.get("checkout_session", &id).cloned().unwrap_or_default(),
            w.line_items.get(&id).cloned().unwrap_or_default(),
        )
    };
    if cs["status"] != "open" || !cs["payment_link"].is_null() {
        return html(
            StatusCode::GONE,
            format!(
                "<h1>Session {}</h1>",
                escape(cs["status"].as_str().unwrap_or(""))
            ),
        );
    }
    form_page(
        mode,
        &items,
        cs["mode"] == "payment" && cs["currency"] == "eur",
    )
}
