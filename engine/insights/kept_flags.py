"""Home's strategies to refine, kept on disk beside the workspace between runs.

Home shows the first few flags on every start of the dashboard. Working them out reads the
audiences, which need the fitted ranker: importing scikit-learn (with SciPy's statistics) and
loading the ranker were most of the first load, although nothing had changed since the last
session. So the flags Home last showed are kept in ``<folder>/cache/<workspace>.flags.json``
under a digest of everything they are built from: the engine's code and libraries, the data
version and the contacts' fingerprint, the events, the day and the plan (goals, templates,
dismissed flags, pitches, cadences). Any change to one of them means they are worked out again.

This module loads neither the ranking nor scikit-learn; the review does, when the kept flags are
not current. ``RAPPORT_MODEL_CACHE=0`` turns the file off, as it does the kept ranker.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from datetime import date
from pathlib import Path

from engine.clock import workspace_today
from engine.outreach.model_cache import enabled, sources_fingerprint, write_whole
from engine.store import Store

from .plan import read_plan

log = logging.getLogger(__name__)
FORMAT = 1
FLAG_FIELDS = ("kind", "key", "title", "evidence", "suggestion", "severity")


def flags_file(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.parent / "cache" / f"{path.name}.flags.json"


@functools.cache
def code_fingerprint() -> str:
    """The whole engine's code and data files, and the libraries' versions."""
    return sources_fingerprint(Path(__file__).resolve().parents[1], recursive=True)


def home_flags(store: Store, today: date | None = None) -> list[dict]:
    """The strategies to refine now (``engine.insights.review.current_flags``), from the file when it
    holds them for this state of the workspace, else worked out and kept there."""
    with store.session():  # one open of the file for every read of the key
        today = today or workspace_today(store)
        # the contacts' fingerprint too: a file deleted and made anew starts at data version 0 again
        key = hashlib.sha256(repr((FORMAT, code_fingerprint(), str(store.path), store.data_version(),
                                   store.contacts.fingerprint(), store.events.fingerprint(), today.isoformat(),
                                   read_plan(store).key())).encode()).hexdigest()
    target = flags_file(store.path)
    kept = _read(target, key)
    if kept is not None:
        return kept
    from .review import current_flags  # the audiences: the ranking and scikit-learn

    flags = [{name: flag[name] for name in FLAG_FIELDS} for flag in current_flags(store, today=today)]
    _write(target, key, flags)
    return flags


def _read(target: Path, key: str) -> list[dict] | None:
    if not enabled():
        return None
    try:
        saved = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:  # cut short or unreadable: worked out and written again
        log.info("ignoring %s: %s", target.name, error)
        return None
    if not isinstance(saved, dict) or saved.get("key") != key or not isinstance(saved.get("flags"), list):
        return None
    return saved["flags"]


def _write(target: Path, key: str, flags: list[dict]) -> None:
    if enabled():
        write_whole(target, lambda file: json.dump({"key": key, "flags": flags}, file), mode="w")
