"""Importers: a user's files in, parsed records out, saved in one transaction.

Contacts from LinkedIn, Google, Outlook, vCard and any CSV (``contacts``, with ``direct`` for the
clean CSVs DuckDB parses itself); events from ``.ics`` calendars and CSV; ``files`` reads a file end
to end and hands it to the store. Others use only the names below.
"""

from .contacts import FORMATS, header_key, parse_contacts, row_rules, stream_contacts, suggest_mapping
from .events_csv import parse_events_csv
from .files import (
    MAX_UPLOAD_BYTES,
    import_directly,
    import_file,
    parse_events_file,
    parse_file,
    read_file,
    save_parsed,
    save_streamed,
)
from .ics import parse_events_ics, write_ics

__all__ = [
    "FORMATS", "MAX_UPLOAD_BYTES", "header_key", "import_directly", "import_file", "parse_contacts",
    "parse_events_csv", "parse_events_file", "parse_events_ics", "parse_file", "read_file", "row_rules",
    "save_parsed", "save_streamed", "stream_contacts", "suggest_mapping", "write_ics",
]
