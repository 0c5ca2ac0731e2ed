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
from sklearn.metrics import roc_auc_score

from engine.ranking import OpportunityRanker
from engine.ranking.signals import EPOCH

from .learning import MIN_PER_CLASS, ResponseModel, _labelled, enough_outcomes, training_frame

# The last TEST_SHARE of outcomes (in time) are predicted; at least MIN_TEST outcomes, holding
# MIN_PER_CLASS replies and MIN_PER_CLASS non-replies, or an AUC says little.
TEST_SHARE = 0.3
MIN_TEST = 20


def _split_day(day: np.ndarray) -> float:
    """The first day of the last TEST_SHARE of outcomes."""
    ordered = np.sort(day)
    return float(ordered[int(np.floor(len(ordered) * (1 - TEST_SHARE)))])


def backtest(ranker: OpportunityRanker, goals, interactions: pd.DataFrame, now, split_on=None,
             **params) -> tuple[dict | None, str | None]:
    """({"auc", "train", "test", "split_on"}, None), or (None, the reason there is no figure).

    ``split_on`` (a date) defaults to the day that leaves the last 30% of outcomes to predict.
    """
    rows, _ = _labelled(ranker, interactions, now)
    X, y = training_frame(ranker, goals, interactions, now)
    if len(y) < 2:
        return None, f"no backtest: {len(y)} outcomes logged"
    day = rows["day"].to_numpy(dtype=np.float64)
    split = _split_day(day) if split_on is None else float((pd.Timestamp(split_on) - EPOCH) / pd.Timedelta(days=1))
    before = day < split
    y = y.to_numpy()
    y_train, y_test = y[before], y[~before]
    on = (EPOCH + pd.Timedelta(days=split)).date().isoformat()
    if not enough_outcomes(y_train):
        return None, (f"no backtest: {len(y_train)} outcomes before {on} ({int(y_train.sum())} replied); "
                      "the model needs the same as to start learning")
    replies = int(y_test.sum())
    if len(y_test) < MIN_TEST or min(replies, len(y_test) - replies) < MIN_PER_CLASS:
        return None, (f"no backtest: {len(y_test)} outcomes from {on} on ({replies} replied); it needs {MIN_TEST}, "
                      f"with {MIN_PER_CLASS} replies and {MIN_PER_CLASS} without")
    model = ResponseModel(**params).fit(X[before], y_train)
    auc = roc_auc_score(y_test, model.predict_proba(X[~before])[:, -1])
    return {"auc": round(float(auc), 3), "train": int(len(y_train)), "test": int(len(y_test)), "split_on": on}, None


__all__ = ["MIN_TEST", "TEST_SHARE", "backtest"]
