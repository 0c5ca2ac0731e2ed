"""The one cache of computed results: a key another thread is computing is waited for, not computed twice."""

from __future__ import annotations

import threading
import time

from engine.outreach import results


def test_a_key_being_computed_is_waited_for_and_computed_once():
    """Home's preparation counts the audiences while the Goals page asks for the same ones: computed
    twice, they were twice the work on two cores the page shares."""
    key = ("test: computed once", object())
    calls, started, release = [], threading.Event(), threading.Event()

    def compute():
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(10)
        return ["the audiences"]

    got = {}

    def ask(name: str) -> None:
        got[name] = results.memoized(key, compute)

    first = threading.Thread(target=ask, args=("first",), name="first")
    first.start()
    started.wait(10)
    second = threading.Thread(target=ask, args=("second",), name="second")
    second.start()
    time.sleep(0.2)  # lets the second thread ask while the first computes (no time is asserted)
    release.set()
    first.join(10)
    second.join(10)
    assert calls == ["first"]
    assert got["first"] is got["second"] == ["the audiences"]
    assert key not in results._computing


def test_a_failed_computation_lets_the_next_caller_compute():
    key = ("test: fails once", object())

    def fail():
        raise RuntimeError("the disk")

    try:
        results.memoized(key, fail)
    except RuntimeError:
        pass
    assert key not in results._computing
    assert results.memoized(key, lambda: [42]) == [42]
