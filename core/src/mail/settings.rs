//! Email settings: the owner's outgoing mail server (host, port, security), the login, and who the
//! email is from. One row in `email_settings`; the password goes to the keychain (user
//! `smtp-password`) and only after everything else checked out, so a typo never leaves a password
//! stored for a server that isn't configured.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};
use std::net::IpAddr;

use super::oauth::OAuthProvider;
use super::Mail;
use crate::db::{instant_col, instant_text};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::validate::{optional_email, optional_text};

/// The keychain user the SMTP password is stored under.
pub const PASSWORD_USER: &str = "smtp-password";

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SmtpSecurity {
    /// Connect in the clear, then upgrade with STARTTLS before anything else (usually port 587).
    /// The upgrade is required: a server that doesn't offer it gets nothing.
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption at all: only for a server on this computer (see `validate_security`).
    Plain,
}

impl SmtpSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            SmtpSecurity::StartTls => "starttls",
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::Plain => "plain",
        }
    }

    fn parse(text: &str) -> Result<SmtpSecurity> {
        match text {
            "starttls" => Ok(SmtpSecurity::StartTls),
            "tls" => Ok(SmtpSecurity::Tls),
            "plain" => Ok(SmtpSecurity::Plain),
            other => Err(Error::Database(sqlx::Error::Decode(
                format!("email_settings.security holds \"{other}\"").into(),
            ))),
        }
    }
}

/// How Paydesk logs in to the mail server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EmailAuth {
    /// User name and password (the password in the keychain), or no login when the user name is
    /// empty.
    Password,
    /// "Sign in with Google": OAuth tokens in the keychain, XOAUTH2 to the server.
    OauthGoogle,
    /// "Sign in with Microsoft".
    OauthMicrosoft,
}

impl EmailAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailAuth::Password => "password",
            EmailAuth::OauthGoogle => "oauth_google",
            EmailAuth::OauthMicrosoft => "oauth_microsoft",
        }
    }

    fn parse(text: &str) -> Result<EmailAuth> {
        match text {
            "password" => Ok(EmailAuth::Password),
            "oauth_google" => Ok(EmailAuth::OauthGoogle),
            "oauth_microsoft" => Ok(EmailAuth::OauthMicrosoft),
            other => Err(Error::Database(sqlx::Error::Decode(
                format!("email_settings.auth holds \"{other}\"").into(),
            ))),
        }
    }

    pub fn oauth(provider: OAuthProvider) -> EmailAuth {
        match provider {
            OAuthProvider::Google => EmailAuth::OauthGoogle,
            OAuthProvider::Microsoft => EmailAuth::OauthMicrosoft,
        }
    }

    /// The OAuth provider signed in with, if any.
    pub fn provider(self) -> Option<OAuthProvider> {
        match self {
            EmailAuth::Password => None,
            EmailAuth::OauthGoogle => Some(OAuthProvider::Google),
            EmailAuth::OauthMicrosoft => Some(OAuthProvider::Microsoft),
        }
    }
}

/// What the owner types into Settings → Email. The password travels separately, as a [`Secret`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SmtpInput {
    pub host: String,
    /// Wider than a port so that 0 or 70000 get a clear message instead of a parse error.
    pub port: u32,
    pub security: SmtpSecurity,
    /// Empty when the server takes mail without a login (a relay on this computer).
    #[serde(default)]
    pub username: String,
    /// The name clients see ("Salon Zoë"); empty uses the business name.
    #[serde(default)]
    pub from_name: String,
    pub from_address: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub reply_to: Option<String>,
}

/// Email as set up. Never holds the password: only whether the keychain has one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmailSettings {
    /// Always "smtp" for now: the owner's own server.
    pub provider: String,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub auth: EmailAuth,
    pub username: String,
    pub from_name: String,
    pub from_address: String,
    pub reply_to: Option<String>,
    /// Whether the keychain holds the password (or, after "Sign in with…", the sign-in).
    pub password_stored: bool,
    pub updated_at: DateTime<Utc>,
}

/// A validated [`SmtpInput`], as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub auth: EmailAuth,
    pub username: String,
    pub from_name: String,
    pub from_address: String,
    pub reply_to: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl SmtpConfig {
    /// `smtp.example.com:587`, as messages name the server.
    pub fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

fn validate(input: &SmtpInput, now: DateTime<Utc>) -> Result<SmtpConfig> {
    let host = validate_host(&input.host)?;
    let port = u16::try_from(input.port)
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| {
            Error::invalid(
                "port",
                format!(
                    "{} isn't a port. Ports go from 1 to 65535; mail servers usually use 587 \
                     (STARTTLS) or 465 (TLS).",
                    input.port
                ),
            )
        })?;
    validate_security(&host, input.security)?;
    let username = single_line("username", "User name", &input.username, 320)?;
    let from_name = single_line("from_name", "Sender name", &input.from_name, 200)?;
    let from_address = optional_email("from_address", &input.from_address)?;
    if from_address.is_empty() {
        return Err(Error::invalid(
            "from_address",
            "Enter the email address your invoices come from.",
        ));
    }
    let reply_to = optional_email("reply_to", input.reply_to.as_deref().unwrap_or(""))?;
    Ok(SmtpConfig {
        host,
        port,
        security: input.security,
        auth: EmailAuth::Password,
        username,
        from_name,
        from_address,
        reply_to: Some(reply_to).filter(|r| !r.is_empty()),
        updated_at: now,
    })
}

/// A server name or IP address: no scheme, no port, no spaces (each is a common paste mistake).
pub(crate) fn validate_host(text: &str) -> Result<String> {
    let host = text.trim();
    let bad = |message: &str| Err(Error::invalid("host", message));
    if host.is_empty() {
        return bad("Enter your mail server's name, like smtp.example.com.");
    }
    if host.contains("://") {
        return bad(
            "Enter just the server's name, like smtp.example.com, without smtp:// in front.",
        );
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("The mail server's name can't contain spaces.");
    }
    let unbracketed = host.trim_start_matches('[').trim_end_matches(']');
    if host.contains(':') && unbracketed.parse::<IpAddr>().is_err() {
        return bad("Put the port in the Port field, and just the server's name here.");
    }
    if host.len() > 253 || host.contains('/') || host.contains('@') {
        return bad("That isn't a server name. It should look like smtp.example.com.");
    }
    Ok(unbracketed.to_ascii_lowercase())
}

/// Plain (unencrypted) SMTP is refused for anything but this computer: across a network the
/// password and every client's invoice would travel readable by anyone on the way (café Wi-Fi, the
/// provider's routers). On loopback the bytes never leave the computer, which is what a local relay
/// (or the tests' server) needs.
fn validate_security(host: &str, security: SmtpSecurity) -> Result<()> {
    if security == SmtpSecurity::Plain && !is_loopback(host) {
        return Err(Error::invalid(
            "security",
            "Unencrypted connections are only allowed to a mail server on this computer \
             (localhost): over a network your password and your clients' invoices could be read \
             along the way. Choose STARTTLS or TLS.",
        ));
    }
    Ok(())
}

pub(crate) fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Optional text that goes into a mail header or the SMTP login, where a line break would be wrong.
pub(crate) fn single_line(
    field: &str,
    label: &str,
    value: &str,
    max_chars: usize,
) -> Result<String> {
    let v = optional_text(field, label, value, max_chars)?;
    if v.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{label} can't contain line breaks."),
        ));
    }
    Ok(v)
}

impl Mail {
    /// Sets up (or changes) the outgoing mail server. `password: None` keeps the password already
    /// saved; a new one is saved to the keychain only once everything else is valid. Without a
    /// user name there is no login, and a saved password is removed. Makes no connection: use
    /// [`Mail::send_test`] to try the settings.
    pub async fn configure_smtp(
        &self,
        input: &SmtpInput,
        password: Option<Secret>,
    ) -> Result<EmailSettings> {
        let config = validate(input, self.app.now())?;
        let before = store::get(&self.app).await?;
        if let Some(p) = &password {
            if config.username.is_empty() {
                return Err(Error::invalid(
                    "username",
                    "Enter the user name that goes with the password (usually your email address).",
                ));
            }
            if p.expose().trim().is_empty() {
                return Err(Error::invalid("password", "The password is empty."));
            }
        }
        let keychain = &self.settings.keychain;
        // Without a login the keychain isn't needed (a relay on this computer works without one).
        let login = password.is_some() || !config.username.is_empty();
        let previous = if login {
            keychain.load_secret(PASSWORD_USER).await?
        } else {
            None
        };
        if !config.username.is_empty() && password.is_none() && previous.is_none() {
            return Err(Error::invalid(
                "password",
                format!("Enter the password for {}.", config.username),
            ));
        }

        if let Some(p) = &password {
            keychain.save_secret(PASSWORD_USER, p).await?;
        }
        if let Err(e) = store::upsert(&self.app, &config).await {
            // A failed save changes nothing: put the old password back (or remove the new one).
            if password.is_some() {
                let _ = match &previous {
                    Some(old) => keychain.save_secret(PASSWORD_USER, old).await,
                    None => keychain.delete_secret(PASSWORD_USER).await,
                };
            }
            return Err(e);
        }
        // A sign-in with Google/Microsoft from before is replaced by these settings.
        if let Some(Some(provider)) = before.map(|b| b.auth.provider()) {
            self.forget_oauth_tokens(provider).await;
        }
        if !login {
            // A password left from an earlier login would never be used again. A keychain that
            // can't be opened now can't be cleaned now either; that is no reason to fail.
            match keychain.delete_secret(PASSWORD_USER).await {
                Ok(()) | Err(Error::Keychain { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        // With a user name a password is saved now (given, or kept); without one there is none.
        let password_stored = !config.username.is_empty();
        Ok(settings_view(config, password_stored))
    }

    /// Email as set up, or `None` before it is. Looks in the keychain to say whether a password is
    /// saved, and never returns it.
    pub async fn email_settings(&self) -> Result<Option<EmailSettings>> {
        let Some(config) = store::get(&self.app).await? else {
            return Ok(None);
        };
        let user = match config.auth.provider() {
            Some(provider) => provider.keychain_user(),
            None => PASSWORD_USER,
        };
        let stored = !config.username.is_empty()
            && self.settings.keychain.load_secret(user).await?.is_some();
        Ok(Some(settings_view(config, stored)))
    }

    /// Forgets the mail server, its password and any sign-in. Returns false when email wasn't set
    /// up. The sent log stays.
    pub async fn disconnect(&self) -> Result<bool> {
        let config = store::get(&self.app).await?;
        // Only a login's secret must be removed for sure; anything else is a leftover, and a
        // keychain that can't be opened now is no reason to keep the settings.
        let must = config.as_ref().is_some_and(|c| !c.username.is_empty());
        let users = [
            PASSWORD_USER,
            OAuthProvider::Google.keychain_user(),
            OAuthProvider::Microsoft.keychain_user(),
        ];
        for user in users {
            match self.settings.keychain.delete_secret(user).await {
                Ok(()) => {}
                Err(Error::Keychain { .. }) if !must => {}
                Err(e) => return Err(e),
            }
        }
        if config.is_none() {
            return Ok(false);
        }
        store::delete(&self.app).await
    }

    /// The stored server settings, or [`MailError::NotConfigured`](super::MailError).
    pub(crate) async fn config(&self) -> Result<SmtpConfig> {
        store::get(&self.app)
            .await?
            .ok_or_else(|| super::MailError::NotConfigured.into())
    }
}

pub(crate) fn settings_view(c: SmtpConfig, password_stored: bool) -> EmailSettings {
    EmailSettings {
        provider: "smtp".into(),
        host: c.host,
        port: c.port,
        security: c.security,
        auth: c.auth,
        username: c.username,
        from_name: c.from_name,
        from_address: c.from_address,
        reply_to: c.reply_to,
        password_stored,
        updated_at: c.updated_at,
    }
}

pub(crate) mod store {
    use super::*;
    use crate::Paydesk;

    pub async fn get(app: &Paydesk) -> Result<Option<SmtpConfig>> {
        let mut conn = app.db.pool().acquire().await?;
        get_on(&mut conn).await
    }

    async fn get_on(conn: &mut SqliteConnection) -> Result<Option<SmtpConfig>> {
        let row = sqlx::query(
            "SELECT host, port, security, auth, username, from_name, from_address, reply_to,
                    updated_at
             FROM email_settings WHERE id = 1",
        )
        .fetch_optional(conn)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let port: i64 = r.get("port");
        let reply_to: String = r.get("reply_to");
        Ok(Some(SmtpConfig {
            host: r.get("host"),
            port: u16::try_from(port).map_err(|_| {
                Error::Database(sqlx::Error::Decode(
                    format!("email_settings.port holds {port}").into(),
                ))
            })?,
            security: SmtpSecurity::parse(r.get("security"))?,
            auth: EmailAuth::parse(r.get("auth"))?,
            username: r.get("username"),
            from_name: r.get("from_name"),
            from_address: r.get("from_address"),
            reply_to: Some(reply_to).filter(|r| !r.is_empty()),
            updated_at: instant_col("updated_at", r.get("updated_at"))?,
        }))
    }

    pub async fn upsert(app: &Paydesk, c: &SmtpConfig) -> Result<()> {
        let mut tx = app.db.write().await?;
        sqlx::query(
            "INSERT INTO email_settings
                 (id, provider, host, port, security, auth, username, from_name, from_address,
                  reply_to, updated_at)
             VALUES (1, 'smtp', ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET
                 provider = excluded.provider, host = excluded.host, port = excluded.port,
                 security = excluded.security, auth = excluded.auth, username = excluded.username,
                 from_name = excluded.from_name, from_address = excluded.from_address,
                 reply_to = excluded.reply_to, updated_at = excluded.updated_at",
        )
        .bind(&c.host)
        .bind(i64::from(c.port))
        .bind(c.security.as_str())
        .bind(c.auth.as_str())
        .bind(&c.username)
        .bind(&c.from_name)
        .bind(&c.from_address)
        .bind(c.reply_to.as_deref().unwrap_or(""))
        .bind(instant_text(c.updated_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete(app: &Paydesk) -> Result<bool> {
        let removed = sqlx::query("DELETE FROM email_settings WHERE id = 1")
            .execute(app.db.pool())
            .await?
            .rows_affected();
        Ok(removed > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SmtpInput {
        SmtpInput {
            host: " SMTP.Example.com ".into(),
            port: 587,
            security: SmtpSecurity::StartTls,
            username: "zoe@example.com".into(),
            from_name: "Salon Zoë".into(),
            from_address: "zoe@example.com".into(),
            reply_to: None,
        }
    }

    fn field_of(input: &SmtpInput) -> Option<String> {
        validate(input, Utc::now())
            .err()
            .and_then(|e| e.field().map(str::to_string))
    }

    #[test]
    fn a_usual_server_is_cleaned_up() {
        let c = validate(&input(), Utc::now()).unwrap();
        assert_eq!(c.host, "smtp.example.com");
        assert_eq!(c.server(), "smtp.example.com:587");
        assert_eq!(c.reply_to, None);
    }

    #[test]
    fn paste_mistakes_in_the_host_are_named() {
        for host in [
            "",
            "  ",
            "smtp.example .com",
            "smtp://smtp.example.com",
            "smtp.example.com:587",
        ] {
            let i = SmtpInput {
                host: host.into(),
                ..input()
            };
            assert_eq!(field_of(&i).as_deref(), Some("host"), "{host:?}");
        }
        let v6 = SmtpInput {
            host: "[::1]".into(),
            security: SmtpSecurity::Plain,
            ..input()
        };
        assert_eq!(validate(&v6, Utc::now()).unwrap().server(), "[::1]:587");
    }

    #[test]
    fn ports_go_from_1_to_65535() {
        for port in [0, 65536, 100_000] {
            let i = SmtpInput { port, ..input() };
            assert_eq!(field_of(&i).as_deref(), Some("port"), "{port}");
        }
        for port in [1, 25, 465, 587, 65535] {
            assert!(validate(&SmtpInput { port, ..input() }, Utc::now()).is_ok());
        }
    }

    #[test]
    fn plain_is_only_for_this_computer() {
        for host in ["localhost", "127.0.0.1", "127.0.0.53", "::1"] {
            let i = SmtpInput {
                host: host.into(),
                security: SmtpSecurity::Plain,
                ..input()
            };
            assert!(validate(&i, Utc::now()).is_ok(), "{host}");
        }
        let remote = SmtpInput {
            security: SmtpSecurity::Plain,
            ..input()
        };
        let e = validate(&remote, Utc::now()).unwrap_err();
        assert_eq!(e.field(), Some("security"));
        assert!(e
            .to_string()
            .contains("only allowed to a mail server on this computer"));
    }

    #[test]
    fn addresses_are_checked_and_headers_stay_one_line() {
        let no_from = SmtpInput {
            from_address: " ".into(),
            ..input()
        };
        assert_eq!(field_of(&no_from).as_deref(), Some("from_address"));
        let bad_reply = SmtpInput {
            reply_to: Some("zoe@".into()),
            ..input()
        };
        assert_eq!(field_of(&bad_reply).as_deref(), Some("reply_to"));
        let two_lines = SmtpInput {
            from_name: "Zoë\nBcc: x@example.com".into(),
            ..input()
        };
        assert_eq!(field_of(&two_lines).as_deref(), Some("from_name"));
    }
}
