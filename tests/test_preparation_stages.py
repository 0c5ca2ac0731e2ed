"""A page waits for the stage of Home's preparation it reads, not for the whole preparation: Today's
first click after a start waited for the Companies table prepared after its agenda."""

from __future__ import annotations

import threading

import pytest

from engine.demo.load import load_demo_workspace
from engine.outreach import preparation, results
from engine.outreach.opportunities import prepare, rank_contacts
from engine.planning.agenda import agenda
from engine.store import Store


@pytest.fixture
def demo(tmp_path) -> Store:
    store = Store(tmp_path / "demo.duckdb")
    load_demo_workspace(store)
    return store


def test_today_and_outreach_read_what_the_preparation_made_while_it_goes_on(demo):
    reached, release = threading.Event(), threading.Event()
    made = {}

    def today(store: Store) -> None:
        made["agenda"] = agenda(store)

    def slow(store: Store) -> None:  # a stage after the agenda, held until the pages have read theirs
        reached.set()
        release.wait(timeout=120)

    thread = prepare(demo, outreach=True, then=[("agenda", today), ("slow", slow)])
    assert thread is not None
    try:
        assert reached.wait(timeout=120)
        shown = agenda(demo)  # read while the preparation goes on: the one it made
        assert shown.today == made["agenda"].today
        assert shown.due.equals(made["agenda"].due) and not shown.due.empty
        ranked = rank_contacts(demo, reasons=False)
        assert thread.is_alive() and preparation.is_preparing(demo)
        assert not ranked.empty
        # and Outreach's list is the one the preparation ranked, not a second ranking
        hits = [key for key in results._results if key[0] == "contacts" and str(demo.path) in str(key[1])]
        assert len(hits) == 1
    finally:
        release.set()
        thread.join(timeout=120)
    assert not preparation.is_preparing(demo)


def test_a_stage_the_preparation_never_reaches_is_waited_for_until_it_ends(demo):
    """A fit after an import prepares no agenda: a page asking for the agenda waits for the fit to end."""
    release = threading.Event()
    order = []

    def held(store: Store) -> None:
        release.wait(timeout=120)
        order.append("preparation ended")

    thread = threading.Thread(target=held, args=(demo,))
    assert preparation.begin(demo, thread)
    thread.start()
    waiter = threading.Thread(target=lambda: (preparation.wait_for_preparation(demo, "agenda"),
                                              order.append("page went on")))
    waiter.start()
    assert order == []  # the page still waits
    release.set()
    thread.join(timeout=120)
    assert order == ["preparation ended"] and preparation.is_preparing(demo)  # recorded until ``end``
    preparation.end(demo)
    waiter.join(timeout=120)
    assert order == ["preparation ended", "page went on"]


def test_the_thread_home_starts_is_let_finish_before_the_process_ends(demo):
    """Home's thread opens the file to see whether anything is left to prepare. Left running at exit
    (not joined by ``preparation._finish_preparing``), a process stopped right after a click aborted
    inside DuckDB ("terminate called ... FATAL: exception not rethrown") in 3 of 6 runs."""
    from engine.outreach.preparation import prepare_in_background

    thread = prepare_in_background(demo)
    assert thread in preparation._started
    thread.join(timeout=120)
