"""Issue 4 end to end below the UI: templates, pitches, logging, follow-ups, cadences, exports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, timedelta

import icalendar
import pytest

from engine.outreach.messages import STARTER_TEMPLATES, workspace_templates
from engine.planning.agenda import agenda, calendar_file
from engine.store import StoreError
from tests.conftest import parsed_contacts

TODAY = date(2026, 11, 25)
PEOPLE = [
    {"full_name": "Ada Lovelace", "first_name": "Ada", "company": "Analytical", "position": "Head of Product",
     "email": "ada@example.com", "linkedin_url": "https://www.linkedin.com/in/ada"},
    {"full_name": "=HYPERLINK(\"http://x\",\"y\")", "company": "+1", "position": "@SUM(A1)",
     "linkedin_url": "https://www.linkedin.com/in/formula"},
]


@pytest.fixture
def filled(store):
    store.imports.save_contacts(parsed_contacts(PEOPLE))
    return store


def contact_id(store, name_part: str) -> int:
    frame = store.contacts.export()
    return int(frame[frame["full_name"].str.contains(name_part, regex=False)].iloc[0]["id"])


def test_the_starter_templates_are_there_once(store):
    assert len(workspace_templates(store)) == len(STARTER_TEMPLATES)
    assert len(workspace_templates(store)) == len(STARTER_TEMPLATES)
    notes = workspace_templates(store, channel="linkedin_connection")
    assert notes and all(t["channel"] == "linkedin_connection" for t in notes)


def test_pitch_versions_are_kept_newest_first(store):
    goal = store.goals.add({"title": "Find a mentor", "outcome": "mentorship"})
    assert store.pitches.save(goal, {"who": "I am Ada."}, "I am Ada.") == 1
    assert store.pitches.save(goal, {"who": "I am Ada, a PM."}, "I am Ada, a PM.") == 2
    assert [p["version"] for p in store.pitches.all(goal)] == [2, 1]
    assert store.pitches.latest(goal) == "I am Ada, a PM."
    assert store.pitches.latest(None) is None


def test_a_logged_outreach_comes_due_and_an_answer_closes_it(filled):
    ada = contact_id(filled, "Ada")
    sent = TODAY - timedelta(days=8)
    first = filled.interactions.log({"contact_id": ada, "kind": "outreach", "channel": "email",
                                    "occurred_on": sent, "follow_up_on": sent + timedelta(days=7)})
    plan = agenda(filled, today=TODAY)
    assert list(plan.due["id"]) == [first]
    assert plan.due.iloc[0]["status"] == "overdue"
    filled.interactions.set_outcome(first, "replied")
    assert agenda(filled, today=TODAY).due.empty
    timeline = filled.interactions.timeline(ada)
    assert timeline.iloc[0]["outcome"] == "replied"


def test_tag_cadences_make_contacts_lose_touch(filled):
    ada = contact_id(filled, "Ada")
    filled.contacts.update(ada, tags=["mentor"])
    filled.interactions.log({"contact_id": ada, "kind": "meeting", "channel": "in_person",
                            "occurred_on": TODAY - timedelta(days=40)})
    filled.settings.set_tag_cadence("mentor", 30, 45)
    plan = agenda(filled, today=TODAY)
    row = plan.losing_touch[plan.losing_touch["id"] == ada].iloc[0]
    assert row["status"] == "due" and row["days_since"] == 40
    filled.settings.set_tag_cadence("mentor", 14, 21)
    assert agenda(filled, today=TODAY).losing_touch.set_index("id").loc[ada, "status"] == "overdue"
    with pytest.raises(ValueError):
        filled.settings.set_tag_cadence("mentor", 30, 10)


def test_the_agenda_is_shown_as_a_person_reads_it_and_kept_until_the_data_change(filled):
    ada = contact_id(filled, "Ada")
    filled.contacts.update(ada, tags=["mentor"])
    filled.settings.set_tag_cadence("mentor", 30, 45)
    sent = TODAY - timedelta(days=40)
    logged = filled.interactions.log({"contact_id": ada, "kind": "outreach", "channel": "linkedin_message",
                                      "occurred_on": sent, "follow_up_on": sent + timedelta(days=7)})
    plan = agenda(filled, today=TODAY)
    due = plan.due_shown.set_index(plan.due["id"])
    assert due.loc[logged, "channel"] == "LinkedIn message" and due.loc[logged, "status"] == "Overdue"
    assert due.loc[logged, "template"] == "" and due.loc[logged, "goal"] == ""  # blank, never "None"
    assert "id" not in plan.due_shown.columns  # what the page shows, not what it acts on
    touch = plan.touch_shown.set_index(plan.losing_touch["id"])
    assert touch.loc[ada, "status"] == "Due" and touch.loc[ada, "days_since"] == 40
    again = agenda(filled, today=TODAY)
    assert again.due_shown is plan.due_shown and again.touch_shown is plan.touch_shown  # kept, not labelled again
    filled.interactions.set_outcome(logged, "replied")
    assert agenda(filled, today=TODAY).due_shown.empty  # the data changed: read and labelled again


def test_bad_interactions_are_refused_and_nothing_is_written(filled):
    ada = contact_id(filled, "Ada")
    with pytest.raises(ValueError, match="channel"):
        filled.interactions.log_many([{"contact_id": ada, "occurred_on": TODAY, "channel": "email"},
                                 {"contact_id": ada, "occurred_on": TODAY, "channel": "pigeon"}])
    assert filled.interactions.frame().empty


def test_calendar_file_loads_in_a_real_ical_parser(filled):
    ada = contact_id(filled, "Ada")
    filled.interactions.log({"contact_id": ada, "kind": "outreach", "channel": "email", "occurred_on": TODAY,
                            "follow_up_on": TODAY + timedelta(days=3)})
    event = filled.events.add({"title": "Fintech; Week, Berlin", "starts_at": "2026-12-03 18:30:00",
                              "location": "Betahaus"})
    text = calendar_file(filled, [event], today=TODAY)
    calendar = icalendar.Calendar.from_ical(text)
    summaries = sorted(str(c["SUMMARY"]) for c in calendar.walk("VEVENT"))
    assert summaries == ["Fintech; Week, Berlin", "Follow up with Ada Lovelace"]
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def rapport(*args, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(db)], capture_output=True, text=True,
                          timeout=120)


def test_cli_log_today_and_exports_escape_formulas(filled, tmp_path):
    db = filled.path
    ada = contact_id(filled, "Ada")
    logged = rapport("log", "--contact", str(ada), "--channel", "linkedin_message", "--date",
                     str(date.today() - timedelta(days=10)), "--json", db=db)
    assert logged.returncode == 0, logged.stderr
    assert json.loads(logged.stdout)["follow_up_on"] == str(date.today() - timedelta(days=5))
    today = json.loads(rapport("today", "--json", db=db).stdout)
    assert [row["full_name"] for row in today["due"]] == ["Ada Lovelace"]
    out = tmp_path / "contacts.csv"
    assert rapport("export", "contacts", "--out", str(out), db=db).returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    nasty = next(r for r in rows if "HYPERLINK" in r["full_name"])
    assert nasty["full_name"].startswith("'=") and nasty["company"] == "'+1" and nasty["position"] == "'@SUM(A1)"
    assert filled.contacts.export()["company"].tolist()[1] == "+1"  # stored raw
    bad = rapport("log", "--contact", "99999", db=db)
    assert bad.returncode == 2 and "no contact with id 99999" in bad.stderr


def test_restoring_is_refused_inside_an_open_session(filled):
    archive = filled.backup_zip()
    with filled.session(), pytest.raises(StoreError, match="session"):
        filled.restore_zip(archive)


def test_attending_an_event_logs_each_person_met_with_the_follow_up(filled):
    from engine.planning.agenda import attendance, kept_follow_up

    event_id = filled.events.add({"title": "Data Night", "kind": "meetup", "starts_at": "2026-11-20 18:00",
                                  "online": False})
    event = filled.events.frame().set_index("id").loc[event_id].to_dict() | {"id": event_id}
    ada = contact_id(filled, "Ada")
    follow = TODAY + timedelta(days=3)
    filled.interactions.log_many(attendance(event, [ada], None, follow, "talked about pricing"))
    logged = filled.interactions.frame()
    row = logged[logged["contact_id"] == ada].iloc[0]
    assert (row["kind"], row["channel"], row["event"]) == ("event", "in_person", "Data Night")
    assert (str(row["occurred_on"])[:10], str(row["follow_up_on"])[:10]) == ("2026-11-20", str(follow))
    alone = attendance(event | {"online": True}, [], None, follow)
    assert alone == [{"event_id": event_id, "goal_id": None, "kind": "event", "channel": "video_call",
                      "occurred_on": date(2026, 11, 20), "notes": None, "contact_id": None}]
    assert kept_follow_up(None, follow) == follow and kept_follow_up("replied", follow) is None
