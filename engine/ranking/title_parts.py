"""Where a word stands in a title says what it is: "Finance Manager - Cybersecurity" is a finance
manager on a cybersecurity team, and "Global Director People, Culture & HSE - Risk" an HR director
whose team is risk. The lead part (what comes before the last part) is the person's role; a family
named only in the last part is a team tag or a second role, and counts less (scoring.FAMILY_LATER).
"""

from __future__ import annotations

import re

import numpy as np

from .taxonomy import taxonomy

# Where a title's last part begins: "Head, HR - Healthcare", "Director- West Africa, Energy",
# "Talent Advisor | Cybersecurity", and after a comma when it is a team ("HR Manager, Energy team").
_SEPARATOR = re.compile(r"\s*(?:[-–—]\s|[|•]|,\s)\s*")
_TEAM_END = re.compile(r"\b(?:team|practice|unit|desk|vertical)\s*$", re.IGNORECASE)


def last_part(title: str) -> tuple[str, str] | None:
    """(lead part, last part) of a title in parts, or None for a title of one part. Found from the
    right, in time linear in the title's length (a hostile export's 10,000-character titles too)."""
    team = _TEAM_END.search(title)
    for found in reversed(list(_SEPARATOR.finditer(title))):
        if found.group().strip() == "," and (team is None or team.start() < found.end()):
            continue  # a comma starts a last part only before a team
        lead, tail = title[:found.start()].rstrip(), title[found.end():].strip()
        if lead and tail:
            return lead, tail
    return None


def later_only(model, wanted: int, around: int, rows: np.ndarray, shown_around: np.ndarray) -> np.ndarray:
    """Per contact, among ``rows`` (titles naming a family of ``wanted``, a bit mask): that family is
    named only after the title's lead part, which is another role. Either the title is shown as a
    family not ``around`` the asked ones (``shown_around`` false: "HR Director - Risk"), or its lead
    part names such a family ("Admin and Operations Support - Machine Learning Team", "Executive
    Housekeeper | AI/ML"). A lead part that names no family is no evidence of another role: level
    words ("Head - Machine Learning"), a grade or a unit ("Senior Analyst - Data Science",
    "Supervising Associate - Data & Analytics", "Virtual Internship - Salesforce Developer"): of the 26
    such titles among the 4,300 real ones (../shared/data), about 22 are people of the family their
    last part names. ``around``: the asked families and
    those leading or related to them ("Software Engineer | AI/ML" is an ML engineer). Each distinct
    title's lead part is read once per fitted ranker (kept on it: a refit replaces it)."""
    codes, titles = getattr(model, "position_codes_", None), getattr(model, "position_titles_", None)
    out = np.zeros(len(rows), dtype=bool)
    if codes is None or titles is None or not rows.any():
        return out
    leads = model.__dict__.setdefault("_lead_parts", {})
    distinct = np.unique(codes[rows])
    for code in distinct.tolist():
        if code not in leads:
            leads[code] = _lead_reading(titles[code])
    masks = np.array([leads[c] for c in distinct.tolist()], dtype=np.int64)
    later = distinct[(masks & wanted) == 0]
    other = distinct[((masks & wanted) == 0) & ((masks & ~around) != 0)]
    if not len(later):
        return out
    # Looked up by code for ``rows`` only, not np.isin over every contact (twice an option: 6 ms of a
    # re-rank after one goal's edit at 100,000 contacts).
    where = np.flatnonzero(rows)
    at, is_later, is_other = codes[where], np.zeros(len(titles), dtype=bool), np.zeros(len(titles), dtype=bool)
    is_later[later], is_other[other] = True, True
    out[where] = is_later[at] & (~np.asarray(shown_around)[where] | is_other[at])
    return out


def _lead_reading(title: str) -> int:
    """The families a title's lead part names, as a bit mask: -1, every family, for a title of one part."""
    parts = last_part(title)
    if parts is None:
        return -1
    t = taxonomy()
    return t.coded(t.read_title(parts[0]))[1]
