"""Read a simple events CSV (one event per row, columns found by header name).

Why it exists: people keep event lists in spreadsheets, and not every event site exports .ics.
Columns are matched by name through aliases, never by position, so column order and extra
columns do not matter. Only the title column is required: an online community has no date,
so an empty start is allowed, but a start that is present and unreadable is rejected.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from engine.ics import guess_kind, guess_online, parse_cost, stable_uid
from engine.model import EVENT_FIELDS, EVENT_KINDS, ImportFileError, ParsedFile, Reject

ALIASES: dict[str, tuple[str, ...]] = {
    "uid": ("uid", "id", "event id"),
    "title": ("title", "name", "event", "event name", "summary"),
    "kind": ("kind", "type", "event type", "format"),
    "starts_at": ("start", "starts at", "date", "start date", "start time", "starts", "when"),
    "ends_at": ("end", "ends at", "end date", "end time", "ends"),
    "online": ("online", "virtual", "is online"),
    "location": ("location", "venue", "city", "place", "address"),
    "cost": ("cost", "price", "fee", "ticket price", "tickets"),
    "topics": ("topics", "tags", "topic", "categories", "category"),
    "audience": ("audience", "expected audience", "attendees"),
    "url": ("url", "link", "website", "event url", "event link"),
    "description": ("description", "details", "about", "notes"),
}
_KIND_ALIASES = {"conf": "conference", "community": "online group", "group": "online group",
                 "career fair": "job fair", "online session": "webinar", "meet-up": "meetup"}
_TRUE = {"yes", "y", "true", "1", "x", "online", "virtual", "ja", "oui"}
_DATE_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y", "%d %b %Y %H:%M", "%d %b %Y", "%d %B %Y", "%b %d, %Y",
                 "%B %d, %Y", "%b %d %Y", "%Y/%m/%d %H:%M", "%Y/%m/%d")


def _norm(header: str) -> str:
    return re.sub(r"[\s_\-]+", " ", header.replace("\ufeff", "")).strip().lower()


def _decode(data: bytes, file_name: str) -> tuple[str, str]:
    if not data or not data.strip():
        raise ImportFileError(file_name, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data:
        raise ImportFileError(file_name, "this is a binary file, not a CSV file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:  # an Excel "CSV" save on Windows
        return data.decode("cp1252", errors="replace"), "cp1252"


def parse_when(value: str) -> str | None:
    """A naive-UTC ISO datetime string from the date notations spreadsheets hold, else None.

    Slashed dates are read month first (US) unless the first number cannot be a month.
    """
    text = value.strip()
    moment = None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        slashed = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2}))?", text)
        if slashed:
            a, b, year, hour, minute = (int(g or 0) for g in slashed.groups())
            month, day = (b, a) if a > 12 else (a, b)
            try:
                moment = datetime(year, month, day, hour, minute)
            except ValueError:
                return None
    for fmt in _DATE_FORMATS:
        if moment is not None:
            break
        try:
            moment = datetime.strptime(text, fmt)
        except ValueError:
            continue
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()


def parse_events_csv(data: bytes, file_name: str) -> ParsedFile:
    """Parse an events CSV into EVENT_FIELDS records; bad rows become Rejects with line and column."""
    text, encoding = _decode(data, file_name)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=lambda d: (first_line.count(d), d == ","))
    # strict: an unterminated quote is an error, not one giant cell swallowing the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = next(reader)
        while not any(h.strip() for h in headers):
            headers = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ImportFileError(file_name, f"no header row found {exc}".strip()) from exc
    headers = [h.replace("\ufeff", "").strip() for h in headers]
    index: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        for i, header in enumerate(headers):
            if _norm(header) in aliases and i not in index.values():
                index[field] = i
                break
    if "title" not in index:
        raise ImportFileError(file_name, "no title column: expected one of " + ", ".join(ALIASES["title"]),
                              line=reader.line_num)
    parsed = ParsedFile(file_name=file_name, format="csv", encoding=encoding, delimiter=delimiter,
                        headers=headers, fields=EVENT_FIELDS,
                        mapping={field: headers[i] for field, i in index.items()})
    previous = reader.line_num
    try:
        for row in reader:
            line, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                parsed.skipped_blank += 1
                continue
            parsed.total += 1
            try:
                parsed.records.append(_record(row, index))
                parsed.lines.append(line)
            except _RowError as bad:
                parsed.rejects.append(Reject(line, bad.reason, column=headers[bad.column],
                                             raw=delimiter.join(row)))
    except csv.Error as exc:
        raise ImportFileError(file_name, f"unreadable CSV ({exc}), in the record starting here",
                              line=previous + 1) from exc
    return parsed


class _RowError(Exception):
    def __init__(self, column: int, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def _record(row: list[str], index: dict[str, int]) -> tuple:
    """One EVENT_FIELDS tuple; raises _RowError (column index, reason) for a row to reject."""
    def cell(field: str) -> str:
        i = index.get(field)
        return row[i].strip() if i is not None and i < len(row) else ""

    title = cell("title")
    if not title:
        raise _RowError(index["title"], "the event has no title")
    start_raw = cell("starts_at")
    starts_at = parse_when(start_raw) if start_raw else None
    if start_raw and starts_at is None:
        raise _RowError(index["starts_at"], f"start {start_raw!r} is not a date")
    ends_at = parse_when(cell("ends_at")) if cell("ends_at") else None
    location = cell("location")
    topics = tuple(t.strip() for t in re.split(r"[;,|]", cell("topics")) if t.strip())
    kind_raw = cell("kind").lower()
    kind_raw = _KIND_ALIASES.get(kind_raw, kind_raw)
    kind = kind_raw if kind_raw in EVENT_KINDS else guess_kind(" ".join([kind_raw, title, *topics]))
    online_raw = cell("online").lower()
    online = online_raw in _TRUE if online_raw else guess_online(location)
    uid = cell("uid") or stable_uid(title, start_raw)
    return (uid, title, kind, starts_at, ends_at, online, location or None, parse_cost(cell("cost")),
            topics, cell("audience") or None, cell("url") or None, cell("description") or None)
