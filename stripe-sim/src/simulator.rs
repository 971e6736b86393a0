//! The [`Simulator`] handle: starts the server on a tokio task and mirrors the control API.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::auth::{Access, KeyInfo, Mode};
use crate::clock::Clock;
use crate::faults::{Fault, FaultState};
use crate::ids::random_alnum;
use crate::pay_page::{Instrument, PayError};
use crate::server::{self, DropConnection};
use crate::state::{Inner, Shared, World};

/// A running simulator. Dropping it (or [`Simulator::shutdown`]) stops the server.
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

impl Simulator {
    /// Binds `127.0.0.1:0` and serves on a tokio task.
    pub async fn start() -> Self {
        Self::start_on(0).await.expect("bind 127.0.0.1:0")
    }

    /// Binds `127.0.0.1:port` (0 = any free port).
    pub async fn start_on(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let clock = Clock::default();
        let now = clock.now();
        let account_id = format!("acct_1Sim{}", random_alnum(12));
        let acct = account_id.trim_start_matches("acct_").to_string();
        let secret = |m: &str| format!("sk_{m}_5{acct}{}", random_alnum(98 - acct.len()));
        let (secret_test, secret_live) = (secret("test"), secret("live"));
        let mut keys = HashMap::new();
        for (k, mode) in [(&secret_test, Mode::Test), (&secret_live, Mode::Live)] {
            keys.insert(
                k.clone(),
                KeyInfo {
                    mode,
                    restricted: None,
                    revoked: false,
                },
            );
        }
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                test: World::default(),
                live: World::default(),
                keys,
                account: server::default_account(&account_id, now),
                faults: FaultState::default(),
                counts: HashMap::new(),
                api_version: crate::DEFAULT_API_VERSION.to_string(),
            }),
            clock,
            base_url: format!("http://{addr}/"),
            account_id,
            secret_test,
            secret_live,
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, shared.clone(), stopped));
        Ok(Self {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT/` (with the trailing slash async-stripe's `ClientBuilder::url` wants).
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The seeded secret key of a mode (`sk_test_51…`, 107 characters).
    pub fn secret_key(&self, mode: Mode) -> String {
        match mode {
            Mode::Test => self.shared.secret_test.clone(),
            Mode::Live => self.shared.secret_live.clone(),
        }
    }

    /// The simulated account's id (`acct_1Sim…`).
    pub fn account_id(&self) -> String {
        self.shared.account_id.clone()
    }

    /// Registers `key` (`rk_test_…` / `rk_live_…`) with access per resource, e.g.
    /// `[("payment_links", Access::Write), ("events", Access::Read)]`. Resources not named get none.
    ///
    /// # Panics
    /// On a malformed key or an unknown resource name.
    pub fn add_restricted_key(&self, key: &str, perms: &[(&str, Access)]) {
        let map = perms.iter().map(|(r, a)| ((*r).to_string(), *a)).collect();
        if let Err(e) = self.shared.add_restricted_key(key, map) {
            panic!("add_restricted_key: {e}");
        }
    }

    /// Creates and registers a fresh restricted key for `mode` and returns it.
    pub fn new_restricted_key(&self, mode: Mode, perms: &[(&str, Access)]) -> String {
        let key = self.shared.fresh_restricted_key(mode);
        self.add_restricted_key(&key, perms);
        key
    }

    /// Revokes a key: later requests with it get 401. Returns whether the key was known.
    pub fn revoke_key(&self, key: &str) -> bool {
        self.shared.revoke_key(key)
    }

    /// Deep-merges `patch` into the account object (e.g. `{"payouts_enabled": false,
    /// "requirements": {"currently_due": ["external_account"]}}`) and returns the result.
    pub fn set_account(&self, patch: Value) -> Value {
        self.shared.patch_account(&patch)
    }

    /// Adds a fault rule.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared.lock().faults.add(fault);
    }

    /// Removes all fault rules.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Current simulated time (unix seconds).
    pub fn now(&self) -> i64 {
        self.shared.clock.now()
    }

    /// Moves the simulated clock forward; returns the new time.
    /// Checkout Sessions whose `expires_at` has passed expire (`checkout.session.expired`).
    pub fn advance_clock(&self, seconds: i64) -> i64 {
        let now = self.shared.clock.advance(seconds);
        self.shared.tick();
        now
    }

    /// Hides an event until the clock has moved `seconds` past now (its `created` is kept).
    pub fn delay_event(&self, event_id: &str, seconds: i64) -> bool {
        self.shared.delay_event(event_id, seconds)
    }

    /// Number of API requests made to `path` (e.g. `/v1/events`), any method, any key.
    pub fn request_count(&self, path: &str) -> u64 {
        self.shared.request_count(path)
    }

    /// All request counters by path.
    pub fn request_counts(&self) -> HashMap<String, u64> {
        self.shared.lock().counts.clone()
    }

    pub fn reset_request_counts(&self) {
        self.shared.lock().counts.clear();
    }

    /// Pays a payment link (id `plink_…` or its `url`) as a customer on the hosted page would:
    /// card `4242424242424242` succeeds, `…0002` is declined, `…9995` has insufficient funds,
    /// `…3155`/`…3184` need authentication. Returns the completed Checkout Session.
    pub fn pay_link(
        &self,
        link: &str,
        card_number: &str,
        email: Option<&str>,
    ) -> Result<Value, PayError> {
        let id = link.rsplit('/').next().unwrap_or(link);
        self.shared.pay(id, card_number, email)
    }

    /// Pays a payment link by SEPA Direct Debit on the hosted page: the session completes with
    /// `payment_status=unpaid`, its PaymentIntent is `processing` until [`Self::settle_bank_debits`].
    pub fn pay_link_bank_debit(&self, link: &str, email: Option<&str>) -> Result<Value, PayError> {
        let id = link.rsplit('/').next().unwrap_or(link);
        self.shared.pay_link_bank_debit(id, email)
    }

    /// Pays a Checkout Session created by the API (id `cs_…` or its `url`) with a test card
    /// number. Setup mode creates a succeeded SetupIntent and attaches the card.
    pub fn pay_session(
        &self,
        session: &str,
        card_number: &str,
        email: Option<&str>,
    ) -> Result<Value, PayError> {
        let id = session.rsplit('/').next().unwrap_or(session);
        let card = crate::cards::by_number(card_number).ok_or(PayError::InvalidCard)?;
        self.shared.pay_session(id, Instrument::Card(card), email)
    }

    /// Pays a payment-mode Checkout Session by SEPA Direct Debit (completes `unpaid`).
    pub fn pay_session_bank_debit(
        &self,
        session: &str,
        email: Option<&str>,
    ) -> Result<Value, PayError> {
        let id = session.rsplit('/').next().unwrap_or(session);
        self.shared.pay_session(id, Instrument::SepaDebit, email)
    }

    /// Settles every bank debit still `processing`: on success `payment_intent.succeeded` and
    /// `checkout.session.async_payment_succeeded` (charge with the EUR 0.35 SEPA fee); otherwise
    /// `payment_intent.payment_failed` and `checkout.session.async_payment_failed`.
    /// Returns the settled PaymentIntents.
    pub fn settle_bank_debits(&self, succeed: bool) -> Vec<Value> {
        self.shared.settle_bank_debits(succeed)
    }

    /// Opens a dispute on a charge (`reason` e.g. `fraudulent`, `product_not_received`):
    /// withdraws the amount plus the dispute fee, emits `charge.dispute.created` and
    /// `charge.dispute.funds_withdrawn`. Returns the dispute.
    pub fn dispute_charge(&self, charge: &str, reason: &str) -> Result<Value, String> {
        self.shared.dispute_charge(charge, reason)
    }

    /// Closes a dispute as won (funds reinstated) or lost; emits `charge.dispute.closed`.
    pub fn close_dispute(&self, dispute: &str, won: bool) -> Result<Value, String> {
        self.shared.close_dispute(dispute, won)
    }

    /// Pays out everything available in `mode` (one payout per currency, status `paid`,
    /// events `payout.created`, `payout.paid`, `payout.reconciliation_completed`).
    pub fn run_payouts(&self, mode: Mode) -> Vec<Value> {
        self.shared.run_payouts(mode)
    }

    /// Stops the server and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: oneshot::Receiver<()>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let shared = shared.clone();
                let svc = service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    let shared = shared.clone();
                    req.extensions_mut().insert(peer);
                    async move {
                        let resp = server::handle(shared, req.map(Body::new)).await;
                        if resp.extensions().get::<DropConnection>().is_some() {
                            Err(Dropped)
                        } else {
                            Ok(resp)
                        }
                    }
                });
                conns.spawn(async move {
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
}
