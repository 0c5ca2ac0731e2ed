"""Target audience: for each segment of a goal, who in the network fits it now, and the gaps.

One definition, ``memberships``, used by every page, the CSV and the CLI: a contact belongs to a
segment when the ranking's score for that segment alone, with the goal's priority taken out,
reaches ``MEMBER_SCORE`` (roughly a clear title match, or a partial one plus a target company or
the asked seniority). From it: a segment's count (Goals, Review's flags, Home), the segment a
ranked row is labelled with for its goal (Outreach, Today, the CSV, ``rapport rank``), the
contacts a segment filter lists (Outreach), and the segment each contact counts under in the
review (its best membership). A segment with fewer than ``GAP_BELOW`` members is a gap, shown
with the upcoming events that best serve the goal and, for a segment at target companies, the
people who work there in another role (``ways_in``).
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from engine.clock import local_today
from engine.ranking.employers import works_at
from engine.ranking.goals import priority_weight
from engine.ranking.scoring import at_asked_level
from engine.store import Store

from .event_suggestions import rank_events
from .opportunities import contact_ranker, goals_fingerprint
from .results import memoized

MEMBER_SCORE = 0.3
GAP_BELOW = 5
MEMBER_COLUMNS = ["full_name", "company", "position", "score", "reasons"]
WAYS_IN = 5  # people listed as a gap's way in


def ways_in(ranker, contacts: pd.DataFrame, segment: dict, members=(), limit: int = WAYS_IN) -> tuple[list[dict], int]:
    """The people at a segment's target companies who are not its members, closest tie first (then
    by name), the first ``limit`` of them and how many there are: for "Data analysts at Access Bank"
    with no data analyst there, the engineer and the HR manager at Access Bank, who can introduce
    the user or refer them. Nobody for a segment naming no company. ``contacts``: the frame the
    ranker was fitted on, in its order."""
    if not segment.get("companies") or contacts.empty:
        return [], 0
    there = works_at(ranker, segment["companies"]) & ~np.isin(ranker.contact_ids_, np.asarray(list(members)))
    rows = contacts.iloc[np.flatnonzero(there)]
    if rows.empty:
        return [], 0
    strength = pd.to_numeric(rows["strength"], errors="coerce").fillna(0) if "strength" in rows else 0
    order = rows.assign(_tie=strength, _name=rows["full_name"].fillna("").astype(str).str.casefold()) \
        .sort_values(["_tie", "_name"], ascending=[False, True], kind="stable").head(limit)
    return [{"contact_id": int(r.id), "full_name": r.full_name, "position": _text(r.position),
             "company": _text(r.company)} for r in order.itertuples()], len(rows)


def _text(value) -> str | None:
    return None if value is None or value != value else str(value)  # NaN (a blank cell) as None


def _describe(segment: dict) -> str:
    parts = []
    for key, label in (("roles", "roles"), ("seniority", "seniority"), ("companies", "companies"),
                       ("industries", "industries"), ("keywords", "keywords")):
        if segment.get(key):
            parts.append(f"{label}: {', '.join(segment[key])}")
    if segment.get("relationship"):
        parts.append(f"relationship: {segment['relationship']}")
    return "; ".join(parts) or "no criteria yet"


MEMBERSHIP_COLUMNS = ["contact_id", "goal_id", "segment_id", "segment_name", "fit", "weighted"]


def memberships(store: Store, goals: list[dict] | None = None, now: datetime | date | None = None) -> pd.DataFrame:
    """Who belongs to which segment of which goal: one row per (contact, segment) membership with
    contact_id, goal_id, segment_id, segment_name, fit (the segment's score without the goal's
    priority) and weighted (with it); best fit first. ``goals``: the active goals by default (a
    paused goal passed in is judged as if active: its audience is still worth seeing)."""
    from .opportunities import _now

    now = _now(now)
    if goals is None:
        goals = store.goals.all(statuses=("active",))
    probes = [{**g, "status": "active"} for g in goals]
    ranker, contacts, version = contact_ranker(store, now)
    if contacts.empty or not any(g.get("segments") for g in probes):
        return pd.DataFrame(columns=MEMBERSHIP_COLUMNS)

    def members_of(goal: dict) -> pd.DataFrame:
        """One goal's segments' members, in segment order (each segment's own score, in one pass)."""
        options, scores = ranker.segment_scores([goal], now)
        column_of = {o.segment_id: j for j, o in enumerate(options)}
        option_of = {o.segment_id: o for o in options}
        weight = priority_weight(goal.get("priority"))
        parts = []
        for segment in goal.get("segments") or []:
            fit = scores[:, column_of[segment["id"]]] / weight
            keep = fit >= MEMBER_SCORE
            if segment.get("companies"):  # "Product managers at target companies": only there
                keep &= works_at(ranker, segment["companies"])
            level = at_asked_level(option_of[segment["id"]], ranker)
            if level is not None:  # "Hiring managers" (manager and up): no mid-level analyst
                keep &= level
            parts.append(pd.DataFrame({
                "contact_id": ranker.contact_ids_[keep], "goal_id": goal["id"],
                "segment_id": segment["id"], "segment_name": segment["name"], "fit": fit[keep],
                "weighted": fit[keep] * weight}))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MEMBERSHIP_COLUMNS)

    def compute() -> pd.DataFrame:
        # Kept per goal too: after one goal is edited, only its segments are scored again.
        parts = [memoized(("audience of a goal", version, goals_fingerprint([goal])),
                          lambda goal=goal: members_of(goal)) for goal in probes if goal.get("segments")]
        found = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MEMBERSHIP_COLUMNS)
        return found.sort_values("fit", ascending=False, kind="stable").reset_index(drop=True)

    return memoized(("audience", version, goals_fingerprint(probes)), compute)


def segment_of(members: pd.DataFrame) -> pd.Series:
    """contact_id -> the segment (name) each member counts under: its best membership, by the
    priority-weighted fit (as the ranking picks a contact's goal)."""
    if members.empty:
        return pd.Series(dtype=object)
    best = members.sort_values("weighted", ascending=False, kind="stable").drop_duplicates("contact_id")
    return best.set_index("contact_id")["segment_name"]


def label_segments(ranked: pd.DataFrame, members: pd.DataFrame, segment_id: int | None = None) -> pd.DataFrame:
    """``ranked`` (rows with contact_id and goal_id) with segment_id and segment_name set to the
    segment the contact belongs to for the row's goal (its best fit), blank when none; with
    ``segment_id``, only that segment's members are kept."""
    if segment_id is not None:
        ids = members.loc[members["segment_id"] == segment_id, "contact_id"]
        ranked = ranked[ranked["contact_id"].isin(ids)]
        members = members[members["segment_id"] == segment_id]
    # (contact, goal) pairs as one integer each: a lookup of 100,000 rows in a few ms (a MultiIndex
    # reindex took 40 ms). A pair's membership is its first row: members come best fit first.
    goals = pd.Index(pd.unique(np.concatenate([members["goal_id"].to_numpy(dtype=object),
                                               ranked["goal_id"].to_numpy(dtype=object)])))

    def pairs(frame: pd.DataFrame) -> np.ndarray:
        return frame["contact_id"].to_numpy(dtype=np.int64) * max(len(goals), 1) + goals.get_indexer(frame["goal_id"])

    keys = pairs(members)
    first = ~pd.Series(keys).duplicated().to_numpy()
    at = pd.Index(keys[first]).get_indexer(pairs(ranked))
    names = np.append(members["segment_name"].to_numpy(dtype=object)[first], None)[at]
    ids = np.append(members["segment_id"].to_numpy(dtype=object)[first], None)[at]
    missing = pd.isna(names)
    names[missing] = None
    ids[missing] = None
    return ranked.assign(segment_id=pd.Series(ids, index=ranked.index, dtype=object),
                         segment_name=pd.Series(names, index=ranked.index, dtype=object))


def segment_coverage(store: Store, goal: dict, today: date | None = None, limit: int = 50,
                     audience: pd.DataFrame | None = None) -> list[dict]:
    """One entry per segment: id, name, describe, count, gap, contacts (the top ``limit`` members,
    ``segment_members``; none with ``limit=0``, for a page that lists them only when asked), events,
    ways_in and ways_in_total (a gap at target companies: the first people there in another role, and
    how many there are, ``ways_in``).
    ``audience``: ``memberships`` of goals including this one, when the caller has them."""
    now = datetime.combine(today or local_today(), datetime.min.time())
    if audience is None:
        audience = memberships(store, [goal], now)
    audience = audience[audience["goal_id"] == goal["id"]]
    counts = audience["segment_id"].value_counts()
    events = None
    out = []
    for segment in goal.get("segments") or []:
        count = int(counts.get(segment["id"], 0))
        gap = count < GAP_BELOW
        if gap and events is None:
            events = rank_events(store, goal_id=goal["id"], top=3, now=now)
        way_in, there = [], 0
        if gap and segment.get("companies"):
            ranker, contacts, _ = contact_ranker(store, now)
            way_in, there = ways_in(ranker, contacts, segment,
                                    audience.loc[audience["segment_id"] == segment["id"], "contact_id"])
        members = (segment_members(store, goal, segment["id"], now.date(), limit) if limit and count
                   else pd.DataFrame(columns=MEMBER_COLUMNS))
        out.append({
            "id": segment["id"], "name": segment["name"], "describe": _describe(segment), "count": count,
            "gap": gap, "contacts": members, "ways_in": way_in, "ways_in_total": there,
            "events": (events[["title", "starts_at", "location", "next_step"]] if gap and events is not None
                       and not events.empty else pd.DataFrame()),
        })
    return out


def segment_members(store: Store, goal: dict, segment_id: int, today: date | None = None,
                    limit: int = 50) -> pd.DataFrame:
    """The segment's top ``limit`` members (``memberships``) with company, position, fit and the reasons
    (written for these only), best first."""
    now = datetime.combine(today or local_today(), datetime.min.time())
    probe = {**goal, "status": "active"}  # a paused goal's audience is still worth seeing
    ranker, contacts, version = contact_ranker(store, now)
    if contacts.empty:
        return pd.DataFrame(columns=MEMBER_COLUMNS)
    audience = memberships(store, [goal], now)

    def compute() -> pd.DataFrame:
        weight = priority_weight(goal.get("priority"))
        ids = set(audience.loc[audience["segment_id"] == segment_id, "contact_id"])
        details = contacts.set_index("id")[["company", "position"]]
        # People who are not members (elsewhere than its companies, at another level) rank among a
        # segment's first places too: its members are found in the whole ranking, and the reasons
        # written for the members shown only.
        ranked = ranker.rank([probe], now, goal_id=goal["id"], segment_id=segment_id, reasons=False)
        ranked = ranked[ranked["contact_id"].isin(ids)].head(limit).copy()
        ranked["reasons"], _ = ranker.reasons_for([probe], now, ranked["contact_id"], ranked["goal_id"],
                                                 goal_id=goal["id"], segment_id=segment_id)
        ranked["score"] = ranked["score"] / weight
        ranked = ranked[ranked["contact_id"].isin(ids)].join(details, on="contact_id")
        return ranked[MEMBER_COLUMNS].head(limit).reset_index(drop=True)

    return memoized(("segment", version, goals_fingerprint([probe]), segment_id, limit), compute)


def goals_nobody_fits(members: pd.DataFrame, goals: list[dict], best_fit: dict[int, float]) -> list[dict]:
    """Of ``goals``, those nobody in the network fits: a goal with segments when no contact belongs
    to any of them (``members``: ``memberships``), a goal without when its best contact's fit
    (``best_fit``: goal id -> the best score with the goal's priority taken out) stays under
    ``MEMBER_SCORE``, the bar a segment's members pass.

    Why: the ranking always fills its list, so for a goal nobody in the network fits, its first
    places go to the closest matches, which look like recommendations unless a page says what
    they are."""
    counted = set(members["goal_id"]) if not members.empty else set()
    return [g for g in goals if (g["id"] not in counted if g.get("segments")
                                 else best_fit.get(g["id"], 0.0) < MEMBER_SCORE)]


def goals_without_audience(store: Store, goal_id: int | None = None,
                           now: datetime | date | None = None) -> list[dict]:
    """The active goals (or goal ``goal_id``) nobody in the network fits (``goals_nobody_fits``)."""
    from .opportunities import _now

    now = _now(now)
    with store.session():
        goals = store.goals.all(statuses=("active",))
        asked = [g for g in goals if goal_id is None or g["id"] == goal_id]
        if store.contacts.count() == 0 or not asked:
            return []  # nothing imported: every page says so first
        members = memberships(store, goals, now)  # the active goals' audience, as the ranking labels it
        ranker, _, version = contact_ranker(store, now)
    best_fit = {g["id"]: memoized(("best fit", version, goals_fingerprint([g])),
                                  lambda g=g: _best_fit(ranker, g, now), rows=lambda _: 0)
                for g in asked if not g.get("segments")}
    return goals_nobody_fits(members, asked, best_fit)


def _best_fit(ranker, goal: dict, now: datetime) -> float:
    """The best score any contact reaches for ``goal`` alone, with its priority taken out."""
    ranked = ranker.rank([goal], now, top=1, goal_id=goal["id"], reasons=False)
    return float(ranked["score"].max()) / priority_weight(goal.get("priority")) if len(ranked) else 0.0


def nobody_fits_message(goals: list[dict], one_goal: bool = False, shown=str) -> str:
    """What a ranked list says with it when ``goals`` (``goals_without_audience``) are in it.
    ``shown`` writes a title, the user's words (a page escapes them for Markdown)."""
    titles = ", ".join(f"\u201c{shown(g['title'])}\u201d" for g in goals)
    if one_goal:
        return (f"Nobody in your network fits {titles} yet: this list holds the closest matches, not good ones. "
                "Widen the goal's roles, or look for a way in on Companies and Events.")
    its = "its" if len(goals) == 1 else "their"
    return (f"Nobody in your network fits {titles} yet: {its} places in this list go to the closest matches, "
            f"not good ones. Widen {its} roles, or look for a way in on Companies and Events.")
