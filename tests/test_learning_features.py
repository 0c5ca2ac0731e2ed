"""The response model's features and calibration, piece by piece (engine.outreach.learning_features,
engine.outreach.learning_model)."""

from __future__ import annotations

import numpy as np

from engine.outreach.learning_model import ResponseModel


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

