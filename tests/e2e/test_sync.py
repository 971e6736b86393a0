"""Getting paid without webhooks, in the real window against the Stripe simulator: a finalized
invoice's pay link is paid on the simulator's hosted page (posted over HTTP, as a client's browser
would), "Sync now" in Settings → Stripe brings the payment in (unless the background poller, hot
because a live link was on screen, got there first), the sidebar counts the new activity, the
Dashboard's "Recent activity" says who paid which invoice, and its item opens the invoice, Paid,
with Stripe's fee and net."""

import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from steps import add_client, connect_stripe, fill_line, link_url, set_up_business

CLIENT = "Zoë Øster"
EMAIL = "zoe@example.com"
# What "Sync now" says when its pass is done, whichever way it went.
SYNC_DONE = ("applied", "Up to date", "Couldn't")


def pay_on_hosted_page(url: str, card: str = "4242 4242 4242 4242") -> str:
    """Pays a pay link on the simulator's hosted page: loads the form, then posts it the way a
    browser does (urlencoded, spaces as +). Returns the page it answers with."""
    with urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200, page.status
        assert '<form method="post"' in page.read().decode(), "the link's pay page has its form"
    body = urllib.parse.urlencode({"email": EMAIL, "card": card, "method": "card"}).encode()
    post = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(post, timeout=10) as answer:
        assert answer.status == 200, answer.status
        return answer.read().decode()


def sync_result(app) -> str:
    """Presses "Sync now" in Settings → Stripe and waits for what it says."""
    app.click("sync-now")
    app.wait.until(lambda _: any(w in (app._text_now("sync-result") or "") for w in SYNC_DONE))
    return app.text_of("sync-result")


def test_a_paid_link_is_synced_to_paid_with_activity(stripe_sim, app):
    set_up_business(app)
    connect_stripe(app, stripe_sim)
    # Connected: Settings → Stripe has the payments sync under the tile.
    app.wait_text("stripe-sync", "Payments sync")
    app.el("sync-now")
    add_client(app, CLIENT, EMAIL)

    app.nav("invoices")
    app.click("new-invoice")
    app.wait_heading("New invoice")
    app.select("client_id", CLIENT)
    fill_line(app, 0, "Cut & colour", "1", "100.00", "20")
    app.wait_text("total-total", "€120.00")
    app.click("save")
    app.wait_text("saved", "Draft saved.")
    app.click("finalize")
    number = app.wait_text("invoice-number", "INV-").strip()
    app.wait.until(lambda _: "/pay/plink_" in link_url(app))
    url = link_url(app)
    assert url.startswith(stripe_sim.base_url), url
    invoice_hash = app.driver.execute_script("return location.hash")
    assert invoice_hash.startswith("#/invoices/"), invoice_hash
    assert app.text_of("status") == "Open"
    assert not app.els("stripe-payments"), "no Stripe payment yet"

    # The client pays the link in their browser; Paydesk learns of it only by asking Stripe.
    answer = pay_on_hosted_page(url)
    assert "Payment succeeded" in answer or "Thank you" in answer, answer

    app.nav("settings")
    result = sync_result(app)
    assert "Couldn't" not in result, result
    app.wait_text("sync-last-checked-test", "Last checked")
    assert "Stripe requests today:" in app.text_of("sync-reads-test")
    assert not app.els("sync-problem-test")
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", app.el("stripe-sync"))
    app.screenshot("sync-settings")

    # The payment is news: the sidebar counts it until the owner looks at the Dashboard.
    app.el("unread-count")
    app.nav("dashboard")
    activity = app.wait_text("activity", f"paid {number}")
    assert CLIENT in activity and "€120.00" in activity, activity
    app.wait_gone("unread-count")
    app.screenshot("sync-activity")

    # The activity item opens the invoice: paid through Stripe, with what Stripe kept.
    item = f'//section[@data-testid="activity"]//a[@data-testid="activity-message"][contains(., "paid {number}")]'
    app.wait.until(EC.element_to_be_clickable((By.XPATH, item))).click()
    app.wait.until(lambda d: d.execute_script("return location.hash") == invoice_hash)
    app.wait_text("invoice-number", number)
    app.wait_text("status", "Paid")
    assert app.text_of("amount-due") == "€0.00"
    app.wait_text("stripe-payment-status", "Succeeded")
    assert "•••• 4242" in app.text_of("stripe-payment-method")
    # 120.00 EUR at the simulator's 1.5 % + 0.25: fee 2.05, net 117.95.
    assert app.wait_text("stripe-payment-fee", "Fee €2.05") == "Fee €2.05 · Net €117.95"
    assert app.els("stripe-receipt"), "Stripe's receipt can be opened"
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", app.el("stripe-payments"))
    app.screenshot("sync-invoice-paid")
