"""Killing a process in the middle of an import: afterwards all rows or none, and the file opens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from benchmarks.generate import linkedin_export
from engine.store import Store

ROWS = 60_000


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
