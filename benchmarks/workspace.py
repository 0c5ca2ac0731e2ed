"""A large workspace for benchmarks: a generated LinkedIn export plus the demo's goals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from benchmarks.generate import linkedin_export
from engine.demo.content import build_demo
from engine.importers.files import import_file
from engine.store import Store


def large_workspace(folder: Path, rows: int = 100_000) -> Store:
    store = Store(folder / "large.duckdb")
    import_file(store, linkedin_export(folder / "Connections.csv", rows))
    demo = build_demo(today=date.today())
    for goal in demo.goals:
        store.goals.add(goal)
    store.goals.add({**demo.goals[0], "title": "Hire a data scientist", "outcome": "hiring",
                    "target_roles": ["data scientist"], "segments": []})
    store.goals.add({**demo.goals[0], "title": "Clients for a payments API", "outcome": "clients",
                    "target_roles": ["CTO", "VP Engineering"], "segments": []})
    return store
