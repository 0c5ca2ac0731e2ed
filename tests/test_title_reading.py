"""Distinct titles read on two cores (engine/ranking/title_reading.py) read exactly as on one, and a
child that fails costs only time."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from benchmarks.labeled_set import DATA
from engine.ranking import title_reading, titles


@pytest.fixture
def forking(monkeypatch):
    """read_titles takes its two-core path for any number of titles (where fork exists)."""
    if not hasattr(title_reading.os, "fork"):
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(title_reading, "PARALLEL_FROM", 2)
    monkeypatch.setattr(title_reading, "_may_fork", lambda: True)


def test_two_cores_read_every_title_as_one_does(forking):
    distinct = [*pd.read_csv(DATA / "titles_sample.csv", keep_default_na=False)["title"], ""]
    assert len(distinct) > 2000
    titles.clear_caches()
    together = title_reading.read_titles(distinct)
    titles.clear_caches()
    alone = title_reading._read(distinct)
    assert together == alone
    assert len(together[0]) == len(distinct) and together[1][0] == alone[1][0]


def test_a_failed_child_is_read_again_here(forking, monkeypatch):
    distinct = ["Chief Financial Officer", "Sr. Mgr, Eng", "", "Head, Human Resources", "GP"]

    def broken(*_args, **_kwargs):  # only the child pickles: it fails and leaves with status 1
        raise RuntimeError("the child cannot send")

    monkeypatch.setattr(title_reading.pickle, "dumps", broken)
    assert title_reading.read_titles(distinct) == title_reading._read(distinct)


def test_a_process_with_other_threads_reads_alone(monkeypatch):
    """The Streamlit server runs many threads; one could hold a lock a forked child would wait on."""
    started, stop = threading.Event(), threading.Event()
    worker = threading.Thread(target=lambda: (started.set(), stop.wait()))
    worker.start()
    try:
        started.wait()
        assert not title_reading._may_fork()
    finally:
        stop.set()
        worker.join()


def test_a_stuck_child_is_killed_and_its_half_read_here(forking, monkeypatch, tmp_path):
    import os
    import time

    parent, read = os.getpid(), title_reading._read
    distinct = ["Chief Financial Officer", "Sr. Mgr, Eng", "Head, Human Resources", "GP"]
    woke = tmp_path / "the child woke up"

    def stuck_in_the_child(titles):
        if os.getpid() != parent:
            time.sleep(30)
            woke.touch()  # had the parent waited for the child, this would be there
        return read(titles)

    monkeypatch.setattr(title_reading, "_read", stuck_in_the_child)
    monkeypatch.setattr(title_reading, "CHILD_WAIT_S", 0.5)
    assert title_reading.read_titles(distinct) == read(distinct)
    assert not woke.exists()  # killed, not waited for
