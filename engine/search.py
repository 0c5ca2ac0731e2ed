"""The search box of the Contacts and Outreach tables, as one pure function.

A search matches a row when its text (trimmed, any case) occurs in one of the row's fields; a
list field (tags) matches when one of its items does. The store's SQL search for the Contacts
page (engine.store.contacts) follows the same rule, and a test checks that both agree.
"""

from __future__ import annotations

import pandas as pd

from engine.vocabulary import plural

CONTACT_FIELDS = ("full_name", "company", "position", "email", "tags")
OUTREACH_FIELDS = ("full_name", "company", "position")


def _field_text(value) -> str:
    if hasattr(value, "tolist") and not isinstance(value, str):  # lists arrive as numpy arrays
        value = value.tolist()
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value if v is not None)
    if value is None or (not isinstance(value, str) and value != value):  # None, NaN
        return ""
    return str(value)


def matching(frame: pd.DataFrame, text: str, fields=OUTREACH_FIELDS) -> pd.DataFrame:
    """The rows of ``frame`` whose ``fields`` contain ``text`` (all rows for an empty search), in order."""
    wanted = (text or "").strip().lower()
    if not wanted or frame.empty:
        return frame
    hit = pd.Series(False, index=frame.index)
    for field in fields:
        if field in frame.columns:
            hit |= frame[field].map(_field_text).str.lower().str.contains(wanted, regex=False)
    return frame[hit]


def shown_of(shown: int, total: int, word: str = "contact") -> str:
    """'12 of 1,581 contacts', or '1,581 contacts' when nothing is left out."""
    return plural(total, word) if shown == total else f"{shown:,} of {plural(total, word)}"
