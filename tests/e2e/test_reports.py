"""Reports in the real window: a cash payment on a finalized invoice shows up in the Payments report's
preview (client, invoice number, gross, and the Net total per currency), and Export as CSV writes it
through the OS's own save dialog — a GTK file chooser, driven here with xdotool under the test's Xvfb
display — to a file whose row a spreadsheet would read back the same."""

import csv
import shutil
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from steps import add_client, days_ahead, fill_line, set_up_business

CLIENT = "Zoë Øster"
REFERENCE = "Till 3"
# core/src/report/payments.rs: the Payments report's columns, in order (the CSV header too).
PAYMENT_COLUMNS = [
    "Date", "Client", "Invoice", "Method", "Reference", "Via", "Gross", "Stripe fee", "Other fees", "Net",
    "Refunded", "Currency", "Status", "Stripe payment", "Stripe charge", "Stripe balance transaction",
]
# report_commands.rs gives the save dialog this title.
DIALOG_TITLE = "Export report"


def xdotool(*args: str, timeout: float = 20) -> str:
    """Runs xdotool on the test's display (xvfb-run's DISPLAY, which the window uses too)."""
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=True, timeout=timeout).stdout


def save_as(path: str) -> None:
    """Answers the GTK save dialog the Rust side opened: focuses it (Xvfb has no window manager to
    do that), replaces the proposed file name with an absolute path and presses Enter."""
    try:
        found = xdotool("search", "--sync", "--onlyvisible", "--name", DIALOG_TITLE).split()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        found = []
    if found:
        try:
            xdotool("windowfocus", "--sync", found[-1], timeout=5)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass  # GTK usually takes the focus itself when it shows the dialog
    # The dialog settles (its file name field focused, the proposed name selected) before typing.
    time.sleep(1.5)
    xdotool("key", "ctrl+a")
    xdotool("type", "--delay", "20", path)
    # The location field may complete folder names as it goes; let it finish before Enter.
    time.sleep(0.5)
    xdotool("key", "Return")


def cells(app, row) -> list[str]:
    """A table row's cells as text (textContent: WebKitWebDriver's element text can come back empty)."""
    return app.driver.execute_script("return [...arguments[0].cells].map((c) => c.textContent.trim())", row)


def test_payments_report_preview_and_csv_export(app, tmp_path):
    if not shutil.which("xdotool"):
        pytest.fail("xdotool is needed to answer the save dialog: apt-get install xdotool")
    set_up_business(app)
    add_client(app, CLIENT, "zoe@example.com")

    # An invoice of €120.00, finalized and paid in cash today.
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
    app.click("record-payment")
    assert app.value_of("amount") == "120.00"
    app.select("method", "Cash")
    app.type("reference", REFERENCE)
    app.click("save-payment")
    app.wait_text("status", "Paid")

    # Reports → Payments, for the last week up to today where the business is.
    today = days_ahead(0)
    app.nav("reports")
    app.wait_heading("Reports")
    app.select("report-kind", "Payments")
    app.set_value("from", (today - timedelta(days=7)).isoformat())
    app.set_value("to", today.isoformat())
    app.wait.until(lambda _: len(app.els("report-row")) == 1 and number in (app._text_now("report-table") or ""))
    header = app.driver.execute_script(
        "return [...arguments[0].querySelectorAll('thead th')].map((th) => th.textContent.trim())", app.el("report-table")
    )
    assert header == PAYMENT_COLUMNS
    [row] = app.els("report-row")
    shown = dict(zip(PAYMENT_COLUMNS, cells(app, row)))
    assert shown["Date"] == today.isoformat(), shown
    assert shown["Client"] == CLIENT, shown
    assert shown["Invoice"] == number, shown
    assert shown["Method"] == "cash", shown
    assert shown["Reference"] == REFERENCE, shown
    assert shown["Gross"] == "120.00", shown
    assert shown["Net"] == "120.00", shown
    assert shown["Currency"] == "EUR", shown
    assert app.text_of("row-count").strip() == "1 row"
    # The totals, per currency: one block for EUR with the Net of the one payment.
    net = app.driver.find_element(By.CSS_SELECTOR, '[data-testid="report-totals-EUR"] [data-label="Net"]')
    assert "€120.00" in net.get_property("textContent"), net.get_property("textContent")
    gross = app.driver.find_element(By.CSS_SELECTOR, '[data-testid="report-totals-EUR"] [data-label="Gross"]')
    assert "€120.00" in gross.get_property("textContent")
    app.screenshot("reports-payments")

    # Export as CSV, without a byte-order mark, to a file of the test's own folder.
    app.select("export-format", "CSV")
    assert not app.el("export-bom").is_selected()
    target = tmp_path / "payments.csv"
    app.click("export")
    save_as(str(target))
    done = app.wait_text("export-done", "Exported").strip()
    prefix = "Exported 1 row to "
    assert done.startswith(prefix), done
    # The path the dialog handed back (GTK may spell /tmp's real folder): the file the test asked for.
    assert Path(done.removeprefix(prefix)).resolve() == target.resolve(), done
    assert not app.els("export-error")
    assert not app.els("export-progress")
    app.screenshot("reports-exported")

    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark unless asked for"
    assert b"\r\n" in raw, "RFC 4180 line ends"
    with target.open(newline="", encoding="utf-8") as f:
        records = list(csv.reader(f))
    assert records[0] == PAYMENT_COLUMNS
    assert len(records) == 2, records
    exported = dict(zip(PAYMENT_COLUMNS, records[1]))
    assert exported["Date"] == today.isoformat(), exported
    assert exported["Client"] == CLIENT, exported
    assert exported["Invoice"] == number, exported
    assert exported["Method"] == "cash", exported
    assert exported["Reference"] == REFERENCE, exported
    assert exported["Via"] == "Recorded", exported
    assert exported["Gross"] == "120.00", exported
    assert exported["Net"] == "120.00", exported
    assert exported["Currency"] == "EUR", exported
    assert exported["Status"] == "Paid", exported
