"""Opening the DuckDB file: short-lived connections, retries on the file lock, plain messages.

DuckDB lets one *process* hold a database file read-write. The dashboard and the CLI are two
processes, so neither may keep the file open between operations: every operation opens the file,
does its work in one transaction and closes it again. When the other process happens to hold the
lock at that moment we retry for a few seconds; if it still holds it we say which process it is.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import duckdb


class StoreError(Exception):
    """A problem with the database file that a user can act on (the message says how)."""


class StoreLocked(StoreError):
    """Another process has held the database file for longer than we were willing to wait."""


_LOCK_PATTERN = re.compile(r"Conflicting lock is held in (?P<prog>.+?) \(PID (?P<pid>\d+)\)")

# One lock per process for writes: DuckDB serializes conflicting transactions itself, but a
# transaction that loses a conflict is aborted; taking turns in-process avoids that entirely.
WRITE_LOCK = threading.RLock()


def describe_lock_error(path: Path, error: Exception) -> str:
    """Turn DuckDB's lock error into a sentence naming the process that holds the file."""
    match = _LOCK_PATTERN.search(str(error))
    holder = "another program"
    if match:
        holder = f"process {match.group('pid')} ({Path(match.group('prog')).name})"
    return (
        f"The database {path} is in use by {holder}. Close that program (or wait for it to "
        f"finish) and try again, or use another database with --db / RAPPORT_DB."
    )


def describe_open_error(path: Path, error: Exception) -> str:
    """A plain message for a file DuckDB cannot open, with the documented way back."""
    text = str(error)
    if "Permission denied" in text or "Read-only file system" in text:
        return f"Rapport cannot write to {path}: {text.splitlines()[0]}. Check the folder's permissions."
    if "No space left" in text:
        return f"The disk holding {path} is full; free some space and try again. The database is intact."
    return (
        f"The database {path} could not be opened: {text.splitlines()[0]}. If this follows a crash, "
        f"move {path.name}.wal aside and start again (the last committed data stays), or restore "
        f"your last backup on the Settings page."
    )


def connect(path: Path, read_only: bool = False, wait_seconds: float = 10.0) -> duckdb.DuckDBPyConnection:
    """Open ``path``, retrying while another process holds the lock, then failing plainly."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if "Could not set lock" not in str(error) and "Conflicting lock" not in str(error):
                raise StoreError(describe_open_error(path, error)) from error
            if time.monotonic() >= deadline:
                raise StoreLocked(describe_lock_error(path, error)) from error
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        except duckdb.Error as error:
            raise StoreError(describe_open_error(path, error)) from error
