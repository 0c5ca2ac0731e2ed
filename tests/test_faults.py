"""Faults, with real processes on real files: SIGKILL in the middle of a write, a second process on the
same file, a damaged write-ahead log (WAL), a read-only folder and a full disk.

Afterwards every acknowledged write is there, every transaction is all or nothing, the file opens, and
where it cannot the message says plainly what to do.

The writers run in child processes started from ``drive()`` below (``python -c "from tests.test_faults
import drive; ..."``); each prints a line only after a write has returned, so every printed line is an
acknowledged write.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from benchmarks.generate import linkedin_export
from engine.store import Store, StoreError
from engine.store.connection import StoreLocked, connect
from tests.conftest import parsed_contacts

ROOT = Path(__file__).parents[1]
ROWS = 60_000
BULK = 400_000  # large enough that the one INSERT of an Arrow table takes a measurable while


# -- the writers, run in child processes ------------------------------------------------------------------
def drive(mode: str, db: str, count: int = 0, tag: str = "log") -> None:
    """A child process's work. Prints one line per write, after the write returned (acknowledged)."""
    store = Store(db)
    ids = sorted(int(i) for i in store.contacts_export()["id"])
    if mode == "update":  # a bulk edit, one contact at a time
        for seq in range(1, count + 1):
            store.update_contact(ids[seq - 1], notes=f"edit {seq}", strength=seq % 6)
            print(seq, flush=True)
    elif mode == "log":  # logging interactions one by one
        for seq in range(1, count + 1):
            new_id = store.log_interaction({"contact_id": ids[seq % len(ids)], "occurred_on": "2024-03-01",
                                            "kind": "outreach", "channel": "email", "notes": f"{tag} {seq}"})
            print(seq, new_id, flush=True)
    elif mode == "bulk":  # one call, one transaction
        rows = [{"contact_id": ids[i % len(ids)], "occurred_on": "2024-03-02", "notes": f"bulk {i}"}
                for i in range(count)]
        print("begin", flush=True)
        store.log_interactions(rows)
        print("done", flush=True)
    elif mode == "wal":  # commit two changes that stay in the WAL only, then die without a checkpoint
        with store.session():
            store._local.conn.execute("PRAGMA disable_checkpoint_on_shutdown")
            store.update_contact(ids[0], notes="only in the WAL")
            store.log_interaction({"contact_id": ids[0], "occurred_on": "2024-03-03", "notes": "only in the WAL"})
            print("committed", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    else:
        raise SystemExit(f"unknown mode {mode}")


class Child:
    """A writer process whose acknowledgements are collected as they arrive."""

    def __init__(self, mode: str, db: Path, count: int = 0, tag: str = "log"):
        code = f"from tests.test_faults import drive; drive({mode!r}, {str(db)!r}, {count}, {tag!r})"
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
    store.save_contact_import(parsed_contacts([
        {"full_name": f"Person {i}", "linkedin_url": f"https://www.linkedin.com/in/person-{i}"}
        for i in range(contacts)]))
    return sorted(int(i) for i in store.contacts_export()["id"])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- 1. SIGKILL in the middle of writes ---------------------------------------------------------------------
def _start_import(export, db) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "engine", "import", str(export), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_sigkill_during_a_large_import_leaves_all_rows_or_none(tmp_path):
    export = linkedin_export(tmp_path / "Connections.csv", ROWS)
    full_db = tmp_path / "full.duckdb"
    Store(full_db).summary()
    started = time.monotonic()
    finished = _start_import(export, full_db)
    assert finished.wait(timeout=120) == 0, finished.stderr.read()
    duration = time.monotonic() - started
    expected = Store(full_db).count_contacts()
    assert expected > ROWS * 0.9

    outcomes = []
    for fraction in (0.35, 0.6, 0.8, 0.95):
        db = tmp_path / f"killed-{fraction}.duckdb"
        Store(db).summary()  # the workspace exists before the import starts
        process = _start_import(export, db)
        time.sleep(duration * fraction)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            outcomes.append("killed")
        process.wait()
        reopened = Store(db)
        count = reopened.count_contacts()
        imports = reopened.imports()
        assert count in (0, expected), f"half-written import after a kill at {fraction:.0%}: {count} rows"
        assert len(imports) == (1 if count else 0)
        if count:
            assert imports[0]["inserted"] == expected
        assert reopened.schema_version() >= 2
    assert "killed" in outcomes, "the import always finished before the kill; the test proved nothing"


@pytest.mark.slow
def test_sigkill_during_a_bulk_edit_keeps_every_acknowledged_edit(tmp_path):
    rng = random.Random(11)
    for round_, acked_before_kill in enumerate((8, 25)):
        db = tmp_path / f"edit-{round_}.duckdb"
        ids = workspace(db, 200)
        version = Store(db).data_version()
        child = Child("update", db, len(ids))
        child.wait_for(lambda lines, n=acked_before_kill: len(lines) >= n)
        time.sleep(rng.uniform(0, 0.08))  # somewhere in the next write: open, update, commit, checkpoint, close
        assert child.kill(), "the bulk edit finished before the kill; the test proved nothing"
        acked = [int(line) for line in child.lines]
        assert acked == list(range(1, len(acked) + 1))
        assert acked_before_kill <= len(acked) < len(ids)

        store = Store(db)  # opens after the kill
        frame = store.contacts_export().set_index("id")
        edited = [seq for seq, cid in enumerate(ids, 1) if isinstance(frame.loc[cid, "notes"], str)]
        assert edited[:len(acked)] == acked, "an acknowledged edit is missing after the kill"
        assert edited in (acked, acked + [len(acked) + 1]), f"edits beyond the one in flight: {edited[-3:]}"
        for seq in edited:
            row = frame.loc[ids[seq - 1]]
            assert (row["notes"], int(row["strength"])) == (f"edit {seq}", seq % 6)
        # the data version is bumped in the same transaction as each edit: no torn write either way
        assert store.data_version() - version == len(edited)


@pytest.mark.slow
def test_sigkill_while_logging_interactions_keeps_every_acknowledged_one(tmp_path):
    rng = random.Random(5)
    for round_, acked_before_kill in enumerate((6, 20)):
        db = tmp_path / f"log-{round_}.duckdb"
        workspace(db, 30)
        version = Store(db).data_version()
        child = Child("log", db, 1_000)
        child.wait_for(lambda lines, n=acked_before_kill: len(lines) >= n)
        time.sleep(rng.uniform(0, 0.06))
        assert child.kill(), "the logging finished before the kill; the test proved nothing"
        acked = [tuple(int(v) for v in line.split()) for line in child.lines]
        assert [seq for seq, _ in acked] == list(range(1, len(acked) + 1))

        store = Store(db)
        frame = store.interactions_frame()
        notes = dict(zip((int(i) for i in frame["id"]), frame["notes"]))
        for seq, new_id in acked:
            assert notes.get(new_id) == f"log {seq}", f"acknowledged interaction {new_id} is missing"
        assert len(notes) in (len(acked), len(acked) + 1)
        if len(notes) > len(acked):  # the write in flight made it, whole
            assert sorted(notes.values(), key=lambda n: int(n.split()[1]))[-1] == f"log {len(acked) + 1}"
        assert store.data_version() - version == len(notes)


@pytest.mark.slow
def test_sigkill_during_a_bulk_log_is_all_or_nothing(tmp_path):
    # Calibrate in this process: how long BULK rows take (a tenth of them, times ten).
    calibration = tmp_path / "calibration.duckdb"
    ids = workspace(calibration, 50)
    started = time.monotonic()
    Store(calibration).log_interactions([{"contact_id": ids[0], "occurred_on": "2024-03-02"}] * (BULK // 10))
    expected = (time.monotonic() - started) * 10

    outcomes = []
    for fraction in (0.3, 0.97):  # well inside the statement, and about when it commits
        db = tmp_path / f"bulk-{fraction}.duckdb"
        workspace(db, 50)
        child = Child("bulk", db, BULK)
        child.wait_for(lambda lines: "begin" in lines)
        time.sleep(expected * fraction)
        killed = child.kill()
        count = Store(db).summary()["interactions"]
        if killed:
            assert "done" not in child.lines
            assert count in (0, BULK), f"half a bulk log after a kill at {fraction:.0%}: {count} rows"
            outcomes.append("killed")
        else:
            assert child.process.returncode == 0, child.process.stderr.read()
            assert count == BULK
    assert "killed" in outcomes, "the bulk log always finished before the kill; the test proved nothing"


# -- 2. a second process on the same file ------------------------------------------------------------------
@pytest.mark.slow
def test_two_processes_and_the_cli_writing_to_one_file_all_succeed(tmp_path):
    db = tmp_path / "shared.duckdb"
    workspace(db, 10)
    first, second = Child("log", db, 25, tag="first"), Child("log", db, 25, tag="second")
    first.wait_for(lambda lines: len(lines) >= 3)
    cli = rapport("log", "--contact", "1", "--notes", "from the cli", "--json", db=db)
    assert cli.returncode == 0, cli.stderr
    assert first.finish() == 0, first.process.stderr.read()
    assert second.finish() == 0, second.process.stderr.read()

    frame = Store(db).interactions_frame()
    notes = dict(zip((int(i) for i in frame["id"]), frame["notes"]))
    assert len(notes) == 51
    for child, tag in ((first, "first"), (second, "second")):
        assert len(child.lines) == 25
        for line in child.lines:
            seq, new_id = (int(v) for v in line.split())
            assert notes[new_id] == f"{tag} {seq}"
    assert "from the cli" in notes.values()


def _holder(db: Path) -> subprocess.Popen:
    """Another program keeping the file open (a raw DuckDB connection) until told to let go."""
    code = ("import duckdb, sys\n"
            f"c = duckdb.connect({str(db)!r}); c.execute('SELECT count(*) FROM contacts').fetchone()\n"
            "print('held', flush=True)\n"
            "sys.stdin.readline(); c.close(); print('released', flush=True)\n"
            "sys.stdin.readline()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.slow
def test_a_process_holding_the_file_is_named_by_the_cli_within_a_bounded_wait(tmp_path):
    db = tmp_path / "held.duckdb"
    workspace(db, 3)
    holder = _holder(db)
    try:
        started = time.monotonic()
        cli = subprocess.Popen([sys.executable, "-m", "engine", "contacts", "--db", str(db)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with pytest.raises(StoreLocked, match=f"in use by process {holder.pid}"):
            connect(db, wait_seconds=0.3)  # the same message in-process, meanwhile
        out, err = cli.communicate(timeout=60)
        elapsed = time.monotonic() - started
        line = one_plain_line(subprocess.CompletedProcess(cli.args, cli.returncode, out, err))
        assert f"process {holder.pid}" in line and str(db) in line
        assert out == ""
        assert elapsed < 30, f"the CLI waited {elapsed:.0f} s for the lock"
    finally:
        holder.kill()
        holder.wait()
    assert rapport("contacts", "--json", db=db).returncode == 0  # once it is gone, the CLI works


@pytest.mark.slow
def test_the_cli_waits_out_a_short_hold_and_then_writes(tmp_path):
    db = tmp_path / "briefly-held.duckdb"
    ids = workspace(db, 3)
    holder = _holder(db)
    try:
        cli = subprocess.Popen([sys.executable, "-m", "engine", "log", "--contact", str(ids[0]), "--notes", "waited",
                                "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)  # the CLI starts in about a second; then it can only be waiting for the lock
        assert cli.poll() is None, f"the CLI did not wait for the lock: {cli.communicate()}"
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        out, err = cli.communicate(timeout=30)
        assert cli.returncode == 0, err
        assert "Logged interaction" in out
    finally:
        holder.kill()
        holder.wait()
    assert list(Store(db).interactions_frame()["notes"]) == ["waited"]


# -- 3. a damaged write-ahead log ------------------------------------------------------------------------------
@pytest.fixture
def wal_workspace(tmp_path) -> tuple[Path, bytes, bytes]:
    """A workspace whose last two commits live only in its WAL (the writer was killed before a checkpoint).

    Returns the path, the checkpointed database file's bytes and the WAL's bytes, so each test can
    lay down its own copy and damage it.
    """
    db = tmp_path / "source.duckdb"
    ids = workspace(db, 20)
    Store(db).update_contact(ids[0], notes="checkpointed")
    child = Child("wal", db)
    child.wait_for(lambda lines: "committed" in lines)
    assert child.finish() == -signal.SIGKILL
    wal = Path(f"{db}.wal")
    assert wal.exists() and wal.stat().st_size > 0, "no WAL was left behind; the test proves nothing"
    return db, db.read_bytes(), wal.read_bytes()


def _lay_down(folder: Path, name: str, database: bytes, wal: bytes) -> Path:
    db = folder / name
    db.write_bytes(database)
    Path(f"{db}.wal").write_bytes(wal)
    return db


def _first_notes(store: Store) -> str | None:
    frame = store.contacts_export()
    notes = frame.loc[frame["id"].idxmin(), "notes"]
    return notes if isinstance(notes, str) else None


def test_an_intact_wal_is_replayed(tmp_path, wal_workspace):
    """The control: the WAL really holds the two commits the damaged-WAL tests lose."""
    _, database, wal = wal_workspace
    store = Store(_lay_down(tmp_path, "intact.duckdb", database, wal))
    assert _first_notes(store) == "only in the WAL"
    assert list(store.interactions_frame()["notes"]) == ["only in the WAL"]


def test_a_corrupt_wal_gives_a_plain_way_back_and_moving_it_aside_opens_the_checkpoint(tmp_path, wal_workspace):
    _, database, wal = wal_workspace
    db = _lay_down(tmp_path, "corrupt.duckdb", database, wal[:-40] + b"\xff" * 40)  # the last commit's checksum
    wal_path = Path(f"{db}.wal")
    before = (digest(db), digest(wal_path))

    messages = []
    for _ in range(2):  # the same answer each time: no state change, no crash loop
        with pytest.raises(StoreError) as caught:
            Store(db).summary()
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert f"{db.name}.wal" in messages[0] and "aside" in messages[0] and "backup" in messages[0]
    line = one_plain_line(rapport("contacts", db=db))
    assert f"{db.name}.wal" in line and "aside" in line
    assert (digest(db), digest(wal_path)) == before, "a failed open changed the files"

    wal_path.rename(tmp_path / "corrupt.duckdb.wal.damaged")  # what the message says to do
    store = Store(db)
    assert store.count_contacts() == 20
    assert _first_notes(store) == "checkpointed"
    assert store.summary()["interactions"] == 0
    new_id = store.log_interaction({"contact_id": 1, "occurred_on": "2024-04-01", "notes": "after recovery"})
    assert Store(db).interactions_frame()["id"].tolist() == [new_id]


def test_a_truncated_wal_is_ignored_from_the_torn_commit_on(tmp_path, wal_workspace):
    """Observed with DuckDB 2.0: a WAL cut short (a torn write) is not an error. Complete commits before
    the cut are replayed and the torn one is dropped whole; the checkpointed data is intact."""
    _, database, wal = wal_workspace
    torn = Store(_lay_down(tmp_path, "torn.duckdb", database, wal[:-1]))
    assert torn.count_contacts() == 20
    assert _first_notes(torn) == "only in the WAL"  # the first commit was complete
    assert torn.summary()["interactions"] == 0  # the second was torn: all of it is gone
    stub = Store(_lay_down(tmp_path, "stub.duckdb", database, wal[:16]))
    assert stub.count_contacts() == 20
    assert _first_notes(stub) == "checkpointed"
    assert rapport("contacts", "--json", db=tmp_path / "stub.duckdb").returncode == 0


def test_restoring_a_backup_over_a_damaged_wal_keeps_the_wal_with_the_old_copy(tmp_path, wal_workspace):
    """The message's other way back: restore a backup. The replaced file is kept as ``.before-restore``
    and, with its WAL beside it, that copy still holds every committed change."""
    source, database, wal = wal_workspace
    backup = Store(_lay_down(tmp_path, "backup-source.duckdb", database, b"")).backup_zip()
    db = _lay_down(tmp_path, "w.duckdb", database, wal)
    summary = Store(db).restore_zip(backup)
    assert summary["contacts"] == 20 and summary["interactions"] == 0
    assert not Path(f"{db}.wal").exists()
    kept = tmp_path / "w.duckdb.before-restore"
    assert Path(f"{kept}.wal").read_bytes() == wal, "the restore threw away the WAL of the replaced file"
    old = Store(kept)
    assert _first_notes(old) == "only in the WAL"
    assert list(old.interactions_frame()["notes"]) == ["only in the WAL"]
    assert source.exists()


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
    Store(db).update_contact(ids[0], notes="before")
    before = digest(db)

    with read_only(folder):  # the folder only: the file opens, nothing new can be created beside it
        store = Store(db)
        assert store.count_contacts() == 5  # reading still works
        with pytest.raises(StoreError) as caught:
            store.update_contact(ids[0], notes="after")
        message = str(caught.value)
        line = one_plain_line(rapport("log", "--contact", str(ids[0]), db=db))
    for text in (message, line):
        assert "cannot write" in text and "permission" in text.lower() and str(db) in text
        assert "Error:" not in text and "aside" not in text

    with read_only(folder, (db,)):  # the file too
        with pytest.raises(StoreError) as caught:
            Store(db).count_contacts()
        message = str(caught.value)
        line = one_plain_line(rapport("contacts", db=db))
    for text in (message, line):
        assert "cannot write" in text and "permission" in text.lower() and str(db) in text
        assert ".wal" not in text, "a permission problem is not a damaged WAL"

    assert digest(db) == before
    store = Store(db)
    assert store.count_contacts() == 5 and _first_notes(store) == "before"
    store.update_contact(ids[0], notes="writable again")
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
        store.update_contact(ids[0], notes="before")
        store.log_interaction({"contact_id": ids[0], "occurred_on": "2024-05-01", "notes": "before"})
        filler = _fill(disk)

        with store.session():  # a dashboard page shares one connection: it must outlive the failure
            with pytest.raises(StoreError) as caught:
                store.update_contact(ids[0], notes="after")
            assert store.count_contacts() == 40 and _first_notes(store) == "before"
        _full(str(caught.value), db)
        bulk = [{"contact_id": ids[i % 40], "occurred_on": "2024-05-02", "notes": "x" * 2_000} for i in range(300)]
        with pytest.raises(StoreError) as caught:
            store.log_interactions(bulk)
        _full(str(caught.value), db)
        _full(one_plain_line(rapport("log", "--contact", str(ids[1]), "--notes", "cli", db=db)), db)
        assert store.count_contacts() == 40 and _first_notes(store) == "before"  # reading still works

        fresh = disk / "new.duckdb"  # a first start on a full disk
        with pytest.raises(StoreError) as caught:
            Store(fresh).summary()
        assert "full" in str(caught.value) and "free some space" in str(caught.value)

        filler.unlink()
        assert Store(fresh).summary()["contacts"] == 0, "the failed first start left a file that never opens"
        store = Store(db)
        assert store.count_contacts() == 40 and _first_notes(store) == "before"
        assert list(store.interactions_frame()["notes"]) == ["before"]  # nothing half-written
        store.log_interactions(bulk)
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
            assert store.count_contacts() == 0
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
        store.update_contact(ids[0], notes="after")
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
