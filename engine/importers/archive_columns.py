"""Arrow and NumPy columns of an archive CSV: the helpers ``archive_messages`` works with.

A column is read once and kept (``Table.derived``): stripped, or what its words say. What only depends on a
value (a name folded, a URL recognised as the owner's) is worked out once per distinct value and
spread back by the dictionary's indices. Dates of LinkedIn's usual form are read from their
bytes by NumPy, any other form by ``parse_moment``; local times need the zone's offset only
where it changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.clock import local_now

from .archive_csv import Table, parse_moment
from .archive_history import moment_key

_EPOCH = datetime(1970, 1, 1)
_FIRST, _LAST = (round((at - _EPOCH).total_seconds()) for at in (datetime(1, 1, 2), datetime(9999, 12, 30)))
DAY = 86_400
_DIGITS = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
_SEPARATORS = np.array([4, 7, 10, 13, 16, 19, 20, 21, 22])
_SEPARATOR_BYTES = np.frombuffer(b"-- :: UTC", dtype=np.uint8)
_MONTH_LENGTHS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


# -- columns ---------------------------------------------------------------------------------------------
def raw(table: Table, key: str) -> pa.Array:
    column = table.columns.get(key)
    return column if column is not None else pa.repeat(pa.scalar("", pa.string()), table.num_rows)


def stripped(table: Table, key: str) -> pa.Array:
    """A column's values without surrounding blanks, as ``Row.get`` has them ("" for a missing column)."""
    if ("stripped", key) not in table.derived:
        table.derived["stripped", key] = pc.utf8_trim_whitespace(raw(table, key))
    return table.derived["stripped", key]


def said(table: Table, key: str, words: frozenset[str]) -> np.ndarray:
    """Which rows' ``key`` is one of ``words`` (lowercase; the cell is lowered as Python lowers it)."""
    if ("said", key, words) not in table.derived:
        if not table.has(key):
            found = np.zeros(table.num_rows, bool)
        else:
            found = per_value(stripped(table, key), lambda value: value.lower() in words, bool)
        table.derived["said", key, words] = found
    return table.derived["said", key, words]


def per_value(array: pa.Array, work, kind=None) -> np.ndarray:
    """``work`` of each value, worked out once per distinct value; a NumPy array (``kind`` its dtype)."""
    encoded = array.dictionary_encode()
    results = [work(v) for v in encoded.dictionary.to_pylist()]
    values = np.array(results, dtype=kind) if kind is not None else _objects(results)
    return values[encoded.indices.to_numpy(zero_copy_only=False)] if len(array) else values[:0]


def _objects(results: list) -> np.ndarray:
    values = np.empty(len(results), dtype=object)
    values[:] = results
    return values


def first_places(codes: np.ndarray, size: int) -> np.ndarray:
    """Where each code from 0 to ``size`` - 1 first appears in ``codes`` (each does)."""
    places = np.zeros(size, np.int64)
    places[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write, the first place, wins
    return places


def holding(array: pa.Array, character: str) -> np.ndarray:
    """Which values hold this ASCII character, found by NumPy in the bytes of them all."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset:array.offset + len(array) + 1]
    found = np.zeros(len(array), bool)
    if array.buffers()[2] is None or offsets[-1] == offsets[0]:
        return found
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    places = np.flatnonzero(data == ord(character)) + offsets[0]
    found[np.searchsorted(offsets, places, side="right") - 1] = True
    return found


def truth(array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


# -- dates -----------------------------------------------------------------------------------------------
def _fixed_width(dates: pa.Array, rows: np.ndarray, width: int) -> np.ndarray:
    """The bytes of the values at ``rows`` (each ``width`` long), a row each."""
    offsets = np.frombuffer(dates.buffers()[1], dtype=np.int32)[dates.offset:dates.offset + len(dates) + 1]
    buffer = dates.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    if len(rows) == len(dates) and offsets[-1] - offsets[0] == width * len(rows):  # all of them, back to back
        return data[offsets[0]:offsets[-1]].reshape(len(rows), width)
    return data[offsets[rows][:, None] + np.arange(width)]


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's ``days_from_civil``)."""
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    of_era = year - era * 400
    of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    of_cycle = of_era * 365 + of_era // 4 - of_era // 100 + of_year
    return era * 146_097 + of_cycle - 719_468


def _usual_dates(dates: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(seconds, readable, rows' bytes) for LinkedIn's usual ``2024-05-01 09:30:00 UTC``, read from
    the bytes; the bytes (a row of 23 each) only when every value has that length."""
    seconds, good = np.zeros(len(dates), np.int64), np.zeros(len(dates), bool)
    lengths = pc.binary_length(dates).to_numpy(zero_copy_only=False)
    rows = np.nonzero(lengths == 23)[0]
    if not len(rows):
        return seconds, good, None
    chars = _fixed_width(dates, rows, 23)
    digits = chars[:, _DIGITS] - np.uint8(ord("0"))  # a byte below "0" wraps round to a large number
    ok = (digits <= 9).all(axis=1) & (chars[:, _SEPARATORS] == _SEPARATOR_BYTES).all(axis=1)
    d = digits.astype(np.int32)
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month, day = d[:, 4] * 10 + d[:, 5], d[:, 6] * 10 + d[:, 7]
    hour, minute, second = d[:, 8] * 10 + d[:, 9], d[:, 10] * 10 + d[:, 11], d[:, 12] * 10 + d[:, 13]
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (hour < 24) & (minute < 60) & (second < 60)
    month = np.where(ok, month, 1)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    ok &= (day >= 1) & (day <= _MONTH_LENGTHS[month - 1] + ((month == 2) & leap))
    days = _days_from_civil(year.astype(np.int64), month.astype(np.int64), day.astype(np.int64))
    seconds[rows] = days * DAY + (hour * 3600 + minute * 60 + second)
    good[rows] = ok
    return seconds, good, chars if len(rows) == len(dates) else None


def read_moments(dates: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array]:
    """(seconds as ``moment_key`` has them, aware, readable, ``moment_key(...).isoformat()``) of
    stripped date cells."""
    seconds, good, chars = _usual_dates(dates)
    aware = good.copy()
    if chars is not None:  # ``2024-05-01T09:30:00``: the first 19 bytes, a T for the blank
        spelled = chars[:, :19].copy()
        spelled[:, 10] = ord("T")
        offsets = np.arange(0, 19 * (len(dates) + 1), 19, dtype=np.int32)
        iso = pa.StringArray.from_buffers(len(dates), pa.py_buffer(offsets), pa.py_buffer(spelled))
    else:
        iso = pc.utf8_replace_slice(pc.utf8_slice_codeunits(dates, 0, 19), start=10, stop=11, replacement="T")
    others = np.nonzero(~good)[0]
    if len(others):
        spelled = iso.to_pylist()
        for row, value in zip(others, dates.take(pa.array(others)).to_pylist(), strict=True):
            at = parse_moment(value)
            if at is not None:
                seconds[row] = round((moment_key(at) - _EPOCH).total_seconds())
                aware[row], good[row] = at.tzinfo is not None, True
                spelled[row] = moment_key(at).isoformat()
        iso = pa.array(spelled, type=pa.string())
    return seconds, aware, good, iso


def local_seconds(moment: np.ndarray, aware: np.ndarray, tz: str | None) -> np.ndarray:
    """The wall-clock time in zone ``tz`` (``clock.local_now``) of aware moments; others as they are.

    A zone's offset changes a few times a year at most, so it is asked for at the start of each
    week the moments fall in and of the next: where the two agree, the whole week has that offset;
    in a week where they differ, day by day the same way, then hour by hour; in the hour the clocks
    change, moment by moment."""
    local = moment.copy()
    if not aware.any():
        return local
    rows = np.nonzero(aware)[0] if not aware.all() else np.arange(len(moment))
    offsets: dict[int, int] = {}

    def offset(second: int) -> int:
        second = min(max(second, _FIRST), _LAST)  # a week's edge past the years a datetime can hold
        if second not in offsets:
            start = _EPOCH + timedelta(seconds=second)
            offsets[second] = round((local_now(tz, start) - start).total_seconds())
        return offsets[second]

    seconds = moment[rows]
    shift = np.zeros(len(rows), np.int64)
    unsettled = np.ones(len(rows), bool)
    for span in (7 * DAY, DAY, 3600):
        at = np.nonzero(unsettled)[0]
        blocks = seconds[at] // span
        wanted = np.unique(blocks)
        found = np.array([offset(b * span) for b in wanted.tolist()], dtype=np.int64)
        settled = found == np.array([offset(b * span + span) for b in wanted.tolist()], dtype=np.int64)
        where = np.searchsorted(wanted, blocks)
        shift[at] = found[where]
        unsettled[at] = ~settled[where]
        if not unsettled.any():
            break
    local[rows] = seconds + shift
    for row in rows[unsettled]:
        when = _EPOCH + timedelta(seconds=int(moment[row]))
        local[row] = round((local_now(tz, when) - _EPOCH).total_seconds())
    return local


def labels(codes: np.ndarray, names: tuple[str, ...], missing: np.ndarray | None = None) -> pa.Array:
    """Strings from small integer codes (a label each), null where ``missing``."""
    indices = pa.array(codes.astype(np.int8), mask=missing)
    return pa.DictionaryArray.from_arrays(indices, pa.array(names, type=pa.string())).cast(pa.string())


def subset(array: pa.Array, rows: np.ndarray | None) -> pa.Array:
    return array if rows is None else array.take(pa.array(rows))
