"""The monthly review: what moved, what did not, and what to change.

``build_review`` reads the workspace once and returns every chart with its takeaway plus the
refinement flags; the Review page, the HTML and Markdown reports and ``rapport review`` all draw
from it, so they always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from engine.clock import workspace_today
from engine.insights import charts
from engine.outreach.audience import memberships
from engine.outreach.audience import segment_of as segment_of_best
from engine.outreach.results import memoized
from engine.planning.agenda import touch_due
from engine.planning.pace import goal_pace, progress_series
from engine.planning.progress import qualifying_dates
from engine.store import Store

from .plan import Plan, read_plan
from .refine import refinement_flags, reply_rate_by_length, reply_rate_by_time_of_day, reply_rate_table


class Section:
    """One chart of the review and its takeaway, built when first asked for: the Review page draws
    a few charts at once and the rest on demand, and building a plotly figure is most of a
    review's cost (about 0.3 s of 0.5 s at 5,000 contacts)."""

    def __init__(self, title: str, build: Callable[[], tuple[go.Figure, str]]):
        self.title = title
        self._build = build
        self._built: tuple[go.Figure, str] | None = None

    def _get(self) -> tuple[go.Figure, str]:
        if self._built is None:
            self._built = self._build()
        return self._built

    @property
    def figure(self) -> go.Figure:
        return self._get()[0]

    @property
    def takeaway(self) -> str:
        return self._get()[1]

    @property
    def built(self) -> bool:
        return self._built is not None


@dataclass
class Review:
    start: date
    end: date
    today: date
    totals: dict[str, int]
    sections: list[Section] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)
    dismissed: dict[str, str] = field(default_factory=dict)


# What each total is called, and what it counts (the page's help, the report's line).
TOTAL_LABELS = {"interactions": "Interactions", "outreach": "Outreach sent", "replies": "Replies",
                "new_contacts": "New connections"}
TOTAL_HELP = {
    "interactions": "Everything logged in the period: outreach, their messages, meetings, events.",
    "outreach": "Messages you sent in the period.",
    "replies": "Outreach in the period that got a reply, meeting, referral or opportunity.",
    "new_contacts": "People whose Connected On date falls in the period (people without one count from the day "
                    "they were added to Rapport). Importing contacts connected earlier adds none.",
}


def month_bounds(month: str | None, today: date) -> tuple[date, date]:
    """``"2026-11"`` -> (2026-11-01, 2026-11-30); None -> the last 30 days up to today."""
    if not month:
        return today - timedelta(days=29), today
    start = date.fromisoformat(f"{month}-01")
    end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    return start, end


def _in_period(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    if frame.empty:
        return frame
    when = pd.to_datetime(frame["occurred_on"])
    return frame[(when >= pd.Timestamp(start)) & (when <= pd.Timestamp(end))]


def _event_yield(period: pd.DataFrame, every: pd.DataFrame) -> pd.DataFrame:
    """Per attended event: people met there, and how many of them replied or met within 30 days."""
    attended = period[(period["kind"] == "event") & period["event_id"].notna()] if not period.empty else period
    rows = []
    for event_id, group in attended.groupby("event_id"):
        met = set(group["contact_id"].dropna())
        day = pd.to_datetime(group["occurred_on"]).min()
        later = every[every["contact_id"].isin(met) & (pd.to_datetime(every["occurred_on"]) > day)
                      & (pd.to_datetime(every["occurred_on"]) <= day + pd.Timedelta(days=30))]
        replies = later[later["outcome"].isin(charts.REPLY_OUTCOMES) | later["kind"].isin(("inbound", "meeting"))]
        rows.append({"event_id": event_id, "title": group["event"].iloc[0] or "event", "met": len(met),
                     "replies": replies["contact_id"].nunique()})
    return pd.DataFrame(rows, columns=["event_id", "title", "met", "replies"])


@dataclass
class _Data:
    """What the review reads of contacts and interactions, and the audiences: kept by the data version
    (every write to contacts or interactions changes it), the plan and the events."""

    every: pd.DataFrame  # the interaction log, with the segment each contact counts under
    connections: pd.Series
    strengths: pd.DataFrame
    segment_of: pd.Series
    members: dict[int, int]  # segment id -> how many contacts fit it (engine.outreach.audience)
    cadence_contacts: pd.DataFrame

    def rows(self) -> int:  # what it weighs in the results kept (dates and small numbers count little)
        return len(self.every) + len(self.cadence_contacts) + len(self.segment_of) // 10 + 1


def _read_data(store: Store, active: list[dict], today: date) -> _Data:
    every = store.interactions.frame()
    members = memberships(store, active, today)
    segment_of = segment_of_best(members)
    return _Data(every=every.assign(segment=every["contact_id"].map(segment_of)),
                 connections=store.contacts.connection_dates(), strengths=store.contacts.strengths(),
                 segment_of=segment_of, members=members["segment_id"].value_counts().to_dict(),
                 cadence_contacts=store.contacts.for_cadence())


def _read(store: Store, today: date) -> tuple[Plan, _Data, tuple]:
    """The plan (read now), the data (kept by the data version) and the key of what is built from both.
    The plan is part of the data's key too: the interaction log names goals, templates and events."""
    plan = read_plan(store)
    key = (str(store.path), store.data_version(), store.events.fingerprint(), today, plan.key())
    data = memoized(("review data", *key), lambda: _read_data(store, plan.active, today), rows=_Data.rows)
    return plan, data, key


def _flags(plan: Plan, data: _Data, today: date) -> list[dict]:
    active = plan.active
    progress_by_goal = {g["id"]: len(qualifying_dates(g, data.every, data.connections)) for g in active}
    coverage = [{"goal_title": g["title"], "segment_id": s["id"], "segment_name": s["name"],
                 "count": data.members.get(s["id"], 0)} for g in active for s in g.get("segments") or []]
    flags = refinement_flags(
        interactions=data.every, goals=plan.goals, progress_by_goal=progress_by_goal, coverage=coverage,
        templates=plan.templates, template_usage=plan.usage, pitches_by_goal=plan.pitches_by_goal,
        losing_touch=touch_due(data.cadence_contacts, today, plan.cadences), today=today,
        dismissed=set(plan.dismissed),
    )
    return [f.to_dict() for f in flags]


def _kept_flags(plan: Plan, data: _Data, key: tuple, today: date) -> list[dict]:
    return memoized(("review flags", *key), lambda: _flags(plan, data, today), rows=lambda _: 1)


def current_flags(store: Store, today: date | None = None) -> list[dict]:
    """The strategies to refine now (the Home page shows the first few, on every rerun), over one
    open of the workspace, as ``build_review``; kept until the data, the goals or the flags change.
    The list is shared: do not change it."""
    with store.session():
        today = today or workspace_today(store)
        plan, data, key = _read(store, today)
    return _kept_flags(plan, data, key, today)


def build_review(store: Store, start: date, end: date, today: date | None = None) -> Review:
    """The review of ``start``-``end``: totals, charts and the flags, over one open of the workspace
    (a dozen reads; opening the file for each cost about 0.2 s). Kept until the data, the goals or the
    flags change, with the charts drawn so far; the review is shared: do not change it."""
    with store.session():
        today = today or workspace_today(store)
        plan, data, key = _read(store, today)
    return memoized(("review", *key, start, end), lambda: _build_review(plan, data, key, start, end, today),
                    rows=lambda _: 1)


def _build_review(plan: Plan, data: _Data, key: tuple, start: date, end: date, today: date) -> Review:
    every, connections = data.every, data.connections
    period = _in_period(every, start, end)
    outreach = period[period["kind"] == "outreach"] if not period.empty else period

    review = Review(start, end, today, totals={
        "interactions": len(period), "outreach": len(outreach),
        "replies": int(outreach["outcome"].isin(charts.REPLY_OUTCOMES).sum()) if not outreach.empty else 0,
        "new_contacts": int(((connections >= pd.Timestamp(start)) & (connections <= pd.Timestamp(end))).sum()),
    }, dismissed=plan.dismissed)
    add = review.sections.append
    add(Section("Activity", partial(charts.activity_by_channel, period)))
    add(Section("Funnel", partial(charts.funnel, period)))
    for dimension in ("channel", "template", "segment", "goal"):
        table = reply_rate_table(outreach, [dimension]) if not outreach.empty else pd.DataFrame(
            columns=[dimension, "attempts", "replies", "rate", "mean", "low", "high"])
        add(Section(f"Reply rate by {dimension}", partial(charts.reply_rates, table, dimension)))
    by_length = reply_rate_by_length(outreach) if not outreach.empty else None
    if by_length is not None:  # only where lengths are known for enough messages to compare
        add(Section("Reply rate by message length", partial(charts.reply_rates, by_length, "message length")))
    by_hour = reply_rate_by_time_of_day(outreach) if not outreach.empty else None
    if by_hour is not None:  # only where the moments are known for enough messages to compare
        add(Section("Reply rate by time of day", partial(charts.reply_rates, by_hour, "time of day")))
    for goal in [g for g in plan.goals if g["status"] == "active" and g.get("target") and g.get("due_date")]:
        dates = qualifying_dates(goal, every, connections)
        created = pd.Timestamp(goal["created_at"]).date() if goal.get("created_at") is not None else start
        pace = goal_pace(len(dates), goal["target"], created, goal["due_date"], today)
        series = progress_series(dates, created, goal["due_date"], goal["target"], today=today)
        add(Section(f"Goal: {goal['title']}", partial(charts.goal_progress, goal["title"], series, pace.status,
                                                             pace.needed_per_week)))
    composition = data.strengths.assign(segment=data.strengths["id"].map(data.segment_of))
    add(Section("Network", partial(charts.network_composition, composition)))
    add(Section("New connections", partial(charts.new_contacts, connections, since=today - timedelta(days=365))))
    add(Section("Events", partial(charts.events_yield, _event_yield(period, every))))
    review.flags = _kept_flags(plan, data, key, today)
    return review
