"""Building 100,000 small objects, and large arrays, quickly.

Python's cyclic garbage collector runs every few hundred new containers and walks the young
objects each time, so creating one tuple or list per contact (parsing an export, building reasons
for a ranking, handing rows to DuckDB) cost several times the work itself. These objects hold no
reference cycles, so pausing the collector loses nothing: reference counting still frees them,
and the collector runs again as usual afterwards.
"""

from __future__ import annotations

import gc
import os
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


def without_huge_pages() -> None:
    """Have numpy back its large arrays with ordinary pages, not transparent huge pages.

    numpy marks every array of 4 MB or more with madvise(MADV_HUGEPAGE). Where the kernel's
    huge-page defrag setting is "madvise" (a common default), the first touch of such memory may
    compact memory on the spot to find a 2 MB page. Measured at 100,000 contacts: the first ranking
    of a process was 0.3 s slower (``rapport rank --top 20`` 3.45-3.67 s with huge pages, 3.15-3.26 s
    without), and the server's peak memory 47 MB higher (563 against 516 MB: 2 MB pages partly
    used). Repeated rankings are a few percent slower on small pages; the first one is what a user
    waits for. ``NUMPY_MADVISE_HUGEPAGE`` in the environment, when set, is left to decide.
    """
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return
    import numpy

    multiarray = getattr(getattr(numpy, "_core", None), "multiarray", None)
    setter = getattr(multiarray, "_set_madvise_hugepage", None)  # numpy's documented switch (1.20+)
    if setter is not None:
        setter(False)
