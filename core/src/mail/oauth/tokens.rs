//! OAuth tokens in the keychain, one entry per provider, as a small JSON document (access token,
//! refresh token, expiry) wrapped in a `Secret`. Before each send the access token is refreshed when
//! it has less than a minute left, and the new one is stored.

use chrono::{DateTime, TimeDelta, Utc};
use oauth2::basic::{BasicErrorResponseType, BasicTokenResponse};
use oauth2::{RefreshToken, RequestTokenError, TokenResponse};
use serde::{Deserialize, Serialize};

use super::super::errors::MailError;
use super::super::Mail;
use super::flow::client;
use super::http::{HttpError, OAuthHttp};
use super::OAuthProvider;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// A token this close to expiring is refreshed first: sending can take that long.
const MARGIN: TimeDelta = TimeDelta::seconds(60);

pub(crate) struct Tokens {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The keychain entry's shape. Private so tokens only leave it as `Secret`s.
#[derive(Serialize, Deserialize)]
struct Stored {
    access_token: String,
    refresh_token: Option<String>,
    expires_at: Option<DateTime<Utc>>,
}

impl Tokens {
    /// The provider's answer; a refresh answer may leave out the refresh token (keep the old one).
    pub fn from_response(
        response: &BasicTokenResponse,
        now: DateTime<Utc>,
        previous_refresh: Option<Secret>,
    ) -> Tokens {
        Tokens {
            access: Secret::new(response.access_token().secret().clone()),
            refresh: response
                .refresh_token()
                .map(|r| Secret::new(r.secret().clone()))
                .or(previous_refresh),
            expires_at: response
                .expires_in()
                .and_then(|d| TimeDelta::from_std(d).ok())
                .map(|d| now + d),
        }
    }

    fn to_secret(&self) -> Secret {
        let stored = Stored {
            access_token: self.access.expose().to_string(),
            refresh_token: self.refresh.as_ref().map(|r| r.expose().to_string()),
            expires_at: self.expires_at,
        };
        Secret::new(serde_json::to_string(&stored).unwrap_or_default())
    }

    fn from_secret(secret: &Secret) -> Option<Tokens> {
        let stored: Stored = serde_json::from_str(secret.expose()).ok()?;
        Some(Tokens {
            access: Secret::new(stored.access_token),
            refresh: stored.refresh_token.map(Secret::new),
            expires_at: stored.expires_at,
        })
    }

    fn fresh_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|at| at - MARGIN > now)
    }
}

impl Mail {
    pub(crate) async fn save_tokens(&self, provider: OAuthProvider, tokens: &Tokens) -> Result<()> {
        self.settings
            .keychain
            .save_secret(provider.keychain_user(), &tokens.to_secret())
            .await
    }

    /// Removes the sign-in tokens of `provider`, as far as the keychain lets us: they are only
    /// leftovers at that point, and never used again.
    pub(crate) async fn forget_oauth_tokens(&self, provider: OAuthProvider) {
        let _ = self
            .settings
            .keychain
            .delete_secret(provider.keychain_user())
            .await;
    }

    /// A usable access token for `provider`, refreshed (and stored) when it is about to expire.
    pub(crate) async fn oauth_access_token(&self, provider: OAuthProvider) -> Result<Secret> {
        let needed = || MailError::SignInNeeded {
            provider: provider.name().to_string(),
        };
        let stored = self
            .settings
            .keychain
            .load_secret(provider.keychain_user())
            .await?
            .ok_or_else(needed)?;
        let tokens = Tokens::from_secret(&stored).ok_or_else(needed)?;
        let now = self.app.now();
        if tokens.fresh_at(now) {
            return Ok(tokens.access);
        }
        let refresh = tokens.refresh.ok_or_else(needed)?;
        let config = self.settings.oauth.client(provider);
        let http = OAuthHttp::new(self.settings.timeout)?;
        let answer = client(config, None)?
            .exchange_refresh_token(&RefreshToken::new(refresh.expose().to_string()))
            .request_async(&http.as_oauth2())
            .await
            .map_err(|e| token_error(provider, &config.token_url, e))?;
        let fresh = Tokens::from_response(&answer, now, Some(refresh));
        self.save_tokens(provider, &fresh).await?;
        Ok(fresh.access)
    }
}

/// What a failed token request means for the owner. `invalid_grant` is the provider saying the
/// sign-in is over (expired, revoked, password changed): only signing in again helps.
pub(crate) fn token_error(
    provider: OAuthProvider,
    token_url: &str,
    e: RequestTokenError<HttpError, oauth2::basic::BasicErrorResponse>,
) -> Error {
    let name = provider.name().to_string();
    match e {
        RequestTokenError::ServerResponse(r)
            if *r.error() == BasicErrorResponseType::InvalidGrant =>
        {
            MailError::SignInNeeded { provider: name }
        }
        RequestTokenError::ServerResponse(r) => MailError::SignIn {
            provider: name,
            reason: format!(
                "{provider} refused ({}{})",
                r.error(),
                r.error_description()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default(),
                provider = provider.name()
            ),
        },
        RequestTokenError::Request(e) => MailError::Unreachable {
            server: oauth2::url::Url::parse(token_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| token_url.to_string()),
            reason: e.to_string(),
        },
        RequestTokenError::Parse(_, _) | RequestTokenError::Other(_) => MailError::SignIn {
            provider: name,
            reason: format!("{} sent an answer Paydesk couldn't read", provider.name()),
        },
    }
    .into()
}
