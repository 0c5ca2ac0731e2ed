"""What the dashboard worked out, kept on disk beside the workspace between runs.

Why: on every start of the dashboard, Home's flags and the Goals page's audiences read the same
workspace as last time, and working them out needs the fitted ranker (importing scikit-learn with
SciPy's statistics, then loading the ranker): most of a restart's first clicks although nothing had
changed. So a page's result is kept in ``<folder>/cache/<workspace>.<name>.json`` under a digest of
everything it is built from: the engine's code and libraries, the workspace's path, data version and
contacts' fingerprint, the events, the day, and what the caller adds (the plan, the goals). Any change
to one of them means the result is worked out again. Results are JSON: data, never code.

``RAPPORT_MODEL_CACHE=0`` turns these files off, as it does the kept ranker.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from datetime import date
from pathlib import Path

from engine.outreach.model_cache import enabled, sources_fingerprint, write_whole
from engine.store import Store

log = logging.getLogger(__name__)
FORMAT = 2  # 1: Home's flags under "flags"


def kept_file(db_path: str | Path, name: str) -> Path:
    path = Path(db_path)
    return path.parent / "cache" / f"{path.name}.{name}.json"


@functools.cache
def code_fingerprint() -> str:
    """The whole engine's code and data files, and the libraries' versions."""
    return sources_fingerprint(Path(__file__).resolve().parent, recursive=True)


def state_key(store: Store, today: date, *more) -> str:
    """A digest of the workspace's state as a kept result depends on it, plus ``more`` (reprs)."""
    with store.session():  # one open of the file for every read of the key
        # the contacts' fingerprint too: a file deleted and made anew starts at data version 0 again
        state = (FORMAT, code_fingerprint(), str(store.path), store.data_version(), store.contacts.fingerprint(),
                 store.events.fingerprint(), today.isoformat(), *more)
    return hashlib.sha256(repr(state).encode()).hexdigest()


def read_kept(target: Path, key: str):
    """The value kept in ``target`` under ``key``, or None (no file, another key, a damaged file)."""
    if not enabled():
        return None
    try:
        saved = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:  # cut short or unreadable: worked out and written again
        log.info("ignoring %s: %s", target.name, error)
        return None
    if not isinstance(saved, dict) or saved.get("key") != key or "value" not in saved:
        return None
    return saved["value"]


def write_kept(target: Path, key: str, value) -> None:
    """Keep ``value`` (JSON) in ``target`` under ``key``, whole or not at all."""
    if enabled():
        write_whole(target, lambda file: json.dump({"key": key, "value": value}, file), mode="w")
