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
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.streamlit_server import free_port, stop_process

ROOT = Path(__file__).parents[1]
CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT_S = 60
UI_TIMEOUT_MS = 30_000
# What a failing browser test leaves behind to read later (screenshots, page text, server logs). ``build/`` is
# git-ignored, and unlike pytest's tmp folders (only the last three runs are kept) it survives later runs.
ARTIFACTS = ROOT / "build" / "test-artifacts"

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

    def thread_dump(self, wait_s: float = 5.0) -> str:
        """The Python stack of every thread of the server, which it writes to its log on SIGUSR1 (see
        ``SERVER_BOOT``); empty if it has exited. For a test that finds the server stuck: where is it?"""
        if self.process.poll() is not None or not self.log_path.exists():
            return ""
        start = self.log_path.stat().st_size
        os.kill(self.process.pid, signal.SIGUSR1)
        deadline, seen = time.monotonic() + wait_s, -1
        while time.monotonic() < deadline:
            size = self.log_path.stat().st_size
            if size > start and size == seen:  # written, and no longer growing
                break
            seen = size
            time.sleep(0.2)  # the handler writes from inside the server: nothing to wait on but the file
        with open(self.log_path, "rb") as log:
            log.seek(start)
            return log.read().decode("utf-8", errors="replace")

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
        stop_process(self.process)


# ``python -m streamlit`` runs exactly ``main(prog_name="streamlit")``; this does the same after one more line:
# SIGUSR1 makes the server write every thread's stack to its log (``Dashboard.thread_dump``).
SERVER_BOOT = ("import faulthandler, signal; faulthandler.register(signal.SIGUSR1, all_threads=True); "
               "from streamlit.web.cli import main; main(prog_name='streamlit')")


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
    command = [sys.executable, "-c", SERVER_BOOT, "run", "app.py", "--server.port", str(port),
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
    expect(heading.or_(problem).first).to_be_visible(timeout=UI_TIMEOUT_MS)
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


# -- widgets and tables, as a user works them (shared by the journeys and the load test) -----------------------
def table(page, index: int = 0):
    """The ``index``-th table (``st.dataframe``) of the page."""
    return page.get_by_test_id("stDataFrame").nth(index)


def table_cell(grid, column: str, row: int = 0) -> str:
    """The text of one cell of a table, read from the accessible table glide-data-grid keeps inside its
    canvas (only rows and columns scrolled into view are there)."""
    from playwright.sync_api import expect

    headers = grid.locator("table[role=grid] th[role=columnheader]")
    expect(headers.first).to_be_attached()
    names = [name.strip() for name in headers.all_text_contents()]
    assert column in names, f"no column {column!r} in {names}"
    index = headers.nth(names.index(column)).get_attribute("aria-colindex")
    cell = grid.get_by_test_id(f"glide-cell-{index}-{row}")
    expect(cell).to_be_attached()
    return cell.text_content() or ""


def table_csv(page, grid) -> list[dict[str, str]]:
    """Every row of a table, as the table's own toolbar button 'Download as CSV' serves it (needs
    ``prepare_page``)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect

    wait_until_idle(page)
    # The toolbar fades in over the table's top edge while the pointer is on the table; hidden, it lies under
    # the table's scroller, which would take the click. A table redrawn under a resting pointer does not
    # count as hovered, so hover (again) until the toolbar shows, then click.
    grid.evaluate("element => element.scrollIntoView({block: 'center'})")
    toolbar = grid.get_by_test_id("stElementToolbar")
    button = grid.get_by_role("button", name="Download as CSV")
    for attempt in range(4):
        page.mouse.move(0, 0)
        grid.hover(position={"x": 100, "y": 60})
        try:
            expect(toolbar).to_have_css("opacity", "1", timeout=3_000)
            with page.expect_download(timeout=10_000) as started:
                button.click(timeout=3_000)
            break
        except (AssertionError, PlaywrightTimeoutError):
            if attempt == 3:
                raise
    data = open(started.value.path(), "rb").read().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(data)))


def select_first_row(page, grid, opened) -> None:
    """Tick the first row of a single-row-selection table (its row marker is drawn on the canvas) and
    wait for ``opened`` (a locator) to show. The grid may still be laying itself out, so retry the click."""
    from playwright.sync_api import expect

    expect(grid.locator("canvas").first).to_be_visible()
    grid.scroll_into_view_if_needed()
    for _ in range(5):
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # row marker column, first row under the header
        try:
            expect(opened).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            continue
    expect(opened).to_be_visible(timeout=1_000)


def open_options(page, label: str, scope=None):
    """Open the list of the select box or multiselect labelled ``label`` and return it. The list closes
    when the page scrolls, which Playwright may do just before its click lands, so open it again if it
    did not stay open."""
    from playwright.sync_api import expect

    widget = ((scope or page).locator("[data-testid=stSelectbox], [data-testid=stMultiSelect]")
              .filter(has=page.get_by_role("combobox", name=label, exact=True)))
    expect(widget).to_have_count(1)
    widget.scroll_into_view_if_needed()
    listbox = page.get_by_role("listbox")
    for _ in range(4):
        widget.get_by_role("button", name="Open").click()
        try:
            expect(listbox).to_be_visible(timeout=3_000)
            break
        except AssertionError:
            continue
    expect(listbox).to_be_visible(timeout=1_000)
    return listbox


def choose(page, label: str, option: str, scope=None) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect

    combobox = (scope or page).get_by_role("combobox", name=label, exact=True)
    for _ in range(3):
        listbox = open_options(page, label, scope)
        try:
            listbox.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            expect(combobox).to_have_value(option, timeout=3_000)
            return
        except (PlaywrightTimeoutError, AssertionError):
            # A rerun landed: one while the list was open closes it, one just after the click draws the
            # box again with its value before. Choose again.
            page.keyboard.press("Escape")
    expect(combobox).to_have_value(option)


def set_date(page, label: str, day, scope=None) -> None:
    """Type a date into the date field labelled ``label`` (year, month and day segments)."""
    from playwright.sync_api import expect

    field = (scope or page).get_by_role("group", name=label, exact=True)
    segments = field.get_by_role("spinbutton")
    expect(segments).to_have_count(3)
    segments.first.click()
    page.keyboard.type(f"{day:%Y%m%d}")
    for segment, value in zip(segments.all(), (day.year, day.month, day.day)):
        expect(segment).to_have_attribute("aria-valuenow", str(value))


def search_contacts(page, text: str) -> None:
    """On the Contacts page: type into Search and press Enter."""
    box = page.get_by_role("textbox", name="Search", exact=True)
    box.fill(text)
    box.press("Enter")


def download(page, label: str, attempts: int = 2) -> bytes:
    """Press a download button and return what it serves. Pressed once the app is idle: a press during
    a rerun can be lost with the button it pressed (a CI run waited 30 s for the review's report). It
    was lost once more on a loaded machine after the app showed itself idle; a user would press again,
    and so does this, once, after 20 s."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        wait_until_idle(page)
        try:
            with page.expect_download(timeout=20_000) as started:
                page.get_by_role("button", name=label).click()
            return open(started.value.path(), "rb").read()
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
    raise AssertionError("no attempt was made")


def assert_inert(page, dialogs: list[str]) -> None:
    """Nothing the user wrote ran or became markup: no dialog, no image, no javascript: link, no script."""
    assert dialogs == [], f"user text ran as script: {dialogs}"
    assert page.locator("img[src=x]").count() == 0, "user text became an <img>"
    assert page.locator("a[href^='javascript' i]").count() == 0, "user text became a javascript: link"
    assert not page.evaluate("[...document.scripts].some(s => s.textContent.includes('alert('))"), \
        "user text became a <script>"
