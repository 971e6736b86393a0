//! The `paydesk` binary sends an invoice: finalize against the Stripe simulator, a PDF whose link
//! and QR code open the simulator's pay page for exactly the amount due, and an email carrying that
//! PDF on a real SMTP server (aiosmtpd) on loopback. Needs scripts/with-keychain.sh (the Stripe key)
//! and scripts/python-tools.sh (aiosmtpd), as scripts/test.sh provides.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/smtp.rs"]
mod smtp;

use desk::Desk;
use paydesk_system_tests::tool;
use serde_json::Value;

#[test]
fn finalize_pdf_and_email_from_the_command_line() {
    let Some(desk) = Desk::open("send") else {
        return;
    };
    let (sim, smtp, d, base) = (&desk.sim, &desk.smtp, desk.dir(), desk.base());
    let run = |args: &[&str]| desk.run(args);
    run(&[
        "client",
        "add",
        "--name",
        "José Núñez",
        "--email",
        "jose@example.com",
    ]);
    run(&[
        "invoice",
        "create",
        "--client",
        "1",
        "--line",
        "Corte|1|45|20",
    ]);

    let finalized = run(&["invoice", "finalize", "1"]);
    assert_eq!(finalized["number"], "INV-2026-0001");
    let url = finalized["pay_link"]["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(base), "{url}");
    assert_eq!(finalized["pay_link_problem"], Value::Null);

    let pdf = d.join("INV-2026-0001.pdf");
    let written = run(&["invoice", "pdf", "1", "--out", pdf.to_str().unwrap()]);
    assert_eq!(written["pdf"]["version"], 1);
    assert_eq!(
        tool("pdfinfo", &["-url", pdf.to_str().unwrap()])
            .lines()
            .count(),
        2
    );
    assert!(tool("pdfinfo", &["-url", pdf.to_str().unwrap()]).contains(&url));
    let png = d.join("page");
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let qr = tool(
        "zbarimg",
        &["--raw", "-q", d.join("page.png").to_str().unwrap()],
    );
    assert_eq!(qr.trim(), url);
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(
        text.contains("José Núñez") && text.contains("54.00"),
        "{text}"
    );

    let sent = run(&["invoice", "send", "1", "--message", "¡Gracias!"]);
    assert_eq!(sent["email"]["to"], "jose@example.com");
    assert_eq!(sent["email"]["status"], "sent");
    let raw = smtp.first_message();
    let message = String::from_utf8_lossy(&raw);
    assert!(
        message.contains("filename=\"INV-2026-0001.pdf\""),
        "{message}"
    );
    assert!(message.contains(&url));
    let log = run(&["invoice", "emails", "1"]);
    assert_eq!(log.as_array().unwrap().len(), 1);

    // The link on the PDF pays exactly the amount due.
    let session = sim.pay_link(&url, "4242424242424242", None).unwrap();
    assert_eq!(session["amount_total"], 5400);
}
