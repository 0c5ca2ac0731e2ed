"""Which contacts CSVs DuckDB may read itself, and the plan it reads them with.

The store's direct path (``store.direct``) is several times faster than parsing in Python, but it
must give exactly the contacts (and the rejected rows) the Python importer gives. So a file
qualifies only when the two readers provably agree on it; everything else is read by the Python
importer, which names each problem by line and column. A file qualifies when:

- it decodes as text (any encoding we read) and the header is found, as for the Python importer;
- no character in it is broken, no byte of a UTF-8 file had to be replaced (the Python importer
  names those rows in a warning), and it holds no NUL character;
- every physical line after the header is one row: no blank lines, and the store checks that
  DuckDB read exactly that many rows (so no quoted value spans lines);
- no quote sits next to spaces at the edge of a value: DuckDB drops those spaces (``1, "a"``
  reads ``a``) where Python's ``csv`` keeps them or rejects the row.

Anything DuckDB itself refuses (a ragged row, a stray quote, mixed line endings) sends the file
back to the Python importer as well; see ``store.direct`` for the checks made there.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from engine.records import WHITESPACE, DirectCsv, ImportFileError

from .csvformats import check_duplicates, choose_plan, detect_format, header_key, mapping_plan
from .decode import BROKEN, decode_text, find_header, scannable_head
from .rows import MAX_COLUMN_NAME
from .vcard import looks_like_vcard

_UTF8 = ("utf-8", "utf-8-sig")
# decode_bytes refuses a NUL byte in a file it reads as UTF-8 without a BOM, cp1252 or latin-1.
_MAY_HOLD_NUL = ("utf-8-sig", "utf-16")
# Decoders that never produce BROKEN (they fail instead; see importers.decode).
_STRICT = ("utf-8", "cp1252", "latin-1")
# Whitespace that Python's strip() removes and DuckDB's trim() does not (line breaks never sit
# inside a value here: a row is one line).
_OTHER_WHITESPACE = tuple(c for c in WHITESPACE if c not in " \r\n")
# Looking for each of them in a 10 MB text costs 15 ms; in the UTF-8 bytes, a search for a single
# byte is a memchr. So the ASCII ones are looked for as bytes, and the others by the first byte of
# their UTF-8 form: at each place that byte occurs, the bytes after it say which character it is.
_ASCII_WHITESPACE = tuple(c.encode() for c in _OTHER_WHITESPACE if c.isascii())
_BY_LEAD_BYTE: dict[bytes, tuple[frozenset[bytes], tuple[str, ...]]] = {}
for _c in _OTHER_WHITESPACE:
    if not _c.isascii():
        _tails, _chars = _BY_LEAD_BYTE.get(_c.encode()[:1], (frozenset(), ()))
        _BY_LEAD_BYTE[_c.encode()[:1]] = (_tails | {_c.encode()[1:]}, (*_chars, _c))
# Past this many places of one lead byte (a text full of ’ or –), searching for each character is cheaper.
_LEAD_BYTE_LOOKS = 20_000


def _other_whitespace(utf8: bytes) -> bool:
    """Whitespace other than spaces and line breaks in the table ``utf8`` (UTF-8)."""
    if any(byte in utf8 for byte in _ASCII_WHITESPACE):
        return True
    for lead, (tails, chars) in _BY_LEAD_BYTE.items():
        width, find = len(next(iter(tails))), utf8.find  # a lead byte fixes the length of its character
        place, looked = find(lead), 0
        while place >= 0:
            if utf8[place + 1 : place + 1 + width] in tails:
                return True
            looked += 1
            if looked > _LEAD_BYTE_LOOKS:
                if any(ch.encode() in utf8 for ch in chars):
                    return True
                break
            place = find(lead, place + 1)
    return False


def _quote_beside_spaces(table: bytes, delimiter: str, end: int) -> bool:
    """A quote with spaces between it and the edge of its value (``, "a"`` or ``"a" ,``) in ``table[:end]``.

    ``table`` is UTF-8, where a quote, a space, a delimiter and a line break are single bytes that
    never occur inside another character. Goes from quote to quote (each found by a memchr) and
    walks over spaces only beside a quote that has one: 6 ms on a 10 MB export with 25,000
    quotes, where splitting the text on its quotes cost 10 ms and searching for ``' "'`` and
    ``'" '`` four times as much.
    """
    edges, find = (ord(delimiter), 10, 13), table.find
    quote = find(b'"', 0, end)
    while quote >= 0:
        if (quote > 0 and table[quote - 1] == 32) or (quote + 1 < end and table[quote + 1] == 32):
            k = quote - 1  # spaces, then this quote: an edge before the spaces?
            while k >= 0 and table[k] == 32:
                k -= 1
            if k < quote - 1 and (k < 0 or table[k] in edges):
                return True
            k = quote + 1  # this quote, then spaces: an edge after them?
            while k < end and table[k] == 32:
                k += 1
            if k > quote + 1 and (k >= end or table[k] in edges):
                return True
        quote = find(b'"', quote + 1, end)
    return False


def _line_breaks(table: bytes, end: int) -> int:
    """Line breaks (``\r\n``, ``\r`` or ``\n``, as ``csv`` counts them) in ``table[:end]``, which is
    UTF-8 (a line break is a byte of its own). Pairs are counted only when both bytes occur."""
    cr, lf = table.count(b"\r", 0, end), table.count(b"\n", 0, end)
    return cr + lf - (table.count(b"\r\n", 0, end) if cr and lf else 0)


def _plan(headers: list[str], fmt: str, file_name: str, mapping: dict[str, str] | None,
          saved_mapping: Callable[[str], dict[str, str] | None] | None):
    """(plan, mapping used) as ``importing.parse_file`` chooses them, or None if it would ask the user."""
    chosen = choose_plan(headers, fmt, file_name, mapping)
    if chosen is None and mapping is None and saved_mapping is not None:
        saved = saved_mapping(header_key(headers))
        chosen = mapping_plan(headers, saved, file_name) if saved else None
    return chosen


def _decode(data: bytes, file_name: str, head_only: bool) -> tuple[str, str, bool] | None:
    """(text, encoding, whether the text is the whole file), as ``decode_bytes`` reads the file, or
    None for a UTF-8 file with bytes to replace (the Python importer replaces them and names their rows).

    With ``head_only``, a large UTF-8 file is decoded only as far as its head, if that holds every
    line ``find_header`` scans (``decode_utf8_head``, which checks the whole file is valid UTF-8);
    the checks of ``_vet`` work on the bytes.
    """
    head = scannable_head(data, file_name) if head_only else None
    if head is not None:
        return head[0], head[1], False
    text, encoding, replaced = decode_text(data, file_name)
    return None if replaced else (text, encoding, True)


def _vet(data: bytes, file_name: str, mapping, saved_mapping, head_only: bool = True):
    """(DirectCsv without a path, bytes to write) or None.

    Works on offsets into the decoded text rather than slices of it: a 10 MB export is looked at a
    few times, never copied; a large UTF-8 file is decoded only as far as its head (``_decode``).
    """
    decoded = _decode(data, file_name, head_only)
    if decoded is None:
        return None
    text, encoding, whole = decoded
    if looks_like_vcard(text) or (encoding in _MAY_HOLD_NUL and "\x00" in text):
        return None
    header_line, start, delimiter = find_header(text, file_name)
    end = len(text)
    while whole and end > start and text[end - 1] in "\r\n":
        end -= 1
    if not whole and start + 200 > end:  # the format is told from the header's first 200 characters
        return _vet(data, file_name, mapping, saved_mapping, head_only=False)
    if encoding not in _STRICT and text.find(BROKEN, start) >= 0:
        return None
    first_end = min(i for i in (text.find("\n", start, end), text.find("\r", start, end), end) if i >= 0)
    first = text[start:first_end]
    if first.count('"') % 2:
        return None
    headers = [h.replace("\ufeff", "").strip() for h in next(csv.reader([first], delimiter=delimiter, strict=True))]
    if max(map(len, headers), default=0) > MAX_COLUMN_NAME:
        return None
    check_duplicates(headers, file_name, header_line)
    fmt = detect_format(headers, text[start : start + 200])
    planned = _plan(headers, fmt, file_name, mapping, saved_mapping)
    if not planned or not planned[0]:
        return None
    plan, used = planned
    if encoding in _UTF8:  # the bytes are already what DuckDB reads: no need to encode them again
        payload = data[len(text[:start].encode("utf-8")) + (3 if encoding == "utf-8-sig" else 0):]
    else:
        payload = text[start:end].encode("utf-8")
    table_end = len(payload)
    while table_end and payload[table_end - 1] in b"\r\n":
        table_end -= 1
    rows = _line_breaks(payload, table_end)
    if rows == 0 or _quote_beside_spaces(payload, delimiter, table_end):
        return None
    source = DirectCsv(
        file_name=file_name, format=fmt, encoding=encoding, delimiter=delimiter, headers=tuple(headers),
        mapping=used, path="", header_line=header_line, rows=rows, plan=plan,
        date_column=plan["connected_on"][0][0] if "connected_on" in plan else -1,
        other_whitespace=_other_whitespace(payload),
    )
    return source, payload


TEMP_PREFIX = "rapport-import-"
STALE_AFTER_S = 3600  # an import that has been running for an hour is not running any more


def remove_stale_copies(folder: str | None = None) -> int:
    """Remove the private copies an import left behind when its process was killed (the finally
    below never ran): they hold a user's contacts and nobody else removes them. Returns how many."""
    import time

    removed = 0
    for leftover in Path(folder or tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*.csv"):
        with contextlib.suppress(OSError):
            info = leftover.stat()
            if info.st_uid == os.getuid() and time.time() - info.st_mtime > STALE_AFTER_S:
                leftover.unlink()
                removed += 1
    return removed


@contextlib.contextmanager
def direct_csv(data: bytes, file_name: str, mapping: dict[str, str] | None = None,
               saved_mapping: Callable[[str], dict[str, str] | None] | None = None) -> Iterator[DirectCsv | None]:
    """A ``DirectCsv`` for ``data`` (its table in a private temporary file, removed afterwards), or None.

    ``mapping`` and ``saved_mapping`` (header key -> mapping saved for those columns) mean what
    they mean to ``importing.parse_file``. A file that cannot be read at all also yields None: the
    Python importer then raises the error that names the problem.
    """
    try:
        vetted = _vet(data, file_name, mapping, saved_mapping)
    except (ImportFileError, csv.Error, UnicodeError, ValueError):
        vetted = None
    if vetted is None:
        yield None
        return
    source, payload = vetted
    vetted = None
    remove_stale_copies()
    handle, path = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        payload = None  # a copy of the file: not held while DuckDB reads it
        yield DirectCsv(**{**source.__dict__, "path": path})
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
