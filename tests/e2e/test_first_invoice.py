"""A salon owner's first day with Paydesk: set up the business, a client, a service and a staff
member, book the client in, invoice her, find the invoice again and take the payment."""

from selenium.webdriver.common.by import By

from steps import (
    add_client,
    add_service,
    add_staff,
    bookings_on_screen,
    days_ahead,
    fill_booking,
    fill_line,
    open_calendar_on,
    set_up_business,
)

CLIENT = "Zoë Øster"
STAFF = "Marie Curl"


def test_from_an_empty_business_to_a_paid_invoice(app):
    set_up_business(app, "Atelier Lumière")

    add_client(app, CLIENT, "zoe@example.com")
    add_client(app, "Ana Ruiz", "ana@example.com")
    app.nav("clients")
    app.wait_page_text(CLIENT)
    rows = [r.text for r in app.els("client-row")]
    assert len(rows) == 2
    assert any(CLIENT in r and "zoe@example.com" in r for r in rows)
    app.screenshot("clients")

    add_service(app, "Cut", 45, "45.00", "20")
    services = app.wait_page_text("Cut")
    assert "45 min" in services and "€45.00" in services and "20%" in services
    add_staff(app, STAFF, "marie@example.com")

    # A booking three days ahead, at ten in the morning where the salon is.
    day = days_ahead(3)
    open_calendar_on(app, day)
    fill_booking(app, CLIENT, STAFF, "Cut (45 min)", "10:00")
    app.click("save")
    app.wait_gone("save")
    app.wait.until(lambda _: bookings_on_screen(app))
    [booking] = bookings_on_screen(app)
    # The service's 45 minutes set the end time.
    assert "10:00–10:45" in booking
    assert CLIENT in booking and "Cut" in booking and "Booked" in booking
    app.wait_page_text(STAFF)
    app.screenshot("calendar")

    # The invoice: totals follow every keystroke.
    app.nav("invoices")
    app.click("new-invoice")
    app.wait_heading("New invoice")
    app.select("client_id", CLIENT)
    assert app.value_of("currency") == "EUR"
    fill_line(app, 0, "Cut & colour", "2", "19.99", "20")
    app.wait_text("line-amount-0", "€39.98")
    app.wait_text("total-total", "€47.98")
    assert app.text_of("total-subtotal") == "€39.98"
    assert app.text_of("total-tax") == "€8.00"

    app.click("add-line")
    fill_line(app, 1, "Hair oil", "1.5", "33.33", "0")
    app.wait_text("line-amount-1", "€50.00")
    app.wait_text("total-total", "€97.98")
    assert app.text_of("total-subtotal") == "€89.98"
    assert app.text_of("total-tax") == "€8.00"
    app.screenshot("invoice-editor")

    issue_date = app.value_of("issue_date")
    app.click("save")
    draft_title = app.wait_heading("Draft invoice")
    app.wait_text("saved", "Draft saved.")
    # The saved draft shows what was typed.
    assert app.value_of("lines[0].description") == "Cut & colour"
    assert app.value_of("lines[1].quantity") == "1.5"
    assert app.text_of("total-total") == "€97.98"

    app.click("finalize")
    number = app.wait_text("invoice-number", "INV-")
    assert number == f"INV-{issue_date[:4]}-0001", (number, draft_title)
    assert app.text_of("status") == "Open"
    assert app.text_of("amount-due") == "€97.98"

    # Find it again from the list by part of the client's name, in lower case.
    app.nav("invoices")
    app.wait_text("invoice-table", number)
    app.type("search", "nobody")
    app.wait_page_text("No invoices match")
    app.type("search", "øster")
    app.wait_text("invoice-table", number)
    [row] = [r.text for r in app.els("invoice-row")]
    assert CLIENT in row and "Open" in row and "€97.98" in row
    app.wait_text("page-info", "1–1 of 1")
    app.screenshot("invoices")

    # Open it and take the payment in cash.
    app.driver.find_element(By.LINK_TEXT, number).click()
    app.wait_text("invoice-number", number)
    app.click("record-payment")
    assert app.value_of("amount") == "97.98"
    app.select("method", "Cash")
    app.click("save-payment")
    app.wait_text("status", "Paid")
    assert app.text_of("amount-due") == "€0.00"
    assert "€97.98 (cash)" in app.text_of("payments")
    assert not app.els("record-payment")
    app.screenshot("invoice-paid")

    # The dashboard now tells the day's story.
    app.nav("dashboard")
    app.wait_text("paid-this-month", "€97.98")
    assert app.text_of("outstanding") == "—"
    # The chart's bar for this month (where the business is) holds the payment and is the tallest.
    today = days_ahead(0)
    this_month = f"chart-bar-{today:%Y-%m}"
    assert "€97.98" in app.el(this_month).get_attribute("aria-label")
    bars = app.driver.find_elements(By.CSS_SELECTOR, "[data-testid^='chart-bar-']")
    heights = {b.get_attribute("data-testid"): float(b.get_attribute("height")) for b in bars}
    assert len(heights) == 12
    assert max(heights, key=heights.get) == this_month
    assert heights[this_month] > 0
    label = app.el(f"chart-label-{today:%Y-%m}").get_property("textContent")  # SVG: no innerText
    assert label.startswith(f"{today:%b}"[:3]), label  # en-GB may say "Sept"
    recent = app.wait_page_text(number)
    assert CLIENT in recent and "Paid" in recent
    app.screenshot("dashboard")
