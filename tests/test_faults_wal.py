"""Faults, with real processes on real files: a damaged write-ahead log (WAL).

An intact WAL is replayed; a corrupt one gives a plain way back, a truncated one is ignored from the torn
commit on, and restoring a backup keeps the old WAL with the replaced copy.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from engine.store import Store, StoreError
from tests.faults_support import Child, _first_notes, digest, one_plain_line, rapport, workspace


# -- 3. a damaged write-ahead log ------------------------------------------------------------------------------
@pytest.fixture
def wal_workspace(tmp_path) -> tuple[Path, bytes, bytes]:
    """A workspace whose last two commits live only in its WAL (the writer was killed before a checkpoint).

    Returns the path, the checkpointed database file's bytes and the WAL's bytes, so each test can
    lay down its own copy and damage it.
    """
    db = tmp_path / "source.duckdb"
    ids = workspace(db, 20)
    Store(db).contacts.update(ids[0], notes="checkpointed")
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


def test_an_intact_wal_is_replayed(tmp_path, wal_workspace):
    """The control: the WAL really holds the two commits the damaged-WAL tests lose."""
    _, database, wal = wal_workspace
    store = Store(_lay_down(tmp_path, "intact.duckdb", database, wal))
    assert _first_notes(store) == "only in the WAL"
    assert list(store.interactions.frame()["notes"]) == ["only in the WAL"]


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
    assert store.contacts.count() == 20
    assert _first_notes(store) == "checkpointed"
    assert store.summary()["interactions"] == 0
    new_id = store.interactions.log({"contact_id": 1, "occurred_on": "2024-04-01", "notes": "after recovery"})
    assert Store(db).interactions.frame()["id"].tolist() == [new_id]


def test_a_truncated_wal_is_ignored_from_the_torn_commit_on(tmp_path, wal_workspace):
    """Observed with DuckDB 2.0: a WAL cut short (a torn write) is not an error. Complete commits before
    the cut are replayed and the torn one is dropped whole; the checkpointed data is intact."""
    _, database, wal = wal_workspace
    torn = Store(_lay_down(tmp_path, "torn.duckdb", database, wal[:-1]))
    assert torn.contacts.count() == 20
    assert _first_notes(torn) == "only in the WAL"  # the first commit was complete
    assert torn.summary()["interactions"] == 0  # the second was torn: all of it is gone
    stub = Store(_lay_down(tmp_path, "stub.duckdb", database, wal[:16]))
    assert stub.contacts.count() == 20
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
    assert list(old.interactions.frame()["notes"]) == ["only in the WAL"]
    assert source.exists()
