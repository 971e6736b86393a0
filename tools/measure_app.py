"""Measures the desktop app as an owner feels it, on a data folder with 100,000 invoices:
cold start to first paint, idle memory (RSS of the app and its WebKit processes), and searching the
invoices from the UI. Run through scripts/measure-app.sh; prints medians over several runs."""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from conftest import _free_port, _wait_for_port  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.common.options import ArgOptions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def launch(app_bin: str, data_dir: str):
    port, native = _free_port(), _free_port()
    env = dict(os.environ, PAYDESK_DATA_DIR=data_dir)
    proc = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(native)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_port(port, proc)
    _wait_for_port(native, proc)
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": app_bin})
    started = time.monotonic()
    driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=options)
    # First paint of real content: the dashboard's figures, which need the database.
    WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="outstanding"]'))
    ready = time.monotonic() - started
    fcp = driver.execute_script(
        "const p = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');"
        "return p ? p.startTime : null;")
    return proc, driver, ready, fcp


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def app_pids(driver_pid: int) -> list[int]:
    """The app and its WebKit helpers: everything under tauri-driver except the drivers themselves."""
    pids = []
    for p in descendants(driver_pid):
        try:
            comm = Path(f"/proc/{p}/comm").read_text().strip()
        except OSError:
            continue
        if comm not in ("tauri-driver", "WebKitWebDriver"):
            pids.append((p, comm))
    return pids


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    starts, fcps, rss_total, rss_app = [], [], [], []
    for _ in range(args.runs):
        proc, driver, ready, fcp = launch(args.app, args.data)
        starts.append(ready)
        if fcp is not None:
            fcps.append(fcp / 1000)
        time.sleep(5)  # idle on the dashboard
        pids = app_pids(proc.pid)
        rss_total.append(sum(rss_kib(p) for p, _ in pids))
        rss_app.append(sum(rss_kib(p) for p, c in pids if c.startswith("paydesk")))
        last = (driver, proc)
        if _ < args.runs - 1:
            driver.quit()
            proc.terminate()
            proc.wait()

    driver, proc = last
    print(f"cold start → dashboard with figures (WebDriver session included), median of {args.runs}: "
          f"{statistics.median(starts) * 1000:.0f} ms (min {min(starts) * 1000:.0f}, max {max(starts) * 1000:.0f})")
    if fcps:
        print(f"first contentful paint after navigation start, median: {statistics.median(fcps) * 1000:.0f} ms")
    print(f"idle RSS, app + WebKit processes, median: {statistics.median(rss_total) / 1024:.0f} MiB "
          f"(app process alone {statistics.median(rss_app) / 1024:.0f} MiB)")

    count = driver.execute_script(
        "return window.__TAURI_INTERNALS__.invoke('list_invoices', {query: {search: '', statuses: [], limit: 1, offset: 0}})"
        ".then(r => r.total_count)")
    print(f"invoices in the data folder: {count}")

    # Search as typed in the list (includes the UI's 250 ms typing pause) …
    driver.execute_script("location.hash = '#/invoices'")
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="invoice-row"]'))
    box = driver.find_element(By.CSS_SELECTOR, '[data-testid="search"]')
    terms = ["client 0042", "øster 1999", "INV-", "no such client"]
    for term in terms:
        samples = []
        for _ in range(5):
            box.send_keys(Keys.CONTROL, "a")
            box.send_keys(Keys.BACKSPACE)
            time.sleep(1.0)  # the cleared search settles (typing pause + query)
            before = driver.find_element(By.CSS_SELECTOR, "main").text
            t0 = time.monotonic()
            box.send_keys(term)
            WebDriverWait(driver, 30, poll_frequency=0.005).until(lambda d: d.find_element(By.CSS_SELECTOR, "main").text != before)
            samples.append(time.monotonic() - t0)
        print(f"search '{term}' typed → list updated, median of 5: {statistics.median(samples) * 1000:.0f} ms (incl. 250 ms typing pause)")

    # … and the query itself through the app's IPC, as the list sends it.
    for term in terms:
        ms = driver.execute_async_script(
            """const [term, done] = arguments; const times = [];
            (async () => { for (let i = 0; i < 20; i++) { const t = performance.now();
              await window.__TAURI_INTERNALS__.invoke('list_invoices', {query: {search: term, statuses: [], limit: 50, offset: 0}});
              times.push(performance.now() - t); }
              times.sort((a, b) => a - b); done(times[10]); })();""", term)
        print(f"list_invoices search '{term}' over IPC, median of 20: {ms:.1f} ms")
    driver.quit()
    proc.terminate()


if __name__ == "__main__":
    main()
