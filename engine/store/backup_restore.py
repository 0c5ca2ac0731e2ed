"""Restoring a backup: a new workspace file, filled with the backup's data only, swapped in when complete.

``backup.read_contents`` has checked the zip and unpacked its Parquet files; here the file next to the
workspace, ``<name>.restoring``, gets the schema the backup was written from by Rapport's own migrations,
each table its rows by ``INSERT INTO t (its columns) SELECT its columns FROM read_parquet(?)`` (the names
from that schema, the path a bound parameter), the id sequences their values, and the later migrations
bring it up to date. Only then is it checkpointed, closed and put in the workspace's place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from .attached import close
from .backup import (
    MANIFEST,
    MAX_ROWS,
    Contents,
    Table,
    first_line,
    ident,
    open_zip,
    own_path,
    read_contents,
    refused,
    sequence_columns,
    shown,
    tables_of,
)
from .base import StoreBase
from .connection import _DISK_FULL as DISK_FULL
from .connection import _NOT_WRITABLE as NOT_WRITABLE
from .connection import WRITE_LOCK, StoreError, connect


def restore_backup(workspace: Path, data: bytes) -> None:
    """Replace the workspace file with the backup in ``data``; the current file is kept as
    ``<name>.before-restore``. Refused (``StoreError``, one line) unless the backup checks out, and
    then nothing has changed."""
    archive = open_zip(data)
    fresh = workspace.with_name(workspace.name + ".restoring")
    with tempfile.TemporaryDirectory(prefix="rapport-restore-") as tmp:
        folder = Path(tmp)
        own_path(folder)
        build(fresh, read_contents(archive, folder))
    swap(workspace, fresh)


def build(fresh: Path, contents: Contents) -> None:
    """Make ``fresh`` a complete workspace holding ``contents``, or leave no such file."""
    _remove(fresh)
    try:
        conn = connect(fresh)
        try:
            _load(conn, fresh, contents)
        except duckdb.Error as error:  # the disk or the folder: the backup's data was fine so far
            raise StoreError(f"Backup not restored: the new workspace file {fresh} could not be written "
                             f"({first_line(error)}). The workspace was left as it is.") from error
        finally:
            close(conn)
    except BaseException:
        _remove(fresh)
        raise


def _load(conn: duckdb.DuckDBPyConnection, fresh: Path, contents: Contents) -> None:
    store = StoreBase(fresh)
    store.migrate(conn, upto=contents.schema_version)  # the schema the backup was written from
    schema = tables_of(conn)
    unknown = sorted(set(contents.tables) - set(schema))
    if unknown:
        raise refused(f"it holds a table Rapport does not have ({unknown[0]})")
    missing = sorted(set(schema) - set(contents.tables))
    if missing:
        raise refused(f"it lacks the table {missing[0]}")
    conn.execute("BEGIN TRANSACTION")
    try:
        for table, columns in schema.items():
            _fill(conn, table, columns, contents.tables[table])
        _continue_sequences(conn, contents.sequences)
        _new_data_version(conn)
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            conn.execute("ROLLBACK")
        raise
    store.migrate(conn)  # then up to this Rapport's schema, as any older workspace is
    conn.execute("CHECKPOINT")


def _fill(conn: duckdb.DuckDBPyConnection, table: str, schema: list[tuple[str, str]], source: Table) -> None:
    """``table`` (of Rapport's schema, whose columns are ``schema``) gets the rows of ``source``, read as data
    by column name."""
    path, file, columns = own_path(source.path), source.path.name, [name for name, _ in schema]
    if source.columns is not None:  # what the manifest lists, then what the file holds
        _same_columns(table, [name for name, _ in source.columns], columns)
        listed = dict(source.columns)
        odd = [(name, kind) for name, kind in schema if listed[name] != kind]
        if odd:
            raise refused(f"its {MANIFEST} gives {table}.{odd[0][0]} the type {shown(listed[odd[0][0]])} where "
                          f"Rapport's is {odd[0][1]}")
    try:
        found = [d[0] for d in conn.execute("SELECT * FROM read_parquet(?) LIMIT 0", [path]).description]
        rows = conn.execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchone()[0]
    except duckdb.Error as error:
        raise refused(f"{file} is not a readable Parquet file ({first_line(error)})") from error
    _same_columns(table, found, columns)
    if source.rows is not None and rows != source.rows:
        raise refused(f"{file} holds {rows:,} rows where its {MANIFEST} says {source.rows:,}")
    if rows > MAX_ROWS:
        raise refused(f"{file} holds {rows:,} rows, more than the {MAX_ROWS:,} a table may")
    names = ", ".join(ident(c) for c in columns)
    conn.execute(f"DELETE FROM {ident(table)}")  # the rows a migration seeds (meta's data_version)
    try:
        conn.execute(f"INSERT INTO {ident(table)} ({names}) SELECT {names} FROM read_parquet(?)", [path])
    except duckdb.Error as error:
        if _disk_trouble(error):  # the new file's disk or folder, not the backup
            raise
        raise refused(f"the rows of its table {table} could not be read as Rapport's ({first_line(error)})") from error


def _same_columns(table: str, found: list[str], columns: list[str]) -> None:
    extra = [c for c in found if c not in columns]
    if extra:
        raise refused(f"its table {table} has a column Rapport does not have ({shown(extra[0])})")
    lacking = [c for c in columns if c not in found]
    if lacking or len(found) != len(columns):
        raise refused(f"its table {table} lacks the column {lacking[0]}" if lacking else
                      f"its table {table} has a column twice")


def _disk_trouble(error: Exception) -> bool:
    return any(words in str(error) for words in (*NOT_WRITABLE, *DISK_FULL))


def _continue_sequences(conn: duckdb.DuckDBPyConnection, recorded: dict[str, int]) -> None:
    """New ids go on after the restored ones, and after any the workspace had given out and deleted."""
    used = sequence_columns(conn)
    unknown = sorted(set(recorded) - set(used))
    if unknown:
        raise refused(f"it gives a value for a sequence Rapport does not have ({unknown[0]})")
    for sequence, columns in used.items():
        highest = [conn.execute(f"SELECT coalesce(max({ident(c)}), 0) FROM {ident(t)}").fetchone()[0]
                   for t, c in columns]
        last = max(recorded.get(sequence, 0), *highest)
        if last > 0:
            conn.execute("SELECT setval(?, ?)", [sequence, last])


def _new_data_version(conn: duckdb.DuckDBPyConnection) -> None:
    """A data version no earlier state of this workspace had: caches keyed on it (the ranking's) must not
    take the restored data for what they computed before. Milliseconds since 1970 are above any count of
    writes, and a later restore gets a later one."""
    conn.execute("INSERT INTO meta SELECT 'data_version', '0' "
                 "WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'data_version')")
    conn.execute("UPDATE meta SET value = CAST(greatest(coalesce(TRY_CAST(value AS BIGINT), 0) + 1, ?) AS VARCHAR) "
                 "WHERE key = 'data_version'", [time.time_ns() // 1_000_000])


def swap(workspace: Path, fresh: Path) -> None:
    """Put ``fresh`` in place of ``workspace``, keeping the current file (and its WAL) as ``.before-restore``."""
    with WRITE_LOCK:
        before = workspace.with_name(workspace.name + ".before-restore")
        if workspace.exists():
            shutil.copyfile(workspace, before)
        # The WAL may hold committed changes not yet in the file (a checkpoint that failed, a crash):
        # it goes with the copy it belongs to, so ``.before-restore`` opens with all of them.
        wal, before_wal = Path(f"{workspace}.wal"), Path(f"{before}.wal")
        before_wal.unlink(missing_ok=True)
        if wal.exists():
            os.replace(wal, before_wal)
        os.replace(fresh, workspace)


def _remove(fresh: Path) -> None:
    for leftover in (fresh, Path(f"{fresh}.wal")):
        leftover.unlink(missing_ok=True)
