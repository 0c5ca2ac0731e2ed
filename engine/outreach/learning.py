"""Learning from logged outcomes: a response model that reorders, within what fits, by who replies.

Why: the goal-fit ranking knows *who* serves a goal; only the user's own outreach log knows *who
answers this user*. Once enough outreach has a known outcome, a small, heavily regularized
classifier (engine.outreach.learning_model.ResponseModel) estimates P(reply) from who the person
is, their company's record, how long ago they connected and last exchanged, the channel and the
kind of goal (engine.outreach.learning_features), and the ranker weighs each contact by it
(engine.ranking.blend.blend_response). Fit stays a gate: the reply chance reorders people
within what fits a goal, it never lifts someone who does not fit above someone who does. Below
the threshold nothing changes: the caller gets its ranker back untouched.

Like the ranking, this never imports Streamlit, never opens the database and never reads the
clock: callers pass the fitted ranker, the goals, the interaction log
(``store.interactions.frame()``) and ``now``. The app keeps the result per data version and goals
fingerprint, next to the fitted ranker (``engine.outreach.opportunities.learning_ranker``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from engine.ranking import OpportunityRanker
from engine.ranking.goals import goal_options
from engine.ranking.scoring import FIT_COMPONENTS, fit_contributions_at
from engine.ranking.signals import ContactSignals, column, day_of, days, numbers
from engine.vocabulary import CHANNELS, NO_REPLY_OUTCOMES, REPLY_OUTCOMES

from . import learning_features as lf
from .learning_features import CONTACT, FEATURES, OUTREACH, Context
from .learning_model import CALIBRATION_MIN_PER_CLASS, ResponseModel

# What counts as a reply in the contacts' ``replies`` count (mirrors store.contacts.for_ranking),
# needed to take the outcome being predicted back out of the features (see _as_of).
REPLY_KINDS = frozenset({"inbound", "meeting"})

# The threshold. The model is penalized, so with few outcomes its coefficients stay near zero and
# P(reply) is nearly flat (a flat P reorders nobody): the penalty, not the threshold, keeps early
# noise out. The threshold only refuses to learn from a log too small to say anything: 40 outcomes
# is about a month of a job search at two messages a working day, and at typical 20-40% reply
# rates holds 8-16 replies. Each class needs 5 examples, or "who answers" has no contrast.
MIN_OUTCOMES = 40
MIN_PER_CLASS = 5
# How strongly the reply chance counts (blend.blend_response, within fit tiers): expected
# value = relevance x ((1 - blend) + blend * P(reply) / the overall reply rate). At 1 it is fit x
# reply chance; at 0.9 a contact twice as likely to answer as the average counts 1.9 times, one
# who surely will not answer still 0.1 times (a model can be wrong).
DEFAULT_BLEND = 0.9

__all__ = [
    "CALIBRATION_MIN_PER_CLASS", "DEFAULT_BLEND", "FEATURES", "MIN_OUTCOMES", "MIN_PER_CLASS", "ResponseModel",
    "enough_outcomes", "fit_response_model", "learned_ranker", "per_contact_log_odds", "ranker_with_learning",
    "ranking_features", "reply_chance_move", "status_line",
    "ranking_proba", "training_frame",
]


def _kinds_of(goals) -> np.ndarray:
    """Goal kind codes of the goal rows scoring holds (GoalOption objects or goal dicts)."""
    if goals is None:
        return None
    return lf.kind_codes([getattr(g, "outcome", None) if not isinstance(g, dict) else g.get("outcome")
                          for g in goals])


def ranking_features(ranker: OpportunityRanker, contributions: dict, signals: dict, goals=None, now_day=None,
                     context: Context | None = None) -> pd.DataFrame:
    """Features of every (goal, contact) at scoring time, goal-major as scoring.score_goals holds
    its (n goals, n contacts) arrays; ``goals`` are the goal rows' options (for their kind)."""
    g, n = contributions["text"].shape
    now_day = _now_day(ranker, now_day)
    per_contact, kinds = lf.ranking_parts(ranker, contributions, signals, _kinds_of(goals), now_day, context)
    fit = {c: contributions[c].ravel() for c in FIT_COMPONENTS}
    goal = lf.goal_block(np.repeat(kinds, n), np.tile(ranker.seniority_codes_, g))
    tiled = {c: np.tile(v, g) for c, v in per_contact.items()}
    return lf.frame(fit, {c: tiled[c] for c in CONTACT}, {c: tiled[c] for c in OUTREACH}, goal)


def _now_day(ranker, now_day) -> float:
    """``now_day`` as given (scoring always gives it); without it, for a caller holding only the
    contributions, the day of the latest interaction the ranker knows stands in (it only places
    contacts in the bins of time since connecting)."""
    if now_day is not None:
        return float(now_day)
    known = ranker.signals_.last_interaction[~np.isnan(ranker.signals_.last_interaction)]
    return float(known.max()) if len(known) else float("nan")


OWN_BLOCK = 8192  # contacts per block of ranking_log_odds' per-contact part


def ranking_log_odds(coef: np.ndarray, intercept: float, ranker: OpportunityRanker, contributions: dict,
                     signals: dict, goals=None, now_day=None, context: Context | None = None) -> np.ndarray:
    """Log-odds of a reply of every (goal, contact) under linear coefficients on FEATURES.

    The same as ``ranking_features(...) @ coef + intercept``, but never builds the (goals x
    contacts) matrix: the model is linear, so the log-odds split into a per-contact part, the fit
    part (goal x contact), the goal kind's part and kind x seniority group's part.
    """
    g, n = contributions["text"].shape
    w = dict(zip(FEATURES, np.asarray(coef, dtype=np.float64), strict=True))
    kinds = lf.goal_kinds(_kinds_of(goals), g)
    day = _now_day(ranker, now_day)
    z = np.empty((g, n))
    # the per-contact part in blocks of contacts: all its columns at once for every contact were
    # the largest allocation of a learned ranking (about 70 MB at 100,000 contacts)
    for start in range(0, n, OWN_BLOCK):
        pos = np.arange(start, min(start + OWN_BLOCK, n))
        columns = lf.per_contact(ranker, signals, day, context, pos)
        z[:, pos] = sum(w[c] * columns[c] for c in (*CONTACT, *OUTREACH)) + intercept
    for c in FIT_COMPONENTS:
        z += w[c] * contributions[c]
    groups = lf._GROUP_OF_LEVEL[ranker.seniority_codes_]
    for row, kind in enumerate(np.asarray(kinds).tolist()):
        if kind >= 0:
            z[row] += w[lf.KIND_NAMES[kind]]
            table = np.array([w[f"{lf.KIND_NAMES[kind]}_x_{grp}"] for grp in lf.GROUPS])
            z[row] += table[groups]
    return z


def per_contact_log_odds(coef: np.ndarray, ranker: OpportunityRanker, pos: np.ndarray, now_day: float,
                         context: Context | None = None) -> np.ndarray:
    """The part of the log-odds under ``coef`` that depends on the contact and the outreach alone
    (CONTACT and OUTREACH), for the contacts at ``pos``, as of ``now_day``."""
    signals = ranker.signals_.at(now_day)
    w = dict(zip(FEATURES, np.asarray(coef, dtype=np.float64), strict=True))
    columns = lf.per_contact(ranker, signals, now_day, context, pos)
    return sum(w[c] * columns[c] for c in (*CONTACT, *OUTREACH))


def ranking_proba(model, ranker: OpportunityRanker, contributions: dict, signals: dict, goals=None,
                  now_day=None) -> np.ndarray:
    """``model``'s P(reply) for every (goal, contact), shaped like ``contributions["text"]``."""
    context = getattr(model, "context_", None)
    with threadpool_limits(1):
        z = ranking_log_odds(model.coef_, model.intercept_, ranker, contributions, signals, goals, now_day, context)
    return calibrate_in_place(model, z)


def calibrate_in_place(model, z: np.ndarray) -> np.ndarray:
    """``model.calibrate(z)`` written into ``z`` (ResponseModel.calibrate's ``out``)."""
    return model.calibrate(z, out=z)


def _base(ranker: OpportunityRanker) -> OpportunityRanker:
    """The fit-only ranker: the features must not contain a previous model's blend."""
    return ranker if ranker.response_model is None else learned_ranker(ranker, None)


def _labelled(ranker: OpportunityRanker, interactions: pd.DataFrame, now) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(outreach up to ``now`` with a known outcome, every dated interaction), both with the
    contact's position in the ranker and the day; contacts the ranker does not know are dropped."""
    channel_code = {c: i for i, c in enumerate(CHANNELS)}
    frame = pd.DataFrame({
        "pos": pd.Index(ranker.contact_ids_).get_indexer(pd.to_numeric(column(interactions, "contact_id"))),
        "day": days(interactions, "occurred_on"),
        "kind": column(interactions, "kind").fillna("outreach").astype(str).to_numpy(),
        "outcome": column(interactions, "outcome").astype(object).to_numpy(),
        "goal_id": column(interactions, "goal_id").astype(object).to_numpy(),
        "channel": [channel_code.get(c, -1) for c in column(interactions, "channel").tolist()],
        "template": numbers(interactions, "template_id"),
        "length": numbers(interactions, "message_length"),
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


def _fit_at_outreach(ranker: OpportunityRanker, goals, now, rows: pd.DataFrame) -> tuple[dict, np.ndarray]:
    """(fit contributions of each outreach's contact for the outreach's goal, that goal's kind
    code); when that goal is not active (or none was logged), the goal the contact fits best, as
    the ranking would show it; the kind is the logged goal's whenever it is known.

    Read one goal at a time at the logged rows only, from the goal's readings the ranking keeps
    (scoring.fit_contributions_at; made where missing, every contact's, as text fit is relative to
    the best any contact reaches): scoring every contact against all goals for the few hundred rows
    read cost 143 MB at 100,000 contacts, and one goal at a time the text fit of every goal again.
    A goal's readings do not depend on the other goals, so the values are the same."""
    kind_by_goal = {_goal_key(g.get("id")): g.get("outcome") for g in goals or []}
    logged_kind = lf.kind_codes([kind_by_goal.get(_goal_key(v)) for v in rows["goal_id"]])
    all_options = goal_options(goals)
    per_goal = [[o for o in all_options if o.goal_index == g] for g in sorted({o.goal_index for o in all_options})]
    if not per_goal or ranker.n_contacts_ == 0:
        return {c: np.zeros(len(rows)) for c in FIT_COMPONENTS}, logged_kind
    pos = rows["pos"].to_numpy()
    table = np.zeros((len(pos), len(per_goal), len(FIT_COMPONENTS)))  # (rows, goals, components)
    for g, options in enumerate(per_goal):  # read at the logged rows from the goal's kept readings
        found = fit_contributions_at(ranker, options, pos, ranker.kept_readings())
        for k, c in enumerate(FIT_COMPONENTS):
            table[:, g, k] = found[c]
    options = [o[0] for o in per_goal]
    goal_index = {_goal_key(o.goal_id): i for i, o in enumerate(options)}
    best = np.argmax(table.sum(axis=-1), axis=1)
    logged = np.array([goal_index.get(_goal_key(v), -1) for v in rows["goal_id"]], dtype=np.int64)
    chosen = np.where(logged >= 0, logged, best)
    kinds = np.where(logged_kind >= 0, logged_kind, lf.kind_codes([o.outcome for o in options])[chosen])
    return {c: table[np.arange(len(pos)), chosen, k] for k, c in enumerate(FIT_COMPONENTS)}, kinds


RECORD_COLUMNS = {"company_record": "company_key", "industry_record": "industry_key",
                  "template_record": "template_key"}


def _keys(ranker: OpportunityRanker, rows: pd.DataFrame) -> pd.DataFrame:
    """The groups whose records the features hold, one code per outreach (-1 for none)."""
    pos = rows["pos"].to_numpy()
    return pd.DataFrame({"company_key": lf.employer_codes(ranker)[pos], "industry_key": ranker.industry_codes_[pos],
                         "template_key": pd.factorize(rows["template"].to_numpy(), use_na_sentinel=True)[0]})


def with_records(X: pd.DataFrame, y, keys: pd.DataFrame, train: np.ndarray | None = None) -> pd.DataFrame:
    """``X`` with its record columns computed from the outcomes ``y`` of the ``train`` rows (all by
    default): cross-fitted for those rows, from all of them for the others."""
    y = np.asarray(y, dtype=np.float64)
    train = np.ones(len(y), dtype=bool) if train is None else np.asarray(train, dtype=bool)
    base = float(y[train].mean()) if train.any() else 0.5
    X = X.copy()
    for column_name, key in RECORD_COLUMNS.items():
        codes = keys[key].to_numpy()
        values = np.zeros(len(y))
        values[train] = lf.records_crossfit(codes[train], y[train], base)
        values[~train] = lf.records_from(codes[train], y[train], codes[~train], base)
        X[column_name] = values
    return X


def _training(ranker: OpportunityRanker, goals, interactions: pd.DataFrame, now, contacts=None):
    """(X, y, rows, context): the training frame, the labelled rows it came from, and what ranking
    rows take from the same log (and from ``contacts``, the frame the ranker was fitted on, when
    given: whether an e-mail address is known)."""
    check_is_fitted(ranker)
    rows, log = _labelled(ranker, interactions, now)
    if rows.empty:
        return (pd.DataFrame(columns=list(FEATURES), dtype=np.float64), pd.Series(dtype=np.int64, name="reply"),
                rows, None)
    fit, kinds = _fit_at_outreach(_base(ranker), goals, now, rows)
    pos = rows["pos"].to_numpy()
    blank = np.zeros(len(rows))  # the records, filled in by with_records
    contact = lf.contact_block(ranker, pos, _as_of(ranker, rows, log), rows["day"].to_numpy(), blank, blank)
    outreach = lf.outreach_block(rows["channel"].to_numpy(), rows["template"].notna().to_numpy(), blank,
                                 rows["length"].to_numpy())
    keys = _keys(ranker, rows)
    X = with_records(lf.frame(fit, contact, outreach, lf.goal_block(kinds, ranker.seniority_codes_[pos])),
                     rows["y"].to_numpy(), keys)
    y = pd.Series(rows["y"].to_numpy(), name="reply")
    return X, y, pd.concat([rows, keys], axis=1), _context(ranker, rows, log, X, contacts)


def _has_email(ranker: OpportunityRanker, contacts) -> np.ndarray | None:
    if contacts is None or "has_email" not in contacts:
        return None
    where = pd.Index(column(contacts, "id")).get_indexer(ranker.contact_ids_)
    known = contacts["has_email"].fillna(False).to_numpy(dtype=bool)
    return np.where(where >= 0, known[np.clip(where, 0, None)], False) if len(known) else np.zeros(len(where), bool)


def _context(ranker: OpportunityRanker, rows: pd.DataFrame, log: pd.DataFrame, X: pd.DataFrame,
             contacts=None) -> Context:
    y = rows["y"].to_numpy()
    email = _has_email(ranker, contacts)
    base = float(y.mean())
    pos = rows["pos"].to_numpy()
    outreach = log[log["outreach"]].sort_values("day", kind="stable")
    channel = np.full(ranker.n_contacts_, -1, dtype=np.int64)
    channel[outreach["pos"].to_numpy()] = outreach["channel"].to_numpy()  # the last one written wins
    return Context(
        company_record=lf.records_by_key(lf.employer_codes(ranker)[pos], y, len(ranker.company_keys_), base),
        industry_record=lf.records_by_key(ranker.industry_codes_[pos], y, len(ranker.industries_), base),
        contact_channel=channel, usual={c: float(X[c].mean()) for c in OUTREACH},
        channel_mix=lf.channel_mix(lf.reach_bucket(ranker.signals_.strength[outreach["pos"].to_numpy()],
                                                   None if email is None else email[outreach["pos"].to_numpy()]),
                                   outreach["channel"].to_numpy()),
        has_email=email,
    )


def training_frame(ranker: OpportunityRanker, goals, interactions: pd.DataFrame, now) -> tuple[pd.DataFrame, pd.Series]:
    """(X, y): one row per outreach with a known outcome, X in FEATURES as of
    the outreach, y = 1 for a reply (replied, meeting, referral, opportunity) and 0 for
    no_response or declined."""
    X, y, _, _ = _training(ranker, goals, interactions, now)
    return X, y


def enough_outcomes(y) -> bool:
    """MIN_OUTCOMES outcomes, at least MIN_PER_CLASS replies and MIN_PER_CLASS non-replies."""
    y = np.asarray(y)
    replies = int(y.sum())
    return len(y) >= MIN_OUTCOMES and min(replies, len(y) - replies) >= MIN_PER_CLASS


def fit_response_model(ranker: OpportunityRanker, goals, interactions: pd.DataFrame, now,
                       contacts: pd.DataFrame | None = None, **params) -> ResponseModel | None:
    """A fitted ResponseModel (with the log's records for ranking), or None while there are not
    enough outcomes to learn from."""
    X, y, _, context = _training(ranker, goals, interactions, now, contacts)
    if not enough_outcomes(y):
        return None
    model = ResponseModel(**params).fit(X, y)
    model.context_ = context
    return model


def learned_ranker(ranker: OpportunityRanker, model, blend: float = DEFAULT_BLEND) -> OpportunityRanker:
    """A copy of fitted ``ranker`` that blends ``model`` in (or none, with None), sharing its fitted
    state: what clone() would give plus the learned attributes, so nothing is re-vectorized.
    Scoring only reads the fitted arrays, so sharing them between the two rankers is safe."""
    check_is_fitted(ranker)
    copy = OpportunityRanker(**{**ranker.get_params(deep=False), "response_model": model,
                                "response_blend": ranker.response_blend if model is None else blend})
    copy.__dict__.update({k: v for k, v in vars(ranker).items() if k.endswith("_") and not k.startswith("_")})
    copy.__dict__["_kept_readings"] = ranker.kept_readings()  # the goals' readings do not depend on the model
    return copy


def _message(learning: bool, n: int, replies: int) -> str:
    if learning:
        return f"learning from {n} past outcomes"
    if n < MIN_OUTCOMES:
        return f"ranking learns from outcomes: needs {MIN_OUTCOMES}, has {n}"
    return (f"ranking learns once {MIN_PER_CLASS} outreaches got a reply and {MIN_PER_CLASS} did not "
            f"({replies} of {n} replied so far)")


def status_line(status: dict) -> str:
    """One line for the Outreach page: whether the ranking learns, from how much, and how well it
    predicted replies it had not seen ("learning from 212 past outcomes · predicted the 64 since
    2026-04-07 with AUC 0.71 (fairly well)")."""
    line = str(status.get("message") or "")
    result = status.get("backtest")
    if status.get("learning") and result:
        line += (f" · predicted the {result['test']} since {result['split_on']} with AUC {result['auc']:.2f} "
                 f"({auc_words(result['auc'])})")
    return line


# AUC -> words for a user who has never met the measure: the chance that a reply the model had not
# seen was scored above an outreach that went unanswered.
AUC_WORDS = ((0.75, "well"), (0.65, "fairly well"), (0.55, "a little better than chance"),
             (0.0, "no better than chance yet"))


def auc_words(auc: float) -> str:
    """How well a held-out AUC says the model tells replies apart, in plain words."""
    return next((words for least, words in AUC_WORDS if auc >= least), AUC_WORDS[-1][1])  # NaN: the last


def reply_chance_move(explanation: dict) -> dict | None:
    """How far learning from outcomes moved one contact, from ``OpportunityRanker.explain``'s
    output: the score the goal's fit alone gives (``before``), the score with the learned reply
    chance (``after``), the move and a sentence for the Outreach page; None while the ranking does
    not learn (no "response" contribution: nothing moved anyone)."""
    parts = {factor: value for factor, value, _ in explanation.get("contributions", [])}
    if "response" not in parts:
        return None
    after = float(explanation["score"])
    move = float(parts["response"])
    before = after - move
    from .table import fit  # the 0-100 form the Outreach page shows

    if fit(before) == fit(after):
        sentence = "The learned reply chance leaves this contact's fit where the goal puts it."
    else:
        sentence = (f"The learned reply chance {'raised' if move > 0 else 'lowered'} this contact's fit from "
                    f"{fit(before)} to {fit(after)} of 100: people like them have answered "
                    f"{'more' if move > 0 else 'less'} often than most, in what you logged.")
    return {"before": before, "after": after, "move": move, "sentence": sentence}


def ranker_with_learning(ranker: OpportunityRanker, goals, interactions: pd.DataFrame, now,
                         blend: float = DEFAULT_BLEND, contacts: pd.DataFrame | None = None,
                         **params) -> tuple[OpportunityRanker, dict]:
    """The ranker the app should use, and a status for the UI and ``rapport learning``.

    ``contacts``: the frame ``ranker`` was fitted on, for what the ranker does not keep (whether
    an e-mail address is known). Below the threshold the very same ``ranker`` object is returned,
    so the ranking is exactly unchanged. Status: learning (bool), outcomes, replies, reply_rate (None without outcomes),
    threshold, min_per_class, calibrated, message ("learning from 57 past outcomes" / "ranking
    learns from outcomes: needs 40, has 12"), backtest ({auc, train, test, split_on, brier,
    brier_base, reliability} or None), backtest_reason (why there is none) and line (the message
    with the backtest's AUC: ``status_line``).
    """
    from .learning_backtest import backtest_frame

    X, y, rows, context = _training(ranker, goals, interactions, now, contacts)
    n, replies = len(y), int(y.sum())
    learning = enough_outcomes(y)
    model = None
    if learning:
        model = ResponseModel(**params).fit(X, y)
        model.context_ = context
    result, reason = backtest_frame(X, y, rows["day"].to_numpy(dtype=np.float64) if n else np.zeros(0),
                                    keys=rows if n else None, **params)
    status = {
        "learning": learning, "outcomes": n, "replies": replies, "reply_rate": replies / n if n else None,
        "threshold": MIN_OUTCOMES, "min_per_class": MIN_PER_CLASS,
        "calibrated": bool(model is not None and model.calibrated_), "message": _message(learning, n, replies),
        "backtest": result, "backtest_reason": reason,
    }
    status["line"] = status_line(status)
    return (learned_ranker(ranker, model, blend) if learning else ranker), status
