"""The monthly review: what moved, what did not, and what to change.

``build_review`` reads the workspace once and returns every chart with its takeaway plus the
refinement flags; the Review page, the HTML and Markdown reports and ``rapport review`` all draw
from it, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from . import charts
from .agenda import agenda
from .audience import MEMBER_SCORE, segment_coverage
from .opportunities import rank_contacts
from .pace import goal_pace, progress_series
from .progress import qualifying_dates
from .refine import refinement_flags, reply_rate_table
from .store import Store


@dataclass
class Section:
    title: str
    figure: go.Figure
    takeaway: str


@dataclass
class Review:
    start: date
    end: date
    today: date
    totals: dict[str, int]
    sections: list[Section] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)
    dismissed: dict[str, str] = field(default_factory=dict)


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


def build_review(store: Store, start: date, end: date, today: date | None = None) -> Review:
    today = today or date.today()
    with store.session():
        every = store.interactions_frame()
        goals = store.goals()
        connections = store.connection_dates()
        templates = store.templates()
        usage = store.template_usage()
        dismissed = store.dismissed_flags()
        pitches = {g["id"]: len(store.pitches(g["id"])) for g in goals}
        general_pitch = bool(store.pitches(None))
        strengths = store.contacts_export()[["id", "strength"]]
    ranked = rank_contacts(store, now=today)
    segment_of = ranked.loc[ranked["score"] >= MEMBER_SCORE].set_index("contact_id")["segment_name"]
    every = every.assign(segment=every["contact_id"].map(segment_of))
    period = _in_period(every, start, end)
    outreach = period[period["kind"] == "outreach"] if not period.empty else period

    review = Review(start, end, today, totals={
        "interactions": len(period), "outreach": len(outreach),
        "replies": int(outreach["outcome"].isin(charts.REPLY_OUTCOMES).sum()) if not outreach.empty else 0,
        "new_contacts": int(((connections >= pd.Timestamp(start)) & (connections <= pd.Timestamp(end))).sum()),
    }, dismissed=dismissed)
    add = review.sections.append
    add(Section("Activity", *charts.activity_by_channel(period)))
    add(Section("Funnel", *charts.funnel(period)))
    for dimension in ("channel", "template", "segment", "goal"):
        table = reply_rate_table(outreach, [dimension]) if not outreach.empty else pd.DataFrame(
            columns=[dimension, "attempts", "replies", "rate", "mean", "low", "high"])
        add(Section(f"Reply rate by {dimension}", *charts.reply_rates(table, dimension)))

    progress_by_goal = {}
    for goal in [g for g in goals if g["status"] == "active"]:
        dates = qualifying_dates(goal, every, connections)
        progress_by_goal[goal["id"]] = len(dates)
        created = pd.Timestamp(goal["created_at"]).date() if goal.get("created_at") is not None else start
        if goal.get("target") and goal.get("due_date"):
            pace = goal_pace(len(dates), goal["target"], created, goal["due_date"], today)
            series = progress_series(dates, created, goal["due_date"], goal["target"], today=today)
            add(Section(f"Goal: {goal['title']}", *charts.goal_progress(goal["title"], series, pace.status,
                                                                       pace.needed_per_week)))
    composition = strengths.assign(segment=strengths["id"].map(segment_of))
    add(Section("Network", *charts.network_composition(composition)))
    add(Section("New connections", *charts.new_contacts(connections[connections >= pd.Timestamp(today)
                                                                     - pd.Timedelta(days=365)])))
    events = _event_yield(period, every)
    add(Section("Events", *charts.events_yield(events)))

    coverage = [{"goal_title": g["title"], "segment_name": s["name"], "count": s["count"]}
                for g in goals if g["status"] == "active" for s in segment_coverage(store, g, today=today)]
    pitches_by_goal = {gid: n or (1 if general_pitch else 0) for gid, n in pitches.items()}
    plan = agenda(store, today=today, next_count=0)
    flags = refinement_flags(
        interactions=every, goals=goals, progress_by_goal=progress_by_goal, coverage=coverage,
        templates=templates, template_usage=usage, pitches_by_goal=pitches_by_goal,
        losing_touch=plan.losing_touch, today=today, dismissed=set(dismissed),
    )
    review.flags = [f.to_dict() for f in flags]
    return review
