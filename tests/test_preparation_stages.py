"""A page waits for the stage of Home's preparation it reads, not for the whole preparation: Today's
first click after a start waited for the Companies table prepared after its agenda."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from engine.demo.load import load_demo_workspace
from engine.outreach import model_cache, preparation, results
from engine.outreach.opportunities import prepare, rank_contacts
from engine.planning.agenda import agenda
from engine.store import Store

ROOT = Path(__file__).resolve().parents[1]

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


EXITS_AT_ONCE = """
import sys, threading
from pathlib import Path
from engine.outreach.preparation import prepare_in_background
from engine.store import Store
page = threading.Thread(target=prepare_in_background, args=(Store(Path(sys.argv[1])),), daemon=True)
page.start()  # from a daemon thread, as Streamlit runs a page's script
page.join()
"""  # Home's call, in a process that ends right after it (a server stopped as soon as it drew Home)


def test_a_process_that_ends_while_home_prepares_lets_the_preparation_finish(demo):
    """Home's preparation runs in threads that import scikit-learn, open the file and write the kept
    ranker. As daemon threads joined in an ``atexit`` hook, a process that ended right after Home aborted
    inside DuckDB ("terminate called ... FATAL: exception not rethrown", 1 run in 5) or logged a failed
    preparation ("can't register atexit after shutdown", the other 4): the interpreter's shutdown had
    begun before the hook ran. Now it waits for them: the process ends cleanly, and the ranker it
    prepared is kept on disk for the next start."""
    env = {**os.environ, "RAPPORT_MODEL_CACHE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", EXITS_AT_ONCE, str(demo.path)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "failed" not in done.stderr and "terminate called" not in done.stderr, done.stderr[-2000:]
    assert model_cache.cache_file(demo.path).stat().st_size > 0


def test_the_preparation_started_from_a_page_is_no_daemon(demo):
    """Streamlit runs a page's script in a daemon thread; a thread it starts is a daemon unless told
    otherwise, and the interpreter does not wait for daemons at exit."""
    from engine.outreach.preparation import prepare_in_background

    started = []
    page = threading.Thread(target=lambda: started.append(prepare_in_background(demo)), daemon=True)
    page.start()
    page.join(timeout=120)
    assert started and started[0].daemon is False
    started[0].join(timeout=120)


def test_homes_preparation_builds_the_words_a_goals_first_mark_reads(demo, monkeypatch):
    """Home's preparation ends with the contacts' words (engine.outreach.feedback_ranking): a goal's
    first feedback mark then builds only that goal's parts, not the words of every contact."""
    from engine.outreach import feedback, feedback_ranking
    from engine.outreach.opportunities import learning_ranker

    feedback_ranking._features.clear()
    preparation.prepare_in_background(demo).join(timeout=120)
    preparation.wait_for_preparation(demo)  # the preparation's own thread, to its end
    ranker = learning_ranker(demo, demo.goals.all())[0]
    kept = feedback_ranking._features.get("text")
    assert kept is not None and kept[0]() is ranker.terms_
    assert kept[1].shape == (len(ranker.contact_ids_), len(ranker.terms_))

    built = []
    real = feedback.text_features
    monkeypatch.setattr(feedback, "text_features", lambda *a, **k: built.append(1) or real(*a, **k))
    first = rank_contacts(demo, reasons=False)
    goal = int(first["goal_id"].iloc[0])
    contact = int(first[first["goal_id"] == goal]["contact_id"].iloc[3])
    demo.feedback.mark(goal, contact, "good")
    marked = rank_contacts(demo, reasons=False)
    assert built == []  # the words were there
    in_goal = marked[marked["goal_id"] == goal]["contact_id"].tolist()
    assert in_goal[0] == contact != first[first["goal_id"] == goal]["contact_id"].tolist()[0]  # the mark took effect


def test_the_preparation_steps_aside_between_its_stages_while_a_page_runs(demo):
    """A stage of Home's preparation that starts while a page runs shares Python's lock with it (a page's
    run took twice as long on two cores) and adds its peak of memory to the page's: the preparation
    waits for the page between two stages."""
    order = []
    page_started, page_may_end = threading.Event(), threading.Event()

    def page() -> None:
        with preparation.page_run():
            page_started.set()
            page_may_end.wait(timeout=120)
            order.append("page ended")

    def stage(store: Store) -> None:
        order.append("stage ran")

    runner = threading.Thread(target=page)
    runner.start()
    assert page_started.wait(timeout=120)
    thread = prepare(demo, outreach=True, then=[("after the page", stage)])
    assert thread is not None
    try:
        thread.join(timeout=0.3)  # within the bound of one step aside
        assert order == [] and thread.is_alive()  # no stage while the page runs
        page_may_end.set()
        runner.join(timeout=120)
    finally:
        page_may_end.set()
        thread.join(timeout=120)
    assert order == ["page ended", "stage ran"]
    assert preparation.step_aside(timeout=0)  # no page runs: nothing to wait for


def test_a_page_waiting_for_a_stage_is_not_a_page_the_preparation_steps_aside_for(demo, monkeypatch):
    """Today's first run waits for the agenda stage: were it counted as a page under way, the preparation
    would wait for the page that waits for it, each step aside until its bound (a second a stage)."""
    steps = []
    real = preparation.step_aside
    monkeypatch.setattr(preparation, "step_aside", lambda timeout=1.0: steps.append(real(timeout)) or steps[-1])
    shown = []
    entered, page_done = threading.Event(), threading.Event()

    def today_page() -> None:
        with preparation.page_run():
            entered.set()
            preparation.wait_for_preparation(demo, "agenda")
            shown.append(preparation.is_preparing(demo))
        page_done.set()

    def before(store: Store) -> None:  # a stage before the agenda, held until the page runs
        entered.wait(timeout=120)

    def after(store: Store) -> None:  # a stage after the agenda, held until the page went on
        page_done.wait(timeout=120)

    thread = prepare(demo, outreach=True, then=[("before", before), ("agenda", agenda), ("after", after)])
    assert thread is not None
    page = threading.Thread(target=today_page)
    page.start()
    page.join(timeout=120)
    thread.join(timeout=120)
    assert shown == [True]  # the page went on at its stage, while the preparation went on
    # the step aside before the agenda waits for the page only until the page waits for it: none ran to its bound
    assert len(steps) == 6 and all(steps), steps


def test_a_page_rerun_with_nothing_changed_starts_no_preparation_thread(demo):
    """Home and Goals ask for the preparation on every rerun: once it is current, the answer comes from the
    page's own open of the file, without a thread that opened it again beside the page's next run."""
    first = preparation.prepare_in_background(demo)
    assert first is not None
    first.join(timeout=120)
    preparation.wait_for_preparation(demo)
    before = {t.ident for t in threading.enumerate()}
    assert preparation.prepare_in_background(demo) is None  # current: nothing started
    assert {t.ident for t in threading.enumerate()} <= before
    goal = demo.goals.all(("active",))[0]
    demo.goals.update(goal["id"], {"target_roles": [*goal["target_roles"], "payments engineer"]})
    again = preparation.prepare_in_background(demo)  # a goal changed: prepared again
    assert again is not None
    again.join(timeout=120)
    preparation.wait_for_preparation(demo)
    assert preparation.prepare_in_background(demo) is None
