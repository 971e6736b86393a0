"""Mistakes an owner makes while typing: each is shown next to its field, in words, and nothing
already typed is lost. Nothing half-valid is saved."""

from steps import add_client, add_service, add_staff, days_ahead, fill_booking, fill_line, open_calendar_on, set_up_business


def test_a_bad_client_form_shows_what_is_wrong_and_keeps_the_draft(app):
    set_up_business(app)
    app.nav("clients")
    app.click("new-client")
    app.wait_heading("New client")

    # Saving an empty form names the missing field.
    app.click("save")
    assert "required" in app.wait_text("error-name", "")
    app.type("name", "Łukasz Żółć")
    app.type("email", "lukasz@example")
    app.type("phone", "+48 600 000 000")
    # As he types, before saving…
    assert "isn't an email address" in app.wait_text("error-email", "isn't an email address")
    app.click("save")
    # …and again after trying: the form is still there with everything typed.
    app.wait_text("form-error", "")
    assert app.value_of("name") == "Łukasz Żółć"
    assert app.value_of("email") == "lukasz@example"
    assert app.value_of("phone") == "+48 600 000 000"
    app.screenshot("client-form-error")

    app.type("email", "lukasz@example.com")
    app.wait_gone("error-email")
    app.click("save")
    app.wait_text("client-name", "Łukasz Żółć")
    app.nav("clients")
    assert [r.text for r in app.els("client-row") if "Łukasz" in r.text], "the client was saved once fixed"


def test_a_clash_shows_before_saving_and_an_over_precise_price_is_refused(app):
    set_up_business(app)
    add_client(app, "José Núñez")
    add_service(app, "Colour", 90, "80.00", "20")
    add_staff(app, "Marie Curl")

    day = days_ahead(2)
    open_calendar_on(app, day)
    fill_booking(app, "José Núñez", "Marie Curl", "Colour (90 min)", "10:00")
    app.click("save")
    app.wait_gone("save")

    # Marie is busy 10:00–11:30; a second booking at 11:00 is flagged while the form is filled.
    fill_booking(app, "José Núñez", "Marie Curl", "Colour (90 min)", "11:00")
    app.type("notes", "Wants the same colour as last time")
    clash = app.wait_text("error-starts_at", "already has a booking")
    assert "Marie Curl" in clash and "10:00" in clash and "11:30" in clash
    app.click("save")
    app.wait_text("error-starts_at", "already has a booking")
    assert app.value_of("notes") == "Wants the same colour as last time"
    assert app.value_of("starts_at") == "11:00"
    app.screenshot("booking-clash")
    # Moved to 11:30 the clash clears and the booking is made.
    app.set_value("starts_at", "11:30")
    app.wait_gone("error-starts_at")
    app.click("save")
    app.wait_gone("save")
    app.wait.until(lambda _: len(app.els("booking")) == 2)

    # An invoice line priced in tenths of a cent is refused next to the price; the draft stays.
    app.nav("invoices")
    app.click("new-invoice")
    app.wait_heading("New invoice")
    app.select("client_id", "José Núñez")
    fill_line(app, 0, "Colour, long hair", "1", "80.005", "20")
    assert "decimal" in app.wait_text("error-lines[0].unit_price", "decimal")
    app.click("save")
    app.wait_text("form-error", "")
    assert app.heading() == "New invoice"
    assert app.value_of("lines[0].description") == "Colour, long hair"
    assert app.value_of("lines[0].unit_price") == "80.005"
    app.screenshot("invoice-form-error")
    app.type("lines[0].unit_price", "80.00")
    app.wait_gone("error-lines[0].unit_price")
    app.click("save")
    app.wait_heading("Draft invoice")
    app.wait_text("total-total", "€96.00")
