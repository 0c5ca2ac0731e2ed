"""Automatic copies of the workspace: one a day, the newest seven kept in ``backups/`` beside it.

They are the way back from a damaged file for people who never pressed Backup. The copy of
``data/rapport.duckdb`` made on 6 January 2025 is ``data/backups/rapport-2025-01-06.duckdb``.

When: the first time in a day that a process closes its last connection to a workspace it found
intact (``health``), and only if the workspace holds something (a fresh empty one would push a useful
copy out). Not while the file is open: the copy is a plain file copy, and a process that opens and
closes a file it holds through DuckDB drops DuckDB's lock on it (POSIX locks belong to the process, not
to the handle). So the copy is made between connections, under a shared lock of its own that stops any
other process from opening the file for writing meanwhile; a file that another process holds, or that
still has a WAL to replay, is copied the next time instead. DuckDB has checkpointed everything into the
file on closing, so the file alone is the whole workspace.

A copy of 100,000 contacts (5 MB) takes a few milliseconds, once a day, so it is made in the open;
``COPY FROM DATABASE`` would have re-encoded it in 330 to 1,200 ms. It is written under a temporary
name and renamed, so a crash never leaves half a copy named as one. ``RAPPORT_AUTOBACKUP=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from datetime import date
from pathlib import Path

import duckdb

from engine.clock import local_today

from . import health
from .connection import WRITE_LOCK, StoreError, is_damage

try:
    import fcntl
except ImportError:  # Windows: DuckDB's own lock keeps other processes out of the file
    fcntl = None

KEEP = 7
FOLDER = "backups"
SETTING = "RAPPORT_AUTOBACKUP"
_DAY = r"\d{4}-\d{2}-\d{2}"
_tried: dict[str, tuple[date, tuple | None]] = {}  # path -> the day and file state last copied or found empty


def enabled() -> bool:
    return os.environ.get(SETTING, "1").strip().lower() not in ("0", "false", "no", "off")


def folder(path: Path) -> Path:
    return Path(path).parent / FOLDER


def copies(path: Path) -> list[Path]:
    """The automatic copies of the workspace at ``path``, newest first."""
    pattern = re.compile(re.escape(Path(path).stem) + f"-({_DAY})\\.duckdb")
    try:
        names = [entry.name for entry in os.scandir(folder(path)) if entry.is_file()]
    except OSError:
        return []
    return [folder(path) / name for name in sorted((n for n in names if pattern.fullmatch(n)), reverse=True)]


def newest_copy(path: Path) -> Path | None:
    found = copies(path)
    return found[0] if found else None


def copy_day(copy: Path) -> str:
    """The day an automatic copy was made, from its name (``rapport-2025-01-06.duckdb``)."""
    return copy.stem[-10:]


def daily(path: Path, today: date | None = None) -> Path | None:
    """Make today's copy of the workspace if there is none yet; returns it, or None if none was made.

    Call it only when this process has no connection open to ``path`` (see the module's docstring).
    Never raises: a copy that cannot be made now (a full disk, a read-only folder, another process
    holding the file) is tried again on a later close.
    """
    path = Path(path)
    day = today or local_today()
    name = os.path.abspath(path)
    state = health.file_state(path)
    if (not enabled() or state is None or path.parent.name == FOLDER  # never a copy of a copy
            or _tried.get(name) in ((day, None), (day, state))):
        return None
    target = folder(path) / f"{path.stem}-{day.isoformat()}.duckdb"
    if target.exists():
        _tried[name] = (day, None)
        return None
    wal = Path(f"{path}.wal")
    if (wal.exists() and wal.stat().st_size) or not health.known_healthy(path):
        return None
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        target.parent.mkdir(exist_ok=True)
        with health.unopened(path) as free:
            copied = free and _copy_locked(path, partial, state)
        empty = copied and _is_empty(partial)
        if not copied or empty:
            _discard(partial)
            if empty:
                _tried[name] = (day, state)
            return None
        os.replace(partial, target)
    except (OSError, duckdb.Error):
        _discard(partial)
        return None
    _tried[name] = (day, None)
    _prune(path)
    return target


def _discard(partial: Path) -> None:
    """Remove a copy that is not kept, and the folder if that leaves it empty."""
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        partial.parent.rmdir()


def _copy_locked(path: Path, partial: Path, state: tuple) -> bool:
    """Copy ``path`` to ``partial`` under a shared lock; False if another process holds it for writing
    or it changed since it was found intact."""
    with open(path, "rb") as source:
        if fcntl is not None:
            try:
                fcntl.lockf(source, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return False
        if health.file_state(path) != state:
            return False
        with open(partial, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
    return True


def _is_empty(copy: Path) -> bool:
    """Whether the copy holds no contact, goal, event or interaction (it opens, or this raises)."""
    conn = duckdb.connect(str(copy), read_only=True)
    try:
        return not conn.execute(
            "SELECT EXISTS (SELECT 1 FROM contacts) OR EXISTS (SELECT 1 FROM goals) "
            "OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM interactions)").fetchone()[0]
    except duckdb.CatalogException:  # not migrated: nothing in it
        return True
    finally:
        conn.close()


def _prune(path: Path) -> None:
    """Keep the newest ``KEEP`` copies; remove what a crash left half-copied (an hour old or more)."""
    for old in copies(path)[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
    for leftover in folder(path).glob(f".{Path(path).stem}-*.duckdb.partial-*"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > 3600:
                leftover.unlink()


def restore_copy(path: Path, copy: Path) -> None:
    """Replace the workspace at ``path`` with ``copy`` (an automatic copy, or any Rapport workspace file).

    The copy is checked whole first (every block read through DuckDB); the current file is kept as
    ``<name>.before-restore``, with its WAL, as a restored backup zip keeps it.
    """
    path, copy = Path(path), Path(copy)
    if not copy.is_file():
        raise StoreError(f"There is no file {copy}; the automatic copies are in {folder(path)}.")
    fresh = path.with_name(path.name + ".restoring")
    for leftover in (fresh, Path(f"{fresh}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        shutil.copyfile(copy, fresh)
        conn = duckdb.connect(str(fresh), read_only=True)
        try:
            health.verify(conn)
            conn.execute("SELECT max(version) FROM schema_version").fetchone()
        finally:
            conn.close()
    except (OSError, duckdb.Error) as error:
        fresh.unlink(missing_ok=True)
        if is_damage(error):
            raise StoreError(f"The copy {copy} is damaged too; try an older one in {folder(path)}.") from error
        raise StoreError(f"{copy} could not be restored: it is not a Rapport workspace file "
                         f"({str(error).strip().splitlines()[0]}).") from error
    with WRITE_LOCK, health.unopened(path) as free:
        if not free:
            fresh.unlink(missing_ok=True)
            raise StoreError("Cannot restore while the workspace is open; try again in a moment.")
        from .backup_restore import swap  # base imports this module, and backup_restore imports base

        swap(path, fresh)  # as a restored backup zip: the replaced file and its WAL kept as .before-restore
