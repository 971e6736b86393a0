"""The real Paydesk window under Xvfb, driven through tauri-driver and WebKitWebDriver.

scripts/e2e.sh builds the app with ui/dist embedded and sets PAYDESK_APP_BIN. Each test gets a fresh
data folder (PAYDESK_DATA_DIR, which the app honours) and its own tauri-driver on a free port.

Stripe: a test that asks for the `stripe_sim` fixture gets its own Stripe simulator
(PAYDESK_STRIPE_SIM_BIN, on a free port), and its window talks to it (PAYDESK_STRIPE_API_BASE).
Keys go to the private keychain scripts/e2e.sh runs everything in (scripts/with-keychain.sh), under
a keychain service of the test's own (`app.keychain_service`).

Email: a test that asks for the `smtp_server` fixture gets a real SMTP server (aiosmtpd, in this
process, see mail_sink.py) on a free loopback port, keeping what it receives. Plain SMTP to loopback
needs no setting in the app: the test types 127.0.0.1 and the port into Settings → Email.
"""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.options import ArgOptions
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

SCREENSHOTS = Path(os.environ.get("PAYDESK_SCREENSHOTS", Path(__file__).parent / "screenshots"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 20.0, name: str = "tauri-driver") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{name} did not listen on {port}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _end_app(binary: str, timeout: float = 10.0) -> None:
    """Makes sure no Paydesk window outlives its test. WebKitWebDriver can leave the app running
    (reparented to init) after the session ends; Paydesk is single-instance, so the next test's
    app would then just hand over to it and exit, and that test would hang."""
    target = os.path.realpath(binary)

    def running() -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.path.realpath(entry / "exe") == target:
                        pids.append(int(entry.name))
                except OSError:
                    continue
        return pids

    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in running():
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        while running() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not running():
            return


class App:
    """A handle on the running window with the few helpers the scenarios need."""

    def __init__(self, driver: webdriver.Remote, data_dir: Path, keychain_service: str):
        self.driver = driver
        self.data_dir = data_dir
        # The keychain service the app keeps Stripe keys under (user `stripe-test` / `stripe-live`).
        self.keychain_service = keychain_service
        self.wait = WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,))

    def el(self, testid: str):
        return self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, f'[data-testid="{testid}"]')))

    def click(self, testid: str):
        self.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'[data-testid="{testid}"]'))).click()

    def type(self, testid: str, text: str, clear: bool = True):
        field = self.el(testid)
        if clear:
            field.clear()
        field.send_keys(text)
        return field

    def text_of(self, testid: str) -> str:
        # The rendered text (innerText), read in the page: WebKitWebDriver's element text comes back
        # empty for some elements that are plainly on screen (seen with `text-overflow: ellipsis`).
        return self.driver.execute_script("return arguments[0].innerText", self.el(testid))

    def wait_text(self, testid: str, expected: str) -> str:
        """Waits until the element is there and its text contains `expected` (any text when "")."""
        def shows(_):
            text = self._text_now(testid)
            return text is not None and expected in text

        self.wait.until(shows)
        return self.text_of(testid)

    def _text_now(self, testid: str) -> str | None:
        found = self.driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')
        return self.driver.execute_script("return arguments[0].innerText", found[0]) if found else None

    def els(self, testid: str) -> list:
        """Every element with this test id that is on screen now (no waiting)."""
        return [e for e in self.driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]') if e.is_displayed()]

    def value_of(self, testid: str) -> str:
        return self.el(testid).get_property("value")

    def select(self, testid: str, visible_text: str) -> None:
        """Chooses an option by its label, waiting until the options have loaded."""
        field = self.el(testid)
        self.wait.until(lambda _: any(o.text == visible_text for o in Select(field).options))
        Select(field).select_by_visible_text(visible_text)

    def set_value(self, testid: str, value: str) -> None:
        """For date and time inputs, whose typing rules differ between engines: sets the value the
        way a picker would and fires the events the UI listens to."""
        self.driver.execute_script(
            """const [el, v] = arguments;
            Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, v);
            el.dispatchEvent(new Event('input', { bubbles: true }));
            el.dispatchEvent(new Event('change', { bubbles: true }));""",
            self.el(testid),
            value,
        )

    def nav(self, screen: str) -> None:
        self.click(f"nav-{screen}")
        self.wait.until(lambda d: d.execute_script("return location.hash") == f"#/{screen}")

    def heading(self) -> str:
        return self.driver.find_element(By.CSS_SELECTOR, "main h1").text

    def wait_heading(self, expected: str) -> str:
        self.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), expected))
        return self.heading()

    def wait_page_text(self, expected: str) -> str:
        """Waits until the main area shows `expected` somewhere, and returns its whole text."""
        self.wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), expected))
        return self.driver.find_element(By.TAG_NAME, "main").text

    def wait_gone(self, testid: str) -> None:
        self.wait.until(lambda _: not self.els(testid))

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


class StripeSim:
    """A running paydesk-stripe-sim: its base URL, account and keys, and its control endpoints."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        info = self.control("GET", "info")
        self.account_id: str = info["account_id"]
        self.test_key: str = info["secret_keys"]["test"]
        self.live_key: str = info["secret_keys"]["live"]

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        """Calls `/_sim/<path>` (e.g. `account`, `keys`, `keys/revoke`) and returns its JSON."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"{self.base_url}_sim/{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as answer:
            return json.load(answer)

    def account(self) -> dict:
        return self.control("GET", "account")


@pytest.fixture
def stripe_sim():
    binary = os.environ.get("PAYDESK_STRIPE_SIM_BIN")
    if not binary:
        pytest.fail("PAYDESK_STRIPE_SIM_BIN is not set: run the real-window tests through scripts/e2e.sh")
    port = _free_port()
    proc = subprocess.Popen([binary, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, proc, name="paydesk-stripe-sim")
        yield StripeSim(f"http://127.0.0.1:{port}/")
    finally:
        _stop(proc)


@pytest.fixture
def smtp_server():
    """A running SMTP server on 127.0.0.1 (`.port`), with the messages it accepted (`.messages`,
    `.wait_for(...)`)."""
    from mail_sink import MailSink  # aiosmtpd is only needed by the tests that send email

    with MailSink() as sink:
        yield sink


@pytest.fixture
def app(request):
    binary = os.environ.get("PAYDESK_APP_BIN")
    if not binary:
        pytest.fail("PAYDESK_APP_BIN is not set: run the real-window tests through scripts/e2e.sh")
    _end_app(binary)  # one left over from an earlier run would take this test's window
    data_dir = Path(tempfile.mkdtemp(prefix="paydesk-e2e-"))
    port, native_port = _free_port(), _free_port()
    keychain_service = f"{os.environ.get('PAYDESK_KEYCHAIN_SERVICE', 'paydesk-e2e')}-{data_dir.name}"
    env = dict(os.environ, PAYDESK_DATA_DIR=str(data_dir), PAYDESK_KEYCHAIN_SERVICE=keychain_service)
    # Never the real Stripe: without a simulator, Stripe calls go to an address nothing listens on.
    env["PAYDESK_STRIPE_API_BASE"] = "http://127.0.0.1:9/"
    if "stripe_sim" in request.fixturenames:
        env["PAYDESK_STRIPE_API_BASE"] = request.getfixturevalue("stripe_sim").base_url
    driver_proc = subprocess.Popen(
        ["tauri-driver", "--port", str(port), "--native-port", str(native_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, driver_proc)
        # tauri-driver listens at once but starts WebKitWebDriver behind it; a session asked for
        # before that one listens is dropped ("Remote end closed connection").
        _wait_for_port(native_port, driver_proc)
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": str(Path(binary).resolve())})
        driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=options)
        driver.set_window_size(1280, 800)
        try:
            handle = App(driver, data_dir, keychain_service)
            yield handle
            if getattr(request.node, "call_failed", False):
                # What the window showed when the test gave up.
                handle.screenshot(f"FAILED-{request.node.name}")
        finally:
            driver.quit()
    finally:
        _stop(driver_proc)
        _end_app(binary)
