"""Shared helpers for the importer tests: LinkedIn export constants and the fixture writer.

Every fixture is written as bytes, saved to ``tmp_path`` and read back, so a quirk of a real
export (preamble, mixed line endings, BOMs, cp1252, ``;`` delimiters, folded vCard lines) is
spelled out next to the assertion that depends on it.
"""

from __future__ import annotations

from pathlib import Path

from engine.importers import parse_contacts
from engine.records import CONTACT_FIELDS

LINKEDIN_PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address using this setting."\r\n'
    "\r\n"
)
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


def load(tmp_path: Path, name: str, data: bytes, mapping: dict[str, str] | None = None):
    path = tmp_path / name
    path.write_bytes(data)
    return parse_contacts(path.read_bytes(), name, mapping=mapping)


def rows(parsed) -> list[dict]:
    return [dict(zip(CONTACT_FIELDS, record, strict=True)) for record in parsed.records]
