"""Shared builders for the ranking tests: contacts, goals and events with neutral defaults."""

from __future__ import annotations

import numpy as np
import pandas as pd

NOW = pd.Timestamp("2025-06-01 09:00")
DAY = pd.Timedelta(days=1)


def contacts_frame(rows: list[dict]) -> pd.DataFrame:
    """Contacts with neutral defaults, so each test states only what it is about."""
    defaults = {
        "full_name": "",
        "company": None,
        "position": None,
        "tags": None,
        "notes": None,
        "strength": np.nan,
        "relationship": None,
        "connected_on": NOW - 800 * DAY,
        "last_interaction": pd.NaT,
        "replies": 0,
        "outreach_count": 0,
        "cadence_days": np.nan,
        "job_changed_on": pd.NaT,
        "times_recommended": 0,
    }
    frame = pd.DataFrame([{**defaults, "id": i + 1, **row} for i, row in enumerate(rows)])
    for col in ("connected_on", "last_interaction", "job_changed_on"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def goal(**kw) -> dict:
    base = {
        "id": 1,
        "title": "Senior product manager role",
        "outcome": "referral",
        "description": "",
        "target_roles": ["Product Manager"],
        "seniority": [],
        "industries": [],
        "companies": [],
        "locations": [],
        "priority": 3,
        "status": "active",
        "segments": [],
    }
    return {**base, **kw}


def ranked_ids(ranker, goals, **kw) -> list[int]:
    return ranker.rank(goals, NOW, **kw)["contact_id"].tolist()


def events_frame(rows: list[dict]) -> pd.DataFrame:
    defaults = {
        "title": "",
        "kind": "meetup",
        "starts_at": NOW + 10 * DAY,
        "online": False,
        "location": "Berlin",
        "cost": 0.0,
        "topics": [],
        "audience": "",
        "description": "",
    }
    frame = pd.DataFrame([{**defaults, "id": i + 1, **row} for i, row in enumerate(rows)])
    frame["starts_at"] = pd.to_datetime(frame["starts_at"])
    return frame
