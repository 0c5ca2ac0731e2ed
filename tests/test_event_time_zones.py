"""An .ics's times are read as the wall clock where the user is (the zone set in Settings), as an
events CSV's times are written and as the ranking's clock reads them; the calendar file Today
exports gives the same instants back in UTC."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar

from engine.importers.files import import_file
from engine.importers.ics import parse_events_ics
from engine.planning.agenda import calendar_file

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Meetup//EN\r
BEGIN:VEVENT\r
UID:utc-1\r
SUMMARY:Fintech founders meetup\r
DTSTART:20270115T180000Z\r
DTEND:20270115T200000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:ny-1\r
SUMMARY:Product leaders breakfast\r
DTSTART;TZID=America/New_York:20270116T090000\r
DTEND;TZID=America/New_York:20270116T103000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:floating-1\r
SUMMARY:Local HR roundtable\r
DTSTART:20270117T090000\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _starts(parsed) -> dict[str, tuple[str, str | None]]:
    return {r[0]: (r[3], r[4]) for r in parsed.records}


def test_times_with_a_zone_are_read_in_the_users_zone_and_floating_ones_as_written():
    lagos = _starts(parse_events_ics(ICS.encode(), "meetup.ics", tz="Africa/Lagos"))
    assert lagos["utc-1"] == ("2027-01-15T19:00:00", "2027-01-15T21:00:00")
    assert lagos["ny-1"] == ("2027-01-16T15:00:00", "2027-01-16T16:30:00")
    assert lagos["floating-1"][0] == "2027-01-17T09:00:00"
    utc = _starts(parse_events_ics(ICS.encode(), "meetup.ics", tz="UTC"))
    assert utc["utc-1"][0] == "2027-01-15T18:00:00" and utc["ny-1"][0] == "2027-01-16T14:00:00"


def test_an_import_reads_the_settings_zone_and_the_calendar_export_gives_the_instants_back(store, tmp_path):
    store.settings.set("timezone", "America/New_York")
    path = tmp_path / "meetup.ics"
    path.write_bytes(ICS.encode())
    import_file(store, path, events=True)
    events = store.events.frame()
    starts = dict(zip(events["title"], events["starts_at"]))
    assert starts["Fintech founders meetup"] == datetime(2027, 1, 15, 13, 0)  # 18:00Z is 13:00 in New York
    assert starts["Product leaders breakfast"] == datetime(2027, 1, 16, 9, 0)
    exported = Calendar.from_ical(calendar_file(store, [int(i) for i in events["id"]]))
    moments = {str(e.get("summary")): e.get("dtstart").dt for e in exported.walk("VEVENT")}
    assert moments["Fintech founders meetup"].isoformat() == "2027-01-15T18:00:00+00:00"
    assert moments["Product leaders breakfast"].isoformat() == "2027-01-16T14:00:00+00:00"
