//! One module per concept, each with its subcommands and how to run them.

pub mod booking;
pub mod business;
pub mod card;
pub mod client;
pub mod email;
pub mod invoice;
pub mod job;
pub mod payment;
pub mod policy;
pub mod report;
pub mod service;
pub mod staff;
pub mod stripe;
pub mod sync;

use chrono::NaiveDate;
use std::io::Read;
use std::path::Path;

/// An error from the core, or a problem with how the command was called.
#[derive(Debug)]
pub enum CliError {
    Core(paydesk_core::Error),
    Usage(String),
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::Usage(message.into())
    }

    pub fn code(&self) -> &'static str {
        match self {
            CliError::Core(e) => e.code(),
            CliError::Usage(_) => "usage",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            CliError::Core(e) => e.field(),
            CliError::Usage(_) => None,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Core(_) => 1,
            CliError::Usage(_) => 2,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Core(e) => write!(f, "{e}"),
            CliError::Usage(m) => f.write_str(m),
        }
    }
}

impl From<paydesk_core::Error> for CliError {
    fn from(e: paydesk_core::Error) -> CliError {
        CliError::Core(e)
    }
}

pub type CmdResult = Result<(), CliError>;

/// Reads a JSON document from a file, or from stdin when the path is `-`.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CliError> {
    let mut text = String::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("couldn't read stdin: {e}")))?;
    } else {
        text = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("couldn't read {}: {e}", path.display())))?;
    }
    serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("the JSON input isn't right: {e}")))
}

pub fn parse_date(text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CliError::usage(format!("\"{text}\" isn't a date; write it as YYYY-MM-DD.")))
}

pub fn parse_decimal(what: &str, text: &str) -> Result<rust_decimal::Decimal, CliError> {
    text.trim().parse().map_err(|_| {
        CliError::usage(format!(
            "{what} \"{text}\" isn't a number; write it like 45 or 45.50."
        ))
    })
}
