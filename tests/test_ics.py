"""iCalendar import/export against files shaped like real Meetup, Eventbrite and Google exports,
and against a real third-party parser (icalendar) so our writer is not only self-consistent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest

from engine.importers.event_words import parse_cost
from engine.importers.events_csv import parse_events_csv
from engine.importers.ics import fold_line, parse_events_ics, write_ics
from engine.records import EVENT_FIELDS, ImportFileError


def crlf(text: str) -> bytes:
    return text.strip("\n").replace("\n", "\r\n").encode("utf-8") + b"\r\n"


def load(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return parse_events_ics(path.read_bytes(), name, tz="UTC")  # times read as the wall clock in UTC


def rows(parsed) -> list[dict]:
    return [dict(zip(EVENT_FIELDS, record, strict=True)) for record in parsed.records]


MEETUP = """
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Meetup//RemoteApi//EN
CALSCALE:GREGORIAN
METHOD:PUBLISH
X-ORIGINAL-URL:https://www.meetup.com/berlin-product-people/events/ical/
X-WR-CALNAME:Events - Berlin Product People
BEGIN:VTIMEZONE
TZID:Europe/Berlin
X-LIC-LOCATION:Europe/Berlin
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
DTSTAMP:20261101T100000Z
DTSTART;TZID=Europe/Berlin:20261203T183000
DTEND;TZID=Europe/Berlin:20261203T210000
STATUS:CONFIRMED
SUMMARY:Product Talks #42: Pricing experiments
DESCRIPTION:Berlin Product People\\nThursday\\, December 3 at 6:30 PM\\n\\nTwo
  talks on pricing. Free entry.
CLASS:PUBLIC
GEO:52.529;13.401
LOCATION:Factory Berlin (Rheinsberger Str. 76/77\\, Berlin\\, Germany)
URL:https://www.meetup.com/berlin-product-people/events/312345678/
UID:event_312345678@meetup.com
END:VEVENT
BEGIN:VEVENT
DTSTAMP:20261101T100000Z
DTSTART;TZID="Europe/Berlin":20260618T190000
DURATION:PT2H
SUMMARY:Summer drinks
LOCATION:Online
UID:event_312345679@meetup.com
END:VEVENT
END:VCALENDAR
"""


def test_meetup_export_with_tzid(tmp_path):
    parsed = load(tmp_path, "meetup.ics", crlf(MEETUP))
    assert parsed.format == "ics" and parsed.fields == EVENT_FIELDS and not parsed.rejects
    assert parsed.total == 2 and parsed.lines == [19, 33]
    first, second = rows(parsed)
    assert first == {
        "uid": "event_312345678@meetup.com",
        "title": "Product Talks #42: Pricing experiments",
        "kind": "meetup",  # nothing in the text says so, but it is a Meetup export
        "starts_at": "2026-12-03T17:30:00",  # CET is UTC+1
        "ends_at": "2026-12-03T20:00:00",
        "online": False,
        "location": "Factory Berlin (Rheinsberger Str. 76/77, Berlin, Germany)",
        "cost": 0.0,
        "topics": (),
        "audience": None,
        "url": "https://www.meetup.com/berlin-product-people/events/312345678/",
        "description": "Berlin Product People\nThursday, December 3 at 6:30 PM\n\n"
        "Two talks on pricing. Free entry.",
    }
    assert second["starts_at"] == "2026-06-18T17:00:00"  # CEST is UTC+2
    assert second["ends_at"] == "2026-06-18T19:00:00"
    assert second["online"] is True and second["cost"] is None


EVENTBRITE = """
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Eventbrite Inc//Eventbrite//EN
BEGIN:VEVENT
UID:1234567890123@eventbrite.com
DTSTAMP:20260901T120000Z
DTSTART:20261015T080000Z
DTEND:20261016T160000Z
SUMMARY:Fintech Forward Summit 2026
DESCRIPTION:For details\\, click here: https://www.eventbrite.com/e/fintech-forwa
 rd-summit-2026-tickets-1234567890123\\nEarly bird tickets €1.249\\,50
LOCATION:ExCeL London\\, Royal Victoria Dock\\, London E16 1XL\\, United Kingdom
CATEGORIES:Fintech,Payments\\, Banking,Product
END:VEVENT
BEGIN:VEVENT
UID:998@eventbrite.com
DTSTAMP:20260901T120000Z
DTSTART:20261020T170000Z
SUMMARY:Breaking into product: webinar
DESCRIPTION:Tickets $40 (feel free to share)
LOCATION:https://zoom.us/j/123456789
END:VEVENT
END:VCALENDAR
"""


def test_eventbrite_export_utc_and_categories(tmp_path):
    parsed = load(tmp_path, "eventbrite.ics", crlf(EVENTBRITE))
    summit, webinar = rows(parsed)
    assert summit["starts_at"] == "2026-10-15T08:00:00" and summit["ends_at"] == "2026-10-16T16:00:00"
    assert summit["kind"] == "conference" and summit["online"] is False
    assert summit["location"] == "ExCeL London, Royal Victoria Dock, London E16 1XL, United Kingdom"
    assert summit["topics"] == ("Fintech", "Payments, Banking", "Product")
    assert summit["cost"] == 1249.5
    # no URL property: the first link in the description, unbroken by the fold
    assert summit["url"] == "https://www.eventbrite.com/e/fintech-forward-summit-2026-tickets-1234567890123"
    assert webinar["kind"] == "webinar" and webinar["online"] is True and webinar["cost"] == 40.0
    assert webinar["ends_at"] is None


GOOGLE = """
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
X-WR-TIMEZONE:Europe/Berlin
BEGIN:VEVENT
DTSTART;VALUE=DATE:20261203
DTEND;VALUE=DATE:20261204
DTSTAMP:20261101T090000Z
UID:7kukuqrfedlm2f9t3vo1@google.com
DESCRIPTION:
LOCATION:Messe Berlin
SUMMARY:Tech Career Fair
TRANSP:TRANSPARENT
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:This is an event reminder
TRIGGER:-P0DT0H30M0S
END:VALARM
END:VEVENT
END:VCALENDAR
"""


def test_google_all_day_ignores_alarm(tmp_path):
    data = b"\xef\xbb\xbf" + GOOGLE.strip().encode() + b"\n"  # LF only and a BOM
    parsed = load(tmp_path, "google.ics", data)
    (event,) = rows(parsed)
    assert parsed.encoding == "utf-8-sig"
    assert event["starts_at"] == "2026-12-03T00:00:00" and event["ends_at"] == "2026-12-04T00:00:00"
    assert event["kind"] == "job fair" and event["description"] is None  # not the alarm's text
    assert event["title"] == "Tech Career Fair" and event["online"] is False


def test_fold_splitting_a_multibyte_char_and_escapes(tmp_path):
    head = "DESCRIPTION:" + "x" * 62 + "Caf"
    raw = (head + "é et déjà vu").encode()
    cut = len(head.encode()) + 1  # inside the two bytes of "é", as naive 75-octet folders do
    folded = raw[:cut] + b"\r\n " + raw[cut:]
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Luma//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:evt-1\r\nDTSTART:20261101T180000Z\r\n"
        + folded + b"\r\n"
        + b"SUMMARY:Drinks\\, demos \\; more \\\\ community night\r\n"
        + b"LOCATION:Kreuzberg\\, Berlin\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = rows(load(tmp_path, "luma.ics", data))
    assert event["description"] == "x" * 62 + "Café et déjà vu"
    assert event["title"] == "Drinks, demos ; more \\ community night"
    assert event["kind"] == "online group" and event["location"] == "Kreuzberg, Berlin"


def test_broken_and_missing_dtstart_rejected_with_line(tmp_path):
    data = crlf("""
BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:a
DTSTART:TBD
SUMMARY:Date to be announced
END:VEVENT
BEGIN:VEVENT
UID:b
DTSTART:20261301T180000Z
SUMMARY:Month 13
END:VEVENT
BEGIN:VEVENT
SUMMARY:No start
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=Mars/Olympus_Mons:20261203T183000
SUMMARY:Unknown zone conf
END:VEVENT
END:VCALENDAR
""")
    parsed = load(tmp_path, "broken.ics", data)
    assert parsed.total == 4
    assert [(r.line, r.column) for r in parsed.rejects] == [(3, "DTSTART"), (8, "DTSTART"), (13, "DTSTART")]
    assert parsed.rejects[0].reason == "DTSTART 'TBD' is not a date"
    assert "is not a date" in parsed.rejects[2].reason
    (event,) = rows(parsed)
    assert parsed.lines == [16]
    assert event["starts_at"] == "2026-12-03T18:30:00" and event["kind"] == "conference"
    assert len(event["uid"]) == 40  # synthesized, and stable:
    assert event["uid"] == rows(parse_events_ics(data, "again.ics", tz="UTC"))[0]["uid"]
    assert "Mars/Olympus_Mons" in parsed.notes[0]


def test_windows_zone_name(tmp_path):
    data = crlf("""
BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
BEGIN:VEVENT
DTSTART;TZID="W. Europe Standard Time":20260115T090000
SUMMARY:Team sync
END:VEVENT
END:VCALENDAR
""")
    (event,) = rows(load(tmp_path, "outlook.ics", data))
    assert event["starts_at"] == "2026-01-15T08:00:00" and event["kind"] == "other"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"First Name,Last Name\r\nAda,Lovelace\r\n", "not an iCalendar"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no events"),
    ],
)
def test_not_a_calendar(data, reason):
    with pytest.raises(ImportFileError, match=reason):
        parse_events_ics(data, "x.ics")


def test_parse_cost():
    assert parse_cost("Free") == 0.0
    assert parse_cost("€25") == 25.0 and parse_cost("$40") == 40.0 and parse_cost("25 EUR") == 25.0
    assert parse_cost("Tickets from €1,299") == 1299.0 and parse_cost("Entry 12,50 €") == 12.5
    assert parse_cost("Feel free to bring friends") is None and parse_cost("gluten-free snacks") is None
    assert parse_cost("") is None and parse_cost("19.99") == 19.99


ITEMS = [
    {
        "uid": "follow-up-1@rapport",
        "summary": "Follow up with Siobhán O’Brien, re: referral; Ledgerly",
        "start": datetime(2026, 12, 3, 18, 30, tzinfo=UTC),
        "end": datetime(2026, 12, 3, 19, 0, tzinfo=UTC),
        "description": "Line one\nLine two with a backslash \\ and ünïcödé "
        + "€" * 40 + " and a long tail " + "ẞ" * 30,
        "location": "Café Einstein, Kurfürstenstraße 58; Berlin",
        "url": "https://www.linkedin.com/in/siobhan-o%E2%80%99brien-1a2b3c4d",
        "categories": ["fintech", "product, payments"],
    },
    {"uid": "all-day@rapport", "summary": "Fintech Forward Summit", "start": date(2027, 1, 12),
     "end": date(2027, 1, 14)},
    {"summary": "Naive time is UTC", "start": datetime(2027, 2, 1, 9, 0)},
]


def test_write_ics_shape():
    text = write_ics(ITEMS, tz="UTC")
    raw = text.encode("utf-8")
    assert raw.count(b"\n") == raw.count(b"\r\n") and text.endswith("\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # every physical line is valid UTF-8 on its own: no split character
    assert lines[:3] == [b"BEGIN:VCALENDAR", b"VERSION:2.0", b"PRODID:-//Rapport//EN"]
    assert text.count("BEGIN:VEVENT") == 3 and text.count("\r\nDTSTAMP:") == 3
    assert "DTSTART;VALUE=DATE:20270112\r\n" in text and "DTSTART:20261203T183000Z\r\n" in text
    assert "DTSTART:20270201T090000Z\r\n" in text
    assert "SUMMARY:Follow up with Siobhán O’Brien\\, re: referral\\; Ledgerly\r\n" in text


def test_fold_line_limits():
    for line in ["A" * 200, "DESCRIPTION:" + "€" * 100, "X:" + "a€" * 80, "S:" + "a🎉" * 60, "SHORT:x"]:
        folded = fold_line(line).encode()
        parts = folded.split(b"\r\n")
        assert all(len(part) <= 75 for part in parts)
        assert parts[0] + b"".join(p[1:] for p in parts[1:]) == line.encode()


def test_write_then_parse_round_trip(tmp_path):
    first, all_day, naive = rows(load(tmp_path, "out.ics", write_ics(ITEMS, tz="UTC").encode()))
    item = ITEMS[0]
    assert first["uid"] == item["uid"] and first["title"] == item["summary"]
    assert first["description"] == item["description"] and first["location"] == item["location"]
    assert first["url"] == item["url"] and first["topics"] == ("fintech", "product, payments")
    assert (first["starts_at"], first["ends_at"]) == ("2026-12-03T18:30:00", "2026-12-03T19:00:00")
    assert (all_day["starts_at"], all_day["ends_at"]) == ("2027-01-12T00:00:00", "2027-01-14T00:00:00")
    assert all_day["kind"] == "conference" and naive["starts_at"] == "2027-02-01T09:00:00"


def test_output_valid_for_icalendar_library():
    calendar = icalendar.Calendar.from_ical(write_ics(ITEMS, prodid="-//Rapport Test//EN", tz="UTC"))
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"]) == "-//Rapport Test//EN"
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 3
    first, all_day, naive = events
    item = ITEMS[0]
    assert str(first["SUMMARY"]) == item["summary"] and str(first["DESCRIPTION"]) == item["description"]
    assert str(first["LOCATION"]) == item["location"] and str(first["URL"]) == item["url"]
    assert first.decoded("DTSTART") == item["start"] and first.decoded("DTEND") == item["end"]
    assert list(first["CATEGORIES"].cats) == item["categories"]
    assert all_day.decoded("DTSTART") == date(2027, 1, 12) and all_day.decoded("DTEND") == date(2027, 1, 14)
    assert naive.decoded("DTSTART") == datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    assert all("DTSTAMP" in event and "UID" in event for event in events)
    assert not calendar.errors and not any(event.errors for event in events)


def test_write_ics_rejects_mixed_start_and_end():
    with pytest.raises(ValueError, match="both"):
        write_ics([{"summary": "x", "start": date(2026, 1, 1), "end": datetime(2026, 1, 2, 10)}])


CSV = (
    "\ufeffEvent,Type,Start Date,End,Venue,Price,Tags,Expected audience,Link\r\n"
    "Fintech Forward Summit,Conference,2026-10-15 09:00,2026-10-16 17:00,London,€249,"
    "fintech; payments,PMs and founders,https://example.org/ffs\r\n"
    "\r\n"
    ",meetup,2026-11-01,,,,,,\r\n"
    "Climate Tech Meetup,,someday,,,,,,\r\n"
    '"Product, Pricing & Coffee",,03/12/2026,,Online,free,,,\r\n'
)


def test_events_csv():
    parsed = parse_events_csv(CSV.encode("utf-8"), "events.csv")
    assert parsed.format == "csv" and parsed.delimiter == "," and parsed.skipped_blank == 1
    assert parsed.mapping["title"] == "Event" and parsed.mapping["starts_at"] == "Start Date"
    assert [(r.line, r.column) for r in parsed.rejects] == [(4, "Event"), (5, "Start Date")]
    summit, coffee = rows(parsed)
    assert parsed.lines == [2, 6]
    assert summit["kind"] == "conference" and summit["starts_at"] == "2026-10-15T09:00:00"
    assert summit["ends_at"] == "2026-10-16T17:00:00" and summit["cost"] == 249.0
    assert summit["topics"] == ("fintech", "payments") and summit["audience"] == "PMs and founders"
    assert summit["online"] is False and summit["url"] == "https://example.org/ffs"
    assert coffee["title"] == "Product, Pricing & Coffee" and coffee["online"] is True
    assert coffee["starts_at"] == "2026-03-12T00:00:00" and coffee["cost"] == 0.0  # US month first


def test_events_csv_cp1252_semicolon():
    data = "Titel;Datum;Ort\r\nCafé Fintech;03.12.2026 18:30;München\r\n".encode("cp1252")
    # German headers are not aliased; title/start missing is a file-level error
    with pytest.raises(ImportFileError, match="title"):
        parse_events_csv(data, "de.csv")
    data = "name;date;city;fee\r\nCafé Fintech;03.12.2026 18:30;München;€ 5\r\n".encode("cp1252")
    parsed = parse_events_csv(data, "de.csv")
    (event,) = rows(parsed)
    assert parsed.encoding == "cp1252" and parsed.delimiter == ";"
    assert event["title"] == "Café Fintech" and event["starts_at"] == "2026-12-03T18:30:00"
    assert event["location"] == "München" and event["cost"] == 5.0 and event["kind"] == "other"


def test_events_csv_unterminated_quote_is_a_file_error():
    data = b'title,start\r\nA,2026-01-01\r\n"Unterminated,2026-01-02\r\nB,2026-01-03\r\n'
    with pytest.raises(ImportFileError, match="line 3"):
        parse_events_csv(data, "broken.csv")
