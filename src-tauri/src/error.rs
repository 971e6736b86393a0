//! The one error shape the UI sees: `{code, message, field}`. Codes come from `paydesk_core::Error::code`.

use serde::Serialize;

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CommandError {
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

impl From<paydesk_core::Error> for CommandError {
    fn from(e: paydesk_core::Error) -> Self {
        CommandError {
            code: e.code(),
            field: e.field().map(str::to_string),
            message: e.to_string(),
        }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
