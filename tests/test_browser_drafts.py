"""A draft worth sending, in a real browser: the goal's role and the user's name in it, edited in place,
copied with the copy button, and logged with the length of what the user actually sends.

The workspace is written before the dashboard starts and read back once it has stopped, so the test never
competes with the server for DuckDB's file lock. A screenshot of the edited draft is saved as ``draft.png``
in the test's tmp folder.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engine.outreach.drafts import Profile, save_profile
from engine.outreach.messages import text_length
from engine.store import Store
from tests.browser import choose, goto, select_first_row, table, table_cell, wait_until_idle
from tests.browser_runs import prepare_page, rerun_done, runs_started
from tests.conftest import parsed_contacts

pytestmark = pytest.mark.browser

PEOPLE = [{"first_name": first, "last_name": last, "full_name": f"{first} {last}", "company": "Stripe",
           "position": position, "email": f"{first.lower()}@example.com"}
          for first, last, position in (("Jo", "Park", "Product Manager"), ("Ana", "Ruiz", "Senior Product Manager"),
                                        ("Li", "Wei", "Group Product Manager"), ("Tom", "Berg", "Engineer"))]


def referral_workspace(db, pitch: bool = True) -> int:
    """Four people at Stripe, a referral goal for a product manager role there, the user's name; the goal's id."""
    workspace = Store(db)
    workspace.imports.save_contacts(parsed_contacts(PEOPLE))
    goal_id = workspace.goals.add({"title": "Referral into a product manager role", "outcome": "referral",
                                   "target_roles": ["product manager"], "companies": ["Stripe"],
                                   "description": "Posting: https://jobs.example.com/pm-42", "status": "active"})
    if pitch:
        workspace.pitches.save(goal_id, {"who": "I build payment products."}, "I build payment products.")
    save_profile(workspace, Profile(name="Sam Lee"))
    return goal_id


def open_referral_draft(page, app) -> str:
    """Outreach, first ranked person, the Referral ask template; returns the person's name."""
    goto(page, app, "outreach", "Outreach")
    ranked = table(page)
    name = table_cell(ranked, "Name", 0)
    select_first_row(page, ranked, page.get_by_role("heading", name=name, exact=True))
    wait_until_idle(page)
    choose(page, "Template", "Referral ask")  # the name once: no "(referral ask)" after it
    return name


def test_a_referral_draft_names_the_role_and_the_sender_is_edited_copied_and_logged(dashboard, page, tmp_path):
    db = tmp_path / "drafts.duckdb"
    goal_id = referral_workspace(db)
    app = dashboard(db)
    prepare_page(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app.url())
    name = open_referral_draft(page, app)
    first = name.split()[0]
    box = page.get_by_role("textbox", name="Your message (edit it here)")
    expect(box).to_have_value(re.compile(r"I'm applying for the product manager role there"))
    drafted = box.input_value()
    assert drafted.startswith(f"Hi {first},") and drafted.endswith("Thank you,\nSam Lee"), drafted
    assert "?]" not in drafted and "https://jobs.example.com/pm-42" in drafted
    expect(page.get_by_role("textbox", name="Subject")).to_have_value(
        "Referral for the product manager role at Stripe?")

    edited = drafted.replace("Thank you,", "P.S. Happy to meet at the office.\n\nThank you,")
    before = runs_started(page)
    box.fill(edited)
    box.press("Control+Enter")  # a text area sends its value on Ctrl+Enter (or when it loses focus)
    rerun_done(page, before)
    length = text_length(edited)
    expect(page.get_by_text(f"{length:,} characters · no length limit for E-mail", exact=True)).to_be_visible()
    copy_box = page.get_by_test_id("stCode")
    expect(copy_box).to_contain_text("P.S. Happy to meet at the office.")
    mail = page.get_by_role("link", name=re.compile("Open in your e-mail program"))
    assert mail.get_attribute("href").startswith(f"mailto:{first.lower()}@example.com?subject=Referral%20for")
    assert "P.S.%20Happy%20to%20meet" in mail.get_attribute("href")

    copy_box.hover()
    copy_box.get_by_role("button").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(edited), copied[-200:]
    page.get_by_role("textbox", name="Subject").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "draft.png"))

    log_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Log outreach"))
    log_form.get_by_role("button", name="Log outreach").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Logged: Outreach (I wrote) with {name}")

    app.stop()
    logged = Store(db).interactions.frame()
    assert len(logged) == 1, logged
    row = logged.iloc[0]
    assert row["full_name"] == name and row["template"] == "Referral ask" and int(row["goal_id"]) == goal_id
    assert int(row["message_length"]) == length != text_length(drafted)
    assert row["message_text"] is None  # private unless the user keeps texts
    assert (tmp_path / "draft.png").stat().st_size > 10_000


def test_without_a_pitch_the_draft_says_so_and_one_click_opens_the_pitch_editor_on_that_goal(dashboard, page,
                                                                                            tmp_path):
    db = tmp_path / "no-pitch.duckdb"
    referral_workspace(db, pitch=False)
    app = dashboard(db)
    prepare_page(page)
    open_referral_draft(page, app)
    expect(page.get_by_role("textbox", name="Your message (edit it here)")).to_have_value(
        re.compile(r"Why I think it's a fit: \[my_pitch\?\]"))
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("your pitch: write it on Pitch & templates")
    page.get_by_role("button", name="Write your pitch for this goal").click()
    expect(page.get_by_role("heading", name="Pitch & templates", exact=True)).to_be_visible()
    assert page.url.endswith("/messages"), page.url
    expect(page.get_by_role("combobox", name="For", exact=True)).to_have_value("Referral into a product manager role")
