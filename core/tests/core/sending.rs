//! Sending an invoice end to end: a draft is finalized, gets a pay link from the Stripe simulator,
//! is issued as a PDF whose link and QR code open the simulator's pay page for exactly the amount
//! due, and arrives as an email on a real SMTP server on loopback. Run under
//! scripts/with-keychain.sh with the Python tools installed (scripts/python-tools.sh).

use mail_parser::{MessageParser, MimeHeaders};
use paydesk_core::client::ClientInput;
use paydesk_core::invoice::{InvoiceState, InvoiceStatus};
use paydesk_core::mail::{Mail, SmtpSecurity};
use paydesk_core::payment::{PaymentInput, PaymentMethod};
use paydesk_core::sending::SendInvoiceInput;
use paydesk_core::Paydesk;

use crate::mail::{mail_settings, smtp, ServerOptions, SmtpServer};
use crate::pay_links::shop;
use crate::pdf::{qpdf_ok, qr_on_first_page, save, text, urls};
use crate::support::{d, invoice_input, line, snapshot};

async fn draft_for_zoe(app: &Paydesk, email: &str) -> i64 {
    let zoe = app
        .create_client(&ClientInput {
            name: "Zoë Øster".into(),
            email: email.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    app.create_invoice(&invoice_input(
        zoe,
        vec![
            line("Coupe et couleur", "1", "100.00", "20"),
            line("Soin", "1", "17.98", "0"),
        ],
    ))
    .await
    .unwrap()
    .id
}

async fn mail_on(app: &Paydesk, server: &SmtpServer) -> Mail {
    let mail = app.mail_with(mail_settings(None));
    mail.configure_smtp(&smtp(server.port, SmtpSecurity::Plain, ""), None)
        .await
        .unwrap();
    mail
}

#[tokio::test]
async fn a_sent_invoice_arrives_with_a_pdf_whose_link_and_qr_pay_exactly_the_amount_due() {
    let Some(shop) = shop().await else { return };
    let server = SmtpServer::start(ServerOptions::default());
    let app = &shop.t.app;
    let mail = mail_on(app, &server).await;
    let id = draft_for_zoe(app, "zoe.oster@example.com").await;

    let sent = app
        .send_invoice(&shop.stripe(), &mail, id, &SendInvoiceInput::default())
        .await
        .unwrap();
    assert_eq!(sent.invoice.number.as_deref(), Some("INV-2026-0001"));
    assert_eq!(sent.invoice.state, InvoiceState::Open);
    assert_eq!(sent.pay_link_problem, None);
    let link = sent.pay_link.clone().unwrap();
    let url = link.url.clone().unwrap();
    assert_eq!(link.amount.amount(), d("137.98"));
    assert_eq!(
        (sent.pdf.version, sent.pdf.file_name.as_str()),
        (1, "INV-2026-0001.pdf")
    );

    // The email on the server carries exactly the issued PDF, and the link in its text.
    let received = server.received();
    assert_eq!(received.len(), 1);
    let email = MessageParser::default().parse(&received[0].0).unwrap();
    assert_eq!(
        email.subject(),
        Some("Invoice INV-2026-0001 from Salon Zoë")
    );
    let attachment = email.attachments().next().expect("a PDF attached");
    assert_eq!(attachment.attachment_name(), Some("INV-2026-0001.pdf"));
    assert_eq!(attachment.contents(), sent.pdf.bytes.as_slice());
    assert!(email.body_text(0).unwrap().contains(&url));

    // The PDF, read back by real tools: number, client, amount due, the link and its QR code.
    let dir = tempfile::tempdir().unwrap();
    let pdf = save(dir.path(), "sent.pdf", attachment.contents());
    qpdf_ok(&pdf);
    let words = text(&pdf);
    for expected in ["INV-2026-0001", "Zoë Øster", "137,98", "Pay online"] {
        assert!(
            words.contains(expected),
            "{expected:?} missing from:\n{words}"
        );
    }
    assert_eq!(urls(&pdf), vec![url.clone()]);
    assert_eq!(qr_on_first_page(&pdf).as_deref(), Some(url.as_str()));
    assert!(url.starts_with(&shop.sim.base_url()), "{url}");

    // The simulator's pay page asks for exactly the amount due.
    let session = shop.sim.pay_link(&url, "4242424242424242", None).unwrap();
    assert_eq!(session["amount_total"], 13798);
    assert_eq!(session["currency"], "eur");

    let log = mail.sent_emails(id).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].message_id.as_deref().map(|m| m.starts_with('<')),
        Some(true)
    );
}

#[tokio::test]
async fn a_new_balance_issues_a_new_pdf_version_with_the_new_link_and_keeps_the_old_one() {
    let Some(shop) = shop().await else { return };
    let server = SmtpServer::start(ServerOptions::default());
    let app = &shop.t.app;
    let mail = mail_on(app, &server).await;
    let id = draft_for_zoe(app, "zoe.oster@example.com").await;
    let first = app
        .send_invoice(&shop.stripe(), &mail, id, &SendInvoiceInput::default())
        .await
        .unwrap();

    // Nothing changed: the same version, byte for byte.
    let again = app.prepare_pdf(&shop.stripe(), id).await.unwrap();
    assert_eq!(again.pdf.version, 1);
    assert_eq!(again.pdf.bytes, first.pdf.bytes);

    app.record_payment(
        id,
        &PaymentInput {
            amount: d("37.98"),
            method: PaymentMethod::Cash,
            received_on: None,
            reference: String::new(),
        },
    )
    .await
    .unwrap();
    let second = app.prepare_pdf(&shop.stripe(), id).await.unwrap();
    assert_eq!(second.pdf.version, 2);
    assert_eq!(second.pdf.file_name, "INV-2026-0001-v2.pdf");
    let new_url = second.pay_link.unwrap().url.unwrap();
    assert_ne!(Some(new_url.clone()), first.pay_link.unwrap().url);
    let dir = tempfile::tempdir().unwrap();
    let pdf = save(dir.path(), "v2.pdf", &second.pdf.bytes);
    assert_eq!(urls(&pdf), vec![new_url.clone()]);
    assert!(text(&pdf).contains("100,00"), "amount due 100.00 EUR");
    let versions = app.issued_pdfs(id).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
    let session = shop
        .sim
        .pay_link(&new_url, "4242424242424242", None)
        .unwrap();
    assert_eq!(session["amount_total"], 10000);
}

#[tokio::test]
async fn a_bad_address_or_no_email_setup_leaves_the_draft_a_draft() {
    let Some(shop) = shop().await else { return };
    let app = &shop.t.app;
    let id = draft_for_zoe(app, "").await;
    let unconfigured = app.mail_with(mail_settings(None));
    let before = snapshot(app).await;

    let e = app
        .send_invoice(
            &shop.stripe(),
            &unconfigured,
            id,
            &SendInvoiceInput::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Set up email in Settings → Email first.");

    let server = SmtpServer::start(ServerOptions::default());
    let mail = app.mail_with(mail_settings(None));
    let e = app
        .send_invoice(
            &shop.stripe(),
            &mail,
            id,
            &SendInvoiceInput {
                to: Some("zoe at example".into()),
                message: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid", "{e}");
    assert_eq!(
        snapshot(app).await,
        before,
        "nothing written, the draft stays a draft"
    );

    mail.configure_smtp(&smtp(server.port, SmtpSecurity::Plain, ""), None)
        .await
        .unwrap();
    let e = app
        .send_invoice(&shop.stripe(), &mail, id, &SendInvoiceInput::default())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Zoë Øster has no email address saved. Type the address to send to."
    );
    assert_eq!(app.invoice(id).await.unwrap().status, InvoiceStatus::Draft);
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn stripe_unreachable_still_sends_the_invoice_without_a_link_and_says_why() {
    let Some(shop) = shop().await else { return };
    let server = SmtpServer::start(ServerOptions::default());
    let app = &shop.t.app;
    let mail = mail_on(app, &server).await;
    let id = draft_for_zoe(app, "zoe.oster@example.com").await;
    let nowhere = app.stripe_with(paydesk_core::stripe::StripeSettings {
        api_base: "http://127.0.0.1:9/".into(),
        timeout: std::time::Duration::from_millis(300),
        retry: paydesk_core::stripe::retry::RetryPolicy {
            max_attempts: 1,
            ..shop.s.retry.clone()
        },
        ..shop.s.clone()
    });
    let sent = app
        .send_invoice(&nowhere, &mail, id, &SendInvoiceInput::default())
        .await
        .unwrap();
    assert!(sent.pay_link.is_none());
    let problem = sent.pay_link_problem.unwrap();
    assert!(problem.contains("Stripe"), "{problem}");
    let dir = tempfile::tempdir().unwrap();
    let pdf = save(dir.path(), "nolink.pdf", &sent.pdf.bytes);
    assert!(urls(&pdf).is_empty());
    assert_eq!(server.received().len(), 1);

    // Later, with Stripe back, the link is made and the next PDF carries it.
    let later = app.prepare_pdf(&shop.stripe(), id).await.unwrap();
    assert!(later.pay_link.is_some());
    assert_eq!(later.pdf.version, 2);
}
