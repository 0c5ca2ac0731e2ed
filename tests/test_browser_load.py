"""Three people at once on one dashboard and one workspace file: nothing they log or edit may get lost.

Three browser sessions (one async Playwright, three contexts) work the Contacts page of ONE ``streamlit run``
server on ONE DuckDB file at the same time. Each opens its own contact, logs 50 outreach messages through
"Reach out or log an interaction" → "Log outreach" (each with a note of its own, e.g. ``load-s2-i37``), and
every tenth message also appends a word to the contact's notes and saves them. Afterwards the workspace file
must hold all 150 interactions exactly once and every edit.

A click's rerun is followed on the wire (``RUN_DONE`` in tests/browser_runs.py), not by waiting to see
``data-test-script-state`` turn to "running": a page whose main thread is busy (a loaded machine) handles the
server's "run started" and "run finished" messages back to back, React draws only the end, and that wait used to
time out after 30 s although the interaction was logged and shown. Each logged interaction must then show in the
contact's timeline, which the same run reads after logging it.

Every wait for a rerun is timed; the slowest are printed. When a session fails, the test says where each
session was, what the page and the server last said to each other (``PAGE_TRACE_SCRIPT``), the page's console,
where every server thread was (``Dashboard.thread_dump``), whether the interaction being logged reached the
workspace file, and the end of the server's log; a screenshot, the page's text and the whole log are kept in
``build/test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import shutil
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

import tests.browser as kit
from engine.store import ContactQuery, Store
from tests.browser import (
    ARTIFACTS,
    CHROMIUM,
    UI_TIMEOUT_MS,
    Dashboard,
    rapport_cli,
)
from tests.browser_runs import PAGE_TRACE_SCRIPT, RUN_COUNTER_SCRIPT, RUN_DONE, RUN_PROBE, run_stall

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SESSIONS = 3
LOGS = 50
EDIT_EVERY = 10
# A hang, not a speed target (speed is measured by benchmarks, never asserted): every single wait has its own
# UI_TIMEOUT_MS, so this only bounds the whole, which takes ~60 s alone and ~5.5 min on two cores kept busy.
TIMEOUT_S = 600


def note(session: int, i: int) -> str:
    return f"load-s{session}-i{i}"


def edit_word(session: int, i: int) -> str:
    return f"load-s{session}-e{i}"


def distinct_contacts(db: Path, count: int) -> list[dict]:
    """``count`` contacts whose names nobody else has (so searching the name finds exactly them), with notes."""
    frame, _ = Store(db).contacts.find(ContactQuery(page_size=1000))
    names = frame["full_name"].dropna()
    unique = frame[frame["full_name"].isin(names[~names.duplicated(keep=False)])]
    unique = unique[unique["full_name"].str.fullmatch(r"[A-Za-z]+ [A-Za-z]+")]
    chosen = [Store(db).contacts.get(int(i)) for i in unique["id"].head(count)]
    assert len(chosen) == count
    return chosen


@dataclass
class Session:
    """One browser session: what it is doing now, how long each rerun took, and, if it failed, why."""

    index: int
    contact: dict
    artifacts: Path
    step: str = "not started"
    since: float = field(default_factory=time.monotonic)
    in_flight: str | None = None  # the note of the interaction being logged right now
    waits: list[tuple[float, str]] = field(default_factory=list)  # (seconds, which rerun)
    unseen: int = 0  # reruns the page never showed as running (data-test-script-state stayed notRunning)
    console: deque = field(default_factory=lambda: deque(maxlen=40))
    report: str = ""

    def doing(self, step: str) -> None:
        self.step, self.since = step, time.monotonic()

    def where(self) -> str:
        return f"s{self.index}: {self.step}, for {time.monotonic() - self.since:.1f} s"


async def probe(page) -> dict:
    """The page's run counters (``RUN_PROBE``), read before a click."""
    return await page.evaluate(RUN_PROBE)


async def rerun_done(page, session: Session, before: dict, what: str, clicked: float) -> None:
    """Wait until the script run the click on ``what`` (at ``clicked``, monotonic) started has finished and the
    page shows it (``RUN_DONE``: the run is read off the wire, not off ``data-test-script-state``, which a run
    sent in one burst never changes); time it. On a timeout, say which step never came."""
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError

    try:
        after = await (await page.wait_for_function(RUN_DONE, arg=before, timeout=UI_TIMEOUT_MS)).json_value()
    except PlaywrightTimeoutError as error:
        stall = run_stall(before, await probe(page))
        raise AssertionError(f"no finished run {UI_TIMEOUT_MS / 1000:.0f} s after {what}: {stall}") from error
    session.waits.append((time.monotonic() - clicked, what))
    if after["runs"] == before["runs"]:  # the old counter would have waited for this run forever
        session.unseen += 1


async def open_contact(page, app: Dashboard, name: str) -> None:
    """Find the contact, open it from the table and open its "Reach out or log an interaction" panel; each
    step after the run of the one before has ended (a page still drawing a run can lose a click or undo it)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError
    from playwright.async_api import expect

    await page.goto(app.url("contacts"))
    await expect(page.get_by_role("heading", name="Contacts", exact=True)).to_be_visible()
    search = page.get_by_role("textbox", name="Search", exact=True)
    before = await probe(page)
    await search.fill(name)
    await search.press("Enter")
    await page.wait_for_function(RUN_DONE, arg=before, timeout=UI_TIMEOUT_MS)
    await expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    await expect(grid.locator("canvas").first).to_be_visible()
    before = await probe(page)
    for _ in range(5):  # the grid may still be laying itself out: click its first row marker until it takes
        box = await grid.bounding_box()
        assert box is not None
        await page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
        try:  # a click that selected the row sends a rerun at once; clicking again would unselect it
            await page.wait_for_function("b => window.__rapportWire.reruns > b.reruns", arg=before, timeout=5_000)
            break
        except PlaywrightTimeoutError:
            continue
    await page.wait_for_function(RUN_DONE, arg=before, timeout=UI_TIMEOUT_MS)
    await expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    # Clicked while the run that opens the contact was still being drawn, this panel was once found closed
    # 30 s later. Now it is clicked after that run, and again should it be closed all the same.
    panel = page.get_by_test_id("stExpander").filter(has_text="Reach out or log an interaction")
    button = page.get_by_role("button", name="Log outreach")
    for _ in range(3):
        if not await panel.locator("details").evaluate("details => details.open"):
            await panel.locator("summary").click()
        try:
            await expect(button).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            continue
    await expect(button).to_be_visible(timeout=1_000)


async def one_session(browser, app: Dashboard, session: Session) -> None:
    from playwright.async_api import expect

    s, contact = session.index, session.contact
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = await context.new_page()
    page.on("console", lambda m: session.console.append(f"{time.strftime('%H:%M:%S')} {m.type}: {m.text}"))
    page.on("pageerror", lambda e: session.console.append(f"{time.strftime('%H:%M:%S')} pageerror: {e}"))
    page.on("crash", lambda _: session.console.append(f"{time.strftime('%H:%M:%S')} the page crashed"))
    await page.add_init_script(PAGE_TRACE_SCRIPT)
    await page.add_init_script(RUN_COUNTER_SCRIPT)
    before: dict = {"seq": 0}
    try:
        session.doing("opening the contact")
        started = time.monotonic()
        await open_contact(page, app, contact["full_name"])
        session.waits.append((time.monotonic() - started, "open"))
        log_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Log outreach"))
        edit_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Save"))
        timeline = page.get_by_test_id("stDataFrame").last  # the contact's timeline, under the panel
        success = page.get_by_test_id("stAlertContentSuccess")
        problem = page.locator("[data-testid=stException], [data-testid=stAlertContentError]")
        notes = (contact["notes"] or "").strip()
        for i in range(LOGS):
            session.doing(f"logging interaction {i}")
            before = await probe(page)
            await log_form.get_by_role("textbox", name="Notes").fill(note(s, i))
            session.in_flight = note(s, i)
            clicked = time.monotonic()
            await log_form.get_by_role("button", name="Log outreach").click()
            session.doing(f"waiting for the rerun after logging interaction {i}")
            await rerun_done(page, session, before, f"log {i}", clicked)
            session.doing(f"checking interaction {i}")
            # The run read the timeline after logging: its new row, with this note, is what this run shows.
            await expect(timeline.get_by_text(note(s, i), exact=True)).to_be_attached()
            logged = rf"^Logged: Outreach \(I wrote\) with {re.escape(contact['full_name'])}"
            await expect(success).to_have_text(re.compile(logged))
            assert await problem.count() == 0, await problem.first.inner_text()
            session.in_flight = None
            if i % EDIT_EVERY == EDIT_EVERY - 1:
                session.doing(f"saving the notes after interaction {i}")
                notes = f"{notes} {edit_word(s, i)}".strip()
                box = edit_form.get_by_role("textbox", name="Notes")
                before = await probe(page)
                await box.fill(notes)
                clicked = time.monotonic()
                await edit_form.get_by_role("button", name="Save").click()
                session.doing(f"waiting for the rerun after saving the notes after interaction {i}")
                await rerun_done(page, session, before, f"save {i}", clicked)
                await expect(edit_form.get_by_role("textbox", name="Notes")).to_have_value(notes)
                assert await problem.count() == 0, await problem.first.inner_text()
        session.doing("done")
    except BaseException as error:
        session.report = await describe(page, session, before, error)
        raise
    finally:
        await context.close()


async def describe(page, session: Session, before: dict, error: BaseException) -> str:
    """What a failed session was doing and what its page shows and last said to the server; the screenshot
    and the page's text go to the session's artifacts. Never raises: it runs on the way out of a failure."""
    lines = [f"session {session.where()}: {type(error).__name__}: {str(error).strip()[:1500]}"]
    slowest = sorted(session.waits, reverse=True)[:3]
    lines.append("its slowest reruns: " + ", ".join(f"{what} {sec:.1f} s" for sec, what in slowest))
    try:
        session.artifacts.mkdir(parents=True, exist_ok=True)
        shot = session.artifacts / f"s{session.index}.png"
        await page.screenshot(path=str(shot), timeout=10_000)
        lines.append(f"screenshot: {shot}")
    except Exception as problem:  # diagnostics only
        lines.append(f"(no screenshot: {problem!r:.200})")
    try:
        now = await probe(page)
        lines.append(f"counters before the click: {before}")
        lines.append(f"counters now:              {now}")
        trace = await page.evaluate("window.__rapportTrace || []")
        since = [e for e in trace if e[0] >= before.get("seq", 0) - 8]  # a little context before the click
        lines.append("page <-> server since just before the click (seq, ms, event, detail):")
        lines.extend(f"  {e[0]:>5} {e[1]:>8} {e[2]} {e[3]}" for e in since[-60:])
    except Exception as problem:
        lines.append(f"(no trace: {problem!r:.200})")
    try:
        text = await page.locator("body").inner_text(timeout=10_000)
        path = session.artifacts / f"s{session.index}.txt"
        path.write_text(f"{page.url}\n\n{text}", encoding="utf-8")
        alerts = await page.locator("[data-testid=stAlert], [data-testid=stException], [data-testid=stToast]"
                                    ).all_inner_texts()
        lines.append(f"page text: {path}; messages on the page: {alerts}")
    except Exception as problem:
        lines.append(f"(no page text: {problem!r:.200})")
    lines.append("console, its end:\n  " + ("\n  ".join(list(session.console)[-15:]) or "(nothing)"))
    return "\n".join(lines)


async def all_sessions(app: Dashboard, sessions: list[Session]) -> list:
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=UI_TIMEOUT_MS)  # async expect only, which only this module uses; 5 s by default
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                          args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        try:
            work = asyncio.gather(*(one_session(browser, app, session) for session in sessions),
                                  return_exceptions=True)
            try:
                return await asyncio.wait_for(work, TIMEOUT_S)
            except TimeoutError:
                return [TimeoutError(f"not done after {TIMEOUT_S} s")] * len(sessions)
        finally:
            await browser.close()


def server_report(app: Dashboard, sessions: list[Session], artifacts: Path) -> str:
    """After a failure: is the server alive, where is each of its threads, did the interactions being logged
    reach the file, and the end of its log (all of it is kept in ``artifacts``)."""
    lines = [f"server healthy: {app.healthy()}"]
    dump = app.thread_dump()
    app.stop()
    artifacts.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copy(app.log_path, artifacts / "streamlit.log")
        lines.append(f"server log: {artifacts / 'streamlit.log'}")
    except OSError as problem:
        lines.append(f"(server log not kept: {problem})")
    try:
        stored = set(Store(app.db).interactions.frame()["notes"].dropna())
        for session in sessions:
            if session.in_flight:
                lines.append(f"s{session.index}'s interaction {session.in_flight} is "
                             f"{'in' if session.in_flight in stored else 'NOT in'} the workspace file")
    except Exception as problem:  # diagnostics only
        lines.append(f"(workspace not read: {problem!r:.300})")
    if dump:
        (artifacts / "server-threads.txt").write_text(dump, encoding="utf-8")
    lines.append(f"server threads at the failure (all of them in {artifacts / 'server-threads.txt'}):\n"
                 + (busy_threads(dump) or "(no dump: the server had exited)"))
    lines.append("server log, its end:\n" + app.log().replace(dump, "")[-3000:])
    return "\n".join(lines)


def busy_threads(dump: str) -> str:
    """The threads of a faulthandler dump that are in the app's code or run a script, or are the server's
    event loop (the one the signal interrupted); the idle pool threads are only counted."""
    blocks = [b for b in re.split(r"\n(?=Thread 0x|Current thread 0x)", dump.strip()) if b.strip()]
    app_code = str(kit.ROOT / "ui"), str(kit.ROOT / "engine"), str(kit.ROOT / "app.py")
    busy = [b for b in blocks if b.startswith("Current thread") or "script_runner" in b
            or any(path in b for path in app_code)]
    return "\n\n".join(busy + [f"({len(blocks) - len(busy)} idle threads not shown)"]) if blocks else ""


def slowest(sessions: list[Session], count: int = 5) -> str:
    waits = sorted(((sec, f"s{s.index} {what}") for s in sessions for sec, what in s.waits
                    if what != "open"), reverse=True)
    return ", ".join(f"{what} {sec:.1f} s" for sec, what in waits[:count])


def test_three_sessions_log_150_interactions_and_edit_contacts_at_once(dashboard, tmp_path):
    if not CHROMIUM.exists():
        kit.missing(f"{CHROMIUM} is missing: install Debian's chromium; the browser tests never download a browser")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        kit.missing("playwright is not installed: pip install -e '.[dev]'")
    db = tmp_path / "demo.duckdb"
    rapport_cli("demo", db=db)
    contacts = distinct_contacts(db, SESSIONS)
    known = set(Store(db).interactions.frame()["id"])
    app = dashboard(db)

    artifacts = ARTIFACTS / f"test_browser_load-{time.strftime('%Y%m%d-%H%M%S')}"
    sessions = [Session(s, contact, artifacts) for s, contact in enumerate(contacts)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own thread: no clash with the sync fixtures' loop
        outcomes = pool.submit(asyncio.run, all_sessions(app, sessions)).result(timeout=TIMEOUT_S + 120)
    elapsed = time.monotonic() - started
    if any(isinstance(outcome, BaseException) for outcome in outcomes):
        failed = [s for s, outcome in zip(sessions, outcomes) if isinstance(outcome, BaseException)]
        raise AssertionError(
            f"{len(failed)} of {SESSIONS} sessions failed after {elapsed:.1f} s (artifacts: {artifacts})\n"
            + "where each session was: " + "; ".join(s.where() for s in sessions) + "\n"
            + f"slowest reruns: {slowest(sessions)}\n\n"
            + "\n\n".join(s.report or f"session {s.where()}: {outcome!r}"
                          for s, outcome in zip(sessions, outcomes) if isinstance(outcome, BaseException))
            + "\n\n" + server_report(app, sessions, artifacts))
    app.stop()

    frame = Store(db).interactions.frame()
    new = frame[~frame["id"].isin(known)]
    expected = {note(s, i) for s in range(SESSIONS) for i in range(LOGS)}
    counts = new["notes"].value_counts()
    missing = sorted(expected - set(counts.index))
    doubled = sorted(counts[counts > 1].index)
    assert not missing, f"{len(missing)} logged interactions are missing: {missing[:10]}"
    assert not doubled, f"logged twice: {doubled[:10]}"
    assert len(new) == SESSIONS * LOGS
    for s, contact in enumerate(contacts):
        mine = new[new["notes"].str.startswith(f"load-s{s}-")]
        assert set(mine["contact_id"]) == {contact["id"]}, f"session {s} logged on other contacts"
        assert set(mine["kind"]) == {"outreach"}
        assert {d.date() for d in mine["occurred_on"]} == {date.today()}
        saved = Store(db).contacts.get(contact["id"])["notes"] or ""
        words = [edit_word(s, i) for i in range(LOGS) if i % EDIT_EVERY == EDIT_EVERY - 1]
        assert saved.split()[-len(words):] == words, f"session {s}: edits lost, notes are {saved!r}"
    print(f"\n{SESSIONS} sessions x {LOGS} logs + {LOGS // EDIT_EVERY} edits each: {elapsed:.1f} s; opening "
          + ", ".join(f"s{s.index} {s.waits[0][0]:.1f} s" for s in sessions)
          + f"; slowest reruns: {slowest(sessions)}; reruns the page never showed as running: "
          + f"{sum(s.unseen for s in sessions)} of {sum(len(s.waits) - 1 for s in sessions)}")
