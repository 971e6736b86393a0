//! "Sign in with Google / Microsoft": Gmail and Outlook accounts can send through SMTP without an
//! app password, with an OAuth access token (the XOAUTH2 login).
//!
//! The flow is the one for installed apps (RFC 8252): Paydesk listens on a loopback port for the
//! redirect, opens the provider's sign-in page in the owner's browser (through a callback the front
//! end provides), and exchanges the code it gets back, proving with PKCE that it is the app that
//! started the flow. The tokens go to the keychain (`oauth-google` / `oauth-microsoft`); the access
//! token is refreshed when it is about to expire.
//!
//! - `flow`: the sign-in, from the browser to the stored settings.
//! - `loopback`: the one-page web server the browser is sent back to.
//! - `tokens`: tokens in the keychain, and refreshing them.
//! - `http`: the token requests over core's hyper + rustls client (no second HTTP stack).

mod flow;
mod http;
mod loopback;
mod tokens;

pub use flow::OAuthSignIn;

use serde::{Deserialize, Serialize};
use std::time::Duration;

use super::settings::SmtpSecurity;
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OAuthProvider {
    Google,
    Microsoft,
}

impl OAuthProvider {
    /// As the owner knows it: "Google", "Microsoft".
    pub fn name(self) -> &'static str {
        match self {
            OAuthProvider::Google => "Google",
            OAuthProvider::Microsoft => "Microsoft",
        }
    }

    /// The keychain user its tokens are stored under.
    pub fn keychain_user(self) -> &'static str {
        match self {
            OAuthProvider::Google => "oauth-google",
            OAuthProvider::Microsoft => "oauth-microsoft",
        }
    }
}

/// One provider: Paydesk's app registration there, its endpoints, and its SMTP server.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    /// Paydesk's client ID at the provider; empty when this build has none (sign-in unavailable).
    pub client_id: String,
    /// Google gives installed apps a "secret" that can't stay secret in a shipped app (RFC 8252
    /// §8.5) but must still be sent; kept as a `Secret` so it isn't printed anyway.
    pub client_secret: Option<Secret>,
    pub auth_url: String,
    pub token_url: String,
    pub scopes: Vec<String>,
    /// Added to the sign-in URL (Google needs `access_type=offline` to hand out a refresh token).
    pub extra_auth_params: Vec<(String, String)>,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: SmtpSecurity,
}

/// Both providers, and how long the owner has to finish signing in.
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    pub google: OAuthClient,
    pub microsoft: OAuthClient,
    pub sign_in_timeout: Duration,
}

pub const GOOGLE_CLIENT_ID_ENV: &str = "PAYDESK_OAUTH_GOOGLE_CLIENT_ID";
pub const GOOGLE_CLIENT_SECRET_ENV: &str = "PAYDESK_OAUTH_GOOGLE_CLIENT_SECRET";
pub const MICROSOFT_CLIENT_ID_ENV: &str = "PAYDESK_OAUTH_MICROSOFT_CLIENT_ID";

impl OAuthSettings {
    /// The real providers, with Paydesk's client IDs from the environment (none are built in yet).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> OAuthSettings {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        OAuthSettings {
            google: OAuthClient {
                client_id: set(GOOGLE_CLIENT_ID_ENV).unwrap_or_default(),
                client_secret: set(GOOGLE_CLIENT_SECRET_ENV).map(Secret::new),
                auth_url: "https://accounts.google.com/o/oauth2/v2/auth".into(),
                token_url: "https://oauth2.googleapis.com/token".into(),
                scopes: vec!["https://mail.google.com/".into()],
                extra_auth_params: vec![
                    ("access_type".into(), "offline".into()),
                    // Asks again for consent so Google hands out a refresh token every time.
                    ("prompt".into(), "consent".into()),
                ],
                smtp_host: "smtp.gmail.com".into(),
                smtp_port: 465,
                smtp_security: SmtpSecurity::Tls,
            },
            microsoft: OAuthClient {
                client_id: set(MICROSOFT_CLIENT_ID_ENV).unwrap_or_default(),
                client_secret: None,
                auth_url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize".into(),
                token_url: "https://login.microsoftonline.com/common/oauth2/v2.0/token".into(),
                scopes: vec![
                    "https://outlook.office.com/SMTP.Send".into(),
                    "offline_access".into(),
                ],
                extra_auth_params: vec![],
                smtp_host: "smtp.office365.com".into(),
                smtp_port: 587,
                smtp_security: SmtpSecurity::StartTls,
            },
            sign_in_timeout: Duration::from_secs(300),
        }
    }

    pub fn client(&self, provider: OAuthProvider) -> &OAuthClient {
        match provider {
            OAuthProvider::Google => &self.google,
            OAuthProvider::Microsoft => &self.microsoft,
        }
    }
}
