"""Ranking keeps only what it reads: with the per-component (goals x contacts) arrays released
early and the kept rows picked before reasons are written, ``rank`` gives exactly the frame the
full arrays give, row for row, learned ranking included, on a generated lived-in workspace.
The in-place text fit, the row-by-row blend, the in-place calibration and learning's goal-by-goal
fit give exactly (to the bit) what the written-out arithmetic they replaced gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from benchmarks.workspace import pages_workspace
from engine.clock import workspace_now
from engine.outreach import learning
from engine.outreach.learning import calibrate_in_place, learned_ranker
from engine.outreach.opportunities import learning_ranker
from engine.ranking import blend, scoring
from engine.ranking.ranker import RANK_COLUMNS
from engine.ranking.reasons import reasons_and_steps
from engine.ranking.scoring import COMPONENTS, FIT_COMPONENTS
from engine.ranking.signals import day_of
from engine.ranking.text import CONTEXT_SHARE, TEXT_SIM_FLOOR, similarity, text_fit


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    store = pages_workspace(tmp_path_factory.mktemp("memory"), rows=3000)
    goals = store.goals.all()
    now = workspace_now(store)
    ranker, _, _, _ = learning_ranker(store, goals, now)
    return ranker, goals, now, store


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
    ranker, goals, now, _ = workspace
    assert ranker.response_model is not None
    assert ranker._scores(goals, now).score.shape[1] >= 5


@pytest.mark.parametrize("top", [None, 200, 1])
def test_rank_equals_the_full_arrays_row_for_row(workspace, top):
    ranker, goals, now, _ = workspace
    expected = _rank_from_full_arrays(ranker, goals, now, top)
    pd.testing.assert_frame_equal(ranker.rank(goals, now, top=top)[RANK_COLUMNS], expected)


def test_rank_for_one_goal_equals_the_full_arrays(workspace):
    ranker, goals, now, _ = workspace
    goal_id = [g for g in goals if g.get("status") == "active"][-1]["id"]
    expected = _rank_from_full_arrays(ranker, goals, now, 300, goal_id)
    pd.testing.assert_frame_equal(ranker.rank(goals, now, top=300, goal_id=goal_id)[RANK_COLUMNS], expected)


def test_best_scores_agree_with_rank(workspace):
    ranker, goals, now, _ = workspace
    ranked = ranker.rank(goals, now).set_index("contact_id")
    best = ranker.best_scores(goals, now).set_index("contact_id").loc[ranked.index]
    assert (best["score"].to_numpy() == ranked["score"].to_numpy()).all()
    assert best["goal_id"].tolist() == ranked["goal_id"].tolist()


def test_ranking_holds_no_component_arrays_and_a_compact_option_index(workspace):
    ranker, goals, now, _ = workspace
    lean = ranker._scores(goals, now, contributions=False)
    full = ranker._scores(goals, now)
    assert lean.contributions == {}
    assert set(full.contributions) == set(COMPONENTS) | {"response"}
    assert lean.option.itemsize == 1 and (lean.option == full.option).all()
    assert (lean.score == full.score).all()


def _text_fit_as_written(matrix, role_queries, context_queries):
    """text_fit before it was written in place."""
    n_options = role_queries.shape[0]
    sim = similarity(matrix, sp.vstack([role_queries, context_queries]).tocsr())

    def coverage(sim, queries):
        mass = np.asarray(queries.sum(axis=1)).ravel()
        return sim / np.maximum(sim.max(axis=0, initial=0.0), np.maximum(TEXT_SIM_FLOOR * mass, 1e-12))

    role = coverage(sim[:, :n_options], role_queries)
    context = coverage(sim[:, n_options:], context_queries)
    fit = (1 - CONTEXT_SHARE) * role + CONTEXT_SHARE * context * role
    no_role = np.diff(role_queries.indptr) == 0
    fit[:, no_role] = context[:, no_role]
    return fit


def test_text_fit_in_place_is_the_written_formula_to_the_bit():
    rng = np.random.default_rng(7)
    matrix = sp.random(400, 60, density=0.08, format="csr", random_state=rng)
    role = sp.random(5, 60, density=0.1, format="csr", random_state=rng).tolil()
    role[2, :] = 0  # an option naming no role: fitted on its context alone
    role = role.tocsr()
    role.eliminate_zeros()
    context = sp.random(5, 60, density=0.1, format="csr", random_state=rng)
    got = text_fit(matrix, role, context)
    assert np.array_equal(got, _text_fit_as_written(matrix, role, context))
    assert got[:, 2].any()  # the context-only option is not left at zero


def _blend_as_written(model, score, has_fit, proba):
    """blend.blend_response's arithmetic before it went one goal's row at a time."""
    b = min(max(float(model.response_blend), 0.0), 1.0)
    base = float(np.clip(model.response_model.base_rate_, 0.01, 1.0))
    full = sum(float(model.get_params()[f"{c}_weight"]) for c in FIT_COMPONENTS) or 1.0
    relevance = np.maximum(score, 0.0) / full
    steps = np.arange(blend.TOP_TIER, blend.LOWEST_TIER + 1)
    tier = blend.TOP_TIER + (relevance[..., None] < blend.TIER_RATIO ** steps).sum(axis=-1)
    low = np.where(tier <= blend.LOWEST_TIER, blend.TIER_RATIO ** tier.astype(float), 0.0)
    high = np.where(tier == blend.TOP_TIER, low + 1.0, blend.TIER_RATIO ** (tier - 1.0))
    under = np.select([tier < blend.LOWEST_TIER, tier == blend.LOWEST_TIER], [low * (1 - blend.TIER_RATIO), low], 0.0)
    lift = (1 - b) + b * proba / base
    lift = np.where(has_fit, lift, np.minimum(lift, 1.0))
    return blend._within(relevance * lift ** (1 / blend.FIT_POWER), low, high - low, under) * full


def test_the_blend_row_by_row_is_the_whole_array_blend(workspace):
    ranker, goals, now, _ = workspace
    base = learned_ranker(ranker, None)._scores(goals, now)  # the score before the blend
    options = [base.options[ids[0]] for ids in base.goal_options]
    fit = sum(base.contributions[c] for c in FIT_COMPONENTS).T
    full = sum(float(ranker.get_params()[f"{c}_weight"]) for c in FIT_COMPONENTS)
    has_fit = np.minimum(1.0, fit / (full * scoring.GATE_SATURATION)) > 0
    proba = ranker.response_model.ranking_proba(ranker, {c: v.T for c, v in base.contributions.items()},
                                                base.signals, options, day_of(now))
    expected = _blend_as_written(ranker, base.score.T, has_fit, proba)
    got = ranker._scores(goals, now).score.T
    assert not np.array_equal(got, base.score.T)  # the reply chance moved someone
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


def test_calibration_in_place_is_the_models_calibration(workspace):
    model = workspace[0].response_model
    z = np.random.default_rng(3).normal(0, 8, size=(4, 500))  # past the clip at +-35 too
    z[0, :3] = [-80.0, 80.0, 0.0]
    expected = model.calibrate(z)
    assert np.array_equal(calibrate_in_place(model, z.copy()), expected)


def test_learning_reads_each_outreachs_fit_as_scoring_all_goals_at_once_would(workspace):
    ranker, goals, now, store = workspace
    base = learned_ranker(ranker, None)
    rows, _ = learning._labelled(base, store.interactions.frame(), now)
    assert len(rows) >= 40 and rows["goal_id"].isna().any() and rows["goal_id"].notna().any()
    got, kinds = learning._fit_at_outreach(base, goals, now, rows)
    # the old way: every goal's component arrays at once, rows read from them
    s = base._scores(goals, now)
    pos = rows["pos"].to_numpy()
    table = np.stack([s.contributions[c][pos] for c in FIT_COMPONENTS], axis=-1)
    options = [s.options[ids[0]] for ids in s.goal_options]
    index = {learning._goal_key(o.goal_id): i for i, o in enumerate(options)}
    logged = np.array([index.get(learning._goal_key(v), -1) for v in rows["goal_id"]])
    chosen = np.where(logged >= 0, logged, np.argmax(table.sum(axis=-1), axis=1))
    for k, c in enumerate(FIT_COMPONENTS):
        assert np.array_equal(got[c], table[np.arange(len(pos)), chosen, k]), c
    assert len(kinds) == len(rows)


def test_the_score_alone_is_the_scores_parts_summed_to_the_bit(workspace):
    """scoring._score_only (ranking without the parts: fit's array becomes the score, two temporaries)
    gives what _scored gives with warmth, timing and fatigue written out, and releases the fit."""
    ranker, goals, now, _ = workspace
    w = {c: float(ranker.get_params()[f"{c}_weight"]) for c in COMPONENTS}
    signals = ranker.signals_.at(day_of(now))
    fit = np.random.default_rng(5).uniform(0.0, 1.2, size=(4, ranker.n_contacts_))
    fit[1] = 0.0  # no fit: warmth and timing at the gate's floor
    expected, warmth, timing, fatigue = scoring._scored([fit.copy()], signals, w)
    holder = [fit.copy()]
    score, *none = scoring._scored(holder, signals, w, parts=False)
    assert holder == [] and none == [None, None, None]
    assert np.array_equal(score, expected)
    assert np.array_equal(score, fit + warmth + timing + fatigue)  # parts that sum to it
    assert (warmth[1] > 0).any() and (fatigue < 0).any()  # the parts are not all zero


def test_a_fit_only_ranking_without_its_parts_scores_the_same(workspace):
    ranker, goals, now, _ = workspace
    fit_only = learned_ranker(ranker, None)
    lean = fit_only._scores(goals, now, contributions=False)
    full = fit_only._scores(goals, now)
    assert lean.contributions == {} and "warmth" in full.contributions
    assert np.array_equal(lean.score, full.score)


def test_goal_options_are_kept_by_the_goals_whole_content(workspace):
    from engine.ranking import goals as goal_module

    _, goals, _, _ = workspace
    goal_module.forget_options()
    first = goal_module.goal_options(goals)
    assert first == goal_module._goal_options(goals)  # kept as worked out
    first.clear()  # a caller's list is its own
    again = goal_module.goal_options(goals)
    assert again and again == goal_module._goal_options(goals)
    edited = [dict(g) for g in goals]
    active = next(i for i, g in enumerate(edited) if g.get("status") == "active")
    edited[active]["target_roles"] = ["Chief Financial Officer"]
    changed = goal_module.goal_options(edited)
    assert changed == goal_module._goal_options(edited) and changed != again
    assert [o.roles for o in changed] != [o.roles for o in again]
