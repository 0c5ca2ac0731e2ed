"""``rapport export interactions --out FILE.csv``: the interaction log as a person reads it.

Channels and outcomes are written as their labels, each row says whether it was logged by hand or
imported, the time of day is there where it is known, and cells that look like formulas are escaped.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from engine.exports import INTERACTION_COLUMNS
from engine.importers.files import import_file
from engine.store import Store
from tests.bad_input_support import rapport
from tests.test_calendar_meetings import ANA, PEOPLE, TODAY, calendar, stamp, vevent


def read(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel shows accents with the BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_export_lists_logged_and_imported_interactions_with_labels(tmp_path):
    store = Store(tmp_path / "w.duckdb")
    store.settings.set("timezone", "UTC")
    people = tmp_path / "people.csv"
    people.write_bytes(PEOPLE)
    import_file(store, people)
    met = TODAY - timedelta(days=3)
    ics = tmp_path / "calendar.ics"
    ics.write_bytes(calendar(vevent("lunch", stamp(met, 12), "SUMMARY:Lunch", ANA, tz="UTC")))
    assert import_file(store, ics, meetings=True).interactions_inserted == 1
    bo = store.contacts.find()[0].set_index("full_name").loc["Bo Chen", "id"]
    logged = rapport("log", "--contact", str(bo), "--channel", "linkedin_message", "--outcome", "replied",
                     "--date", str(TODAY - timedelta(days=1)), "--notes", "=HYPERLINK(\"x\")", db=store.path)
    assert logged.returncode == 0, logged.stderr
    out = tmp_path / "interactions.csv"
    done = rapport("export", "interactions", "--out", str(out), db=store.path)
    assert done.returncode == 0, done.stderr
    assert "2 interactions" in done.stdout
    data = out.read_bytes()
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(INTERACTION_COLUMNS)
    meeting, message = read(data)
    assert (meeting["full_name"], meeting["kind"], meeting["channel"], meeting["source"]) == (
        "Ana Lima", "meeting", "In person", "imported")
    assert (meeting["occurred_on"], meeting["time"], meeting["notes"]) == (str(met), "12:00", "Calendar: Lunch")
    assert (message["full_name"], message["kind"], message["channel"], message["outcome"], message["source"]) == (
        "Bo Chen", "outreach", "LinkedIn message", "Replied", "logged")
    assert message["time"] == "" and message["notes"] == "'=HYPERLINK(\"x\")"


def test_an_empty_log_exports_the_header_only(tmp_path):
    out = tmp_path / "none.csv"
    done = rapport("export", "interactions", "--out", str(out), db=tmp_path / "w.duckdb")
    assert done.returncode == 0, done.stderr
    assert read(out.read_bytes()) == []
    assert out.read_bytes().decode("utf-8-sig").strip() == ",".join(INTERACTION_COLUMNS)
