//! Stripe: connecting the owner's Stripe account with an API key they paste, and the client every
//! Stripe call goes through.
//!
//! - `key`: what was pasted (secret or restricted key, test or live) and the mistakes people make.
//! - `keychain`: the key lives in the computer's keychain (see [`crate::keychain`]), never in the
//!   database, logs or errors.
//! - `client`, `retry`, `errors`: async-stripe's typed requests over our own transport, with
//!   timeouts, retries that keep the idempotency key, and owner-facing errors.
//! - `connection`: connect (verify, check permissions, then store), status, disconnect.
//! - `active_mode`: which connected mode (test or live) new Stripe work uses.
//!
//! Front ends reach it through [`Paydesk::stripe`](crate::Paydesk::stripe).

mod active_mode;
pub mod client;
pub mod connection;
pub mod errors;
pub mod key;
pub mod keychain;
pub mod retry;
/// `Secret` moved to the crate root (mail passwords are secrets too); this path still works.
pub use crate::secret;

pub use client::{StripeClient, StripeSettings};
pub use connection::{Connected, Requirements, Stripe, StripeConnection, StripeStatus};
pub use errors::{MissingPermission, StripeError};
pub use key::{KeyKind, StripeMode};
pub use secret::Secret;

/// async-stripe's idempotency key type, as [`StripeClient::write`] takes it.
pub use ::stripe::IdempotencyKey;
