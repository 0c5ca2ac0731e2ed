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
from datetime import UTC, datetime, timedelta

from engine.records import EVENT_FIELDS, ImportFileError, ParsedFile, Reject
from engine.vocabulary import EVENT_KINDS

from .decode import BROKEN, BROKEN_ERRORS, REPLACED, REPLACED_ERRORS, allow_long_fields, mostly_utf8, replaced_warnings
from .event_words import guess_kind, guess_online, parse_cost, says_cancelled
from .ics import stable_uid
from .rows import MAX_VALUE, TEXT_AFTER_QUOTE, Lines, quote_problem, quoting_error, replaced_lines, shown

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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # invalid bytes become BROKEN: their row is rejected
        return data.decode("utf-16", BROKEN_ERRORS), "utf-16"
    if b"\x00" in data:
        raise ImportFileError(file_name, "this is a binary file, not a CSV file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if mostly_utf8(data):  # UTF-8 but for a few bytes (see importers.decode): those become REPLACED
            return data.decode("utf-8", REPLACED_ERRORS), "utf-8"
        return data.decode("cp1252", errors="replace"), "cp1252"  # an Excel "CSV" save on Windows


_SLASHED = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/\d{4}")


def slashed_order(text: str) -> bool | None:
    """Whether a file's slashed dates are day first (True), month first (False) or cannot tell (None):
    one date whose first number cannot be a month ("13/01/2027") says so of them all, and
    "05/01/2027" in the same file is the 5th of January, not the 1st of May."""
    firsts = seconds = False
    for a, b in _SLASHED.findall(text):
        firsts |= int(a) > 12
        seconds |= int(b) > 12
    return True if firsts and not seconds else False if seconds and not firsts else None


def parse_when(value: str, day_first: bool | None = None) -> str | None:
    """A naive-UTC ISO datetime string from the date notations spreadsheets hold, else None.

    Slashed dates are read as ``day_first`` says (the file's order, ``slashed_order``); where it
    cannot tell, month first (US) unless the first number cannot be a month.
    """
    text = value.strip()
    moment = None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        slashed = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2}))?", text)
        if slashed:
            a, b, year, hour, minute = (int(g or 0) for g in slashed.groups())
            month, day = (b, a) if a > 12 or (day_first and b <= 12) else (a, b)
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
        try:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:  # "9999-12-31T23:00-05:00" is after the last datetime in UTC
            return None
    return moment.isoformat()


def parse_events_csv(data: bytes, file_name: str) -> ParsedFile:
    """Parse an events CSV into EVENT_FIELDS records; bad rows become Rejects with line and column.

    As for contacts: a quote never closed, a header naming a column twice or no title column
    refuse the file; a ragged row, an unreadable date, a value over MAX_VALUE characters or
    bytes that are not valid text reject only their row.
    """
    text, encoding = _decode(data, file_name)
    warnings = []
    if encoding == "utf-8" and REPLACED in text:  # shown as U+FFFD, their lines named
        warnings = replaced_warnings(replaced_lines(text))
        text = text.replace(REPLACED, "\ufffd")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=lambda d: (first_line.count(d), d == ","))
    allow_long_fields()
    lines = Lines(text)
    # strict: an unterminated quote is an error, not one giant cell swallowing the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = next(reader)
        while not any(h.strip() for h in headers):
            headers = next(reader)
    except StopIteration:
        raise ImportFileError(file_name, "the file has no header row (column names)") from None
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise quoting_error(file_name, lines, reader.line_num or 1, delimiter, 0) from None
        raise ImportFileError(file_name, f"the header row cannot be read ({exc})", line=reader.line_num) from None
    header_line = reader.line_num
    headers = [h.replace("\ufeff", "").strip() for h in headers]
    _check_headers(headers, file_name, header_line)
    index: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        for i, header in enumerate(headers):
            if _norm(header) in aliases and i not in index.values():
                index[field] = i
                break
    if "title" not in index:
        raise ImportFileError(file_name, "no title column: expected one of " + ", ".join(ALIASES["title"]),
                              line=header_line)
    parsed = ParsedFile(file_name=file_name, format="csv", encoding=encoding, delimiter=delimiter,
                        headers=headers, fields=EVENT_FIELDS, warnings=warnings,
                        mapping={field: headers[i] for field, i in index.items()})
    day_first = slashed_order(text)
    if day_first is None and _SLASHED.search(text) and any(
            int(a) > 12 for a, _ in _SLASHED.findall(text)):  # both orders in one file: each date as it reads
        parsed.warnings.append("the file writes dates both day first (13/01) and month first (01/13); each "
                               "date whose order is not clear was read month first")
    # a separate time column ("Date", "Time"): the start's time of day
    time_at = next((i for i, h in enumerate(headers) if _norm(h) in _TIME_HEADERS and i not in index.values()), None)
    width, broken = len(headers), BROKEN in text
    previous = reader.line_num
    cancelled: list[str] = []
    while True:
        try:
            for row in reader:
                line, previous = previous + 1, reader.line_num
                if not any(cell.strip() for cell in row):
                    parsed.skipped_blank += 1
                    continue
                parsed.total += 1
                raw = delimiter.join(row)[:500].replace(BROKEN, "\ufffd")
                try:
                    _check_row(row, width, index, broken)
                    record = _record(row, index, day_first, time_at)
                    if says_cancelled(record[1]):  # "... (CANCELLED)": not to be suggested, nor exported
                        cancelled.append(record[1])
                        continue
                    parsed.records.append(record)
                    parsed.lines.append(line)
                except _RowError as bad:
                    column = headers[bad.column] if bad.column is not None and bad.column < width else None
                    parsed.rejects.append(Reject(line, bad.reason, column=column or None, raw=raw))
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise quoting_error(file_name, lines, previous + 1, delimiter, 0, headers) from None
            parsed.total += 1
            found = quote_problem(lines, previous + 1, delimiter)
            if found is not None and found[0] == TEXT_AFTER_QUOTE and found[1] <= reader.line_num:
                _reason, line, field = found
                column = headers[field] if field < width and headers[field] else None
                parsed.rejects.append(Reject(line, TEXT_AFTER_QUOTE, column=column, raw=lines.get(line)))
            else:
                parsed.rejects.append(Reject(previous + 1, f"this line cannot be read as CSV ({exc})",
                                             raw=lines.get(previous + 1)))
            previous = reader.line_num
    if cancelled:
        parsed.warnings.append(f"{len(cancelled)} cancelled event{'s' * (len(cancelled) > 1)} left out (the title "
                               f"says so): {', '.join(shown(t) for t in cancelled[:5])}"
                               + (" ..." if len(cancelled) > 5 else ""))
    return parsed


def _check_headers(headers: list[str], file_name: str, line: int) -> None:
    """Refuse a header naming a column twice (which one is meant?) or holding broken bytes."""
    seen: set[str] = set()
    for header in headers:
        if BROKEN in header:
            raise ImportFileError(file_name, "the header row has bytes that are not valid UTF-16 text", line=line)
        if len(header) > 1_000:
            raise ImportFileError(file_name, f"the header row has a column name {len(header):,} characters long; "
                                  "this does not look like an events file", line=line)
        if header and header in seen:
            raise ImportFileError(file_name, "two columns have the same name; rename one", line=line, column=header)
        seen.add(header)


def _check_row(row: list[str], width: int, index: dict[str, int], broken: bool) -> None:
    """Raise _RowError for a row that cannot be imported as written, whatever its dates say."""
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        raise _RowError(None, f"the row has {len(row)} fields but the header has {width}")
    if broken:
        for i, cell in enumerate(row):
            if BROKEN in cell:
                raise _RowError(i, "this value has bytes that are not valid UTF-16 text (a broken character)")
    for i in sorted(index.values()):
        if i < len(row) and len(row[i]) > MAX_VALUE:
            raise _RowError(i, f"the value is too long: {len(row[i]):,} characters (at most {MAX_VALUE:,})")


class _RowError(Exception):
    def __init__(self, column: int | None, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


_TIME_HEADERS = ("time", "start time", "starts at time", "from")
_HAS_TIME = re.compile(r"\d{1,2}(?::|h)\d{2}")  # a cell that gives a time of day, not a date alone


def _record(row: list[str], index: dict[str, int], day_first: bool | None = None, time_at: int | None = None) -> tuple:
    """One EVENT_FIELDS tuple; raises _RowError (column index, reason) for a row to reject."""
    def cell(field: str) -> str:
        i = index.get(field)
        return row[i].strip() if i is not None and i < len(row) else ""

    title = cell("title")
    if not title:
        raise _RowError(index["title"], "the event has no title")
    start_raw = cell("starts_at")
    starts_at = parse_when(start_raw, day_first) if start_raw else None
    if start_raw and starts_at is None:
        raise _RowError(index["starts_at"], f"start {shown(start_raw)} is not a date")
    clock = row[time_at].strip() if time_at is not None and time_at < len(row) else ""
    if clock and starts_at is not None and starts_at.endswith("T00:00:00"):
        hour = re.fullmatch(r"(\d{1,2})[:.h](\d{2})\s*([ap]\.?m\.?)?", clock, re.IGNORECASE)
        if hour is None or int(hour.group(1)) > (12 if hour.group(3) else 23) or int(hour.group(2)) > 59:
            raise _RowError(time_at, f"time {shown(clock)} is not a time of day (like 18:30)")
        h = int(hour.group(1)) % 12 + (12 if (hour.group(3) or "").lower().startswith("p") else 0) \
            if hour.group(3) else int(hour.group(1))
        starts_at = f"{starts_at[:10]}T{h:02d}:{int(hour.group(2)):02d}:00"
    end_raw = cell("ends_at")
    ends_at = parse_when(end_raw, day_first) if end_raw else None
    if end_raw and ends_at is None:
        raise _RowError(index["ends_at"], f"end {shown(end_raw)} is not a date")
    if ends_at is not None and ends_at.endswith("T00:00:00") and not _HAS_TIME.search(end_raw):
        # "to 10 Dec" takes in the 10th: stored as the next midnight, an iCalendar DTEND's exclusive end
        ends_at = (datetime.fromisoformat(ends_at) + timedelta(days=1)).isoformat()
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
