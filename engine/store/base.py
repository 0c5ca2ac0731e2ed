"""The connection discipline every part of the store shares.

``Store`` methods never keep the file open between calls (see ``connection``). Inside a
``with store.session():`` block they share one connection, which is how a page that reads five
things pays for one open instead of five. Each area of the workspace is a ``Part`` of the store
(``store.contacts``, ``store.goals`` ...), the way sqlite-utils has a ``Database`` and its
``Table``s: a part holds that area's SQL and reaches the file only through its store.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb

from engine.errors import NotFound

from . import attached, autobackup, health
from .connection import WRITE_LOCK, StoreError, connect, describe_open_error, describe_write_error
from .migrations import MIGRATIONS, latest_version

ROW_GROUP_ROWS = 122_880  # DuckDB's rows per row group, its unit of parallel work


def rows_as_dicts(cursor) -> list[dict]:
    """A query's rows as dicts keyed by column name."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


class StoreBase:
    """Owns the database path, the per-thread shared connection and the migrations."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()

    # -- connections ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Share one connection among the store calls made inside this block (same thread)."""
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        self._local.conn = self._open()
        try:
            yield
        finally:
            conn, self._local.conn = self._local.conn, None
            self._close(conn)

    def _open(self) -> duckdb.DuckDBPyConnection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(describe_open_error(self.path, error, created=True)) from error
        conn = health.open_checked(self.path, connect)  # a damaged file is refused here, before anything is written
        try:
            self.migrate(conn)
        except duckdb.IOException as error:  # the disk or the folder, e.g. full while migrating
            self._close(conn)
            raise StoreError(describe_write_error(self.path, error)) from error
        except duckdb.TransactionException as error:  # a migration's COMMIT that could not be written
            self._close(conn)
            raise StoreError(describe_write_error(self.path, error)) from error
        except BaseException:
            self._close(conn)
            raise
        return conn

    def _close(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Close a connection from ``_open``; after this process's last one, make the day's automatic copy."""
        try:
            attached.close(conn)
        finally:
            last = health.closed(self.path)
        if last:
            autobackup.daily(self.path)

    @contextlib.contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The session's connection, or one opened (and closed) for this block."""
        shared = getattr(self._local, "conn", None)
        if shared is not None:
            yield shared
            return
        conn = self._open()
        try:
            yield conn
        finally:
            self._close(conn)

    @contextlib.contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: committed if the block ends normally, rolled back on any error."""
        with WRITE_LOCK, self.reading() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                yield conn
            except duckdb.IOException as error:  # the disk or the folder, not the data: say so plainly
                _rollback(conn)
                raise StoreError(describe_write_error(self.path, error)) from error
            except BaseException:
                _rollback(conn)
                raise
            try:
                conn.execute("COMMIT")
            except duckdb.Error as error:  # e.g. the WAL cannot be written: a full disk, a read-only folder
                _rollback(conn)
                raise StoreError(describe_write_error(self.path, error)) from error

    @staticmethod
    @contextlib.contextmanager
    def _threads_for(conn: duckdb.DuckDBPyConnection, rows: int) -> Iterator[None]:
        """Let DuckDB use only as many threads as ``rows`` rows can keep busy, for this block.

        DuckDB parallelizes by row group: "for a query to run on k threads, it needs to scan at
        least k * 122,880 rows" (its guide to tuning workloads). Below that the extra threads only
        coordinate: a 100,000-row import took 0.366 s with two threads and 0.336 s with one on a
        2-core machine. The setting is the database's, not the connection's, so it is reset
        afterwards; other queries of this process run on fewer threads meanwhile.
        """
        wanted = max(1, -(-rows // ROW_GROUP_ROWS))
        if wanted >= (os.cpu_count() or 1):
            yield
            return
        conn.execute(f"SET threads = {int(wanted)}")
        try:
            yield
        finally:
            with contextlib.suppress(duckdb.Error):
                conn.execute("RESET threads")

    @staticmethod
    def _update_by_id(conn: duckdb.DuckDBPyConnection, table: str, row_id: int, values: dict, what: str) -> None:
        """``UPDATE table SET ... WHERE id = ?`` for vetted column names; KeyError if there is no such row."""
        sets = ", ".join(f"{name} = ?" for name in values)
        found = conn.execute(f"UPDATE {table} SET {sets}, updated_at = current_timestamp WHERE id = ?",
                             [*values.values(), row_id]).fetchone()[0]
        if not found:
            raise NotFound(f"no {what} with id {row_id}")

    # -- schema ----------------------------------------------------------------------------------
    def migrate(self, conn: duckdb.DuckDBPyConnection, upto: int | None = None) -> None:
        """Apply every pending migration in one transaction: a workspace is upgraded whole or not at all.

        (One transaction also makes a first start cheaper: one commit instead of one per migration.)
        ``upto``: stop after that version (a restored backup is loaded into the schema it was written from).
        """
        target = latest_version() if upto is None else upto
        if _schema_version(conn) >= target:
            return
        with WRITE_LOCK:
            conn.execute("BEGIN TRANSACTION")
            try:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description VARCHAR, "
                    "applied_at TIMESTAMP DEFAULT current_timestamp)"
                )
                current = _schema_version(conn)  # another thread may have migrated while we waited
                for version, description, sql in MIGRATIONS:
                    if current < version <= target:
                        conn.execute(sql)
                        conn.execute("INSERT INTO schema_version (version, description) VALUES (?, ?)",
                                     [version, description])
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)  # a failed COMMIT has already ended the transaction
                raise

    def schema_version(self) -> int:
        with self.reading() as conn:
            return conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    # -- data version: bumped by every write that changes what the ranking reads -----------------
    @staticmethod
    def _bump_data_version(conn: duckdb.DuckDBPyConnection) -> None:
        conn.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'")

    def data_version(self) -> int:
        """A number that changes whenever contacts or interactions change (for caches)."""
        with self.reading() as conn:
            return int(conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0])


def _schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied, 0 for a new file (no ``schema_version`` table yet)."""
    try:
        return conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    except duckdb.CatalogException:
        return 0


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """Roll back whatever is open; never let a failing rollback hide the error that got us here."""
    with contextlib.suppress(duckdb.Error):
        conn.execute("ROLLBACK")


class Part:
    """One area of the workspace (contacts, goals, the interaction log ...): its SQL, on its store's
    connection. Parts never call each other; what two areas share lives on the store or in a
    module function."""

    def __init__(self, db: StoreBase):
        self.db = db

    def session(self):
        return self.db.session()

    def _reading(self):
        return self.db.reading()

    def _writing(self):
        return self.db.writing()

    _threads_for = staticmethod(StoreBase._threads_for)
    _update_by_id = staticmethod(StoreBase._update_by_id)
    _bump_data_version = staticmethod(StoreBase._bump_data_version)
