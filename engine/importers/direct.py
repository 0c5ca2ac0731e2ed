"""Which contacts CSVs DuckDB may read itself, and the plan it reads them with.

The store's direct path (``store.direct``) is several times faster than parsing in Python, but it
must give exactly the contacts (and the rejected rows) the Python importer gives. So a file
qualifies only when the two readers provably agree on it; everything else is read by the Python
importer, which names each problem by line and column. A file qualifies when:

- it decodes as text (any encoding we read) and the header is found, as for the Python importer;
- no character in it is broken, and it holds no NUL character;
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
import itertools
import os
import tempfile
from collections.abc import Callable, Iterator

from ..model import WHITESPACE, DirectCsv, ImportFileError
from .csvformats import check_duplicates, choose_plan, detect_format, header_key, mapping_plan
from .decode import BROKEN, decode_bytes, find_header
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
# byte is a memchr. So the ASCII ones are looked for as bytes, and the others only where the
# first byte of their UTF-8 form occurs at all.
_ASCII_WHITESPACE = tuple(c.encode() for c in _OTHER_WHITESPACE if c.isascii())
_BY_LEAD_BYTE: dict[bytes, tuple[str, ...]] = {}
for _c in _OTHER_WHITESPACE:
    if not _c.isascii():
        _BY_LEAD_BYTE[_c.encode()[:1]] = (*_BY_LEAD_BYTE.get(_c.encode()[:1], ()), _c)


def _other_whitespace(text: str, utf8: bytes) -> bool:
    """Whitespace other than spaces and line breaks in the table ``utf8`` (UTF-8), found in ``text``.

    ``text`` is the whole decoded file, the table and anything above it: a character found above
    the table only costs the slower trim, never a wrong value.
    """
    if any(byte in utf8 for byte in _ASCII_WHITESPACE):
        return True
    return any(ch in text for lead, chars in _BY_LEAD_BYTE.items() if lead in utf8 for ch in chars)


def _quote_beside_spaces(table: bytes, delimiter: str, end: int) -> bool:
    """A quote with spaces between it and the edge of its value (``, "a"`` or ``"a" ,``) in ``table[:end]``.

    ``table`` is UTF-8, where a quote, a space, a delimiter and a line break are single bytes that
    never occur inside another character. Looks only beside the quotes: split on them (a search
    for one byte is a memchr), keep the pieces that end or start with a space, and walk over the
    spaces of those alone. Searching the text for ``' "'`` and ``'" '`` cost four times as much
    on a 10 MB export.
    """
    if table.find(b'"', 0, end) < 0:
        return False
    edges = (ord(delimiter), 10, 13)
    pieces = table[:end].split(b'"')
    spaced = [i for i, piece in enumerate(pieces) if piece[-1:] == b" " or piece[:1] == b" "]
    if not spaced:
        return False
    ends = list(itertools.accumulate(len(piece) + 1 for piece in pieces))  # just past each piece's quote
    for i in spaced:
        quote_after, quote_before = ends[i] - 1, ends[i] - len(pieces[i]) - 2
        if i < len(pieces) - 1 and pieces[i][-1:] == b" ":  # spaces, then the quote after this piece
            k = quote_after - 1
            while k >= 0 and table[k] == 32:
                k -= 1
            if k < 0 or table[k] in edges:
                return True
        if i > 0 and pieces[i][:1] == b" ":  # the quote before this piece, then spaces
            k = quote_before + 1
            while k < end and table[k] == 32:
                k += 1
            if k >= end or table[k] in edges:
                return True
    return False


def _line_breaks(text: str, start: int, end: int) -> int:
    """Line breaks (``\r\n``, ``\r`` or ``\n``, as ``csv`` counts them) in ``text[start:end]``."""
    cr, lf = text.count("\r", start, end), text.count("\n", start, end)
    return cr + lf - (text.count("\r\n", start, end) if cr and lf else 0)


def _plan(headers: list[str], fmt: str, file_name: str, mapping: dict[str, str] | None,
          saved_mapping: Callable[[str], dict[str, str] | None] | None):
    """(plan, mapping used) as ``importing.parse_file`` chooses them, or None if it would ask the user."""
    chosen = choose_plan(headers, fmt, file_name, mapping)
    if chosen is None and mapping is None and saved_mapping is not None:
        saved = saved_mapping(header_key(headers))
        chosen = mapping_plan(headers, saved, file_name) if saved else None
    return chosen


def _vet(data: bytes, file_name: str, mapping, saved_mapping):
    """(DirectCsv without a path, bytes to write) or None.

    Works on offsets into the decoded text rather than slices of it: a 10 MB export is looked at a
    few times, never copied.
    """
    text, encoding = decode_bytes(data, file_name)
    if looks_like_vcard(text) or (encoding in _MAY_HOLD_NUL and "\x00" in text):
        return None
    header_line, start, delimiter = find_header(text, file_name)
    end = len(text)
    while end > start and text[end - 1] in "\r\n":
        end -= 1
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
    rows = _line_breaks(text, start, end)
    if rows == 0 or _quote_beside_spaces(payload, delimiter, table_end):
        return None
    source = DirectCsv(
        file_name=file_name, format=fmt, encoding=encoding, delimiter=delimiter, headers=tuple(headers),
        mapping=used, path="", header_line=header_line, rows=rows, plan=plan,
        date_column=plan["connected_on"][0][0] if "connected_on" in plan else -1,
        other_whitespace=_other_whitespace(text, payload),
    )
    return source, payload


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
    handle, path = tempfile.mkstemp(prefix="rapport-import-", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        yield DirectCsv(**{**source.__dict__, "path": path})
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
