"""The window opens on the dashboard with the navigation a person needs."""


def test_the_window_opens_with_the_sidebar_and_dashboard(app):
    assert app.driver.title == "Paydesk"
    for screen in ["dashboard", "clients", "calendar", "invoices", "payments", "reports", "settings"]:
        assert app.el(f"nav-{screen}").is_displayed()
    app.screenshot("dashboard-empty")
