"""A calendar export read as meetings: each past occurrence with a contact is a meeting interaction.

The calendars are written here as Google Calendar and Outlook write them (organizer, attendees
with PARTSTAT, RRULE with moved and cancelled occurrences, TZID times), dated relative to today
so the tests mean the same thing on any day. The people are invented.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.clock import local_today
from engine.importers.files import import_file, parse_events_file
from engine.records import ImportFileError
from engine.store import Store

ROOT = Path(__file__).resolve().parents[1]
TODAY = datetime.now(UTC).date()
PEOPLE = b"Name,Email,Company\nAna Lima,ana@example.org,Acme\nBo Chen,BO@example.org,Globex\n"


def stamp(day, hour: int = 10) -> str:
    return f"{day:%Y%m%d}T{hour:02d}0000"


def vevent(uid: str, start: str, *lines: str, tz: str = "Europe/Berlin") -> str:
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp(TODAY)}Z", f"DTSTART;TZID={tz}:{start}",
                        *lines, "END:VEVENT"])


def calendar(*events: str) -> bytes:
    return ("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
                         *events, "END:VCALENDAR"]) + "\r\n").encode()


ORGANIZER = "ORGANIZER;CN=Olive Owner:mailto:olive@example.net"
ANA = "ATTENDEE;CN=Ana Lima;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:Ana@Example.org"
BO = "ATTENDEE;CN=Bo Chen;PARTSTAT=ACCEPTED:mailto:bo@example.org"
START = TODAY - timedelta(days=70)  # ten weekly one-to-ones, the last a week before yesterday's UNTIL


def one_to_ones(until=TODAY - timedelta(days=1)) -> list[str]:
    """A weekly one-to-one with Ana: 10 occurrences up to ``until``, the second moved a day later, the
    third cancelled."""
    moved, cancelled = START + timedelta(days=7), START + timedelta(days=14)
    return [
        vevent("weekly-1on1", stamp(START), f"DTEND;TZID=Europe/Berlin:{stamp(START, 11)}",
               f"RRULE:FREQ=WEEKLY;UNTIL={until:%Y%m%d}T235959Z", "SUMMARY:Ana / Olive 1:1", ORGANIZER, ANA),
        vevent("weekly-1on1", stamp(moved + timedelta(days=1)), f"RECURRENCE-ID;TZID=Europe/Berlin:{stamp(moved)}",
               "SUMMARY:Ana / Olive 1:1 (moved)", ORGANIZER, ANA),
        vevent("weekly-1on1", stamp(cancelled), f"RECURRENCE-ID;TZID=Europe/Berlin:{stamp(cancelled)}",
               "STATUS:CANCELLED", "SUMMARY:Ana / Olive 1:1", ORGANIZER, ANA),
    ]


def others() -> list[str]:
    return [
        vevent("team-sync", stamp(TODAY - timedelta(days=20), 15), "SUMMARY:Team sync",
               "LOCATION:https://meet.google.com/abc-defg-hij", ORGANIZER, ANA, BO,
               "ATTENDEE;CN=Zed;PARTSTAT=ACCEPTED:mailto:zed@elsewhere.example"),
        vevent("declined", stamp(TODAY - timedelta(days=30)), "SUMMARY:Bo said no", ORGANIZER,
               "ATTENDEE;CN=Bo Chen;PARTSTAT=DECLINED:mailto:bo@example.org"),
        vevent("dentist", stamp(TODAY - timedelta(days=5)), "SUMMARY:Dentist"),
        vevent("future", stamp(TODAY + timedelta(days=9)), "SUMMARY:Coffee with Bo", ORGANIZER, BO),
    ]


@pytest.fixture
def store(tmp_path) -> Store:
    workspace = Store(tmp_path / "w.duckdb")
    workspace.settings.set("timezone", "Europe/Berlin")
    contacts = tmp_path / "people.csv"
    contacts.write_bytes(PEOPLE)
    assert import_file(workspace, contacts).inserted == 2
    return workspace


def write(tmp_path: Path, data: bytes, name: str = "calendar.ics") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def meetings(store: Store):
    frame = store.interactions.frame()
    return frame[frame["kind"] == "meeting"].sort_values(["occurred_at", "full_name"]).reset_index(drop=True)


def test_each_past_occurrence_with_a_contact_becomes_a_meeting(store, tmp_path):
    report = import_file(store, write(tmp_path, calendar(*one_to_ones(), *others())), meetings=True)
    # 10 one-to-ones (one cancelled) + the team sync with two contacts; Bo's declined one does not count.
    assert report.interactions_inserted == 9 + 2
    assert report.meetings_read == 9 + 1 + 1 + 1  # the declined meeting and the dentist were read too
    assert (report.matched_people, report.unmatched_count) == (2, 1)
    assert report.unmatched_people == [{"email": "zed@elsewhere.example", "name": "Zed", "meetings": 1}]
    assert report.skipped == {"cancelled": 1, "no_contact": 2}
    logged = meetings(store)
    ana = logged[logged["full_name"] == "Ana Lima"]
    assert len(ana) == 10 and len(logged[logged["full_name"] == "Bo Chen"]) == 1
    days = [d.date() if hasattr(d, "date") else d for d in ana["occurred_on"]]
    assert days[0] == START and START + timedelta(days=8) in days and START + timedelta(days=7) not in days
    assert START + timedelta(days=14) not in days
    assert str(ana["occurred_at"].iloc[0])[11:16] == "10:00"  # Berlin wall-clock time, the workspace's zone
    sync = logged[logged["notes"] == "Calendar: Team sync"]
    assert set(sync["channel"]) == {"video_call"}  # a video call is not in person
    assert set(ana[ana["notes"] != "Calendar: Team sync"]["channel"]) == {"in_person"}


def test_a_second_import_adds_nothing_and_a_newer_calendar_only_what_is_new(store, tmp_path):
    older = write(tmp_path, calendar(*one_to_ones(until=TODAY - timedelta(days=8)), *others()), "old.ics")
    first = import_file(store, older, meetings=True)
    assert first.interactions_inserted == 8 + 2
    assert import_file(store, older, meetings=True).interactions_inserted == 0
    newer = import_file(store, write(tmp_path, calendar(*one_to_ones(), *others())), meetings=True)
    assert newer.interactions_inserted == 1
    assert len(meetings(store)) == 11


def test_a_broken_event_is_named_by_line_and_the_rest_import(store, tmp_path):
    data = calendar(vevent("good", stamp(TODAY - timedelta(days=3)), "SUMMARY:Lunch", ANA),
                    "BEGIN:VEVENT\r\nUID:bad\r\nDTSTART:next tuesday\r\nSUMMARY:Broken\r\n" + BO + "\r\nEND:VEVENT")
    report = import_file(store, write(tmp_path, data), meetings=True)
    assert report.interactions_inserted == 1
    assert report.warnings == ["calendar.ics line 11, DTSTART: DTSTART 'next tuesday' is not a date; "
                               "this event was left out"]


@pytest.mark.parametrize(("data", "words"), [
    (b"", "the file is empty"),
    (b"\r\n\r\nBEGIN:VCARD\r\nFN:Ana\r\nEND:VCARD\r\n", "line 3: not an iCalendar file"),
    (PEOPLE, "line 1: not an iCalendar file"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no events"),
])
def test_a_file_that_is_no_calendar_is_refused_in_one_line_writing_nothing(store, tmp_path, data, words):
    before = len(store.interactions.frame())
    with pytest.raises(ImportFileError) as error:
        import_file(store, write(tmp_path, data), meetings=True)
    assert words in str(error.value) and "\n" not in str(error.value)
    assert len(store.interactions.frame()) == before


def test_the_cli_prints_the_meetings_report(store, tmp_path):
    path = write(tmp_path, calendar(*one_to_ones(), *others()))
    command = [sys.executable, "-m", "engine", "import", str(path), "--as", "meetings", "--json", "--db",
               str(store.path)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env={**os.environ}, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"format", "meetings_read", "interactions_inserted", "matched_people", "unmatched_people", "skipped",
            "warnings"} <= set(report)
    assert (report["format"], report["interactions_inserted"], report["matched_people"]) == ("ics_meetings", 11, 2)
    again = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env={**os.environ}, timeout=120)
    assert json.loads(again.stdout)["interactions_inserted"] == 0


def test_the_import_page_reads_a_calendar_as_meetings(store, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RAPPORT_DB", str(store.path))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("ui/imports.py")
    app.run()
    app.file_uploader[0].upload("calendar.ics", calendar(*one_to_ones(), *others()), "text/calendar").run()
    app.radio[0].set_value("Meetings with my contacts").run()
    next(b for b in app.button if b.label == "Import the meetings").click().run()
    assert not app.exception, [e.value for e in app.exception]
    figures = {m.label: m.value for m in app.metric}
    assert figures["Interactions added"] == "11" and figures["People matched"] == "2"
    assert len(meetings(store)) == 11


def test_the_events_import_gives_a_recurring_meetup_its_next_date(tmp_path):
    """A monthly meetup that started a year ago is an event to attend on its next date, not its first."""
    first = TODAY - timedelta(days=365)
    data = calendar(vevent("meetup-1", stamp(first, 18), f"DTEND;TZID=UTC:{stamp(first, 20)}",
                           "RRULE:FREQ=WEEKLY;INTERVAL=2", "SUMMARY:Python Meetup", tz="UTC"),
                    vevent("once", stamp(first, 18), "SUMMARY:Old conference", tz="UTC"))
    parsed = parse_events_file(data, "meetups.ics")  # read in this computer's zone, from its today on
    starts = {record[1]: record[3] for record in parsed.records}
    nxt = datetime.fromisoformat(starts["Python Meetup"])
    here = datetime.fromisoformat(f"{first:%Y-%m-%d}T18:00:00+00:00").astimezone().replace(tzinfo=None)
    assert local_today() <= nxt.date() < local_today() + timedelta(days=15)
    assert (nxt - here).days % 14 == 0 and nxt.time() == here.time()
    ends = {record[1]: record[4] for record in parsed.records}
    assert datetime.fromisoformat(ends["Python Meetup"]) - nxt == timedelta(hours=2)
    assert starts["Old conference"] == here.isoformat()
