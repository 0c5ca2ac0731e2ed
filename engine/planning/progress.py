"""What counts toward a goal's success metric, decided once for the Goals page, Review and report.

A goal's metric is one of: conversations (a reply, inbound message or meeting), meetings,
referrals (a referral or an opportunity), events (attended), new_contacts (connections made since
the goal was created). Counted from the interaction log, from the goal's creation on.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from engine.vocabulary import REPLY_OUTCOMES as REPLIES


def _since(goal: dict) -> pd.Timestamp:
    created = goal.get("created_at")
    return pd.Timestamp(created).normalize() if created is not None and not pd.isna(created) else pd.Timestamp.min


def qualifying_dates(goal: dict, interactions: pd.DataFrame, connections: pd.Series | None = None) -> pd.Series:
    """The dates of the events that count toward ``goal``'s metric, oldest first."""
    metric = goal.get("metric") or "conversations"
    since = _since(goal)
    if metric == "new_contacts":
        dates = pd.to_datetime(connections if connections is not None else pd.Series(dtype="datetime64[ns]"))
        return dates[dates >= since].sort_values().reset_index(drop=True)
    if interactions.empty:
        return pd.Series(dtype="datetime64[ns]")
    frame = interactions[interactions["goal_id"] == goal["id"]]
    outcome, kind = frame["outcome"], frame["kind"]
    masks = {  # only the metric's own is worked out (Home counts every active goal on each visit)
        "conversations": lambda: outcome.isin(REPLIES) | kind.isin(("inbound", "meeting")),
        "meetings": lambda: outcome.isin(("meeting",)) | kind.eq("meeting"),
        "referrals": lambda: outcome.isin(("referral", "opportunity")),
        "events": lambda: kind.eq("event"),
    }
    dates = pd.to_datetime(frame.loc[masks.get(metric, masks["conversations"])(), "occurred_on"])
    return dates[dates >= since].sort_values().reset_index(drop=True)


def progress_of(goal: dict, interactions: pd.DataFrame, connections: pd.Series | None = None,
                until: date | None = None) -> int:
    dates = qualifying_dates(goal, interactions, connections)
    if until is not None:
        dates = dates[dates <= pd.Timestamp(until)]
    return len(dates)
