"""Faults, with real processes on real files: a read-only data folder and a full disk (plus the files an
interrupted first start can leave behind).

Afterwards the data is intact, the file opens, and where it cannot the message says plainly what to do.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from engine.store import Store, StoreError
from tests.faults_support import _first_notes, digest, one_plain_line, rapport, workspace


# -- 4. a read-only data folder and a full disk ----------------------------------------------------------------
def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


def _immutable_works(probe: Path) -> bool:
    """Whether ``chattr +i`` here stops even root from creating files (not on every file system)."""
    probe.mkdir(exist_ok=True)
    if not (shutil.which("chattr") and _run("chattr", "+i", str(probe))):
        return False
    try:
        (probe / "x").touch()
    except OSError:
        return True
    finally:
        _run("chattr", "-i", str(probe))
    return False


@contextlib.contextmanager
def read_only(folder: Path, files: tuple[Path, ...] = ()) -> Iterator[str]:
    """Make ``folder`` (and ``files``) unwritable by the kernel; yields the mechanism used.

    As a normal user, chmod does it. Root ignores permissions, so root uses the immutable attribute
    (``chattr +i``), which binds root too; where neither works the test is skipped.
    """
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in (folder, *files)}
        for path in files:
            path.chmod(0o444)
        folder.chmod(0o555)
        try:
            yield "chmod 0555"
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    if not _immutable_works(folder.parent / "immutable-probe"):
        pytest.skip("running as root and chattr +i is not available here: no way to make a folder read-only")
    targets = [*files, folder]
    try:
        for path in targets:
            assert _run("chattr", "+i", str(path))
        yield "chattr +i"
    finally:
        for path in targets:
            _run("chattr", "-i", str(path))


@pytest.mark.slow
def test_a_read_only_folder_gives_a_plain_error_and_the_data_stays(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "w.duckdb"
    ids = workspace(db, 5)
    Store(db).contacts.update(ids[0], notes="before")
    before = digest(db)

    with read_only(folder):  # the folder only: the file opens, nothing new can be created beside it
        store = Store(db)
        assert store.contacts.count() == 5  # reading still works
        with pytest.raises(StoreError) as caught:
            store.contacts.update(ids[0], notes="after")
        message = str(caught.value)
        line = one_plain_line(rapport("log", "--contact", str(ids[0]), db=db))
    for text in (message, line):
        assert "cannot write" in text and "permission" in text.lower() and str(db) in text
        assert "Error:" not in text and "aside" not in text

    with read_only(folder, (db,)):  # the file too
        with pytest.raises(StoreError) as caught:
            Store(db).contacts.count()
        message = str(caught.value)
        line = one_plain_line(rapport("contacts", db=db))
    for text in (message, line):
        assert "cannot write" in text and "permission" in text.lower() and str(db) in text
        assert ".wal" not in text, "a permission problem is not a damaged WAL"

    assert digest(db) == before
    store = Store(db)
    assert store.contacts.count() == 5 and _first_notes(store) == "before"
    store.contacts.update(ids[0], notes="writable again")
    assert _first_notes(Store(db)) == "writable again"


@contextlib.contextmanager
def small_disk(mountpoint: Path, size: str = "8m") -> Iterator[Path]:
    """A real, tiny file system (tmpfs) when running as root with mount allowed; else a skip."""
    mountpoint.mkdir()
    if os.geteuid() != 0 or not _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                                     str(mountpoint)):
        pytest.skip("cannot mount a small tmpfs here (needs root and mount rights); "
                    "see test_a_full_disk_at_commit_is_a_plain_error_simulated")
    try:
        yield mountpoint
    finally:
        if not _run("umount", str(mountpoint)):
            _run("umount", "-l", str(mountpoint))


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "ab", buffering=0) as handle:
        with contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 65536)
        with contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 512)
    return filler


def _full(text: str, path: Path) -> None:
    assert "disk" in text and "full" in text and "free some space" in text and str(path) in text, text
    assert "Error:" not in text and "aside" not in text, text


@pytest.mark.slow
def test_a_full_disk_is_a_plain_error_and_the_data_stays(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "w.duckdb"
        ids = workspace(db, 40)
        store = Store(db)
        store.contacts.update(ids[0], notes="before")
        store.interactions.log({"contact_id": ids[0], "occurred_on": "2024-05-01", "notes": "before"})
        filler = _fill(disk)

        with store.session():  # a dashboard page shares one connection: it must outlive the failure
            with pytest.raises(StoreError) as caught:
                store.contacts.update(ids[0], notes="after")
            assert store.contacts.count() == 40 and _first_notes(store) == "before"
        _full(str(caught.value), db)
        bulk = [{"contact_id": ids[i % 40], "occurred_on": "2024-05-02", "notes": "x" * 2_000} for i in range(300)]
        with pytest.raises(StoreError) as caught:
            store.interactions.log_many(bulk)
        _full(str(caught.value), db)
        _full(one_plain_line(rapport("log", "--contact", str(ids[1]), "--notes", "cli", db=db)), db)
        assert store.contacts.count() == 40 and _first_notes(store) == "before"  # reading still works

        fresh = disk / "new.duckdb"  # a first start on a full disk
        with pytest.raises(StoreError) as caught:
            Store(fresh).summary()
        assert "full" in str(caught.value) and "free some space" in str(caught.value)

        filler.unlink()
        assert Store(fresh).summary()["contacts"] == 0, "the failed first start left a file that never opens"
        store = Store(db)
        assert store.contacts.count() == 40 and _first_notes(store) == "before"
        assert list(store.interactions.frame()["notes"]) == ["before"]  # nothing half-written
        store.interactions.log_many(bulk)
        assert store.summary()["interactions"] == 301


def test_a_first_start_on_an_almost_full_disk_says_so_and_leaves_no_broken_file(tmp_path):
    """Every amount of free space from none to enough: the file, its headers, each migration can be the
    write that fails. Each time a plain "disk is full", and once there is space the workspace opens."""
    from engine.store.migrations import latest_version

    with small_disk(tmp_path / "disk", "1m") as disk:
        db = disk / "w.duckdb"
        outcomes = {}
        for free in (0, 4096, 8192, 12288, 16384, 20480, 32768, 65536):
            for leftover in disk.iterdir():
                leftover.unlink()
            filler = _fill(disk)
            os.truncate(filler, filler.stat().st_size - free)
            try:
                Store(db).summary()
                outcomes[free] = "opened"
            except StoreError as error:
                text = str(error)
                assert "full" in text and "free some space" in text and "Error:" not in text, (free, text)
                outcomes[free] = "full"
            filler.unlink()
            store = Store(db)
            assert store.schema_version() == latest_version(), f"{free} bytes free left a broken workspace"
            assert store.contacts.count() == 0
        assert outcomes[0] == "full" and "opened" in outcomes.values(), outcomes


class _FullDiskConnection:
    """A real connection whose COMMIT fails the way DuckDB reports a full disk."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, wal: str):
        self._conn, self._wal = conn, wal

    def execute(self, sql: str, *args):
        if sql.strip().upper() == "COMMIT":
            self._conn.execute("ROLLBACK")
            raise duckdb.TransactionException(
                f'TransactionContext Error: Failed to commit: Could not write file "{self._wal}": '
                "No space left on device")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_a_full_disk_at_commit_is_a_plain_error_simulated(tmp_path, monkeypatch):
    """The store boundary on any machine (no tmpfs needed): DuckDB's own full-disk error at COMMIT."""
    import engine.store.base as base

    db = tmp_path / "w.duckdb"
    ids = workspace(db, 5)
    real = base.connect
    monkeypatch.setattr(base, "connect", lambda path, **kw: _FullDiskConnection(real(path, **kw), f"{path}.wal"))
    store = Store(db)
    with pytest.raises(StoreError) as caught:
        store.contacts.update(ids[0], notes="after")
    _full(str(caught.value), db)
    monkeypatch.setattr(base, "connect", real)
    assert _first_notes(Store(db)) is None and Store(db).data_version() == store.data_version()


def test_an_empty_file_left_by_an_interrupted_first_start_is_started_afresh(tmp_path):
    """A workspace file of zero bytes (killed or out of space while being created) holds nothing: DuckDB
    refuses it forever, so Rapport starts it afresh instead of failing every time."""
    db = tmp_path / "w.duckdb"
    db.touch()
    assert Store(db).summary()["contacts"] == 0
    assert Store(db).schema_version() >= 2


def test_a_file_that_is_not_a_database_is_left_alone_with_a_plain_message(tmp_path):
    notes = tmp_path / "notes.duckdb"
    notes.write_bytes(b"these are somebody's notes, not a database\n" * 100)
    before = digest(notes)
    with pytest.raises(StoreError) as caught:
        Store(notes).summary()
    line = one_plain_line(rapport("contacts", db=notes))
    for text in (str(caught.value), line):
        assert str(notes) in text and "not a Rapport workspace" in text and "--db" in text
        assert ".wal" not in text, "there is no WAL to move aside"
    assert digest(notes) == before
