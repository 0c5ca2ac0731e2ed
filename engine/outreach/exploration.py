"""One suggestion in five chosen to learn what works, and said so.

A ranking that only ever suggests its own favourites only ever hears back about them: the log
confirms the picks and the response model (engine.outreach.learning) never sees how other kinds
of people answer. So on the first page of the ranking, every fifth place goes to someone who fits
a goal (from further down the ranking) chosen by Thompson sampling:

- once the response model is on, over *its* uncertainty: one plausible set of coefficients is
  drawn from the model's posterior (``ResponseModel.draw``) and the candidates whose reply chance
  is highest under that draw take the places. Where the log holds few outcomes from people like a
  candidate (their seniority, role family, company, how long ago they connected...), the draw
  varies most, so they are tried sooner; kinds of people that were tried and did not answer are
  drawn low and stop being chosen;
- before that, over each kind of contact's (role family x seniority level) reply rate, drawn from
  its Beta posterior over the outreach logged so far (1 + replies, 1 + unanswered).

One person per kind (role family x seniority level) while kinds last, so each place learns
something different. The draw is seeded by the day, so every page and the command line agree
within a day and the picks change from one day to the next. Exploration starts once the user
logs outreach: before that the log holds nothing to confirm.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from engine.vocabulary import SENIORITY_LEVELS

EVERY = 5  # one place in five on the first page
PAGE = 25  # the first page of the Outreach list
POOL = 10  # candidates come from the next PAGE * (POOL - 1) places, so they still fit a goal
REASON = "To learn what works: how people like this answer is still uncertain"


def _kinds(ranker, contact_ids: np.ndarray) -> np.ndarray:
    """The kind of each contact: role family x seniority level, as one integer."""
    where = ranker.positions_of(contact_ids)
    family = np.where(where >= 0, ranker.family_codes_[where], -1)
    level = np.where(where >= 0, ranker.seniority_codes_[where], -1)
    return (family + 1) * (len(SENIORITY_LEVELS) + 2) + level + 1


def _draws(kinds: np.ndarray, contacts: pd.DataFrame, ranker, rng: np.random.Generator) -> dict[int, float]:
    """One Thompson draw of the reply rate per kind, from the outreach logged to that kind."""
    every = _kinds(ranker, contacts["id"].to_numpy())
    sent = pd.Series(contacts["outreach_count"].fillna(0).to_numpy(dtype=float)).groupby(every).sum()
    replied = pd.Series(contacts["replies"].fillna(0).to_numpy(dtype=float)).groupby(every).sum()
    draws = {}
    for kind in np.unique(kinds).tolist():
        n = float(sent.get(kind, 0.0))
        r = min(float(replied.get(kind, 0.0)), n)
        draws[kind] = float(rng.beta(1.0 + r, 1.0 + n - r))
    return draws


def _model_draws(ranker, contact_ids: np.ndarray, day: date, rng: np.random.Generator) -> np.ndarray | None:
    """Each candidate's reply log-odds under one draw from the response model's posterior (the
    parts of them that depend on the contact and the outreach; the goal's are the same for all of
    a goal's candidates), or None without a model that can draw."""
    from engine.ranking.signals import day_of

    from .learning import per_contact_log_odds

    model = ranker.response_model
    if model is None or not callable(getattr(model, "draw", None)) or not hasattr(model, "cov_"):
        return None
    coef, _ = model.draw(rng)
    pos = ranker.positions_of(contact_ids)
    return per_contact_log_odds(coef, ranker, pos, day_of(day), getattr(model, "context_", None))


def with_exploration(ranked: pd.DataFrame, ranker, contacts: pd.DataFrame, day: date) -> pd.DataFrame:
    """``ranked`` (best first, a ``contact_id`` column) with every EVERY-th place of the first page
    given to a contact chosen to learn, marked in a ``to_learn`` column and first in its reasons."""
    ranked = ranked.assign(to_learn=False)
    if len(ranked) <= PAGE or contacts.empty or "outreach_count" not in contacts:
        return ranked
    if not float(contacts["outreach_count"].fillna(0).sum()):
        return ranked
    slots = list(range(EVERY - 1, PAGE, EVERY))
    kept = PAGE - len(slots)
    # Worked in row positions, and the list reordered with one take (at 100,000 contacts, dropping the
    # picked rows by label and concatenating the page's rows to the rest took 40 ms of a page after a mark).
    pool = np.arange(kept, min(PAGE * POOL, len(ranked)))
    pool_ids = ranked["contact_id"].to_numpy()[pool]
    rows = ranker.positions_of(pool_ids)
    sent = np.where(rows >= 0, ranker.signals_.outreach[np.maximum(rows, 0)], 0)
    pool, pool_ids = pool[sent == 0], pool_ids[sent == 0]  # people not yet contacted: whom the log knows nothing about
    if not len(pool):
        return ranked
    rng = np.random.default_rng(day.toordinal())
    kinds = _kinds(ranker, pool_ids)
    drawn = _model_draws(ranker, pool_ids, day, rng)
    if drawn is None:
        draws = _draws(kinds, contacts, ranker, rng)
        drawn = np.array([draws[k] for k in kinds.tolist()])
    order = np.lexsort((rng.random(len(pool)), -drawn))  # highest draw first, random among equals
    picked, seen = [], set()
    for i in order.tolist():  # one person per kind, so each place learns something different
        if kinds[i] not in seen:
            seen.add(kinds[i])
            picked.append(int(pool[i]))
        if len(picked) == len(slots):
            break
    if len(picked) < len(slots):  # fewer kinds than places: the next best draws, whatever their kind
        picked += [int(pool[i]) for i in order.tolist() if int(pool[i]) not in picked][: len(slots) - len(picked)]
    chosen = np.zeros(len(ranked), dtype=bool)
    chosen[picked] = True
    rest = np.flatnonzero(~chosen)
    head = iter(rest[:kept].tolist())
    explored = iter(picked)
    page = []
    for place in range(kept + len(picked)):
        j = next(explored, None) if place in slots else None
        page.append(j if j is not None else next(head))
    permutation = np.concatenate([np.asarray(page, dtype=np.int64), rest[kept:]])
    out = ranked.take(permutation)
    out["to_learn"] = chosen[permutation]
    if "reasons" in out:  # (else written with the page shown: opportunities.with_reasons)
        reasons = out["reasons"].to_numpy(dtype=object, copy=True)
        for k in np.flatnonzero(out["to_learn"].to_numpy()).tolist():
            reasons[k] = [REASON, *(reasons[k] if isinstance(reasons[k], list) else [])]
        out["reasons"] = pd.Series(reasons, index=out.index, dtype=object)
    return out
