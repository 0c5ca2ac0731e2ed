"""Home's strategies to refine, kept on disk beside the workspace between runs.

Home shows the first few flags on every start of the dashboard. Working them out reads the
audiences, which need the fitted ranker: importing scikit-learn (with SciPy's statistics) and
loading the ranker were most of the first load, although nothing had changed since the last
session. So the flags Home last showed are kept in ``<folder>/cache/<workspace>.flags.json``
under a digest of everything they are built from: the engine's code and libraries, the data
version and the contacts' fingerprint, the events, the day and the plan (goals, templates,
dismissed flags, pitches, cadences). Any change to one of them means they are worked out again.

The file, its key and ``RAPPORT_MODEL_CACHE=0`` are ``engine.kept``'s. This module loads neither the
ranking nor scikit-learn; the review does, when the kept flags are not current.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from engine.clock import workspace_today
from engine.kept import kept_file, read_kept, state_key, write_kept
from engine.store import Store

from .plan import read_plan

FLAG_FIELDS = ("kind", "key", "title", "evidence", "suggestion", "severity")


def flags_file(db_path: str | Path) -> Path:
    return kept_file(db_path, "flags")


def home_flags(store: Store, today: date | None = None) -> list[dict]:
    """The strategies to refine now (``engine.insights.review.current_flags``), from the file when it
    holds them for this state of the workspace, else worked out and kept there."""
    with store.session():  # one open of the file for every read of the key
        today = today or workspace_today(store)
        key = state_key(store, today, read_plan(store).key())
    target = flags_file(store.path)
    kept = read_kept(target, key)
    if isinstance(kept, list):
        return kept
    from .review import current_flags  # the audiences: the ranking and scikit-learn

    flags = [{name: flag[name] for name in FLAG_FIELDS} for flag in current_flags(store, today=today)]
    write_kept(target, key, flags)
    return flags
