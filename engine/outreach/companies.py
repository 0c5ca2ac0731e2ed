"""Companies in the network, and the target companies nobody in it works at (gaps).

Every company is shown with its contacts, strongest tie and industry: the one the user set
(``store.companies``, applies to everyone there and survives re-imports), else the one inferred
from the name (engine.ranking.industries), marked as inferred. A goal's target
company with nobody in the network is a gap, shown with the closest way in: people who used to
work there (job changes seen on re-imports) and people at companies whose name is related.
"""

from __future__ import annotations

import pandas as pd

from engine.ranking.industries import infer_industry
from engine.store import Store
from engine.store.companies import company_key

COMPANY_COLUMNS = ["company", "contacts", "strongest", "strength", "industry", "inferred", "tags"]


def _inferred(name: str) -> str | None:
    return infer_industry(name) or None


def companies_in_network(store: Store) -> pd.DataFrame:
    """One row per company (normalized name), most contacts first: company, contacts, strongest,
    strength, industry (set, else inferred), inferred (True when not set by the user), tags."""
    frame = store.companies.in_network()
    if frame.empty:
        return pd.DataFrame(columns=["key", *COMPANY_COLUMNS])
    own = [i if isinstance(i, str) and i else None for i in frame["industry"]]
    guessed = [None if i else _inferred(c) for c, i in zip(frame["company"], own)]
    frame["inferred"] = [bool(g) for g in guessed]
    frame["industry"] = pd.Series([g or i for g, i in zip(guessed, own)], index=frame.index, dtype=object)
    return frame[["key", *COMPANY_COLUMNS]]


def _related(key: str, keys: list[str]) -> list[str]:
    """Companies whose normalized name contains this one's words, or the other way round, or that
    share its first word when it is a distinctive one (4+ letters)."""
    words = key.split()
    out = []
    for other in keys:
        theirs = other.split()
        if other == key:
            continue
        if f" {key} " in f" {other} " or f" {other} " in f" {key} " or \
                (len(words[0]) >= 4 and theirs and theirs[0] == words[0]):
            out.append(other)
    return out


def company_gaps(store: Store) -> list[dict]:
    """The active goals' target companies with nobody in the network: goal_id, goal_title,
    company, former (people who worked there: name, now at) and related (company, contacts)."""
    with store.session():
        goals = store.goals.all(statuses=("active",))
        network = store.companies.in_network()
        former = store.companies.former()
    present = set(network["key"]) if not network.empty else set()
    counts = dict(zip(network["key"], network["contacts"])) if not network.empty else {}
    names = dict(zip(network["key"], network["company"])) if not network.empty else {}
    gaps = []
    for goal in goals:
        targets = list(goal.get("companies") or [])
        for segment in goal.get("segments") or []:
            targets += [c for c in segment.get("companies") or [] if c not in targets]
        seen = set()
        for target in targets:
            key = company_key(target)
            if not key or key in present or key in seen:
                continue
            seen.add(key)
            were = former[former["old_key"] == key] if len(former) else former
            gaps.append({
                "goal_id": goal["id"], "goal_title": goal["title"], "company": target,
                "former": [{"contact_id": int(r.contact_id), "name": r.full_name, "now_at": r.new_company}
                           for r in were.drop_duplicates("contact_id").itertuples()],
                "related": [{"company": names[k], "contacts": int(counts[k])}
                            for k in _related(key, sorted(present, key=lambda k: -counts[k]))][:5],
            })
    return gaps


def way_in(gap: dict) -> str:
    """The closest way in to a gap, in one sentence."""
    if gap["former"]:
        people = ", ".join(f"{p['name']} (now at {p['now_at']})" if p["now_at"] else p["name"]
                           for p in gap["former"][:3])
        return f"used to work there: {people}"
    if gap["related"]:
        return "related companies: " + ", ".join(f"{r['company']} ({r['contacts']})" for r in gap["related"][:3])
    return "nobody known yet: look for events where they speak, or ask for an introduction"
