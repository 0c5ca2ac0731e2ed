"""What the damage check and the daily automatic copy cost on opening a 100,000-contact workspace.

``python -m benchmarks.health_bench [rows] [interactions]``: builds the workspace (benchmarks/workspace.py),
optionally logs interactions, then times, each on a fresh open of the file as a new process would:
DuckDB's open alone, the check (``health.verify``), and the copy ``autobackup.daily`` makes.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from benchmarks.workspace import large_workspace
from engine.store import autobackup, health


def _median_ms(samples: list[float]) -> str:
    return f"{1000 * statistics.median(samples):.0f} ms (min {1000 * min(samples):.0f})"


def run(rows: int = 100_000, interactions: int = 0, repeat: int = 9) -> dict[str, str]:
    os.environ["RAPPORT_AUTOBACKUP"] = "0"  # the copy is timed on its own below
    with tempfile.TemporaryDirectory() as tmp:
        store = large_workspace(Path(tmp), rows)
        if interactions:
            ids = [int(i) for i in store.contacts.export()["id"]]
            store.interactions.log_many([{"contact_id": ids[i % len(ids)], "occurred_on": "2024-03-01",
                                     "notes": f"note {i}"} for i in range(interactions)])
        db = store.path
        opening, checking, copying = [], [], []
        for _ in range(repeat):
            start = time.perf_counter()
            conn = duckdb.connect(str(db))
            opened = time.perf_counter()
            health.verify(conn)
            checked = time.perf_counter()
            conn.close()
            opening.append(opened - start)
            checking.append(checked - opened)
        os.environ["RAPPORT_AUTOBACKUP"] = "1"
        for i in range(repeat):
            day = date.today() + timedelta(days=i + 1)
            health.open_checked(db).close()
            health.closed(db)
            start = time.perf_counter()
            made = autobackup.daily(db, today=day)
            copying.append(time.perf_counter() - start)
            assert made is not None
        size = db.stat().st_size
    return {"workspace": f"{rows:,} contacts, {interactions:,} interactions, {size / 2**20:.1f} MiB",
            "open (DuckDB alone)": _median_ms(opening), "damage check": _median_ms(checking),
            "daily copy": _median_ms(copying)}


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    for key, value in run(*args).items():
        print(f"{key}: {value}")
