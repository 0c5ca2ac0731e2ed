"""Three people at once on one dashboard and one workspace file: nothing they log or edit may get lost.

Three browser sessions (one async Playwright, three contexts) work the Contacts page of ONE ``streamlit run``
server on ONE DuckDB file at the same time. Each opens its own contact, logs 50 outreach messages through
"Reach out or log an interaction" → "Log outreach" (each with a note of its own, e.g. ``load-s2-i37``), and
every tenth message also appends a word to the contact's notes and saves them. Afterwards the workspace file
must hold all 150 interactions exactly once and every edit.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import time
from datetime import date
from pathlib import Path

import pytest

import tests.browser as kit
from engine.store import ContactQuery, Store
from tests.browser import CHROMIUM, RUN_COUNTER_SCRIPT, UI_TIMEOUT_MS, Dashboard, rapport_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SESSIONS = 3
LOGS = 50
EDIT_EVERY = 10
TIMEOUT_S = 270  # a hang, not a speed target: speed is measured by benchmarks, never asserted


def note(session: int, i: int) -> str:
    return f"load-s{session}-i{i}"


def edit_word(session: int, i: int) -> str:
    return f"load-s{session}-e{i}"


def distinct_contacts(db: Path, count: int) -> list[dict]:
    """``count`` contacts whose names nobody else has (so searching the name finds exactly them), with notes."""
    frame, _ = Store(db).find_contacts(ContactQuery(page_size=1000))
    names = frame["full_name"].dropna()
    unique = frame[frame["full_name"].isin(names[~names.duplicated(keep=False)])]
    unique = unique[unique["full_name"].str.fullmatch(r"[A-Za-z]+ [A-Za-z]+")]
    chosen = [Store(db).contact(int(i)) for i in unique["id"].head(count)]
    assert len(chosen) == count
    return chosen


async def rerun_done(page, before: int) -> None:
    await page.wait_for_function(
        "after => (window.__rapportRuns || 0) > after && document.querySelector('[data-testid=\"stApp\"]')"
        ".getAttribute('data-test-script-state') === 'notRunning'", arg=before, timeout=UI_TIMEOUT_MS)


async def runs_started(page) -> int:
    return int(await page.evaluate("window.__rapportRuns || 0"))


async def open_contact(page, app: Dashboard, name: str) -> None:
    from playwright.async_api import expect

    await page.goto(app.url("contacts"))
    await expect(page.get_by_role("heading", name="Contacts", exact=True)).to_be_visible()
    search = page.get_by_role("textbox", name="Search", exact=True)
    await search.fill(name)
    await search.press("Enter")
    await expect(page.get_by_text(re.compile(r"^1 contacts match"))).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    await expect(grid.locator("canvas").first).to_be_visible()
    heading = page.get_by_role("heading", name=name, exact=True)
    for _ in range(5):  # the grid may still be laying itself out: click its first row marker until it opens
        box = await grid.bounding_box()
        assert box is not None
        await page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
        try:
            await expect(heading).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            continue
    await expect(heading).to_be_visible(timeout=1_000)
    await page.get_by_test_id("stExpander").filter(has_text="Reach out or log an interaction").locator(
        "summary").click()
    await expect(page.get_by_role("button", name="Log outreach")).to_be_visible()


async def one_session(browser, app: Dashboard, session: int, contact: dict, timings: dict) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = await context.new_page()
    await page.add_init_script(RUN_COUNTER_SCRIPT)
    try:
        started = time.monotonic()
        await open_contact(page, app, contact["full_name"])
        timings[f"s{session} open"] = time.monotonic() - started
        log_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Log outreach"))
        edit_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Save"))
        success = page.get_by_test_id("stAlertContentSuccess")
        problem = page.locator("[data-testid=stException], [data-testid=stAlertContentError]")
        notes = (contact["notes"] or "").strip()
        for i in range(LOGS):
            before = await runs_started(page)
            await log_form.get_by_role("textbox", name="Notes").fill(note(session, i))
            await log_form.get_by_role("button", name="Log outreach").click()
            await rerun_done(page, before)
            await expect(success).to_have_text(re.compile(rf"^Logged: outreach with {re.escape(contact['full_name'])}"))
            assert await problem.count() == 0, await problem.first.inner_text()
            if i % EDIT_EVERY == EDIT_EVERY - 1:
                notes = f"{notes} {edit_word(session, i)}".strip()
                box = edit_form.get_by_role("textbox", name="Notes")
                before = await runs_started(page)
                await box.fill(notes)
                await edit_form.get_by_role("button", name="Save").click()
                await rerun_done(page, before)
                await expect(edit_form.get_by_role("textbox", name="Notes")).to_have_value(notes)
                assert await problem.count() == 0, await problem.first.inner_text()
        timings[f"s{session} total"] = time.monotonic() - started
    except BaseException:
        await page.screenshot(path=str(app.log_path.with_name(f"load-s{session}.png")))
        raise
    finally:
        await context.close()


async def all_sessions(app: Dashboard, contacts: list[dict], timings: dict) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                          args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        try:
            await asyncio.gather(*(one_session(browser, app, s, c, timings) for s, c in enumerate(contacts)))
        finally:
            await browser.close()


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
    known = set(Store(db).interactions_frame()["id"])
    app = dashboard(db)

    timings: dict[str, float] = {}
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own thread: no clash with the sync fixtures' loop
        pool.submit(asyncio.run, all_sessions(app, contacts, timings)).result(timeout=TIMEOUT_S)
    elapsed = time.monotonic() - started
    app.stop()

    frame = Store(db).interactions_frame()
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
        saved = Store(db).contact(contact["id"])["notes"] or ""
        words = [edit_word(s, i) for i in range(LOGS) if i % EDIT_EVERY == EDIT_EVERY - 1]
        assert saved.split()[-len(words):] == words, f"session {s}: edits lost, notes are {saved!r}"
    print(f"\n3 sessions x {LOGS} logs + {LOGS // EDIT_EVERY} edits each: {elapsed:.1f} s; "
          + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(timings.items())))
