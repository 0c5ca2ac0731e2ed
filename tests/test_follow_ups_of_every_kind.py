"""A follow-up set on a meeting, an event attended or a message from them comes due on Today as an
outreach's does, says what it follows, and is done or moved in one click (not by an outcome: a
meeting's outcome is not an answer to wait for)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from streamlit.testing.v1 import AppTest

from engine.clock import workspace_today
from engine.planning.agenda import agenda, calendar_file, follow_up_done, follow_up_later
from engine.store import Store
from tests.conftest import parsed_contacts

APP = str(Path(__file__).parents[1] / "app.py")


@pytest.fixture
def workspace(store: Store) -> tuple[Store, dict[str, int]]:
    """Three people, each last seen in another way, each with a follow-up due."""
    store.imports.save_contacts(parsed_contacts([
        {"first_name": "Ada", "last_name": "Obi", "full_name": "Ada Obi", "company": "Acme", "position": "CTO"},
        {"first_name": "Bo", "last_name": "Kim", "full_name": "Bo Kim", "company": "Globex", "position": "Recruiter"},
        {"first_name": "Cy", "last_name": "Ray", "full_name": "Cy Ray", "company": "Initech", "position": "Founder"},
    ]))
    ids = {c["full_name"]: int(c["id"]) for c in store.contacts.export().to_dict("records")}
    today = workspace_today(store)
    logged = {
        "meeting": store.interactions.log({"contact_id": ids["Ada Obi"], "kind": "meeting", "channel": "in_person",
                                           "occurred_on": today - timedelta(days=8),
                                           "follow_up_on": today - timedelta(days=1)}),
        "inbound": store.interactions.log({"contact_id": ids["Bo Kim"], "kind": "inbound", "channel": "email",
                                           "occurred_on": today - timedelta(days=2), "follow_up_on": today}),
        "event": store.interactions.log({"contact_id": ids["Cy Ray"], "kind": "event", "channel": "in_person",
                                         "occurred_on": today - timedelta(days=5),
                                         "follow_up_on": today + timedelta(days=3)}),
    }
    return store, logged


def test_follow_ups_of_meetings_and_messages_from_them_come_due(workspace):
    store, logged = workspace
    plan = agenda(store)
    due = dict(zip(plan.due["id"], plan.due["kind"]))
    assert due == {logged["meeting"]: "meeting", logged["inbound"]: "inbound"}
    assert dict(zip(plan.upcoming["id"], plan.upcoming["kind"])) == {logged["event"]: "event"}
    assert set(plan.due["status"]) == {"overdue", "due"}


def test_done_and_later_close_or_move_them_and_a_later_exchange_closes_them(workspace):
    store, logged = workspace
    today = workspace_today(store)
    follow_up_done(store, logged["meeting"])
    assert follow_up_later(store, logged["inbound"], today) == today + timedelta(days=7)
    plan = agenda(store)
    assert plan.due.empty
    assert logged["meeting"] not in set(plan.upcoming["id"])
    # the event's follow-up closes when the user writes to the person afterwards
    cy = int(store.interactions.get(logged["event"])["contact_id"])
    store.interactions.log({"contact_id": cy, "kind": "outreach", "channel": "email", "occurred_on": today,
                            "outcome": "replied"})
    assert logged["event"] not in set(agenda(store).upcoming["id"])


def test_the_calendar_says_what_each_follow_up_follows(workspace):
    store, _ = workspace
    descriptions = {str(e.get("summary")): str(e.get("description"))
                    for e in Calendar.from_ical(calendar_file(store)).walk("VEVENT")}
    assert descriptions["Follow up with Ada Obi"].startswith("You met in person on")
    assert descriptions["Follow up with Bo Kim"].startswith("They wrote to you by e-mail on")
    assert descriptions["Follow up with Cy Ray"].startswith("You met at an event on")


def test_today_offers_done_and_later_for_a_meeting_and_outcomes_for_an_outreach(workspace, monkeypatch):
    store, logged = workspace
    today = workspace_today(store)
    outreach = store.interactions.log({"contact_id": int(store.interactions.get(logged["event"])["contact_id"]),
                                       "kind": "outreach", "channel": "email",
                                       "occurred_on": today - timedelta(days=1), "follow_up_on": today})
    monkeypatch.setenv("RAPPORT_DB", str(store.path))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("ui/today.py").run()
    assert not app.exception
    keys = {b.key for b in app.button}
    assert {f"today_{logged['meeting']}_done", f"today_{logged['meeting']}_later",
            f"today_{logged['inbound']}_done"} <= keys
    assert f"today_{outreach}_done" not in keys  # an outreach is answered by its outcome, one click
    assert f"today_{outreach}" in {g.key for g in app.button_group}
    assert any("follow up on your meeting of" in c.value for c in app.caption)
    app.button(key=f"today_{logged['meeting']}_done").click().run()
    app.button(key=f"today_{logged['inbound']}_later").click().run()
    assert not app.exception
    assert {m.label: int(m.value) for m in app.metric}["Follow-ups due"] == 1  # the outreach, still awaiting
    assert Store(store.path).interactions.get(logged["meeting"])["follow_up_on"] is None
    assert Store(store.path).interactions.get(logged["inbound"])["follow_up_on"] == today + timedelta(days=7)
    app.button_group(key=f"today_{outreach}").select("replied").run()  # how the outreach went
    assert not app.exception and not app.error
    assert Store(store.path).interactions.get(outreach)["outcome"] == "replied"
    assert {m.label: int(m.value) for m in app.metric}["Follow-ups due"] == 0  # answered: no longer due
    assert f"today_{outreach}" not in {g.key for g in app.button_group}


def test_the_command_line_answers_a_follow_up_as_today_does(workspace):
    import json
    import subprocess
    import sys

    store, logged = workspace
    today = workspace_today(store)

    def rapport(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(store.path), "--json"],
                              capture_output=True, text=True, timeout=120)

    listed = json.loads(rapport("today").stdout)
    assert {row["id"]: row["kind"] for row in listed["due"]} == {logged["meeting"]: "meeting",
                                                                  logged["inbound"]: "inbound"}
    assert json.loads(rapport("follow-up", str(logged["meeting"]), "--done").stdout)["follow_up_on"] is None
    moved = json.loads(rapport("follow-up", str(logged["inbound"]), "--later", "3").stdout)
    assert moved["follow_up_on"] == str(today + timedelta(days=3))
    assert json.loads(rapport("today").stdout)["due"] == []
    missing = rapport("follow-up", "999", "--done")
    assert missing.returncode != 0 and "999" in missing.stderr and "Traceback" not in missing.stderr
    neither = rapport("follow-up", str(logged["event"]))
    assert neither.returncode == 2 and "one of the arguments" in neither.stderr
