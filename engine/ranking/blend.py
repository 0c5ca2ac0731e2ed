"""How logged outcomes move the fit-only score: the reply chance reorders people within fit tiers.

scoring.py computes what a contact's fit, warmth and timing are worth for a goal; this is the one
step after it, applied once a response model has learned from outcomes (engine.outreach.learning).
Kept apart because it is the gate issue 21 asks for, with its own guarantee and tests
(tests/test_learning_gate.py, tests/test_learning_eval.py).
"""

from __future__ import annotations

import numpy as np


def answers_itself(response_model) -> bool:
    """Whether a response model reads only the fit components (``ranking_proba``: the
    learned ResponseModel); any other classifier is given every component."""
    return callable(getattr(response_model, "ranking_proba", None))


# Fit tiers of the learned ranking (blend_response), by relevance (fit-only score over full fit):
# TIER_RATIO and up, then TIER_RATIO ** 2 up to TIER_RATIO, ...; below TIER_RATIO ** LOWEST_TIER one
# last tier. Whoever the reply chance brings into a top k fits at least TIER_RATIO as well as whom
# they replace, for any goal. Tiers of fixed width (fits from 0.5, then 0.15 wide) let a 0.36 fit
# displace a 0.5 one (relevance kept 0.78); a bounded factor kept fit but blocked most reordering.
TIER_RATIO = 0.8
LOWEST_TIER = 13  # 0.8 ** 13 = 0.055
TOP_TIER = -2  # 0.8 ** -2 = 1.56 and up, open above: warmth and timing may take a score past a full fit
# Within a tier, expected value = relevance ** FIT_POWER x lift: the chance that writing leads to
# a reply, times what the reply is worth (more from someone who fits better) and the chance the
# conversation serves the goal at all (also larger the better they fit).
FIT_POWER = 2.0


def blend_response(model, score: np.ndarray, contributions: dict[str, np.ndarray], signals: dict,
                   has_fit: np.ndarray, components: tuple[str, ...], full: float, goals=None, now_day=None,
                   keep: bool = True):
    """Hook for learning from outcomes: reorder by ``response_model``'s reply chance within fit tiers.

    The model answers P(reply) for every (goal, contact): a model that defines
    ``ranking_proba(ranker, contributions, signals, goals, now_day)`` (engine.outreach.learning_model
    .ResponseModel: who replies depends on more than the components) answers for all of them
    itself; any other classifier gets one row per (goal, contact), goal-major, columns in
    ``components`` order, through ``predict_proba``. ``full``: the fit weights' sum, relevance's 1.

    Fit stays a gate: contacts are ranked by fit tier first, then by expected value within it.
    The tier is the fit-only score's relevance (score over the full fit), TIER_RATIO wide in
    ratio (``tier_bounds``). The expected value is relevance ** FIT_POWER x lift,
    lift = (1 - b) + b * p / base (b the ranker's ``response_blend``, base the overall reply rate:
    the model's ``base_rate_``, else the mean P). The new score is the fit-only score times
    lift ** (1 / FIT_POWER) (which orders as the expected value does, and is the fit-only score at
    an average reply chance), eased into the tier's bounds (``_within``), so it stays on the fit-only
    score's scale. So the reply chance moves people only within their tier: nobody overtakes
    anyone who fits 1 / TIER_RATIO times better, and a contact with no fit at all gains nothing.
    The move is written as one more contribution, "response" (positive or negative), so the parts
    still sum to the score. ``keep=False``: the contributions are not wanted back, and are released
    (``contributions`` is emptied) once the reply chance is known, before the blend's own arrays.
    """
    response_model = model.response_model
    if response_model is None or score.size == 0 or not _is_fitted(response_model):
        return score, contributions
    b = min(max(float(model.response_blend), 0.0), 1.0)
    own = getattr(response_model, "ranking_proba", None)
    if answers_itself(response_model):
        proba = np.asarray(own(model, contributions, signals, goals, now_day), dtype=np.float64).reshape(score.shape)
    else:
        features = np.column_stack([contributions[c].ravel() for c in components])
        proba = np.asarray(response_model.predict_proba(features))[:, -1].reshape(score.shape)
    if not keep:
        contributions.clear()
    base = getattr(response_model, "base_rate_", None)
    base = float(np.clip(base if base is not None else proba.mean(), 0.01, 1.0))
    # One goal's row at a time (each element's arithmetic is its own, so the values are the same):
    # the blend's seven temporaries are then (contacts,) arrays, not (goals x contacts) ones. Without
    # the contributions, each row is written over the score's own (read before it is written): one
    # (goals x contacts) array fewer at a learned ranking's peak.
    weighed = np.empty_like(score) if keep else score
    for row in range(score.shape[0]):
        weighed[row] = _blend_row(score[row], proba[row], has_fit[row], b, base, full)
    del proba
    if not keep:
        return weighed, {}
    blended = dict(contributions)
    blended["response"] = weighed - score
    return weighed, blended


def _blend_row(score: np.ndarray, proba: np.ndarray, has_fit: np.ndarray, b: float, base: float,
               full: float) -> np.ndarray:
    """One goal's blended scores (see blend_response), on (contacts,) arrays: this runs at a
    learned ranking's peak."""
    relevance = np.maximum(score, 0.0)
    relevance /= full
    low, span, under = tier_bounds(relevance)
    lift = proba * b
    lift /= base
    lift += 1 - b
    np.minimum(lift, 1.0, out=lift, where=~has_fit)  # no fit at all: nothing to gain
    # relevance x lift ** (1 / FIT_POWER) orders as the expected value does (the relevance itself
    # at an average reply chance)
    place = np.power(lift, 1 / FIT_POWER, out=lift)
    place *= relevance
    del relevance
    weighed = _within(place, low, span, under)
    weighed *= full
    return weighed


def tier_bounds(relevance: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(floor, width, the width of the tier below) of each relevance's fit tier (see TIER_RATIO);
    the top tier (TOP_TIER) is open above, the lowest has none below."""
    with np.errstate(divide="ignore"):
        steps = np.log(relevance)
    steps /= np.log(TIER_RATIO)
    np.clip(np.ceil(steps, out=steps), TOP_TIER, LOWEST_TIER + 1, out=steps)
    low = np.power(TIER_RATIO, steps)
    span = low / TIER_RATIO
    np.copyto(span, low + 1.0, where=steps == TOP_TIER)
    under = low * (1 - TIER_RATIO)
    np.copyto(under, low, where=steps == LOWEST_TIER)  # the lowest tier, [0, TIER_RATIO ** LOWEST_TIER)
    np.copyto(under, 0.0, where=steps > LOWEST_TIER)
    np.copyto(low, 0.0, where=steps > LOWEST_TIER)
    span -= low
    return low, span, under


EASE = 0.1  # the share of a tier's width where _within eases in at its top


def _within(x: np.ndarray, low: np.ndarray, span: np.ndarray, under: np.ndarray) -> np.ndarray:
    """``x`` (a relevance times the reply chance's factor) kept in its tier, order kept: ``x``
    itself from the tier's floor to 1 - EASE of its width, then easing toward 1 - EASE / 2 of it
    (continuous, slope 1 where it joins); below the floor, easing toward EASE / 4 of the width of
    the tier below under it, where nothing of that tier can be (its own top eases toward 1 - EASE
    / 2 of it). So those whom their reply chance would pull under the tier stay above the tier
    below, in their order, and at an average reply chance nobody moves past anyone."""
    join = span * (1 - EASE)
    join += low
    room = span * (EASE / 2)
    depth = under * (EASE / 4)
    with np.errstate(divide="ignore", invalid="ignore"):
        above = join + room - room ** 2 / (x - join + room)
        below = low - depth + depth ** 2 / (depth + low - x)
    return np.where(x > join, above, np.where(x < low, below, x))


def _is_fitted(estimator) -> bool:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except (NotFittedError, TypeError):
        return False
    return True
