"""Home's view of the active goals: how far each is, by when, and whether it keeps pace.

Why on Home: a user who opens the dashboard once a week wants to see at once whether the plan is on
track before choosing what to do. Why apart from the Goals page's ``goal_board``: Home must stay
quick on a restart, so this reads only the goals and the interaction log (no ranking, no audience)
and leaves the rest to the pages that need it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from engine.store import Store

from .pace import goal_pace
from .progress import progress_of


def goals_at_a_glance(store: Store, today: date) -> list[dict]:
    """One row per active goal, highest priority first (the store's order): what ``glance_rows`` says."""
    with store.session():
        goals = store.goals.all(("active",))
        if not goals:
            return []
        interactions = store.interactions.progress_frame()
        # Connection dates count only toward a "new contacts" goal: read them only for one.
        counts_connections = any(g.get("metric") == "new_contacts" for g in goals)
        connections = store.contacts.connection_dates() if counts_connections else None
    return glance_rows(goals, interactions, connections, today)


def glance_rows(goals: list[dict], interactions: pd.DataFrame, connections: pd.Series | None,
                today: date) -> list[dict]:
    """For each goal: ``id``, ``goal`` (its title), ``progress`` ("3 of 10 referrals"), ``done`` (per cent of the
    target, 0..100, for a bar), ``due`` (the date or None), ``pace`` (``engine.planning.pace.STATUSES``) and ``next``
    (what keeping pace asks: "2.5 a week", "1 every 3 weeks", or a status's plain words)."""
    rows = []
    for goal in goals:
        done = progress_of(goal, interactions, connections)
        pace = goal_pace(done, goal.get("target"), goal.get("created_at"), goal.get("due_date"), today)
        metric = (goal.get("metric") or "conversations").replace("_", " ")
        rows.append({
            "id": goal["id"],
            "goal": goal["title"],
            "progress": f"{done} of {pace.target} {metric}" if pace.target else f"{done} {metric}",
            "done": round(100 * min(pace.share_done, 1.0)),
            "due": goal.get("due_date"),
            "pace": pace.status,
            "next": _next(pace),
        })
    return rows


def _next(pace) -> str:
    if pace.status == "done":
        return "target met"
    if pace.status == "overdue":
        return f"{pace.target - pace.progress} short, past due"
    if pace.needed_per_week is None:  # nothing to pace: say what is missing
        return "set a due date to pace it" if pace.target else "set a target to pace it"
    per_week = pace.needed_per_week
    if per_week < 1:  # "0.2 a week" reads badly; "1 every 5 weeks" is the same pace
        weeks = round(1 / per_week)
        return f"1 every {weeks} weeks" if weeks >= 2 else "1 a week"
    figure = f"{per_week:.0f}" if per_week >= 10 or per_week == int(per_week) else f"{per_week:.1f}"
    return f"{figure} a week"
