"""Companies in the network, and the target companies nobody in it works at (gaps).

Every company is shown with its contacts, strongest tie and industry: the one the user set
(``store.companies``, applies to everyone there and survives re-imports), else the one inferred
from the name (engine.ranking.industries), marked as inferred. A goal's target
company with nobody in the network is a gap, shown with the closest way in: people who used to
work there (job changes seen on re-imports) and people at companies whose name is related.
"""

from __future__ import annotations

import difflib

import pandas as pd

from engine.outreach.results import memoized
from engine.ranking.company_names import company_aliases, company_keys_of, units_prefix
from engine.ranking.industries import infer_industry
from engine.store import Store
from engine.store.companies import company_key

COMPANY_COLUMNS = ["company", "contacts", "strongest", "strength", "industry", "inferred", "tags"]


def _inferred(name: str) -> str | None:
    return infer_industry(name) or None


def companies_in_network(store: Store) -> pd.DataFrame:
    """One row per company (normalized name), most contacts first: company, contacts, strongest,
    strength, industry (set, else inferred), inferred (True when not set by the user), tags.

    Kept in the one results cache by the data version (a company's industry or tags set by the
    user bumps it too): at 100,000 contacts reading and inferring costs 0.3 s on every visit."""
    with store.session():
        return memoized(_network_key(store), lambda: _companies_in_network(store))


def _network_key(store: Store) -> tuple:
    return "companies", str(store.path), store.data_version(), *store.contacts.fingerprint()


def _companies_in_network(store: Store) -> pd.DataFrame:
    frame = store.companies.in_network()
    if frame.empty:
        return pd.DataFrame(columns=["key", *COMPANY_COLUMNS])
    own = [i if isinstance(i, str) and i else None for i in frame["industry"]]
    guessed = [None if i else _inferred(c) for c, i in zip(frame["company"], own)]
    frame["inferred"] = [bool(g) for g in guessed]
    frame["industry"] = pd.Series([g or i for g, i in zip(guessed, own)], index=frame.index, dtype=object)
    return frame[["key", *COMPANY_COLUMNS]]


def _related(key: str, keys: list[str], limit: int = 5) -> list[str]:
    """The first ``limit`` of ``keys`` (in their order) whose normalized name contains this one's
    words, or the other way round, or that share its first word when it is a distinctive one
    (4+ letters)."""
    words = key.split()
    padded = f" {key} "
    out = []
    for other in keys:
        if other == key:
            continue
        if f" {other} " in padded or padded in f" {other} " or (
                len(words[0]) >= 4 and other.split(" ", 1)[0] == words[0]):
            out.append(other)
            if len(out) == limit:
                break
    return out


def _has_units(key: str, keys: list[str]) -> bool:
    """Whether the network has an office or unit of ``key`` ("Interswitch Group" for Interswitch),
    which the ranking counts as the target company (employers.target_company_codes)."""
    prefix = units_prefix(key)
    return prefix is not None and any(other.startswith(prefix) for other in keys)


def company_gaps(store: Store) -> list[dict]:
    """The active goals' target companies with nobody in the network: goal_id, goal_title,
    company, former (people who worked there: name, now at) and related (company, contacts)."""
    with store.session():
        goals = store.goals.all(statuses=("active",))
        targets = repr([(g["id"], g["title"], g.get("companies"), [s.get("companies") for s in g.get("segments") or []])
                        for g in goals])
        if not any(g.get("companies") or any(s.get("companies") for s in g.get("segments") or []) for g in goals):
            return []  # no target company: nothing can be a gap
        # Kept with the network (the data version) and the goals' targets: related names are sought
        # among every company, 0.1 s at 100,000 contacts.
        return memoized(("company gaps", *_network_key(store), targets),
                        lambda: _gaps(goals, companies_in_network(store), store.companies.former()), rows=len)


def _gaps(goals: list[dict], network: pd.DataFrame, former: pd.DataFrame) -> list[dict]:
    ordered = list(network["key"])  # most contacts first
    present = set(ordered)
    counts = dict(zip(network["key"], network["contacts"])) if not network.empty else {}
    names = dict(zip(network["key"], network["company"])) if not network.empty else {}
    # what the network's names give in parentheses ("bcg" for Boston Consulting Group (BCG)), as the
    # ranking counts them (employers.target_company_codes)
    aliases = {alias for name in network["company"] for alias in company_aliases(name)} if not network.empty \
        else set()
    gaps = []
    for goal in goals:
        targets = list(goal.get("companies") or [])
        for segment in goal.get("segments") or []:
            targets += [c for c in segment.get("companies") or [] if c not in targets]
        seen = set()
        for target in targets:
            key = company_key(target)
            if not key or key in seen or any(k in present or k in aliases or _has_units(k, ordered)
                                             for k in company_keys_of(target)):
                continue
            seen.add(key)
            were = former[former["old_key"] == key] if len(former) else former
            gaps.append({
                "goal_id": goal["id"], "goal_title": goal["title"], "company": target,
                "former": [{"contact_id": int(r.contact_id), "name": r.full_name, "now_at": r.new_company}
                           for r in were.drop_duplicates("contact_id").itertuples()],
                "related": [{"company": names[k], "contacts": int(counts[k])} for k in _related(key, ordered)],
                "spelled": ({"company": names[close], "contacts": int(counts[close])}
                            if (close := _spelled_like(key, ordered)) else None),
            })
    return gaps


SPELLED_LIKE = 0.85  # difflib's ratio from which a network company is the target misspelt ("Microsfot")


def _spelled_like(key: str, keys: list[str]) -> str | None:
    """The network company whose key is spelled most like ``key`` (a typo in a goal's target),
    among those of about its length and first letter, or None."""
    if len(key) < 4:
        return None
    near = [k for k in keys if k[:1] == key[:1] and abs(len(k) - len(key)) <= 2 and k != key]
    close = difflib.get_close_matches(key, near, n=1, cutoff=SPELLED_LIKE)
    return close[0] if close else None


def way_in(gap: dict) -> str:
    """The closest way in to a gap, in one sentence."""
    if gap.get("spelled"):
        like = gap["spelled"]
        return (f"did you mean {like['company']} ({like['contacts']} in your network)? "
                "Correct the goal's target company to count them")
    if gap["former"]:
        people = ", ".join(f"{p['name']} (now at {p['now_at']})" if p["now_at"] else p["name"]
                           for p in gap["former"][:3])
        return f"used to work there: {people}"
    if gap["related"]:
        return "related companies: " + ", ".join(f"{r['company']} ({r['contacts']})" for r in gap["related"][:3])
    return "nobody known yet: look for events where they speak, or ask for an introduction"
