"""Follow-up dates, the user's local "today", keep-in-touch cadences and the calendar export."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import icalendar
import numpy as np
import pandas as pd
import pytest

from engine.clock import local_today
from engine.planning.followups import (
    DEFAULT_FOLLOW_UP_DAYS,
    Cadence,
    add_months,
    cadence_state,
    calendar_items,
    contact_cadence,
    due_follow_ups,
    follow_up_on,
    losing_touch,
    to_ics,
    upcoming_follow_ups,
)
from engine.store import CHANNELS

TODAY = date(2026, 3, 10)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# -- follow-up dates and the local calendar date --------------------------------------------------------
def test_follow_up_on_uses_channel_defaults():
    assert set(DEFAULT_FOLLOW_UP_DAYS) == set(CHANNELS)
    assert follow_up_on("email", date(2026, 2, 25)) == date(2026, 3, 4)  # across the end of February
    assert follow_up_on("linkedin_message", TODAY) == date(2026, 3, 15)
    assert follow_up_on("phone", TODAY) == date(2026, 3, 13)
    assert follow_up_on("in_person", TODAY) == date(2026, 3, 24)
    assert follow_up_on(None, TODAY) == follow_up_on("carrier pigeon", TODAY) == date(2026, 3, 17)
    assert follow_up_on("email", TODAY, days=2) == date(2026, 3, 12)
    assert follow_up_on("email", pd.Timestamp("2026-03-10"), days=0) == TODAY
    with pytest.raises(ValueError):
        follow_up_on("email", TODAY, days=-1)


@pytest.mark.parametrize(("instant", "zone", "expected"), [
    ("2026-03-01T07:30:00+00:00", "America/Los_Angeles", date(2026, 2, 28)),  # 23:30 the evening before
    ("2026-03-01T07:30:00+00:00", "Europe/Berlin", date(2026, 3, 1)),
    ("2026-03-01T07:30:00+00:00", "UTC", date(2026, 3, 1)),
    ("2026-02-28T23:30:00+00:00", "Europe/Berlin", date(2026, 3, 1)),  # 00:30 the next morning
    ("2026-02-28T23:30:00+00:00", "America/Los_Angeles", date(2026, 2, 28)),
    ("2026-03-01T07:30:00-08:00", "Europe/Berlin", date(2026, 3, 1)),  # any aware instant works
    # US daylight saving starts 2026-03-08: 07:30Z is 23:30 PST the day before, then 00:30 PDT.
    ("2026-03-08T07:30:00+00:00", "America/Los_Angeles", date(2026, 3, 7)),
    ("2026-03-09T07:30:00+00:00", "America/Los_Angeles", date(2026, 3, 9)),
    # EU summer time ends 2026-10-25: 22:30Z is 00:30 CEST the next day, a day later 23:30 CET.
    ("2026-10-24T22:30:00+00:00", "Europe/Berlin", date(2026, 10, 25)),
    ("2026-10-25T22:30:00+00:00", "Europe/Berlin", date(2026, 10, 25)),
    ("2026-03-01T10:00:00+00:00", "Pacific/Kiritimati", date(2026, 3, 2)),  # UTC+14
])
def test_local_today(instant, zone, expected):
    assert local_today(zone, now=datetime.fromisoformat(instant)) == expected


def test_local_today_naive_now_is_utc_and_unknown_zone_falls_back(caplog):
    assert local_today("America/Los_Angeles", now=datetime(2026, 3, 1, 7, 30)) == date(2026, 2, 28)
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with caplog.at_level(logging.WARNING, logger="engine.followups"):
        assert local_today("Mars/Olympus_Mons", now=moment) == moment.astimezone().date()
    assert "Mars/Olympus_Mons" in caplog.text
    assert local_today(None, now=moment) == moment.astimezone().date()
    assert isinstance(local_today("Europe/Berlin"), date)


# -- month arithmetic and cadences ---------------------------------------------------------------------
@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),  # year change
    (date(2025, 11, 30), 3, date(2026, 2, 28)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 1, 31), -2, date(2025, 11, 30)),
    (date(2026, 1, 15), 0, date(2026, 1, 15)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_cadence_defaults_round_half_up():
    assert Cadence(30).max_days == 45
    assert Cadence(3).max_days == 5  # 4.5 rounds up, not to even
    assert Cadence(1).max_days == 2
    assert Cadence(30, 31).max_days == 31
    assert Cadence.monthly(1).max_months == 2 and Cadence.monthly(3).max_months == 5
    assert Cadence.monthly(1).ideal_days == 30 and Cadence.monthly(12).ideal_days == 365
    assert Cadence(14).describe() == "every 14 days" and Cadence.monthly(3).describe() == "every 3 months"
    for bad in (lambda: Cadence(0), lambda: Cadence(30, 29), lambda: Cadence.monthly(0),
                lambda: Cadence.monthly(3, max_months=2)):
        with pytest.raises(ValueError):
            bad()


def test_cadence_boundaries_exactly_at_ideal_and_max():
    last, cadence = date(2026, 1, 1), Cadence(30)  # due on day 30, overdue from day 46
    expected = {29: ("ok", 0), 30: ("due", 0), 45: ("due", 15), 46: ("overdue", 16)}
    for days, (status, overdue_by) in expected.items():
        state = cadence_state(last, cadence, last + timedelta(days=days))
        assert state == (status, days, date(2026, 1, 31), overdue_by), days


def test_cadence_never_and_since():
    assert cadence_state(None, Cadence(30), TODAY) == ("never", None, None, 0)
    state = cadence_state(None, Cadence(30), TODAY, since=ago(40))
    assert (state.status, state.days_since, state.due_on) == ("due", 40, ago(10))
    assert cadence_state(ago(5), Cadence(30), TODAY, since=ago(400)).status == "ok"  # the interaction wins
    assert cadence_state(pd.NaT, Cadence(30), TODAY, since=pd.Timestamp(ago(50))).status == "overdue"


def test_monthly_cadence_across_month_ends():
    monthly = Cadence.monthly(1)  # overdue after two months
    last = date(2026, 1, 31)
    assert cadence_state(last, monthly, date(2026, 2, 27)).status == "ok"
    assert cadence_state(last, monthly, date(2026, 2, 28)) == ("due", 28, date(2026, 2, 28), 0)
    assert cadence_state(last, monthly, date(2026, 3, 31)).status == "due"
    assert cadence_state(last, monthly, date(2026, 4, 1)) == ("overdue", 60, date(2026, 2, 28), 32)
    assert cadence_state(date(2024, 1, 31), monthly, date(2024, 2, 29)).due_on == date(2024, 2, 29)
    assert cadence_state(date(2025, 12, 15), monthly, date(2026, 1, 14)).status == "ok"
    assert cadence_state(date(2025, 12, 15), monthly, date(2026, 1, 15)).status == "due"
    quarterly = Cadence.monthly(3)
    assert cadence_state(date(2025, 11, 30), quarterly, date(2026, 2, 28)).status == "due"
    assert cadence_state(date(2025, 11, 30), quarterly, date(2026, 4, 30)).status == "due"
    assert cadence_state(date(2025, 11, 30), quarterly, date(2026, 5, 1)).status == "overdue"


# -- follow-ups on interactions --------------------------------------------------------------------------
def interactions() -> pd.DataFrame:
    rows = [  # id, contact, kind, channel, occurred_on, outcome, follow_up_on
        (1, 10, "outreach", "email", ago(10), "no_response", ago(3)),  # overdue by 3
        (2, 11, "outreach", "linkedin_message", ago(5), None, TODAY),  # due today
        (3, 12, "outreach", "email", ago(12), "replied", ago(5)),  # answered
        (4, 13, "outreach", "email", ago(9), "no_response", ago(2)),  # followed by an inbound message
        (5, 13, "inbound", "email", ago(4), "replied", None),
        (6, 14, "outreach", "email", ago(3), None, TODAY + timedelta(days=3)),  # upcoming
        (7, 15, "outreach", "email", ago(20), "no_response", ago(13)),  # superseded by the nudge below
        (8, 15, "outreach", "email", ago(8), "no_response", ago(1)),  # overdue by 1
        (9, 16, "meeting", "phone", ago(30), "meeting", ago(6)),  # a meeting's own follow-up
        (10, 17, "outreach", "email", ago(2), None, ago(1)),  # answered the same day, logged after
        (11, 17, "inbound", "email", ago(2), "replied", None),
        (12, 18, "outreach", "email", ago(2), None, TODAY + timedelta(days=8)),  # beyond a week
        (13, 19, "outreach", "email", ago(9), "declined", ago(2)),  # declined is an answer
        (14, 20, "outreach", "phone", ago(2), None, None),  # no follow-up date
    ]
    frame = pd.DataFrame(rows, columns=["id", "contact_id", "kind", "channel", "occurred_on", "outcome",
                                        "follow_up_on"])
    frame["full_name"] = [f"Person {c}" for c in frame["contact_id"]]
    return frame.sample(frac=1, random_state=3)  # input order must not matter


def test_due_follow_ups_excludes_answered_and_superseded_outreach():
    due = due_follow_ups(interactions(), TODAY)
    assert due["id"].tolist() == [1, 8, 2]
    assert due["status"].tolist() == ["overdue", "overdue", "due"]
    assert due["days_overdue"].tolist() == [3, 1, 0]
    assert due["full_name"].tolist() == ["Person 10", "Person 15", "Person 11"]
    assert due["follow_up_on"].tolist() == [ago(3), ago(1), TODAY]
    assert isinstance(due.loc[0, "occurred_on"], date)


def test_due_follow_ups_with_all_kinds_and_duckdb_like_dates():
    frame = interactions()
    for column in ("occurred_on", "follow_up_on"):
        frame[column] = pd.to_datetime(frame[column])  # DuckDB hands DATE columns over as datetime64
    frame["outcome"] = frame["outcome"].astype(object).where(frame["outcome"].notna(), np.nan)
    assert due_follow_ups(frame, TODAY)["id"].tolist() == [1, 8, 2]
    assert due_follow_ups(frame, TODAY, kinds=None)["id"].tolist() == [9, 1, 8, 2]


def test_same_day_reply_closes_outreach_whatever_the_row_order():
    columns = ["id", "contact_id", "kind", "channel", "occurred_on", "outcome", "follow_up_on"]
    reply_first = pd.DataFrame([(11, 17, "inbound", "email", ago(2), "replied", None),
                                (10, 17, "outreach", "email", ago(2), None, ago(1))], columns=columns)
    assert due_follow_ups(reply_first, TODAY).empty
    assert due_follow_ups(reply_first.iloc[::-1], TODAY).empty
    assert due_follow_ups(reply_first.iloc[[1]], TODAY)["id"].tolist() == [10]


def test_upcoming_follow_ups():
    upcoming = upcoming_follow_ups(interactions(), TODAY)
    assert upcoming[["id", "status", "days_until"]].values.tolist() == [[6, "upcoming", 3]]
    assert upcoming_follow_ups(interactions(), TODAY, days=8)["id"].tolist() == [6, 12]
    assert upcoming_follow_ups(interactions(), TODAY, days=2).empty


def test_follow_ups_on_empty_and_incomplete_frames():
    empty = interactions().iloc[0:0]
    assert due_follow_ups(empty, TODAY).empty and "status" in due_follow_ups(empty, TODAY)
    with pytest.raises(ValueError, match="follow_up_on"):
        due_follow_ups(interactions().drop(columns="follow_up_on"), TODAY)


# -- keep in touch -------------------------------------------------------------------------------------
def contacts() -> pd.DataFrame:
    rows = [  # id, name, cadence_days, cadence_max_days, tags, connected_on, last_interaction
        (1, "Due Dana", 30, None, ["peer"], ago(900), ago(40)),
        (2, "Overdue Omar", 30, None, [], ago(900), ago(50)),
        (3, "Tagged Tara", None, None, ["Mentor", "peer"], ago(900), ago(70)),  # mentor 60 beats peer 90
        (4, "Own Olga", 90, None, ["mentor"], ago(900), ago(70)),  # her own 90 days win: still ok
        (5, "Never Nadia", 30, None, [], ago(100), None),  # counted from the connection
        (6, "Friend Fred", None, None, ["friend"], ago(900), ago(400)),  # only a tag cadence: yearly
        (7, "Tight Tim", 30, 35, [], ago(900), ago(36)),  # own maximum of 35 days
        (8, "Recent Rita", 30, None, ["mentor"], ago(900), ago(10)),
        (9, "Unknown Uma", 30, None, [], None, None),  # nothing to count from
    ]
    frame = pd.DataFrame(rows, columns=["id", "full_name", "cadence_days", "cadence_max_days", "tags",
                                        "connected_on", "last_interaction"])
    frame["tags"] = [np.array(t, dtype=object) for t in frame["tags"]]  # DuckDB lists arrive as arrays
    return frame


def test_losing_touch_orders_overdue_first_then_longest_gap():
    tags = {"mentor": Cadence(60), "Peer": Cadence(90), "friend": 365}
    out = losing_touch(contacts(), TODAY, tags)
    assert out["full_name"].tolist() == ["Never Nadia", "Overdue Omar", "Tight Tim", "Friend Fred", "Tagged Tara",
                                         "Due Dana"]
    assert out["status"].tolist() == ["overdue"] * 3 + ["due"] * 3
    assert out["days_since"].tolist() == [100, 50, 36, 400, 70, 40]
    assert out["cadence_source"].tolist() == ["contact"] * 3 + ["tag: friend", "tag: mentor", "contact"]
    assert out.set_index("full_name").loc["Friend Fred", "cadence"] == "every 365 days"
    tara = out.set_index("full_name").loc["Tagged Tara"]
    assert (tara["due_on"], tara["overdue_by"], tara["cadence"]) == (ago(10), 10, "every 60 days")


def test_losing_touch_without_tag_cadences_and_when_nobody_is_due():
    assert losing_touch(contacts(), TODAY)["id"].tolist() == [5, 2, 7, 1]
    calm = losing_touch(contacts(), ago(900))
    assert calm.empty and {"status", "due_on"} <= set(calm.columns)


def test_contact_cadence_rules():
    assert contact_cadence({"cadence_days": np.nan, "tags": None}) == (None, "")
    assert contact_cadence({"cadence_days": pd.NA, "tags": "mentor"}, {"mentor": 30})[1] == "tag: mentor"
    own, source = contact_cadence({"cadence_days": 30.0, "cadence_max_days": 20})
    assert (own.ideal_days, own.max_days, source) == (30, 30, "contact")  # a max below the ideal is lifted
    tight, _ = contact_cadence({"tags": ["a", "b"]}, {"a": Cadence(30, 60), "b": Cadence(30, 40)})
    assert tight.max_days == 40


# -- calendar export -----------------------------------------------------------------------------------
def events() -> list[dict]:
    return [
        {"id": 1, "uid": "meetup-123@meetup.com", "title": "Fintech Meetup, Berlin; spring edition",
         "starts_at": pd.Timestamp("2026-03-20 17:30"), "ends_at": pd.Timestamp("2026-03-20 20:00"),
         "location": "Factory Görlitzer Park, Berlin", "url": "https://www.meetup.com/fintech/events/123",
         "description": "Talks on open banking. " * 12 + "Ünïcödé ✓", "topics": np.array(["fintech", "payments"])},
        {"id": 2, "uid": None, "title": "ClimateTech Summit", "starts_at": pd.Timestamp("2026-04-01"),
         "ends_at": pd.Timestamp("2026-04-03"), "location": None, "url": None, "description": None, "topics": []},
        {"id": 3, "uid": "x", "title": "No date yet", "starts_at": pd.NaT, "ends_at": pd.NaT},
    ]


def test_calendar_export_parses_back_with_icalendar():
    follow_ups = due_follow_ups(interactions(), TODAY).to_dict("records")
    keep_in_touch = losing_touch(contacts(), TODAY).head(1).to_dict("records")
    items = calendar_items(follow_ups + keep_in_touch, events())
    stamp = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    text = to_ics(items, dtstamp=stamp, tz="UTC")  # the events' naive times: the wall clock in UTC
    again = to_ics(calendar_items(follow_ups + keep_in_touch, events()), dtstamp=stamp, tz="UTC")
    assert text == again  # deterministic
    lines = text.split("\r\n")
    assert lines[-1] == "" and all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long description was folded

    parsed = icalendar.Calendar.from_ical(text)
    found = {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}
    assert list(found) == ["Follow up with Person 10", "Follow up with Person 15", "Follow up with Person 11",
                           "Follow up with Never Nadia", "Fintech Meetup, Berlin; spring edition",
                           "ClimateTech Summit"]
    first = found["Follow up with Person 10"]
    # due three days ago: on today, where a calendar shows it (in the past nobody saw it)
    assert first["DTSTART"].dt == TODAY and first["DTEND"].dt == TODAY + timedelta(days=1)
    assert "by e-mail on 28 Feb 2026" in str(first["DESCRIPTION"])
    assert str(first["UID"]) == "rapport-follow-up-1@rapport"
    assert found["Follow up with Never Nadia"]["DTSTART"].dt == TODAY  # overdue by 70 days: today
    meetup = found["Fintech Meetup, Berlin; spring edition"]
    assert meetup["DTSTART"].dt == datetime(2026, 3, 20, 17, 30, tzinfo=UTC)
    assert meetup["DTEND"].dt == datetime(2026, 3, 20, 20, 0, tzinfo=UTC)
    assert str(meetup["LOCATION"]) == "Factory Görlitzer Park, Berlin"
    assert str(meetup["URL"]) == "https://www.meetup.com/fintech/events/123"
    assert str(meetup["DESCRIPTION"]).endswith("Ünïcödé ✓")
    assert [str(c) for c in meetup["CATEGORIES"].cats] == ["fintech", "payments"]
    summit = found["ClimateTech Summit"]  # midnight to midnight: all-day again
    assert (summit["DTSTART"].dt, summit["DTEND"].dt) == (date(2026, 4, 1), date(2026, 4, 3))
    assert len({str(e["UID"]) for e in parsed.walk("VEVENT")}) == 6


def test_calendar_items_drop_bad_ends_and_rows_without_dates():
    items = calendar_items([{"id": 5, "full_name": None, "follow_up_on": None}],
                           [{"title": "Backwards", "starts_at": datetime(2026, 5, 1, 18), "ends_at":
                             datetime(2026, 5, 1, 17)}, {"title": "Mixed", "start": date(2026, 5, 2),
                                                         "end": datetime(2026, 5, 3, 10)}])
    assert [(i["summary"], i["end"]) for i in items] == [("Backwards", None), ("Mixed", None)]
    only = calendar_items([{"id": 7, "follow_up_on": "2026-05-04", "channel": "phone", "notes": "Bring the deck"}], [])
    assert only[0]["summary"] == "Follow up with a contact"
    assert only[0]["description"] == "You reached out by phone and have not heard back yet.\nNotes: Bring the deck"
    assert icalendar.Calendar.from_ical(to_ics(items + only)).walk("VEVENT")[2]["DTSTART"].dt == date(2026, 5, 4)


def test_a_cadence_in_days_is_read_as_pandas_reads_a_number():
    from engine.planning.followups import _positive_int

    def by_pandas(value):
        number = pd.to_numeric(pd.Series([value], dtype=object), errors="coerce").iloc[0]
        return int(number) if pd.notna(number) and number >= 1 else None

    values = [None, np.nan, pd.NA, pd.NaT, 0, 1, 30, -5, 0.5, 1.0, 30.9, np.int64(14), np.float64(7.5), "30", " 45 ",
              "7.5", "0", "-3", "", "abc", "1e2", "1,000", True, False, float("-inf"), 2 ** 40]
    assert [_positive_int(v) for v in values] == [by_pandas(v) for v in values]
