"""Is a goal on track? Its progress against a straight line from creation to the due date.

Why a straight line: a networking goal ("20 conversations by June") has no natural curve, and a
linear pace is the one a person can check in their head ("half the time gone, half the target
expected"). Why a tolerance: weekly counts are small and lumpy (one good event brings five
conversations), so a goal is only "behind" when clearly under the line, not one conversation short.
Pure functions over dates and counts; the store counts the progress, the pages draw the result.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import pandas as pd

from .followups import as_date

# "Behind" means under 80% of what the straight line expects by now: a fifth of slack absorbs the
# lumpiness of small weekly counts without hiding a goal that has really stalled.
BEHIND_TOLERANCE = 0.8
STATUSES = ("done", "on pace", "behind", "overdue", "no target", "no due date")


@dataclass(frozen=True)
class Pace:
    status: str  # one of STATUSES
    progress: int
    target: int
    expected_now: float  # the target prorated linearly over the goal's duration, as of today
    share_done: float  # progress / target (above 1 when the target is beaten; 0 without a target)
    share_time: float  # share of the goal's duration gone, 0..1
    needed_per_week: float | None  # what is left / weeks left; None when overdue or without a target
    days_left: int | None  # until the due date (0 = due today, negative = past due); None without one

    def to_dict(self) -> dict:
        return asdict(self)


def _share_time(created_on: date, due_on: date, today: date) -> float:
    """Share of the goal's duration gone. A due date on or before the creation date leaves no time
    to spread the target over, so all of it is expected at once (share 1)."""
    duration = (due_on - created_on).days
    if duration <= 0:
        return 1.0
    return min(1.0, max(0.0, (today - created_on).days / duration))


def goal_pace(progress: int | None, target: int | None, created_on, due_on, today: date) -> Pace:
    """Where a goal stands today.

    ``done`` when progress reaches the target (even past the due date: late but met), ``overdue``
    when the due date has passed without it (the due date itself still counts as time left),
    ``behind`` when progress is under ``BEHIND_TOLERANCE`` of the straight line, else ``on pace``.
    A missing or zero target gives ``no target``, a target without a due date ``no due date``:
    there is nothing to pace.
    With less than a week left, ``needed_per_week`` is simply everything still to do (a rate over
    a couple of days would overstate it: "7 a week" when 2 are needed by Friday).
    """
    today = as_date(today)
    created, due = as_date(created_on) or today, as_date(due_on)
    progress = max(0, int(progress or 0))
    target = max(0, int(target or 0))
    days_left = (due - today).days if due else None
    if not target:
        return Pace("no target", progress, 0, 0.0, 0.0, 0.0, None, days_left)
    share_done = progress / target
    if due is None:
        status = "done" if progress >= target else "no due date"
        return Pace(status, progress, target, 0.0, share_done, 0.0, 0.0 if status == "done" else None, None)
    share_time = _share_time(created, due, today)
    expected = target * share_time
    remaining = target - progress
    if remaining <= 0:
        return Pace("done", progress, target, expected, share_done, share_time, 0.0, days_left)
    if days_left < 0:
        return Pace("overdue", progress, target, expected, share_done, share_time, None, days_left)
    weeks_left = max(days_left / 7, 1.0)
    status = "behind" if progress < expected * BEHIND_TOLERANCE else "on pace"
    return Pace(status, progress, target, expected, share_done, share_time, remaining / weeks_left, days_left)


def _dates(events) -> list[date]:
    if events is None:
        return []
    stamps = pd.to_datetime(pd.Series(events, dtype=object), errors="coerce").dropna()
    return sorted(stamp.date() for stamp in stamps)


def progress_series(events, created_on, due_on, target: int | None, today: date | None = None) -> pd.DataFrame:
    """Weekly points for a progress chart: columns ``date`` (datetime64), ``actual`` (events on or
    before that date, cumulative) and ``needed`` (the straight line from 0 at creation to the target
    at the due date).

    ``events`` holds the dates of what counts toward the goal (replies, meetings, ...); dates before
    the goal was created still count, as the store's progress count includes them. Points run every
    7 days from creation, and the due date is always the last point. Given ``today``, ``actual`` is
    left empty (NaN) after it so the chart line stops at the present, and a past-due goal's series
    runs on to today. Without a due date the series runs to today (or the last event) and ``needed``
    is NaN; without a target ``needed`` is NaN too.
    """
    days = _dates(events)
    today = as_date(today)
    due = as_date(due_on)
    created = as_date(created_on) or (days[0] if days else today or due)
    if created is None:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "actual": pd.Series(dtype=float),
                             "needed": pd.Series(dtype=float)})
    end = due or today or (days[-1] if days else created)
    if today and due and today > due:
        end = today
    end = max(end, created)
    points, day = [], created
    while day < end:
        points.append(day)
        day += timedelta(days=7)
    points.append(end)
    for extra in (due, today):  # the due date and today as exact points, so both read off the chart
        if extra and created <= extra <= end and extra not in points:
            points.append(extra)
    points.sort()
    target = int(target or 0)
    rows = []
    for point in points:
        actual = float(sum(1 for d in days if d <= point)) if today is None or point <= today else float("nan")
        needed = target * _share_time(created, due, point) if (target and due) else float("nan")
        rows.append({"date": pd.Timestamp(point), "actual": actual, "needed": needed})
    frame = pd.DataFrame(rows)
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame
