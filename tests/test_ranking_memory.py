"""Ranking keeps only what it reads: with the per-component (goals x contacts) arrays released
early and the kept rows picked before reasons are written, ``rank`` gives exactly the frame the
full arrays give, row for row, learned ranking included, on a generated lived-in workspace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.workspace import pages_workspace
from engine.clock import workspace_now
from engine.outreach.opportunities import learning_ranker
from engine.ranking.ranker import RANK_COLUMNS
from engine.ranking.reasons import reasons_and_steps
from engine.ranking.scoring import COMPONENTS


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    store = pages_workspace(tmp_path_factory.mktemp("memory"), rows=3000)
    goals = store.goals.all()
    now = workspace_now(store)
    ranker, _, _, _ = learning_ranker(store, goals, now)
    return ranker, goals, now


def _rank_from_full_arrays(ranker, goals, now, top=None, goal_id=None) -> pd.DataFrame:
    """``rank`` the plain way: every array kept, rows picked from them as reasons are written."""
    s = ranker._scores(goals, now, goal_id)
    weighted = s.score * s.priority
    best = np.argmax(weighted, axis=1)
    total = weighted[np.arange(len(best)), best]
    order = ranker._order(total, s, best)[:top]
    option = s.option[order, best[order]]
    reasons, steps = reasons_and_steps(ranker, s, order, best[order])

    def per_option(attr):
        return pd.Series(np.array([getattr(o, attr) for o in s.options], dtype=object)[option], dtype=object)

    return pd.DataFrame({
        "contact_id": ranker.contact_ids_[order], "full_name": pd.Series(ranker.full_names_[order], dtype=object),
        "goal_id": per_option("goal_id"), "goal_title": per_option("goal_title"),
        "segment_id": per_option("segment_id"), "segment_name": per_option("segment_name"),
        "score": total[order], "reasons": pd.Series(reasons, dtype=object), "next_step": pd.Series(steps, dtype=object),
    })[RANK_COLUMNS]


def test_the_workspace_ranks_with_a_learned_model_and_several_goals(workspace):
    ranker, goals, now = workspace
    assert ranker.response_model is not None
    assert ranker._scores(goals, now).score.shape[1] >= 5


@pytest.mark.parametrize("top", [None, 200, 1])
def test_rank_equals_the_full_arrays_row_for_row(workspace, top):
    ranker, goals, now = workspace
    expected = _rank_from_full_arrays(ranker, goals, now, top)
    pd.testing.assert_frame_equal(ranker.rank(goals, now, top=top)[RANK_COLUMNS], expected)


def test_rank_for_one_goal_equals_the_full_arrays(workspace):
    ranker, goals, now = workspace
    goal_id = [g for g in goals if g.get("status") == "active"][-1]["id"]
    expected = _rank_from_full_arrays(ranker, goals, now, 300, goal_id)
    pd.testing.assert_frame_equal(ranker.rank(goals, now, top=300, goal_id=goal_id)[RANK_COLUMNS], expected)


def test_best_scores_agree_with_rank(workspace):
    ranker, goals, now = workspace
    ranked = ranker.rank(goals, now).set_index("contact_id")
    best = ranker.best_scores(goals, now).set_index("contact_id").loc[ranked.index]
    assert (best["score"].to_numpy() == ranked["score"].to_numpy()).all()
    assert best["goal_id"].tolist() == ranked["goal_id"].tolist()


def test_ranking_holds_no_component_arrays_and_a_compact_option_index(workspace):
    ranker, goals, now = workspace
    lean = ranker._scores(goals, now, contributions=False)
    full = ranker._scores(goals, now)
    assert lean.contributions == {}
    assert set(full.contributions) == set(COMPONENTS) | {"response"}
    assert lean.option.itemsize == 1 and (lean.option == full.option).all()
    assert (lean.score == full.score).all()
