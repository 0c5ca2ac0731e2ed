"""A workspace whose every user-written text is hostile, in a real browser: every page shows it as typed
and runs none of it (split from test_browser_journeys.py, which holds the other journeys)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from engine.outreach.messages import SAMPLE_VALUES
from engine.planning.agenda import agenda
from engine.store import Store
from tests.browser import (
    Dashboard,
    assert_inert,
    choose,
    download,
    goto,
    linkedin_export,
    metric_value,
    open_options,
    person,
    rapport_cli,
    search_contacts,
    select_first_row,
    table,
    table_cell,
    wait_until_idle,
)

pytestmark = pytest.mark.browser


# -- 3. Hostile text, everywhere ---------------------------------------------------------------------------
IMG = "<img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))"
SCRIPT = "<script>alert(1)</script>"
ANCHOR = '<a href="javascript:alert(1)">y</a>'  # Plotly draws a few HTML tags in chart text, <a href> among them
EVIL = f"{IMG} {LINK} {SCRIPT} {ANCHOR}"
MALLORY = f"{IMG} Mallory {LINK}"
GOAL = f"Goal {EVIL}"
SEGMENT = f"Segment {EVIL}"
TEMPLATE = f"Template {EVIL}"
EVENT = f"Event {EVIL}"
NEW_EVENT = f"Added {EVIL}"


def hostile_workspace(tmp_path: Path) -> dict:
    """Contacts, a goal with a segment, a template, a pitch, events, interactions and a tag cadence, all
    written by someone hostile. Contacts and the goal go in the way a user puts them in: the CLI."""
    db = tmp_path / "hostile.duckdb"
    today = date.today()
    export = tmp_path / "Connections.csv"
    export.write_bytes(linkedin_export([
        person(IMG, f"Mallory {LINK}", LINK, f"Product Manager {SCRIPT}", "01 Mar 2024"),
        person("Tom", "Baker", "Baker & Sons", "Accountant", "01 Feb 2021"),
    ]))
    rapport_cli("import", str(export), db=db)
    added = rapport_cli("goals", "add", "--title", GOAL, "--roles", f"product manager,{LINK}", "--companies", LINK,
                        "--description", EVIL, "--json", db=db)
    goal_id = json.loads(added.stdout)["id"]

    store = Store(db)
    frame, _ = store.contacts.find()
    mallory = int(frame.loc[frame["full_name"] == MALLORY, "id"].iloc[0])
    store.contacts.update(mallory, notes=EVIL, tags=[IMG, LINK], strength=3, cadence_days=7)
    store.goals.add_segment(goal_id, {"name": SEGMENT, "roles": ["product manager", LINK], "keywords": [IMG]})
    template_id = store.templates.save({"name": TEMPLATE, "channel": "linkedin_message", "purpose": "coffee chat",
                                       "subject": EVIL, "body": f"Hi {{first_name}}, {EVIL}"})
    midnight = datetime.min.time()
    store.events.add({"title": EVENT, "kind": "meetup", "location": LINK,
                     "starts_at": datetime.combine(today + timedelta(days=5), midnight),
                     "topics": [IMG, "product manager"], "audience": EVIL, "url": LINK})
    past = store.events.add({"title": f"Past {EVIL}", "kind": "meetup", "location": IMG, "topics": [SCRIPT],
                            "starts_at": datetime.combine(today - timedelta(days=10), midnight), "audience": EVIL})
    store.interactions.log({"contact_id": mallory, "event_id": past, "kind": "event", "channel": "in_person",
                           "occurred_on": today - timedelta(days=10), "notes": EVIL})
    store.interactions.log({"contact_id": mallory, "goal_id": goal_id, "template_id": template_id, "kind": "outreach",
                           "channel": "linkedin_message", "occurred_on": today - timedelta(days=8),
                           "follow_up_on": today - timedelta(days=1), "notes": EVIL})
    store.pitches.save(None, {"who": EVIL}, EVIL)
    store.pitches.save(goal_id, {"who": EVIL}, EVIL)
    store.settings.set_tag_cadence(LINK, 30)
    plan = agenda(store, today)
    assert list(plan.due["full_name"]) == [MALLORY]  # Today shows her as due, with her name in a caption
    return {"db": db, "mallory": mallory, "goal": goal_id}


def watch_dialogs(page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def expand_all(page) -> None:
    """Open every closed expander on the page (user text hides in them too; some draw it only once
    opened, in the rerun the click starts)."""
    closed = page.locator("[data-testid=stExpander] details:not([open]) > summary")
    for _ in range(50):
        count = closed.count()
        if count == 0:
            break
        wait_until_idle(page)  # a click during a rerun can be lost
        closed.first.click()
        try:
            expect(closed).to_have_count(count - 1)
        except AssertionError:  # it was lost all the same (seen once under load): click again
            continue
        wait_until_idle(page)
    assert closed.count() == 0
    wait_until_idle(page)


def visit(page, app: Dashboard, path: str, title: str, dialogs: list[str]) -> None:
    goto(page, app, path, title)
    wait_until_idle(page)
    expand_all(page)
    assert_inert(page, dialogs)


def open_outreach_for_the_first_row(page):
    ranked = table(page)
    expect(ranked).to_be_visible()
    assert table_cell(ranked, "Name", 0) == MALLORY
    select_first_row(page, ranked, page.get_by_text("Reach out", exact=True))
    wait_until_idle(page)


def open_mallory_on_contacts(page):
    search_contacts(page, "Mallory")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()
    select_first_row(page, table(page), page.get_by_role("heading", name="Timeline"))
    wait_until_idle(page)


def chart_labels(page, name: str):
    """The axis labels of the review's charts that start with ``name`` up to its Plotly-HTML part."""
    shown = name.replace(f" {ANCHOR}", "")
    return (page.locator(".js-plotly-plot").locator(".xtick text, .ytick text")
            .filter(has_text=re.compile("^" + re.escape(shown))))


def expect_chart_labels(page) -> None:
    """The review's charts are drawn, with the template, goal and event names on their axes."""
    for name in (TEMPLATE, GOAL, f"Past {EVIL}"):
        expect(chart_labels(page, name)).to_have_count(1)


def test_hostile_user_text_runs_nowhere_and_shows_as_typed(dashboard, page, tmp_path):
    made = hostile_workspace(tmp_path)
    app = dashboard(made["db"])
    dialogs = watch_dialogs(page)

    visit(page, app, "", "Rapport", dialogs)

    visit(page, app, "goals", "Goals", dialogs)
    expect(page.get_by_text(EVIL, exact=True).first).to_be_visible()  # the goal's description, as typed
    assert_inert(page, dialogs)

    visit(page, app, "messages", "Pitch & templates", dialogs)
    expect(page.get_by_test_id("stText").filter(has_text=EVIL).first).to_be_visible()  # the general pitch
    page.get_by_role("tab", name="Message templates").click()
    choose(page, "Template", f"{TEMPLATE} · LinkedIn message · used once")
    expect(page.get_by_role("textbox", name="Name")).to_have_value(TEMPLATE)
    expect(page.get_by_test_id("stCode")).to_contain_text(f"Hi {SAMPLE_VALUES['first_name']}, {EVIL}")
    assert_inert(page, dialogs)

    visit(page, app, "today", "Today", dialogs)
    assert metric_value(page, "Follow-ups due") == "1"
    page.get_by_test_id("stPopoverButton").filter(has_text="Add follow-ups and events to your calendar").click()
    expect(open_options(page, "Events to add").get_by_role("option", name=EVENT, exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    assert_inert(page, dialogs)

    visit(page, app, "outreach", "Outreach", dialogs)
    open_outreach_for_the_first_row(page)
    expect(page.get_by_test_id("stMarkdown").filter(has_text=f"for {GOAL}")).to_be_visible()
    choose(page, "Channel", "LinkedIn message")
    wait_until_idle(page)
    choose(page, "Template", TEMPLATE)
    expect(page.get_by_test_id("stCode")).to_contain_text(f"Hi {IMG}, {EVIL}")
    assert_inert(page, dialogs)

    visit(page, app, "events", "Events", dialogs)
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add event"))
    form.get_by_role("textbox", name="Title").fill(NEW_EVENT)
    form.get_by_role("textbox", name="Topics (comma-separated)").fill(f"{IMG}, {LINK}")
    form.get_by_role("textbox", name="Expected audience").fill(EVIL)
    form.get_by_role("button", name="Add event").click()
    expect(page.get_by_text("Event added")).to_be_visible()
    wait_until_idle(page)
    assert_inert(page, dialogs)

    visit(page, app, "contacts", "Contacts", dialogs)
    open_mallory_on_contacts(page)
    expand_all(page)
    expect(page.get_by_text(f"Product Manager {SCRIPT} · {LINK}", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Notes").first).to_have_value(EVIL)
    expect(page.get_by_test_id("stMultiSelect").filter(has_text=LINK)).to_be_visible()
    assert_inert(page, dialogs)

    visit(page, app, "review", "Review", dialogs)
    expect_chart_labels(page)
    assert_inert(page, dialogs)
    report = tmp_path / "review.html"
    report.write_bytes(download(page, "Download the review (HTML, interactive)"))
    assert IMG.encode() not in report.read_bytes() and SCRIPT.encode() not in report.read_bytes()

    visit(page, app, "imports", "Import", dialogs)
    visit(page, app, "settings", "Settings", dialogs)

    # The downloaded report, opened in the browser, is as inert as the pages.
    # (Its charts' data sits, escaped, in Plotly's own scripts: no script may *be* the user's text.)
    page.goto(report.as_uri())
    expect(page.get_by_role("heading", name="Networking review")).to_be_visible()
    expect_chart_labels(page)
    expect(page.get_by_text(SEGMENT).first).to_be_visible()
    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert not page.evaluate(r"[...document.scripts].some(s => /^\s*alert\(/.test(s.textContent))")

    app.stop()
    events = Store(made["db"]).events.frame()
    added = events[events["title"] == NEW_EVENT]
    assert len(added) == 1, events["title"].tolist()
    assert list(added.iloc[0]["topics"]) == [IMG, LINK]
    assert added.iloc[0]["audience"] == EVIL


LITERAL_BUGS = ("user text is rendered as Markdown, so '[x](javascript:alert(1))' shows as a link 'x' instead of "
                "as typed: ui/goals.py (goal title subheader, segment expander label, segment description caption), "
                "ui/today.py (the 'NAME: channel of DATE - how did it go?' caption), ui/outreach.py and "
                "ui/contacts.py (the contact's name subheader): wrap them in plain(); and the review's Plotly "
                "charts draw '<a href=...>y</a>' in names as a link 'y' (engine/charts.py: escape < > & in labels)")


def test_hostile_names_and_titles_show_as_typed_in_headings_labels_and_captions(dashboard, page, tmp_path):
    made = hostile_workspace(tmp_path)
    app = dashboard(made["db"])
    dialogs = watch_dialogs(page)
    problems: list[str] = []

    def literal(locator, what: str) -> None:
        try:
            expect(locator.first).to_be_visible(timeout=2_000)  # the page is idle: it is there or not
        except AssertionError:
            problems.append(what)

    visit(page, app, "goals", "Goals", dialogs)
    literal(page.get_by_role("heading", name=GOAL, exact=True), "Goals: the goal's title")
    literal(page.get_by_test_id("stExpander").locator("summary").filter(has_text=SEGMENT), "Goals: the segment label")
    literal(page.get_by_text(f"roles: product manager, {LINK}; keywords: {IMG}", exact=True),
            "Goals: the segment's description")

    visit(page, app, "today", "Today", dialogs)
    literal(page.get_by_text(re.compile("^" + re.escape(f"{MALLORY}: LinkedIn message of "))),
            "Today: the follow-up caption")

    visit(page, app, "outreach", "Outreach", dialogs)
    open_outreach_for_the_first_row(page)
    literal(page.get_by_role("heading", name=MALLORY, exact=True), "Outreach: the contact's name")

    visit(page, app, "contacts", "Contacts", dialogs)
    open_mallory_on_contacts(page)
    literal(page.get_by_role("heading", name=MALLORY, exact=True), "Contacts: the contact's name")

    visit(page, app, "review", "Review", dialogs)
    expect_chart_labels(page)
    shown = page.locator(".js-plotly-plot").locator(".xtick text, .ytick text")
    for name, what in ((TEMPLATE, "template"), (GOAL, "goal"), (f"Past {EVIL}", "event")):
        literal(shown.filter(has_text=re.compile("^" + re.escape(name) + "$")), f"Review: the {what} on a chart axis")
    assert_inert(page, dialogs)
    assert problems == [], "shown as Markdown, not as typed: " + "; ".join(problems)
