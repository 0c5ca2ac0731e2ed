"""``rapport backup`` and ``rapport restore``: the two operations of the Settings page.

One ``restore`` takes either kind of copy: a backup zip (``rapport backup``, the Settings page) or
an automatic daily copy (``data/backups/*.duckdb``). Either way the replaced file is kept beside
the workspace as ``<name>.before-restore``.
"""

from __future__ import annotations

from pathlib import Path

from engine.exports import write_atomically
from engine.records import printable
from engine.store import Store, StoreError, restore_copy

from .output import print_json

MAX_BACKUP_FILE = 2 * 1024**3 + 1024**2  # read whole into memory: refuse what no backup could be


def cmd_backup(args, store: Store) -> int:
    data = store.backup_zip()
    write_atomically(args.out, data)  # a complete backup or none: never half a zip under the name asked for
    if args.json:
        print_json({"path": str(args.out), "bytes": len(data)})
    else:
        print(f"Wrote a backup of {len(data):,} bytes to {printable(str(args.out))}")
    return 0


def _read_backup(source: Path) -> bytes:
    try:
        if source.stat().st_size > MAX_BACKUP_FILE:
            raise StoreError(f"{printable(str(source))} is larger than any Rapport backup; it was not restored")
        return source.read_bytes()
    except OSError as error:
        raise StoreError(f"Cannot read {printable(str(source))}: {error.strerror or error}") from error


def _source_problem(source: Path) -> str | None:
    """Why ``source`` cannot be a copy to restore (one line naming it), or None."""
    shown = printable(str(source))
    if source.is_dir():
        return f"{shown} is a folder; give a backup zip or an automatic copy (backups/*.duckdb)"
    if not source.exists():
        return f"Cannot read {shown}: No such file or directory"
    if not source.is_file():
        return f"{shown} is not a regular file (a device or a pipe); it was not restored"
    return None


def cmd_restore(args, store: Store) -> int:
    source = Path(args.file)
    problem = _source_problem(source)
    if problem:
        raise StoreError(problem)
    if source.suffix.lower() == ".zip":
        summary = store.restore_zip(_read_backup(source))
    else:
        restore_copy(store.path, source)
        summary = store.summary()
    before = store.path.with_name(store.path.name + ".before-restore")
    if args.json:
        print_json(summary)
    else:
        print(f"Restored {printable(str(source))} into {store.path} ({summary['contacts']:,} contacts, "
              f"{summary['goals']} goals, {summary['interactions']:,} interactions); "
              f"the file it replaced is kept as {before}.")
    return 0
