"""The response model: P(reply) to an outreach from its features (engine.outreach.learning_features).

A penalized logistic regression, linear on purpose: it learns which *kinds* of contact and
outreach get answered without memorizing individuals from a few hundred rows. The penalty is a
Gaussian prior on every coefficient, so with few outcomes the coefficients stay near zero and the
estimate stays near the overall reply rate; some features (goal kind x seniority) get a prior
several times tighter (``PENALTY``), which pools what the goals share.

Because the model is linear in the log-odds, it can also say how *sure* it is: the Laplace
approximation of the posterior (mean: the fitted coefficients; covariance: the inverse Hessian of
the penalized log-likelihood) gives plausible coefficient draws, which exploration uses to choose
whom to ask next (Thompson sampling, engine.outreach.exploration).

Scales: every column is divided by its largest absolute value (0/1 columns stay as they are), not
by its spread: a rare category or a column that is nearly always 0 would otherwise be stretched
and its coefficient shrunk less than a common one's, which is how a few outcomes overfit. Then
by sqrt(its penalty factor). Calibration: once each class has CALIBRATION_MIN_PER_CLASS examples, a
Platt sigmoid fitted on out-of-fold log-odds (3 folds) maps the log-odds to a probability; its
slope is kept at 0 or above (held-out rows that the model orders no better than chance leave a
flat estimate at the reply rate, never an inverted one). With fewer outcomes the same map may only
shrink (slope at most 1): a few dozen noisy outcomes then order nobody much.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from .learning_features import PENALTY

# Sigmoid calibration needs enough of each class in every fold to fit its own two parameters;
# below this, the penalized regression's own log-odds are used.
CALIBRATION_MIN_PER_CLASS = 30
FOLDS = 3


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0)))


class ResponseModel(ClassifierMixin, BaseEstimator):
    """P(reply), binary: ``classes_[1]`` (with 0/1 labels: 1, a reply) is the positive class.

    Parameters
    ----------
    C : float
        Prior variance of a coefficient on the model's scale (smaller: flatter, safer with few
        outcomes); the regression's inverse L2 strength.
    calibration : "auto", True or False
        Platt-calibrate on out-of-fold log-odds ("auto": once each class has 30 examples; with
        fewer, from 3 of each, the out-of-fold map may only shrink the log-odds, never sharpen them).
    random_state : int
        Seeds the calibration folds (shuffled: the log arrives in time order); fitting is
        deterministic.

    Fitted: ``coef_`` and ``intercept_`` on the raw features (log-odds before calibration),
    ``calibration_`` (a, b: P = sigmoid(a * log-odds + b)), ``base_rate_`` (the share of replies),
    ``calibrated_``, ``cov_`` (posterior covariance on the model's scale) and ``scale_``.
    """

    def __init__(self, C=0.2, calibration="auto", random_state=0):
        self.C = C
        self.calibration = calibration
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _scale(self, X: np.ndarray) -> np.ndarray:
        reach = np.abs(X).max(axis=0, initial=0.0)
        scale = 1.0 / np.where(reach > 1e-12, reach, 1.0)
        names = getattr(self, "feature_names_in_", None)
        factor = np.array([PENALTY.get(str(n), 1.0) for n in names]) if names is not None else np.ones(X.shape[1])
        return scale / np.sqrt(factor)

    def _regression(self):
        # Imported when a model is fitted (90 ms): a ranking with too few outcomes to learn from, the
        # usual case, never needs it.
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.C, max_iter=1000, random_state=self.random_state)

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, labels = np.unique(y, return_inverse=True)
        if len(self.classes_) > 2:
            raise ValueError("Only binary classification is supported: a response model tells outreach that got "
                             f"a reply from outreach that did not; got {len(self.classes_)} classes")
        if len(self.classes_) < 2:
            raise ValueError("a response model needs two classes (outreach that got a reply and outreach that "
                             f"did not); got {len(self.classes_)} class")
        counts = np.bincount(labels, minlength=2)
        calibrate = counts.min() >= CALIBRATION_MIN_PER_CLASS if self.calibration == "auto" else bool(self.calibration)
        # Fewer outcomes: the held-out rows may still only *shrink* the log-odds (slope at most 1),
        # which is what keeps a few dozen noisy outcomes from ordering anyone much.
        shrink = self.calibration == "auto" and not calibrate and counts.min() >= FOLDS
        with threadpool_limits(1):  # small matrices: one thread is faster than many (and than a busy machine)
            self.scale_ = self._scale(X)
            Xs = X * self.scale_
            regression = self._regression().fit(Xs, labels)
            beta, b0 = regression.coef_[0], float(regression.intercept_[0])
            self.coef_, self.intercept_ = beta * self.scale_, b0
            self.calibration_ = self._platt(Xs, labels, shrink) if calibrate or shrink else (1.0, 0.0)
            self.cov_ = self._posterior(Xs, beta, b0)
        self.calibrated_ = bool(calibrate)
        self.base_rate_ = float(labels.mean())
        return self

    def _platt(self, Xs: np.ndarray, labels: np.ndarray, shrink: bool = False) -> tuple[float, float]:
        """(a, b) of P = sigmoid(a * z + b), fitted on log-odds z each predicted by a model that did
        not see the row (3 shuffled stratified folds); with ``shrink``, a is at most 1."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        z = np.zeros(len(labels))
        # Shuffled: the log arrives in time order, and unshuffled folds are blocks of time whose
        # fits can disagree enough to turn the map around.
        folds = StratifiedKFold(FOLDS, shuffle=True, random_state=self.random_state)
        for train, test in folds.split(Xs, labels):
            fold = self._regression().fit(Xs[train], labels[train])
            z[test] = Xs[test] @ fold.coef_[0] + fold.intercept_[0]
        platt = LogisticRegression(C=1e4, max_iter=1000).fit(z[:, None], labels)
        a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        if a <= 0:  # held-out rows ranked no better than chance: no order to trust, only the rate
            rate = float(np.clip(labels.mean(), 1e-6, 1 - 1e-6))
            return 0.0, float(np.log(rate / (1 - rate)))
        if shrink and a > 1:  # the held-out rows would sharpen it: too few of them to say so
            return 1.0, 0.0
        return a, b

    def _posterior(self, Xs: np.ndarray, beta: np.ndarray, b0: float) -> np.ndarray:
        """Covariance of (coefficients, intercept) on the model's scale: the inverse of the
        penalized log-likelihood's Hessian at the fit (prior precision 1/C, intercept nearly free)."""
        p = _sigmoid(Xs @ beta + b0)
        design = np.column_stack([Xs, np.ones(len(Xs))])
        hessian = (design * (p * (1 - p))[:, None]).T @ design
        hessian[np.diag_indices_from(hessian)] += np.append(np.full(Xs.shape[1], 1.0 / self.C), 1e-6)
        return np.linalg.inv(hessian)

    def log_odds(self, X) -> np.ndarray:
        """Uncalibrated log-odds of a reply, one per row."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_ + self.intercept_

    def calibrate(self, log_odds: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """P(reply) from log-odds: the Platt map when calibrated, then the logistic. With ``out``
        (which may be ``log_odds`` itself), written into it: no temporaries the size of the input,
        which at (goals x contacts) made up most of a learned ranking's peak at 100,000 contacts."""
        a, b = self.calibration_
        z = np.multiply(log_odds, a, out=np.empty(np.shape(log_odds)) if out is None else out)
        z += b
        np.clip(z, -35.0, 35.0, out=z)
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        return np.divide(1.0, z, out=z)

    def predict_proba(self, X) -> np.ndarray:
        """(n, 2) probabilities; the last column is P(reply) (``classes_[1]``)."""
        p = self.calibrate(self.log_odds(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self)
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)]

    def draw(self, rng: np.random.Generator) -> tuple[np.ndarray, float]:
        """One plausible (coef, intercept) on the raw features from the posterior (Thompson)."""
        check_is_fitted(self)
        d = len(self.coef_)
        mean = np.append(self.coef_ / self.scale_, self.intercept_)
        sample = rng.multivariate_normal(mean, self.cov_, method="cholesky")
        return sample[:d] * self.scale_, float(sample[d])

    def ranking_proba(self, ranker, contributions, signals, goals=None, now_day=None) -> np.ndarray:
        """The scoring hook (blend.blend_response): P(reply) of every (goal, contact), from
        this model's own features (engine.outreach.learning.ranking_proba)."""
        from .learning import ranking_proba

        return ranking_proba(self, ranker, contributions, signals, goals, now_day)


__all__ = ["CALIBRATION_MIN_PER_CLASS", "ResponseModel"]
