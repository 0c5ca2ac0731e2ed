"""Every distinct title of a network read once: its plain forms (titles.title_forms) and the
taxonomy's coded reading of them (family, families, level).

Why a module of its own: a first fit at 100,000 contacts reads about 42,000 distinct titles, a
second or so of pure Python, the largest part of a cold `rapport rank`. Each title is read alone,
so where the machine has a second core, half of them are read in a forked child while this process
reads the other half; the child sends its readings back through a pipe. Only a process with one
Python thread forks (the command line; not the Streamlit server, whose other threads could hold a
lock the child would wait on), and any failure of the child falls back to reading its half here:
the readings are the same either way, in the same order.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import time
import warnings

from .taxonomy import taxonomy
from .titles import title_forms

PARALLEL_FROM = 8000  # distinct titles: below this a child costs about what it saves
CHILD_WAIT_S = 60.0  # the child's half takes about half a second at 42,000 titles
NOTHING = (-1, 0, None)  # the coded reading of no title


def read_titles(titles) -> tuple[list, list]:
    """(forms, coded) per title of ``titles`` (distinct strings), in their order: ``forms`` as
    titles.title_forms gives them, ``coded`` as Taxonomy.coded_plain gives them."""
    titles = list(titles)
    if len(titles) < PARALLEL_FROM or not _may_fork():
        return _read(titles)
    half = len(titles) // 2
    theirs = _read_in_child(titles[half:])
    if theirs is None:  # no child: read everything here
        return _read(titles)
    try:
        forms, coded = _read(titles[:half])
    except BaseException:
        theirs()  # the child is waited for (and reaped) all the same
        raise
    child = theirs()
    if child is None:
        child = _read(titles[half:])
    return forms + child[0], coded + child[1]


def _read(titles: list) -> tuple[list, list]:
    t = taxonomy()
    forms = [title_forms(title) for title in titles]
    coded = [t.coded_plain(plain, level, first) if plain else NOTHING for _, plain, level, first in forms]
    return forms, coded


def _may_fork() -> bool:
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # no affinity on this platform
        return (os.cpu_count() or 1) > 1


def _read_in_child(titles: list):
    """Start a child reading ``titles``; return a function that waits for its readings (None when
    the child failed), or None when no child could be started."""
    taxonomy()  # loaded here, once, before the fork: the child inherits it
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        with warnings.catch_warnings():  # Python 3.12 warns of fork beside threads; there are none
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: read, send, leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                out.write(pickle.dumps(_read(titles), protocol=pickle.HIGHEST_PROTOCOL))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def wait():
        chunks, deadline = [], time.monotonic() + CHILD_WAIT_S
        try:
            while (left := deadline - time.monotonic()) > 0 and select.select([read_end], [], [], left)[0]:
                chunk = os.read(read_end, 1 << 20)
                if not chunk:
                    break  # the child is done
                chunks.append(chunk)
            else:  # a child that takes this long is stuck: its half is read here
                os.kill(pid, signal.SIGKILL)
                chunks = []
        finally:
            os.close(read_end)
            _, status = os.waitpid(pid, 0)
        data = b"".join(chunks)
        if status != 0 or not data:
            return None
        forms, coded = pickle.loads(data)
        return (forms, coded) if len(forms) == len(coded) == len(titles) else None

    return wait
