"""Records a person can fix, in a real browser (issue 18): a logged interaction corrected, deleted and put
back from the contact's timeline, and a duplicate contact merged into another with its history.

The workspace is written before the dashboard starts and read back once it has stopped, so the test never
competes with the server for DuckDB's file lock. Each journey saves a screenshot in the test's tmp folder
(``deleted.png``, ``merged.png``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from engine.store import Store
from tests.browser import choose, goto, search_contacts, select_first_row, table, table_csv, wait_until_idle
from tests.browser_runs import prepare_page, rerun_done, runs_started
from tests.conftest import parsed_contacts

pytestmark = pytest.mark.browser

KEEP, DUPLICATE = "Ada Lovelace", "Ada Lovelace (work)"


def two_adas(db) -> tuple[int, int]:
    """The same person twice (one from LinkedIn, one from an address book), each with one interaction."""
    workspace = Store(db)
    workspace.imports.save_contacts(parsed_contacts([
        {"first_name": "Ada", "last_name": "Lovelace", "full_name": KEEP, "company": "Analytical Engines",
         "position": "Data Scientist", "linkedin_url": "https://www.linkedin.com/in/ada-l"},
        {"first_name": "Ada", "last_name": "Lovelace (work)", "full_name": DUPLICATE,
         "email": "ada@engines.example"},
    ]))
    frame, _ = workspace.contacts.find()
    ids = dict(zip(frame["full_name"], frame["id"], strict=True))
    keep, dup = int(ids[KEEP]), int(ids[DUPLICATE])
    today = date.today()
    workspace.interactions.log({"contact_id": keep, "kind": "outreach", "channel": "linkedin_message",
                                "occurred_on": today - timedelta(days=6), "notes": "first try"})
    workspace.interactions.log({"contact_id": dup, "kind": "meeting", "channel": "in_person",
                                "occurred_on": today - timedelta(days=3), "notes": "coffee at the conference"})
    return keep, dup


def open_ada(dashboard, page, db):
    """The dashboard on two Adas, Ada Lovelace opened on Contacts; the dashboard and both contact ids."""
    keep, dup = two_adas(db)
    app = dashboard(db)
    prepare_page(page)
    goto(page, app, "contacts", "Contacts")
    search_contacts(page, KEEP)
    expect(page.get_by_text(re.compile(r"^2 contacts ·"))).to_be_visible()  # both Adas; Ada Lovelace first
    select_first_row(page, table(page), page.get_by_role("heading", name=KEEP, exact=True))
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    return app, keep, dup


def open_expander(page, title: str):
    expander = page.get_by_test_id("stExpander").filter(has_text=title)
    expander.locator("summary").click()
    return expander


def click_and_wait(page, button) -> None:
    before = runs_started(page)
    button.click()
    rerun_done(page, before)
    wait_until_idle(page)


def test_an_interaction_is_corrected_deleted_and_put_back_from_the_timeline(dashboard, page, tmp_path):
    db = tmp_path / "records.duckdb"
    app, keep, _ = open_ada(dashboard, page, db)
    timeline = table_csv(page, table(page, 1))
    assert [(r["kind"], r["channel"], r["notes"]) for r in timeline] == [
        ("Outreach (I wrote)", "LinkedIn message", "first try")]

    editor = open_expander(page, "Correct or delete an interaction")
    form = editor.get_by_test_id("stForm")
    wait_until_idle(page)  # the run that drew Ada's page has finished: nothing redraws the form under the choice
    choose(page, "Outcome", "Replied", scope=form)
    form.get_by_role("textbox", name="Notes").fill("first try; she answered the next day")
    click_and_wait(page, form.get_by_role("button", name="Save changes"))
    timeline = table_csv(page, table(page, 1))
    assert [(r["outcome"], r["notes"]) for r in timeline] == [("Replied", "first try; she answered the next day")]

    editor = page.get_by_test_id("stExpander").filter(has_text="Correct or delete an interaction")
    if not editor.get_by_role("button", name="Delete this interaction").is_visible():
        editor.locator("summary").click()  # opened again if the rerun closed it
    click_and_wait(page, editor.get_by_role("button", name="Delete this interaction"))
    expect(page.get_by_text(re.compile(r"^Deleted the interaction of \d{2} \w{3} \d{4}\.$"))).to_be_visible()
    expect(page.get_by_text("Nothing logged with this contact yet.", exact=True)).to_be_visible()
    page.get_by_role("heading", name="Timeline").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "deleted.png"))

    click_and_wait(page, page.get_by_role("button", name="Undo"))
    expect(page.get_by_text("Nothing logged with this contact yet.", exact=True)).to_have_count(0)
    timeline = table_csv(page, table(page, 1))
    assert [(r["outcome"], r["notes"]) for r in timeline] == [("Replied", "first try; she answered the next day")]

    app.stop()
    (row,) = Store(db).interactions.timeline(keep).to_dict("records")
    assert (row["outcome"], row["notes"], row["channel"]) == ("replied", "first try; she answered the next day",
                                                              "linkedin_message")
    assert (tmp_path / "deleted.png").stat().st_size > 10_000


def test_a_duplicate_is_merged_and_its_history_moves_along(dashboard, page, tmp_path):
    db = tmp_path / "merge.duckdb"
    app, keep, dup = open_ada(dashboard, page, db)

    merge = open_expander(page, "Merge a duplicate into this contact")
    expect(merge.get_by_role("textbox", name="Find the duplicate")).to_have_value("Lovelace")
    expect(merge.get_by_role("combobox", name="Duplicate")).to_have_value(
        f"{DUPLICATE} · ada@engines.example")
    button = merge.get_by_role("button", name="Merge")
    expect(button).to_be_disabled()  # nothing merges without the confirmation
    merge.get_by_text("Yes, merge them").click()
    expect(button).to_be_enabled()
    click_and_wait(page, button)

    expect(page.get_by_text(re.compile(r"^1 contact ·"))).to_be_visible()  # the duplicate is gone
    expect(page.get_by_role("heading", name=KEEP, exact=True)).to_be_visible()
    timeline = table_csv(page, table(page, 1))
    assert sorted(r["notes"] for r in timeline) == ["coffee at the conference", "first try"]
    page.get_by_role("heading", name="Timeline").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "merged.png"))

    app.stop()
    workspace = Store(db)
    assert workspace.contacts.get(dup) is None
    kept = workspace.contacts.get(keep)
    assert kept["email"] == "ada@engines.example" and kept["linkedin_url"] == "https://www.linkedin.com/in/ada-l"
    assert sorted(workspace.interactions.timeline(keep)["notes"]) == ["coffee at the conference", "first try"]
    assert (tmp_path / "merged.png").stat().st_size > 10_000
