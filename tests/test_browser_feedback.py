"""In a real browser: mark the top recommendation "not a fit" on Outreach; the ranking says it learns
from the mark, the contact leaves the top, and the mark is in the workspace file."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.store import Store
from tests.browser import (
    assert_inert,
    choose,
    goto,
    rapport_cli,
    select_first_row,
    table,
    table_cell,
    table_csv,
    wait_until_idle,
)
from tests.browser_runs import prepare_page

pytestmark = pytest.mark.browser


def test_marking_the_top_contact_not_a_fit_drops_it_and_is_kept(dashboard, page, tmp_path):
    db = tmp_path / "demo.duckdb"
    rapport_cli("demo", db=db)
    app = dashboard(db)
    prepare_page(page)
    goto(page, app, "outreach", "Outreach")
    expect(page.get_by_text("mark contacts a good fit or not a fit", exact=False)).to_be_visible()
    ranked = table(page)
    first_row = table_csv(page, ranked)[0]
    name, goal = first_row["full_name"], first_row["goal_title"]
    choose(page, "Goal", goal)  # that goal's list: the mark re-ranks it
    wait_until_idle(page)
    ranked = table(page)
    assert table_cell(ranked, "Name", 0) == name
    select_first_row(page, ranked, page.get_by_role("heading", name=name, exact=True))
    wait_until_idle(page)
    page.get_by_role("button", name="Not a fit").click()
    expect(page.get_by_text("learning from 1 mark", exact=False)).to_be_visible()
    wait_until_idle(page)
    first = table_cell(table(page), "Name", 0)
    assert first != name
    select_first_row(page, table(page), page.get_by_role("heading", name=first, exact=True))
    expect(page.get_by_text("Your marks for this goal moved this contact's score")).to_be_visible()
    app.stop()

    marks = Store(db).feedback.marks()
    assert [fit for goal in marks.values() for fit in goal.values()] == ["bad"]
    marked = next(iter(next(iter(marks.values()))))
    assert Store(db).contacts.get(marked)["full_name"] == name


def test_hostile_company_names_show_as_typed_on_the_companies_page(dashboard, page, tmp_path):
    from tests.test_browser_hostile import EVIL, LINK, hostile_workspace, visit, watch_dialogs

    made = hostile_workspace(tmp_path)
    target = f"Target {EVIL}"
    rapport_cli("goals", "add", "--title", "Hostile gap", "--roles", "engineer", "--companies", target, db=made["db"])
    rapport_cli("companies", "set", LINK, "--industry", EVIL, db=made["db"])
    app = dashboard(made["db"])
    dialogs = watch_dialogs(page)
    visit(page, app, "companies", "Companies", dialogs)
    gap = page.get_by_test_id("stMarkdown").filter(has_text="Hostile gap")
    expect(gap).to_contain_text(target)  # the gap, as typed: no image, no link, no script
    expect(page.get_by_role("textbox", name="Industry")).to_have_value("")  # Baker & Sons: none set
    choose(page, "Company", LINK)
    expect(page.get_by_role("textbox", name="Industry")).to_have_value(EVIL)
    assert_inert(page, dialogs)


def test_marking_two_selected_rows_at_once(dashboard, page, tmp_path):
    db = tmp_path / "demo.duckdb"
    rapport_cli("demo", db=db)
    app = dashboard(db)
    prepare_page(page)
    goto(page, app, "outreach", "Outreach")
    ranked = table(page)
    names = [table_cell(ranked, "Name", 0), table_cell(ranked, "Name", 1)]
    select_first_row(page, ranked, page.get_by_role("heading", name=names[0], exact=True))
    wait_until_idle(page)
    box = ranked.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17 + 35)  # the second row's marker
    bulk = page.get_by_role("button", name="All 2: good fit")
    expect(bulk).to_be_visible()
    bulk.click()
    expect(page.get_by_text("learning from 2 marks", exact=False)).to_be_visible()
    wait_until_idle(page)
    app.stop()

    marks = Store(db).feedback.marks()
    marked = {Store(db).contacts.get(c)["full_name"]: fit for goal in marks.values() for c, fit in goal.items()}
    assert marked == {names[0]: "good", names[1]: "good"}
