"""The one cache of computed results: rankings, audiences, the goal board, the review and its flags.

Each result is kept under a key of everything it depends on (the data version among it), so a page
rerun for a click on page 2 costs nothing, and a write shows on the next run (its key changes).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import pandas as pd

_lock = threading.Lock()  # guards _results and _computing
_results: OrderedDict[tuple, tuple[object, int]] = OrderedDict()  # key -> (value, rows it counts for)
_computing: dict[tuple, threading.Lock] = {}  # key -> held while one thread computes it
# The results kept, counted in rows: a full ranking of 100,000 contacts with its reasons holds about
# 25 MB, so this keeps about three of them (and many small ones), not 32 (335 MB measured at 100k).
_ROWS_KEPT = 300_000
_COMPUTING_WAIT_S = 120.0


def memoized(key: tuple, compute, rows=len):
    """``compute()``, or the value kept for ``key``: the last results are kept up to ``_ROWS_KEPT``
    rows in all (``rows`` counts a value's). Callers get a copy of a frame; any other value is shared
    and must not be changed.

    A key another thread is computing (Home's preparation, while a page asks for the same audiences)
    is waited for, not computed twice: two audiences at once were twice the work on two cores shared
    with the page. A result may ask for results of other keys while it is computed (an audience for
    each goal's), never the other way round, so no two threads wait for each other; the wait is
    bounded all the same (``_COMPUTING_WAIT_S``), after which the value is computed here."""
    with _lock:
        if key in _results:
            _results.move_to_end(key)
            return _handed_out(_results[key][0])
        computing = _computing.setdefault(key, threading.Lock())
    waited = computing.acquire(timeout=_COMPUTING_WAIT_S)
    try:
        with _lock:
            if key in _results:
                _results.move_to_end(key)
                return _handed_out(_results[key][0])
        value = compute()
        with _lock:
            _results[key] = (value, rows(value))
            while len(_results) > 1 and sum(n for _, n in _results.values()) > _ROWS_KEPT:
                _results.popitem(last=False)
    finally:
        if waited:
            with _lock:
                if _computing.get(key) is computing:
                    del _computing[key]
            computing.release()
    return _handed_out(value)


def kept_result(key: tuple):
    """A result ``memoized`` keeps for ``key`` (a copy of a frame), or None: nothing is computed."""
    with _lock:
        if key in _results:
            _results.move_to_end(key)
            return _handed_out(_results[key][0])
    return None


def _handed_out(value):
    """A frame kept, as the caller's own: a shallow copy, which pandas' copy-on-write (always on since
    pandas 3) turns into a real one for whatever the caller changes (a deep copy of a full ranking
    was 10-15 ms of every page that reads it)."""
    return value.copy(deep=False) if isinstance(value, pd.DataFrame) else value
