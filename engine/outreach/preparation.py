"""Fitting ahead of need, started from a page that must not wait even for the ranking's imports.

Home is the first page of every start. Importing the ranking (scikit-learn, and SciPy's statistics
through it) costs more than drawing Home; its flags are kept on disk (engine.insights.kept_flags), so
nothing else on it needs the ranking. This module imports none of it: the thread it starts does.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading

from engine.store import Store

log = logging.getLogger(__name__)

# Per workspace, the preparation under way and the stages of it done: a page waits only for the stage
# it reads (Today for the agenda, not for the Companies table prepared after it).
_changed = threading.Condition()
_preparing: dict[str, threading.Thread] = {}
_done: dict[str, set[str]] = {}
# Page runs under way that the preparation steps aside for (``page_run``, ``step_aside``); a page run
# waiting for a stage of the preparation does not count while it waits.
_running_pages = 0
_page_thread = threading.local()

# The preparation's threads are not daemons (said explicitly: a thread started from a daemon, as Streamlit's
# script threads are, is one too otherwise): the interpreter waits for them before it shuts down. A daemon
# stopped inside DuckDB at exit aborted the whole process ("terminate called ... FATAL: exception not
# rethrown": the server on Ctrl-C, a test run), and one still importing scikit-learn when the process
# ended failed ("can't register atexit after shutdown"); joining them in an ``atexit`` hook came too late
# for the second (the interpreter's shutdown has begun by then) and missed the threads they start.


def begin(store: Store, thread: threading.Thread) -> bool:
    """Record ``thread`` as the workspace's preparation; False when one is under way already."""
    with _changed:
        if str(store.path) in _preparing:
            return False
        _preparing[str(store.path)] = thread
        _done[str(store.path)] = set()
    return True


def is_preparing(store: Store) -> bool:
    with _changed:
        return str(store.path) in _preparing


def stage_done(store: Store, stage: str) -> None:
    """The preparation of ``store`` has computed ``stage`` (kept where the pages read it)."""
    with _changed:
        _done.setdefault(str(store.path), set()).add(stage)
        _changed.notify_all()


def end(store: Store) -> None:
    with _changed:
        _preparing.pop(str(store.path), None)
        _done.pop(str(store.path), None)
        _changed.notify_all()


def wait_for_preparation(store: Store, stage: str | None = None, timeout: float = 120) -> None:
    """Let the preparation under way finish ``stage`` (all of it: None) before a page computes it
    again: two rankings of 100,000 contacts at once cost two peaks of memory (615 MB against 527 MB
    measured) and the page no time. The preparing thread itself does not wait."""
    global _running_pages
    name = str(store.path)
    with _changed:
        thread = _preparing.get(name)
        if thread is None or thread is threading.current_thread():
            return
        waiting_page = getattr(_page_thread, "running", False)
        if waiting_page:  # the preparation does not step aside for a page that waits for it
            _running_pages -= 1
            _changed.notify_all()
        try:
            _changed.wait_for(lambda: _preparing.get(name) is not thread
                              or (stage is not None and stage in _done.get(name, ())), timeout=timeout)
        finally:
            if waiting_page:
                _running_pages += 1


@contextlib.contextmanager
def page_run():
    """A page run the user waits for (app.py runs every page inside one). The preparation steps aside
    between its stages while one is under way (``step_aside``): on two cores, a stage sharing Python's
    lock with a page doubled the page's run, and their peaks of memory added up."""
    global _running_pages
    with _changed:
        _running_pages += 1
    _page_thread.running = True
    try:
        yield
    finally:
        _page_thread.running = False
        with _changed:
            _running_pages -= 1
            _changed.notify_all()


def step_aside(timeout: float = 1.0) -> bool:
    """Between two stages of the preparation: wait while a page runs (``page_run``), at most ``timeout``
    seconds, so that a page run that never ends cannot hold the preparation back. False on a timeout."""
    with _changed:
        return _changed.wait_for(lambda: _running_pages <= 0, timeout=timeout)


def prepare_in_background(store: Store) -> threading.Thread | None:
    """``engine.outreach.opportunities.prepare(store, outreach=True, then=...)`` from a thread of its
    own: the active goals' audiences, the response model, Outreach's full ranking, then Today's
    agenda, the Companies page's table and the contacts' words that feedback marks learn from, ahead
    of the pages that show them (a page opened meanwhile waits for what is left, ``wait_for_preparation``).
    None, and no thread, when it is current already."""

    def start() -> None:
        try:
            from engine.outreach.companies import companies_in_network, company_gaps
            from engine.outreach.feedback_ranking import prepare_words
            from engine.outreach.opportunities import learning_ranker, prepare
            from engine.planning.agenda import agenda

            def companies(store: Store) -> None:  # the Companies page's table and gaps (0.2-0.4 s at 100,000)
                companies_in_network(store)
                company_gaps(store)

            def words(store: Store) -> None:  # what a goal's first feedback mark reads (50-70 ms at 100,000)
                prepare_words(learning_ranker(store, store.goals.all())[0])

            # Today's agenda (its first places are read from Outreach's list), then the Companies page's
            # table, then the contacts' words that feedback marks learn from.
            prepare(store, outreach=True, then=[("agenda", agenda), ("companies", companies), ("words", words)])
        except Exception:
            log.exception("preparing the ranking ahead of need failed")

    # Once the ranking is imported (by an earlier preparation), whether anything changed is asked here, on the
    # page's own open of the file: Home and Goals ask on every rerun, and a thread started only to find the
    # preparation current opened the file again beside the page's next run. None then.
    ranking = sys.modules.get("engine.outreach.opportunities")
    if ranking is not None and not is_preparing(store) and ranking.prepared_already(store):
        return None

    # The imports of pandas and scikit-learn (joblib) import these modules, which register a hook with
    # the threading module: in a thread still importing them when the process ends, that raises "can't
    # register atexit after shutdown". Imported here, before the thread starts (5 ms, once per process).
    import concurrent.futures.process  # noqa: F401
    import concurrent.futures.thread  # noqa: F401

    thread = threading.Thread(target=start, name="rapport-prepare", daemon=False)  # (see above)
    thread.start()
    return thread
