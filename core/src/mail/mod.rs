//! Email: invoices go to clients through the owner's own mail server (SMTP), so they come from the
//! owner's address and land in the owner's "Sent" conventions, not a Paydesk relay.
//!
//! - `settings`: the server, how to log in, who the email is from. The password lives in the
//!   keychain (`smtp-password`), never in the database.
//! - `message`: an [`OutgoingEmail`] (text, optional HTML, attachments) made into a MIME message with
//!   its own Message-ID.
//! - `transport`: one SMTP session over lettre's async tokio client, step by step, so each failure
//!   can say which step failed; timeouts; the extra trusted root for tests.
//! - `errors`: [`MailError`], in words a salon owner can act on.
//! - `send`: loading settings and credentials and sending; the test email.
//! - `invoice_email`: the invoice email (message, pay link, PDF) and the sent log it writes.
//! - `sent_log`: every attempt to email an invoice, sent or failed.
//! - `oauth`: "Sign in with Google/Microsoft" (installed-app flow, PKCE, loopback redirect), tokens in
//!   the keychain, XOAUTH2 for SMTP.
//!
//! Front ends reach it through [`Paydesk::mail`](crate::Paydesk::mail).

pub mod errors;
pub mod invoice_email;
pub mod message;
pub mod oauth;
pub mod send;
pub mod sent_log;
pub mod settings;
pub mod transport;

use std::path::PathBuf;
use std::time::Duration;

pub use errors::MailError;
pub use invoice_email::InvoiceEmailDraft;
pub use message::{Attachment, OutgoingEmail};
pub use oauth::{OAuthClient, OAuthProvider, OAuthSettings, OAuthSignIn};
pub use sent_log::{SendStatus, SentEmail};
pub use settings::{EmailAuth, EmailSettings, SmtpInput, SmtpSecurity};

use crate::keychain::Keychain;
use crate::Paydesk;

/// An extra root certificate (PEM file) to trust for the mail server's TLS certificate, besides the
/// public ones built in. For development and tests against a local server with its own certificate
/// authority; a real provider never needs it.
pub const EXTRA_CA_ENV: &str = "PAYDESK_SMTP_EXTRA_CA_FILE";

/// Long enough for a slow provider's greeting or login, short enough that the owner isn't left
/// waiting on a server that will never answer. Each step of the SMTP session gets this long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How Paydesk reaches mail servers and where it keeps their secrets. `from_env` is what the app
/// and CLI use; tests build their own.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub keychain: Keychain,
    pub timeout: Duration,
    /// See [`EXTRA_CA_ENV`].
    pub extra_ca_file: Option<PathBuf>,
    /// "Sign in with Google/Microsoft".
    pub oauth: OAuthSettings,
}

impl MailSettings {
    pub fn from_env() -> MailSettings {
        MailSettings::from_vars(|name| std::env::var(name).ok())
    }

    /// `from_env` with the environment passed in, so it can be tested without changing the
    /// process's environment.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> MailSettings {
        MailSettings {
            keychain: Keychain::from_env(),
            timeout: DEFAULT_TIMEOUT,
            extra_ca_file: var(EXTRA_CA_ENV)
                .filter(|v| !v.trim().is_empty())
                .map(PathBuf::from),
            oauth: OAuthSettings::from_vars(&var),
        }
    }
}

/// Paydesk's email use cases, for one set of settings. Get one with [`Paydesk::mail`].
#[derive(Clone)]
pub struct Mail {
    app: Paydesk,
    settings: MailSettings,
}

impl Paydesk {
    /// Email, configured from the environment (`PAYDESK_KEYCHAIN…`, [`EXTRA_CA_ENV`],
    /// `PAYDESK_OAUTH_…_CLIENT_ID`).
    pub fn mail(&self) -> Mail {
        self.mail_with(MailSettings::from_env())
    }

    pub fn mail_with(&self, settings: MailSettings) -> Mail {
        Mail {
            app: self.clone(),
            settings,
        }
    }
}

impl Mail {
    pub fn settings(&self) -> &MailSettings {
        &self.settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extra_root_comes_from_the_environment_when_set() {
        let none = MailSettings::from_vars(|_| None);
        assert_eq!(none.extra_ca_file, None);
        assert_eq!(none.timeout, DEFAULT_TIMEOUT);
        let blank = MailSettings::from_vars(|_| Some("  ".into()));
        assert_eq!(blank.extra_ca_file, None);
        let set = MailSettings::from_vars(|name| {
            (name == EXTRA_CA_ENV).then(|| "/tmp/test-ca.pem".to_string())
        });
        assert_eq!(set.extra_ca_file, Some(PathBuf::from("/tmp/test-ca.pem")));
    }
}
