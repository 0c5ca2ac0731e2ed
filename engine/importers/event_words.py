"""What an event's own words say, where no export says it: its kind, whether it is online, its price.
Read from .ics files (ics.py) and events CSV (events_csv.py) alike."""

from __future__ import annotations

import re

_ONLINE_RE = re.compile(r"online|zoom|teams|google meet|meet\.google|webex|virtual|https?://", re.IGNORECASE)
_FREE_RE = re.compile(r"(?<![-\w])(?<!feel )(free|kostenlos|gratuit|gratis)\b", re.IGNORECASE)
_AMOUNT = r"(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_PRICE_RES = (
    re.compile(r"(?:[€$£]|EUR|USD|GBP|CHF)\s?" + _AMOUNT, re.IGNORECASE),
    re.compile(_AMOUNT + r"\s?(?:[€$£]|EUR\b|USD\b|GBP\b|CHF\b|euros?\b|dollars?\b)", re.IGNORECASE),
)
_KIND_RULES = (  # first match wins, so the specific phrases come before the broad ones
    ("job fair", r"job fair|career fair|careers fair|hiring fair|recruiting fair"),
    ("webinar", r"webinar|online session|livestream|live stream"),
    ("conference", r"conference|summit|\bconf\b|\w+conf\b|symposium|congress|expo\b"),
    ("meetup", r"meetup|meet-up|meet up"),
    ("online group", r"community|\bgroup\b|slack|discord|online forum"),
    # a forum with no online word is a gathering: "Lagos Banking Leaders Forum" is no group to join
    ("conference", r"\bforum\b"),
)


# A title that says the event is off, where the file has no status for it (an events CSV; a calendar
# whose owner renamed the event): "Lagos Fintech Week 2027 (CANCELLED)", "[Canceled] PyData Lagos",
# "CANCELLED: Banking Forum". A word in the middle ("Cancelled Flights Support Group") is no marker.
_CANCELLED_RE = re.compile(r"[\[(]\s*(cancell?ed|called off)\s*[\])]|^\s*(cancell?ed|called off)\s*[:\-–—|]",
                           re.IGNORECASE)


def says_cancelled(title) -> bool:
    """Whether an event's title marks it cancelled."""
    return isinstance(title, str) and bool(_CANCELLED_RE.search(title))


def guess_kind(text: str, default: str = "other") -> str:
    """One of EVENT_KINDS from free text (title, categories), because no export carries a kind."""
    for kind, pattern in _KIND_RULES:
        if re.search(pattern, text or "", re.IGNORECASE):
            return kind
    return default


def guess_online(location: str | None) -> bool:
    """An event without a place, or with a video-call link as its place, is online."""
    return not (location or "").strip() or bool(_ONLINE_RE.search(location or ""))


def _amount(text: str) -> float:
    """'1.299,50' / '1,299.50' / '25' -> float: a last separator before 1-2 digits is decimal."""
    match = re.fullmatch(r"(.*?)[.,](\d{1,2})", text)
    if match:
        return float(re.sub(r"[.,]", "", match.group(1)) + "." + match.group(2))
    return float(re.sub(r"[.,]", "", text))


def parse_cost(text: str | None) -> float | None:
    """A price from text: the first currency amount, else 0.0 when it says free, else None.

    An explicit amount wins over "free" because descriptions like "free for members, €25
    otherwise" are common and the cost for a non-member is what a plan should assume.
    """
    if not text:
        return None
    for pattern in _PRICE_RES:
        match = pattern.search(text)
        if match:
            return _amount(match.group(1))
    if _FREE_RE.search(text):
        return 0.0
    stripped = text.strip()
    if re.fullmatch(r"\d+(?:[.,]\d{1,2})?", stripped):  # a bare number in a cost column
        return _amount(stripped)
    return None
