//! An event is only a prompt: fetch its object's *current* state (with what applying it needs
//! expanded), then apply that. Out-of-order and repeated events become harmless.

use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::ledger::objects::{
    self, BalanceTransaction, Charge, CheckoutSession, Customer, Dispute, Event, List,
    PaymentIntent, PaymentMethod, Payout, Refund,
};
use crate::ledger::{self, Applied, Ctx};
use crate::stripe::client::{Method, Repeat};
use crate::stripe::{StripeClient, StripeError};

pub const PI_EXPAND: &str = "expand[]=latest_charge.balance_transaction";
const SESSION_EXPAND: &str = "expand[]=payment_intent.latest_charge.balance_transaction";

/// An object as fetched for applying.
#[derive(Debug, Clone)]
pub enum Fetched {
    Payment {
        pi: Box<PaymentIntent>,
        session: Option<Box<CheckoutSession>>,
    },
    /// A session without a payment (expired, setup mode): only its pay link matters.
    Session(Box<CheckoutSession>),
    Refunds {
        pi: Option<Box<PaymentIntent>>,
        refunds: Vec<Refund>,
    },
    Dispute {
        pi: Option<Box<PaymentIntent>>,
        dispute: Box<Dispute>,
    },
    Payout {
        payout: Box<Payout>,
        members: Option<Vec<BalanceTransaction>>,
    },
    Customer(Box<Customer>),
    PaymentMethod(Box<PaymentMethod>),
    /// A setup-mode session completed: the card the client saved.
    SavedCard {
        session: Box<CheckoutSession>,
        card: Box<PaymentMethod>,
    },
    /// Stripe no longer has it (404).
    Gone(String),
    Ignored(String),
}

pub struct Fetcher<'a> {
    pub client: &'a StripeClient,
}

impl Fetcher<'_> {
    /// GET that reads 404 as `None`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &str,
        what: &str,
    ) -> Result<Option<T>> {
        let response = self
            .client
            .request(Method::GET, path, Some(query), None, Repeat::Safe)
            .await?;
        if response.status == 404 {
            return Ok(None);
        }
        if !response.is_success() {
            return Err(StripeError::from_response(response.status, &response.body, what).into());
        }
        Ok(Some(objects::parse(&response.body, what)?))
    }

    /// Every item of a list endpoint, paging to the end.
    pub async fn all<T: DeserializeOwned + objects::HasId>(
        &self,
        path: &str,
        query: &str,
        what: &str,
    ) -> Result<Vec<T>> {
        let mut out: Vec<T> = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let q = match &after {
                Some(id) => format!("{query}&starting_after={id}"),
                None => query.to_string(),
            };
            let page: List<T> = self.get(path, &q, what).await?.unwrap_or(List {
                data: Vec::new(),
                has_more: false,
            });
            after = page.data.last().map(|x| x.id().to_string());
            let more = page.has_more;
            out.extend(page.data);
            if !more || after.is_none() {
                return Ok(out);
            }
        }
    }

    pub async fn payment_intent(&self, id: &str) -> Result<Option<PaymentIntent>> {
        self.get(
            &format!("/payment_intents/{id}"),
            PI_EXPAND,
            "PaymentIntents (read)",
        )
        .await
    }

    async fn pi_of_charge(&self, charge: &str) -> Result<Option<PaymentIntent>> {
        let ch: Option<Charge> = self
            .get(&format!("/charges/{charge}"), "", "Charges (read)")
            .await?;
        match ch.and_then(|c| c.payment_intent) {
            Some(pi) => self.payment_intent(&pi).await,
            None => Ok(None),
        }
    }

    pub async fn payout_members(&self, payout: &Payout) -> Result<Option<Vec<BalanceTransaction>>> {
        let settled =
            payout.status == "paid" || payout.reconciliation_status.as_deref() == Some("completed");
        if !settled {
            return Ok(None);
        }
        Ok(Some(
            self.all(
                "/balance_transactions",
                &format!("limit=100&payout={}", payout.id),
                "Balance transactions (read)",
            )
            .await?,
        ))
    }

    /// Fetches what `event` is about.
    pub async fn for_event(&self, event: &Event) -> Result<Fetched> {
        let id = event.data.object.id.as_str();
        let kind = event.kind.as_str();
        let gone = || Fetched::Gone(format!("{id} no longer exists at Stripe"));
        Ok(if kind.starts_with("checkout.session.") {
            let Some(cs) = self
                .get::<CheckoutSession>(
                    &format!("/checkout/sessions/{id}"),
                    SESSION_EXPAND,
                    "Checkout Sessions (read)",
                )
                .await?
            else {
                return Ok(gone());
            };
            if let (Some("setup"), Some("complete"), Some(si)) = (
                cs.mode.as_deref(),
                cs.status.as_deref(),
                cs.setup_intent.as_deref(),
            ) {
                let si: Option<objects::SetupIntent> = self
                    .get(
                        &format!("/setup_intents/{si}"),
                        "expand[]=payment_method",
                        "SetupIntents (read)",
                    )
                    .await?;
                if let Some(objects::Expandable::Object(card)) = si.and_then(|si| si.payment_method)
                {
                    return Ok(Fetched::SavedCard {
                        session: Box::new(cs),
                        card,
                    });
                }
            }
            session_fetched(cs)
        } else if kind.starts_with("payment_intent.") {
            match self.payment_intent(id).await? {
                Some(pi) => Fetched::Payment {
                    pi: Box::new(pi),
                    session: None,
                },
                None => gone(),
            }
        } else if kind == "charge.refunded" {
            let refunds: Vec<Refund> = self
                .all(
                    "/refunds",
                    &format!("limit=100&charge={id}&expand[]=data.balance_transaction"),
                    "Refunds (read)",
                )
                .await?;
            let pi = self.pi_of_charge(id).await?.map(Box::new);
            Fetched::Refunds { pi, refunds }
        } else if kind.starts_with("refund.") {
            let Some(refund) = self
                .get::<Refund>(
                    &format!("/refunds/{id}"),
                    "expand[]=balance_transaction",
                    "Refunds (read)",
                )
                .await?
            else {
                return Ok(gone());
            };
            let pi = match (&refund.payment_intent, &refund.charge) {
                (Some(pi), _) => self.payment_intent(pi).await?,
                (None, Some(ch)) => self.pi_of_charge(ch).await?,
                _ => None,
            };
            Fetched::Refunds {
                pi: pi.map(Box::new),
                refunds: vec![refund],
            }
        } else if kind.starts_with("charge.dispute.") {
            let Some(dispute) = self
                .get::<Dispute>(&format!("/disputes/{id}"), "", "Disputes (read)")
                .await?
            else {
                return Ok(gone());
            };
            let pi = match &dispute.payment_intent {
                Some(pi) => self.payment_intent(pi).await?,
                None => self.pi_of_charge(&dispute.charge).await?,
            };
            Fetched::Dispute {
                pi: pi.map(Box::new),
                dispute: Box::new(dispute),
            }
        } else if kind.starts_with("payout.") {
            let Some(payout) = self
                .get::<Payout>(
                    &format!("/payouts/{id}"),
                    "expand[]=balance_transaction",
                    "Payouts (read)",
                )
                .await?
            else {
                return Ok(gone());
            };
            let members = self.payout_members(&payout).await?;
            Fetched::Payout {
                payout: Box::new(payout),
                members,
            }
        } else if kind.starts_with("customer.") {
            match self
                .get::<Customer>(&format!("/customers/{id}"), "", "Customers (read)")
                .await?
            {
                Some(c) => Fetched::Customer(Box::new(c)),
                None => Fetched::Customer(Box::new(Customer {
                    id: id.to_string(),
                    email: None,
                    name: None,
                    deleted: true,
                })),
            }
        } else if kind.starts_with("payment_method.") {
            match self
                .get::<PaymentMethod>(
                    &format!("/payment_methods/{id}"),
                    "",
                    "PaymentMethods (read)",
                )
                .await?
            {
                Some(pm) => Fetched::PaymentMethod(Box::new(pm)),
                None => gone(),
            }
        } else {
            Fetched::Ignored(format!("{kind} isn't used by Paydesk"))
        })
    }
}

/// A session as fetched with its payment expanded.
pub fn session_fetched(mut cs: CheckoutSession) -> Fetched {
    match cs.payment_intent.take() {
        Some(objects::Expandable::Object(pi)) => Fetched::Payment {
            pi,
            session: Some(Box::new(cs)),
        },
        other => {
            cs.payment_intent = other;
            Fetched::Session(Box::new(cs))
        }
    }
}

impl Fetched {
    /// The PaymentIntent applying this brings up to date, if any.
    pub fn payment_intent_id(&self) -> Option<&str> {
        match self {
            Fetched::Payment { pi, .. } => Some(pi.id.as_str()),
            Fetched::Refunds { pi: Some(pi), .. } | Fetched::Dispute { pi: Some(pi), .. } => {
                Some(pi.id.as_str())
            }
            _ => None,
        }
    }
}

/// Applies a fetched object inside the caller's transaction.
pub async fn apply(ctx: &mut Ctx<'_>, fetched: &Fetched) -> Result<Applied> {
    match fetched {
        Fetched::Payment { pi, session } => {
            ledger::apply_payment(ctx, pi, session.as_deref()).await
        }
        Fetched::Session(cs) => {
            if cs.status.as_deref() == Some("complete") {
                if let Some(link) = &cs.payment_link {
                    crate::paylink::mark_used_in(ctx.conn, link, ctx.now).await?;
                }
            }
            Ok(Applied::note(format!(
                "Session {} is {}",
                cs.id,
                cs.status.as_deref().unwrap_or("open")
            )))
        }
        Fetched::Refunds { pi, refunds } => {
            let mut applied = Applied::default();
            if let Some(pi) = pi {
                applied.merge(ledger::apply_payment(ctx, pi, None).await?);
            }
            for r in refunds {
                applied.merge(ledger::apply_refund(ctx, r).await?);
            }
            Ok(applied)
        }
        Fetched::Dispute { pi, dispute } => {
            let mut applied = Applied::default();
            if let Some(pi) = pi {
                applied.merge(ledger::apply_payment(ctx, pi, None).await?);
            }
            applied.merge(ledger::apply_dispute(ctx, dispute).await?);
            Ok(applied)
        }
        Fetched::Payout { payout, members } => {
            ledger::apply_payout(ctx, payout, members.as_deref()).await
        }
        Fetched::Customer(c) => ledger::apply_customer(ctx, c).await,
        Fetched::PaymentMethod(pm) => ledger::apply_payment_method(ctx, pm).await,
        Fetched::SavedCard { session, card } => {
            ledger::card_request::mark_complete(ctx.conn, &session.id, ctx.now).await?;
            let mut applied = ledger::apply_payment_method(ctx, card).await?;
            if let (Some(c), Some(customer)) = (&card.card, &card.customer) {
                let client: Option<(i64, String)> = sqlx::query_as(
                    "SELECT c.id, c.name FROM stripe_customers s JOIN clients c ON c.id = s.client_id
                     WHERE s.id = ?",
                )
                .bind(customer)
                .fetch_optional(&mut *ctx.conn)
                .await?;
                if let Some((_, name)) = client {
                    applied.activity.push(crate::activity::NewActivity::new(
                        crate::activity::ActivityKind::CardSaved,
                        None,
                        format!(
                            "{name} saved a card: {} •••• {}.",
                            c.brand.as_deref().unwrap_or("card"),
                            c.last4.as_deref().unwrap_or("")
                        ),
                    ));
                }
            }
            Ok(applied)
        }
        Fetched::Gone(note) | Fetched::Ignored(note) => Ok(Applied::note(note.clone())),
    }
}
