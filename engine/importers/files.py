"""Import a file end to end: read it, recognise what it is, parse it, save it in one transaction.

The Import page and ``rapport import`` both call these functions, so a file behaves the same in
the dashboard and on the command line.
"""

from __future__ import annotations

import csv
import errno
import os
import stat
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from engine.records import EVENT_FIELDS, ImportFileError, ParsedFile
from engine.store import ImportReport, Store

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


# What a path is when it is not a file, for the one-line refusal (``stat`` mode tests).
_NOT_FILES = ((stat.S_ISDIR, "this is a folder, not a file"), (stat.S_ISCHR, "this is a device, not a file"),
              (stat.S_ISBLK, "this is a device, not a file"), (stat.S_ISFIFO, "this is a named pipe, not a file"),
              (stat.S_ISSOCK, "this is a socket, not a file"))


def _not_a_file(mode: int) -> str | None:
    """Why a path of this ``st_mode`` is refused, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((reason for test, reason in _NOT_FILES if test(mode)), "this is not a regular file")


def _unreadable(error: OSError, path: str | Path) -> str:
    if error.errno == errno.ELOOP:
        return "the link points to itself (a symlink loop)"
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return "the link points to a file that does not exist" if os.path.islink(path) else "no such file"
    if error.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return f"cannot be read ({error.strerror or type(error).__name__})"


def read_file(path: str | Path) -> bytes:
    """Read an import file, with the one-line reasons the CLI prints when it cannot.

    Only a regular file is read: a folder, a device (``/dev/zero``, ``/dev/null``), a named pipe
    or a socket is refused before it is opened, so nothing blocks on a pipe or reads forever. The
    size is checked as the file is read, not only as ``stat`` reports it, so a file cannot be
    larger than ``MAX_UPLOAD_BYTES`` in memory whatever it claims.
    """
    name = str(path)
    try:
        info = os.stat(path)
    except OSError as error:
        raise ImportFileError(name, _unreadable(error, path)) from None
    except ValueError:  # a NUL in the name
        raise ImportFileError(name, "no such file (the name holds a NUL character)") from None
    reason = _not_a_file(info.st_mode)
    if reason:
        raise ImportFileError(name, reason)
    _check_size(info.st_size, name)
    try:  # non-blocking, so that a pipe swapped in after the check cannot hang the open
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise ImportFileError(name, _unreadable(error, path)) from None
    with open(fd, "rb", closefd=True) as file:
        reason = _not_a_file(os.fstat(fd).st_mode)
        if reason:
            raise ImportFileError(name, reason)
        try:
            data = file.read(MAX_UPLOAD_BYTES + 1)
        except OSError as error:
            raise ImportFileError(name, _unreadable(error, path)) from None
    _check_size(len(data), name)
    return data


def looks_like_calendar(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 export from a Windows calendar
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    head = head.lstrip(b"\xef\xbb\xbf").lstrip().upper()
    return head.startswith(b"BEGIN:VCALENDAR")


def _check_size(size: int, file_name: str) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileError(file_name, f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")


@contextmanager
def _plain_errors(file_name: str):
    """A parser must raise ImportFileError for a bad file; should one slip through anyway, the user
    still gets one line naming the file instead of a traceback. (The parsers' own tests keep them
    from relying on this.)"""
    try:
        yield
    except (csv.Error, UnicodeError, OverflowError, RecursionError) as error:
        raise ImportFileError(file_name, f"the file cannot be read ({type(error).__name__}: {error})") from error


def parse_file(data: bytes, file_name: str, mapping: dict[str, str] | None = None,
               store: Store | None = None) -> ParsedFile:
    """Parse contacts (or, for an .ics or an events CSV, events) without writing anything.

    For a generic CSV the mapping saved for the same headers last time is used when none is given.
    """
    _check_size(len(data), file_name)
    with _plain_errors(file_name):
        if looks_like_calendar(data):
            from .ics import parse_events_ics

            return parse_events_ics(data, file_name, tz=_zone_of(store))
        from engine.importers import header_key, parse_contacts

        parsed = parse_contacts(data, file_name, mapping=mapping)
        if parsed.needs_mapping and mapping is None and store is not None:
            saved = store.imports.saved_mapping(header_key(parsed.headers))
            if saved:
                parsed = parse_contacts(data, file_name, mapping=saved)
        return parsed


def _zone_of(store: Store | None) -> str | None:
    """The time zone set in Settings, which an .ics's times are read in (None: this computer's)."""
    return store.settings.get("timezone") if store is not None else None


def parse_events_file(data: bytes, file_name: str, store: Store | None = None) -> ParsedFile:
    """An events file: an .ics by its content (its times read in ``store``'s zone), otherwise an
    events CSV (its times as written)."""
    if looks_like_calendar(data):
        return parse_file(data, file_name, store=store)
    _check_size(len(data), file_name)
    from .events_csv import parse_events_csv

    with _plain_errors(file_name):
        return parse_events_csv(data, file_name)


def _columns_listed(headers: list[str], most: int = 8) -> str:
    shown = ", ".join(h if len(h) <= 40 else h[:37] + "..." for h in headers[:most] if h)
    return shown + (", ..." if len(headers) > most else "")


def save_parsed(store: Store, parsed: ParsedFile, today: date | None = None, data: bytes | None = None,
                mapping: dict[str, str] | None = None) -> ImportReport:
    """Write a parsed file in one transaction; remembers a generic CSV's mapping for next time.

    Given the file's ``data`` (and the ``mapping`` it was parsed with), a clean contacts CSV is
    saved by the direct path, which gives the same contacts several times faster. The mapping is
    remembered only once the import itself is saved, so a failed import leaves the workspace
    exactly as it was.
    """
    if data is not None and not parsed.needs_mapping and parsed.fields != EVENT_FIELDS and parsed.format != "vcard":
        report = import_directly(store, data, parsed.file_name, mapping=mapping, today=today)
        if report is not None:
            return report
    if parsed.fields == EVENT_FIELDS:  # an .ics or an events CSV (whose format is plain "csv")
        return store.imports.save_events(parsed)
    return _save_contacts(store, parsed, today)


def _save_contacts(store: Store, parsed: ParsedFile, today: date | None, stream=None) -> ImportReport:
    """Save contacts (``parsed.records``, or what ``stream`` gives) and remember a generic CSV's mapping."""
    if parsed.needs_mapping:
        reason = (f"no column is recognised as a name or an e-mail address (the columns are: "
                  f"{_columns_listed(parsed.headers)}); map them to contact fields on the Import page")
        raise ImportFileError(parsed.file_name, reason)
    report = store.imports.save_contacts(stream or parsed, today=today)
    if parsed.format == "csv" and parsed.mapping:
        from engine.importers import header_key

        store.imports.save_mapping(header_key(parsed.headers), parsed.mapping)
    return report


def save_streamed(store: Store, data: bytes, file_name: str, mapping: dict[str, str] | None = None,
                  today: date | None = None) -> ImportReport:
    """``parse_file`` then ``save_parsed``, with the rows read and staged a chunk at a time.

    The same contacts, rejects and warnings, in the same one transaction, but a 400,000-row file
    is never held as rows (or records) all at once: only the file, its head and one chunk.
    """
    _check_size(len(data), file_name)
    if looks_like_calendar(data):
        return save_parsed(store, parse_file(data, file_name, mapping=mapping, store=store), today=today)
    from engine.importers import header_key, stream_contacts

    with _plain_errors(file_name):
        opened = stream_contacts(data, file_name, mapping=mapping)
        if opened[0].needs_mapping and mapping is None:
            saved = store.imports.saved_mapping(header_key(opened[0].headers))
            if saved:
                mapping, opened = saved, stream_contacts(data, file_name, mapping=saved)
        parsed, chunks = opened
        if parsed.needs_mapping:
            for _chunk in chunks:  # a file that cannot be read says so first, as parse_file does
                pass
        first = [opened]

        def stream():  # the file read afresh, should the store need to run the import once more
            return first.pop() if first else stream_contacts(data, file_name, mapping=mapping)

        return _save_contacts(store, parsed, today, stream)


PREVIEW_ROWS = 10


def preview_file(data: bytes, file_name: str, mapping: dict[str, str] | None = None, store: Store | None = None,
                 events: bool = False) -> tuple[ParsedFile, int]:
    """What the Import page shows before anything is written: the file as ``parse_file`` reads it,
    with only its first ``PREVIEW_ROWS`` records kept, and how many records are ready to import.

    Contacts are read a chunk at a time (``stream_contacts``), so a 400,000-row export is never
    held as rows while the user looks at the preview; the counts, rejects and warnings are whole.
    """
    if events or looks_like_calendar(data):
        parsed = parse_events_file(data, file_name, store) if events else parse_file(data, file_name, store=store)
        return parsed, len(parsed.records)
    _check_size(len(data), file_name)
    from engine.importers import header_key, stream_contacts

    with _plain_errors(file_name):
        parsed, chunks = stream_contacts(data, file_name, mapping=mapping)
        if parsed.needs_mapping and mapping is None and store is not None:
            saved = store.imports.saved_mapping(header_key(parsed.headers))
            if saved:
                parsed, chunks = stream_contacts(data, file_name, mapping=saved)
        ready, first, lines = 0, [], []
        for records, at in chunks:
            ready += len(records)
            room = PREVIEW_ROWS - len(first)
            if room > 0:
                first += records[:room]
                lines += at[:room]
    parsed.records, parsed.lines = first, lines
    return parsed, ready


def import_upload(store: Store, data: bytes, file_name: str, mapping: dict[str, str] | None = None,
                  events: bool = False) -> ImportReport:
    """The Import page's Import button: what ``rapport import`` does with the same bytes (the
    direct path when DuckDB can read the file, else the Python reader a chunk at a time)."""
    if events or looks_like_calendar(data):
        parsed = parse_events_file(data, file_name, store) if events else parse_file(data, file_name, store=store)
        return save_parsed(store, parsed)
    report = import_directly(store, data, file_name, mapping=mapping)
    return report if report is not None else save_streamed(store, data, file_name, mapping=mapping)


def import_directly(store: Store, data: bytes, file_name: str, mapping: dict[str, str] | None = None,
                    today: date | None = None) -> ImportReport | None:
    """Import a contacts CSV that DuckDB can read itself (the fast path), or return None, having written nothing.

    Gives the report ``parse_file`` + ``save_parsed`` would give for the same arguments; None
    means the file needs the Python importer (a row to reject, a quoted value spanning lines, a
    vCard ...), which the caller then uses.
    """
    if len(data) > MAX_UPLOAD_BYTES or looks_like_calendar(data):
        return None
    from engine.importers import header_key, row_rules

    from .contacts import UndatedRows
    from .direct import direct_csv

    with direct_csv(data, file_name, mapping=mapping, saved_mapping=store.imports.saved_mapping) as source:
        if source is None:
            return None
        try:
            report = store.imports.save_csv_directly(source, row_rules(source.format), today=today)
        except UndatedRows:  # nothing written yet: the careful path keeps those rows, undated
            return None
    if report is not None and source.format == "csv" and source.mapping:
        store.imports.save_mapping(header_key(list(source.headers)), source.mapping)
    return report


def import_meetings_upload(store: Store, data: bytes, file_name: str):
    """A calendar's past meetings with contacts (``calendar.MeetingsReport``); ImportFileError, with the
    line, for a file that is not a calendar."""
    _check_size(len(data), file_name)
    from .calendar import import_meetings

    with _plain_errors(file_name):
        return import_meetings(store, data, file_name)


def import_file(store: Store, path: str | Path, mapping: dict[str, str] | None = None,
                events: bool = False, meetings: bool = False, add_unmatched: bool = False) -> ImportReport:
    """``rapport import FILE``: read, parse and save; raises ImportFileError with a plain reason.

    A LinkedIn data archive (its ZIP, messages.csv, Invitations.csv, Profile.csv) gives an
    ``archive.ArchiveReport`` instead (``add_unmatched``: its correspondents who are not contacts
    become contacts), a calendar read as ``meetings`` a ``calendar.MeetingsReport``."""
    data = read_file(path)
    name = Path(path).name
    if meetings:
        return import_meetings_upload(store, data, name)
    if not events:
        from .archive import archive_kind, import_archive  # a LinkedIn data archive, or one of its CSVs

        if archive_kind(data, name):
            return import_archive(store, data, name, add_unmatched=add_unmatched)
        report = import_directly(store, data, name, mapping=mapping)
        if report is not None:
            return report
    if events:
        return save_parsed(store, parse_events_file(data, name, store))
    return save_streamed(store, data, name, mapping=mapping)
