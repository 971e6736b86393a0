"""The real Paydesk window under Xvfb, driven through tauri-driver and WebKitWebDriver.

scripts/e2e.sh builds the app with ui/dist embedded and sets PAYDESK_APP_BIN. Each test gets a fresh
data folder (PAYDESK_DATA_DIR, which the app honours) and its own tauri-driver on a free port.
"""

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

SCREENSHOTS = Path(os.environ.get("PAYDESK_SCREENSHOTS", Path(__file__).parent / "screenshots"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"tauri-driver exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"tauri-driver did not listen on {port}")


class App:
    """A handle on the running window with the few helpers the scenarios need."""

    def __init__(self, driver: webdriver.Remote, data_dir: Path):
        self.driver = driver
        self.data_dir = data_dir
        self.wait = WebDriverWait(driver, 15)

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
        return self.el(testid).text

    def wait_text(self, testid: str, expected: str) -> str:
        self.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, f'[data-testid="{testid}"]'), expected))
        return self.text_of(testid)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path


@pytest.fixture
def app():
    binary = os.environ.get("PAYDESK_APP_BIN")
    if not binary:
        pytest.fail("PAYDESK_APP_BIN is not set: run the real-window tests through scripts/e2e.sh")
    data_dir = Path(tempfile.mkdtemp(prefix="paydesk-e2e-"))
    port, native_port = _free_port(), _free_port()
    env = dict(os.environ, PAYDESK_DATA_DIR=str(data_dir))
    driver_proc = subprocess.Popen(
        ["tauri-driver", "--port", str(port), "--native-port", str(native_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, driver_proc)
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": str(Path(binary).resolve())})
        driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=options)
        driver.set_window_size(1280, 800)
        try:
            yield App(driver, data_dir)
        finally:
            driver.quit()
    finally:
        driver_proc.terminate()
        try:
            driver_proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            driver_proc.kill()
