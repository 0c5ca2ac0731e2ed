"""Target audience: for each segment of a goal, who in the network fits it now, and the gaps.

A contact belongs to a segment when the ranking's score for that segment alone, with the goal's
priority taken out, reaches ``MEMBER_SCORE``: roughly a clear title match, or a partial one plus
a target company or the asked seniority. A segment with fewer than ``GAP_BELOW`` members is a gap,
shown with the upcoming events that best serve the goal.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from engine.clock import local_today
from engine.ranking.goals import priority_weight
from engine.store import Store

from .opportunities import contact_ranker, goals_fingerprint, memoized, rank_events

MEMBER_SCORE = 0.3
GAP_BELOW = 5
MEMBER_COLUMNS = ["full_name", "company", "position", "score", "reasons"]


def _describe(segment: dict) -> str:
    parts = []
    for key, label in (("roles", "roles"), ("seniority", "seniority"), ("companies", "companies"),
                       ("industries", "industries"), ("keywords", "keywords")):
        if segment.get(key):
            parts.append(f"{label}: {', '.join(segment[key])}")
    if segment.get("relationship"):
        parts.append(f"relationship: {segment['relationship']}")
    return "; ".join(parts) or "no criteria yet"


def segment_coverage(store: Store, goal: dict, today: date | None = None, limit: int = 50) -> list[dict]:
    """One entry per segment: id, name, describe, count, gap, contacts (top members), events."""
    now = datetime.combine(today or local_today(), datetime.min.time())
    probe = {**goal, "status": "active"}  # a paused goal's audience is still worth seeing
    ranker, contacts, version = contact_ranker(store, now)
    details = contacts.set_index("id")[["company", "position"]] if not contacts.empty else None
    events = None
    out = []
    for segment in goal.get("segments") or []:
        if contacts.empty:
            members = pd.DataFrame(columns=MEMBER_COLUMNS)
        else:
            def compute(segment=segment):
                """The segment's top ``limit`` members with their reasons, and how many there are
                (counted from the scores alone: reasons are written for the shown ones only)."""
                weight = priority_weight(goal.get("priority"))
                best = ranker.best_scores([probe], now, goal_id=goal["id"], segment_id=segment["id"])
                count = int((best["score"] / weight >= MEMBER_SCORE).sum())
                ranked = ranker.rank([probe], now, top=min(count, limit), goal_id=goal["id"],
                                     segment_id=segment["id"])
                ranked["score"] = ranked["score"] / weight
                ranked = ranked[ranked["score"] >= MEMBER_SCORE].join(details, on="contact_id")
                return ranked.assign(count=count)

            key = ("segment", version, goals_fingerprint([probe]), segment["id"], limit)
            members = memoized(key, compute)
        count = int(members["count"].iloc[0]) if "count" in members and len(members) else 0
        gap = count < GAP_BELOW
        if gap and events is None:
            events = rank_events(store, goal_id=goal["id"], top=3, now=now)
        out.append({
            "id": segment["id"], "name": segment["name"], "describe": _describe(segment), "count": count,
            "gap": gap, "contacts": members[MEMBER_COLUMNS].head(limit).reset_index(drop=True),
            "events": (events[["title", "starts_at", "location", "next_step"]] if gap and events is not None
                       and not events.empty else pd.DataFrame()),
        })
    return out
