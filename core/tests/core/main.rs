//! The core against a real SQLite file through the real migrations. One test binary, one module per concept.

mod bookings;
mod business;
mod clients;
mod dashboard;
mod database;
mod invoices;
mod localstripe;
mod money_props;
mod numbering;
mod payments;
mod pdf;
mod real_stripe;
mod stripe_connection;
mod support;
