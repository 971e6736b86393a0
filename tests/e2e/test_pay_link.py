"""Pay online in the real window, against the Stripe simulator: finalizing an invoice gives it a pay
link for the amount due; a partial payment replaces the link with one for what is left (the old one
is switched off at Stripe and kept in the history); paying the rest switches the last one off."""

import urllib.error
import urllib.request

from selenium.webdriver.common.by import By

from steps import add_client, connect_stripe, fill_line, link_url, set_up_business

CLIENT = "Zoë Øster"


def pay_page_status(url: str) -> int:
    """What the simulator's hosted pay page answers: 200 while the link takes payments, 410 once off."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def record_payment(app, amount: str) -> None:
    app.click("record-payment")
    app.type("amount", amount)
    app.click("save-payment")
    app.wait_gone("save-payment")


def test_pay_link_follows_the_amount_due(stripe_sim, app):
    set_up_business(app)
    connect_stripe(app, stripe_sim)
    add_client(app, CLIENT, "zoe@example.com")

    app.nav("invoices")
    app.click("new-invoice")
    app.wait_heading("New invoice")
    app.select("client_id", CLIENT)
    fill_line(app, 0, "Cut & colour", "1", "100.00", "20")
    app.wait_text("total-total", "€120.00")
    app.click("save")
    app.wait_text("saved", "Draft saved.")
    # Stripe is connected, so a draft offers a link but doesn't make one unasked.
    app.el("pay-link-add")
    assert not app.els("pay-link-url")

    app.click("finalize")
    app.wait_text("invoice-number", "INV-")
    app.wait.until(lambda _: "/pay/plink_" in link_url(app))
    first = link_url(app)
    assert first.startswith(stripe_sim.base_url), first
    assert app.text_of("pay-link-status") == "Active"
    assert app.text_of("pay-link-amount") == "€120.00"
    assert app.el("pay-link-url").get_attribute("readonly") is not None
    assert not app.els("pay-link-problem")
    assert not app.els("pay-link-history")
    assert pay_page_status(first) == 200
    # Copy either reaches the clipboard or selects the address for Ctrl+C.
    app.click("pay-link-copy")
    app.wait.until(lambda _: app.els("pay-link-copied") or app.els("pay-link-select-hint"))
    app.screenshot("pay-link-active")

    # A partial payment: the link is replaced by one for what is left.
    record_payment(app, "50")
    app.wait_text("status", "Partially paid")
    app.wait.until(lambda _: "/pay/plink_" in link_url(app) and link_url(app) != first)
    second = link_url(app)
    app.wait_text("pay-link-amount", "€70.00")
    assert app.text_of("pay-link-status") == "Active"
    assert pay_page_status(first) == 410, "the old link was switched off at Stripe"
    assert pay_page_status(second) == 200

    app.click("pay-link-history-toggle")
    history = app.wait_text("pay-link-history", "Deactivated")
    assert "€120.00" in history and first in history
    assert len(app.els("pay-link-history-row")) == 1
    app.screenshot("pay-link-replaced")

    # Paid in full: no live link is left.
    record_payment(app, "70")
    app.wait_text("status", "Paid")
    app.el("pay-link-none")
    assert not app.els("pay-link-url")
    assert pay_page_status(second) == 410
    assert len(app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="pay-link-history-row"]')) == 2
