"""Sending an invoice in the real window, against the Stripe simulator and a real SMTP server on this
computer (aiosmtpd, see mail_sink.py): Send on a draft finalizes it, gives it a pay link, issues its
PDF with that link and emails it; the message that arrives is for the client, with the PDF attached
as INV-<year>-0001.pdf, and the PDF's link annotation is the pay link the window shows; the invoice's
History lists the email."""

import subprocess
import tempfile
from pathlib import Path

from selenium.webdriver.support.ui import WebDriverWait

from steps import add_client, connect_stripe, days_ahead, fill_line, link_url, set_up_business

BUSINESS = "Atelier Lumière"
CLIENT = "Zoë Øster"
CLIENT_EMAIL = "zoe@example.com"
FROM = "studio@example.com"
PLAIN = "None — only for a server on this computer"


def set_up_email(app, port: int) -> None:
    """Settings → Email: the SMTP server on this computer, unencrypted and without a login."""
    app.nav("settings")
    app.wait_text("email-status", "Not set up")
    app.type("email-host", "127.0.0.1")
    app.select("email-security", PLAIN)
    app.type("email-port", str(port))
    app.type("email-from-address", FROM)
    app.click("email-save")
    app.wait_text("email-saved", "Saved.")


def send_outcome(app, timeout: float = 60) -> tuple[str, str]:
    """Waits for the send dialog's confirmation or its error: ("send-result" | "send-error", its text).
    Sending finalizes, makes the pay link at the simulator, renders the PDF and talks SMTP, so this
    waits longer than the usual step."""

    def shown(_):
        for testid in ("send-result", "send-error"):
            found = app.els(testid)
            if found:
                return testid, app.driver.execute_script("return arguments[0].innerText", found[0])
        return None

    return WebDriverWait(app.driver, timeout).until(shown)


def pdf_link_urls(pdf: bytes) -> str:
    """What `pdfinfo -url` lists for the PDF: one line per link annotation, with its URL."""
    with tempfile.TemporaryDirectory(prefix="paydesk-e2e-pdf-") as folder:
        path = Path(folder) / "attachment.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdfinfo", "-url", str(path)], capture_output=True, text=True, check=True).stdout


def test_send_a_draft_with_its_pdf_and_pay_link(stripe_sim, smtp_server, app):
    set_up_business(app, BUSINESS)
    connect_stripe(app, stripe_sim)
    set_up_email(app, smtp_server.port)
    add_client(app, CLIENT, CLIENT_EMAIL)

    app.nav("invoices")
    app.click("new-invoice")
    app.wait_heading("New invoice")
    app.select("client_id", CLIENT)
    fill_line(app, 0, "Cut & colour", "1", "100.00", "20")
    app.wait_text("total-total", "€120.00")
    app.click("save")
    app.wait_text("saved", "Draft saved.")
    assert app.text_of("send-open") == "Send"

    # The dialog starts with the client's saved address and says what goes with the email.
    app.click("send-open")
    app.wait.until(lambda _: app.els("send-to") and app.els("send-to")[0].get_property("value") == CLIENT_EMAIL)
    assert app.value_of("send-subject") == f"Invoice (numbered when sent) from {BUSINESS}"
    assert app.value_of("send-message").startswith(f"Hello {CLIENT},")
    assert app.text_of("send-attachment").strip().endswith("with the pay link")
    assert "Sending finalizes this draft" in app.text_of("send-finalize-note")
    app.screenshot("send-dialog")

    app.click("send-submit")
    kind, text = send_outcome(app)
    assert kind == "send-result", text
    assert text == f"Sent to {CLIENT_EMAIL}"
    assert not app.els("send-link-warning")
    # Finalized by sending: numbered in the business's year (issued today where the business is).
    number = app.wait_text("invoice-number", "INV-")
    assert number == f"INV-{days_ahead(0).year}-0001"
    assert f"{number}.pdf was attached, with the pay link" in app.text_of("send-result-detail")
    app.screenshot("send-result")
    app.click("send-done")
    app.wait_gone("send-dialog")

    app.wait.until(lambda _: "/pay/plink_" in link_url(app))
    url = link_url(app)
    assert url.startswith(stripe_sim.base_url), url
    assert app.text_of("pay-link-status") == "Active"

    # What reached the mail server: one message, to the client, with the PDF.
    received = smtp_server.wait_for(lambda m: CLIENT_EMAIL in m.rcpt_tos)
    assert len(smtp_server.messages) == 1
    assert received.rcpt_tos == [CLIENT_EMAIL]
    assert received.mail_from == FROM
    assert received.subject == f"Invoice {number} from {BUSINESS}"
    attachments = list(received.message.iter_attachments())
    assert [a.get_filename() for a in attachments] == [f"{number}.pdf"]
    [pdf] = attachments
    assert pdf.get_content_type() == "application/pdf"
    data = pdf.get_content()
    assert data.startswith(b"%PDF-")
    # The PDF's link goes to the pay link the window shows; so does the email's text.
    assert url in pdf_link_urls(data)
    body = received.message.get_body(("plain",)).get_content()
    assert body.startswith(f"Hello {CLIENT},")
    assert f"Pay online: {url}" in body

    # History: the email, and Send became Resend.
    log = app.wait_text("sent-log", CLIENT_EMAIL)
    assert "Sent" in log
    assert len(app.els("sent-log-row")) == 1
    assert app.el("sent-log-row").get_attribute("data-status") == "sent"
    assert app.text_of("send-open") == "Resend"
    # The PDF that went out is version 1.
    app.click("pdf-versions-toggle")
    versions = app.wait_text("pdf-versions", f"{number}.pdf")
    assert "v1" in versions and "with pay link" in versions
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", app.el("sent-log"))
    app.screenshot("send-history")
