"""The Outreach table as a person reads it: a fit from 0 to 100, its parts in words, links.

The ranker's score is a weighted sum (engine.ranking.scoring): role fit, target company, seniority
and relationship type, then warmth and timing, less fatigue, times the goal's priority. Its
largest possible value is the sum of those positive weights, so ``fit`` is the score as a share of
it: 100 is a perfect match for a top-priority goal with a warm relationship at the right time.
The parts (``breakdown``) are in the same points, so they add up to the fit.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from engine.store import Store
from engine.vocabulary import FACTOR_LABELS, as_text, label

from .messages import mailto_link
from .opportunities import OUTREACH_COLUMNS

FIT_HELP = ("How well this person serves your goal, from 0 to 100: fit with the goal's roles, companies and "
            "seniority, the warmth of your relationship and timing, weighted by the goal's priority. 100 is a "
            "perfect match for a top-priority goal; select a row to see how the points add up.")
_LEADING_VALUE = re.compile(r"^(?:role fit|warmth|timing) -?\d+(?:\.\d+)?:?\s*")  # ranker.explain details
_POSITIVE = ("text", "company", "seniority", "relationship", "warmth", "timing")
# What the page shows and the CSV holds: the score as its fit (next to the rank), the profile and e-mail.
TABLE_COLUMNS = ["rank", "fit", *(c for c in OUTREACH_COLUMNS if c not in ("rank", "score")), "linkedin_url", "email"]


@cache
def full_score() -> float:
    """The largest score the ranker gives (its positive weights summed)."""
    from engine.ranking import OpportunityRanker

    params = OpportunityRanker().get_params()
    return float(sum(params[f"{c}_weight"] for c in _POSITIVE))


@cache
def full_event_score() -> float:
    """The largest score the event ranker gives (its weights summed)."""
    from engine.ranking import EventRanker

    params = EventRanker().get_params()
    return float(sum(params[f"{c}_weight"] for c in ("topic", "audience", "timing", "cost", "location")))


EVENT_FIT_HELP = ("How well this event serves your goals, from 0 to 100: its topics and expected audience against "
                  "the goal, then timing, cost and place, weighted by the goal's priority.")


def with_event_fit(ranked: pd.DataFrame) -> pd.DataFrame:
    """``ranked`` (rank_events) with a ``fit`` column, 0-100, and its cost as words: "free", the
    price, or blank when the file gave none (a missing number is drawn "None", which reads as free)."""
    scores = pd.to_numeric(ranked["score"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    ranked = ranked.assign(fit=(100.0 * scores / full_event_score()).clip(0.0, 100.0).round().astype(int))
    if "cost" in ranked:
        ranked = ranked.assign(cost=ranked["cost"].map(cost_label).astype(object))
    return ranked


def cost_label(cost) -> str:
    """An event's price as the Events page shows it: "free", "99", or "" when unknown."""
    value = pd.to_numeric(cost, errors="coerce")
    if pd.isna(value):
        return ""
    return "free" if value <= 0 else f"{value:,.0f}"


def points(score: float) -> float:
    """A score (or one part of it) in fit points, unrounded."""
    return 100.0 * float(score) / full_score()


def fit(score: float) -> int:
    """The score as a whole number from 0 to 100."""
    return int(round(min(100.0, max(0.0, points(score)))))


def with_fit(ranked: pd.DataFrame) -> pd.DataFrame:
    """``ranked`` (rank_contacts) with a ``fit`` column, 0-100."""
    scores = pd.to_numeric(ranked["score"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    values = (100.0 * scores / full_score()).clip(0.0, 100.0).round().astype(int)
    return ranked.assign(fit=values)


def _detail(text: str) -> str:
    """The ranker's detail without the raw value it starts with (the points say how much):
    'warmth 0.45 (strength, replies, recent contact)' reads 'from strength, replies, recent contact'."""
    text = _LEADING_VALUE.sub("", text or "")
    return f"from {text[1:-1]}" if text.startswith("(") and text.endswith(")") else text


def breakdown(contributions: list[tuple[str, float, str]]) -> pd.DataFrame:
    """The parts of one score (``explain()['contributions']``) as factor (its label), points and
    detail, largest first; parts worth less than a twentieth of a point are left out."""
    rows = [{"factor": label(name, FACTOR_LABELS), "points": round(points(value), 1), "detail": _detail(detail)}
            for name, value, detail in contributions if abs(points(value)) >= 0.05]
    return pd.DataFrame(rows, columns=["factor", "points", "detail"])


def mail_link(address) -> str | None:
    """A ``mailto:`` link for a table's e-mail cell; None without an address."""
    text = as_text(address)
    return mailto_link(text, "", "") if text else None


def with_links(store: Store, frame: pd.DataFrame, id_column: str = "contact_id", mailto: bool = True,
               names: bool = False) -> pd.DataFrame:
    """``frame`` with each contact's profile URL and e-mail (``mailto``: as a mailto: link, for a
    LinkColumn; else the address as stored); ``names``: with first_name and last_name too."""
    extra = ("first_name", "last_name") if names else ()
    if frame.empty:
        return frame.assign(**{c: pd.Series(dtype=object) for c in ("linkedin_url", "email", *extra)})
    links = store.contacts.links([int(i) for i in frame[id_column]]).set_index("id")
    ids = frame[id_column].astype(int)

    def column(name: str):
        return ids.map(links[name]).map(lambda v: as_text(v) or None).to_numpy()

    emails = pd.Series(column("email"), index=frame.index)
    return frame.assign(linkedin_url=column("linkedin_url"),
                        email=(emails.map(mail_link) if mailto else emails).to_numpy(),
                        **{c: column(c) for c in extra})


def with_identity(store: Store, frame: pd.DataFrame, id_column: str = "contact_id") -> pd.DataFrame:
    """``frame`` with each contact's first and last name, profile URL (``linkedin_url``, and
    ``profile_url`` for a script that asks by that name) and e-mail as stored: what a script matches
    people by (``rapport rank --json``)."""
    out = with_links(store, frame, id_column, mailto=False, names=True)
    return out.assign(profile_url=out["linkedin_url"])


def csv_rows(store: Store, ranked: pd.DataFrame) -> list[dict]:
    """The Outreach list for its CSV: the table's columns, with the fit and plain e-mail addresses."""
    return with_links(store, with_fit(ranked), mailto=False).to_dict("records")
