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
from itertools import compress

from ..model import CONTACT_FIELDS, ImportFileError, Reject
from .aliases import MIDDLE
from .csvformats import Plan
from .dates import BAD, parse_column

NO_IDENTITY = "no name, e-mail or profile URL"
_UNQUOTED = {d: re.compile(f"[^{re.escape(d)}\r\n]*") for d in (",", ";", "\t")}
_QUOTED_FIELD = re.compile(r'"(?:[^"]|"")*"')


def _line_of(text: str, pos: int, first: int) -> int:
    return first + text.count("\n", 0, pos) + text.count("\r", 0, pos) - text.count("\r\n", 0, pos)


def _open_quote_line(body: str, start_line: int, delimiter: str) -> int:
    """Physical line (relative to ``body``) where the quote left open by the last record began."""
    lines = io.StringIO(body, newline="")
    skipped = sum(len(lines.readline()) for _ in range(start_line - 1))
    rest, pos = body[skipped:], 0
    while pos < len(rest):
        if rest[pos] == '"':
            match = _QUOTED_FIELD.match(rest, pos)
            if match is None:
                return _line_of(rest, pos, start_line)
            pos = match.end()
        else:
            pos = _UNQUOTED[delimiter].match(rest, pos).end()
        if rest.startswith("\r\n", pos):
            pos += 1
        pos += 1  # the delimiter or line break after the field
    return start_line


def read_table(body: str, delimiter: str, file_name: str, line0: int):
    """(headers, rows, start lines, rejects) from ``body``, whose first line is the header.

    ``line0`` is the physical line number of the header in the whole file. Short rows are padded,
    long rows rejected unless the extra cells are empty (a trailing delimiter).
    """
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = [h.replace("\ufeff", "").strip() for h in next(reader)]
    except csv.Error as error:
        raise ImportFileError(file_name, f"the header row cannot be read ({error})", line=line0) from error
    width, offset = len(headers), line0 - 1
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
            break
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                line = _open_quote_line(body, last + 1, delimiter) + offset
                reason = 'a quoted field is never closed (a missing ")'
                raise ImportFileError(file_name, reason, line=line) from None
            if "field limit" in str(error):
                reason = f"a field is longer than {csv.field_size_limit()} characters (line too long)"
            else:
                reason = f"malformed quoting ({error})"
            rejects.append(Reject(last + 1 + offset, reason))
            last = reader.line_num
    return headers, rows, starts, rejects


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


def _full_names(first, middle, last) -> list[str | None]:
    if middle is not None:
        return [" ".join(filter(None, parts)) or None for parts in zip(first, middle, last, strict=True)]
    return [f"{f} {la}" if f and la else f or la for f, la in zip(first, last, strict=True)]


def build_records(rows, starts, plan: Plan, headers: list[str], split_tags, delimiter: str):
    """(records, lines, skipped_blank, rejects) for rows already cut to the header width."""
    n = len(rows)
    nothing = [None] * n
    values = {field: _field(rows, *plan[field]) for field in plan}
    for field in ("email", "phone", "linkedin_url"):
        if field in values:
            values[field] = _first_value(values[field])
    first, last = values.get("first_name", nothing), values.get("last_name", nothing)
    if "first_name" in values or "last_name" in values or MIDDLE in values:
        built = _full_names(first, values.get(MIDDLE), last)
        given = values.get("full_name")
        values["full_name"] = built if given is None else [g or b for g, b in zip(given, built, strict=True)]
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
    drop = {i for i, name in enumerate(full) if name is None and email[i] is None and url[i] is None}
    skipped = 0
    rejects: list[Reject] = []
    for i in sorted(drop):
        row = rows[i]
        if "".join(row[:date_index] + row[date_index + 1 :] if date_index >= 0 else row).strip():
            rejects.append(Reject(starts[i], NO_IDENTITY, raw=delimiter.join(rows[i])[:500]))
        else:
            skipped += 1
    if date_index >= 0 and any(value is BAD for value in set(values["connected_on"])):
        for i, value in enumerate(values["connected_on"]):
            if value is BAD and i not in drop:
                drop.add(i)
                rejects.append(Reject(
                    starts[i], f"unparseable date {rows[i][date_index].strip()!r}",
                    column=headers[date_index], raw=delimiter.join(rows[i])[:500]))
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
