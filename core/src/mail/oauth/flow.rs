//! The sign-in: listen on loopback, send the owner to the provider's page, take the code back,
//! exchange it (with the PKCE verifier only this run of Paydesk knows), keep the tokens and switch
//! email to the provider's SMTP server with XOAUTH2. Nothing is stored until the tokens are in hand.

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, RedirectUrl, Scope, TokenUrl,
};
use serde::Deserialize;

use super::super::errors::MailError;
use super::super::message::recipient;
use super::super::settings::{
    settings_view, single_line, store, validate_host, EmailAuth, EmailSettings, SmtpConfig,
    PASSWORD_USER,
};
use super::super::Mail;
use super::http::{endpoint, OAuthHttp};
use super::loopback::Redirect;
use super::tokens::{token_error, Tokens};
use super::{OAuthClient, OAuthProvider};
use crate::error::{Error, Result};
use crate::validate::optional_email;

/// What the owner fills in before "Sign in with…".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OAuthSignIn {
    pub provider: OAuthProvider,
    /// The Gmail or Outlook address to send from; it is also the account to sign in with.
    pub email: String,
    #[serde(default)]
    pub from_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub reply_to: Option<String>,
}

pub(crate) type Client =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// The oauth2 client for a provider; `redirect` only for the sign-in itself.
pub(crate) fn client(config: &OAuthClient, redirect: Option<&str>) -> Result<Client, MailError> {
    let bad =
        |e: oauth2::url::ParseError| MailError::Config(format!("a sign-in address is wrong ({e})"));
    let mut client = BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_auth_uri(AuthUrl::from_url(endpoint(&config.auth_url)?))
        .set_token_uri(TokenUrl::from_url(endpoint(&config.token_url)?));
    if let Some(secret) = &config.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
    }
    if let Some(uri) = redirect {
        client = client.set_redirect_uri(RedirectUrl::new(uri.to_string()).map_err(bad)?);
    }
    Ok(client)
}

impl Mail {
    /// "Sign in with Google/Microsoft": calls `open_browser` with the provider's sign-in address
    /// (the front end opens it in the owner's browser), waits for the owner to finish there, and
    /// then sends email through the provider's server as `input.email`. Replaces earlier settings
    /// only once the sign-in worked.
    pub async fn sign_in_with_oauth<F>(
        &self,
        input: &OAuthSignIn,
        open_browser: F,
    ) -> Result<EmailSettings>
    where
        F: FnOnce(&str) -> std::result::Result<(), String>,
    {
        let provider = input.provider;
        let name = provider.name();
        if input.email.trim().is_empty() {
            return Err(Error::invalid(
                "email",
                format!("Enter the {name} email address to send from."),
            ));
        }
        let email = recipient("email", &input.email)?.to_string();
        let from_name = single_line("from_name", "Sender name", &input.from_name, 200)?;
        let reply_to = optional_email("reply_to", input.reply_to.as_deref().unwrap_or(""))?;
        let oauth = &self.settings.oauth;
        let config = oauth.client(provider);
        if config.client_id.is_empty() {
            return Err(MailError::Config(format!(
                "signing in with {name} isn't available in this build of Paydesk. Use your \
                 provider's mail server with an app password instead"
            ))
            .into());
        }
        let host = validate_host(&config.smtp_host)?;

        let redirect = Redirect::bind().await.map_err(|e| MailError::SignIn {
            provider: name.into(),
            reason: format!("Paydesk couldn't listen for the answer ({e})"),
        })?;
        let client = client(config, Some(redirect.uri()))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge)
            .add_scopes(config.scopes.iter().cloned().map(Scope::new))
            .add_extra_param("login_hint", email.clone());
        for (key, value) in &config.extra_auth_params {
            request = request.add_extra_param(key.clone(), value.clone());
        }
        let (url, state) = request.url();

        open_browser(url.as_str()).map_err(|e| MailError::SignIn {
            provider: name.into(),
            reason: format!("Paydesk couldn't open your web browser ({e})"),
        })?;
        let code = redirect
            .code(state.secret(), name, oauth.sign_in_timeout)
            .await?;
        let http = OAuthHttp::new(self.settings.timeout)?;
        let answer = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(verifier)
            .request_async(&http.as_oauth2())
            .await
            .map_err(|e| token_error(provider, &config.token_url, e))?;
        let now = self.app.now();
        let tokens = Tokens::from_response(&answer, now, None);

        let settings = SmtpConfig {
            host,
            port: config.smtp_port,
            security: config.smtp_security,
            auth: EmailAuth::oauth(provider),
            username: email.clone(),
            from_name,
            from_address: email,
            reply_to: Some(reply_to).filter(|r| !r.is_empty()),
            updated_at: now,
        };
        self.save_tokens(provider, &tokens).await?;
        if let Err(e) = store::upsert(&self.app, &settings).await {
            self.forget_oauth_tokens(provider).await;
            return Err(e);
        }
        // What the earlier settings kept in the keychain is no longer used.
        let _ = self.settings.keychain.delete_secret(PASSWORD_USER).await;
        for other in [OAuthProvider::Google, OAuthProvider::Microsoft] {
            if other != provider {
                self.forget_oauth_tokens(other).await;
            }
        }
        Ok(settings_view(settings, true))
    }
}
