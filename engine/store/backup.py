"""A workspace backup as data only: written as Parquet with a manifest, read back as Parquet, never run.

The format (``FORMAT``, version ``FORMAT_VERSION``) is a zip holding ``manifest.json`` and one Parquet
file per table, ``<table>.parquet``. The manifest names the format and its version, the workspace's
schema version (``migrations``), and for each table its columns (name and type), its row count and
the SHA-256 of its file; also the last value of each id sequence.

A backup is a file people pass around, so restoring one never executes anything it holds. The zip is
checked whole before anything is built: the manifest, every member's name (no folders, nothing the
manifest does not list), the sizes it declares and the sizes actually read (a zip bomb), each
file's checksum (here). The data is then read as data (``backup_restore``): a new file next to the
workspace gets the schema the backup was written from by Rapport's own migrations, each known table is
filled by ``INSERT INTO t (its columns) SELECT its columns FROM read_parquet(?)`` (names from that
schema, the path a bound parameter to a file this module wrote), the later migrations bring it up to
date, and only then does it replace the workspace. Anything else is refused with one line; the
workspace is left as it was.

Backups made before this format (DuckDB's EXPORT DATABASE: ``rapport-backup.txt``, ``schema.sql``,
``load.sql`` and one Parquet file per table) are read the same way, as data: their SQL is never run.
It is only checked to hold nothing but the statements that export writes, so a tampered one is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from engine.clock import now_utc

from .connection import StoreError
from .migrations import latest_version

FORMAT = "rapport-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
LEGACY_MARKER = "rapport-backup.txt"  # the backups of EXPORT DATABASE, before FORMAT_VERSION 1
NOT_BACKED_UP = ("schema_version",)  # written by the migrations of the file a backup is restored into

MAX_TOTAL_BYTES = 2 * 1024**3  # what all members of a zip may unpack to
# A member over RATIO_FROM bytes may not unpack to more than MAX_RATIO times its packed size. Parquet is packed
# already: 100,000 synthetic contacts written with zstd deflate 2.7:1, with snappy (the old EXPORT backups) 37:1;
# zeros deflate 1,030:1.
MAX_RATIO = 500
RATIO_FROM = 1024**2
MAX_MEMBERS = 200
MAX_TEXT_BYTES = 1024**2  # the manifest, or an old backup's SQL and marker
MAX_ROWS = 50_000_000  # per table
CHUNK = 1024**2

NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_NEXTVAL = re.compile(r"nextval\('([a-z_][a-z0-9_]*)'\)")


def refused(reason: str) -> StoreError:
    """The one line a refused backup ends in."""
    return StoreError(f"Backup not restored: {reason}. The workspace was left as it is.")


# -- the schema, read from a workspace (names come from Rapport's migrations, never from a zip) ----------------
def _columns(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str | None]]:
    """(table, column, type, default) of every column of the workspace's tables, in order."""
    return conn.execute(
        "SELECT table_name, column_name, data_type, column_default FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal "
        "ORDER BY table_name, column_index"
    ).fetchall()


def tables_of(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Each table a backup holds, with its columns (name, type) in order."""
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind, _ in _columns(conn):
        if table not in NOT_BACKED_UP:
            tables.setdefault(table, []).append((column, kind))
    return tables


def sequence_columns(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Each id sequence with the (table, column) pairs it numbers."""
    used: dict[str, list[tuple[str, str]]] = {}
    for table, column, _, default in _columns(conn):
        match = _NEXTVAL.fullmatch(default or "")
        if match:
            used.setdefault(match.group(1), []).append((table, column))
    return used


def ident(name: str) -> str:
    """An identifier of Rapport's own schema, quoted (``position``, ``key`` ... are keywords)."""
    if not NAME.fullmatch(name):
        raise StoreError(f"Unexpected name in the workspace's schema: {name!r}")
    return f'"{name}"'


def own_path(path: Path) -> str:
    """A path this module created, as read_parquet / COPY get it: never one with glob or quote characters."""
    text = str(path)
    if any(c in text for c in "'\"*?[]{}"):
        raise StoreError(f"Unsupported characters in the temporary folder name: {text}")
    return text


# -- writing ---------------------------------------------------------------------------------------------------
def write_backup(conn: duckdb.DuckDBPyConnection, schema_version: int) -> bytes:
    """The whole workspace on ``conn`` as a backup zip, read in one transaction (one consistent state)."""
    with tempfile.TemporaryDirectory(prefix="rapport-backup-") as tmp:
        entries = []
        conn.execute("BEGIN TRANSACTION")
        try:
            for table, columns in tables_of(conn).items():
                file = Path(tmp) / f"{table}.parquet"
                conn.execute(f"COPY {ident(table)} TO ? (FORMAT parquet, COMPRESSION zstd)", [own_path(file)])
                rows = conn.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()[0]
                entries.append({"name": table, "file": file.name, "rows": rows, "sha256": sha256_of(file),
                                "columns": [[name, kind] for name, kind in columns]})
            sequences = dict(conn.execute(
                "SELECT sequence_name, coalesce(last_value, 0) FROM duckdb_sequences() "
                "WHERE database_name = current_database() AND schema_name = 'main' ORDER BY sequence_name"
            ).fetchall())
        finally:
            with contextlib.suppress(duckdb.Error):
                conn.execute("ROLLBACK")
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": schema_version,
                    "created_at": now_utc().isoformat(timespec="seconds"),
                    "tables": entries, "sequences": sequences}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
            for entry in entries:
                archive.write(Path(tmp) / entry["file"], entry["file"])
        return buffer.getvalue()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# -- reading the zip: nothing is built until all of it checks out ----------------------------------------------
@dataclass
class Table:
    path: Path  # the Parquet file, written by this module into its own temporary folder
    rows: int | None = None  # what the manifest says (None: an old backup, which has no manifest)
    columns: list[tuple[str, str]] | None = None  # (name, type)
    sha256: str | None = None


@dataclass
class Contents:
    schema_version: int
    tables: dict[str, Table] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)  # last value given out


def shown(name: str) -> str:
    return repr(name if len(name) <= 60 else name[:57] + "...")


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The zip, once its list of members is one a backup can have (names, sizes, compression)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise refused("this file is not a Rapport backup (it is not a zip file)") from error
    if len(members) > MAX_MEMBERS:
        raise refused(f"the zip holds {len(members)} files, more than a backup has")
    total = sum(member.file_size for member in members)
    if total > MAX_TOTAL_BYTES:
        raise refused(f"its files would unpack to {total:,} bytes, more than the {MAX_TOTAL_BYTES:,} a backup may")
    names = [m.filename for m in members]
    for member in members:
        name = member.filename
        if ("/" in name or "\\" in name or ".." in name or name.startswith(".") or ":" in name
                or member.is_dir() or not name.isprintable()):
            raise refused(f"the zip holds a path with folders or an unusual name ({shown(name)}); "
                          f"Rapport never writes one")
        if names.count(name) > 1:
            raise refused(f"the zip holds {shown(name)} twice")
        if member.flag_bits & 0x1:
            raise refused(f"{shown(name)} in the zip is encrypted")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refused(f"{shown(name)} in the zip is compressed in a way Rapport never uses")
        if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise refused(f"{shown(name)} would unpack to {member.file_size:,} bytes from "
                          f"{member.compress_size:,} (a zip bomb?)")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int, into: Path | None = None) -> tuple[bytes, str]:
    """A member's bytes (or, with ``into``, written to that file) and SHA-256, reading no more than it
    declared and than ``limit``."""
    info = archive.getinfo(name)
    cap = min(info.file_size, limit)
    if info.file_size > limit:
        raise refused(f"{shown(name)} is larger than a backup's {name.rsplit('.', 1)[-1]} file can be")
    digest, read, parts = hashlib.sha256(), 0, []
    try:
        with archive.open(info) as source, (open(into, "wb") if into else contextlib.nullcontext()) as target:
            while block := source.read(min(CHUNK, cap - read + 1)):
                read += len(block)
                if read > cap:
                    raise refused(f"{shown(name)} unpacks to more than the {info.file_size:,} bytes it declares")
                digest.update(block)
                if target is None:
                    parts.append(block)
                else:
                    target.write(block)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
        raise refused(f"{shown(name)} in the zip is damaged ({first_line(error)})") from error
    except OSError as error:
        raise StoreError(f"Backup not restored: the temporary copy of {name} could not be written "
                         f"({first_line(error)}). The workspace was left as it is.") from error
    return b"".join(parts), digest.hexdigest()


def first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def read_contents(archive: zipfile.ZipFile, folder: Path) -> Contents:
    """Check the zip against its manifest and unpack its tables into ``folder`` (one this module made)."""
    names = set(archive.namelist())
    if MANIFEST in names:
        return _read_current(archive, names, folder)
    if LEGACY_MARKER in names:
        from .backup_legacy import read_legacy

        return read_legacy(archive, names, folder)
    raise refused(f"this zip is not a Rapport backup (no {MANIFEST} in it)")


def _read_current(archive: zipfile.ZipFile, names: set[str], folder: Path) -> Contents:
    text, _ = read_member(archive, MANIFEST, MAX_TEXT_BYTES)
    try:
        manifest = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise refused(f"its {MANIFEST} is not valid JSON ({first_line(error)})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise refused(f"this zip is not a Rapport backup (its {MANIFEST} does not name the format {FORMAT!r})")
    version = manifest.get("format_version")
    if not _whole(version, 1):
        raise refused(f"its {MANIFEST} has no valid format_version")
    if version > FORMAT_VERSION:
        raise refused(f"it was made by a newer Rapport (backup format {version}; this one reads up to "
                      f"{FORMAT_VERSION}); update Rapport, then restore it")
    if version != FORMAT_VERSION:
        raise refused(f"its backup format {version} is unknown")
    contents = Contents(schema_version=check_schema_version(manifest.get("schema_version")))
    tables = manifest.get("tables")
    if not isinstance(tables, list) or not tables:
        raise refused(f"its {MANIFEST} lists no tables")
    for entry in tables:
        table = _manifest_table(entry)
        if table["name"] in contents.tables:
            raise refused(f"its {MANIFEST} lists the table {table['name']} twice")
        contents.tables[table["name"]] = Table(path=folder / table["file"], rows=table["rows"],
                                               columns=table["columns"], sha256=table["sha256"])
    expected = {MANIFEST} | {t.path.name for t in contents.tables.values()}
    unlisted, missing = sorted(names - expected), sorted(expected - names)
    if unlisted:
        raise refused(f"the zip holds {shown(unlisted[0])}, a file its {MANIFEST} does not list")
    if missing:
        raise refused(f"{missing[0]}, listed in its {MANIFEST}, is missing from the zip")
    contents.sequences = _sequences(manifest.get("sequences", {}))
    unpack(archive, contents)
    return contents


def unpack(archive: zipfile.ZipFile, contents: Contents) -> None:
    """Write each table's Parquet file, checking it against its checksum where the backup has one."""
    budget = MAX_TOTAL_BYTES
    for table in contents.tables.values():
        _, digest = read_member(archive, table.path.name, budget, into=table.path)
        budget -= table.path.stat().st_size
        if table.sha256 is not None and digest != table.sha256:
            raise refused(f"the checksum of {table.path.name} does not match its {MANIFEST} (the file was changed "
                          f"or damaged after the backup was made)")


def _whole(value, least: int = 0, most: int = 2**63 - 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and least <= value <= most


def check_schema_version(version) -> int:
    if not _whole(version, 1):
        raise refused("it does not say which schema version it was written from")
    if version > latest_version():
        raise refused(f"it was made by a newer Rapport (schema version {version}; this one knows up to "
                      f"{latest_version()}); update Rapport, then restore it")
    return version


def _manifest_table(entry) -> dict:
    if not isinstance(entry, dict):
        raise refused(f"its {MANIFEST} lists a table that is not described")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise refused(f"its {MANIFEST} lists a table with an invalid name ({shown(str(name))})")
    if entry.get("file") != f"{name}.parquet":
        raise refused(f"its {MANIFEST} gives the table {name} a file other than {name}.parquet")
    if not _whole(entry.get("rows"), 0, MAX_ROWS):
        raise refused(f"its {MANIFEST} gives the table {name} no valid row count (at most {MAX_ROWS:,})")
    if not isinstance(entry.get("sha256"), str) or not _SHA256.fullmatch(entry["sha256"]):
        raise refused(f"its {MANIFEST} gives the table {name} no valid SHA-256 checksum")
    columns = entry.get("columns")
    if (not isinstance(columns, list) or not columns
            or not all(isinstance(c, list) and len(c) == 2 and all(isinstance(p, str) for p in c) for c in columns)):
        raise refused(f"its {MANIFEST} gives the table {name} no valid list of columns")
    return {**entry, "columns": [(c[0], c[1]) for c in columns]}


def _sequences(value) -> dict[str, int]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and NAME.fullmatch(k) and _whole(v)
                                              for k, v in value.items()):
        raise refused(f"its {MANIFEST} gives invalid sequence values")
    return dict(value)
