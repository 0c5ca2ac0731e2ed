"""A time-split backtest of the response model: train on outcomes before a date, predict after it.

The figure a user can trust from their own log: the model (engine.outreach.learning) is fitted on
the outreach logged before ``split_on`` only, with each outreach's features as they were when it
was sent, and asked to rank the outreach logged on and after that day; the AUC says how often a
reply it did not see was scored above a non-reply (0.5 is a coin, 1 is perfect). Like the rest of
the learning code it never reads the clock or the database: callers pass ``now``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.ranking import OpportunityRanker
from engine.ranking.signals import EPOCH

# The last TEST_SHARE of outcomes (in time) are predicted; at least MIN_TEST outcomes, holding
# MIN_PER_CLASS replies and MIN_PER_CLASS non-replies, or an AUC says little.
TEST_SHARE = 0.3
MIN_TEST = 20
BINS = 5  # reliability curve of the held-out estimates


def _split_day(day: np.ndarray) -> float:
    """The first day of the last TEST_SHARE of outcomes."""
    ordered = np.sort(day)
    return float(ordered[int(np.floor(len(ordered) * (1 - TEST_SHARE)))])


def backtest_frame(X: pd.DataFrame, y, day: np.ndarray, split_on=None, keys: pd.DataFrame | None = None,
                   **params) -> tuple[dict | None, str | None]:
    """The backtest of a training frame (engine.outreach.learning.training_frame) whose rows were
    sent on ``day`` (float days since 1970): ({"auc", "train", "test", "split_on", "brier",
    "brier_base", "reliability"}, None), or
    (None, the reason there is no figure). ``split_on`` (a date) defaults to the day that leaves
    the last 30% of outcomes to predict. With ``keys`` (the rows' company, industry and template
    codes), the records are computed again from the outcomes before the split only, as the model
    would have had them."""
    from .learning import MIN_PER_CLASS, ResponseModel, enough_outcomes, with_records

    y = np.asarray(y)
    if len(y) < 2:
        return None, f"no backtest: {len(y)} outcomes logged"
    day = np.asarray(day, dtype=np.float64)
    split = _split_day(day) if split_on is None else float((pd.Timestamp(split_on) - EPOCH) / pd.Timedelta(days=1))
    before = day < split
    y_train, y_test = y[before], y[~before]
    on = (EPOCH + pd.Timedelta(days=split)).date().isoformat()
    if not enough_outcomes(y_train):
        return None, (f"no backtest: {len(y_train)} outcomes before {on} ({int(y_train.sum())} replied); "
                      "the model needs the same as to start learning")
    replies = int(y_test.sum())
    if len(y_test) < MIN_TEST or min(replies, len(y_test) - replies) < MIN_PER_CLASS:
        return None, (f"no backtest: {len(y_test)} outcomes from {on} on ({replies} replied); it needs {MIN_TEST}, "
                      f"with {MIN_PER_CLASS} replies and {MIN_PER_CLASS} without")
    # Imported only here (90 ms): most rankings have no backtest to make (too few outcomes yet), and
    # a first `rapport rank` would otherwise pay it for nothing.
    from sklearn.metrics import roc_auc_score

    if keys is not None:
        X = with_records(X, y, keys, train=before)
    model = ResponseModel(**params).fit(X[before], y_train)
    p = model.predict_proba(X[~before])[:, -1]
    return {"auc": round(float(roc_auc_score(y_test, p)), 3), "train": int(len(y_train)), "test": int(len(y_test)),
            "split_on": on, **_calibration(p, y_test, float(y_train.mean()))}, None


def _calibration(p: np.ndarray, y: np.ndarray, base: float) -> dict:
    """Brier score of the estimates on the held-out outcomes, that of the training reply rate
    alone, and a reliability curve: estimates cut in BINS quantile bins, each (mean estimate,
    share that replied, n)."""
    bins = min(BINS, max(1, len(y) // 10))
    cut = pd.qcut(pd.Series(p).rank(method="first"), bins, labels=False)
    curve = pd.DataFrame({"p": p, "y": y, "bin": cut}).groupby("bin").agg(p=("p", "mean"), y=("y", "mean"),
                                                                            n=("y", "size"))
    return {"brier": round(float(np.mean((p - y) ** 2)), 4), "brier_base": round(float(np.mean((base - y) ** 2)), 4),
            "reliability": [[round(float(a), 3), round(float(b), 3), int(n)]
                            for a, b, n in curve.itertuples(index=False)]}


def backtest(ranker: OpportunityRanker, goals, interactions: pd.DataFrame, now, split_on=None,
             **params) -> tuple[dict | None, str | None]:
    """``backtest_frame`` of the outreach logged in ``interactions`` up to ``now``."""
    from .learning import _training

    X, y, rows, _ = _training(ranker, goals, interactions, now)
    day = rows["day"].to_numpy(dtype=np.float64) if len(y) else np.zeros(0)
    return backtest_frame(X, y, day, split_on, keys=rows if len(y) else None, **params)


__all__ = ["MIN_TEST", "TEST_SHARE", "backtest", "backtest_frame"]
