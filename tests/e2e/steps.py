"""What a salon owner does on each screen, shared by the scenarios. Each step ends when the screen
shows the result, so the next step can start at once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

TIME_ZONE = "Europe/Paris"


def set_up_business(app, name: str = "Atelier Lumière") -> None:
    app.nav("settings")
    app.type("name", name)
    app.type("currency", "EUR")
    app.type("time_zone", TIME_ZONE)
    app.type("locale", "en-GB")
    app.click("save")
    app.wait_text("saved", "Saved.")
    # The sidebar carries the business name from now on.
    app.wait_text("brand", name)


def add_client(app, name: str, email: str = "") -> None:
    app.nav("clients")
    app.click("new-client")
    app.wait_heading("New client")
    app.type("name", name)
    if email:
        app.type("email", email)
    app.click("save")
    app.wait_text("client-name", name)


def add_service(app, name: str, minutes: int, price: str, tax: str) -> None:
    app.nav("services")
    app.click("new-service")
    app.type("name", name)
    app.type("duration_minutes", str(minutes))
    app.type("price", price)
    app.type("tax_rate", tax)
    app.click("save")
    app.wait_gone("save")
    app.wait_page_text(f"{minutes} min")


def add_staff(app, name: str, email: str = "") -> None:
    app.nav("staff")
    app.click("new-staff")
    app.type("name", name)
    if email:
        app.type("email", email)
    app.click("save")
    app.wait_gone("save")
    app.wait_page_text(name)


def days_ahead(n: int) -> date:
    """A day n days from today where the business is, as the calendar counts days."""
    return datetime.now(ZoneInfo(TIME_ZONE)).date() + timedelta(days=n)


def shows_day(title: str, d: date) -> bool:
    """Whether a calendar heading names day `d` in English ("Thursday, 26 November"): the exact
    punctuation is the engine's ICU data, so only the weekday, day and month are checked."""
    words = title.replace(",", " ").split()
    return f"{d:%A}" in words and str(d.day) in words and f"{d:%B}" in words


def open_calendar_on(app, d: date) -> None:
    app.nav("calendar")
    app.click("view-day")
    app.click("today")
    for _ in range((d - days_ahead(0)).days):
        app.click("next")
    app.wait.until(lambda _: shows_day(app.text_of("day-title"), d))


def fill_booking(app, client: str, staff: str, service_label: str, start: str) -> None:
    """Opens the booking form for the day on screen and fills it in, without booking yet."""
    app.click("new-booking")
    app.wait_page_text("New booking")
    app.select("client_id", client)
    app.select("staff_id", staff)
    box = app.driver.find_element(By.XPATH, f'//fieldset//label[contains(normalize-space(.), "{service_label}")]/input')
    if not box.is_selected():
        box.click()
    app.set_value("starts_at", start)


def bookings_on_screen(app) -> list[str]:
    return [b.text for b in app.els("booking")]


def booking_of(app, client: str) -> str:
    """The text of the calendar row of `client`'s booking, once it is on screen."""
    app.wait.until(lambda _: any(client in b for b in bookings_on_screen(app)))
    return next(b for b in bookings_on_screen(app) if client in b)


def open_move_form(app, client: str) -> None:
    """Presses "Move…" on the calendar row of `client`'s booking and waits for the filled-in form."""
    button = f'//li[@data-testid="booking"][.//a[normalize-space(.)="{client}"]]//button[@data-testid="move"]'
    app.wait.until(EC.element_to_be_clickable((By.XPATH, button))).click()
    app.wait_text("booking-form", "Move booking")


def fill_line(app, index: int, description: str, quantity: str, unit_price: str, tax: str) -> None:
    app.type(f"lines[{index}].description", description)
    app.type(f"lines[{index}].quantity", quantity)
    app.type(f"lines[{index}].unit_price", unit_price)
    app.type(f"lines[{index}].tax_rate", tax)


def connect_stripe(app, stripe_sim) -> None:
    """Connects the test's Stripe simulator in Settings → Stripe with its test-mode key."""
    app.nav("settings")
    app.wait_text("stripe-form", "Connect Stripe")
    app.type("stripe-key", stripe_sim.test_key)
    app.click("stripe-connect")
    app.wait_text("stripe-tile-test", "Connected")


def link_url(app) -> str:
    """The pay link's address on screen now, or "" while there is none."""
    found = app.els("pay-link-url")
    return found[0].get_property("value") if found else ""
