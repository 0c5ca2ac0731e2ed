"""Shared pieces of the real-browser tests: the dashboard as a real ``streamlit run`` process on its
own workspace file, Debian's chromium driven by Playwright, and small builders for the files a user
uploads.

Never ``playwright install``: the tests drive ``/usr/bin/chromium``. When it is missing they are
skipped on a developer's machine and fail in CI (``CI=true``), so a CI image without chromium cannot
pass silently.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT_S = 60
UI_TIMEOUT_MS = 30_000

LINKEDIN_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
LINKEDIN_NOTE = ('"When exporting your connection data, you may notice that some of the email addresses are '
                 'missing. You will only see email addresses for connections who have allowed their connections '
                 'to see or download their email address using this setting."')


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def missing(reason: str) -> None:
    """A browser test cannot run here: fail in CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


# -- files a user uploads ---------------------------------------------------------------------------------
def linkedin_export(rows: list[dict[str, str]]) -> bytes:
    """A LinkedIn ``Connections.csv`` in its current form: a ``Notes:`` preamble, a blank line, the
    header on line 4, CRLF line endings, UTF-8. Each row maps header names to values."""
    body = io.StringIO()
    writer = csv.writer(body, lineterminator="\r\n")
    writer.writerow(LINKEDIN_HEADER)
    for row in rows:
        writer.writerow([row.get(column, "") for column in LINKEDIN_HEADER])
    return ("Notes:\r\n" + LINKEDIN_NOTE + "\r\n\r\n" + body.getvalue()).encode("utf-8")


def person(first: str, last: str, company: str, position: str, connected: str = "30 May 2024",
           email: str = "") -> dict[str, str]:
    slug = "-".join(part for part in f"{first} {last}".lower().split() if part.isalnum()) or "someone"
    return {"First Name": first, "Last Name": last, "URL": f"https://www.linkedin.com/in/{slug}",
            "Email Address": email, "Company": company, "Position": position, "Connected On": connected}


def rapport_cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    """The ``rapport`` command line, as a user runs it."""
    done = subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"rapport {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


# -- the dashboard, a real process -------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Dashboard:
    process: subprocess.Popen
    port: int
    db: Path
    log_path: Path

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url("_stcore/health"), timeout=2) as answer:
                return answer.status == 200 and answer.read().decode().strip() == "ok"
        except (urllib.error.URLError, OSError):
            return False

    def wait_until_healthy(self, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the dashboard exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            if self.healthy():
                return
            time.sleep(0.2)  # polling a health endpoint: there is nothing to wait on but time
        raise AssertionError(f"the dashboard did not answer /_stcore/health within {timeout_s} s:\n"
                             f"{self.log()[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_dashboard(db: Path, log_path: Path, extra_env: dict[str, str] | None = None) -> Dashboard:
    """``streamlit run app.py`` on a free port with ``RAPPORT_DB=db``; returns once it is healthy."""
    port = free_port()
    env = {
        **os.environ,
        "RAPPORT_DB": str(db),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        # Other engineers edit ui/ while the tests run: the server must not watch or reload files.
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    dashboard = Dashboard(process=process, port=port, db=db, log_path=log_path)
    try:
        dashboard.wait_until_healthy()
    except BaseException:
        dashboard.stop()
        raise
    return dashboard


@pytest.fixture
def dashboard(tmp_path) -> Iterator[Callable[..., Dashboard]]:
    """A factory: ``dashboard()`` starts the app on a fresh, empty workspace; ``dashboard(db)`` on a
    given file. Every server started is stopped at the end of the test, so no state leaks."""
    started: list[Dashboard] = []

    def start(db: Path | None = None, extra_env: dict[str, str] | None = None) -> Dashboard:
        target = db or tmp_path / f"workspace-{len(started)}.duckdb"
        server = start_dashboard(target, tmp_path / f"streamlit-{len(started)}.log", extra_env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# -- the browser ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); the browser tests "
                "never download a browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, tmp_path):
    """A fresh browser context (own cookies, own Streamlit session) with downloads allowed. At the end
    the last screen is kept as ``last-page.png`` and ``last-page.txt`` in the test's tmp folder, next to
    the server's ``streamlit-N.log``, for when a test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    context.set_default_timeout(UI_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    try:
        tab.screenshot(path=str(tmp_path / "last-page.png"), timeout=5_000)
        (tmp_path / "last-page.txt").write_text(f"{tab.url}\n\n{tab.locator('body').inner_text(timeout=5_000)}",
                                                encoding="utf-8")
    except Exception:  # diagnostics only: never fail a test on them
        pass
    context.close()


def goto(page, app: Dashboard, path: str, title: str) -> None:
    """Open a page of the dashboard and wait for its title; if the page raised instead, fail with the
    exception Streamlit shows rather than a timeout."""
    from playwright.sync_api import expect

    page.goto(app.url(path))
    heading = page.get_by_role("heading", name=title, exact=True)
    problem = page.get_by_test_id("stException")
    expect(heading.or_(problem).first).to_be_visible()
    if problem.count():
        raise AssertionError(f"/{path} shows an exception:\n{problem.first.inner_text()}")


def wait_until_idle(page, timeout_ms: int = UI_TIMEOUT_MS) -> None:
    """Wait until the app is connected and its script has finished running."""
    from playwright.sync_api import expect

    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout_ms)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout_ms)


def metric_value(page, label: str) -> str:
    """The shown value of the ``st.metric`` with this label."""
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(
        label, exact=True))
    return metric.get_by_test_id("stMetricValue").inner_text().strip()
