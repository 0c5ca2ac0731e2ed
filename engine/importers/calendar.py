"""Calendar exports (.ics from Google Calendar, Outlook ...) read as meetings with contacts.

``rapport import FILE.ics --as meetings``: every occurrence, up to now, of an event whose
attendees or organizer include a contact's e-mail becomes a ``meeting`` interaction with that
contact. Recurrences are expanded with ``recurring-ical-events`` (a weekly one-to-one is many
meetings; a moved or cancelled occurrence is what the calendar says it is), the calendar itself is
read with ``icalendar``. Before either sees the file, the events importer's own reader
(``ics.parse_events_ics``) checks it, so a broken calendar gets the same one-line,
line-numbered message as an events import, and an event it rejects (a DTSTART that is not a date)
is left out and named in a warning instead of taking the whole calendar down.

Each interaction is keyed by the event's UID, the occurrence and the e-mail, and saved by
``store.history.save_archive`` in one transaction, so importing the same or a newer calendar again
adds only what is new. Also here: ``next_starts``, which gives the events import the next
occurrence of a recurring event instead of its first start in the past.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from engine.clock import local_now, local_today, wall_clock
from engine.records import ImportFileError
from engine.store.history import COLUMNS

from .archive_history import source_keys

MAX_LISTED = 200  # unmatched addresses listed in a report (all are counted)
CHANNEL_MEETING, CHANNEL_VIDEO = "in_person", "video_call"
_VIDEO = re.compile(r"zoom\.us|meet\.google|teams\.microsoft|teams\.live|webex|whereby\.com|jitsi", re.IGNORECASE)
_EARLIEST = date(1970, 1, 1)


@dataclass
class MeetingsReport:
    """What a calendar import did; ``to_dict`` is what ``rapport import FILE.ics --as meetings --json`` prints."""

    file_name: str
    format: str = "ics_meetings"
    owner: str = ""  # the calendar's owner's address, when it can be told
    meetings_read: int = 0  # occurrences up to now, cancelled ones left out
    interactions_inserted: int = 0
    interactions_updated: int = 0
    matched_people: int = 0
    unmatched_count: int = 0
    unmatched_people: list[dict] = field(default_factory=list)  # email, name, meetings
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None
    kind: str = "meetings"

    def to_dict(self) -> dict:
        return asdict(self)


def _checked_calendar(data: bytes, file_name: str):
    """The calendar as ``icalendar`` reads it, and warnings for the events left out (with their lines).

    The events importer's reader runs first: it raises the line-numbered ImportFileError for a file
    that is not a calendar, and names the events it rejects, which are cut out before ``icalendar``
    reads the rest.
    """
    import icalendar

    from .ics import _unfold, parse_events_ics

    checked = parse_events_ics(data, file_name)
    bad = {reject.line for reject in checked.rejects}
    warnings = [f"{file_name} line {r.line}{f', {r.column}' if r.column else ''}: {r.reason}; this event "
                "was left out" for r in checked.rejects]
    warnings += list(checked.warnings) + list(getattr(checked, "notes", []))
    lines, _encoding = _unfold(data, file_name)
    kept, skipping = [], False
    for number, content in lines:
        upper = content.strip().upper()
        if upper == "BEGIN:VEVENT" and number in bad:
            skipping = True
        if not skipping:
            kept.append(content)
        if skipping and upper == "END:VEVENT":
            skipping = False
    try:
        return icalendar.Calendar.from_ical("\r\n".join(kept) + "\r\n"), warnings
    except ValueError as error:
        raise ImportFileError(file_name, f"the calendar cannot be read: {str(error)[:200]}") from None


def _address(value) -> str:
    text = str(value).strip()
    return text[7:].strip().lower() if text.lower().startswith("mailto:") else (text.lower() if "@" in text else "")


def _people(event) -> list[tuple[str, str]]:
    """(e-mail, name) of the organizer and of each attendee who did not decline."""
    found = []
    attendees = event.get("ATTENDEE") or []
    for prop in [event.get("ORGANIZER"), *(attendees if isinstance(attendees, list) else [attendees])]:
        if prop is None or str(getattr(prop, "params", {}).get("PARTSTAT", "")).upper() == "DECLINED":
            continue
        email = _address(prop)
        if email:
            found.append((email, str(prop.params.get("CN", "")).strip()))
    return found


def _owner(calendar) -> str:
    """The calendar's owner's address, left out of the unmatched list: the calendar's name when it is
    an address (Google), else the address on at least half of the events that have people."""
    named = _address(calendar.get("X-WR-CALNAME", ""))
    if named:
        return named
    seen: Counter = Counter()
    events = [event for event in calendar.walk("VEVENT") if _people(event)]
    for event in events:
        seen.update({email for email, _name in _people(event)})
    best = seen.most_common(1)
    return best[0][0] if best and best[0][1] * 2 >= len(events) and len(events) > 1 else ""


def _moment(value, tz: str | None) -> datetime:
    """A DTSTART as the user's wall-clock time (naive): aware ones moved to ``tz``, floating and all-day as written."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time())
    return local_now(tz, value) if value.tzinfo else value


def _stamp(value, tz: str | None = None) -> str:
    """Naive ISO of the wall clock in the zone ``tz`` (None: this computer's), as the events importer
    writes moments (floating times and dates as written)."""
    if isinstance(value, datetime):
        return (wall_clock(value, tz) if value.tzinfo else value).isoformat()
    return datetime.combine(value, time()).isoformat()


def _channel(event) -> str:
    where = " ".join(str(event.get(name, "")) for name in ("LOCATION", "URL", "DESCRIPTION", "X-GOOGLE-CONFERENCE"))
    return CHANNEL_VIDEO if _VIDEO.search(where) else CHANNEL_MEETING


def _occurrences(calendar, file_name: str, until: date):
    import recurring_ical_events

    try:
        return list(recurring_ical_events.of(calendar, skip_bad_series=True).between(_EARLIEST, until))
    except (ValueError, TypeError, OverflowError) as error:  # a recurrence rule recurring_ical_events refuses
        raise ImportFileError(file_name, f"a recurrence in the calendar cannot be expanded: {str(error)[:200]}") \
            from None


def import_meetings(store, data: bytes, file_name: str) -> MeetingsReport:
    """Import a calendar's past meetings with contacts; ImportFileError (one line) for a file that cannot be."""
    calendar, warnings = _checked_calendar(data, file_name)
    tz = store.settings.get("timezone")
    now = local_now(tz)
    report = MeetingsReport(file_name=file_name, warnings=warnings, owner=_owner(calendar))
    owner = report.owner
    skipped = {"cancelled": 0, "no_contact": 0}
    contacts = store.contacts.export()[["id", "email"]].dropna()
    by_email = {}
    for contact_id, email in zip(contacts["id"], contacts["email"], strict=True):
        by_email.setdefault(str(email).strip().lower(), int(contact_id))
    columns: dict[str, list] = {name: [] for name in COLUMNS if name != "source_key"}
    keys: list[str] = []
    matched: set[int] = set()
    unmatched: dict[str, dict] = {}
    for event in _occurrences(calendar, file_name, now.date() + timedelta(days=1)):
        start = event.get("DTSTART")
        if start is None:
            continue
        at = _moment(start.dt, tz)
        if at > now:  # not a meeting yet (later today)
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            skipped["cancelled"] += 1
            continue
        report.meetings_read += 1
        title = str(event.get("SUMMARY", "")).strip()[:200]
        occurrence = event.get("RECURRENCE-ID") or start
        people = [(email, name, by_email.get(email)) for email, name in dict(_people(event)).items()]
        if not any(contact_id for _e, _n, contact_id in people):
            skipped["no_contact"] += 1
        for email, name, contact_id in people:
            if contact_id is None and email == owner:
                continue
            if contact_id is None:
                entry = unmatched.setdefault(email, {"email": email, "name": name, "meetings": 0})
                entry["meetings"] += 1
                continue
            matched.add(contact_id)
            for column, value in (("contact_id", contact_id), ("kind", "meeting"), ("channel", _channel(event)),
                                  ("occurred_on", at.date()), ("occurred_at", at), ("outcome", None),
                                  ("notes", f"Calendar: {title}" if title else "Calendar meeting"),
                                  ("conversation_id", None), ("message_length", None)):
                columns[column].append(value)
            # a key, in UTC whatever the zone: importing the calendar again adds nothing
            keys.append(f"ics:{event.get('UID', '')}|{_stamp(occurrence.dt, 'UTC')}|{email}")
    columns["source_key"] = source_keys(keys)
    saved = store.history.save_archive(columns, file_name, report.format, report.meetings_read,
                                       rejected=len(warnings))
    report.interactions_inserted, report.interactions_updated = saved.inserted, saved.updated
    report.import_id = saved.import_id
    report.matched_people = len(matched)
    listed = sorted(unmatched.values(), key=lambda p: (-p["meetings"], p["email"]))
    report.unmatched_count, report.unmatched_people = len(listed), listed[:MAX_LISTED]
    report.skipped = skipped
    return report


def next_starts(data: bytes, uids: set[str], today: date, tz: str | None = None) -> dict[str, tuple[str, str | None]]:
    """For the recurring events ``uids``: (start, end) of the next occurrence from ``today`` on, as the
    events importer writes them (the wall clock in ``tz``), for each one that has one within two years."""
    import icalendar
    import recurring_ical_events

    from .ics import _unfold

    lines, _encoding = _unfold(data, "")
    try:
        calendar = icalendar.Calendar.from_ical("\r\n".join(content for _n, content in lines) + "\r\n")
        upcoming = recurring_ical_events.of(calendar, skip_bad_series=True).between(today, today + timedelta(days=730))
    except (ValueError, TypeError, OverflowError):  # the first start stands, as before
        return {}
    found: dict[str, tuple[str, str | None]] = {}
    for event in sorted(upcoming, key=lambda e: _stamp(e.get("DTSTART").dt)):
        uid = str(event.get("UID", ""))
        if uid in uids and uid not in found and str(event.get("STATUS", "")).upper() != "CANCELLED":
            end = event.get("DTEND")
            found[uid] = (_stamp(event.get("DTSTART").dt, tz), _stamp(end.dt, tz) if end is not None else None)
    return found


def advance_recurring(parsed, data: bytes, uids: set[str], tz: str | None = None) -> None:
    """Give each recurring event of ``parsed`` (an events import) its next start from today on."""
    found = next_starts(data, uids, local_today(tz), tz) if uids else {}
    for i, record in enumerate(parsed.records):
        if record[0] in found:
            parsed.records[i] = (*record[:3], *found[record[0]], *record[5:])


__all__ = ["MeetingsReport", "advance_recurring", "import_meetings", "next_starts"]
