"""Turn the date strings found in contact exports into ISO ``YYYY-MM-DD``.

One tolerant parser serves every format because a user's file may be a LinkedIn export re-saved
by Excel in another locale. Dates repeat heavily (thousands of connections share a few hundred
days), so callers parse each distinct string once through ``parse_column``; the per-string cost
does not matter, the per-row cost does.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from engine.clock import local_today

# Returned for a non-empty string that is not a date, so the caller can reject the row.
BAD = object()

# A connection made before 1900 or more than a year from now is a typo or a broken export, not a date.
EARLIEST = date(1900, 1, 1)


def latest() -> date:
    """The latest connection date accepted: a year from today."""
    return local_today() + timedelta(days=365)

_MONTHS = {
    # English, then the French and German spellings that differ (Excel re-saves localise them).
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    "janv": 1, "fev": 2, "fevr": 2, "mars": 3, "avr": 4, "mai": 5, "juin": 6,
    "juil": 7, "aou": 8, "aout": 8, "dez": 12, "mrz": 3, "mae": 3, "okt": 10, "dic": 12,
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+\-Z]*)?")
_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?:[ ,T].*)?")
# "23 Apr 2023", "23-Apr-2023", and the spreadsheet's "23-Apr-23" (two-digit year only with dashes:
# "23 Apr 23" could as well be a day and no year).
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.? *-?([^\W\d_]{3,})\.?,? *-?(\d{4})(?:[ ,T].*)?")
_DAY_MONTH_YY = re.compile(r"(\d{1,2})-([^\W\d_]{3,})-(\d{2})")
# A date cell a spreadsheet saved as its serial number (days since 1899-12-30): 36526 is 2000-01-01.
_SERIAL = re.compile(r"([3-5]\d{4})(?:\.0+)?")
_SERIAL_ORIGIN = date(1899, 12, 30)
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]{3,})\.? +(\d{1,2}),? +(\d{4})(?:[ ,T].*)?")
# "1/8/18, 6:14 PM" (LinkedIn 2018, US order) and "08/01/2018".
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ ,T].*)?")
# "08.01.2018" is always day first (German).
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})(?:[ ,T].*)?")
# LinkedIn's own form today, "05 Oct 2016": nearly every date of a large import. Read first, with
# the English month names as they are written, it costs a third of the general way (a 100,000-row
# export has about 4,000 distinct dates); anything else takes the general way below.
_LINKEDIN = re.compile(r"(\d{2}) ([A-Z][a-z]{2}) (\d{4})")
_ENGLISH = {name.title(): number for name, number in list(_MONTHS.items())[:12]}


def _month(name: str) -> int | None:
    key = (
        name.casefold()
        .replace("é", "e").replace("û", "u").replace("ä", "ae").replace("ü", "u")
    )
    return _MONTHS.get(key[:4]) or _MONTHS.get(key[:3])


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # two-digit years in exports are recent: 18 -> 2018, 95 -> 1995
        year += 2000 if year < 70 else 1900
    return year


def _date(year: int, month: int | None, day: int):
    if month is None:
        return BAD
    try:
        return date(year, month, day)
    except ValueError:
        return BAD


def parse_date(text: str, last: date | None = None):
    """ISO string for ``text``, or ``BAD`` (also for a date out of range, see ``out_of_range``).

    Slashed dates are month first unless that is impossible. ``last`` is ``latest()``, given by a
    caller that parses many.
    """
    found = _calendar_date(text)
    if found is BAD or not EARLIEST <= found <= (last or latest()):
        return BAD
    return found.isoformat()


def out_of_range(text: str) -> bool:
    """Is ``text`` a date, only one before 1900 or more than a year from now?"""
    found = _calendar_date(text)
    return found is not BAD and parse_date(text) is BAD


def _calendar_date(text: str):
    """The date ``text`` writes, or ``BAD``, whatever the year."""
    text = text.strip()
    if (m := _LINKEDIN.fullmatch(text)) and m[2] in _ENGLISH:
        return _date(int(m[3]), _ENGLISH[m[2]], int(m[1]))
    if m := _ISO.fullmatch(text) or _YMD_SLASH.fullmatch(text):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DAY_MONTH_YEAR.fullmatch(text):
        return _date(int(m[3]), _month(m[2]), int(m[1]))
    if m := _DAY_MONTH_YY.fullmatch(text):
        return _date(_year(m[3]), _month(m[2]), int(m[1]))
    if m := _MONTH_DAY_YEAR.fullmatch(text):
        return _date(int(m[3]), _month(m[1]), int(m[2]))
    if m := _SLASHED.fullmatch(text):
        first, second = int(m[1]), int(m[2])
        if first > 12 >= second:
            first, second = second, first
        return _date(_year(m[3]), first, second)
    if m := _DOTTED.fullmatch(text):
        return _date(_year(m[3]), int(m[2]), int(m[1]))
    if m := _SERIAL.fullmatch(text):
        return _SERIAL_ORIGIN + timedelta(days=int(m[1]))
    return BAD


def parse_column(values: list) -> list:
    """ISO dates for a column of stripped strings (None stays None); BAD marks the unparseable."""
    last = latest()
    cache = {value: parse_date(value, last) for value in set(values) if value is not None}
    cache[None] = None
    return list(map(cache.__getitem__, values))
