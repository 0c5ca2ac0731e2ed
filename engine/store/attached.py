"""Workspace files attached to one DuckDB database kept in memory, rather than each opened as a database.

Why: opening a DuckDB database costs 13-21 ms whatever the file holds (an empty file, or memory alone:
the instance, its catalog of functions, its threads) and closing it 3-7 ms more; every page run opens
and closes the workspace (connection.py says why it may not keep it open), and a feedback mark does
twice. Attaching a file to a database this process keeps open, and detaching it, cost about 2 ms in
all (measured at 100,000 contacts), with the same effect on the file: while attached, this process
holds DuckDB's lock on it; detached (this process's last connection to it closed), it is checkpointed
and the lock released, so the dashboard and the command line still take turns.

Each connection is a cursor of the kept database whose default catalog is the file (``USE``), so the
store's SQL reads as before (``current_database()`` is the file's). A file is attached once however
many connections use it (the page's and the preparation's threads), and detached after the last.
While it is attached, DuckDB refuses to open the same file as a database of its own in this process
("Unique file handle conflict"): in-process code reaches it through ``connection.connect``.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)
# DuckDB's allocator (jemalloc) keeps what a query freed for its next ones, and a database that stays
# open keeps it: the dashboard's peak at 100,000 contacts went from 409-425 MB to 448-457 MB with the
# kept database. Handed back sooner (a thread's cache past 4 MB after a task, any bulk free past 1 MB,
# purged by jemalloc's background thread), the peak was 410-415 MB in six runs of the same clicks.
ALLOCATOR = {"allocator_flush_threshold": "4MB", "allocator_bulk_deallocation_flush_threshold": "1MB",
             "allocator_background_threads": True}
_lock = threading.Lock()  # guards everything below
_host: duckdb.DuckDBPyConnection | None = None  # the database kept in memory, made at the first open
_files: dict[str, list] = {}  # real path -> [catalog name, connections open]
_connections: dict[int, str] = {}  # id of a connection handed out -> the real path it uses
_names = itertools.count(1)


def open_attached(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the DuckDB file ``path`` (made if missing, unless ``read_only``), attaching it
    first when no connection of this process uses it. Raises DuckDB's errors as ``duckdb.connect``
    does (a lock held by another process, a damaged file ...). Closed with ``close``."""
    global _host
    key = os.path.realpath(path)
    with _lock:
        if _host is None:
            _host = duckdb.connect(":memory:", config=ALLOCATOR)
        entry = _files.get(key)
        if entry is None:
            name = f"rapport_{next(_names)}"  # a name of ours: the file's own name may be any text
            _host.execute(f"ATTACH ? AS {name}{' (READ_ONLY)' if read_only else ''}", [str(path)])
            entry = _files[key] = [name, 0]
        entry[1] += 1
        conn = _host.cursor()
        _connections[id(conn)] = key
    try:
        conn.execute(f"USE {entry[0]}")
    except BaseException:
        close(conn)
        raise
    return conn


def close(conn: duckdb.DuckDBPyConnection, checkpoint: bool = True) -> None:
    """Close ``conn``; after the last connection to its file, detach the file (DuckDB checkpoints it
    then, unless ``checkpoint`` is False: a damaged file's WAL is not replayed into it). Closing twice,
    or a connection not from ``open_attached``, only closes it."""
    with _lock:
        key = _connections.pop(id(conn), None)
    conn.close()
    if key is None:
        return
    with _lock:
        entry = _files[key]
        entry[1] -= 1
        if entry[1] > 0:
            return
        del _files[key]
        if not checkpoint:
            _host.execute("PRAGMA disable_checkpoint_on_shutdown")
        try:
            _host.execute(f"DETACH {entry[0]}")
        except duckdb.Error as error:
            # Detached all the same: a checkpoint that could not be written (a full disk) leaves the
            # changes in the WAL, which the next open replays, as closing a database of its own did.
            log.warning("the workspace %s was closed without its checkpoint: %s", key, str(error).splitlines()[0])
        finally:
            if not checkpoint:
                _host.execute("PRAGMA enable_checkpoint_on_shutdown")


def attached(path: Path) -> bool:
    """Whether this process has ``path`` attached (a connection to it is open)."""
    with _lock:
        return os.path.realpath(path) in _files
