//! Email, end to end: a real SMTP server (aiosmtpd, tests/smtp/smtp_server.py) on a loopback port per
//! test, real TLS with a certificate authority made for the test, passwords in the real OS keychain.
//! Each received message is read back from the server's .eml file with mail-parser.
//!
//! Needs the venv `scripts/python-tools.sh` makes (target/py-venv, or PAYDESK_PY_VENV); without it the
//! tests fail and say so. Run under `scripts/with-keychain.sh`, like the Stripe connection tests.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use mail_parser::{MessageParser, MimeHeaders};
use paydesk_core::client::ClientInput;
use paydesk_core::mail::settings::PASSWORD_USER;
use paydesk_core::mail::{MailSettings, OAuthSettings, SendStatus, SmtpInput, SmtpSecurity};
use paydesk_core::secret::Secret;
use paydesk_core::{Error, Paydesk};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tempfile::TempDir;

use super::stripe_connection::{keychain_available, private_keychain};
use super::support::{self, line, monday_morning, TestApp};

// ---------------------------------------------------------------------------------------------
// The SMTP server

/// The venv's Python, or a failure that says how to make it.
pub(crate) fn python() -> PathBuf {
    let venv = std::env::var_os("PAYDESK_PY_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/py-venv"));
    let python = venv.join("bin/python");
    assert!(
        python.exists(),
        "the mail tests need a Python venv with aiosmtpd at {}: run scripts/python-tools.sh \
         (scripts/test.sh and CI do), or point PAYDESK_PY_VENV at one",
        venv.display()
    );
    python
}

/// A helper server from tests/smtp/, started with `args`, once it has said "READY <port>". It
/// stops when dropped (and by itself if the test process dies: its stdin closes).
pub(crate) struct Helper {
    pub port: u16,
    child: Child,
}

impl Helper {
    pub(crate) fn start(script: &str, args: &[&std::ffi::OsStr]) -> Helper {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/smtp")
            .join(script);
        let mut child = Command::new(python())
            .arg(path)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start tests/smtp/{script}: {e}"));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut first = String::new();
            let _ = BufReader::new(stdout).read_line(&mut first);
            let _ = tx.send(first);
        });
        let ready = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("{script} didn't say READY within 30 s"));
        let port = ready
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{script} didn't start: {ready:?}"));
        Helper { port, child }
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Default)]
pub(crate) struct ServerOptions<'a> {
    pub starttls: Option<&'a Certs>,
    pub tls: Option<&'a Certs>,
    pub auth: Option<(&'a str, &'a str)>,
    /// (user, access token) for AUTH XOAUTH2.
    pub xoauth2: Option<(&'a str, &'a str)>,
}

pub(crate) struct SmtpServer {
    pub port: u16,
    maildir: TempDir,
    _process: Helper,
}

impl SmtpServer {
    pub(crate) fn start(opts: ServerOptions<'_>) -> SmtpServer {
        let maildir = tempfile::tempdir().unwrap();
        let mut args: Vec<std::ffi::OsString> = vec!["--maildir".into(), maildir.path().into()];
        for (flag, certs) in [("--starttls", opts.starttls), ("--tls", opts.tls)] {
            if let Some(c) = certs {
                args.extend([flag.into(), c.cert.clone().into(), c.key.clone().into()]);
            }
        }
        for (flag, pair) in [("--auth", opts.auth), ("--xoauth2", opts.xoauth2)] {
            if let Some((user, secret)) = pair {
                args.extend([flag.into(), format!("{user}:{secret}").into()]);
            }
        }
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let process = Helper::start("smtp_server.py", &args);
        SmtpServer {
            port: process.port,
            maildir,
            _process: process,
        }
    }

    /// The messages received so far, oldest first: (raw .eml bytes, envelope JSON).
    pub(crate) fn received(&self) -> Vec<(Vec<u8>, serde_json::Value)> {
        let mut out = vec![];
        for n in 1.. {
            let eml = self.maildir.path().join(format!("{n}.eml"));
            if !eml.exists() {
                break;
            }
            let meta = std::fs::read(self.maildir.path().join(format!("{n}.json"))).unwrap();
            out.push((
                std::fs::read(eml).unwrap(),
                serde_json::from_slice(&meta).unwrap(),
            ));
        }
        out
    }
}

/// A certificate authority made for one test, and a certificate for `localhost` it signed.
pub(crate) struct Certs {
    _dir: TempDir,
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Certs {
    pub(crate) fn new() -> Certs {
        let dir = tempfile::tempdir().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "Paydesk test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &ca).unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::write(path("ca.pem"), ca.pem()).unwrap();
        std::fs::write(path("cert.pem"), cert.pem()).unwrap();
        std::fs::write(path("key.pem"), key.serialize_pem()).unwrap();
        Certs {
            ca: path("ca.pem"),
            cert: path("cert.pem"),
            key: path("key.pem"),
            _dir: dir,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Paydesk's side

pub(crate) fn mail_settings(ca: Option<&Certs>) -> MailSettings {
    MailSettings {
        keychain: private_keychain(),
        timeout: Duration::from_secs(10),
        extra_ca_file: ca.map(|c| c.ca.clone()),
        oauth: OAuthSettings::from_vars(|_| None),
    }
}

pub(crate) fn smtp(port: u16, security: SmtpSecurity, username: &str) -> SmtpInput {
    SmtpInput {
        host: "localhost".into(),
        port: u32::from(port),
        security,
        username: username.into(),
        from_name: "Zoë Øster".into(),
        from_address: "zoe@salon.example".into(),
        reply_to: Some("desk@salon.example".into()),
    }
}

/// A finalized invoice for a client whose saved address is `email`.
async fn invoice_for(app: &Paydesk, client: &str, email: &str) -> i64 {
    let client_id = app
        .create_client(&ClientInput {
            name: client.into(),
            email: email.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let draft = app
        .create_invoice(&support::invoice_input(
            client_id,
            vec![line("Coupe et couleur", "1", "120.00", "20")],
        ))
        .await
        .unwrap();
    app.finalize_invoice(draft.id).await.unwrap().id
}

/// Bytes that start like a PDF and hold every byte value, so any encoding slip shows.
fn pdf_bytes() -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend(0..=255u8);
    pdf.extend(b"\n%%EOF\n");
    pdf
}

/// A loopback port nothing listens on.
pub(crate) fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

pub(crate) fn code(e: &Error) -> &'static str {
    e.code()
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn an_invoice_email_arrives_with_its_pdf_pay_link_and_headers() {
    let server = SmtpServer::start(ServerOptions::default());
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(mail_settings(None));
    mail.configure_smtp(&smtp(server.port, SmtpSecurity::Plain, ""), None)
        .await
        .unwrap();
    let id = invoice_for(&app, "Zoë Øster", "zoe.oster@example.com").await;
    let before = app.invoice(id).await.unwrap();
    let draft = mail.invoice_email_draft(id).await.unwrap();
    assert_eq!(draft.to, "zoe.oster@example.com");
    assert_eq!(draft.subject, "Invoice INV-2026-0001 from Salon Zoë");

    let pay_url = "https://pay.example/c/pay/cs_test_123?x=1&y=2";
    let sent = mail
        .send_invoice_email(
            id,
            None,
            "Bonjour Zoë,\nmerci pour votre visite !".into(),
            Some(pay_url.into()),
            pdf_bytes(),
        )
        .await
        .unwrap();
    assert_eq!(sent.status, SendStatus::Sent);
    assert_eq!(sent.to, "zoe.oster@example.com");

    let received = server.received();
    assert_eq!(received.len(), 1);
    let (raw, envelope) = &received[0];
    assert!(raw.is_ascii(), "headers and bodies are encoded to ASCII");
    let head = String::from_utf8_lossy(raw);
    assert!(
        head.contains("From: =?utf-8?b?")
            && head.contains("Subject: Invoice INV-2026-0001 from Salon =?utf-8?"),
        "non-ASCII names are RFC 2047 encoded words: {head}"
    );
    assert_eq!(envelope["mail_from"], "zoe@salon.example");
    assert_eq!(envelope["rcpt_tos"][0], "zoe.oster@example.com");

    let email = MessageParser::default().parse(raw).unwrap();
    assert_eq!(
        email.subject(),
        Some("Invoice INV-2026-0001 from Salon Zoë")
    );
    let from = email.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Zoë Øster"));
    assert_eq!(from.address(), Some("zoe@salon.example"));
    let to = email.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("zoe.oster@example.com"));
    assert_eq!(
        email.reply_to().unwrap().first().unwrap().address(),
        Some("desk@salon.example")
    );
    let message_id = sent.message_id.clone().unwrap();
    assert_eq!(
        email.message_id(),
        Some(message_id.trim_matches(|c| c == '<' || c == '>'))
    );
    assert!(message_id.ends_with("@salon.example>"), "{message_id}");
    let date = email.date().unwrap();
    assert_eq!(
        DateTime::<Utc>::from_timestamp(date.to_timestamp(), 0).unwrap(),
        monday_morning(),
        "the Date header is the app's clock"
    );

    let text = email.body_text(0).unwrap();
    assert!(text.contains("merci pour votre visite"), "{text}");
    assert!(text.contains(&format!("Pay online: {pay_url}")), "{text}");
    assert!(text.contains("Amount due: 144.00 EUR"), "{text}");
    let html = email.body_html(0).unwrap();
    assert!(
        html.contains("href=\"https://pay.example/c/pay/cs_test_123?x=1&amp;y=2\""),
        "{html}"
    );

    let attachments: Vec<_> = email.attachments().collect();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].attachment_name(), Some("INV-2026-0001.pdf"));
    let ct = attachments[0].content_type().unwrap();
    assert_eq!((ct.ctype(), ct.subtype()), ("application", Some("pdf")));
    assert_eq!(attachments[0].contents(), pdf_bytes().as_slice());

    let log = mail.sent_emails(id).await.unwrap();
    assert_eq!(log, vec![sent]);
    assert_eq!(
        app.invoice(id).await.unwrap(),
        before,
        "sending changes no invoice"
    );
}

#[tokio::test]
async fn starttls_and_login_use_the_password_from_the_keychain() {
    if !keychain_available() {
        return;
    }
    let certs = Certs::new();
    let password = "correct horse battery staple";
    let server = SmtpServer::start(ServerOptions {
        starttls: Some(&certs),
        auth: Some(("zoe@salon.example", password)),
        ..Default::default()
    });
    let TestApp { app, dir, .. } = support::app().await;
    let settings = mail_settings(Some(&certs));
    let mail = app.mail_with(settings.clone());
    let shown = mail
        .configure_smtp(
            &smtp(server.port, SmtpSecurity::StartTls, "zoe@salon.example"),
            Some(Secret::new(password)),
        )
        .await
        .unwrap();
    assert!(shown.password_stored);
    assert!(!format!("{shown:?}").contains(password));

    let message_id = mail.send_test("owner@example.com").await.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    let (raw, envelope) = &received[0];
    assert_eq!(envelope["tls"], true, "sent after STARTTLS");
    assert_eq!(envelope["auth_login"], "zoe@salon.example");
    let email = MessageParser::default().parse(raw).unwrap();
    assert_eq!(email.subject(), Some("Paydesk test email"));
    assert_eq!(
        email.message_id(),
        Some(message_id.trim_matches(['<', '>']))
    );

    // The password is in the keychain and nowhere in the database's files.
    let stored = settings.keychain.load_secret(PASSWORD_USER).await.unwrap();
    assert_eq!(stored.unwrap().expose(), password);
    app.database().pool().close().await;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(
            !bytes
                .windows(password.len())
                .any(|w| w == password.as_bytes()),
            "the password is in a database file"
        );
    }
    settings
        .keychain
        .delete_secret(PASSWORD_USER)
        .await
        .unwrap();
}

#[tokio::test]
async fn implicit_tls_works_too() {
    let certs = Certs::new();
    let server = SmtpServer::start(ServerOptions {
        tls: Some(&certs),
        ..Default::default()
    });
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(mail_settings(Some(&certs)));
    mail.configure_smtp(&smtp(server.port, SmtpSecurity::Tls, ""), None)
        .await
        .unwrap();
    mail.send_test("owner@example.com").await.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].1["tls"], true);
}

#[tokio::test]
async fn a_wrong_password_is_a_login_error_and_a_failed_log_row() {
    if !keychain_available() {
        return;
    }
    let certs = Certs::new();
    let server = SmtpServer::start(ServerOptions {
        starttls: Some(&certs),
        auth: Some(("zoe@salon.example", "the-right-one")),
        ..Default::default()
    });
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let settings = mail_settings(Some(&certs));
    let mail = app.mail_with(settings.clone());
    let wrong = "hunter2-wrong";
    mail.configure_smtp(
        &smtp(server.port, SmtpSecurity::StartTls, "zoe@salon.example"),
        Some(Secret::new(wrong)),
    )
    .await
    .unwrap();
    let id = invoice_for(&app, "Zoë Øster", "zoe.oster@example.com").await;
    let before = app.invoice(id).await.unwrap();

    let e = mail
        .send_invoice_email(id, None, "Hello".into(), None, pdf_bytes())
        .await
        .unwrap_err();
    assert_eq!(code(&e), "mail_login");
    let message = e.to_string();
    assert!(
        message.starts_with("The mail server refused the username or password"),
        "{message}"
    );
    assert!(message.contains("535"), "{message}");
    assert!(!message.contains(wrong) && !format!("{e:?}").contains(wrong));

    let log = mail.sent_emails(id).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, SendStatus::Failed);
    assert_eq!(log[0].error.as_deref(), Some(message.as_str()));
    assert_eq!(log[0].message_id, None);
    assert!(server.received().is_empty());
    assert_eq!(app.invoice(id).await.unwrap(), before);
    settings
        .keychain
        .delete_secret(PASSWORD_USER)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_server_that_is_down_is_a_reach_error() {
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(mail_settings(None));
    let port = closed_port();
    mail.configure_smtp(&smtp(port, SmtpSecurity::Plain, ""), None)
        .await
        .unwrap();
    let id = invoice_for(&app, "Zoë Øster", "zoe.oster@example.com").await;

    let e = mail
        .send_invoice_email(id, None, String::new(), None, pdf_bytes())
        .await
        .unwrap_err();
    assert_eq!(code(&e), "mail_unreachable");
    let message = e.to_string();
    assert!(
        message.starts_with(&format!("Couldn't reach localhost:{port}:")),
        "{message}"
    );
    assert!(message.contains("connection refused"), "{message}");
    let log = mail.sent_emails(id).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, SendStatus::Failed);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // Accepts the connection (the kernel does) and never says a word.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(MailSettings {
        timeout: Duration::from_secs(1),
        ..mail_settings(None)
    });
    mail.configure_smtp(&smtp(port, SmtpSecurity::Plain, ""), None)
        .await
        .unwrap();
    let e = mail.send_test("owner@example.com").await.unwrap_err();
    assert_eq!(code(&e), "mail_unreachable");
    assert!(
        e.to_string().starts_with(&format!(
            "Couldn't reach localhost:{port}: it didn't answer within 1 second."
        )),
        "{e}"
    );
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_error() {
    let certs = Certs::new();
    let server = SmtpServer::start(ServerOptions {
        starttls: Some(&certs),
        ..Default::default()
    });
    let TestApp { app, dir: _dir, .. } = support::app().await;
    // Only the public roots: the test CA isn't among them.
    let mail = app.mail_with(mail_settings(None));
    mail.configure_smtp(&smtp(server.port, SmtpSecurity::StartTls, ""), None)
        .await
        .unwrap();
    let e = mail.send_test("owner@example.com").await.unwrap_err();
    assert_eq!(code(&e), "mail_tls");
    assert!(
        e.to_string().starts_with(&format!(
            "Couldn't make a secure connection to localhost:{}: its certificate isn't signed by \
             an authority this computer trusts.",
            server.port
        )),
        "{e}"
    );
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn an_invalid_recipient_is_refused_before_any_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(mail_settings(None));
    mail.configure_smtp(&smtp(port, SmtpSecurity::Plain, ""), None)
        .await
        .unwrap();
    let id = invoice_for(&app, "Zoë Øster", "zoe.oster@example.com").await;
    let no_email = invoice_for(&app, "Ana", "").await;

    for to in [
        "zoe.oster@",
        "zoe oster@example.com",
        "two@@example.com",
        " ",
    ] {
        let e = mail
            .send_invoice_email(id, Some(to.into()), String::new(), None, pdf_bytes())
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("to"), "{to:?}: {e}");
    }
    let e = mail
        .send_invoice_email(no_email, None, String::new(), None, pdf_bytes())
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("to"));
    assert!(
        e.to_string().starts_with("Ana has no email address saved."),
        "{e}"
    );
    let e = mail.send_test("owner@").await.unwrap_err();
    assert_eq!(e.field(), Some("to"));

    assert!(
        listener.accept().is_err(),
        "no connection was made to the mail server"
    );
    assert!(
        mail.sent_emails(id).await.unwrap().is_empty(),
        "bad input logs nothing"
    );
}

#[tokio::test]
async fn sending_before_email_is_set_up_says_where_to_set_it_up() {
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(mail_settings(None));
    assert_eq!(mail.email_settings().await.unwrap(), None);
    let e = mail.send_test("owner@example.com").await.unwrap_err();
    assert_eq!(e.to_string(), "Set up email in Settings → Email first.");
    assert_eq!(code(&e), "mail_not_configured");
    let id = invoice_for(&app, "Zoë Øster", "zoe.oster@example.com").await;
    let e = mail
        .send_invoice_email(id, None, String::new(), None, pdf_bytes())
        .await
        .unwrap_err();
    assert_eq!(code(&e), "mail_not_configured");
    assert!(mail.sent_emails(id).await.unwrap().is_empty());
}

#[tokio::test]
async fn drafts_and_void_invoices_are_not_sent() {
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(mail_settings(None));
    mail.configure_smtp(&smtp(closed_port(), SmtpSecurity::Plain, ""), None)
        .await
        .unwrap();
    let client = support::client(&app, "Zoë").await;
    let draft = app
        .create_invoice(&support::invoice_input(
            client,
            vec![line("Coupe", "1", "40", "0")],
        ))
        .await
        .unwrap();
    let e = mail
        .send_invoice_email(
            draft.id,
            Some("zoe@example.com".into()),
            String::new(),
            None,
            pdf_bytes(),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&e), "conflict");
    assert!(e.to_string().contains("is a draft"), "{e}");

    let void = invoice_for(&app, "Ana", "ana@example.com").await;
    app.void_invoice(void).await.unwrap();
    let e = mail
        .send_invoice_email(void, None, String::new(), None, pdf_bytes())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is void"), "{e}");

    let open = invoice_for(&app, "Lou", "lou@example.com").await;
    let e = mail
        .send_invoice_email(open, None, String::new(), None, b"not a pdf".to_vec())
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("pdf"));
    let e = mail
        .send_invoice_email(
            open,
            None,
            String::new(),
            Some("pay.example".into()),
            pdf_bytes(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("pay_url"));
    let e = mail.sent_emails(999).await.unwrap_err();
    assert_eq!(code(&e), "not_found");
}

#[tokio::test]
async fn settings_are_validated_shown_without_the_password_and_disconnected() {
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let mail = app.mail_with(mail_settings(None));

    // Plain across the network is refused, and nothing is stored.
    let remote_plain = SmtpInput {
        host: "smtp.example.com".into(),
        ..smtp(25, SmtpSecurity::Plain, "")
    };
    let e = mail.configure_smtp(&remote_plain, None).await.unwrap_err();
    assert_eq!(e.field(), Some("security"));
    let e = mail
        .configure_smtp(
            &SmtpInput {
                port: 0,
                ..smtp(25, SmtpSecurity::Tls, "")
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("port"));
    let e = mail
        .configure_smtp(
            &SmtpInput {
                from_address: "zoe@salon".into(),
                ..smtp(587, SmtpSecurity::StartTls, "")
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("from_address"));
    // A password needs a user name; a user name needs a password.
    let e = mail
        .configure_smtp(
            &smtp(587, SmtpSecurity::StartTls, ""),
            Some(Secret::new("pw")),
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("username"));
    assert_eq!(mail.email_settings().await.unwrap(), None);

    let shown = mail
        .configure_smtp(&smtp(587, SmtpSecurity::StartTls, ""), None)
        .await
        .unwrap();
    assert_eq!(shown.host, "localhost");
    assert_eq!(shown.port, 587);
    assert_eq!(shown.security, SmtpSecurity::StartTls);
    assert_eq!(shown.from_name, "Zoë Øster");
    assert_eq!(shown.reply_to.as_deref(), Some("desk@salon.example"));
    assert!(!shown.password_stored);
    assert_eq!(shown.updated_at, monday_morning());
    assert_eq!(mail.email_settings().await.unwrap(), Some(shown));

    assert!(mail.disconnect().await.unwrap());
    assert_eq!(mail.email_settings().await.unwrap(), None);
    assert!(!mail.disconnect().await.unwrap());
}

#[tokio::test]
async fn the_password_is_kept_replaced_and_removed_in_the_keychain() {
    if !keychain_available() {
        return;
    }
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let settings = mail_settings(None);
    let mail = app.mail_with(settings.clone());
    let input = smtp(587, SmtpSecurity::StartTls, "zoe@salon.example");

    let e = mail.configure_smtp(&input, None).await.unwrap_err();
    assert_eq!(e.field(), Some("password"), "a login needs a password");
    mail.configure_smtp(&input, Some(Secret::new("first")))
        .await
        .unwrap();
    // Leaving the password out keeps the saved one.
    let kept = mail
        .configure_smtp(
            &SmtpInput {
                port: 2525,
                ..input.clone()
            },
            None,
        )
        .await
        .unwrap();
    assert!(kept.password_stored);
    let load = || async { settings.keychain.load_secret(PASSWORD_USER).await.unwrap() };
    assert_eq!(load().await.unwrap().expose(), "first");
    mail.configure_smtp(&input, Some(Secret::new("second")))
        .await
        .unwrap();
    assert_eq!(load().await.unwrap().expose(), "second");

    let shown = mail.email_settings().await.unwrap().unwrap();
    assert!(shown.password_stored);
    assert!(!format!("{shown:?}").contains("second"));

    assert!(mail.disconnect().await.unwrap());
    assert!(load().await.is_none(), "disconnect removes the password");
}

#[tokio::test]
async fn a_missing_extra_root_file_is_a_settings_error() {
    let TestApp { app, dir: _dir, .. } = support::app().await;
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("not-a-cert.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    for file in [not_pem, dir.path().join("missing.pem")] {
        let mail = app.mail_with(MailSettings {
            extra_ca_file: Some(file),
            ..mail_settings(None)
        });
        mail.configure_smtp(&smtp(closed_port(), SmtpSecurity::StartTls, ""), None)
            .await
            .unwrap();
        let e = mail.send_test("owner@example.com").await.unwrap_err();
        assert_eq!(code(&e), "mail_config", "{e}");
        assert!(e.to_string().contains("PAYDESK_SMTP_EXTRA_CA_FILE"), "{e}");
    }
}
