"""Read a CSV body with the C ``csv`` module and turn its columns into contact records.

Speed matters (a 100,000-connection export must parse well under half a second), so the work is
done column by column with list comprehensions, ``zip`` and per-distinct-value caches instead of
a Python function call per cell; the only per-row Python is the loop that records line numbers.
Line numbers are physical lines (``reader.line_num``) so a quoted field spanning lines is counted.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from itertools import compress
from operator import itemgetter

from engine.records import CONTACT_FIELDS, ImportFileError, Reject

from .aliases import MIDDLE
from .csvformats import Plan
from .dates import BAD, EARLIEST, latest, out_of_range, parse_column
from .decode import BROKEN, REPLACED, allow_long_fields

NO_IDENTITY = "no name, e-mail or profile URL"
# A longer value is not a name, a title or a note but a broken or hostile file: the row is rejected.
MAX_VALUE = 100_000
MAX_COLUMN_NAME = 1_000
NEVER_CLOSED = 'the quoted value that starts here is never closed (a missing ")'
TEXT_AFTER_QUOTE = 'the quoted value ends here but more text follows (a quote inside a value must be doubled: "")'
_UNQUOTED = {d: re.compile(f"[^{re.escape(d)}\r\n]*") for d in (",", ";", "\t")}
_QUOTED_FIELD = re.compile(r'"[^"]*(?:""[^"]*)*"')
_BREAK = re.compile(r"\r\n|\r|\n")


def shown(value: str, width: int = 60) -> str:
    """A value quoted for a message, cut short so a 3 MB cell does not become a 3 MB message."""
    return repr(value if len(value) <= width else value[: width - 3] + "...")


class Lines:
    """Physical lines of a text (``\n``, ``\r\n`` or ``\r``, as ``csv`` counts them), indexed once on demand.

    With ``start``, line 1 is the one starting at that offset (a table below a preamble), and
    offsets stay offsets into the whole text, so the table is never copied out of it. ``text`` may
    be a function that decodes it: a file read a piece at a time is decoded whole only to name a
    quoting problem.
    """

    def __init__(self, text: str | Callable[[], str], start: int = 0):
        self._text = text  # or what decodes it, called only if a line is looked at
        self.start = start
        self._starts: list[int] | None = None

    @property
    def text(self) -> str:
        if callable(self._text):
            self._text = self._text()
        return self._text

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [self.start, *(match.end() for match in _BREAK.finditer(self.text, self.start))]
        return self._starts

    def offset(self, line: int) -> int:
        return self.starts[min(line, len(self.starts)) - 1]

    def line_of(self, pos: int) -> int:
        return bisect_right(self.starts, pos)

    def get(self, line: int, limit: int = 500) -> str:
        start = self.offset(line)
        return self.text[start : start + limit].split("\n", 1)[0].split("\r", 1)[0]


def quote_problem(lines: Lines, start_line: int, delimiter: str) -> tuple[str, int, int] | None:
    """The first quoting problem from ``start_line`` on, as ``csv`` in strict mode sees it.

    Returns (NEVER_CLOSED or TEXT_AFTER_QUOTE, physical line, index of the field in its record),
    or None. A quote inside an unquoted value is ordinary text, as it is to ``csv``.
    """
    text, pos, field = lines.text, lines.offset(start_line), 0
    end = len(text)
    while pos < end:
        if text[pos] == '"':
            match = _QUOTED_FIELD.match(text, pos)
            if match is None:
                return NEVER_CLOSED, lines.line_of(pos), field
            pos = match.end()
            if pos < end and text[pos] not in (delimiter, "\r", "\n"):
                return TEXT_AFTER_QUOTE, lines.line_of(pos), field
        else:
            pos = _UNQUOTED[delimiter].match(text, pos).end()
        if pos >= end:
            break
        if text[pos] == delimiter:
            field += 1
            pos += 1
        else:
            pos += 2 if text.startswith("\r\n", pos) else 1
            field = 0
    return None


def _column_name(headers: list[str] | None, index: int) -> str | None:
    return headers[index] if headers and index < len(headers) and headers[index] else None


def quoting_error(file_name: str, lines: Lines, start_line: int, delimiter: str, line0: int,
                  headers: list[str] | None = None) -> ImportFileError:
    """The file-level error for a quote left open at the end of the file (``csv``: "unexpected end of data")."""
    found = quote_problem(lines, start_line, delimiter)
    if found is None:  # csv saw something the scanner does not: still name the record's first line
        return ImportFileError(file_name, NEVER_CLOSED, line=start_line + line0)
    _reason, line, field = found
    return ImportFileError(file_name, NEVER_CLOSED, line=line + line0, column=_column_name(headers, field))


# Rows handed on at a time by ``open_table``: a 400,000-row export is never held as rows all at once.
CHUNK_ROWS = 50_000
# Characters of text (or bytes) read at a time: wrapped in a StringIO for ``csv``, which copies them at
# up to 4 bytes a character, or split into the lines of a vCard file.
PIECE = 1 << 21


def text_pieces(text: str | bytes, start: int = 0):
    """``text[start:]`` a piece at a time, each piece but the last ending just after a ``\n`` (so
    never inside ``\r\n``). ``text`` may be the bytes of a file that is valid UTF-8 throughout,
    decoded a piece at a time (a ``\n`` byte is never part of another character)."""
    end = len(text)
    if isinstance(text, str):
        newline, cut_out = "\n", text.__getitem__
    else:
        view = memoryview(text)
        newline, cut_out = b"\n", lambda part: str(view[part], "utf-8")
    while start < end:
        cut = text.find(newline, start + PIECE)
        stop = end if cut < 0 else cut + 1
        yield cut_out(slice(start, stop))
        start = stop


def _physical_lines(text: str | bytes, start: int):
    """The lines of ``text[start:]`` as ``csv`` reads them from ``StringIO(text[start:], newline="")``,
    a piece at a time (``text_pieces``): the same records and line numbers, without a copy of the whole."""
    for piece in text_pieces(text, start):
        yield from io.StringIO(piece, newline="")


def open_table(text: str, start: int, delimiter: str, file_name: str, line0: int, chunk_rows: int | None = None,
               utf8: tuple[bytes, str] | None = None):
    """(headers, chunks) of the table starting at ``text[start]`` with its header line.

    ``line0`` is the physical line number of the header in the whole file. The header is read
    (and refused, with its line) at once; ``chunks`` then yields (rows, start lines, rejects) of
    at most ``chunk_rows`` (default ``CHUNK_ROWS``) rows each, reading on as it is iterated. Short
    rows are padded, long rows rejected unless the extra cells are empty (a trailing delimiter).
    A quote never closed makes the whole file unreadable (everything after it would be one
    value), raised when the chunks reach it; text after a closing quote only rejects its row.

    With ``utf8`` (the bytes of a file that is valid UTF-8 throughout, and its encoding: utf-8 or
    utf-8-sig), ``text`` is only the file's head (``scannable_head``): the table is read from the
    bytes, a piece at a time, and the whole text decoded only if a quoting problem must be named.
    """
    allow_long_fields()
    if utf8 is None:
        lines, source = Lines(text, start), _physical_lines(text, start)
    else:
        data, encoding = utf8
        skip = 3 if encoding == "utf-8-sig" else 0  # the BOM, which the text leaves out
        lines = Lines(lambda: str(data, encoding), start)
        source = _physical_lines(data, skip + len(text[:start].encode("utf-8")))
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    try:
        headers = [h.replace("\ufeff", "").strip() for h in next(reader)]
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise quoting_error(file_name, lines, 1, delimiter, line0 - 1) from None
        found = quote_problem(lines, 1, delimiter)
        reason = found[0] if found else f"the header row cannot be read ({error})"
        raise ImportFileError(file_name, reason, line=line0) from None
    longest = max(headers, key=len, default="")
    if len(longest) > MAX_COLUMN_NAME:
        reason = (f"the header row has a column name {len(longest):,} characters long; "
                  "column names are short, so this does not look like a contacts file")
        raise ImportFileError(file_name, reason, line=line0)
    return headers, _row_chunks(reader, lines, headers, delimiter, file_name, line0 - 1, chunk_rows or CHUNK_ROWS)


def _row_chunks(reader, lines: Lines, headers: list[str], delimiter: str, file_name: str, offset: int,
                chunk_rows: int):
    width = len(headers)
    rows: list[list[str]] = []
    starts: list[int] = []
    rejects: list[Reject] = []
    append, append_start = rows.append, starts.append
    last = reader.line_num
    while True:
        try:
            for row in reader:
                if len(row) == width:
                    append(row)
                    append_start(last + 1 + offset)
                elif row:
                    if len(row) < width:
                        append(row + [""] * (width - len(row)))
                        append_start(last + 1 + offset)
                    elif any(cell.strip() for cell in row[width:]):
                        rejects.append(Reject(
                            last + 1 + offset, f"the row has {len(row)} fields but the header has {width}",
                            raw=delimiter.join(row)[:500]))
                    else:
                        append(row[:width])
                        append_start(last + 1 + offset)
                last = reader.line_num
                if len(rows) >= chunk_rows:
                    chunk, rows, starts, rejects = (rows, starts, rejects), [], [], []
                    append, append_start = rows.append, starts.append
                    yield chunk
                    del chunk
            break
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                raise quoting_error(file_name, lines, last + 1, delimiter, offset, headers) from None
            found = quote_problem(lines, last + 1, delimiter)
            if found is not None and found[1] <= reader.line_num:
                reason, line, field = found
                rejects.append(Reject(line + offset, reason, column=_column_name(headers, field),
                                      raw=lines.get(line)))
            else:
                rejects.append(Reject(last + 1 + offset, f"this line cannot be read as CSV ({error})",
                                      raw=lines.get(last + 1)))
            last = reader.line_num
    if rows or rejects:
        yield rows, starts, rejects


def bad_date_reason(value: str) -> str:
    """Why the date column's ``value`` (stripped) is not read as a date."""
    if out_of_range(value):
        return f"the date {shown(value)} is out of range ({EARLIEST} to {latest()})"
    return f"unparseable date {shown(value)}"


def _too_long(rows: list[list[str]], plan: Plan) -> dict[int, tuple[int, int]]:
    """Row index -> (column index, length) for values over MAX_VALUE in the columns the plan reads.

    Column-wise with C-level ``map``: a clean 100,000-row file pays a few milliseconds for it.
    """
    found: dict[int, tuple[int, int]] = {}
    for index in sorted({i for columns, _ in plan.values() for i in columns}):
        column = list(map(itemgetter(index), rows))
        if max(map(len, column), default=0) > MAX_VALUE:
            for i, value in enumerate(column):
                if len(value) > MAX_VALUE:
                    found.setdefault(i, (index, len(value)))
    return found


def reject_broken(rows: list[list[str]], starts: list[int], headers: list[str], delimiter: str, reason: str):
    """(rows, starts, rejects): rows holding a BROKEN character are rejected, naming its column."""
    kept_rows, kept_starts, rejects = [], [], []
    for row, line in zip(rows, starts):
        if any(BROKEN in cell for cell in row):
            index = next(i for i, cell in enumerate(row) if BROKEN in cell)
            raw = delimiter.join(row)[:500].replace(BROKEN, "\ufffd")
            rejects.append(Reject(line, reason, column=_column_name(headers, index), raw=raw))
        else:
            kept_rows.append(row)
            kept_starts.append(line)
    return kept_rows, kept_starts, rejects


def replace_invalid(rows: list[list[str]], starts: list[int], headers: list[str]) -> list[tuple[int, list[str]]]:
    """Show each REPLACED in ``rows`` as U+FFFD (in place); (line, names of its columns) of each row that held one.

    Only for a file ``decode_text`` read with replacements; a row at a time, as they are few.
    """
    places = []
    for row, line in zip(rows, starts):
        columns = [i for i, cell in enumerate(row) if REPLACED in cell]
        if columns:
            for i in columns:
                row[i] = row[i].replace(REPLACED, "\ufffd")
            places.append((line, [name for i in columns if (name := _column_name(headers, i))]))
    return places


def replaced_lines(text: str) -> list[tuple[int, list[str]]]:
    """(line, no column names) for each physical line of ``text`` holding REPLACED, in order."""
    lines, places, pos = Lines(text), [], text.find(REPLACED)
    while pos >= 0:
        line = lines.line_of(pos)
        if not places or places[-1][0] != line:
            places.append((line, []))
        pos = text.find(REPLACED, pos + 1)
    return places


def _column(rows: list[list[str]], index: int) -> list[str | None]:
    return [row[index].strip() or None for row in rows]


def _first_value(values: list[str | None]) -> list[str | None]:
    """Google joins several e-mails or phones in one cell with ' ::: '; keep the first."""
    if ":::" not in "\n".join(filter(None, values)):  # one C-speed pass for the usual case
        return values
    return [v.split(":::", 1)[0].strip() or None if v and ":::" in v else v for v in values]


def _field(rows, columns: tuple[int, ...], linkedin_only: bool) -> list[str | None]:
    values = None
    for index in columns:
        column = _column(rows, index)
        if linkedin_only:
            column = [v if v and "linkedin." in v.casefold() else None for v in column]
        values = column if values is None else [a or b for a, b in zip(values, column, strict=True)]
        if None not in values:
            break
    return values


def visible(text: str) -> bool:
    """Does ``text`` show anything? Not if it is made only of spaces, controls and format characters
    (zero-width spaces, direction marks): such a name is no name. The store's direct path applies
    the same rule in SQL (``[\\p{C}\\p{Z}]``, where RE2 counts unassigned code points as visible)."""
    return any((c.isprintable() and c != " ") or unicodedata.category(c) == "Cn" for c in text)


def _visible_names(names: list[str | None]) -> list[str | None]:
    """``names`` with those that show nothing made None; one C-speed test settles the usual file."""
    if "".join(filter(None, names)).isprintable():  # a name is stripped, so then each shows a character
        return names
    return [name if name is None or visible(name) else None for name in names]


def _full_names(first, middle, last) -> list[str | None]:
    if middle is not None:
        return [" ".join(filter(None, parts)) or None for parts in zip(first, middle, last, strict=True)]
    return [f"{f} {la}" if f and la else f or la for f, la in zip(first, last, strict=True)]


def build_records(rows, starts, plan: Plan, headers: list[str], split_tags, delimiter: str,
                  undated: list[tuple[int, str]] | None = None):
    """(records, lines, skipped_blank, rejects) for rows already cut to the header width.

    A row whose date cannot be read is kept without its date; (line, the value) goes to ``undated``.
    """
    n = len(rows)
    nothing = [None] * n
    values = {field: _field(rows, *plan[field]) for field in plan}
    too_long = _too_long(rows, plan)
    for i in too_long:  # rejected below; blanked here so no date parser or tag splitter reads 3 MB
        for column in values.values():
            column[i] = None
    for field in ("email", "phone", "linkedin_url"):
        if field in values:
            values[field] = _first_value(values[field])
    first, last = values.get("first_name", nothing), values.get("last_name", nothing)
    if "first_name" in values or "last_name" in values or MIDDLE in values:
        built = _full_names(first, values.get(MIDDLE), last)
        given = values.get("full_name")
        values["full_name"] = built if given is None else [g or b for g, b in zip(given, built, strict=True)]
    if "full_name" in values:
        values["full_name"] = _visible_names(values["full_name"])
    if "tags" in values:
        cache = {v: split_tags(v) for v in set(values["tags"]) if v is not None}
        cache[None] = ()
        values["tags"] = list(map(cache.__getitem__, values["tags"]))
    else:
        values["tags"] = [()] * n
    date_index = plan["connected_on"][0][0] if "connected_on" in plan else -1
    if date_index >= 0:
        values["connected_on"] = parse_column(values["connected_on"])

    columns = [values.get(field, nothing) for field in CONTACT_FIELDS]
    full, email, url = (values.get(f, nothing) for f in ("full_name", "email", "linkedin_url"))
    rejects = [
        Reject(starts[i], f"the value is too long: {length:,} characters (at most {MAX_VALUE:,})",
               column=headers[index], raw=delimiter.join(rows[i])[:500])
        for i, (index, length) in sorted(too_long.items())
    ]
    drop = {i for i, name in enumerate(full) if name is None and email[i] is None and url[i] is None}
    skipped = 0
    for i in sorted(drop):
        if i in too_long:
            continue
        row = rows[i]
        if "".join(row[:date_index] + row[date_index + 1 :] if date_index >= 0 else row).strip():
            rejects.append(Reject(starts[i], NO_IDENTITY, raw=delimiter.join(rows[i])[:500]))
        else:
            skipped += 1
    drop |= too_long.keys()
    if date_index >= 0 and any(value is BAD for value in set(values["connected_on"])):
        dates = values["connected_on"]  # an unreadable date never costs the contact: kept, undated
        for i, value in enumerate(dates):
            if value is BAD:
                dates[i] = None
                if i not in drop and undated is not None:
                    undated.append((starts[i], rows[i][date_index].strip()))
    records = list(zip(*columns, strict=True))
    lines = starts
    if drop:
        keep = bytearray(b"\x01") * n
        for i in drop:
            keep[i] = 0
        records, lines = list(compress(records, keep)), list(compress(starts, keep))
    return records, lines, skipped, rejects


def split_tags(value: str, separators: tuple[str, ...] = (":::", ";", ",")) -> tuple[str, ...]:
    """Labels to tags: split on the first separator present, drop Google's '* ' and 'myContacts'."""
    parts = [value]
    for separator in separators:
        if separator in value:
            parts = value.split(separator)
            break
    tags: list[str] = []
    for part in parts:
        tag = part.strip().removeprefix("* ").strip()
        if tag and tag.casefold() != "mycontacts" and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def undated_warnings(file_name: str, column: str, undated: list[tuple[int, str]], most: int = 50) -> list[str]:
    """Warnings for the rows kept without their date: file, line, column and why, at most ``most`` named."""
    undated = sorted(undated)
    warnings = [f"{file_name} line {line}, column {column!r}: {bad_date_reason(value)}; "
                "the contact was imported without this date" for line, value in undated[:most]]
    if len(undated) > most:
        warnings.append(f"{file_name}: ... and {len(undated) - most:,} more rows whose {column!r} is not a date "
                        "(imported without it)")
    return warnings
