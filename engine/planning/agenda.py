"""Today: what is due (follow-ups, keep-in-touch), what comes next, and the calendar export.

The weekly outreach session starts here: first answer what is overdue, then the next best people
to contact. Dates are the user's local calendar dates (the time zone is a workspace setting).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from engine.clock import workspace_today
from engine.outreach.opportunities import rank_contacts
from engine.outreach.preparation import wait_for_preparation
from engine.outreach.results import memoized
from engine.store import Store
from engine.vocabulary import CHANNEL_LABELS, DUE_LABELS, KIND_LABELS, as_date, blank_missing, label

from .followups import (
    Cadence,
    cadences_of,
    calendar_items,
    due_follow_ups,
    follow_up_on,
    losing_touch,
    to_ics,
    upcoming_follow_ups,
)

FOLLOW_UP_COLUMNS = ["full_name", "company", "kind", "channel", "template", "goal", "occurred_on", "follow_up_on",
                     "status"]
TOUCH_COLUMNS = ["full_name", "company", "status", "days_since", "due_on", "cadence", "cadence_source"]


@dataclass
class Agenda:
    today: date
    due: pd.DataFrame  # overdue and due follow-ups
    upcoming: pd.DataFrame  # follow-ups in the next 7 days
    losing_touch: pd.DataFrame  # keep-in-touch cadences due or overdue
    next_outreach: pd.DataFrame  # the best contacts not yet contacted recently
    # The three above as a person reads them (``follow_ups_as_read``, ``touch_as_read``), kept with them:
    # shared with every later run of the page until the data change; do not change them.
    due_shown: pd.DataFrame | None = None
    upcoming_shown: pd.DataFrame | None = None
    touch_shown: pd.DataFrame | None = None


def _words(values: pd.Series, labels: dict[str, str] | None = None) -> pd.Series:
    """A column as a person reads it: labels for stored values, blank (not "None") where nothing is known."""
    return values.map(lambda v: (label(v, labels) if labels else v) if isinstance(v, str) else "")


def follow_ups_as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """The follow-ups as a person reads them: channel, kind and status labels, blank where no template,
    goal or company is known."""
    shown = frame[[c for c in FOLLOW_UP_COLUMNS if c in frame.columns]]
    words = {"channel": _words(shown["channel"], CHANNEL_LABELS)}
    if "kind" in shown:
        words["kind"] = _words(shown["kind"], KIND_LABELS)
    words.update({c: _words(shown[c]) for c in ("template", "goal") if c in shown})
    if "status" in shown:
        words["status"] = _words(shown["status"], DUE_LABELS)
    return blank_missing(shown.assign(**words))


def touch_as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """The keep-in-touch cadences due as a person reads them: the status's label, blanks for what is unknown."""
    touch = frame[TOUCH_COLUMNS]
    return blank_missing(touch.assign(status=_words(touch["status"], DUE_LABELS)))


def agenda(store: Store, today: date | None = None, next_count: int = 5) -> Agenda:
    """What is due and what comes next. The follow-ups and cadences are kept in the one results cache
    (``memoized``) under the data version (every write to contacts or interactions changes it) and
    what is read fresh: the tag cadences, the goals and templates whose names the follow-ups show."""
    wait_for_preparation(store, "agenda")  # Home may be preparing this very agenda
    with store.session():
        today = today or workspace_today(store)
        cadences = cadences_of(store.settings.tag_cadences())
        goals = store.goals.all()
        has_goals = any(g["status"] == "active" for g in goals)
        key = ("agenda", str(store.path), store.data_version(), today, repr(cadences),
               repr([(g["id"], g["title"]) for g in goals]),
               repr([(t["id"], t["name"]) for t in store.templates.all()]), store.events.fingerprint())
        due, upcoming, touch, recent = memoized(key, lambda: _due(store, today, cadences), rows=_rows)
        # what the page shows of them, kept alike (labelling them took 8 ms of each run at 100,000 contacts)
        shown = memoized(("agenda as read", *key[1:]), lambda: (follow_ups_as_read(due), follow_ups_as_read(upcoming),
                                                                 touch_as_read(touch) if not touch.empty else touch),
                         rows=lambda value: 1 + sum(len(f) for f in value))
    nxt = pd.DataFrame()
    if has_goals:
        ranked = rank_contacts(store, top=next_count + len(recent), now=today)
        nxt = ranked[~ranked["contact_id"].isin(recent)].head(next_count)
    return Agenda(today, due.copy(), upcoming.copy(), touch.copy(), nxt, *shown)


def _due(store: Store, today: date, cadences: dict[str, Cadence]) -> tuple:
    """The due and upcoming follow-ups, the cadences due, and who was contacted in the last 30 days."""
    with store.session():
        interactions = store.interactions.frame()
        cadence_contacts = store.contacts.for_cadence()
    # Every kind's: a follow-up set on a meeting, an event or a message from them comes due as an
    # outreach's does (anything logged with the person later closes it, or ``follow_up_done``).
    due = (due_follow_ups(interactions, today, kinds=None) if not interactions.empty
           else pd.DataFrame(columns=FOLLOW_UP_COLUMNS))
    upcoming = (upcoming_follow_ups(interactions, today, kinds=None) if not interactions.empty
                else pd.DataFrame(columns=FOLLOW_UP_COLUMNS))
    touch = touch_due(cadence_contacts, today, cadences)
    recent: frozenset = frozenset()
    if not interactions.empty:
        since = pd.Timestamp(today) - pd.Timedelta(days=30)
        recent = frozenset(interactions.loc[pd.to_datetime(interactions["occurred_on"]) >= since,
                                            "contact_id"].dropna())
    return due, upcoming, touch, recent


def _rows(value: tuple) -> int:
    due, upcoming, touch, _ = value
    return 1 + len(due) + len(upcoming) + len(touch)


def touch_due(cadence_contacts: pd.DataFrame, today: date, cadences: dict[str, Cadence]) -> pd.DataFrame:
    """The contacts whose keep-in-touch cadence is due or overdue (an empty frame with the columns if none)."""
    if cadence_contacts.empty:
        return pd.DataFrame(columns=TOUCH_COLUMNS)
    return losing_touch(cadence_contacts, today, cadences)


def default_follow_up(channel: str | None, occurred_on: date) -> date:
    return follow_up_on(channel, occurred_on)


# Outcomes after which a message still waits for its answer, so a follow-up is due.
AWAITING_REPLY = (None, "no_response")


def follow_up_for(kind: str, channel: str | None, occurred_on: date, outcome: str | None = None) -> date | None:
    """The follow-up a logged interaction gets unless one is chosen: the channel's wait after an
    outreach still awaiting its answer, none after anything else."""
    return default_follow_up(channel, occurred_on) if kind == "outreach" and outcome in AWAITING_REPLY else None


def kept_follow_up(outcome: str | None, chosen: date | None) -> date | None:
    """The follow-up date a user picked when logging: kept while the message awaits its answer,
    dropped once the outcome is known (nothing is left to follow up)."""
    return chosen if outcome in AWAITING_REPLY else None


def attendance(event: dict, contact_ids: list[int], goal_id: int | None, follow_up_on: date | None,
               notes: str | None = None) -> list[dict]:
    """The interactions that record attending ``event``: one per person met there (each with the
    follow-up), or one for the event alone when nobody is named."""
    base = {"event_id": int(event["id"]), "goal_id": goal_id, "kind": "event",
            "channel": "video_call" if event.get("online") else "in_person",
            "occurred_on": as_date(event["starts_at"]), "notes": notes or None}
    if not contact_ids:
        return [{**base, "contact_id": None}]
    return [{**base, "contact_id": int(cid), "follow_up_on": follow_up_on} for cid in contact_ids]


def answered_by_outcome(kind: str | None) -> bool:
    """Whether a follow-up is closed by setting the outcome of what it follows: an outreach's (the
    reply came, or not); a meeting's, an event's or a message from them is done, or moved."""
    return kind in (None, "outreach")


def follow_up_done(store: Store, interaction_id: int) -> None:
    """The follow-up of a meeting, an event or a message from them was done: it no longer comes due."""
    store.interactions.update(interaction_id, follow_up_on=None)


def follow_up_later(store: Store, interaction_id: int, today: date, days: int = 7) -> date:
    """Move a follow-up ``days`` after ``today``; returns the new date."""
    later = as_date(today) + timedelta(days=days)
    store.interactions.update(interaction_id, follow_up_on=later)
    return later


def calendar_file(store: Store, event_ids: list[int] | None = None, today: date | None = None) -> str:
    """One .ics with the open follow-ups (due and next 7 days), keep-in-touch dates, and chosen events."""
    plan = agenda(store, today, next_count=0)
    follow_ups = pd.concat([plan.due, plan.upcoming], ignore_index=True).to_dict("records")
    follow_ups += plan.losing_touch.to_dict("records")
    events = []
    if event_ids:
        frame = store.events.frame()
        events = frame[frame["id"].isin(event_ids)].to_dict("records")
    return to_ics(calendar_items(follow_ups, events), tz=store.settings.get("timezone"))
