"""Whole journeys in a real browser, checked on screen and then in the workspace file itself.

1. From the Outreach list to a logged message that is due on Today and sits on the contact's timeline.
2. The monthly review: charts drawn, a flag dismissed with a reason, the HTML report downloaded.
(Hostile text everywhere: test_browser_hostile.py.)

The dashboard runs as ``streamlit run`` on its own workspace file; the workspace is only read back once the
server has stopped, so the test never competes with it for DuckDB's file lock.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from engine.outreach.messages import workspace_templates
from engine.planning.agenda import agenda
from engine.store import Store
from tests.browser import (
    choose,
    download,
    goto,
    metric_value,
    rapport_cli,
    search_contacts,
    select_first_row,
    set_date,
    table,
    table_cell,
    table_csv,
    wait_until_idle,
)
from tests.browser_runs import prepare_page, rerun_done, runs_started

pytestmark = pytest.mark.browser


def demo_workspace(tmp_path: Path) -> Path:
    db = tmp_path / "demo.duckdb"
    rapport_cli("demo", db=db)
    return db


# -- 1. Outreach -> Today -> Contacts ----------------------------------------------------------------------
def test_log_an_outreach_from_the_ranked_list_then_find_it_due_today_and_on_the_timeline(dashboard, page, tmp_path):
    db = demo_workspace(tmp_path)
    today = date.today()
    workspace = Store(db)
    known_ids = set(workspace.interactions.frame()["id"])
    due_before = agenda(workspace, today).due
    linkedin = [t for t in workspace_templates(workspace) if t["channel"] == "linkedin_message"]
    template = next((t for t in linkedin if t["name"] == "Mentor coffee ask"), linkedin[0])
    note = "Asked for a coffee chat, from the Outreach page"

    app = dashboard(db)
    prepare_page(page)
    goto(page, app, "outreach", "Outreach")
    ranked = table(page)
    name = table_cell(ranked, "Name", 0)
    assert name.strip(), "the first ranked row has no name"
    select_first_row(page, ranked, page.get_by_role("heading", name=name, exact=True))
    expect(page.get_by_text("Reach out", exact=True)).to_be_visible()
    wait_until_idle(page)

    choose(page, "Channel", "LinkedIn message")
    wait_until_idle(page)
    choose(page, "Template", template["name"])
    draft = page.get_by_test_id("stCode")
    expect(draft).to_contain_text(f"Hi {name.split()[0]}")
    drafted = draft.inner_text()
    set_date(page, "Follow up on", today)
    log_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Log outreach"))
    log_form.get_by_role("textbox", name="Notes").fill(note)
    log_form.get_by_role("button", name="Log outreach").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_have_text(
        f"Logged: Outreach (I wrote) with {name} on {today:%d %b %Y}; follow up on {today:%d %b %Y}.")

    # Today: this follow-up is due today; it replaces whatever was still open with the same person.
    expected = int((due_before["full_name"] != name).sum()) + 1
    goto(page, app, "today", "Today")
    expect(page.get_by_test_id("stMetric").filter(has_text="Follow-ups due")).to_contain_text(str(expected))
    assert metric_value(page, "Follow-ups due") == str(expected)
    due = table_csv(page, table(page))
    assert len(due) == expected
    assert len([row for row in due if row["full_name"] == name]) == 1, due
    mine = [row for row in due if row["full_name"] == name and row["follow_up_on"] == today.isoformat()]
    assert len(mine) == 1, due
    assert mine[0]["status"] == "Due"  # the status as Today words it
    assert mine[0]["template"] == template["name"]
    assert mine[0]["channel"] == "LinkedIn message"

    # Contacts: the new entry leads the contact's timeline.
    goto(page, app, "contacts", "Contacts")
    search_contacts(page, name)
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()
    select_first_row(page, table(page), page.get_by_role("heading", name=name, exact=True))
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.get_by_text(f"How did the LinkedIn message of {today:%d %b %Y} go?", exact=True)).to_be_visible()
    timeline = table_csv(page, table(page, 1))
    assert timeline[0]["notes"] == note, timeline[:2]
    assert timeline[0]["kind"] == "Outreach (I wrote)"
    assert timeline[0]["occurred_on"].startswith(today.isoformat())  # shown as a timestamp at midnight
    assert timeline[0]["follow_up_on"].startswith(today.isoformat())

    app.stop()
    after = Store(db).interactions.frame()
    new = after[~after["id"].isin(known_ids)]
    assert len(new) == 1, new
    logged = new.iloc[0]
    assert logged["full_name"] == name
    assert logged["kind"] == "outreach"
    assert logged["channel"] == "linkedin_message"
    assert int(logged["template_id"]) == template["id"]
    assert pd.Timestamp(logged["follow_up_on"]).date() == today
    assert pd.Timestamp(logged["occurred_on"]).date() == today
    assert pd.isna(logged["outcome"])
    assert logged["notes"] == note
    contact = Store(db).contacts.get(int(logged["contact_id"]))
    assert contact["first_name"] and f"Hi {contact['first_name']}" in drafted, drafted


def test_an_outreach_logged_on_a_contact_shows_in_its_timeline_at_once(dashboard, page, tmp_path):
    db = demo_workspace(tmp_path)
    frame, _ = Store(db).contacts.find()
    name = frame["full_name"].iloc[0]
    note = "Logged from the contact's own page"
    app = dashboard(db)
    prepare_page(page)
    goto(page, app, "contacts", "Contacts")
    search_contacts(page, name)
    select_first_row(page, table(page), page.get_by_role("heading", name=name, exact=True))
    wait_until_idle(page)
    page.get_by_test_id("stExpander").filter(has_text="Reach out or log an interaction").locator("summary").click()
    log_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Log outreach"))
    log_form.get_by_role("textbox", name="Notes").fill(note)
    before = runs_started(page)
    log_form.get_by_role("button", name="Log outreach").click()
    rerun_done(page, before)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Logged: Outreach (I wrote) with {name}")
    shown = page.get_by_text(f"How did the E-mail of {date.today():%d %b %Y} go?", exact=True)
    try:
        expect(shown).to_be_visible(timeout=5_000)
    finally:
        app.stop()
        assert note in set(Store(db).interactions.timeline(int(frame["id"].iloc[0]))["notes"]), "not even saved"


# -- 2. Review ---------------------------------------------------------------------------------------------
# Charts whose SVG holds drawn data: bars, funnel stages or lines with real coordinates.
DRAWN_CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(chart =>
  chart.querySelector('svg.main-svg') && [...chart.querySelectorAll('.cartesianlayer .trace path')]
    .some(path => (path.getAttribute('d') || '').replace(/[^0-9]/g, '').length > 4)).length"""


def flag_card(page, title: str):
    """The bordered box of one refinement flag (the innermost block holding its title and its popover)."""
    return (page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text(title, exact=True))
            .filter(has=page.get_by_test_id("stPopover")).last)


def test_the_review_draws_its_charts_dismisses_a_flag_and_downloads_the_report(dashboard, page, tmp_path):
    db = demo_workspace(tmp_path)
    assert Store(db).flags.dismissed() == {}
    reason = "E-mail is what my mentors prefer"
    app = dashboard(db)
    goto(page, app, "review", "Review")

    page.wait_for_function(f"({DRAWN_CHARTS})() == 2")  # the headline charts; the rest once opened
    wait_until_idle(page)
    assert page.evaluate(DRAWN_CHARTS) == 2
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="More charts (").click()
    page.wait_for_function(f"({DRAWN_CHARTS})() >= 9")
    charts = page.locator(".js-plotly-plot")
    assert charts.count() >= 9
    assert page.locator(".js-plotly-plot svg.main-svg").count() >= 9
    titles = [t.strip() for t in page.locator(".js-plotly-plot .gtitle").all_text_contents()]
    assert len([t for t in titles if t]) >= 9, titles
    assert page.evaluate(DRAWN_CHARTS) >= 9

    flags = page.get_by_text(re.compile(r"gets fewer replies than"))
    expect(flags.first).to_be_visible()
    title = flags.first.inner_text().strip()
    card = flag_card(page, title)
    card.get_by_test_id("stPopoverButton").click()
    why = page.get_by_role("textbox", name="Why?")
    why.fill(reason)
    why.press("Enter")
    page.get_by_role("button", name="Dismiss this flag").click()
    expect(page.get_by_text(title, exact=True)).to_have_count(0)
    expect(page.get_by_text("Dismissed flags (1)")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Dismissed flags (1)")).to_be_visible()
    expect(page.get_by_text(title, exact=True)).to_have_count(0)

    html = download(page, "Download the review (HTML, interactive)").decode("utf-8")
    assert "<h1>Networking review</h1>" in html
    assert "plotly" in html.lower()
    assert title not in html  # a dismissed flag is left out of the report too

    app.stop()
    dismissed = Store(db).flags.dismissed()
    assert list(dismissed.values()) == [reason], dismissed
    assert "email" in next(iter(dismissed)), dismissed
