"""The dashboard's process gives freed memory back (engine/memory.py): arrays freed after a ranking do
not stay with the server. Run in fresh interpreters, so that this one keeps its own allocator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = """
import sys
import numpy as np
if sys.argv[1] == "set":
    from engine.memory import return_freed_memory
    assert return_freed_memory() and return_freed_memory()  # once, and again without harm
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
a = np.ones(5_000_000)  # 40 MB: glibc maps it, and on its free raises its threshold past 6 MB
del a
before = rss()
blocks, kept = [], []
for _ in range(15):  # 90 MB in blocks of 6 MB, as a ranking makes them, between small results it keeps
    blocks.append(np.ones(750_000))
    kept.append(np.ones(10_000))
del blocks
import pyarrow
print(rss() - before, pyarrow.default_memory_pool().backend_name)
"""


def _kept_after_free(mode: str) -> tuple[float, str]:
    done = subprocess.run([sys.executable, "-c", PROGRAM, mode], capture_output=True, text=True, check=True,
                          cwd=ROOT)
    kept, pool = done.stdout.split()
    return float(kept), pool


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc settings")
def test_memory_freed_goes_back_to_the_system_once_set():
    kept, pool = _kept_after_free("set")
    assert kept < 10 and pool == "system"
    kept_by_default, _ = _kept_after_free("default")
    assert kept_by_default > 20  # what the setting is for: glibc's default kept a third of the 90 MB or more


def test_the_dashboard_sets_it():
    assert "return_freed_memory()" in (ROOT / "app.py").read_text()


ARENAS_PROGRAM = """
import ctypes, sys, tempfile, threading
if sys.argv[1] == "set":
    from engine.memory import return_freed_memory
    assert return_freed_memory()
together = threading.Barrier(6)
def work():  # a live thread's first allocations: glibc gives it an arena of its own, up to 8 per core
    blocks = [bytearray(4096) for _ in range(200)]
    together.wait()  # all alive at once, as a server's threads are
    del blocks
threads = [threading.Thread(target=work) for _ in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
with tempfile.NamedTemporaryFile(suffix=".xml") as out:
    stream = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    print(open(out.name).read().count("<heap nr="))
"""


def _arenas(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", ARENAS_PROGRAM, mode], capture_output=True, text=True, check=True,
                          cwd=ROOT, env={k: v for k, v in __import__("os").environ.items() if k != "MALLOC_ARENA_MAX"})
    return int(done.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc settings")
def test_the_dashboards_threads_share_a_few_malloc_arenas():
    """Streamlit runs every script run in a thread of its own, and glibc gave each new thread an arena:
    memory freed in one is not reused by another (at 100,000 contacts the server's peak was 12 MB
    higher, benchmarks/pages_browser)."""
    from engine.memory import ARENAS

    assert _arenas("set") <= ARENAS
    assert _arenas("default") > ARENAS  # what the setting is for


def test_make_run_and_the_benchmark_start_the_dashboard_with_that_many_arenas():
    """MALLOC_ARENA_MAX in the environment applies from the process's first thread on (the setting
    made in app.py only to arenas made after the first run): `make run` sets it, and the pages
    benchmark starts both its servers as `make run` does."""
    from benchmarks.streamlit_server import SERVER_ENV
    from engine.memory import ARENAS

    run = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "streamlit run app.py" in line)
    assert f"MALLOC_ARENA_MAX={ARENAS} " in run
    assert SERVER_ENV["MALLOC_ARENA_MAX"] == str(ARENAS)
