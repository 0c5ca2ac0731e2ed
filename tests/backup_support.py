"""Backups for the backup tests: genuine ones (the current format, and the EXPORT DATABASE zips of earlier
versions) and hostile ones, each built from a genuine backup by changing one thing.

Shared by tests/test_backup.py (the engine and the command line) and tests/test_browser_backup.py (the
Settings page in a real browser).
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import duckdb

from engine.demo.load import load_demo_workspace
from engine.store import Store
from engine.store.migrations import latest_version

PWNED = "pwned.txt"  # what a hostile backup tries to write, in the folder a test gives it


def demo_store(db: Path) -> Store:
    """The demo workspace, plus a deleted event: its id was given out, so the next one must be higher."""
    store = Store(db)
    load_demo_workspace(store, today=date(2026, 3, 2))
    store.events.delete(int(store.events.frame()["id"].max()))
    return store


def table_rows(db: Path) -> dict[str, list[tuple]]:
    """Every table of a workspace file (but the migrations' own), every row, in a stable order."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                             "AND table_name <> 'schema_version' ORDER BY 1").fetchall()]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}
    finally:
        conn.close()


# -- zips, member by member ---------------------------------------------------------------------------------------
def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def legacy_backup(db: Path, schema_version: int | None = None) -> bytes:
    """A backup as Rapport wrote it before the manifest format: DuckDB's EXPORT DATABASE in Parquet,
    zipped with ``rapport-backup.txt``."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        conn = duckdb.connect(str(db))
        try:
            conn.execute(f"EXPORT DATABASE '{folder}' (FORMAT parquet)")
        finally:
            conn.close()
        files = {"rapport-backup.txt": f"Rapport workspace backup, schema {schema_version or latest_version()}\n"
                 .encode()}
        files.update({f.name: f.read_bytes() for f in sorted(folder.iterdir())})
        return rezip(files)


def _parquet(sql: str, *parameters) -> bytes:
    """The Parquet file DuckDB writes for ``sql`` (a query over ``read_parquet(?)`` of the given files)."""
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for i, data in enumerate(parameters):
            inputs.append(Path(tmp) / f"in{i}.parquet")
            inputs[-1].write_bytes(data)
        out = Path(tmp) / "out.parquet"
        conn = duckdb.connect()
        conn.execute(f"COPY ({sql}) TO '{out}' (FORMAT parquet)", [str(p) for p in inputs])
        conn.close()
        return out.read_bytes()


def _with_table(files: dict[str, bytes], name: str, data: bytes, columns: list[list[str]] | None = None,
                rows: int | None = None) -> dict[str, bytes]:
    """``files`` with ``name``'s Parquet file replaced (or added) and the manifest agreeing with it."""
    manifest = json.loads(files["manifest.json"])
    entry = next((t for t in manifest["tables"] if t["name"] == name), None)
    if entry is None:
        entry = {"name": name, "file": f"{name}.parquet"}
        manifest["tables"].append(entry)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    entry["columns"] = columns or entry["columns"]
    entry["rows"] = entry.get("rows", 0) if rows is None else rows
    return {**files, "manifest.json": json.dumps(manifest).encode(), f"{name}.parquet": data}


def _edit_manifest(files: dict[str, bytes], **changes) -> dict[str, bytes]:
    manifest = {**json.loads(files["manifest.json"]), **changes}
    return {**files, "manifest.json": json.dumps(manifest).encode()}


def _declared_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with the uncompressed size its central directory declares for ``name`` set to ``size``."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack("<H", data[at + 28:at + 30])[0]
        if data[at + 46:at + 46 + name_length] == name.encode():
            return data[:at + 24] + struct.pack("<I", size) + data[at + 28:]
        at = data.find(b"PK\x01\x02", at + 4)
    raise KeyError(name)


# -- hostile backups: one changed thing each, and the words its refusal must say -----------------------------------
REASONS = {
    "legacy load.sql writes a file": "its load.sql holds a statement Rapport's backups never hold",
    "legacy load.sql, same line": "its load.sql holds a statement Rapport's backups never hold",
    "legacy schema.sql writes a file": "its schema.sql holds a statement Rapport's backups never hold",
    "legacy schema.sql reads a system file": "its schema.sql holds a statement Rapport's backups never hold",
    "not a zip": "not a Rapport backup (it is not a zip file)",
    "no manifest": "not a Rapport backup (no manifest.json in it)",
    "manifest not JSON": "manifest.json is not valid JSON",
    "newer format": "newer Rapport (backup format 2",
    "newer schema": f"newer Rapport (schema version {latest_version() + 1}",
    "checksum mismatch": "the checksum of contacts.parquet does not match",
    "member with ../": "a path with folders or an unusual name ('../pwned.txt')",
    "absolute member": "a path with folders or an unusual name ('/tmp/pwned.txt')",
    "member in a folder": "a path with folders or an unusual name ('data/contacts.parquet')",
    "member not in the manifest": "the zip holds 'notes.txt', a file its manifest.json does not list",
    "member named like markup": "the zip holds '![pwned](x.png)', a file its manifest.json does not list",
    "unknown table": "a table Rapport does not have (passwords)",
    "extra column": "its table contacts has a column Rapport does not have ('evil')",
    "extra column, not in the manifest": "its table contacts has a column Rapport does not have ('evil')",
    "column of another type": "its manifest.json gives contacts.id the type 'VARCHAR' where Rapport's is BIGINT",
    "missing table": "it lacks the table settings",
    "row count differs": "contacts.parquet holds",
    "not Parquet": "contacts.parquet is not a readable Parquet file",
    "damaged Parquet": "the rows of its table contacts could not be read as Rapport's",
    "text where an id goes": "the rows of its table contacts could not be read as Rapport's",
    "declared huge": "more than the 2,147,483,648 a backup may",
    "compresses like a bomb": "a zip bomb",
    "declares less than it holds": "'contacts.parquet' in the zip is damaged (Bad CRC-32",
}


def hostile_backup(case: str, genuine: bytes, legacy: bytes, outside: Path) -> bytes:
    """The zip of ``case`` (a key of ``REASONS``), built from a ``genuine`` backup of the current format and
    a ``legacy`` one; whatever it would write goes into ``outside``."""
    files, old = members(genuine), members(legacy)
    contacts = files["contacts.parquet"]
    if case == "legacy load.sql writes a file":
        old["load.sql"] += f"COPY (SELECT 'x') TO '{outside / PWNED}';\n".encode()
        return rezip(old)
    if case == "legacy load.sql, same line":
        first, rest = old["load.sql"].split(b"\n", 1)
        old["load.sql"] = first + f" COPY (SELECT 'x') TO '{outside / PWNED}';\n".encode() + rest
        return rezip(old)
    if case == "legacy schema.sql writes a file":
        old["schema.sql"] += f"COPY (SELECT 'x') TO '{outside / PWNED}';\n".encode()
        return rezip(old)
    if case == "legacy schema.sql reads a system file":
        old["schema.sql"] += b"CREATE TABLE passwd AS SELECT * FROM read_csv('/etc/passwd');\n"
        return rezip(old)
    if case == "not a zip":
        return b"PK\x03\x04 this is not a zip" + genuine[100:400]
    if case == "no manifest":
        return rezip({k: v for k, v in files.items() if k != "manifest.json"})
    if case == "manifest not JSON":
        return rezip({**files, "manifest.json": b"{not json"})
    if case == "newer format":
        return rezip(_edit_manifest(files, format_version=2))
    if case == "newer schema":
        return rezip(_edit_manifest(files, schema_version=latest_version() + 1))
    if case == "checksum mismatch":
        return rezip({**files, "contacts.parquet": _parquet(
            "SELECT * REPLACE ('Mallory' AS full_name) FROM read_parquet(?)", contacts)})
    if case == "member with ../":
        return rezip({**files, "../pwned.txt": b"x"})
    if case == "absolute member":
        return rezip({**files, "/tmp/pwned.txt": b"x"})
    if case == "member in a folder":
        return rezip({**{k: v for k, v in files.items() if k != "contacts.parquet"}, "data/contacts.parquet": contacts})
    if case == "member not in the manifest":
        return rezip({**files, "notes.txt": b"hello"})
    if case == "member named like markup":
        return rezip({**files, "![pwned](x.png)": b"x"})
    if case == "unknown table":
        return rezip(_with_table(files, "passwords", _parquet("SELECT 'root' AS name, 'x' AS hash"),
                                 [["name", "VARCHAR"], ["hash", "VARCHAR"]], rows=1))
    if case == "extra column":
        manifest = json.loads(files["manifest.json"])
        columns = next(t["columns"] for t in manifest["tables"] if t["name"] == "contacts") + [["evil", "VARCHAR"]]
        return rezip(_with_table(files, "contacts", _parquet("SELECT *, 'x' AS evil FROM read_parquet(?)", contacts),
                                 columns))
    if case == "extra column, not in the manifest":
        return rezip(_with_table(files, "contacts", _parquet("SELECT *, 'x' AS evil FROM read_parquet(?)", contacts)))
    if case == "column of another type":
        manifest = json.loads(files["manifest.json"])
        columns = next(t["columns"] for t in manifest["tables"] if t["name"] == "contacts")
        return rezip(_with_table(files, "contacts", _parquet(
            "SELECT * REPLACE ('abc' || id AS id) FROM read_parquet(?)", contacts),
            [["id", "VARCHAR"], *columns[1:]]))
    if case == "missing table":
        manifest = json.loads(files["manifest.json"])
        manifest["tables"] = [t for t in manifest["tables"] if t["name"] != "settings"]
        return rezip({**{k: v for k, v in files.items() if k != "settings.parquet"},
                      "manifest.json": json.dumps(manifest).encode()})
    if case == "row count differs":
        manifest = json.loads(files["manifest.json"])
        next(t for t in manifest["tables"] if t["name"] == "contacts")["rows"] += 1
        return rezip({**files, "manifest.json": json.dumps(manifest).encode()})
    if case == "not Parquet":
        return rezip(_with_table(files, "contacts", b"PAR1 this is not a Parquet file PAR1"))
    if case == "damaged Parquet":
        middle = len(contacts) // 2
        return rezip(_with_table(files, "contacts", contacts[:middle] + bytes(64) + contacts[middle + 64:]))
    if case == "text where an id goes":
        return rezip(_with_table(files, "contacts", _parquet(
            "SELECT * REPLACE ('abc' || id AS id) FROM read_parquet(?)", contacts)))
    if case == "declared huge":
        return _declared_size(rezip(files), "contacts.parquet", 3 * 1024**3)
    if case == "declares less than it holds":
        return _declared_size(rezip(files), "contacts.parquet", 1000)
    if case == "compresses like a bomb":
        return rezip(_with_table(files, "contacts", bytes(20 * 1024**2)))
    raise KeyError(case)
