"""Is the workspace file intact? Checked when a process first opens it, before anything is written to it.

DuckDB stores the file in 256 KiB blocks, each with a checksum that it verifies whenever it reads the
block from disk, and a file cut short fails with a short read. But it reads blocks only when a query
needs them: a damaged block stays hidden until then, and a command that writes before it reads
(``log``, ``import``) goes on writing into the damaged file. So the first open of a file in a process
reads every block that holds something, through DuckDB, before the migrations or any write:

* the catalog and the free list: read by the open itself;
* every table's data: one query hashing every column of every row of every table
  (``bit_xor(hash(*COLUMNS(*)))``; ``count(*)`` or ``count(column)`` are not enough, DuckDB answers
  them from statistics or validity masks without reading the values);
* every index (the primary keys' ART): an index scan over all keys but the smallest. DuckDB loads an
  index's blocks lazily, node by node, so a point lookup reads one path only. With the index scan
  threshold set just below the number of keys, the scan walks the whole tree and then, having found
  "too many" rows, reads the column instead of fetching every row by id (which cost 114 ms for
  50,000 interactions; the walk costs a few).

Measured on 100,000 contacts (benchmarks/workspace.py): about 20 to 60 ms on a 2-core machine; see the
README. The verdict is kept per process and file state (size, mtime, inode), so a dashboard rerun
pays one ``os.stat``; while this process holds the file open, nobody else can write to it (DuckDB's
lock), so its own writes do not make it check again.

A damaged file raises ``StoreDamaged``; DuckDB is told not to checkpoint on closing, so not a byte
of the file (or of its WAL) is written, and every later open in this process refuses at once.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from .attached import close
from .connection import StoreDamaged, connect, describe_damage, is_damage

_lock = threading.Condition()
_verdicts: dict[str, tuple[tuple | None, str | None]] = {}  # path -> (file state, damage message or None)
_checked: dict[str, int] = {}  # path -> connections open in this process that passed the check
_busy: dict[str, int] = {}  # path -> the same, plus opens under way
_copying: set[str] = set()  # paths being copied (autobackup): no open starts meanwhile


def _name(path: Path) -> str:
    return os.path.abspath(path)


def file_state(path: Path) -> tuple | None:
    """What changes when anybody writes the file (None: there is no file)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev


def _count(counts: dict[str, int], name: str, step: int) -> None:
    left = counts.get(name, 0) + step
    if left > 0:
        counts[name] = left
    else:
        counts.pop(name, None)


def open_checked(path: Path, connect: Callable[[Path], duckdb.DuckDBPyConnection] = connect
                 ) -> duckdb.DuckDBPyConnection:
    """``connect(path)``, refusing a damaged file with ``StoreDamaged``; checked once per file state.

    Every connection returned must be handed to ``closed(path)`` once closed.
    """
    name = _name(path)
    with _lock:
        _lock.wait_for(lambda: name not in _copying)
        state = file_state(path)
        known_state, damage = _verdicts.get(name, (None, None))
        if damage is not None and known_state == state:
            raise StoreDamaged(damage)
        # While a connection of ours is open nobody else can write the file (DuckDB's lock): it is as checked.
        trusted = state is None or _checked.get(name, 0) > 0 or known_state == state
        _count(_busy, name, +1)
    try:
        conn = _connect_checked(connect, path, name, state, trusted)
    except BaseException:
        with _lock:
            _count(_busy, name, -1)
            _lock.notify_all()
        raise
    with _lock:
        if not trusted or _verdicts.get(name, (None, None))[1] is None:  # checked now, or known healthy
            _verdicts[name] = (state, None)
        _count(_checked, name, +1)
    return conn


def _connect_checked(connect, path: Path, name: str, state: tuple | None, trusted: bool) -> duckdb.DuckDBPyConnection:
    try:
        conn = connect(path)
    except StoreDamaged as error:
        _remember(name, state, str(error))
        raise
    if trusted:
        return conn
    try:
        verify(conn)
    except duckdb.Error as error:
        if not is_damage(error):
            close(conn)
            raise
        message = describe_damage(path, error)
        _close_untouched(conn)
        _remember(name, state, message)
        raise StoreDamaged(message) from error
    except BaseException:
        close(conn)
        raise
    return conn


def closed(path: Path) -> bool:
    """A connection from ``open_checked`` was closed: returns True when it was this process's last one.

    The file as it is now is this process's own doing (nobody else could write while it had the file
    open), so a healthy verdict carries over to it.
    """
    name = _name(path)
    with _lock:
        _count(_checked, name, -1)
        _count(_busy, name, -1)
        if _verdicts.get(name, (None, None))[1] is None:
            _verdicts[name] = (file_state(path), None)
        _lock.notify_all()
        return name not in _busy


def known_healthy(path: Path) -> bool:
    """Whether the file, as it is now, was found intact by this process."""
    with _lock:
        state, damage = _verdicts.get(_name(path), (None, None))
    return damage is None and state is not None and state == file_state(path)


@contextlib.contextmanager
def unopened(path: Path) -> Iterator[bool]:
    """Yields whether this process has no connection to ``path``, and keeps it so until the block ends
    (opens wait): the file may then be read like any file without dropping DuckDB's lock."""
    name = _name(path)
    with _lock:
        free = name not in _busy and name not in _copying
        if free:
            _copying.add(name)
    try:
        yield free
    finally:
        if free:
            with _lock:
                _copying.discard(name)
                _lock.notify_all()


def verify(conn: duckdb.DuckDBPyConnection) -> None:
    """Read every block of the database that holds a table's rows or an index; raises DuckDB's error."""
    tables = conn.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND NOT temporary ORDER BY ALL").fetchall()
    if tables:
        conn.execute(" UNION ALL ".join(f"SELECT bit_xor(hash(*COLUMNS(*))) FROM {_quote(s)}.{_quote(t)}"
                                        for s, t in tables)).fetchall()
    keys = conn.execute(
        "SELECT schema_name, table_name, constraint_column_names[1] FROM duckdb_constraints() "
        "WHERE database_name = current_database() AND constraint_type IN ('PRIMARY KEY', 'UNIQUE') "
        "AND len(constraint_column_names) = 1 ORDER BY ALL").fetchall()
    if not keys:
        return
    sizes = conn.execute(" UNION ALL ".join(
        f"SELECT {i}, min({_quote(c)}), count(*) FROM {_quote(s)}.{_quote(t)}"
        for i, (s, t, c) in enumerate(keys))).fetchall()
    try:
        for i, smallest, rows in sizes:
            if not rows:
                continue
            schema, table, column = keys[i]
            # The scan finds rows - 1 keys above the smallest, one more than it may fetch: it walks them all.
            conn.execute(f"SET index_scan_max_count = {max(int(rows) - 2, 0)}")
            conn.execute("SET index_scan_percentage = 0")
            conn.execute(f"SELECT count(*) FROM {_quote(schema)}.{_quote(table)} WHERE {_quote(column)} > ?",
                         [smallest]).fetchall()
    finally:
        with contextlib.suppress(duckdb.Error):
            conn.execute("RESET index_scan_max_count")
            conn.execute("RESET index_scan_percentage")


def _quote(name: str) -> str:
    """An identifier from DuckDB's own catalog, quoted (identifiers cannot be bound parameters)."""
    return '"' + name.replace('"', '""') + '"'


def _remember(name: str, state: tuple | None, damage: str) -> None:
    with _lock:
        _verdicts[name] = (state, damage)


def _close_untouched(conn: duckdb.DuckDBPyConnection) -> None:
    """Close without the checkpoint DuckDB makes on closing (it would replay a WAL into the damaged file)."""
    close(conn, checkpoint=False)
