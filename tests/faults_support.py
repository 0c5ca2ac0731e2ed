"""Shared helpers for the fault tests (tests/test_faults_*.py): the child-process writer ``drive()``, the
``Child`` that runs it, the CLI runner, workspace builders and constants.

The writers run in child processes started from ``drive()`` below (``python -c "from tests.faults_support
import drive; ..."``); each prints a line only after a write has returned, so every printed line is an
acknowledged write.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from engine.store import Store
from tests.conftest import parsed_contacts

ROOT = Path(__file__).parents[1]
ROWS = 60_000
BULK = 400_000  # large enough that the one INSERT of an Arrow table takes a measurable while


# -- the writers, run in child processes ------------------------------------------------------------------
def drive(mode: str, db: str, count: int = 0, tag: str = "log") -> None:
    """A child process's work. Prints one line per write, after the write returned (acknowledged)."""
    store = Store(db)
    ids = sorted(int(i) for i in store.contacts.export()["id"])
    if mode == "update":  # a bulk edit, one contact at a time
        for seq in range(1, count + 1):
            store.contacts.update(ids[seq - 1], notes=f"edit {seq}", strength=seq % 6)
            print(seq, flush=True)
    elif mode == "log":  # logging interactions one by one
        for seq in range(1, count + 1):
            new_id = store.interactions.log({"contact_id": ids[seq % len(ids)], "occurred_on": "2024-03-01",
                                            "kind": "outreach", "channel": "email", "notes": f"{tag} {seq}"})
            print(seq, new_id, flush=True)
    elif mode == "bulk":  # one call, one transaction
        rows = [{"contact_id": ids[i % len(ids)], "occurred_on": "2024-03-02", "notes": f"bulk {i}"}
                for i in range(count)]
        print("begin", flush=True)
        store.interactions.log_many(rows)
        print("done", flush=True)
    elif mode == "wal":  # commit two changes that stay in the WAL only, then die without a checkpoint
        with store.session():
            store._local.conn.execute("PRAGMA disable_checkpoint_on_shutdown")
            store.contacts.update(ids[0], notes="only in the WAL")
            store.interactions.log({"contact_id": ids[0], "occurred_on": "2024-03-03", "notes": "only in the WAL"})
            print("committed", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    else:
        raise SystemExit(f"unknown mode {mode}")


class Child:
    """A writer process whose acknowledgements are collected as they arrive."""

    def __init__(self, mode: str, db: Path, count: int = 0, tag: str = "log"):
        code = f"from tests.faults_support import drive; drive({mode!r}, {str(db)!r}, {count}, {tag!r})"
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._done = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.strip())
                self._changed.notify_all()
        with self._changed:
            self._done = True
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[list[str]], bool], timeout: float = 60) -> None:
        with self._changed:
            self._changed.wait_for(lambda: predicate(self.lines) or self._done, timeout)
            if not predicate(self.lines):
                raise AssertionError(f"the writer never got there (exit {self.process.poll()}): "
                                     f"{self.lines[-3:]} {self.process.stderr.read() if self._done else ''}")

    def kill(self) -> bool:
        """SIGKILL; True if the process was still running (the kill really interrupted it)."""
        running = self.process.poll() is None
        if running:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        return running and self.process.returncode == -signal.SIGKILL

    def finish(self, timeout: float = 120) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=30)
        return code


def rapport(*args: str, db: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def one_plain_line(result: subprocess.CompletedProcess) -> str:
    """A failed CLI run: exit 2, nothing on stdout, one line on stderr, never a traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def workspace(db: Path, contacts: int) -> list[int]:
    """A workspace with ``contacts`` people, checkpointed and closed; returns their ids in order."""
    store = Store(db)
    store.imports.save_contacts(parsed_contacts([
        {"full_name": f"Person {i}", "linkedin_url": f"https://www.linkedin.com/in/person-{i}"}
        for i in range(contacts)]))
    return sorted(int(i) for i in store.contacts.export()["id"])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _first_notes(store: Store) -> str | None:
    frame = store.contacts.export()
    notes = frame.loc[frame["id"].idxmin(), "notes"]
    return notes if isinstance(notes, str) else None
