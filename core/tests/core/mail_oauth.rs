//! "Sign in with Google" end to end: a local OAuth server (tests/smtp/oauth_server.py) plays Google,
//! a Python "browser" follows the sign-in address back to Paydesk's loopback page, and the SMTP test
//! server only takes AUTH XOAUTH2 with the access token the OAuth server issued. Tokens live in the
//! real keychain (run under scripts/with-keychain.sh).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeDelta;
use paydesk_core::mail::{
    EmailAuth, Mail, OAuthClient, OAuthProvider, OAuthSettings, OAuthSignIn, SmtpSecurity,
};
use paydesk_core::secret::Secret;

use super::mail::{
    closed_port, code, mail_settings, python, smtp, Certs, Helper, ServerOptions, SmtpServer,
};
use super::stripe_connection::keychain_available;
use super::support::{self, TestApp};

const CLIENT_ID: &str = "paydesk-test.apps.example";
const EMAIL: &str = "zoe@gmail.example";

fn oauth_server(extra: &[&str]) -> Helper {
    let mut args = vec![
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        "installed-app-secret",
    ];
    args.extend(extra);
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    Helper::start("oauth_server.py", &args)
}

/// "Google" at the local OAuth server, sending through the local SMTP server.
fn settings(oauth: &Helper, smtp_port: u16) -> OAuthSettings {
    let base = format!("http://127.0.0.1:{}", oauth.port);
    let mut s = OAuthSettings::from_vars(|_| None);
    s.google = OAuthClient {
        client_id: CLIENT_ID.into(),
        client_secret: Some(Secret::new("installed-app-secret")),
        auth_url: format!("{base}/authorize"),
        token_url: format!("{base}/token"),
        extra_auth_params: vec![("access_type".into(), "offline".into())],
        smtp_host: "localhost".into(),
        smtp_port,
        smtp_security: SmtpSecurity::StartTls,
        ..s.google
    };
    s.sign_in_timeout = Duration::from_secs(30);
    s
}

fn sign_in() -> OAuthSignIn {
    OAuthSignIn {
        provider: OAuthProvider::Google,
        email: EMAIL.into(),
        from_name: "Salon Zoë".into(),
        reply_to: None,
    }
}

/// The owner's browser: opens the address (following the provider's redirect back to Paydesk) in
/// the background, and remembers which address it was given.
fn browser(seen: Arc<Mutex<Option<String>>>) -> impl FnOnce(&str) -> Result<(), String> {
    move |url: &str| {
        *seen.lock().unwrap() = Some(url.to_string());
        let python = python();
        let url = url.to_string();
        std::thread::spawn(move || {
            let _ = Command::new(python)
                .args([
                    "-c",
                    "import sys, urllib.request\n\
                     try: urllib.request.urlopen(sys.argv[1], timeout=20).read()\n\
                     except Exception as e: print(e, file=sys.stderr)",
                    &url,
                ])
                .status();
        });
        Ok(())
    }
}

fn post(port: u16, path: &str) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "POST {path} HTTP/1.0\r\nContent-Length: 0\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.0 200"), "{out}");
}

async fn keychain_tokens(mail: &Mail) -> Option<String> {
    mail.settings()
        .keychain
        .load_secret(OAuthProvider::Google.keychain_user())
        .await
        .unwrap()
        .map(|s| s.expose().to_string())
}

#[tokio::test]
async fn signing_in_with_google_sends_with_xoauth2() {
    if !keychain_available() {
        return;
    }
    let certs = Certs::new();
    let oauth = oauth_server(&[]);
    let server = SmtpServer::start(ServerOptions {
        starttls: Some(&certs),
        xoauth2: Some((EMAIL, "access-1")),
        ..Default::default()
    });
    let TestApp { app, dir, .. } = support::app().await;
    let mail = app.mail_with(paydesk_core::mail::MailSettings {
        oauth: settings(&oauth, server.port),
        ..mail_settings(Some(&certs))
    });
    // Earlier password settings are replaced, password and all.
    mail.configure_smtp(
        &smtp(closed_port(), SmtpSecurity::StartTls, "old@example.com"),
        Some(Secret::new("old-password")),
    )
    .await
    .unwrap();

    let seen = Arc::new(Mutex::new(None));
    let shown = mail
        .sign_in_with_oauth(&sign_in(), browser(seen.clone()))
        .await
        .unwrap();
    assert_eq!(shown.auth, EmailAuth::OauthGoogle);
    assert_eq!(
        (shown.host.as_str(), shown.port, shown.security),
        ("localhost", server.port, SmtpSecurity::StartTls)
    );
    assert_eq!(shown.username, EMAIL);
    assert_eq!(shown.from_address, EMAIL);
    assert!(shown.password_stored);
    assert_eq!(mail.email_settings().await.unwrap(), Some(shown));

    let url = seen.lock().unwrap().clone().unwrap();
    for part in [
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "login_hint=zoe%40gmail.example",
        "access_type=offline",
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A",
        "scope=https%3A%2F%2Fmail.google.com%2F",
    ] {
        assert!(url.contains(part), "{part} missing from {url}");
    }

    mail.send_test("owner@example.com").await.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].1["auth_login"], EMAIL);

    let tokens = keychain_tokens(&mail).await.unwrap();
    assert!(tokens.contains("access-1") && tokens.contains("refresh-1"));
    assert!(
        mail.settings()
            .keychain
            .load_secret("smtp-password")
            .await
            .unwrap()
            .is_none(),
        "the old password is gone"
    );
    assert!(mail.disconnect().await.unwrap());
    assert_eq!(keychain_tokens(&mail).await, None);
    app.database().pool().close().await;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(
            !bytes.windows(9).any(|w| w == b"refresh-1"),
            "a token is in the database"
        );
    }
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_a_withdrawn_sign_in_asks_to_sign_in_again() {
    if !keychain_available() {
        return;
    }
    let certs = Certs::new();
    let oauth = oauth_server(&[]);
    // Only the refreshed token opens this server.
    let server = SmtpServer::start(ServerOptions {
        starttls: Some(&certs),
        xoauth2: Some((EMAIL, "access-2")),
        ..Default::default()
    });
    let TestApp {
        app,
        clock,
        dir: _dir,
    } = support::app().await;
    let mail = app.mail_with(paydesk_core::mail::MailSettings {
        oauth: settings(&oauth, server.port),
        ..mail_settings(Some(&certs))
    });
    mail.sign_in_with_oauth(&sign_in(), browser(Arc::default()))
        .await
        .unwrap();

    clock.advance(TimeDelta::hours(2));
    mail.send_test("owner@example.com").await.unwrap();
    assert_eq!(server.received().len(), 1);
    let tokens = keychain_tokens(&mail).await.unwrap();
    assert!(tokens.contains("access-2"), "the new token is kept");
    assert!(
        tokens.contains("refresh-1"),
        "the refresh token is kept when none comes back"
    );

    clock.advance(TimeDelta::hours(2));
    post(oauth.port, "/revoke");
    let e = mail.send_test("owner@example.com").await.unwrap_err();
    assert_eq!(code(&e), "mail_sign_in_needed");
    assert_eq!(
        e.to_string(),
        "Paydesk isn't signed in with Google any more (the sign-in expired or was withdrawn). \
         Sign in with Google again in Settings → Email."
    );
    assert_eq!(server.received().len(), 1);
    mail.disconnect().await.unwrap();
}

#[tokio::test]
async fn a_refused_xoauth2_login_asks_to_sign_in_again_with_that_account() {
    if !keychain_available() {
        return;
    }
    let certs = Certs::new();
    let oauth = oauth_server(&[]);
    let server = SmtpServer::start(ServerOptions {
        starttls: Some(&certs),
        xoauth2: Some((EMAIL, "some-other-token")),
        ..Default::default()
    });
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(paydesk_core::mail::MailSettings {
        oauth: settings(&oauth, server.port),
        ..mail_settings(Some(&certs))
    });
    mail.sign_in_with_oauth(&sign_in(), browser(Arc::default()))
        .await
        .unwrap();
    let e = mail.send_test("owner@example.com").await.unwrap_err();
    assert_eq!(code(&e), "mail_login");
    let message = e.to_string();
    assert!(
        message.starts_with(&format!(
            "The mail server refused the sign-in for {EMAIL}. Sign in with Google again"
        )),
        "{message}"
    );
    assert!(!message.contains("access-1") && !format!("{e:?}").contains("access-1"));
    mail.disconnect().await.unwrap();
}

#[tokio::test]
async fn a_cancelled_sign_in_changes_nothing() {
    let oauth = oauth_server(&["--deny"]);
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(paydesk_core::mail::MailSettings {
        oauth: settings(&oauth, 587),
        ..mail_settings(None)
    });
    let before = mail
        .configure_smtp(&smtp(closed_port(), SmtpSecurity::Plain, ""), None)
        .await
        .unwrap();
    let e = mail
        .sign_in_with_oauth(&sign_in(), browser(Arc::default()))
        .await
        .unwrap_err();
    assert_eq!(code(&e), "mail_sign_in");
    assert_eq!(
        e.to_string(),
        "Signing in with Google didn't work: the sign-in was cancelled."
    );
    assert_eq!(mail.email_settings().await.unwrap(), Some(before));
    if keychain_available() {
        assert_eq!(keychain_tokens(&mail).await, None);
    }
}

#[tokio::test]
async fn sign_in_needs_a_client_id_and_a_browser() {
    let TestApp { app, dir: _dir, .. } = support::app().await;
    // This build has no client IDs (none are set in the environment the settings read).
    let mail = app.mail_with(mail_settings(None));
    let opened = Arc::new(Mutex::new(None));
    let e = mail
        .sign_in_with_oauth(&sign_in(), browser(opened.clone()))
        .await
        .unwrap_err();
    assert_eq!(code(&e), "mail_config");
    assert!(
        e.to_string().contains("isn't available in this build"),
        "{e}"
    );
    assert!(opened.lock().unwrap().is_none(), "no browser was opened");

    let oauth = oauth_server(&[]);
    let mail = app.mail_with(paydesk_core::mail::MailSettings {
        oauth: settings(&oauth, 587),
        ..mail_settings(None)
    });
    let e = mail
        .sign_in_with_oauth(
            &sign_in(),
            |_: &str| Err("no browser installed".to_string()),
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Signing in with Google didn't work: Paydesk couldn't open your web browser (no browser \
         installed)."
    );
    let bad_email = OAuthSignIn {
        email: "zoe@".into(),
        ..sign_in()
    };
    let e = mail
        .sign_in_with_oauth(&bad_email, browser(Arc::default()))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("email"));
    assert_eq!(mail.email_settings().await.unwrap(), None);
}
