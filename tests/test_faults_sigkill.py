"""Faults, with real processes on real files: SIGKILL in the middle of a write (a large import, a bulk edit,
logging interactions one by one, one bulk log).

Afterwards every acknowledged write is there and every transaction is all or nothing. The writers run in
child processes (see ``tests/faults_support.py``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from benchmarks.generate import linkedin_export
from engine.store import Store
from tests.faults_support import BULK, ROWS, Child, workspace


# -- 1. SIGKILL in the middle of writes ---------------------------------------------------------------------
def _start_import(export, db) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "engine", "import", str(export), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_sigkill_during_a_large_import_leaves_all_rows_or_none(tmp_path):
    export = linkedin_export(tmp_path / "Connections.csv", ROWS, realistic=False)  # needs no shared/data
    full_db = tmp_path / "full.duckdb"
    Store(full_db).summary()
    started = time.monotonic()
    finished = _start_import(export, full_db)
    assert finished.wait(timeout=120) == 0, finished.stderr.read()
    duration = time.monotonic() - started
    expected = Store(full_db).contacts.count()
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
        count = reopened.contacts.count()
        imports = reopened.imports.history()
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
        frame = store.contacts.export().set_index("id")
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
        frame = store.interactions.frame()
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
    Store(calibration).interactions.log_many([{"contact_id": ids[0], "occurred_on": "2024-03-02"}] * (BULK // 10))
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
        if "done" in child.lines:  # acknowledged (the kill may still land while the process exits): all there
            assert count == BULK
        elif killed:
            assert count in (0, BULK), f"half a bulk log after a kill at {fraction:.0%}: {count} rows"
            outcomes.append("killed")
        else:
            assert child.process.returncode == 0, child.process.stderr.read()
            assert count == BULK
    assert "killed" in outcomes, "the bulk log always finished before the kill; the test proved nothing"
