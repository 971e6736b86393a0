"""Settings → Stripe in the real window, against the Stripe simulator and a private OS keychain: a
wrong key is refused in words next to the field and what was typed stays; the right key, pasted with
spaces around it, connects and the Connected tile shows the simulator's account marked TEST MODE;
disconnecting takes the key out of the keychain."""

import subprocess

from steps import set_up_business


def keychain_holds_key(app, mode: str = "test") -> bool:
    """Whether the keychain has a Stripe key for `mode` under this test's service. The key itself
    is only compared, never printed."""
    found = subprocess.run(
        ["secret-tool", "lookup", "service", app.keychain_service, "username", f"stripe-{mode}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return found.returncode == 0 and found.stdout.strip() != ""


def keychain_key(app, mode: str = "test") -> str:
    return subprocess.run(
        ["secret-tool", "lookup", "service", app.keychain_service, "username", f"stripe-{mode}"],
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout


def test_connect_stripe_in_test_mode_and_disconnect(stripe_sim, app):
    set_up_business(app)
    account = stripe_sim.account()
    app.wait_text("stripe-form", "Connect Stripe")
    assert not app.els("test-mode-badge"), "no TEST MODE sign before anything is connected"

    # The publishable key sits right above the secret key in the Dashboard: refused, with words.
    app.type("stripe-key", "pk_test_51SimPublishableKey0000")
    assert app.el("stripe-key").get_attribute("type") == "password"
    app.click("stripe-connect")
    error = app.wait_text("error-stripe-key", "publishable key")
    assert "pk_test_" in error and "sk_" in error and "rk_" in error
    assert "51SimPublishableKey0000" not in error
    assert app.value_of("stripe-key") == "pk_test_51SimPublishableKey0000"
    assert not app.els("stripe-tile-test")
    assert not keychain_holds_key(app)

    # The simulator's test secret key, with the spaces a sloppy copy drags along.
    app.type("stripe-key", f"  {stripe_sim.test_key}  ")
    app.wait_gone("error-stripe-key")
    app.wait_text("stripe-detected-mode", "TEST MODE")
    app.click("stripe-connect")
    app.wait_text("stripe-tile-test", "Connected")
    assert "removed spaces around the key" in app.wait_text("stripe-trimmed", "removed spaces")
    assert app.text_of("stripe-account-test") == account["business_profile"]["name"]
    assert app.text_of("stripe-country-test") == account["country"]
    assert app.text_of("stripe-currency-test") == account["default_currency"].upper()
    assert app.text_of("stripe-charges-test") == "Yes"
    assert app.text_of("stripe-payouts-test") == "Yes"
    assert app.text_of("stripe-key-test") == f"…{stripe_sim.test_key[-4:]} (secret key)"
    assert app.text_of("stripe-test-badge") == "TEST MODE"
    tile = app.text_of("stripe-tile-test")
    assert stripe_sim.account_id in tile
    assert stripe_sim.test_key not in tile
    # The key is never shown back: the field is empty, and the key is in the keychain instead.
    assert app.value_of("stripe-key") == ""
    assert keychain_key(app) == stripe_sim.test_key
    assert not keychain_holds_key(app, "live")
    # Only test mode is connected: the sidebar says so on every screen.
    assert app.text_of("test-mode-badge") == "TEST MODE"
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", app.el("stripe-settings"))
    app.screenshot("stripe-connected")

    # Leaving Settings and coming back shows the same account (read back from the app's records).
    app.nav("dashboard")
    assert app.text_of("test-mode-badge") == "TEST MODE"
    app.nav("settings")
    assert app.wait_text("stripe-account-test", account["business_profile"]["name"])

    # Disconnect asks first; "Keep connected" changes nothing.
    app.click("stripe-disconnect-test")
    app.click("stripe-cancel-disconnect-test")
    app.el("stripe-tile-test")
    assert keychain_holds_key(app)
    app.click("stripe-disconnect-test")
    app.click("stripe-confirm-disconnect-test")
    app.wait_text("stripe-disconnected", "removed from this computer's keychain")
    app.wait_gone("stripe-tile-test")
    app.wait_gone("test-mode-badge")
    app.wait_text("stripe-form", "Connect Stripe")
    assert app.value_of("stripe-key") == ""
    assert not keychain_holds_key(app), "the key left the keychain"


def test_test_and_live_side_by_side_never_mix(stripe_sim, app):
    set_up_business(app)
    app.wait_text("stripe-form", "Connect Stripe")
    app.type("stripe-key", stripe_sim.test_key)
    app.click("stripe-connect")
    app.wait_text("stripe-tile-test", "Connected")
    app.wait_text("test-mode-badge", "TEST MODE")

    app.wait_text("stripe-form", "Connect the other mode")
    app.type("stripe-key", stripe_sim.live_key)
    app.wait_text("stripe-detected-mode", "LIVE")
    app.click("stripe-connect")
    app.wait_text("stripe-tile-live", "Connected")
    assert app.text_of("stripe-live-badge") == "LIVE"
    assert "LIVE" not in app.text_of("stripe-tile-test") and "TEST MODE" not in app.text_of("stripe-tile-live")
    assert app.text_of("stripe-key-live") == f"…{stripe_sim.live_key[-4:]} (secret key)"
    assert app.text_of("stripe-key-test") == f"…{stripe_sim.test_key[-4:]} (secret key)"
    # With live connected, live is in use and the TEST MODE sign leaves the sidebar.
    app.wait_text("stripe-in-use-live", "In use")
    app.wait_gone("test-mode-badge")
    app.wait_gone("stripe-form")
    assert keychain_key(app, "test") == stripe_sim.test_key
    assert keychain_key(app, "live") == stripe_sim.live_key

    # Switching to test mode says so everywhere, and changes neither account.
    app.click("stripe-use-test")
    app.wait_text("stripe-in-use-test", "In use")
    app.wait_text("test-mode-badge", "TEST MODE")
    assert not app.els("stripe-in-use-live")

    # Disconnecting live leaves test mode (and its key) alone.
    app.click("stripe-disconnect-live")
    app.click("stripe-confirm-disconnect-live")
    app.wait_gone("stripe-tile-live")
    app.el("stripe-tile-test")
    assert not keychain_holds_key(app, "live")
    assert keychain_key(app, "test") == stripe_sim.test_key
