"""Settings → Email in the real window, against a real SMTP server on this computer (aiosmtpd, see
mail_sink.py): unencrypted SMTP is refused next to the Security field for a server elsewhere and
accepted for 127.0.0.1; the settings save and read back; a test message reaches the server with the
subject, sender and Message-ID the window reports; and when the server is gone the owner is told so
in words."""

import re

from steps import set_up_business

BUSINESS = "Atelier Lumière"
FROM = "studio@example.com"
OWNER = "owner@example.com"
PLAIN = "None — only for a server on this computer"


def test_set_up_smtp_on_this_computer_and_send_a_test_message(smtp_server, app):
    set_up_business(app, BUSINESS)
    app.wait_text("email-status", "Not set up")
    assert app.value_of("email-port") == "587"
    assert app.el("email-password").get_attribute("type") == "password"

    # Unencrypted to a server elsewhere: refused next to the field, before anything is saved.
    app.type("email-host", "mail.example.com")
    app.select("email-security", PLAIN)
    assert "only allowed to a mail server on this computer" in app.wait_text("error-email-security", "this computer")

    # The same on this computer is fine: no login, the business name as the sender.
    app.type("email-host", "127.0.0.1")
    app.wait_gone("error-email-security")
    app.type("email-port", str(smtp_server.port))
    assert app.value_of("email-username") == ""
    app.type("email-from-address", FROM)
    app.click("email-save")
    app.wait_text("email-saved", "Saved.")
    assert app.wait_text("email-server", f"127.0.0.1:{smtp_server.port}") == f"127.0.0.1:{smtp_server.port} · None (unencrypted)"
    assert app.text_of("email-login") == "No login (the server takes mail without one)"
    assert app.text_of("email-from") == f"{BUSINESS} <{FROM}>"
    assert smtp_server.messages == [], "saving makes no connection"

    # Leaving Settings and coming back reads the same settings back from the app.
    app.nav("dashboard")
    app.nav("settings")
    app.wait_text("email-server", f"127.0.0.1:{smtp_server.port}")

    app.type("email-test-to", OWNER)
    app.click("email-test-send")
    result = app.wait_text("email-test-result", "Test message sent")
    assert app.el("email-test-result").get_attribute("data-ok") == "true"
    assert f"Test message sent to {OWNER} at " in result
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", app.el("email-settings"))
    app.screenshot("email-test-sent")

    received = smtp_server.wait_for(lambda m: OWNER in m.rcpt_tos)
    assert received.rcpt_tos == [OWNER]
    assert received.mail_from == FROM
    assert received.subject == "Paydesk test email"
    sender = received.message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == (BUSINESS, FROM)
    assert received.message["To"].addresses[0].addr_spec == OWNER
    assert f"127.0.0.1:{smtp_server.port}" in received.message.get_body(("plain",)).get_content()
    # The Message-ID the window shows is the one that arrived.
    shown = re.search(r"Message-ID: (<[^>]+>)", result)
    assert shown and shown.group(1) == received.message["Message-ID"].strip()
    assert len(smtp_server.messages) == 1

    # The server goes away: the owner is told which server couldn't be reached, in words.
    smtp_server.stop()
    app.click("email-test-send")
    failed = app.wait_text("email-test-result", "Couldn't reach")
    assert app.el("email-test-result").get_attribute("data-ok") == "false"
    assert f"Couldn't reach 127.0.0.1:{smtp_server.port}" in failed
    assert "Settings → Email" in failed
