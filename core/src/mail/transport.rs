//! One SMTP session: connect (TLS from the start, or STARTTLS right after the greeting), log in, hand
//! over the message, quit. It runs on lettre's async tokio client (`AsyncSmtpConnection`) step by step
//! rather than through `AsyncSmtpTransport::send`, which does the same steps in one call, because
//! only here do we know *which* step failed: a 535 during login means a wrong password, while a 5xx
//! after `DATA` means the email itself was refused. Each step also gets its own timeout; lettre's
//! covers only the TCP connect.
//!
//! Certificates are checked against the public roots built into Paydesk (webpki-roots), plus, for
//! development and tests, one extra root from `PAYDESK_SMTP_EXTRA_CA_FILE`. There is no "accept any
//! certificate" switch.

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::Message;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::time::Duration;

use super::errors::MailError;
use super::settings::{SmtpConfig, SmtpSecurity};
use super::{MailSettings, EXTRA_CA_ENV};
use crate::secret::Secret;

/// How Paydesk logs in to the server.
#[derive(Debug, Clone)]
pub(crate) enum Login {
    /// AUTH PLAIN (or LOGIN, for servers that only know that).
    Password { username: String, password: Secret },
    /// AUTH XOAUTH2 with an OAuth access token (Gmail, Outlook).
    XOAuth2 {
        provider: &'static str,
        username: String,
        token: Secret,
    },
}

impl Login {
    fn lettre(&self) -> (Vec<Mechanism>, Credentials) {
        match self {
            Login::Password { username, password } => (
                vec![Mechanism::Plain, Mechanism::Login],
                Credentials::new(username.clone(), password.expose().to_string()),
            ),
            Login::XOAuth2 {
                username, token, ..
            } => (
                vec![Mechanism::Xoauth2],
                Credentials::new(username.clone(), token.expose().to_string()),
            ),
        }
    }
}

/// Sends `message` through the configured server.
pub(crate) async fn deliver(
    config: &SmtpConfig,
    login: Option<&Login>,
    settings: &MailSettings,
    message: &Message,
) -> Result<(), MailError> {
    let server = config.server();
    let t = settings.timeout;
    let tls = match config.security {
        SmtpSecurity::Plain => None,
        SmtpSecurity::StartTls | SmtpSecurity::Tls => Some(tls_parameters(&config.host, settings)?),
    };
    // Without lettre's `hostname` feature this is the address literal [127.0.0.1], which RFC 5321
    // allows when the client has no meaningful name (a laptop on Wi-Fi doesn't).
    let hello = ClientId::default();

    let wrapped = tls.clone().filter(|_| config.security == SmtpSecurity::Tls);
    let connect = AsyncSmtpConnection::connect_tokio1(
        (config.host.as_str(), config.port),
        Some(t),
        &hello,
        wrapped,
        None,
    );
    let mut conn = step(t, connect)
        .await
        .map_err(|e| connect_error(config, t, e))?;

    if let (SmtpSecurity::StartTls, Some(params)) = (config.security, tls) {
        if !conn.can_starttls() {
            return Err(MailError::Tls {
                server,
                reason: "it doesn't offer STARTTLS, so Paydesk won't send your password or \
                         invoices over this unencrypted connection"
                    .into(),
            });
        }
        step(t, conn.starttls(params, &hello))
            .await
            .map_err(|e| connect_error(config, t, e))?;
    }

    if let Some(login) = login {
        let (mechanisms, credentials) = login.lettre();
        step(t, conn.auth(&mechanisms, &credentials))
            .await
            .map_err(|e| login_error(config, login, t, e))?;
    }

    // Sending a large attachment over a slow uplink takes longer than one reply should.
    let email = message.formatted();
    step(t * 4, conn.send(message.envelope(), &email))
        .await
        .map_err(|e| send_error(config, login.is_some(), e))?;
    // The email is accepted; a failed goodbye changes nothing.
    let _ = step(t, conn.quit()).await;
    Ok(())
}

/// The TLS settings for `host`: public roots, plus the extra development root when configured.
fn tls_parameters(host: &str, settings: &MailSettings) -> Result<TlsParameters, MailError> {
    let mut builder = TlsParameters::builder(host.to_string());
    if let Some(path) = &settings.extra_ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            MailError::Config(format!(
                "{EXTRA_CA_ENV} names {}, which couldn't be read ({e})",
                path.display()
            ))
        })?;
        let not_pem = || {
            MailError::Config(format!(
                "{EXTRA_CA_ENV} names {}, which isn't a PEM certificate",
                path.display()
            ))
        };
        // lettre quietly accepts a file without certificates; an empty trust addition would only
        // show up later as a confusing certificate error.
        if CertificateDer::pem_slice_iter(&pem).next().is_none() {
            return Err(not_pem());
        }
        builder = builder.add_root_certificate(Certificate::from_pem(&pem).map_err(|_| not_pem())?);
    }
    builder
        .build_rustls()
        .map_err(|e| MailError::Config(format!("secure connections couldn't be set up ({e})")))
}

enum StepError {
    TimedOut,
    Smtp(lettre::transport::smtp::Error),
}

async fn step<T>(
    limit: Duration,
    fut: impl Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, StepError> {
    match tokio::time::timeout(limit, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(StepError::Smtp(e)),
        Err(_) => Err(StepError::TimedOut),
    }
}

/// Connecting or securing the connection failed.
fn connect_error(config: &SmtpConfig, t: Duration, e: StepError) -> MailError {
    let server = config.server();
    let silent = || {
        let mut reason = format!("it didn't answer within {}", seconds(t));
        // A STARTTLS client on a TLS-only port waits for a greeting that never comes.
        if config.security == SmtpSecurity::StartTls && config.port == 465 {
            reason.push_str(" (port 465 usually needs the TLS setting, not STARTTLS)");
        }
        reason
    };
    let e = match e {
        StepError::TimedOut => {
            return MailError::Unreachable {
                server,
                reason: silent(),
            }
        }
        StepError::Smtp(e) => e,
    };
    if let Some(tls) = find_rustls_error(&e) {
        return MailError::Tls {
            server,
            reason: tls_reason(tls, config),
        };
    }
    if e.is_tls() {
        return MailError::Tls {
            server,
            reason: e.to_string(),
        };
    }
    if e.is_timeout() {
        return MailError::Unreachable {
            server,
            reason: silent(),
        };
    }
    if let Some(code) = e.status() {
        return MailError::Failed {
            server,
            detail: format!("it answered {}", reply(code, &e)),
        };
    }
    match find_io_error(&e) {
        Some(io) => MailError::Unreachable {
            server,
            reason: io_reason(io),
        },
        None => MailError::Failed {
            server,
            detail: e.to_string(),
        },
    }
}

fn login_error(config: &SmtpConfig, login: &Login, t: Duration, e: StepError) -> MailError {
    let server = config.server();
    let e = match e {
        StepError::TimedOut => {
            return MailError::Unreachable {
                server,
                reason: format!("it stopped answering during login (waited {})", seconds(t)),
            }
        }
        StepError::Smtp(e) => e,
    };
    match e.status() {
        // 538: the server takes this login only over TLS (the loopback "plain" setting).
        Some(code) if code.to_string() == "538" => MailError::Tls {
            server,
            reason: "it only accepts a password over an encrypted connection".into(),
        },
        // 535 (wrong credentials), 534 (Gmail: "app password required"), and the other permanent
        // answers to AUTH (Outlook's "SMTP AUTH is disabled for the tenant"): all mean the login
        // was refused, and the server's words help the owner more than ours would.
        Some(code) if e.is_permanent() => match login {
            Login::Password { username, .. } => MailError::Login {
                username: username.clone(),
                reply: reply(code, &e),
            },
            Login::XOAuth2 {
                provider, username, ..
            } => MailError::SignInRefused {
                provider: provider.to_string(),
                username: username.clone(),
                reply: reply(code, &e),
            },
        },
        Some(code) => MailError::TryLater {
            server,
            reply: reply(code, &e),
        },
        None if e.to_string().contains("authentication mechanism") => MailError::Failed {
            server,
            detail: "it doesn't offer a way to log in that Paydesk knows (PLAIN, LOGIN or XOAUTH2)"
                .into(),
        },
        None => connect_error(config, t, StepError::Smtp(e)),
    }
}

fn send_error(config: &SmtpConfig, logged_in: bool, e: StepError) -> MailError {
    let server = config.server();
    let e = match e {
        StepError::TimedOut => {
            return MailError::Failed {
                server,
                detail: "it stopped answering while the email was being sent, so it may not have \
                         gone out"
                    .into(),
            }
        }
        StepError::Smtp(e) => e,
    };
    match e.status() {
        Some(code) if code.to_string() == "530" && !logged_in => {
            MailError::LoginRequired { server }
        }
        Some(code) if e.is_permanent() => MailError::Rejected {
            server,
            reply: reply(code, &e),
        },
        Some(code) => MailError::TryLater {
            server,
            reply: reply(code, &e),
        },
        None => MailError::Failed {
            server,
            detail: e.to_string(),
        },
    }
}

/// "535 5.7.8 Authentication credentials invalid": the code and the server's own words.
fn reply(
    code: lettre::transport::smtp::response::Code,
    e: &lettre::transport::smtp::Error,
) -> String {
    match e.source() {
        Some(text) => format!("{code} {text}"),
        None => code.to_string(),
    }
}

fn causes<'a>(
    e: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |&e| e.source())
}

/// rustls's error, which tokio-rustls hides inside an `io::Error` (whose `source()` skips it).
fn find_rustls_error(e: &lettre::transport::smtp::Error) -> Option<&rustls::Error> {
    causes(e).find_map(|cause| {
        cause.downcast_ref::<rustls::Error>().or_else(|| {
            cause
                .downcast_ref::<io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        })
    })
}

fn find_io_error(e: &lettre::transport::smtp::Error) -> Option<&io::Error> {
    causes(e).find_map(|cause| cause.downcast_ref::<io::Error>())
}

fn io_reason(io: &io::Error) -> String {
    match io.kind() {
        io::ErrorKind::ConnectionRefused => {
            "nothing is accepting connections on that port (connection refused)".into()
        }
        io::ErrorKind::TimedOut => "it didn't answer in time".into(),
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::UnexpectedEof => {
            format!("it closed the connection ({io})")
        }
        _ if io.to_string().contains("lookup address") => {
            format!("the server's name wasn't found ({io})")
        }
        _ => io.to_string(),
    }
}

fn tls_reason(e: &rustls::Error, config: &SmtpConfig) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => {
                "its certificate isn't signed by an authority this computer trusts".into()
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => format!(
                "its certificate isn't for {} (is the server name right?)",
                config.host
            ),
            C::Expired | C::ExpiredContext { .. } => "its certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "its certificate isn't valid yet (is this computer's clock right?)".into()
            }
            other => format!("its certificate was refused ({other:?})"),
        },
        // Plain SMTP text where a TLS handshake was expected.
        rustls::Error::InvalidMessage(_) if config.security == SmtpSecurity::Tls => {
            "it didn't answer in TLS (ports 587 and 25 usually need the STARTTLS setting)".into()
        }
        other => other.to_string(),
    }
}

/// "1 second", "30 seconds".
fn seconds(t: Duration) -> String {
    match t.as_secs() {
        1 => "1 second".into(),
        n => format!("{n} seconds"),
    }
}
