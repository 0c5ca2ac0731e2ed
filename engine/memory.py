"""Memory freed goes back to the system, so that a long-running dashboard does not keep its peaks.

Why: at 100,000 contacts a ranking makes and frees a few dozen arrays of 1-6 MB (a float per contact
and goal), and reading contacts makes Arrow string columns. Two allocators kept what was freed:

- glibc's ``malloc`` serves a large block with its own mapping, returned when freed, but after the
  first such free it raises that threshold (up to 32 MB), and from then on the arrays come from
  the heap, where freed space stays with the process and fragments;
- pyarrow's default pool (mimalloc) keeps freed pages for its own reuse, which only Arrow can use.

With the threshold fixed (a value set also stops it moving) and Arrow on the system allocator, the
server's peak at 100,000 contacts went from 465-499 MB to 438-450 MB at glibc's default of 128 KiB
and to 446-467 MB at 4 MiB (``benchmarks.pages_browser``). 4 MiB it is: a block above the threshold
costs a mapping and its page faults each time, from threads that contend for them, and below 4 MiB
are the arrays of one float per contact (0.8 MB at 100,000), made and freed many times a ranking,
which the heap serves again at once; Today's first click, which waits for Home's preparation, had
medians of 1.73-1.74 s at 128 KiB against 1.09-1.46 s at 4 MiB and 0.85-1.57 s unset.

Threads share ARENAS malloc arenas. Streamlit runs every script run in a thread of its own, and
Home's preparation runs in others; glibc gave each live thread an arena of its own (up to 8 per core),
and what one arena freed the others could not reuse. The server's peak at 100,000 contacts, after
every page twice: 413-420 MB with an arena per thread, 412-414 MB with this setting made in app.py
(threads started before it keep theirs), 406-408 MB with MALLOC_ARENA_MAX=2 in the environment from
the start, as `make run` gives it.

Set once per process by the dashboard (app.py); the command line, which exits after one ranking,
keeps the defaults.
"""

from __future__ import annotations

import ctypes
import sys
import threading

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
ARENAS = 2  # malloc arenas at most, however many threads
THRESHOLD = 4 * 1024 * 1024  # for both, fixed: a (goals x contacts) array above, a contact-sized one below

_lock = threading.Lock()
_done = False


def return_freed_memory() -> bool:
    """Fix glibc's mmap and trim thresholds and put Arrow on the system allocator, once per process.
    True when glibc took the settings (False elsewhere: macOS, musl, Windows keep theirs)."""
    global _done
    with _lock:
        if _done:
            return _glibc_set
        _done = True
        _set_arrow_pool()
        return _set_glibc()


_glibc_set = False


def _set_glibc() -> bool:
    global _glibc_set
    if not sys.platform.startswith("linux"):
        return False
    try:  # glibc's soname (ctypes.util.find_library would run ldconfig to find it)
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    _glibc_set = (bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, THRESHOLD))
                  and bool(mallopt(M_ARENA_MAX, ARENAS)))
    return _glibc_set


def _set_arrow_pool() -> None:
    try:
        import pyarrow
    except ImportError:  # pandas without pyarrow: nothing of Arrow's to return
        return
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
