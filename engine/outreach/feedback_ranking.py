"""A goal's marks reorder its rows of the ranked list (engine.outreach.feedback learns from them).

What a mark waits for is kept here: the contacts' words, the same for every goal and built ahead
of the first mark (``prepare_words``, a stage of the preparation that Home starts), each marked
goal's features, and what a goal's model learned from its marks. Like the ranking, this never
opens the database nor reads the clock: the caller passes the ranker, the marks and the goals.
"""

from __future__ import annotations

import threading
import weakref
from datetime import datetime

import numpy as np
import pandas as pd

from engine.ranking import OpportunityRanker

from .results import memoized

_lock = threading.Lock()
_computing = threading.Lock()  # held while the contacts' words are built: a second caller waits for them
_features: dict = {}  # per (data version, goal): what feedback models learn from; "text": the contacts' words
_logistic_imported = threading.Event()
_preparing_ahead = threading.Event()  # set by a process that prepares ahead of need (the dashboard's)
IMPORT_DELAY = 1.0  # seconds after a goal's first mark before the logistic regression is imported


def contact_words(ranker: OpportunityRanker):
    """The contacts' words (``feedback.text_features``) of ``ranker``: the same for every goal, and
    across a refit that kept the words the ranker counted (text.fit_contact_text: an outreach logged,
    a strength set), which it tells by its terms, the same array then; held weakly, so a replaced
    ranker's words are not kept."""
    from .feedback import text_features

    with _computing:
        with _lock:
            words = _features.get("text")
        if words is None or words[0]() is not ranker.terms_:
            words = (weakref.ref(ranker.terms_), text_features(ranker))
            with _lock:
                _features["text"] = words
    return words[1]


def prepare_words(ranker: OpportunityRanker) -> None:
    """Build the contacts' words ahead of the first mark (at 100,000 contacts, 50-70 ms of it; they
    hold about 6 MB, ``feedback.FieldWords``). Home's preparation calls this: from then on the process
    is one that prepares ahead of need, and imports ahead of a mark too (``_import_logistic_ahead``)."""
    _preparing_ahead.set()
    contact_words(ranker)


def feedback_order(ranked: pd.DataFrame, marks: dict[int, dict[int, str]], goals: list[dict],
                   ranker: OpportunityRanker, now: datetime, version: tuple) -> pd.DataFrame:
    """``ranked`` with the rows of each goal that has marks re-scored by its feedback model
    (engine.outreach.feedback), best first again."""
    from .feedback import goal_features, learn, rerank

    goal_codes, goal_ids = pd.factorize(ranked["goal_id"])  # compared once, not per goal (an object column)
    score = ranked["score"].to_numpy(dtype=float, copy=True)
    for goal in goals:
        goal_marks = marks.get(goal["id"])
        if not goal_marks or goal["id"] not in goal_ids:
            continue
        rows = goal_codes == goal_ids.get_loc(goal["id"])
        key = (version, goal["id"], goal.get("updated_at"))
        with _lock:
            features = _features.get(key)
        if features is None:
            features = goal_features(ranker, goal, now, contact_words(ranker))
            with _lock:
                if len(_features) >= 8:
                    words = _features.get("text")
                    _features.clear()
                    if words is not None:
                        _features["text"] = words
                _features[key] = features
        ids = ranked["contact_id"].to_numpy()[rows]

        def reordered(ids=ids, rows=rows, features=features, goal_marks=goal_marks):
            model = learn(features, goal_marks)
            if model is None:
                return None
            if model.logistic_ is None:
                _import_logistic_ahead()
            scores = pd.Series(score[rows], index=ids)
            return rerank(scores, features.preference(model, ids), goal_marks).to_numpy()

        # Kept per goal and its marks: a mark on one goal does not learn the others' models again
        # (with two goals marked, a mark took 130-160 ms at 100,000 contacts, 80 ms so). Counted as
        # a thirty-second of its rows: a float a row, against the ~250 bytes of a ranked row.
        learned = memoized(("feedback", key, tuple(sorted(goal_marks.items())), hash(ids.tobytes()),
                            hash(score[rows].tobytes())), reordered,
                           rows=lambda v: 0 if v is None else len(v) // 32)
        if learned is not None:
            score[rows] = learned
    # Best first, equal scores in their order: what a stable descending sort_values gives, as one take
    # (the sort's own frame and its column assignment cost 10-15 ms more at 100,000 contacts).
    order = np.argsort(-score, kind="stable")
    out = ranked.take(order).reset_index(drop=True)
    out["score"] = score[order]
    return out


def _import_logistic_ahead() -> None:
    """A goal marked with one kind only learns by similarity; its first mark of the other kind fits a
    logistic regression, whose import (scikit-learn's linear models: 0.17 s, 23 MB) that mark would
    wait for. Imported in a thread of its own once the first kind is marked, once per process, and
    IMPORT_DELAY seconds later: an import holds Python's lock most of its time, and started at once
    it doubled what was left of the page run that marked (the list's reorder, the reasons: 50 -> 110
    ms at 100,000 contacts). A page is drawn well within that delay; the next mark is a click away.
    Not a daemon (see preparation.py: a daemon still importing at exit fails), and only in a process
    that prepares ahead (the dashboard's): a command would wait for it before it exits."""
    if _logistic_imported.is_set() or not _preparing_ahead.is_set():
        return
    _logistic_imported.set()

    def load() -> None:
        import sklearn.linear_model  # noqa: F401

    import concurrent.futures.process  # noqa: F401  (see preparation.prepare_in_background)
    import concurrent.futures.thread  # noqa: F401

    timer = threading.Timer(IMPORT_DELAY, load)
    timer.name, timer.daemon = "rapport-import-logistic", False
    timer.start()
