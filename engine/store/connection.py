"""Opening the DuckDB file: short-lived connections, retries on the file lock, plain messages.

DuckDB lets one *process* hold a database file read-write. The dashboard and the CLI are two
processes, so neither may keep the file open between operations: every operation opens the file,
does its work in one transaction and closes it again. When the other process happens to hold the
lock at that moment we retry for a few seconds; if it still holds it we say which process it is.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import duckdb

from engine.errors import RapportError

from .attached import open_attached

try:
    import fcntl
except ImportError:  # Windows: no POSIX locks; DuckDB locks the file itself there
    fcntl = None


class StoreError(RapportError):
    """A problem with the database file that a user can act on (the message says how)."""


class StoreLocked(StoreError):
    """Another process has held the database file for longer than we were willing to wait."""


class StoreDamaged(StoreError):
    """The database file is damaged (a block fails its checksum, the file is cut short); nothing was written."""


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


# Words the operating system uses (POSIX, then Windows) for a folder or file we may not write, and for a full disk.
_NOT_WRITABLE = ("Permission denied", "Read-only file system", "Operation not permitted", "Access is denied")
_DISK_FULL = ("No space left", "Disk quota exceeded", "not enough space on the disk")


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _found(text: str, words: tuple[str, ...]) -> str | None:
    return next((w for w in words if w in text), None)


def describe_open_error(path: Path, error: Exception, created: bool = False) -> str:
    """A plain message for a file DuckDB cannot open, with the documented way back.

    ``created``: the file did not exist before this attempt (a first start), so there was no data to lose.
    """
    text = str(error)
    wal = f"{path.name}.wal"
    denied = _found(text, _NOT_WRITABLE)
    if denied:
        return (f"Rapport cannot write to {path} ({denied.lower()}). Check the permissions of the file and of its "
                f"folder: Rapport needs to write to both.")
    if _found(text, _DISK_FULL):
        if created:
            return (f"The disk holding {path} is full, so the workspace could not be created; free some space "
                    f"and try again.")
        return f"The disk holding {path} is full; free some space and try again. The database is intact."
    if is_damage(error):  # e.g. "Failure while replaying WAL file ...: Corrupt database file: ..."
        return describe_damage(path, error)
    if "WAL" in text:  # "Failure while replaying WAL file ...: Corrupt WAL file ..."
        return (f"The database {path} could not be opened: its journal of recent changes, {wal}, is damaged "
                f"({_first_line(error)}). Move {wal} aside (rename it, keep it) and start again: the database then "
                f"opens as it was last saved in full, without the changes still in {wal}. Or restore your last "
                f"backup on the Settings page.")
    if "not a valid DuckDB database file" in text:
        return (f"{path} is not a Rapport workspace (it is not a DuckDB database file); it was left as it is. "
                f"Choose another file with --db / RAPPORT_DB (or on the Settings page), or restore your last backup"
                + (f". If it was your workspace, it is damaged: r{way_back(path)[1:]}" if _has_copy(path) else "."))
    advice = (f"If this follows a crash, move {wal} aside and start again (the database then opens as it was last "
              f"saved in full), or restore your last backup on the Settings page."
              if Path(f"{path}.wal").exists() else "Restore your last backup on the Settings page, or choose another "
              "file with --db / RAPPORT_DB.")
    return f"The database {path} could not be opened: {_first_line(error)}. {advice}"


# What DuckDB says when the file itself is damaged: a block whose checksum does not match (zeroed, overwritten)
# or a read past the end of a file cut short ("... from file "<path>": attempted to read N bytes from location L").
_CHECKSUM = re.compile(r"Corrupt database file: .*? in block at location (?P<at>\d+)")
_SHORT_READ = re.compile(r'Could not read enough bytes from file "(?P<file>[^"]*)": attempted to read (?P<bytes>\d+) '
                         r"bytes from location (?P<at>\d+)")


def is_damage(error: Exception) -> bool:
    """Whether DuckDB's ``error`` says the database file is damaged (not its WAL, not the disk)."""
    text = str(error)
    short = _SHORT_READ.search(text)
    return "Corrupt database file" in text or bool(short and not short.group("file").endswith(".wal"))


def describe_damage(path: Path, error: Exception) -> str:
    """One line: the file is damaged, nothing was written to it, and the way back."""
    text = str(error)
    if match := _CHECKSUM.search(text):
        reason = f"the block at byte {int(match.group('at')):,} fails its checksum"
    elif match := _SHORT_READ.search(text):
        size = path.stat().st_size if path.exists() else 0
        reason = (f"it is cut short: it has {size:,} bytes but its data goes on to byte "
                  f"{int(match.group('at')) + int(match.group('bytes')):,}")
    else:
        reason = _first_line(error)
    return f"The workspace {path} is damaged ({reason}); nothing was written to it. {way_back(path)}"


def way_back(path: Path) -> str:
    """How to get the workspace back: a backup zip, or the newest automatic copy if there is one."""
    from .autobackup import copy_day, folder, newest_copy  # autobackup takes the write lock from this module

    zips = "Restore a backup zip on the Settings page or with `rapport restore FILE.zip`"
    copy = newest_copy(path)
    if copy is None:
        return f"{zips}; there is no automatic copy of it in {folder(path)} yet."
    return f"{zips}, or the automatic copy of {copy_day(copy)}: `rapport restore {copy}` (or on the Settings page)."


def _has_copy(path: Path) -> bool:
    from .autobackup import newest_copy

    return newest_copy(path) is not None


def describe_write_error(path: Path, error: Exception) -> str:
    """A plain message for a write that failed because of the disk or the folder, not the data."""
    text = str(error)
    denied = _found(text, _NOT_WRITABLE)
    if denied:
        return (f"Rapport cannot write to {path} or its folder ({denied.lower()}), so this change was not saved. "
                f"Check the folder's permissions; everything saved before is intact.")
    if _found(text, _DISK_FULL):
        return (f"The disk holding {path} is full, so this change was not saved; free some space and try again. "
                f"Everything saved before is intact.")
    return f"Saving to {path} failed, so this change was not saved: {_first_line(error)}"


def _is_lock_error(error: Exception) -> bool:
    return "Could not set lock" in str(error) or "Conflicting lock" in str(error)


# DuckDB's file starts with a 4 KiB header ("DUCK" at byte 8) and two 4 KiB database headers: anything
# shorter never held data.
_COMPLETE_HEADERS = 3 * 4096


def _discard_unfinished(path: Path, created: bool) -> bool:
    """Delete a workspace file that never held data: empty (an interrupted first start, which DuckDB
    would refuse forever), or, if this call ``created`` it, a DuckDB file cut short before its headers
    were complete (a full disk). Never a file with anything else in it.

    Only while holding the file's lock (the one DuckDB takes), so a file another process has just
    opened is never pulled from under it. Returns whether the file was deleted.
    """
    try:
        handle = open(path, "r+b")
    except OSError:
        return False
    with handle:
        if fcntl is not None:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False
        size = os.fstat(handle.fileno()).st_size
        if size and not (created and size < _COMPLETE_HEADERS and handle.read(12)[8:12] == b"DUCK"):
            return False
        try:
            path.unlink()
        except OSError:
            return False
    return True


def connect(path: Path, read_only: bool = False, wait_seconds: float = 10.0) -> duckdb.DuckDBPyConnection:
    """Open ``path``, retrying while another process holds the lock, then failing plainly."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    created = not path.exists()
    started_afresh = False
    while True:
        try:
            return open_attached(path, read_only)  # closed with attached.close
        except duckdb.Error as error:
            if isinstance(error, duckdb.IOException) and _is_lock_error(error):
                created = False  # another process has the file: whatever is in it is theirs
                if time.monotonic() >= deadline:
                    raise StoreLocked(describe_lock_error(path, error)) from error
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
                continue
            if is_damage(error):
                raise StoreDamaged(describe_open_error(path, error)) from error
            if created:  # a first start that failed (a full disk ...): leave no half-made file behind
                _discard_unfinished(path, created=True)
            elif (not started_afresh and not read_only and "not a valid DuckDB database file" in str(error)
                  and not Path(f"{path}.wal").exists() and _discard_unfinished(path, created=False)):
                started_afresh = created = True  # nothing was in it: from here on it is a first start
                continue
            raise StoreError(describe_open_error(path, error, created=created)) from error
