"""A deposit on a booking in the real window, against the Stripe simulator and a real SMTP server on
this computer: with a 30 % deposit in Settings → Bookings & payments, the new-booking form offers
"Ask for a deposit of €30.00 and email the pay link", ticked; booking with it issues the booking's
invoice and emails the client a pay link for just the deposit (30.00 of 100.00 EUR); the booking
shows "Awaiting deposit" until the client pays the link on the simulator's hosted page and the
payments sync brings it in, then "Deposit paid"."""

import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from steps import (
    add_client,
    add_service,
    add_staff,
    booking_of,
    connect_stripe,
    days_ahead,
    fill_booking,
    open_calendar_on,
    open_move_form,
    set_up_business,
)

CLIENT = "Zoë Øster"
CLIENT_EMAIL = "zoe@example.com"
FROM = "studio@example.com"
STAFF = "Marie Curl"
PLAIN = "None — only for a server on this computer"
# What "Sync now" says when its pass is done, whichever way it went.
SYNC_DONE = ("applied", "Up to date", "Couldn't")


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


def set_deposit_percent(app, percent: str) -> None:
    """Settings → Bookings & payments: a business-wide deposit of `percent` % of the price."""
    app.nav("settings")
    app.select("policy-deposit-kind", "Percentage")
    app.type("policy-deposit-value", percent)
    app.click("policy-save")
    app.wait_text("policy-saved", "Saved.")


def pay_on_hosted_page(url: str, card: str = "4242 4242 4242 4242") -> str:
    """Pays a pay link on the simulator's hosted page, as a client's browser posts its form."""
    with urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200, page.status
        assert '<form method="post"' in page.read().decode(), "the link's pay page has its form"
    body = urllib.parse.urlencode({"email": CLIENT_EMAIL, "card": card, "method": "card"}).encode()
    post = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(post, timeout=10) as answer:
        assert answer.status == 200, answer.status
        return answer.read().decode()


def sync_result(app) -> str:
    """Presses "Sync now" in Settings → Stripe and waits for what it says."""
    app.nav("settings")
    app.click("sync-now")
    app.wait.until(lambda _: any(w in (app._text_now("sync-result") or "") for w in SYNC_DONE))
    return app.text_of("sync-result")


def test_a_deposit_is_asked_emailed_paid_and_synced(stripe_sim, smtp_server, app):
    set_up_business(app)
    connect_stripe(app, stripe_sim)
    set_up_email(app, smtp_server.port)
    set_deposit_percent(app, "30")
    add_client(app, CLIENT, CLIENT_EMAIL)
    # 100.00 EUR without tax: a 30 % deposit is 30.00 EUR.
    add_service(app, "Cut", 45, "100.00", "0")
    add_staff(app, STAFF)

    # Three days ahead: past the 48-hour hold wherever in today the test runs, so an unpaid deposit
    # would release the booking (a booking sooner than that is kept, and offers no "Keep booking").
    day = days_ahead(3)
    open_calendar_on(app, day)
    fill_booking(app, CLIENT, STAFF, "Cut (45 min)", "10:00")
    # The form offers the deposit the policy asks for the service (quoted once it is ticked), ticked.
    label = app.wait_text("booking-ask-deposit-label", "€30.00")
    assert " ".join(label.split()) == "Ask for a deposit of €30.00 and email the pay link", label
    app.wait.until(EC.element_located_to_be_selected((By.CSS_SELECTOR, '[data-testid="booking-ask-deposit"]')))
    app.screenshot("deposit-booking-form")
    app.click("save")
    # Booking asks the deposit and emails it before the form closes.
    saved = app.wait_text("booking-saved", "Deposit request emailed")
    assert saved == f"Booking saved. Deposit request emailed to {CLIENT_EMAIL}.", saved
    app.wait_gone("booking-form")
    assert "10:00–10:45" in booking_of(app, CLIENT)

    # Opened in the calendar, the booking shows the deposit asked, with nothing left to ask.
    open_move_form(app, CLIENT)
    assert app.wait_text("deposit-state", "Awaiting deposit") == "Awaiting deposit"
    assert app.text_of("deposit-amount") == "€30.00 of €100.00"
    number = app.wait_text("deposit-invoice", "INV-").strip()
    assert number == f"INV-{days_ahead(0).year}-0001"
    assert not app.els("deposit-ask")
    assert not app.els("deposit-resend")
    assert not app.els("deposit-error")
    app.el("deposit-keep")
    app.el("deposit-release")
    app.screenshot("deposit-awaiting")

    # The email asks for just the deposit, with the pay link for it.
    received = smtp_server.wait_for(lambda m: CLIENT_EMAIL in m.rcpt_tos)
    assert len(smtp_server.messages) == 1
    body = received.message.get_body(("plain",)).get_content()
    assert "Deposit to confirm your booking: 30.00 EUR (of 100.00 EUR in all)" in body, body
    assert "please pay the deposit of 30.00 EUR" in body, body
    [url] = [line.removeprefix("Pay online: ").strip() for line in body.splitlines() if line.startswith("Pay online: ")]
    assert url.startswith(stripe_sim.base_url) and "/pay/plink_" in url, url

    # The client pays the link; Paydesk learns of it by asking Stripe (Sync now, unless the
    # background poller, hot since the deposit was asked, got there first).
    answer = pay_on_hosted_page(url)
    assert "Payment succeeded" in answer or "Thank you" in answer, answer
    result = sync_result(app)
    assert "Couldn't" not in result, result

    # Back on the booking: the deposit is paid, and nothing is left to keep or release.
    open_calendar_on(app, day)
    open_move_form(app, CLIENT)
    assert app.wait_text("deposit-state", "Deposit paid") == "Deposit paid"
    assert app.text_of("deposit-amount") == "€30.00 of €100.00"
    assert app.text_of("deposit-invoice").strip() == number
    assert not app.els("deposit-keep")
    assert not app.els("deposit-release")
    app.screenshot("deposit-paid")
