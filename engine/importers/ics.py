"""Read and write iCalendar (RFC 5545) events with the standard library only.

Why hand-rolled: the importer must never crash on what Meetup, Eventbrite, Luma, Google or
Outlook export and must point at the physical line of a bad event (``calendar`` checks a file
here before ``icalendar`` reads it). Only the parts of RFC 5545 that matter for a list of networking events are read:
SUMMARY, DTSTART/DTEND/DURATION, LOCATION, DESCRIPTION, URL, UID, CATEGORIES. A recurring
event (RRULE) is imported once, at its next start from today (``calendar.advance_recurring``,
with ``recurring-ical-events``), or at its first start when it has none left.

All times come out as naive ISO strings ("YYYY-MM-DDTHH:MM:SS") of the wall clock in the user's
zone (the one set in Settings, else this computer's): a meetup at 18:00Z reads 19:00 in Lagos, as
an events CSV's times and the clock the ranking compares them with do. Floating times (no ``Z``,
no TZID) and all-day dates have no zone, so they are kept as written.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.clock import as_utc, now_utc, wall_clock
from engine.records import EVENT_FIELDS, ImportFileError, ParsedFile, Reject

from .decode import BROKEN, BROKEN_ERRORS, REPLACED, REPLACED_ERRORS, mostly_utf8, replaced_warnings
from .event_words import guess_kind, guess_online, parse_cost, says_cancelled
from .rows import MAX_VALUE, shown

log = logging.getLogger(__name__)

# Outlook writes Windows zone names as TZID; zoneinfo only knows IANA names.
_WINDOWS_ZONES = {
    "W. Europe Standard Time": "Europe/Berlin", "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest", "Central European Standard Time": "Europe/Warsaw",
    "GMT Standard Time": "Europe/London", "E. Europe Standard Time": "Europe/Bucharest",
    "FLE Standard Time": "Europe/Helsinki", "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago", "Mountain Standard Time": "America/Denver",
    "Pacific Standard Time": "America/Los_Angeles", "India Standard Time": "Asia/Kolkata",
    "Singapore Standard Time": "Asia/Singapore", "Tokyo Standard Time": "Asia/Tokyo",
    "AUS Eastern Standard Time": "Australia/Sydney",
}
# Which property fills which field, reported as the file's "headers" and "mapping".
_MAPPING = {"uid": "UID", "title": "SUMMARY", "starts_at": "DTSTART", "ends_at": "DTEND",
            "location": "LOCATION", "description": "DESCRIPTION", "url": "URL", "topics": "CATEGORIES"}

_URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
def stable_uid(title: str, start: str) -> str:
    """A UID for an event that has none, stable across re-imports so duplicates merge."""
    return hashlib.sha1(f"{title}\x1f{start}".encode()).hexdigest()


def _join_folded(lines, fold: tuple) -> list[tuple[int, object]]:
    """(physical line, logical line) for str or bytes lines; the pieces of a folded line are joined
    once (adding 40,000 folds of a 3 MB value one by one would copy it 40,000 times)."""
    logical: list[tuple[int, list]] = []
    for number, line in enumerate(lines, start=1):
        if line[:1] in fold and logical:
            logical[-1][1].append(line[1:])
        elif line.strip():
            logical.append((number, [line]))
    empty = fold[0][:0]
    return [(number, empty.join(parts)) for number, parts in logical]


def _unfold(data: bytes, file_name: str) -> tuple[list[tuple[int, str]], str]:
    """Logical lines with the physical line each starts on (RFC 5545 3.1), and the encoding.

    Unfolding happens on bytes, before decoding, because naive writers fold at 75 octets in
    the middle of a multi-byte UTF-8 character; joined first, the character is whole again.
    UTF-16 (from some Windows tools) is decoded first instead: its characters cannot be split
    that way, and bytes that are not valid UTF-16 become BROKEN, so only their event is rejected.
    """
    if not data or not data.strip():
        raise ImportFileError(file_name, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", BROKEN_ERRORS)
        return _join_folded(re.split(r"\r\n|\n|\r", text), (" ", "\t")), "utf-16"
    encoding = "utf-8"
    if b"\x00" in data:
        raise ImportFileError(file_name, "this is a binary file, not an iCalendar (.ics) file")
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    logical = _join_folded(re.split(rb"\r\n|\n|\r", data), (b" ", b"\t"))
    try:
        return [(n, line.decode("utf-8")) for n, line in logical], encoding
    except UnicodeDecodeError:
        if encoding == "utf-8-sig" or mostly_utf8(b"\n".join(line for _n, line in logical)):
            # UTF-8 but for a few bytes (see importers.decode): those become REPLACED
            return [(n, line.decode("utf-8", REPLACED_ERRORS)) for n, line in logical], encoding
        # not UTF-8 as RFC 5545 demands: most likely a Windows export
        return [(n, line.decode("cp1252", errors="replace")) for n, line in logical], "cp1252"


def _split_content_line(line: str) -> tuple[str, dict[str, str], str]:
    """NAME;PARAM=VALUE;...:value -> (NAME, params, value); quoted params may hold ':' and ';'."""
    quoted = False
    cut = len(line)
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            cut = i
            break
    head, value = line[:cut], line[cut + 1:]
    parts = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    name = (parts[0] if parts else "").strip().upper()
    name = name.split(".", 1)[-1]  # grouped properties like item1.URL
    params: dict[str, str] = {}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        params[key.strip().upper()] = val.strip().strip('"')
    return name, params, value


def unescape_text(value: str) -> str:
    """Undo RFC 5545 TEXT escaping: \\\\ \\; \\, \\n \\N."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value, flags=re.DOTALL)


def _split_list(value: str) -> list[str]:
    """Split a TEXT list on unescaped commas, then unescape each item."""
    items = (unescape_text(item).strip() for item in re.findall(r"(?:\\.|[^,\\])+", value))
    return [item for item in items if item]


def _zone(tzid: str) -> ZoneInfo | None:
    """IANA name, Windows name, or a prefixed path like /mozilla.org/20050126_1/Europe/Berlin."""
    for name in (tzid, _WINDOWS_ZONES.get(tzid), "/".join(tzid.strip("/").split("/")[-2:])):
        try:
            return ZoneInfo(name) if name else None
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
            continue
    return None


def parse_ics_datetime(value: str, params: dict[str, str], notes: list[str] | None = None,
                       tz: str | None = None) -> str | None:
    """An ISO "YYYY-MM-DDTHH:MM:SS" string of the wall clock in the zone ``tz`` (None: this
    computer's), or None when the value is not a date.

    An unknown TZID is read as UTC (and noted in ``notes`` and the log) rather than rejected:
    an event an hour off is more useful than no event.
    """
    raw = value.strip()
    compact = raw.replace("-", "").replace(":", "")
    try:
        if params.get("VALUE", "").upper() == "DATE" or re.fullmatch(r"\d{8}", compact):
            return datetime.strptime(compact[:8], "%Y%m%d").isoformat()
        match = re.fullmatch(r"(\d{8}T\d{4}(?:\d{2})?)(Z?)", compact, re.IGNORECASE)
        if not match:
            return None
        stamp = match.group(1).upper()
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%S" if len(stamp) == 15 else "%Y%m%dT%H%M")
    except ValueError:
        return None
    tzid = params.get("TZID")
    if not match.group(2) and not tzid:
        return moment.isoformat()  # floating: the wall clock wherever the user is
    zone = UTC if match.group(2) else _zone(tzid)
    if zone is None:
        message = f"unknown time zone {tzid!r}: read as UTC"
        log.warning(message)
        if notes is not None:
            notes.append(message)
        zone = UTC
    try:
        return wall_clock(moment.replace(tzinfo=zone), tz).isoformat()
    except (OverflowError, ValueError):  # 9999-12-31 23:00 in New York is after the last datetime
        return None


def _parse_duration(value: str) -> timedelta | None:
    pattern = r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?"
    match = re.fullmatch(pattern, value.strip())
    if not match or value.strip() in ("P", "PT"):
        return None
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups()[1:])
    try:
        delta = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:  # "P99999999999W": longer than any date can hold
        return None
    return -delta if match.group(1) == "-" else delta


def _text(props: dict[str, list[tuple[dict[str, str], str]]], name: str) -> str:
    values = props.get(name)
    return unescape_text(values[0][1]).strip() if values else ""


class _BadEvent(Exception):
    """A VEVENT that cannot be imported: the property at fault and the reason, for the Reject."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


# The properties an event is read from: a broken character or an absurd length in one of them
# rejects the event; anything else in the calendar (PHOTO, ATTACH, X-...) is never looked at.
_READ = ("UID", "SUMMARY", "DTSTART", "DTEND", "DURATION", "LOCATION", "DESCRIPTION", "URL", "CATEGORIES")


def _check_values(props: dict[str, list[tuple[dict[str, str], str]]]) -> None:
    for name in _READ:
        for _params, value in props.get(name, ()):
            if BROKEN in value:
                raise _BadEvent(name, "this value has bytes that are not valid UTF-16 text (a broken character)")
            if len(value) > MAX_VALUE:
                raise _BadEvent(name, f"the value is too long: {len(value):,} characters (at most {MAX_VALUE:,})")


def _event_record(props: dict[str, list[tuple[dict[str, str], str]]], default_kind: str,
                  notes: list[str], tz: str | None = None) -> tuple:
    """The EVENT_FIELDS tuple for one VEVENT; raises _BadEvent when it cannot be imported.

    A start, end or duration that is present but unreadable rejects the event: importing it
    without the value the file gave would be importing something the user did not write.
    """
    _check_values(props)
    if "DTSTART" not in props:
        raise _BadEvent("DTSTART", "DTSTART is missing, so the start is not a date")
    start_params, start_raw = props["DTSTART"][0]
    starts_at = parse_ics_datetime(start_raw, start_params, notes, tz)
    if starts_at is None:
        raise _BadEvent("DTSTART", f"DTSTART {shown(start_raw.strip())} is not a date")
    ends_at = None
    if "DTEND" in props:
        end_params, end_raw = props["DTEND"][0]
        ends_at = parse_ics_datetime(end_raw, end_params, notes, tz)
        if ends_at is None:
            raise _BadEvent("DTEND", f"DTEND {shown(end_raw.strip())} is not a date")
    elif "DURATION" in props:
        raw = props["DURATION"][0][1].strip()
        delta = _parse_duration(raw)
        if delta is None:
            raise _BadEvent("DURATION", f"DURATION {shown(raw)} is not a duration (like PT1H30M)")
        try:
            ends_at = (datetime.fromisoformat(starts_at) + delta).isoformat()
        except OverflowError:
            raise _BadEvent("DURATION", f"DURATION {shown(raw)} ends after the last date a calendar can hold") from None
    title = _text(props, "SUMMARY")
    description = _text(props, "DESCRIPTION")
    location = _text(props, "LOCATION")
    topics: list[str] = []
    for _params, value in props.get("CATEGORIES", []):
        topics += [t for t in _split_list(value) if t not in topics]
    url = _text(props, "URL")
    if not url:
        found = _URL_RE.search(description)
        url = found.group(0).rstrip(".,);") if found else ""
    uid = _text(props, "UID") or stable_uid(title, start_raw.strip())
    kind = guess_kind(" ".join([title, *topics]), default="")
    if not kind:
        kind = guess_kind(description, default="meetup" if "meetup.com" in url.lower() else default_kind)
    return (uid, title or "Untitled event", kind, starts_at, ends_at, guess_online(location),
            location or None, parse_cost(f"{description} {title}"), tuple(topics), None, url or None,
            description or None)


def parse_events_ics(data: bytes, file_name: str, tz: str | None = None) -> ParsedFile:
    """Parse an .ics export into event records; a VEVENT without a usable DTSTART is rejected.
    Times are read as the wall clock in the zone ``tz`` (Settings' zone; None: this computer's).

    Properties of nested components (VALARM inside a VEVENT) are ignored so an alarm's
    DESCRIPTION never overwrites the event's.
    """
    lines, encoding = _unfold(data, file_name)
    warnings = []
    if encoding != "cp1252" and any(REPLACED in content for _n, content in lines):  # shown as U+FFFD, lines named
        warnings = replaced_warnings([(n, []) for n, content in lines if REPLACED in content])
        lines = [(n, content.replace(REPLACED, "\ufffd")) for n, content in lines]
    first = next((content for _n, content in lines), "")
    if first.strip().upper() != "BEGIN:VCALENDAR":
        raise ImportFileError(file_name, "not an iCalendar file: it does not start with BEGIN:VCALENDAR",
                              line=lines[0][0] if lines else 1)
    parsed = ParsedFile(file_name=file_name, format="ics", encoding=encoding, delimiter=None,
                        headers=list(_MAPPING.values()), fields=EVENT_FIELDS, mapping=dict(_MAPPING),
                        warnings=warnings)
    prodid = next((c for _n, c in lines if c.upper().startswith("PRODID")), "").lower()
    default_kind = "meetup" if "meetup" in prodid else "other"
    notes: list[str] = []
    recurring: set[str] = set()  # given their next start from today on, not their first
    stack: list[str] = []
    event_line = 0
    props: dict[str, list[tuple[dict[str, str], str]]] = {}

    cancelled: list[str] = []

    def finish() -> None:
        parsed.total += 1
        if _text(props, "STATUS").upper() == "CANCELLED" or says_cancelled(_text(props, "SUMMARY")):
            # not to be suggested, nor exported as on
            cancelled.append(_text(props, "SUMMARY") or "Untitled event")
            return
        try:
            record = _event_record(props, default_kind, notes, tz)
            if "RRULE" in props or "RDATE" in props:
                recurring.add(record[0])
        except _BadEvent as bad:
            start = props.get("DTSTART", [({}, "")])[0][1]
            raw = f"{_text(props, 'SUMMARY')} {start}".strip()[:500].replace(BROKEN, "\ufffd")
            parsed.rejects.append(Reject(event_line, bad.reason, column=bad.column, raw=raw))
        else:
            parsed.records.append(record)
            parsed.lines.append(event_line)

    for number, content in lines:
        name, params, value = _split_content_line(content)
        if name == "BEGIN":
            stack.append(value.strip().upper())
            if stack[-1] == "VEVENT":
                event_line, props = number, {}
        elif name == "END":
            ended = value.strip().upper()
            if ended == "VEVENT" and stack and stack[-1] == "VEVENT":
                finish()
            if ended in stack:
                del stack[len(stack) - 1 - stack[::-1].index(ended):]
        elif stack and stack[-1] == "VEVENT":
            props.setdefault(name, []).append((params, value))
    if stack and stack[-1] == "VEVENT":  # truncated file: keep the last event anyway
        finish()
    if parsed.total == 0:
        raise ImportFileError(file_name, "the calendar contains no events (no BEGIN:VEVENT)")
    if cancelled:
        parsed.warnings.append(f"{len(cancelled)} cancelled event{'s' * (len(cancelled) > 1)} left out "
                               f"(STATUS:CANCELLED, or a title that says so): "
                               f"{', '.join(shown(t) for t in cancelled[:5])}"
                               + (" ..." if len(cancelled) > 5 else ""))
    parsed.notes = notes  # type: ignore[attr-defined]  # informational, e.g. unknown time zones
    from .calendar import advance_recurring  # the next start of each recurring event
    advance_recurring(parsed, data, recurring, tz)
    return parsed


def escape_text(value: object) -> str:
    """RFC 5545 TEXT escaping; other control characters are dropped as the RFC forbids them."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)


def fold_line(line: str, limit: int = 75) -> str:
    """Fold at ``limit`` octets (CRLF + space), never inside a multi-byte UTF-8 character."""
    out: list[str] = []
    current, size, room = [], 0, limit
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > room:
            out.append("".join(current))
            current, size, room = [], 0, limit - 1  # continuation lines begin with one space
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out)


def _as_moment(value: object) -> date | datetime:
    if isinstance(value, (date, datetime)):
        return value
    text = str(value).strip()
    return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)


def _format_moment(name: str, value: object, tz: str | None = None) -> str:
    moment = _as_moment(value)
    if not isinstance(moment, datetime):
        return f"{name};VALUE=DATE:{moment:%Y%m%d}"
    try:
        moment = as_utc(moment, tz)  # a naive one is the wall clock in ``tz``, as events are kept
    except (OverflowError, ValueError):  # the first or last day a datetime holds: written as it is
        moment = moment.replace(tzinfo=None)
    return f"{name}:{moment:%Y%m%dT%H%M%S}Z"


def write_ics(items: list[dict], prodid: str = "-//Rapport//EN", dtstamp: datetime | None = None,
              tz: str | None = None) -> str:
    """A VCALENDAR with one VEVENT per item: {uid, summary, start, end, description, location,
    url, categories}; only ``start`` is required. Dates become all-day events, datetimes UTC (a
    naive one read as the wall clock in the zone ``tz``; None: this computer's).

    ``dtstamp`` defaults to now; pass one to get byte-identical output (the demo does).
    For all-day events ``end`` is exclusive, as in RFC 5545 (a one-day event may omit it).
    """
    stamp = (dtstamp or now_utc())
    stamp = stamp.astimezone(UTC) if stamp.tzinfo else stamp
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for item in items:
        start = _as_moment(item["start"])
        summary = str(item.get("summary") or "")
        uid = item.get("uid") or stable_uid(summary, start.isoformat())
        out += ["BEGIN:VEVENT", f"UID:{escape_text(uid)}", f"DTSTAMP:{stamp:%Y%m%dT%H%M%S}Z",
                _format_moment("DTSTART", start, tz)]
        if item.get("end") is not None:
            end = _as_moment(item["end"])
            if isinstance(end, datetime) != isinstance(start, datetime):
                raise ValueError(f"event {uid!r}: start and end must both be dates or both datetimes")
            out.append(_format_moment("DTEND", end, tz))
        out.append(f"SUMMARY:{escape_text(summary)}")
        for key, prop in (("description", "DESCRIPTION"), ("location", "LOCATION")):
            if item.get(key):
                out.append(f"{prop}:{escape_text(item[key])}")
        if item.get("url"):
            out.append("URL:" + re.sub(r"\s", "", str(item["url"])))  # a URI, not TEXT: no escaping
        categories = [c for c in (item.get("categories") or []) if str(c).strip()]
        if categories:
            out.append("CATEGORIES:" + ",".join(escape_text(c) for c in categories))
        out.append("END:VEVENT")
    out.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in out)
