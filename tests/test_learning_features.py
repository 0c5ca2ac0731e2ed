"""The response model's features and calibration, piece by piece (engine.outreach.learning_features,
engine.outreach.learning_model)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.outreach.learning import fit_response_model, per_contact_log_odds
from engine.outreach.learning_model import ResponseModel
from engine.ranking import OpportunityRanker
from engine.ranking.signals import day_of
from tests.test_learning import DAY, GOALS, NOW, population


def _platt(a: float, b: float) -> ResponseModel:
    model = ResponseModel()
    model.calibration_ = (a, b)
    return model


def test_calibration_into_out_is_the_logistic_of_the_platt_map_to_the_bit():
    z = np.random.default_rng(3).normal(0, 8, size=(4, 500))  # past the clip at +-35 too
    z[0, :3] = [-80.0, 80.0, 0.0]
    model = _platt(0.73, -0.41)
    expected = 1.0 / (1.0 + np.exp(-np.clip(0.73 * z + -0.41, -35.0, 35.0)))  # the map as written out
    fresh = model.calibrate(z)
    assert fresh is not z and np.array_equal(fresh, expected)
    into = z.copy()
    got = model.calibrate(into, out=into)
    assert got is into and np.array_equal(got, expected)
    assert np.array_equal(model.calibrate(z.tolist()), expected)  # any array-like, not only arrays


def _blank_company_world(seed: int = 5, n: int = 600, n_outreach: int = 240):
    """Contacts each at a company of their own (so no company record says anything about the
    people not written to yet), a third with no company at all, and a log in which the
    blank-company people rarely answer and the others answer half the time."""
    rng = np.random.default_rng(seed)
    contacts, _ = population(rng, n)
    blank = rng.random(n) < 0.35
    contacts["company"] = np.where(blank, None, [f"Firm{i:04d}" for i in range(n)])
    written = rng.choice(n, n_outreach, replace=False)
    replied = rng.random(n_outreach) < np.where(blank[written], 0.08, 0.5)
    log = pd.DataFrame({
        "id": np.arange(1, n_outreach + 1), "contact_id": contacts["id"].to_numpy()[written], "goal_id": 1,
        "template_id": None, "kind": "outreach", "channel": "email",
        "occurred_on": [NOW - int(d) * DAY for d in rng.integers(3, 150, n_outreach)],
        "outcome": np.where(replied, "replied", "no_response")})
    return contacts, log, blank, np.setdiff1d(np.arange(n), written)


def test_people_with_a_blank_company_are_learned_apart_from_the_average_company():
    contacts, log, blank, fresh = _blank_company_world()
    ranker = OpportunityRanker().fit(contacts)
    model = fit_response_model(ranker, GOALS, log, NOW)
    assert model is not None
    z = per_contact_log_odds(model.coef_, ranker, fresh, day_of(NOW), model.context_)
    # Nobody fresh has a company record (every company is someone's own); only a blank company
    # tells the two groups apart.
    gap = z[blank[fresh]].mean() - z[~blank[fresh]].mean()
    assert gap < -0.5, gap
