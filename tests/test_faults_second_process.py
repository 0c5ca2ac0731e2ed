"""Faults, with real processes on real files: a second process on the same file.

Two writers and the CLI on one file all succeed; a process holding the file is named within a bounded wait,
and a short hold is waited out.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.store import Store
from engine.store.connection import StoreLocked, connect
from tests.faults_support import ROOT, Child, one_plain_line, rapport, workspace


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

    frame = Store(db).interactions.frame()
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
    assert list(Store(db).interactions.frame()["notes"]) == ["waited"]
