"""The Goals page's figures: each goal's progress and its target audience, read once and kept.

``goal_board`` reads the goals on every call (small: an edit shows at once) and keeps the rest,
the progress counted from the interaction log and how many fit each segment, in the one cache of
results (``engine.outreach.results.memoized``) under the data version, which every write to
contacts or interactions changes, the goals themselves and the events. A segment's members are ranked (with
their reasons) when the page opens the segment: ``engine.outreach.audience.segment_members``.

The figures are also kept on disk (``engine.kept``, ``<workspace>.goals.json``): counting the audiences
needs the fitted ranker, and on a restart of the dashboard the Goals page then shows the figures of the
last session at once, without importing the ranking, when nothing they are built from changed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd

from engine.kept import kept_file, read_kept, state_key, write_kept
from engine.outreach.results import memoized
from engine.store import Store

from .progress import progress_of


@dataclass
class GoalCard:
    goal: dict
    progress: int
    coverage: list[dict]  # engine.outreach.audience.segment_coverage: one entry per segment, members not listed


def goal_board(store: Store, today: date, statuses: tuple[str, ...] | None = None) -> list[GoalCard]:
    """The goals with ``statuses`` (all by default), each with its progress and audience, over one
    open of the workspace. The cards are shared between callers: do not change them."""
    with store.session():
        goals = [g for g in store.goals.all() if statuses is None or g["status"] in statuses]
        # The events too: a segment with a gap lists upcoming events that could fill it.
        key = ("goal board", str(store.path), store.data_version(), store.events.fingerprint(), today, repr(goals))

        def compute() -> list[GoalCard]:
            disk_key = state_key(store, today, repr(goals))
            kept = _cards(goals, read_kept(kept_file(store.path, "goals"), disk_key))
            if kept is not None:
                return kept
            from engine.outreach.audience import memberships, segment_coverage  # the ranking: scikit-learn

            interactions = store.interactions.frame()
            connections = store.contacts.connection_dates()
            # Every shown goal's audience at once: for the active goals, what Home and Review counted.
            audience = memberships(store, goals, today)
            cards = [GoalCard(g, progress_of(g, interactions, connections),
                              segment_coverage(store, g, today=today, limit=0, audience=audience)) for g in goals]
            write_kept(kept_file(store.path, "goals"), disk_key, [_as_json(card) for card in cards])
            return cards

        return memoized(key, compute, rows=_rows)


def _rows(cards: list[GoalCard]) -> int:
    return 1 + sum(len(s["events"]) for card in cards for s in card.coverage)


def _as_json(card: GoalCard) -> dict:
    coverage = []
    for segment in card.coverage:
        events = segment["events"]  # pandas' table form keeps the columns' types (the start as a date)
        listed = None if events.empty else events.to_json(orient="table", index=False)
        coverage.append({**{n: segment[n] for n in ("id", "name", "describe", "count", "gap", "ways_in",
                                                   "ways_in_total")},
                         "events": listed})
    return {"goal": card.goal["id"], "progress": card.progress, "coverage": coverage}


def _cards(goals: list[dict], kept) -> list[GoalCard] | None:
    """The kept figures as cards for ``goals`` (read fresh), or None when they do not fit them (or the
    file holds JSON of another shape: worked out again)."""
    try:
        return _cards_of(goals, kept)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _cards_of(goals: list[dict], kept) -> list[GoalCard] | None:
    if not isinstance(kept, list) or [k.get("goal") for k in kept] != [g["id"] for g in goals]:
        return None
    cards = []
    for goal, saved in zip(goals, kept):
        coverage = []
        for segment in saved["coverage"]:
            if "ways_in_total" not in segment:  # kept before gaps listed their ways in: worked out again
                return None
            listed = segment["events"]
            events = pd.read_json(io.StringIO(listed), orient="table") if listed else pd.DataFrame()
            coverage.append({**segment, "contacts": pd.DataFrame(), "events": events})
        cards.append(GoalCard(goal, saved["progress"], coverage))
    return cards
