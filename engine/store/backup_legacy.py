"""Backups made before the manifest format, by DuckDB's EXPORT DATABASE: read as data, their SQL never run.

Such a zip holds ``rapport-backup.txt`` (which names the schema version), ``schema.sql``, ``load.sql`` and
one Parquet file per table. The Parquet files are restored like those of the current format (``backup``).
The two SQL files are only read as text, to refuse a zip whose SQL holds anything but the statements that
export writes: such a zip was not made by Rapport, even though running none of it is what keeps it harmless.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .backup import (
    LEGACY_MARKER,
    MAX_TEXT_BYTES,
    NAME,
    Contents,
    Table,
    check_schema_version,
    read_member,
    refused,
    shown,
    unpack,
)

SQL_FILES = ("schema.sql", "load.sql")
_IDENT = r"[a-z_][a-z0-9_]*"
_MARKER = re.compile(r"Rapport workspace backup, schema (\d{1,6})\s*")
_LOAD = re.compile(rf"COPY ({_IDENT}) FROM '[^'\n;]*[/\\]({_IDENT})\.parquet' \(FORMAT 'parquet'\);")
_SEQUENCE = re.compile(rf"CREATE SEQUENCE ({_IDENT}) INCREMENT BY 1 MINVALUE 1 MAXVALUE \d+ "
                       rf"START (\d{{1,19}}) NO CYCLE;")
_TABLE = re.compile(rf"CREATE TABLE ({_IDENT})\([^;]*\);")
_OTHER = re.compile(rf"CREATE (?:MACRO rapport_{_IDENT} |(?:UNIQUE )?INDEX {_IDENT} ON {_IDENT})[^;]*;")


def read_legacy(archive: zipfile.ZipFile, names: set[str], folder: Path) -> Contents:
    files = {name for name in names if name.endswith(".parquet") and NAME.fullmatch(name.removesuffix(".parquet"))}
    other = sorted(names - files - {LEGACY_MARKER, *SQL_FILES})
    if other:
        raise refused(f"the zip holds {shown(other[0])}, which a Rapport backup never holds")
    absent = [name for name in SQL_FILES if name not in names]
    if absent:
        raise refused(f"this zip is not a Rapport backup (no {absent[0]} beside {LEGACY_MARKER})")
    marker = _MARKER.fullmatch(_text(archive, LEGACY_MARKER))
    if not marker:
        raise refused(f"its {LEGACY_MARKER} does not say which schema version it holds")
    contents = Contents(schema_version=check_schema_version(int(marker.group(1))))
    tables = {name.removesuffix(".parquet") for name in files}

    loaded = set()
    for line in _statements(archive, "load.sql"):
        match = _LOAD.fullmatch(line)
        if not match or match.group(1) != match.group(2) or match.group(1) not in tables:
            raise _tampered("load.sql", line)
        loaded.add(match.group(1))
    if loaded != tables:
        raise refused(f"its load.sql and its Parquet files name different tables ({sorted(loaded ^ tables)[0]})")
    for line in _statements(archive, "schema.sql"):
        sequence, table = _SEQUENCE.fullmatch(line), _TABLE.fullmatch(line)
        if sequence:
            contents.sequences[sequence.group(1)] = int(sequence.group(2)) - 1  # START is the next id
        elif not (table and table.group(1) in tables) and not _OTHER.fullmatch(line):
            raise _tampered("schema.sql", line)

    contents.tables = {table: Table(path=folder / f"{table}.parquet") for table in sorted(tables - {"schema_version"})}
    unpack(archive, contents)
    return contents


def _text(archive: zipfile.ZipFile, name: str) -> str:
    data, _ = read_member(archive, name, MAX_TEXT_BYTES)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise refused(f"its {name} is not text") from error


def _statements(archive: zipfile.ZipFile, name: str) -> list[str]:
    """The non-blank lines of one of the SQL files: EXPORT DATABASE writes one statement a line."""
    return [line.strip() for line in _text(archive, name).splitlines() if line.strip()]


def _tampered(name: str, line: str):
    return refused(f"its {name} holds a statement Rapport's backups never hold ({shown(line)}), so it was not "
                   f"made by Rapport; none of it was run")
