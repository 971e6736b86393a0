"""Moving a booking in the calendar: the form opens filled in, the booking goes to its new time and
the calendar says so; moving it onto another booking of the same staff member is flagged before
saving, refused when saved anyway, keeps what was typed, and Escape leaves everything as it was."""

from selenium.webdriver.common.keys import Keys

from steps import (
    add_client,
    add_service,
    add_staff,
    booking_of,
    bookings_on_screen,
    days_ahead,
    fill_booking,
    open_calendar_on,
    open_move_form,
    set_up_business,
)

STAFF = "Marie Curl"


def book(app, client: str, start: str) -> None:
    fill_booking(app, client, STAFF, "Cut (45 min)", start)
    app.click("save")
    app.wait_gone("save")
    booking_of(app, client)


def test_a_booking_moves_to_a_free_time_but_not_onto_another(app):
    set_up_business(app)
    add_client(app, "Claire Petit")
    add_client(app, "Noah Klein")
    add_service(app, "Cut", 45, "45.00", "20")
    add_staff(app, STAFF)

    day = days_ahead(2)
    open_calendar_on(app, day)
    book(app, "Claire Petit", "10:00")
    book(app, "Noah Klein", "15:00")
    app.wait.until(lambda _: len(bookings_on_screen(app)) == 2)
    assert "10:00–10:45" in booking_of(app, "Claire Petit")
    assert "15:00–15:45" in booking_of(app, "Noah Klein")

    # Claire's booking, moved from 10:00 to 14:00 the same day. The form shows it as it stands.
    open_move_form(app, "Claire Petit")
    assert app.value_of("date") == day.isoformat()
    assert app.value_of("starts_at") == "10:00"
    assert app.value_of("ends_at") == "10:45"
    app.set_value("starts_at", "14:00")
    # The end follows the start: the booking keeps its 45 minutes.
    app.wait.until(lambda _: app.value_of("ends_at") == "14:45")
    app.screenshot("move-booking-form")
    app.click("save")
    app.wait_gone("save")

    # "Booking moved to Thu 26 Nov, 14:00": the words come from the engine's ICU data, so the parts
    # are checked (en-GB may shorten September to "Sept").
    moved = app.wait_text("booking-moved", "Booking moved to")
    assert f"{day:%a}" in moved and str(day.day) in moved and f"{day:%b}"[:3] in moved, moved
    assert moved.endswith("14:00"), moved
    app.wait.until(lambda _: "14:00–14:45" in booking_of(app, "Claire Petit"))
    assert not any("10:00" in b for b in bookings_on_screen(app))
    assert "15:00–15:45" in booking_of(app, "Noah Klein")
    app.screenshot("booking-moved")

    # Noah's booking onto 14:30, where Marie is with Claire until 14:45: flagged while the form is
    # filled in, before anything is saved.
    open_move_form(app, "Noah Klein")
    app.set_value("starts_at", "14:30")
    app.type("notes", "Running late, asked for earlier")
    clash = app.wait_text("error-starts_at", "already has a booking")
    assert STAFF in clash and "14:00" in clash and "14:45" in clash, clash
    assert app.el("starts_at").get_attribute("aria-invalid") == "true"

    # Saved anyway: refused by the app, the message stays by the time and nothing typed is lost.
    app.click("save")
    app.wait_text("error-starts_at", "already has a booking")
    assert app.el("booking-form").is_displayed()
    assert app.value_of("starts_at") == "14:30"
    assert app.value_of("ends_at") == "15:15"
    assert app.value_of("notes") == "Running late, asked for earlier"
    assert not app.els("booking-moved")
    app.screenshot("move-booking-clash")

    # Escape closes the form without saving.
    app.el("notes").send_keys(Keys.ESCAPE)
    app.wait_gone("booking-form")
    assert "15:00–15:45" in booking_of(app, "Noah Klein")

    # Nothing moved, as the app's database has it: the calendar opened afresh reads the day again.
    app.nav("staff")
    open_calendar_on(app, day)
    app.wait.until(lambda _: len(bookings_on_screen(app)) == 2)
    assert "14:00–14:45" in booking_of(app, "Claire Petit")
    assert "15:00–15:45" in booking_of(app, "Noah Klein")
