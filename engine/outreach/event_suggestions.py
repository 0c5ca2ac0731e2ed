"""Which events to attend first, and why: the events' side of the weekly question.

Events are few, so their ranker is fitted on the events as they are (engine.ranking.events) rather than
kept on disk as the contacts' is; its ranking is kept for the minute, for the reruns of a page.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from engine.clock import workspace_now
from engine.importers.event_words import says_cancelled
from engine.ranking import EventRanker
from engine.store import Store

from .opportunities import _now
from .results import kept_result, memoized

EVENT_COLUMNS = ["title", "kind", "starts_at", "location", "cost", "next_step", "reasons", "score", "goal_title"]


def rank_events(store: Store, goal_id: int | None = None, top: int | None = None,
                now: datetime | date | None = None) -> pd.DataFrame:
    """Upcoming events best first (a ranker fitted on them, its ranking kept for the minute), against
    the wall clock in the zone set in Settings, as their times are kept. For one goal, only the
    events that fit it (its suggestions); for all, every upcoming event, those that fit no goal last and saying so.
    An event whose title says it is cancelled ("... (CANCELLED)") is never suggested."""
    with store.session():
        now = _now(now) if now is not None else workspace_now(store)
        goals = store.goals.all()
        # Kept for the minute (a page rerun for a click ranks nothing again: 25-35 ms of each run of the
        # Events page): the events (their fingerprint; a deletion moves the data version), the goals, the time.
        key = ("events", str(store.path), store.data_version(), store.events.fingerprint(), repr(goals),
               now.replace(second=0, microsecond=0), goal_id, top)
        kept = kept_result(key)
        if kept is not None:
            return kept
        events = store.events.frame(upcoming_from=now)
    return memoized(key, lambda: _ranked_events(events, goals, goal_id, top, now))


def _ranked_events(events: pd.DataFrame, goals: list[dict], goal_id: int | None, top: int | None,
                   now: datetime) -> pd.DataFrame:
    events = events[~events["title"].map(says_cancelled).astype(bool)]  # imported before the importers left them out
    if events.empty:
        return pd.DataFrame(columns=["event_id", *EVENT_COLUMNS, "goal_id"])
    if goal_id is not None:
        goals = [g for g in goals if g["id"] == goal_id]
    ranked = EventRanker().fit(events).rank(goals, now, top=top, fitting_only=goal_id is not None)
    details = events.set_index("id")[[c for c in ("title", "kind", "starts_at", "location", "cost", "url")
                                      if c not in ranked.columns]]
    ranked = ranked.join(details, on="event_id")
    under = ["goal_id", "goal_title", "segment_id", "segment_name"]  # None, not NaN, for an event under no goal
    ranked[under] = ranked[under].astype(object).where(ranked[under].notna(), None)
    return ranked
