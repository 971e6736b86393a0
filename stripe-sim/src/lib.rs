//! A stateful Stripe API simulator for Paydesk's tests and development.
//!
//! ```no_run
//! # async fn demo() {
//! use stripe_sim::{Mode, Simulator};
//! let sim = Simulator::start().await;
//! let base = sim.base_url(); // "http://127.0.0.1:PORT/"
//! let key = sim.secret_key(Mode::Test);
//! # let _ = (base, key);
//! # }
//! ```

#![recursion_limit = "256"]

mod account;
mod auth;
mod cards;
mod charges;
mod checkout_sessions;
mod clock;
mod control;
mod ctx;
mod currency;
mod customers;
mod disputes;
mod errors;
mod events;
mod expand;
mod faults;
mod form;
mod idempotency;
mod ids;
mod list;
mod params;
mod pay_page;
mod payment_intents;
mod payment_links;
mod payment_methods;
mod payouts;
mod prices;
mod products;
mod refunds;
mod server;
mod setup_intents;
mod simulator;
mod state;

pub use auth::{Access, Mode};
pub use faults::Fault;
pub use pay_page::PayError;
pub use simulator::Simulator;

/// The API version the simulated account defaults to (events are rendered in it).
pub const DEFAULT_API_VERSION: &str = "2025-11-17.clover";
