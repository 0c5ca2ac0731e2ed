"""Fit stays a gate when the ranking learns, and exploration follows the model's uncertainty.

On the simulated user of tests/test_learning.py: the reply chance reorders people within a fit
tier and never lifts anyone across one; a flat reply chance reorders nobody; the Thompson draws
vary most where the log says least.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from engine.outreach.exploration import with_exploration
from engine.outreach.learning import (
    FEATURES,
    learned_ranker,
    per_contact_log_odds,
    ranker_with_learning,
    training_frame,
)
from engine.ranking import OpportunityRanker
from engine.ranking.blend import LOWEST_TIER, TIER_RATIO, TOP_TIER
from engine.ranking.scoring import FIT_COMPONENTS
from engine.ranking.signals import day_of
from engine.ranking.titles import SENIORITY_LEVELS
from tests.test_learning import GOALS, NOW, simulate

FULL = 0.95  # the ranker's fit weights: text 0.55 + company 0.20 + seniority 0.15 + relationship 0.05


@pytest.fixture(scope="module")
def world():
    sim = simulate()
    ranker = OpportunityRanker().fit(sim["contacts"])
    learned, _ = ranker_with_learning(ranker, GOALS, sim["interactions"], NOW)
    return sim, ranker, learned


def _tier(relevance: np.ndarray) -> np.ndarray:
    """0 for relevance in [TIER_RATIO, 1), -1 for the next TIER_RATIO below, ..., 1 and 2 above a
    full fit (warmth and timing count in a score), 3 from 1.56 up, as written by hand."""
    bounds = TIER_RATIO ** np.arange(TOP_TIER - 1, LOWEST_TIER + 1)  # 1.95, 1.56, 1.25, 1, 0.8, 0.64, ...
    return 3 - (relevance[:, None] < bounds[1:][None, :]).sum(axis=1)


def test_nobody_is_lifted_across_a_fit_tier(world):
    _, ranker, learned = world
    plain, smart = ranker.score(GOALS, NOW), learned.score(GOALS, NOW)
    assert (plain[["contact_id", "goal_id"]].to_numpy() == smart[["contact_id", "goal_id"]].to_numpy()).all()
    frame = pd.DataFrame({"goal": plain["goal_id"], "tier": _tier(plain["score"].to_numpy() / FULL),
                          "learned": smart["score"]})
    assert frame["tier"].nunique() >= 3 and (frame["tier"] == 0).any()  # some fit, some do not
    moved = 0
    for _, goal in frame.groupby("goal"):
        bounds = goal.groupby("tier")["learned"].agg(["min", "max"]).sort_index()
        # every tier's lowest learned score is above the highest of every tier below it
        assert (bounds["min"].to_numpy()[1:] > np.maximum.accumulate(bounds["max"].to_numpy())[:-1]).all()
        fits = goal[goal["tier"] == 0]
        moved += int((fits["learned"].rank().to_numpy() != plain.loc[fits.index, "score"].rank().to_numpy()).sum())
    assert moved > 0  # within the tier the reply chance does reorder


def test_fit_components_of_the_learned_scores_are_the_fit_only_ones(world):
    _, ranker, learned = world
    plain, smart = ranker.score(GOALS, NOW), learned.score(GOALS, NOW)
    pd.testing.assert_frame_equal(plain[list(FIT_COMPONENTS)], smart[list(FIT_COMPONENTS)])


class _Flat(BaseEstimator):
    """A response model that gives everyone the same reply chance."""

    def fit(self, X=None, y=None):
        self.base_rate_ = 0.3
        return self

    def ranking_proba(self, ranker, contributions, signals, goals=None, now_day=None):
        return np.full(contributions["text"].shape, 0.3)


def test_a_flat_reply_chance_reorders_nobody_within_a_goal(world):
    _, ranker, _ = world
    plain, flat = ranker.score(GOALS, NOW), learned_ranker(ranker, _Flat().fit()).score(GOALS, NOW)
    for goal_id, rows in plain.groupby("goal_id").groups.items():
        before = plain.loc[rows, "score"].rank(method="dense").to_numpy()
        after = flat.loc[rows, "score"].rank(method="dense").to_numpy()
        assert (before == after).all(), goal_id


def test_thompson_draws_vary_most_where_the_log_knows_least(world):
    sim, ranker, learned = world
    model = learned.response_model
    X, _ = training_frame(ranker, GOALS, sim["interactions"], NOW)
    columns = [f"seniority_{s}" for s in SENIORITY_LEVELS]
    logged = X[columns].sum()
    rare, common = logged.idxmin(), logged.idxmax()
    assert logged[rare] < logged[common] / 5
    rng = np.random.default_rng(0)
    draws = pd.DataFrame([model.draw(rng)[0] for _ in range(400)], columns=list(FEATURES))
    assert draws[rare].std() > 1.2 * draws[common].std()
    # the draws centre on the fitted model (compared on the model's scale: raw coefficients of
    # columns that are nearly always small are large)
    assert np.allclose(draws.mean() / model.scale_, model.coef_ / model.scale_, atol=0.1)
    pos = np.arange(5)
    assert per_contact_log_odds(model.coef_, ranker, pos, day_of(NOW), model.context_).shape == (5,)


def test_exploration_with_a_model_holds_for_a_day_and_changes_with_the_days(world):
    sim, _, learned = world
    ranked = learned.rank(GOALS, NOW)

    def picks(day):
        shown = with_exploration(ranked, learned, sim["contacts"], day)
        return tuple(shown.loc[shown["to_learn"], "contact_id"])

    day = NOW.date()
    assert len(picks(day)) == 5 and picks(day) == picks(day)
    assert len({picks(day + timedelta(days=d)) for d in range(7)}) > 1


def test_a_few_dozen_outcomes_of_noise_leave_the_estimate_nearly_flat(world):
    """Replies drawn at random, whoever the person: with 50 outcomes the penalty keeps the model
    near "everyone answers at the base rate", and the learned top 20 fits as well as before.

    Over twelve draws of the noise, not one: whether the held-out rows happen to order better than
    chance decides between an estimate exactly flat and the penalized regression's own small spread
    (0.03-0.11 in these draws), so one draw's spread said which side of that coin it fell."""
    sim, ranker, _ = world
    scores = ranker._scores(GOALS, NOW)
    contributions = {c: np.ascontiguousarray(v.T) for c, v in scores.contributions.items()}
    options = [scores.options[ids[0]] for ids in scores.goal_options]
    plain = ranker.score(GOALS, NOW)
    fit = plain[list(FIT_COMPONENTS)].sum(axis=1).groupby(plain["contact_id"]).max()
    top_plain = ranker.rank(GOALS, NOW, top=20)["contact_id"]
    spreads = []
    for draw in range(12):
        rng = np.random.default_rng(draw)
        noise = sim["interactions"].head(50).assign(
            outcome=np.where(rng.random(50) < 0.3, "replied", "no_response"))
        learned, status = ranker_with_learning(ranker, GOALS, noise, NOW)
        assert status["learning"] and not status["calibrated"]
        proba = learned.response_model.ranking_proba(ranker, contributions, scores.signals, options, day_of(NOW))
        assert abs(proba.mean() - status["reply_rate"]) < 0.1
        spreads.append(proba.std())
        top_learned = learned.rank(GOALS, NOW, top=20)["contact_id"]
        assert fit[top_learned].mean() >= 0.9 * fit[top_plain].mean()
    assert max(spreads) < 0.15, spreads  # never more than half the base rate, whatever the draw
    assert sum(s < 0.01 for s in spreads) >= 2, spreads  # and some draws leave it exactly flat


def test_reply_chance_move_says_how_far_learning_moved_a_contact(world):
    """The Outreach page's sentence for a selected contact: before + move = after, the move is the
    learned ranking's difference from the fit-only one, and a ranking that does not learn moved
    nobody."""
    sim, ranker, learned = world
    from engine.outreach.learning import reply_chance_move

    moves = []
    for contact_id in sim["contacts"]["id"].head(40):
        plain_ex, smart_ex = ranker.explain(contact_id, GOALS, NOW), learned.explain(contact_id, GOALS, NOW)
        assert reply_chance_move(plain_ex) is None
        move = reply_chance_move(smart_ex)
        assert move is not None and move["after"] == pytest.approx(smart_ex["score"])
        assert move["before"] + move["move"] == pytest.approx(move["after"])
        if smart_ex["goal_id"] == plain_ex["goal_id"]:
            assert move["before"] == pytest.approx(plain_ex["score"], abs=1e-9)
        moves.append(move)
    for m in moves:  # the sentence says which way it went
        assert ("raised" in m["sentence"]) <= (m["move"] > 0) and ("lowered" in m["sentence"]) <= (m["move"] < 0)
    assert any("raised" in m["sentence"] for m in moves) and any("lowered" in m["sentence"] for m in moves)


def test_a_company_record_counts_its_offices_and_units_as_the_company():
    from engine.outreach.learning_features import employer_codes

    companies = ["KPMG", "KPMG Nigeria", "KPMG Global Services (KGS)", "Deloitte UK", "Deloitte Greece",
                 "Global Bank", "Global Foods", None, "Acme Inc."]
    contacts = pd.DataFrame({"id": range(1, len(companies) + 1), "full_name": [f"P{i}" for i in range(len(companies))],
                             "company": companies, "position": "Engineer"})
    ranker = OpportunityRanker().fit(contacts)
    codes = employer_codes(ranker)
    keys = np.asarray(ranker.company_keys_, dtype=object)
    employer = [None if c < 0 else keys[c] for c in codes]
    assert employer == ["kpmg", "kpmg", "kpmg", "deloitte uk", "deloitte greece", "global bank", "global foods",
                        None, "acme"]
    assert employer_codes(ranker) is codes  # once per fit
