"""What a user typing events saw go wrong (a probe of events on a fresh workspace), kept fixed: a
cancelled event suggested, and events gone on their own day."""

from __future__ import annotations

from engine.importers.ics import parse_events_ics
from engine.ranking import EventRanker
from tests.ranking_support import DAY, NOW, events_frame, goal

CALENDAR = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Probe//EN",
    "BEGIN:VEVENT", "UID:week@x", "DTSTART:20270310T090000Z", "DTEND:20270310T170000Z",
    "SUMMARY:Lagos Fintech Week 2027", "STATUS:CANCELLED", "END:VEVENT",
    "BEGIN:VEVENT", "UID:summit@x", "DTSTART:20270312T090000Z", "DTEND:20270312T170000Z",
    "SUMMARY:Africa Fintech Summit", "STATUS:CONFIRMED", "END:VEVENT",
    "END:VCALENDAR", ""])


def test_a_cancelled_event_is_left_out_and_the_import_says_so():
    parsed = parse_events_ics(CALENDAR.encode(), "events.ics")
    titles = [record[1] for record in parsed.records]
    assert titles == ["Africa Fintech Summit"]
    assert any("1 cancelled event left out" in w and "Lagos Fintech Week 2027" in w for w in parsed.warnings)


def test_an_event_is_suggested_until_it_ends_and_its_day_is_told_in_calendar_days():
    """An all-day forum was gone at 08:00 on its day, a three-day conference on its second day, and
    an event starting tomorrow at 03:00 read as "today"."""
    morning = NOW.normalize() + 8 / 24 * DAY
    events = events_frame([
        {"title": "Product forum", "starts_at": NOW.normalize(), "ends_at": None},  # all day, today
        {"title": "Product conference", "starts_at": NOW.normalize() - DAY, "ends_at": NOW.normalize() + 2 * DAY},
        {"title": "Product breakfast", "starts_at": NOW.normalize() + 7 / 24 * DAY,
         "ends_at": NOW.normalize() + 7.5 / 24 * DAY},  # over before 08:00
        {"title": "Product night", "starts_at": NOW.normalize() + DAY + 3 / 24 * DAY},
    ])
    ranked = EventRanker().fit(events).rank([goal()], morning)
    shown = dict(zip(ranked["event_id"], ranked["reasons"]))
    assert set(shown) == {1, 2, 4}
    assert "today" in shown[1] and "under way" in shown[2] and "tomorrow" in shown[4]


def test_a_forum_is_a_gathering_unless_it_says_online():
    """"Lagos Banking Leaders Forum" was an online group, with "Join the group" as its next step."""
    from engine.importers.event_words import guess_kind

    assert guess_kind("Lagos Banking Leaders Forum") == "conference"
    assert guess_kind("Online forum for product managers") == "online group"


def test_an_events_csv_reads_its_dates_in_one_order_and_its_time_column():
    """A day-first file: "05/01/2027" beside "13/01/2027" was read as the 1st of May, and the Time
    column was ignored (every event at midnight), with no warning."""
    from engine.importers.events_csv import parse_events_csv

    data = (b"Event,Date,Time,Venue\nFintech Breakfast Lagos,05/01/2027,08:00,Lagos\n"
            b"Banking CIO Roundtable,13/01/2027,6:30 pm,Lagos\nMeetup,02/02/2027,25:00,Lagos\n")
    parsed = parse_events_csv(data, "eu.csv")
    assert [(r[1], r[3]) for r in parsed.records] == [("Fintech Breakfast Lagos", "2027-01-05T08:00:00"),
                                                     ("Banking CIO Roundtable", "2027-01-13T18:30:00")]
    assert [(r.line, r.column) for r in parsed.rejects] == [(4, "Time")]  # named, not silently midnight
    us = parse_events_csv(b"Event,Date\nSummit,05/01/2027\nForum,12/31/2027\n", "us.csv")
    assert [r[3] for r in us.records] == ["2027-05-01T00:00:00", "2027-12-31T00:00:00"]  # month first


def test_a_csvs_all_day_events_are_exported_as_the_days_written():
    """A one-day CSV event was exported as a zero-length event at midnight UTC (the 14th in the
    Americas), and "2026-12-08 to 2026-12-10" as the 8th and 9th only: a CSV's end date takes in its
    day, stored as iCalendar's exclusive end."""
    from datetime import date

    from engine.importers.events_csv import parse_events_csv
    from engine.planning.followups import calendar_items

    parsed = parse_events_csv(b"Event,Start,End\nPyData Global,2026-12-08,2026-12-10\n"
                              b"Forum,15 Jan 2027,15 Jan 2027\nTalk,2026-12-08 18:00,2026-12-08 20:00\n", "x.csv")
    items = calendar_items([], [{"title": r[1], "starts_at": r[3], "ends_at": r[4]} for r in parsed.records])
    assert [(i["start"], i["end"]) for i in items[:2]] == [(date(2026, 12, 8), date(2026, 12, 11)),
                                                          (date(2027, 1, 15), date(2027, 1, 16))]
    assert str(items[2]["start"]) == "2026-12-08 18:00:00"  # a time of day stays one
