"""Building 100,000 small objects quickly.

Python's cyclic garbage collector runs every few hundred new containers and walks the young
objects each time, so creating one tuple or list per contact (parsing an export, building reasons
for a ranking, handing rows to DuckDB) cost several times the work itself. These objects hold no
reference cycles, so pausing the collector loses nothing: reference counting still frees them,
and the collector runs again as usual afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
