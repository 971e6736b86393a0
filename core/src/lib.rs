//! Paydesk's core: the domain of a small business that takes payments, its storage, and its money rules.
//!
//! Everything a Paydesk front end (the desktop app, the `paydesk` command line) does goes through
//! [`Paydesk`], which owns the database and the clock. Each concept lives in its own module; a module's
//! `store` functions talk SQL on a connection, and its `impl Paydesk` block owns the transaction and the
//! business rules. See ARCHITECTURE.md for the tour.

pub mod activity;
pub mod app;
pub mod booking;
pub mod booking_fee;
pub mod business;
pub mod client;
pub mod clock;
pub mod dashboard;
pub mod db;
pub mod deposit;
pub mod error;
pub mod invoice;
pub mod issued_pdf;
pub mod job;
pub mod keychain;
pub mod ledger;
pub mod mail;
pub mod money;
pub mod paylink;
pub mod payment;
pub mod pdf;
pub mod policy;
pub mod report;
pub mod secret;
pub mod sending;
pub mod service;
pub mod staff;
pub mod stripe;
pub mod sync;
pub mod validate;

pub use app::Paydesk;
pub use error::{Error, Result};
pub use money::{Currency, Money, MoneyError};
