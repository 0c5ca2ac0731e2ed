"""Learning from logged outcomes: a response model blended into the contact ranking.

Why: the goal-fit ranking knows *who* serves a goal; only the user's own outreach log knows *who
answers this user*. Once enough outreach has a known outcome, a small, heavily regularized
classifier estimates P(reply) from the facts the ranking already holds about each contact, and the
ranker blends it in as one more contribution ("response"). Goal fit keeps most of the weight, so
the learned part reorders people who fit a goal about equally; it cannot pull in someone who does
not fit. Below the threshold nothing changes: the caller gets its ranker back untouched.

Like the ranking, this never imports Streamlit, never opens the database and never reads the
clock: callers pass the fitted ranker, the goals, the interaction log
(``store.interactions.frame()``) and ``now``. The app should cache the result per data version
and goals fingerprint (the features include each outreach's goal fit), next to the fitted ranker
(``engine.opportunities.contact_ranker``); fitting takes ~0.3 s for 300 outcomes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from engine.ranking import OpportunityRanker
from engine.ranking.scoring import FIT_COMPONENTS
from engine.ranking.signals import RECENCY_DAYS, ContactSignals, column, day_of, days
from engine.ranking.titles import SENIORITY_LEVELS
from engine.vocabulary import NO_REPLY_OUTCOMES, RELATIONSHIPS, REPLY_OUTCOMES

# What counts as a reply in the contacts' ``replies`` count (mirrors store.contacts.for_ranking),
# needed to take the outcome being predicted back out of the features (see _as_of).
REPLY_KINDS = frozenset({"inbound", "meeting"})

# The threshold. The model has ~30 features but is an L2-penalized logistic regression, so with
# few outcomes its coefficients stay near zero and P(reply) is nearly flat (a flat P adds the same
# to everyone and reorders nobody): the penalty, not the threshold, keeps early noise out. The
# threshold only refuses to learn from a log too small to say anything: 40 outcomes is about a
# month of a job search at two messages a working day, and at typical 20-40% reply rates holds
# 8-16 replies. Each class needs 5 examples, or "who answers" has no contrast to learn from.
MIN_OUTCOMES = 40
MIN_PER_CLASS = 5
# Sigmoid calibration (CalibratedClassifierCV, 3 folds) needs enough of each class in every fold
# to fit its own two parameters; below this, plain logistic regression, whose log-loss fit is
# already close to calibrated, is steadier than calibrating on folds holding three replies.
CALIBRATION_MIN_PER_CLASS = 30
# Share of the final score given to P(reply). Fit contributions sum to at most ~0.85 of a score
# of at most 1, so at 0.3 a perfect fit with a poor reply chance (0.7 * 0.85) still beats a poor
# fit with a certain reply (0.7 * 0.2 + 0.3): goal fit stays dominant.
DEFAULT_BLEND = 0.3

_REL_NAMES = tuple(f"rel_{r.replace(' ', '_')}" for r in RELATIONSHIPS)
_SENIORITY_NAMES = tuple(f"seniority_{s}" for s in SENIORITY_LEVELS)
FEATURES = (
    *FIT_COMPONENTS,  # the ranker's weighted fit contributions for the goal of the outreach
    "warmth", "timing",  # the ranker's signals (ungated), as of the outreach
    "recency", "contacted_before", "strength", "strength_known", "replied_before", "log_replies",
    "log_unanswered", "has_relationship", *_REL_NAMES, "rel_other", *_SENIORITY_NAMES, "seniority_unknown",
)


def _features(ranker: OpportunityRanker, pos: np.ndarray, fit: dict, state: dict) -> pd.DataFrame:
    """The model's input, one row per (contact position ``pos``, goal) pair.

    ``fit`` holds the weighted fit contributions per FIT_COMPONENTS; ``state`` the time-dependent
    facts (warmth, timing, since_last_days, replies, outreach) as of the moment that matters: the
    outreach when training, ``now`` when ranking. One function for both, so they cannot drift.
    Seniority and relationship are one-hot, not ordinal: replies are not monotone in seniority
    (executives and interns both answer less than mid-level people).
    """
    sig = ranker.signals_
    strength = sig.strength[pos]
    rel = ranker.relationship_codes_[pos]
    level = ranker.seniority_codes_[pos]
    since = state["since_last_days"]
    replies, outreach = state["replies"], state["outreach"]
    cols = {c: fit[c] for c in FIT_COMPONENTS}
    with np.errstate(invalid="ignore"):
        cols.update({
            "warmth": state["warmth"], "timing": state["timing"],
            "recency": np.nan_to_num(np.exp(-since / RECENCY_DAYS)),
            "contacted_before": ~np.isnan(since),
            "strength": np.nan_to_num(strength) / 5.0, "strength_known": ~np.isnan(strength),
            "replied_before": replies > 0, "log_replies": np.log1p(replies),
            "log_unanswered": np.log1p(np.clip(outreach - replies, 0, None)),
            "has_relationship": rel >= 0, "rel_other": rel >= len(RELATIONSHIPS),
            "seniority_unknown": level < 0,
        })
    cols.update({name: rel == k for k, name in enumerate(_REL_NAMES)})
    cols.update({name: level == k for k, name in enumerate(_SENIORITY_NAMES)})
    return pd.DataFrame({c: np.asarray(cols[c], dtype=np.float64) for c in FEATURES})


def ranking_features(ranker: OpportunityRanker, contributions: dict, signals: dict) -> pd.DataFrame:
    """Features of every (goal, contact) at scoring time, goal-major as scoring.score_goals holds
    its (n goals, n contacts) arrays; the facts are the ranker's, as of its ``now``."""
    g, n = contributions["text"].shape
    state = {k: np.tile(signals[k], g) for k in ("warmth", "timing", "since_last_days")}
    state["replies"] = np.tile(ranker.signals_.replies, g)
    state["outreach"] = np.tile(ranker.signals_.outreach, g)
    fit = {c: contributions[c].ravel() for c in FIT_COMPONENTS}
    return _features(ranker, np.tile(np.arange(n), g), fit, state)


def _distinct_rows(columns) -> np.ndarray:
    """A code per row such that rows share a code exactly when they hold the same values in every
    one of ``columns`` (1-D arrays of equal length), numbered 0..k-1 in order of first appearance."""
    key = None
    for values in columns:
        codes, distinct = pd.factorize(values, use_na_sentinel=False)
        key = codes.astype(np.int64) if key is None else pd.factorize(key * (len(distinct) + 1) + codes)[0]
    return key


def ranking_proba(model, ranker: OpportunityRanker, contributions: dict, signals: dict) -> np.ndarray:
    """``model``'s P(reply) for every (goal, contact), shaped like ``contributions["text"]``.

    The same as ``model.predict_proba(ranking_features(...))``, but asked once per *distinct* row:
    most features are the contact's alone and most contacts fit most goals not at all, so 100,000
    contacts x 14 goals hold a few thousand distinct rows, not 1.4 million.
    """
    g, n = contributions["text"].shape
    state = {k: signals[k] for k in ("warmth", "timing", "since_last_days")}
    state.update(replies=ranker.signals_.replies, outreach=ranker.signals_.outreach)
    zero = {c: np.zeros(n) for c in FIT_COMPONENTS}
    per_contact = _features(ranker, np.arange(n), zero, state)  # fit columns filled in below
    own = _distinct_rows(per_contact[c].to_numpy() for c in FEATURES if c not in FIT_COMPONENTS)
    fit = {c: contributions[c].ravel() for c in FIT_COMPONENTS}  # goal-major: row = goal * n + contact
    key = _distinct_rows([np.tile(own, g), *fit.values()])
    first = np.zeros(int(key.max()) + 1 if len(key) else 0, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)
    rows = per_contact.iloc[first % n].reset_index(drop=True) if n else per_contact
    for c in FIT_COMPONENTS:
        rows[c] = fit[c][first]
    proba = np.asarray(model.predict_proba(rows))[:, -1] if len(rows) else np.zeros(0)
    return proba[key].reshape(g, n)


class ResponseModel(ClassifierMixin, BaseEstimator):
    """P(reply) to an outreach, from the ranking's features (see FEATURES).

    Standardized features into an L2 logistic regression: linear, so it learns which kinds of
    contact answer without memorizing individuals from a few hundred rows; the penalty (``C``)
    shrinks toward "everyone replies at the base rate" when the log is thin. Sigmoid-calibrated
    over 3 shuffled folds once each class has CALIBRATION_MIN_PER_CLASS examples (``calibration="auto"``),
    since the probability itself is blended into scores, not just its order.

    Parameters
    ----------
    C : float
        Inverse L2 strength of the logistic regression (smaller: flatter, safer with few outcomes).
    calibration : "auto", True or False
        Wrap the regression in ``CalibratedClassifierCV(method="sigmoid")`` over 3 shuffled folds.
    random_state : int
        Seeds the regression and the calibration folds; fitting is deterministic.
    """

    def __init__(self, C=0.5, calibration="auto", random_state=0):
        self.C = C
        self.calibration = calibration
        self.random_state = random_state

    def fit(self, X, y):
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        if len(self.classes_) < 2:
            raise ValueError("a response model needs two classes (outreach that got a reply and outreach that "
                             f"did not); got {len(self.classes_)} class")
        calibrate = counts.min() >= CALIBRATION_MIN_PER_CLASS if self.calibration == "auto" else bool(self.calibration)
        regression = make_pipeline(
            StandardScaler(), LogisticRegression(C=self.C, max_iter=1000, random_state=self.random_state)
        )
        # Shuffled folds: the log arrives in time order, and unshuffled folds are then blocks of time
        # whose sigmoids can turn the ranking around (a time-split backtest fell from AUC 0.68 to
        # 0.29). One regression on every row, calibrated on out-of-fold predictions (ensemble=False).
        folds = StratifiedKFold(3, shuffle=True, random_state=self.random_state)
        self.estimator_ = (CalibratedClassifierCV(regression, method="sigmoid", cv=folds, ensemble=False)
                           if calibrate else regression)
        self.estimator_.fit(X, y)
        self.calibrated_ = bool(calibrate)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """(n, n classes) probabilities; with 0/1 labels the last column is P(reply)."""
        check_is_fitted(self)
        return self.estimator_.predict_proba(validate_data(self, X, reset=False))

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def ranking_proba(self, ranker, contributions, signals) -> np.ndarray:
        """The scoring hook's way to ask this model for P(reply) of every (goal, contact) from its
        own features (scoring._blend_response); see :func:`ranking_proba`."""
        return ranking_proba(self, ranker, contributions, signals)


def _base(ranker: OpportunityRanker) -> OpportunityRanker:
    """The fit-only ranker: the features must not contain a previous model's blend."""
    return ranker if ranker.response_model is None else learned_ranker(ranker, None)


def _labelled(ranker: OpportunityRanker, interactions: pd.DataFrame, now) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(outreach up to ``now`` with a known outcome, every dated interaction), both with the
    contact's position in the ranker and the day; contacts the ranker does not know are dropped."""
    frame = pd.DataFrame({
        "pos": pd.Index(ranker.contact_ids_).get_indexer(pd.to_numeric(column(interactions, "contact_id"))),
        "day": days(interactions, "occurred_on"),
        "kind": column(interactions, "kind").fillna("outreach").astype(str).to_numpy(),
        "outcome": column(interactions, "outcome").astype(object).to_numpy(),
        "goal_id": column(interactions, "goal_id").astype(object).to_numpy(),
    })
    log = frame[(frame["pos"] >= 0) & frame["day"].notna()].reset_index(drop=True)
    known = log["outcome"].isin(REPLY_OUTCOMES + NO_REPLY_OUTCOMES) & (log["kind"] == "outreach")
    known &= log["day"] <= day_of(now)  # a future-dated row is a plan, not an outcome (but is in the counts)
    rows = log[known].reset_index(drop=True)
    rows["y"] = rows["outcome"].isin(REPLY_OUTCOMES).astype(np.int64)
    log["reply_like"] = log["outcome"].isin(REPLY_OUTCOMES) | log["kind"].isin(REPLY_KINDS)
    log["outreach"] = log["kind"] == "outreach"
    return rows, log


def _as_of(ranker: OpportunityRanker, rows: pd.DataFrame, log: pd.DataFrame) -> dict:
    """Warmth, timing, replies, ... of each outreach's contact as they were *before* it was sent.

    The ranker's counts include the outreach being predicted (a reply to it is one of the
    contact's ``replies``); learning from them would learn "people who replied reply". So the log
    from the outreach's day on is taken back out of the counts and of the last-interaction date.
    """
    sig = ranker.signals_
    pos, day = rows["pos"].to_numpy(), rows["day"].to_numpy()
    pairs = rows[["pos", "day"]].reset_index(names="row").merge(
        log[["pos", "day", "reply_like", "outreach"]], on="pos", suffixes=("", "_log"))
    later = pairs["day_log"] >= pairs["day"]
    per_row = pd.DataFrame({
        "row": pairs["row"], "replies": later & pairs["reply_like"], "outreach": later & pairs["outreach"],
        "before": pairs["day_log"].where(~later),
    }).groupby("row").agg({"replies": "sum", "outreach": "sum", "before": "max"}).reindex(range(len(rows)))
    last = sig.last_interaction[pos]
    last = np.fmax(np.where(last < day, last, np.nan), per_row["before"].to_numpy(dtype=np.float64))
    past = ContactSignals(
        strength=sig.strength[pos],
        replies=np.clip(sig.replies[pos] - per_row["replies"].fillna(0).to_numpy(), 0, None),
        outreach=np.clip(sig.outreach[pos] - per_row["outreach"].fillna(0).to_numpy(), 0, None),
        cadence=sig.cadence[pos], last_interaction=last, connected_on=sig.connected_on[pos],
        job_changed=sig.job_changed[pos], times_recommended=np.zeros(len(rows)),
    )
    state = past.at(day)  # elementwise: each row at its own day
    return {**{k: state[k] for k in ("warmth", "timing", "since_last_days")},
            "replies": past.replies, "outreach": past.outreach}


def _goal_key(value):
    """Goal ids as one type: the log's goal_id column arrives as float when it has gaps."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return None if number != number else int(number) if number.is_integer() else number


def _fit_at_outreach(ranker: OpportunityRanker, goals, now, rows: pd.DataFrame) -> dict:
    """Fit contributions of each outreach's contact for the outreach's goal; when that goal is not
    active (or none was logged), for the goal the contact fits best, as the ranking would show it."""
    scores = ranker._scores(goals, now)  # what ``score`` shows, as arrays: only the logged rows are read
    g = scores.score.shape[1]
    if g == 0 or ranker.n_contacts_ == 0:
        return {c: np.zeros(len(rows)) for c in FIT_COMPONENTS}
    pos = rows["pos"].to_numpy()
    table = np.stack([scores.contributions[c][pos] for c in FIT_COMPONENTS], axis=-1)  # (rows, g, c)
    goal_index = {_goal_key(scores.options[ids[0]].goal_id): i for i, ids in enumerate(scores.goal_options)}
    best = np.argmax(table.sum(axis=-1), axis=1)
    logged = np.array([goal_index.get(_goal_key(v), -1) for v in rows["goal_id"]], dtype=np.int64)
    chosen = np.where(logged >= 0, logged, best)
    return {c: table[np.arange(len(pos)), chosen, k] for k, c in enumerate(FIT_COMPONENTS)}


def training_frame(ranker: OpportunityRanker, goals, interactions: pd.DataFrame, now) -> tuple[pd.DataFrame, pd.Series]:
    """(X, y): one row per outreach with a known outcome, X in FEATURES, y = 1 for a reply
    (replied, meeting, referral, opportunity) and 0 for no_response or declined."""
    check_is_fitted(ranker)
    rows, log = _labelled(ranker, interactions, now)
    if rows.empty:
        return pd.DataFrame(columns=list(FEATURES), dtype=np.float64), pd.Series(dtype=np.int64, name="reply")
    fit = _fit_at_outreach(_base(ranker), goals, now, rows)
    X = _features(ranker, rows["pos"].to_numpy(), fit, _as_of(ranker, rows, log))
    return X, pd.Series(rows["y"].to_numpy(), name="reply")


def enough_outcomes(y) -> bool:
    """MIN_OUTCOMES outcomes, at least MIN_PER_CLASS replies and MIN_PER_CLASS non-replies."""
    y = np.asarray(y)
    replies = int(y.sum())
    return len(y) >= MIN_OUTCOMES and min(replies, len(y) - replies) >= MIN_PER_CLASS


def fit_response_model(ranker: OpportunityRanker, goals, interactions: pd.DataFrame, now,
                       **params) -> ResponseModel | None:
    """A fitted ResponseModel, or None while there are not enough outcomes to learn from."""
    X, y = training_frame(ranker, goals, interactions, now)
    return ResponseModel(**params).fit(X, y) if enough_outcomes(y) else None


def learned_ranker(ranker: OpportunityRanker, model, blend: float = DEFAULT_BLEND) -> OpportunityRanker:
    """A copy of fitted ``ranker`` that blends ``model`` in (or none, with None), sharing its fitted
    state: what clone() would give plus the learned attributes, so nothing is re-vectorized.
    Scoring only reads the fitted arrays, so sharing them between the two rankers is safe."""
    check_is_fitted(ranker)
    copy = OpportunityRanker(**{**ranker.get_params(deep=False), "response_model": model,
                                "response_blend": ranker.response_blend if model is None else blend})
    copy.__dict__.update({k: v for k, v in vars(ranker).items() if k.endswith("_") and not k.startswith("_")})
    return copy


def _message(learning: bool, n: int, replies: int) -> str:
    if learning:
        return f"learning from {n} outcomes"
    if n < MIN_OUTCOMES:
        return f"ranking learns after {MIN_OUTCOMES} outcomes ({n} so far)"
    return (f"ranking learns once {MIN_PER_CLASS} outreaches got a reply and {MIN_PER_CLASS} did not "
            f"({replies} of {n} replied so far)")


def ranker_with_learning(ranker: OpportunityRanker, goals, interactions: pd.DataFrame, now,
                         blend: float = DEFAULT_BLEND, **params) -> tuple[OpportunityRanker, dict]:
    """The ranker the app should use, and a status for the UI.

    Below the threshold the very same ``ranker`` object is returned, so the ranking is exactly
    unchanged. Status: learning (bool), outcomes, replies, reply_rate (None without outcomes),
    threshold, min_per_class, calibrated and message ("learning from 57 outcomes" /
    "ranking learns after 40 outcomes (12 so far)").
    """
    X, y = training_frame(ranker, goals, interactions, now)
    n, replies = len(y), int(y.sum())
    learning = enough_outcomes(y)
    model = ResponseModel(**params).fit(X, y) if learning else None
    status = {
        "learning": learning, "outcomes": n, "replies": replies, "reply_rate": replies / n if n else None,
        "threshold": MIN_OUTCOMES, "min_per_class": MIN_PER_CLASS,
        "calibrated": bool(model is not None and model.calibrated_), "message": _message(learning, n, replies),
    }
    return (learned_ranker(ranker, model, blend) if learning else ranker), status


__all__ = [
    "DEFAULT_BLEND", "FEATURES", "MIN_OUTCOMES", "MIN_PER_CLASS", "ResponseModel", "enough_outcomes",
    "fit_response_model", "learned_ranker", "ranker_with_learning", "ranking_features", "ranking_proba",
    "training_frame",
]
