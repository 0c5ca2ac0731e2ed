"""Follow-ups on unanswered outreach, keep-in-touch cadences, and their calendar export.

Why calendar dates and not timestamps: "follow up on the 14th" means the user's 14th, so every rule
works on ``datetime.date`` and ``local_today`` turns the current instant into the user's date with
real time-zone rules (a UTC date is a day off for hours every evening in the Americas and every
morning in Asia). Pure functions: the store provides the frames, the pages show the results.
"""

from __future__ import annotations

import calendar
import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

import pandas as pd

from engine.errors import UserError
from engine.importers.ics import write_ics
from engine.outreach.messages import as_text
from engine.vocabulary import as_date

log = logging.getLogger(__name__)

# Days to wait for a reply before nudging, per channel (keys match engine.store.events.CHANNELS):
# a call or a chat in person is fresh for days, a written note deserves a week, a meeting's
# follow-up (notes, the promised intro) fits in two weeks.
DEFAULT_FOLLOW_UP_DAYS: dict[str, int] = {"email": 7, "linkedin_message": 5, "linkedin_connection": 7, "phone": 3,
                                          "video_call": 7, "in_person": 14, "other": 7}
_CHANNEL_PHRASES = {"email": "by e-mail", "linkedin_message": "with a LinkedIn message",
                    "linkedin_connection": "with a LinkedIn invitation", "phone": "by phone",
                    "video_call": "on a video call", "in_person": "in person"}
_DAYS_PER_MONTH = 365.2425 / 12  # only for the nominal day count of a monthly cadence


def follow_up_on(channel: str | None, occurred_on: date, days: int | None = None) -> date:
    """When to follow up on a message sent on ``occurred_on``: ``days`` later, else the channel default."""
    if days is None:
        days = DEFAULT_FOLLOW_UP_DAYS.get(channel or "other", DEFAULT_FOLLOW_UP_DAYS["other"])
    if days < 0:
        raise UserError("a follow-up cannot come before the message")
    return as_date(occurred_on) + timedelta(days=days)


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` calendar months, clamped to the month's end: Jan 31 + 1 month = Feb 28/29."""
    year, month = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Cadence:
    """How often to be in touch: due after ``ideal_days``, overdue after ``max_days`` (default 1.5x).

    Monthly form (``Cadence.monthly(n)``): due on the same day of the month n calendar months after the
    last contact, clamped to the month's end (last on Jan 31, monthly(1) is due Feb 28, 29 in a leap
    year); overdue after ``max_months`` (default 1.5n rounded half up: 1 -> 2, 3 -> 5) counted the same
    way. Dates are computed from the last contact, never chained, so month ends do not drift.
    ``ideal_days``/``max_days`` then hold nominal lengths (30.4 days a month), only to compare cadences.
    """

    ideal_days: int
    max_days: int | None = None
    months: int | None = None
    max_months: int | None = None

    def __post_init__(self) -> None:
        if self.months is not None and self.max_months is None:
            object.__setattr__(self, "max_months", int(1.5 * self.months + 0.5))
        if self.max_days is None:
            default = round(self.max_months * _DAYS_PER_MONTH) if self.months else int(1.5 * self.ideal_days + 0.5)
            object.__setattr__(self, "max_days", default)
        if self.ideal_days < 1 or (self.months is not None and self.months < 1):
            raise UserError("a cadence needs a gap of at least one day or month")
        if self.max_days < self.ideal_days or (self.months and self.max_months < self.months):
            raise UserError("the maximum gap cannot be shorter than the ideal one")

    @classmethod
    def monthly(cls, n: int, max_months: int | None = None) -> Cadence:
        return cls(ideal_days=max(1, round(n * _DAYS_PER_MONTH)), months=n, max_months=max_months)

    def due_on(self, start: date) -> date:
        return add_months(start, self.months) if self.months else start + timedelta(days=self.ideal_days)

    def last_due_day(self, start: date) -> date:
        """The last day that is still only "due"; the day after it is "overdue"."""
        return add_months(start, self.max_months) if self.months else start + timedelta(days=self.max_days)

    def describe(self) -> str:
        count, unit = (self.months, "month") if self.months else (self.ideal_days, "day")
        return f"every {unit}" if count == 1 else f"every {count} {unit}s"


class CadenceState(NamedTuple):
    status: str  # "ok", "due" (yellow), "overdue" (red) or "never" (no contact and no start date)
    days_since: int | None
    due_on: date | None
    overdue_by: int  # days past due_on, 0 until then


def cadence_state(last: date | None, cadence: Cadence, today: date, since: date | None = None) -> CadenceState:
    """Where a relationship stands: due from the day the ideal gap has passed (days_since == ideal),
    overdue from the day after the maximum gap (days_since == max + 1). Without any interaction the
    gap is counted from ``since`` (e.g. connected_on); without that either, the status is "never".
    """
    start = as_date(last) or as_date(since)
    if start is None:
        return CadenceState("never", None, None, 0)
    today = as_date(today)
    due_on = cadence.due_on(start)
    status = "overdue" if today > cadence.last_due_day(start) else "due" if today >= due_on else "ok"
    return CadenceState(status, (today - start).days, due_on, max(0, (today - due_on).days))


# -- follow-ups on interactions ---------------------------------------------------------------------
_REQUIRED = ("id", "contact_id", "kind", "channel", "occurred_on", "outcome", "follow_up_on")


def _open_follow_ups(interactions: pd.DataFrame, today: date, kinds: tuple[str, ...] | None) -> pd.DataFrame:
    """Rows with a follow-up date that nothing has answered yet, with ``_days`` until it (negative: late).

    Open means: the latest interaction with that contact (by date, then id, so a reply logged the same
    day after the message closes it), and for outreach an outcome of None or "no_response" (any other
    outcome is an answer). A row without a contact can only be closed by its outcome.
    """
    if missing := [c for c in _REQUIRED if c not in interactions.columns]:
        raise ValueError(f"interactions need the columns {', '.join(missing)}")
    frame = interactions.reset_index(drop=True).copy()
    frame["_occ"] = pd.to_datetime(frame["occurred_on"], errors="coerce").dt.normalize()
    frame["_fu"] = pd.to_datetime(frame["follow_up_on"], errors="coerce").dt.normalize()
    frame["_id"] = pd.to_numeric(frame["id"], errors="coerce")
    frame["_days"] = (frame["_fu"] - pd.Timestamp(as_date(today))).dt.days
    ordered = frame.sort_values(["_occ", "_id"], kind="stable")
    latest = frame.index.isin(ordered.groupby("contact_id", dropna=True).tail(1).index) | frame["contact_id"].isna()
    answered = ~(frame["outcome"].isna() | frame["outcome"].eq("no_response")) & frame["kind"].eq("outreach")
    wanted = frame["kind"].isin(kinds) if kinds is not None else True
    return frame[latest & ~answered & wanted & frame["_fu"].notna()].sort_values(["_fu", "_occ", "_id"], kind="stable")


def _finish(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.reset_index(drop=True)
    rows["occurred_on"] = [as_date(v) for v in rows["_occ"]]
    rows["follow_up_on"] = [as_date(v) for v in rows["_fu"]]
    return rows.drop(columns=["_occ", "_fu", "_id", "_days"])


def due_follow_ups(interactions: pd.DataFrame, today: date,
                   kinds: tuple[str, ...] | None = ("outreach",)) -> pd.DataFrame:
    """Open follow-ups due today ("due") or earlier ("overdue"), most overdue first.

    Adds ``status`` and ``days_overdue``; dates come back as ``datetime.date``. ``kinds=None`` also
    includes meetings and events that carry a follow-up date (their outcome does not close them).
    """
    rows = _open_follow_ups(interactions, today, kinds)
    rows = rows[rows["_days"] <= 0]
    rows = rows.assign(status=["overdue" if d < 0 else "due" for d in rows["_days"]], days_overdue=-rows["_days"])
    return _finish(rows)


def upcoming_follow_ups(interactions: pd.DataFrame, today: date, days: int = 7,
                        kinds: tuple[str, ...] | None = ("outreach",)) -> pd.DataFrame:
    """Open follow-ups due after today and within ``days``, soonest first (``status`` "upcoming", ``days_until``)."""
    rows = _open_follow_ups(interactions, today, kinds)
    rows = rows[(rows["_days"] > 0) & (rows["_days"] <= days)]
    return _finish(rows.assign(status="upcoming", days_until=rows["_days"]))


# -- keep in touch ----------------------------------------------------------------------------------
def _positive_int(value: object) -> int | None:
    """A whole number of days of at least 1 from what a cadence column holds (a number, a numeric
    string, NaN, None, pd.NA), else None: what ``pd.to_numeric(errors="coerce")`` reads of such
    values (tests/test_followups.py), without a Series per value (0.3 ms each: a tenth of a second
    for Home's flags at 150 cadences)."""
    if isinstance(value, bool):
        return 1 if value else None
    try:
        number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) and number >= 1 else None


def cadences_of(tag_settings: dict[str, tuple[int, int | None]]) -> dict[str, Cadence]:
    """The keep-in-touch cadence of each tag, from the settings' (ideal, maximum) days."""
    return {tag: Cadence(ideal, maximum) for tag, (ideal, maximum) in tag_settings.items()}


def contact_cadence(contact: dict, tag_cadences: dict[str, Cadence | int] | None = None) -> tuple[Cadence | None, str]:
    """The cadence for a contact and its source ("contact" or "tag: mentor"): its own ``cadence_days``
    wins, else the tightest of its tags' cadences (case-insensitive), as the closest tie sets the pace.
    """
    ideal = _positive_int(contact.get("cadence_days"))
    if ideal:
        limit = _positive_int(contact.get("cadence_max_days"))
        return Cadence(ideal, max(limit, ideal) if limit else None), "contact"
    by_tag = {str(k).strip().casefold(): (v if isinstance(v, Cadence) else Cadence(int(v)), str(k))
              for k, v in (tag_cadences or {}).items()}
    tags = contact.get("tags")
    tags = [tags] if isinstance(tags, str) else [] if tags is None or isinstance(tags, float) else list(tags)
    found = [by_tag[str(t).strip().casefold()] for t in tags if str(t).strip().casefold() in by_tag]
    if not found:
        return None, ""
    cadence, tag = min(found, key=lambda pair: (pair[0].ideal_days, pair[0].max_days))
    return cadence, f"tag: {tag}"


def losing_touch(contacts: pd.DataFrame, today: date,
                 tag_cadences: dict[str, Cadence | int] | None = None) -> pd.DataFrame:
    """Contacts whose cadence says it is time (due) or past time (overdue) to get in touch.

    Adds status, days_since, due_on, overdue_by, cadence (e.g. "every 30 days") and cadence_source;
    sorted overdue first, then the longest gap. Contacts without a cadence are left out.
    """
    out = []
    for record in contacts.to_dict("records"):
        cadence, source = contact_cadence(record, tag_cadences)
        if cadence is None:
            continue
        state = cadence_state(record.get("last_interaction"), cadence, today, since=record.get("connected_on"))
        if state.status in ("due", "overdue"):
            out.append({**record, **state._asdict(), "cadence": cadence.describe(), "cadence_source": source})
    columns = [*contacts.columns, *CadenceState._fields, "cadence", "cadence_source"]
    frame = pd.DataFrame(out, columns=list(dict.fromkeys(columns)))
    frame["_rank"] = frame["status"].map({"overdue": 0, "due": 1})  # ties keep the input order (stable sort)
    frame = frame.sort_values(["_rank", "days_since"], ascending=[True, False], kind="stable")
    return frame.drop(columns="_rank").reset_index(drop=True)


# -- calendar export --------------------------------------------------------------------------------
def _moment(value: object) -> datetime | date | None:
    if isinstance(value, datetime | date) or value is None:
        return None if pd.isna(value) else value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    return None if pd.isna(value) else datetime.fromisoformat(str(value))


def follow_up_reason(kind: str, how: str, sent: date | None) -> str:
    """Why a follow-up is there, by what it follows: a message awaiting its answer, a meeting, an
    event, a message from them."""
    on = f" on {sent:%d %b %Y}" if sent else ""
    if kind == "meeting":
        return f"You met{' ' + how if how else ''}{on}: time for the next step you agreed."
    if kind == "event":
        return f"You met at an event{on}: time to follow up."
    if kind == "inbound":
        return f"They wrote to you{' ' + how if how else ''}{on}: time to answer."
    return f"You reached out{' ' + how if how else ''}{on} and have not heard back yet."


def _follow_up_item(row: dict) -> dict | None:
    name = as_text(row.get("full_name")) or as_text(row.get("name")) or "a contact"
    key, notes = as_text(row.get("id")), as_text(row.get("notes"))
    if "follow_up_on" in row:  # an interaction row from due_follow_ups / upcoming_follow_ups
        day, sent = as_date(row.get("follow_up_on")), as_date(row.get("occurred_on"))
        how = _CHANNEL_PHRASES.get(as_text(row.get("channel")), "")
        text = follow_up_reason(as_text(row.get("kind")) or "outreach", how, sent)
        uid = f"rapport-follow-up-{key}@rapport"
    else:  # a contact row from losing_touch: one entry per contact, moved by each new export
        day, since, cadence = as_date(row.get("due_on")), row.get("days_since"), as_text(row.get("cadence"))
        text = f"Time to get back in touch{f': {since} days since your last contact' if since else ''}" \
               f"{f' (cadence: {cadence})' if cadence else ''}."
        uid = f"rapport-keep-in-touch-{key}@rapport"
    late = row.get("days_overdue") if "days_overdue" in row else row.get("overdue_by")
    if day is not None and isinstance(late, int | float) and late == late and late > 0:
        day += timedelta(days=int(late))  # overdue: on today, where the calendar shows it, not in the past
    return None if day is None else {
        "uid": uid if key else None, "summary": f"Follow up with {name}", "start": day,
        "end": day + timedelta(days=1), "description": text + (f"\nNotes: {notes}" if notes else ""),
        "categories": ["Rapport"]}


def _event_item(event: dict) -> dict | None:
    start = _moment(event.get("starts_at", event.get("start")))
    if start is None:
        return None
    end = _moment(event.get("ends_at", event.get("end")))
    if end is not None and (isinstance(end, datetime) != isinstance(start, datetime) or end <= start):
        end = None  # a mixed or backwards end would make write_ics fail or a calendar reject the file
    # The importers store an all-day event as midnight-to-midnight (the end exclusive, as iCalendar
    # writes it), a one-day event from a CSV as a midnight start without an end: all-day again.
    midnight = datetime.min.time()
    if isinstance(start, datetime) and start.time() == midnight and (end is None or end.time() == midnight):
        start, end = start.date(), end.date() if end is not None else start.date() + timedelta(days=1)
    uid, topics = as_text(event.get("uid")) or as_text(event.get("id")), event.get("topics")
    return {"uid": f"rapport-event-{uid}" if uid else None, "start": start, "end": end,
            "summary": as_text(event.get("title")) or as_text(event.get("summary")) or "Event",
            "location": as_text(event.get("location")), "url": as_text(event.get("url")),
            "description": as_text(event.get("description")),
            "categories": [] if topics is None or isinstance(topics, str | float) else list(topics)}


def calendar_items(follow_ups: list[dict], events: list[dict] | None = None) -> list[dict]:
    """Items for ``write_ics``: an all-day "Follow up with {name}" per follow-up (or losing-touch row),
    and each event with its start, end, location and link. UIDs are stable, so importing a newer
    export into the same calendar updates the entries instead of duplicating them.
    """
    items = [_follow_up_item(row) for row in follow_ups or []]
    items += [_event_item(event) for event in events or []]
    return [item for item in items if item is not None]


def to_ics(items: list[dict], dtstamp: datetime | None = None, tz: str | None = None) -> str:
    """The .ics text for ``calendar_items`` output (folded at 75 octets, CRLF line ends); an event's
    times are the wall clock in the zone ``tz`` (Settings'; None: this computer's)."""
    return write_ics(items, prodid="-//Rapport//Follow-ups//EN", dtstamp=dtstamp, tz=tz)
