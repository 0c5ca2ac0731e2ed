"""Import a file end to end: read it, recognise what it is, parse it, save it in one transaction.

The Import page and ``rapport import`` both call these functions, so a file behaves the same in
the dashboard and on the command line.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .model import ImportFileError, ParsedFile
from .store import ImportReport, Store

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def read_file(path: str | Path) -> bytes:
    """Read an import file, with the one-line reasons the CLI prints when it cannot."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(str(path), "no such file")
    if path.is_dir():
        raise ImportFileError(str(path), "this is a folder, not a file")
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise ImportFileError(str(path), f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportFileError(str(path), f"cannot be read ({error.strerror})") from error


def looks_like_calendar(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip().upper()
    return head.startswith(b"BEGIN:VCALENDAR")


def parse_file(data: bytes, file_name: str, mapping: dict[str, str] | None = None,
               store: Store | None = None) -> ParsedFile:
    """Parse contacts (or, for an .ics or an events CSV, events) without writing anything.

    For a generic CSV the mapping saved for the same headers last time is used when none is given.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(file_name, f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
    if looks_like_calendar(data):
        from .ics import parse_events_ics

        return parse_events_ics(data, file_name)
    from .importers import header_key, parse_contacts

    parsed = parse_contacts(data, file_name, mapping=mapping)
    if parsed.needs_mapping and mapping is None and store is not None:
        saved = store.saved_mapping(header_key(parsed.headers))
        if saved:
            parsed = parse_contacts(data, file_name, mapping=saved)
    return parsed


def save_parsed(store: Store, parsed: ParsedFile, today: date | None = None) -> ImportReport:
    """Write a parsed file in one transaction; remembers a generic CSV's mapping for next time."""
    if parsed.needs_mapping:
        raise ImportFileError(parsed.file_name, "the columns need mapping to contact fields before import")
    if parsed.format == "ics" or parsed.format == "events_csv":
        return store.save_event_import(parsed)
    if parsed.format == "csv" and parsed.mapping:
        from .importers import header_key

        store.save_mapping(header_key(parsed.headers), parsed.mapping)
    return store.save_contact_import(parsed, today=today)


def import_file(store: Store, path: str | Path, mapping: dict[str, str] | None = None,
                events: bool = False) -> ImportReport:
    """``rapport import FILE``: read, parse and save; raises ImportFileError with a plain reason."""
    data = read_file(path)
    name = Path(path).name
    if events and not looks_like_calendar(data):
        from .events_csv import parse_events_csv

        parsed = parse_events_csv(data, name)
    else:
        parsed = parse_file(data, name, mapping=mapping, store=store)
    return save_parsed(store, parsed)
