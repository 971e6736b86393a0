"""A contractor's job in the real window: a 12,000 EUR (net) contract at 20% tax; a 30% deposit
request becomes a draft invoice for 4,320.00 EUR with tax, and the job shows what is left to ask for."""

from selenium.webdriver.common.by import By

from steps import add_client, set_up_business

CLIENT = "Léa Moreau"


def test_job_deposit_becomes_a_draft_and_the_job_shows_what_is_left(app):
    set_up_business(app)
    add_client(app, CLIENT, "lea@example.com")

    app.nav("jobs")
    app.wait_page_text("No jobs yet")
    app.click("new-job")
    app.wait_heading("New job")
    app.select("client_id", CLIENT)
    app.type("title", "Kitchen refit")
    assert app.value_of("currency") == "EUR"
    # Checked as typed, next to the field.
    app.type("contract_total", "12000.001")
    app.wait_text("error-contract_total", "at most 2 decimal places")
    app.type("contract_total", "12000")
    app.wait_gone("error-contract_total")
    app.type("tax_rate", "20")
    app.click("save")

    app.wait_text("job-title", "Kitchen refit")
    app.wait_text("job-created", "Job created")
    assert app.text_of("job-contract") == "€12,000.00"
    assert app.text_of("job-remaining") == "€12,000.00"
    app.el("no-requests")

    # A 30% deposit.
    app.click("by-percent")
    app.type("percent", "30")
    preview = app.wait_text("request-preview", "€4,320.00")
    assert "€3,600.00" in preview
    app.screenshot("job-request")
    app.click("request-payment")

    app.wait_heading("Draft invoice")
    app.wait_text("request-created", "Draft created — finalize it to send.")
    assert app.value_of("lines[0].description") == "Deposit — Kitchen refit (30% of 12000.00 EUR)"
    assert app.value_of("lines[0].unit_price") == "3600.00"
    assert app.text_of("total-total") == "€4,320.00"
    assert app.text_of("total-subtotal") == "€3,600.00"
    # Without Stripe the pay link panel says where to connect it.
    app.wait_text("pay-link-empty", "Connect Stripe in Settings")
    app.screenshot("job-request-draft")

    # Back on the job: the deposit counts as requested, the rest is left.
    app.nav("jobs")
    row = app.wait_text("job-table", "Kitchen refit")
    assert CLIENT in row
    app.driver.find_element(By.LINK_TEXT, "Kitchen refit").click()
    app.wait_text("job-remaining", "€8,400.00")
    assert app.text_of("job-requested") == "€3,600.00"
    [request] = [r.text for r in app.els("request-row")]
    assert "Draft" in request and "Deposit" in request and "€4,320.00" in request
    # Final asks for exactly what is left, with no amount to type.
    app.select("kind", "Final payment")
    app.wait_text("final-remaining", "€8,400.00")
    assert not app.els("amount") and not app.els("percent")
    app.screenshot("job-page")
