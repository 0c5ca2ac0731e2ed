"""The Goals page's figures: each goal's progress and its target audience, read once and kept.

``goal_board`` reads the goals on every call (small: an edit shows at once) and keeps the rest,
the progress counted from the interaction log and how many fit each segment, in the one cache of
results (``engine.outreach.results.memoized``) under the data version, which every write to
contacts or interactions changes, the goals themselves and the events. A segment's members are ranked (with
their reasons) when the page opens the segment: ``engine.outreach.audience.segment_members``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.outreach.audience import memberships, segment_coverage
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
            interactions = store.interactions.frame()
            connections = store.contacts.connection_dates()
            # Every shown goal's audience at once: for the active goals, what Home and Review counted.
            audience = memberships(store, goals, today)
            return [GoalCard(g, progress_of(g, interactions, connections),
                             segment_coverage(store, g, today=today, limit=0, audience=audience)) for g in goals]

        return memoized(key, compute, rows=_rows)


def _rows(cards: list[GoalCard]) -> int:
    return 1 + sum(len(s["events"]) for card in cards for s in card.coverage)
