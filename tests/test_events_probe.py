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


# A second probe (2026-12-07): a personal calendar and a user's events CSV imported beside the
# networking events, ranked for seven goals.

def test_a_title_that_says_cancelled_is_left_out_of_an_ics_and_a_csv():
    """"Lagos Fintech Week 2027 (CANCELLED)": renamed in the calendar, no STATUS, and suggested with
    "Register early"; a word in a title's middle is no marker."""
    from engine.importers.event_words import says_cancelled
    from engine.importers.events_csv import parse_events_csv

    renamed = CALENDAR.replace("SUMMARY:Lagos Fintech Week 2027\r\nSTATUS:CANCELLED",
                               "SUMMARY:Lagos Fintech Week 2027 (CANCELLED)")
    parsed = parse_events_ics(renamed.encode(), "events.ics")
    assert [record[1] for record in parsed.records] == ["Africa Fintech Summit"]
    assert any("1 cancelled event left out" in w for w in parsed.warnings)
    data = (b"Event,Date\n[Canceled] PyData Lagos,2027-01-05\nCANCELLED: Banking Forum,2027-01-06\n"
            b"Cancelled Flights Support Group,2027-01-07\n")
    parsed = parse_events_csv(data, "events.csv")
    assert [record[1] for record in parsed.records] == ["Cancelled Flights Support Group"]
    assert any("2 cancelled events left out" in w and "PyData Lagos" in w for w in parsed.warnings)
    assert not says_cancelled(None) and says_cancelled("Summit (called off)")


def test_an_event_that_fits_no_goal_is_never_suggested_and_says_so(tmp_path):
    """"Kids Soccer Practice" and "Dentist appointment" came 4th and 5th for "Learn the climate tech
    industry" (timing and price alone), and an event imported before as "(CANCELLED)" was suggested."""
    from datetime import datetime

    from engine.outreach.event_suggestions import rank_events
    from engine.records import EVENT_FIELDS, ParsedFile
    from engine.store import Store

    store = Store(tmp_path / "w.duckdb")
    store.goals.add(goal(title="Learn the climate tech industry", outcome="learn", target_roles=[],
                         industries=["climate tech"], id=None))
    rows = [("climate", "Climate Tech Founders Meetup"), ("soccer", "Kids Soccer Practice"),
            ("old", "Climate Week (CANCELLED)")]
    records = [tuple({"uid": uid, "title": title, "kind": "meetup", "starts_at": "2027-01-10T18:00:00",
                      "online": False, "location": "Lagos"}.get(f) for f in EVENT_FIELDS) for uid, title in rows]
    store.imports.save_events(ParsedFile(file_name="events.csv", format="csv", encoding="utf-8", delimiter=",",
                                         headers=[], fields=EVENT_FIELDS, records=records,
                                         lines=[2, 3, 4], total=3))
    now = datetime(2026, 12, 7, 9)
    suggested = rank_events(store, goal_id=1, now=now)
    assert suggested["title"].tolist() == ["Climate Tech Founders Meetup"]
    every = rank_events(store, now=now)
    assert every["title"].tolist() == ["Climate Tech Founders Meetup", "Kids Soccer Practice"]
    last = every.iloc[-1]
    assert last["goal_id"] is None and last["reasons"] == ["fits none of your goals (topic and audience)"]
    assert last["next_step"].startswith("Skip")


def test_an_events_audience_is_read_from_its_description_plurals_and_all():
    """An .ics says who an event is for in its description: "Closed roundtable for CTOs and VPs of
    engineering" shared only "CTO" of its title with a goal asking for a CTO. And a call for
    speakers meets a goal to speak ("speak", "speakers" and "speaking" are one word)."""
    events = events_frame([
        {"title": "CTO Roundtable", "description": "Closed roundtable for CTOs and VPs of engineering."},
        {"title": "Breakfast", "description": "Networking for designers."},
        {"title": "Local Meetup Speakers Night (call for talks)"},
        {"title": "Product Meetup"},
    ])
    mentor = goal(title="Find a mentor: CTO", outcome="mentorship", target_roles=["CTO"])
    ranked = EventRanker().fit(events).rank([mentor], NOW)
    first = ranked.iloc[0]
    assert first["title"] == "CTO Roundtable" and any("audience includes" in r for r in first["reasons"])
    speak = goal(title="Speak at a meetup", outcome="visibility", target_roles=[])
    assert EventRanker().fit(events).rank([speak], NOW).iloc[0]["title"].startswith("Local Meetup Speakers")


def test_the_events_list_says_free_a_price_or_nothing_never_none():
    """An unknown price was drawn "None" in the Cost column, which reads as no cost."""
    import pandas as pd

    from engine.outreach.table import with_event_fit

    ranked = pd.DataFrame({"score": [0.5, 0.4, 0.3], "cost": [0.0, 1900.0, float("nan")]})
    assert with_event_fit(ranked)["cost"].tolist() == ["free", "1,900", ""]


def test_the_events_ranking_is_kept_for_the_minute_until_events_goals_or_data_change(tmp_path, monkeypatch):
    """A rerun of the Events page ranks nothing again; an event added, a goal edited, an event deleted or
    the next minute does."""
    from datetime import datetime, timedelta

    from engine.outreach.event_suggestions import rank_events
    from engine.ranking import EventRanker
    from engine.store import Store

    store = Store(tmp_path / "w.duckdb")
    goal_id = store.goals.add(goal(title="Learn the climate tech industry", outcome="learn", target_roles=[],
                                   industries=["climate tech"], id=None))
    first = store.events.add({"title": "Climate Tech Founders Meetup", "kind": "meetup",
                              "starts_at": datetime(2027, 1, 10, 18)})
    fits = []
    original = EventRanker.fit
    monkeypatch.setattr(EventRanker, "fit", lambda self, *a, **k: fits.append(1) or original(self, *a, **k))
    now = datetime(2026, 12, 7, 9, 0, 5)
    assert rank_events(store, now=now)["title"].tolist() == ["Climate Tech Founders Meetup"]
    rank_events(store, now=now + timedelta(seconds=40))  # a rerun within the minute
    assert len(fits) == 1
    store.events.add({"title": "Climate Week Lagos", "kind": "conference", "starts_at": datetime(2027, 2, 1, 9)})
    assert len(rank_events(store, now=now)) == 2 and len(fits) == 2
    store.goals.update(goal_id, {"title": "Learn the climate tech and energy industry"})
    assert rank_events(store, now=now)["goal_title"].iloc[0] == "Learn the climate tech and energy industry"
    store.events.delete(first)
    assert rank_events(store, now=now)["title"].tolist() == ["Climate Week Lagos"]
    rank_events(store, now=now + timedelta(minutes=1))
    assert len(fits) == 5
