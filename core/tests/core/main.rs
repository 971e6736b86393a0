//! The core against a real SQLite file through the real migrations. One test binary, one module per concept.

mod bookings;
mod business;
mod charges;
mod clients;
mod dashboard;
mod database;
mod deposits;
mod invoices;
mod jobs;
mod localstripe;
mod mail;
mod mail_oauth;
mod money_props;
mod numbering;
mod pay_links;
mod payments;
mod pdf;
mod real_stripe;
mod report_tieout;
mod reports;
mod sending;
mod stripe_connection;
mod support;
mod sync;
