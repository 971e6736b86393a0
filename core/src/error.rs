//! The one error type at the core's boundary. Every message is written for a shop owner: it says what
//! is wrong and, where it can, what to do. `code()` gives front ends a stable name to act on.

use crate::mail::MailError;
use crate::money::MoneyError;
use crate::pdf::PdfError;
use crate::stripe::StripeError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule. `field` names the form field (e.g. `email`, `lines[1].unit_price`).
    #[error("{message}")]
    Invalid { field: String, message: String },

    #[error("{what} {id} doesn't exist (it may have been deleted).")]
    NotFound { what: &'static str, id: i64 },

    /// The request is fine but the record's state forbids it (editing a sent invoice, …).
    #[error("{0}")]
    Conflict(String),

    #[error("{staff} already has a booking from {starts} to {ends} (booking {other_id}).")]
    BookingClash {
        other_id: i64,
        staff: String,
        starts: String,
        ends: String,
    },

    #[error(transparent)]
    Money(#[from] MoneyError),

    #[error("Paydesk couldn't read or write its database: {0}")]
    Database(#[from] sqlx::Error),

    #[error("Paydesk couldn't update its database to this version: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    #[error(transparent)]
    Stripe(#[from] StripeError),

    #[error(transparent)]
    Mail(#[from] MailError),

    /// The computer's keychain couldn't be used. `missing` when the entry simply isn't there.
    #[error("{message}")]
    Keychain { message: String, missing: bool },

    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },

    /// An invoice or receipt couldn't be drawn (a logo that won't decode, …).
    #[error(transparent)]
    Pdf(#[from] PdfError),
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Error {
        Error::Conflict(message.into())
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// A stable, machine-readable name for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } | Error::Money(_) => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::Conflict(_) => "conflict",
            Error::BookingClash { .. } => "booking_clash",
            Error::Database(_) | Error::Migration(_) => "database",
            Error::Io { .. } => "io",
            Error::Stripe(e) => e.code(),
            Error::Mail(e) => e.code(),
            Error::Keychain { missing: true, .. } => "keychain_missing",
            Error::Keychain { .. } => "keychain_unavailable",
            Error::Pdf(e) => e.code(),
        }
    }

    /// The form field the error belongs to, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            Error::Pdf(e) => e.field(),
            _ => None,
        }
    }

    /// Prefixes the field of an `Invalid` error or attaches a money error to a field
    /// (`unit_price` → `lines[2].unit_price`), leaving other errors alone.
    pub fn in_field(self, field: &str) -> Error {
        match self {
            Error::Invalid {
                field: inner,
                message,
            } if inner.is_empty() => Error::Invalid {
                field: field.into(),
                message,
            },
            Error::Invalid {
                field: inner,
                message,
            } => Error::Invalid {
                field: format!("{field}.{inner}"),
                message,
            },
            Error::Money(e) => Error::Invalid {
                field: field.into(),
                message: e.to_string(),
            },
            other => other,
        }
    }
}
