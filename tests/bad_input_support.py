"""Shared helpers for the bad-input tests (test_bad_input_*.py): LinkedIn files, the CLI, the store.

A plain module, not a conftest: each test module imports what it uses, including the ``ws`` fixture.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from engine.importers.files import import_file
from engine.records import CONTACT_FIELDS
from engine.store import Store

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing."\r\n'
    "\r\n"
)
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


def linkedin_row(i: int) -> str:
    return f"Person{i},Surname{i},https://www.linkedin.com/in/person-{i},,Company {i},Engineer,01 Jan 2020"


def linkedin(rows: list[str], preamble: str = PREAMBLE) -> bytes:
    return (preamble + LINKEDIN_HEADER + "\r\n" + "".join(row + "\r\n" for row in rows)).encode("utf-8")


def stored_contacts(db: Path) -> list[dict]:
    """The contacts exactly as DuckDB holds them (read straight from the file, not through the store).
    A page that imported may still be fitting the ranker in the background with a read-write
    connection of this process, which a read-only one cannot join: that fit is waited for first."""
    for thread in threading.enumerate():
        if thread.name == "rapport-prepare-ranker":
            thread.join(timeout=120)
    conn = duckdb.connect(str(db), read_only=True)
    try:
        cur = conn.execute(f"SELECT id, {', '.join(CONTACT_FIELDS)} FROM contacts ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        conn.close()


def rapport(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(db)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def import_and_check(store: Store, path: Path, **kwargs):
    """import_file, then check the report against what the store recorded for the import."""
    report = import_file(store, path, **kwargs)
    stored = store.imports.rejects(report.import_id)
    assert [(r.line, r.column, r.reason, r.raw) for r in stored] == [
        (r.line, r.column, r.reason, r.raw) for r in report.rejects]
    assert report.rejected == len(report.rejects)
    (row,) = [i for i in store.imports.history() if i["id"] == report.import_id]
    assert (row["total"], row["inserted"], row["rejected"]) == (report.total, report.inserted, report.rejected)
    return report


@pytest.fixture
def ws(tmp_path) -> Store:
    """A workspace that already holds an import, so "nothing written" is checked against real data."""
    store = Store(tmp_path / "w.duckdb")
    seed = tmp_path / "seed.csv"
    seed.write_bytes(linkedin([linkedin_row(i) for i in range(1, 4)]))
    assert import_file(store, seed).inserted == 3
    return store
