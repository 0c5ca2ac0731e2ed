"""What the response model reads: one row of features per (contact, goal, moment).

The same functions build a training row (an outreach, with the facts as they were when it was
sent) and a ranking row (a contact and a goal, as of now), so the two cannot drift apart:

- who the person is: seniority level and role family as the ranking reads the title
  (engine.ranking: ``seniority_codes_``, ``family_codes_``), the relationship and its strength;
- their company and its industry, as a *record*: how often outreach to people at the same
  company (industry) was answered, shrunk toward the overall reply rate by ``PRIOR_OUTCOMES``
  pseudo-outcomes, so one reply does not make a company "warm" (a training row's record leaves
  its own outcome out: ``records_crossfit``); and whether the company is blank
  (``company_unknown``): a blank company has no record, which reads as the average one, yet
  people who leave it blank need not answer like the average;
- how long ago they connected (in years, up to 10, and in bins, since replies need not be linear
  in it) and the time since the last exchange, past replies and unanswered outreach, the ranking's warmth and timing;
- the outreach itself: channel, whether a template was used and its record, message length;
- the goal: its fit contributions and its kind (referral, hiring, ...), plus kind x seniority
  group. The kind and those interactions are penalized ``POOLED_PENALTY`` times harder than the
  rest, so a goal kind with few outcomes follows what all goals together say (pooled) and departs
  from it only as its own outcomes accumulate.

At ranking time the outreach is not written yet: the channel is the one last used with the
contact, else the user's mix of channels for people as close as them (strength) and as reachable
(an e-mail address known or not), so "e-mail is answered" becomes "the people the user can e-mail
answer"; template and length are the
user's usual ones, which shift every contact alike (the level of the reply chance, not the order).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.ranking.scoring import FIT_COMPONENTS
from engine.ranking.signals import RECENCY_DAYS
from engine.ranking.taxonomy import taxonomy
from engine.ranking.titles import SENIORITY_LEVELS
from engine.vocabulary import CHANNELS, GOAL_OUTCOMES, MESSAGE_LENGTH_CHARS, RELATIONSHIPS

PRIOR_OUTCOMES = 4.0  # pseudo-outcomes at the overall reply rate behind every company/template record
POOLED_PENALTY = 4.0  # goal kind x seniority: shrunk toward the pooled effect this much harder
CONNECTED_YEARS = (0.5, 1.0, 2.0, 4.0)  # bin edges of the time since connecting
LENGTH_CHARS = MESSAGE_LENGTH_CHARS  # short / medium / long messages
SENIORITY_GROUPS = {"early": ("intern", "junior", "mid"), "senior": ("senior", "lead"),
                    "leader": ("manager", "director", "vp", "executive", "founder")}

_slug = str.maketrans({" ": "_", "-": "_"})
REL_NAMES = tuple(f"rel_{r.translate(_slug)}" for r in RELATIONSHIPS)
SENIORITY_NAMES = tuple(f"seniority_{s}" for s in SENIORITY_LEVELS)
FAMILY_NAMES = tuple(f"family_{f}" for f in taxonomy().names)
CONNECTED_NAMES = ("connected_under_6m", "connected_6_12m", "connected_1_2y", "connected_2_4y",
                   "connected_over_4y", "connected_unknown")
CHANNEL_NAMES = tuple(f"channel_{c}" for c in CHANNELS)
LENGTH_NAMES = ("length_unknown", "length_short", "length_medium", "length_long")
KIND_NAMES = tuple(f"goal_{k}" for k in GOAL_OUTCOMES)
GROUPS = (*SENIORITY_GROUPS, "unknown")
POOLED_NAMES = tuple(f"goal_{k}_x_{g}" for k in GOAL_OUTCOMES for g in GROUPS)

CONTACT = (
    "warmth", "timing", "recency", "contacted_before", "strength", "strength_known", "replied_before",
    "log_replies", "log_unanswered", "has_relationship", *REL_NAMES, "rel_other", *SENIORITY_NAMES,
    "seniority_unknown", *FAMILY_NAMES, "family_unknown", *CONNECTED_NAMES, "connected_years", "company_record",
    "company_unknown", "industry_record",
)
OUTREACH = (*CHANNEL_NAMES, "channel_unknown", "template_used", "template_record", *LENGTH_NAMES)
GOAL = (*KIND_NAMES, *POOLED_NAMES)
FEATURES = (*FIT_COMPONENTS, *CONTACT, *OUTREACH, *GOAL)
# feature -> penalty factor (default 1). The goal kind's own effect too: a goal's outreach goes to
# the people it targets, so "referral outreach is answered less" is mostly "HR managers answer
# less", which the shared seniority and family effects should carry.
PENALTY = {name: POOLED_PENALTY for name in (*KIND_NAMES, *POOLED_NAMES)}

_GROUP_OF_LEVEL = np.array([next(i for i, members in enumerate(SENIORITY_GROUPS.values()) if s in members)
                            for s in SENIORITY_LEVELS] + [len(SENIORITY_GROUPS)])  # code -1 -> "unknown"


def record(replies: np.ndarray, outcomes: np.ndarray, base: float) -> np.ndarray:
    """Shrunk log-odds of a reply for a group with ``replies`` of ``outcomes`` answered, relative to
    the overall rate ``base``: 0 for a group never contacted, +/- as its own outcomes accumulate."""
    base = float(np.clip(base, 0.01, 0.99))
    r = np.asarray(replies, dtype=np.float64)
    n = np.asarray(outcomes, dtype=np.float64)
    own = np.log((r + PRIOR_OUTCOMES * base) / (n - r + PRIOR_OUTCOMES * (1 - base)))
    return own - np.log(base / (1 - base))


FOLDS = 5  # the training rows' records are cross-fitted over this many folds


def records_crossfit(keys: np.ndarray, y: np.ndarray, base: float) -> np.ndarray:
    """For each training row, the record of its group (``keys``, -1 for none) from the rows of
    the *other* folds (rows dealt round-robin into FOLDS folds): never from its own outcome, yet
    from nearly all the others, so the model learns how far a company's record can be trusted from
    as many rows as ranking will have (counting only earlier rows would leave most rows blank)."""
    keys = np.asarray(keys, dtype=np.int64)
    y = np.asarray(y, dtype=np.float64)
    out = np.zeros(len(keys))
    known = keys >= 0
    if not known.any():
        return out
    codes, key = pd.factorize(keys[known])
    fold = np.arange(len(keys))[known] % FOLDS
    size = len(key)
    replies = np.zeros((FOLDS, size))
    outcomes = np.zeros((FOLDS, size))
    np.add.at(replies, (fold, codes), y[known])
    np.add.at(outcomes, (fold, codes), 1.0)
    other_r = replies.sum(axis=0)[codes] - replies[fold, codes]
    other_n = outcomes.sum(axis=0)[codes] - outcomes[fold, codes]
    out[known] = record(other_r, other_n, base)
    return out


def records_from(train_keys: np.ndarray, y: np.ndarray, keys: np.ndarray, base: float) -> np.ndarray:
    """The record of each of ``keys`` from the training rows (``train_keys``, ``y``) alone."""
    train_keys = np.asarray(train_keys, dtype=np.int64)
    keys = np.asarray(keys, dtype=np.int64)
    size = int(max(train_keys.max(initial=-1), keys.max(initial=-1))) + 1
    table = records_by_key(train_keys, y, size, base)
    return np.where(keys >= 0, table[np.clip(keys, 0, None)] if size else 0.0, 0.0)


def records_by_key(keys: np.ndarray, y: np.ndarray, size: int, base: float) -> np.ndarray:
    """The record of every group 0..size-1 from all the rows (what ranking uses now)."""
    keys = np.asarray(keys, dtype=np.int64)
    known = (keys >= 0) & (keys < size)
    replies = np.bincount(keys[known], weights=np.asarray(y, dtype=np.float64)[known], minlength=size)
    outcomes = np.bincount(keys[known], minlength=size).astype(np.float64)
    return record(replies, outcomes, base)


@dataclass
class Context:
    """What ranking rows take from the log: the records by company, industry and template, the
    channel last used with each contact, and the usual outreach (means of the OUTREACH columns)."""

    company_record: np.ndarray = field(default_factory=lambda: np.zeros(0))
    industry_record: np.ndarray = field(default_factory=lambda: np.zeros(0))
    contact_channel: np.ndarray | None = None  # per contact position: channel code, -1 never contacted
    usual: dict = field(default_factory=dict)  # OUTREACH column -> mean over the training rows
    channel_mix: np.ndarray | None = None  # (reach buckets, CHANNEL_NAMES + unknown) shares
    has_email: np.ndarray | None = None  # per contact position: an address is known


def reach_bucket(strength: np.ndarray, has_email: np.ndarray | None) -> np.ndarray:
    """How the user can reach a contact, as one of 14 buckets: strength 0-5 or none (7), times
    whether an e-mail address is known."""
    strength = np.asarray(strength, dtype=np.float64)
    level = np.where(np.isnan(strength), 6, np.clip(np.nan_to_num(strength), 0, 5)).astype(np.int64)
    email = np.zeros(len(level), dtype=bool) if has_email is None else np.asarray(has_email, dtype=bool)
    return level + 7 * email


def channel_mix(bucket: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """How the user reaches people of each reach bucket: the share of each channel (and unknown)
    in the outreach to them, shrunk toward the mix over everyone by PRIOR_OUTCOMES rows."""
    k = len(CHANNEL_NAMES) + 1
    code = np.where(np.asarray(channel) >= 0, channel, k - 1)
    counts = np.zeros((14, k))
    np.add.at(counts, (np.asarray(bucket, dtype=np.int64), code), 1.0)
    overall = counts.sum(axis=0) / max(counts.sum(), 1.0)
    return (counts + PRIOR_OUTCOMES * overall) / (counts.sum(axis=1, keepdims=True) + PRIOR_OUTCOMES)


def contact_block(ranker, pos: np.ndarray, state: dict, day, company_record: np.ndarray,
                  industry_record: np.ndarray) -> dict[str, np.ndarray]:
    """The CONTACT columns of the contacts at positions ``pos``; ``state`` holds warmth, timing,
    since_last_days, replies and outreach as of ``day`` (a scalar or one per row), and the records
    are those of each row's company and industry (one per row)."""
    sig = ranker.signals_
    strength = sig.strength[pos]
    rel = ranker.relationship_codes_[pos]
    level = ranker.seniority_codes_[pos]
    family = ranker.family_codes_[pos]
    since = state["since_last_days"]
    replies, outreach = state["replies"], state["outreach"]
    years = (np.asarray(day, dtype=np.float64) - sig.connected_on[pos]) / 365.25
    with np.errstate(invalid="ignore"):
        cols = {
            "warmth": state["warmth"], "timing": state["timing"],
            "recency": np.nan_to_num(np.exp(-since / RECENCY_DAYS)), "contacted_before": ~np.isnan(since),
            "strength": np.nan_to_num(strength) / 5.0, "strength_known": ~np.isnan(strength),
            "replied_before": replies > 0, "log_replies": np.log1p(replies),
            "log_unanswered": np.log1p(np.clip(outreach - replies, 0, None)),
            "has_relationship": rel >= 0, "rel_other": rel >= len(RELATIONSHIPS),
            "seniority_unknown": level < 0, "family_unknown": family < 0,
            "connected_unknown": np.isnan(years), "connected_years": np.clip(np.nan_to_num(years), 0, 10) / 10,
            "company_record": company_record, "company_unknown": employer_codes(ranker)[pos] < 0,
            "industry_record": industry_record,
        }
        bins = np.digitize(np.nan_to_num(years, nan=-1.0), CONNECTED_YEARS)
    cols.update({name: rel == k for k, name in enumerate(REL_NAMES)})
    cols.update({name: level == k for k, name in enumerate(SENIORITY_NAMES)})
    cols.update({name: family == k for k, name in enumerate(FAMILY_NAMES)})
    cols.update({name: (bins == k) & ~np.isnan(years) for k, name in enumerate(CONNECTED_NAMES[:-1])})
    return {c: np.broadcast_to(np.asarray(cols[c], dtype=np.float64), len(pos)) for c in CONTACT}


def outreach_block(channel: np.ndarray, template: np.ndarray, template_record: np.ndarray,
                   length: np.ndarray) -> dict[str, np.ndarray]:
    """The OUTREACH columns of logged outreach: ``channel`` codes into CHANNELS (-1 unknown),
    ``template`` whether one was used, its record, ``length`` in characters (NaN unknown)."""
    channel = np.asarray(channel, dtype=np.int64)
    length = np.asarray(length, dtype=np.float64)
    bins = np.digitize(np.nan_to_num(length, nan=-1.0), LENGTH_CHARS)
    cols = {name: channel == k for k, name in enumerate(CHANNEL_NAMES)}
    cols.update({"channel_unknown": channel < 0, "template_used": template, "template_record": template_record,
                 "length_unknown": np.isnan(length) | (length <= 0)})
    for k, name in enumerate(LENGTH_NAMES[1:]):
        cols[name] = (bins == k) & (length > 0)
    return {c: np.asarray(cols[c], dtype=np.float64) for c in OUTREACH}


def usual_outreach(context: Context | None, ranker, pos: np.ndarray) -> dict[str, np.ndarray]:
    """The OUTREACH columns of the next outreach to each contact at ``pos``: the channel last used
    with them, else the user's mix of channels for people of their strength; the usual template
    use and length."""
    usual = dict(context.usual) if context is not None else {}
    cols = {c: np.full(len(pos), float(usual.get(c, 0.0))) for c in OUTREACH}
    mix = context.channel_mix if context is not None else None
    if mix is not None:  # the channel usual with people this close, by e-mail when it is known
        email = context.has_email[pos] if context.has_email is not None else None
        shares = mix[reach_bucket(ranker.signals_.strength[pos], email)]
        for k, name in enumerate((*CHANNEL_NAMES, "channel_unknown")):
            cols[name] = shares[:, k]
    last = context.contact_channel if context is not None else None
    if last is not None and len(last) == ranker.n_contacts_:
        code = last[pos]
        seen = code >= 0
        for k, name in enumerate(CHANNEL_NAMES):
            cols[name] = np.where(seen, (code == k).astype(np.float64), cols[name])
        cols["channel_unknown"] = np.where(seen, 0.0, cols["channel_unknown"])
    return cols


def kind_codes(kinds) -> np.ndarray:
    """Goal kinds (GOAL_OUTCOMES values) as codes, -1 for none or unknown."""
    index = {k: i for i, k in enumerate(GOAL_OUTCOMES)}
    return np.array([index.get(k, -1) for k in kinds], dtype=np.int64)


def goal_block(kind: np.ndarray, level: np.ndarray) -> dict[str, np.ndarray]:
    """The GOAL columns: the goal kind (codes, -1 none) and kind x the contact's seniority group."""
    kind = np.asarray(kind, dtype=np.int64)
    group = _GROUP_OF_LEVEL[np.asarray(level, dtype=np.int64)]
    cols = {name: (kind == k).astype(np.float64) for k, name in enumerate(KIND_NAMES)}
    pooled = np.where(kind >= 0, kind * len(GROUPS) + group, -1)
    cols.update({name: (pooled == k).astype(np.float64) for k, name in enumerate(POOLED_NAMES)})
    return cols


def frame(fit: dict, contact: dict, outreach: dict, goal: dict) -> pd.DataFrame:
    cols = {**fit, **contact, **outreach, **goal}
    return pd.DataFrame({c: np.asarray(cols[c], dtype=np.float64) for c in FEATURES})


def per_contact(ranker, signals: dict, now_day: float, context: Context | None,
                pos: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The CONTACT and OUTREACH columns of the contacts at ``pos`` (all by default) as of now
    (``signals``: the ranker's ``signals_.at(now_day)``, for every contact)."""
    pos = np.arange(ranker.n_contacts_) if pos is None else np.asarray(pos, dtype=np.int64)
    state = {k: np.asarray(signals[k])[pos] for k in ("warmth", "timing", "since_last_days")}
    state.update(replies=ranker.signals_.replies[pos], outreach=ranker.signals_.outreach[pos])
    company = _lookup(context.company_record if context else None, employer_codes(ranker)[pos])
    industry = _lookup(context.industry_record if context else None, ranker.industry_codes_[pos])
    return {**contact_block(ranker, pos, state, now_day, company, industry), **usual_outreach(context, ranker, pos)}


def ranking_parts(ranker, contributions: dict, signals: dict, kinds: np.ndarray, now_day: float,
                  context: Context | None):
    """(per-contact columns: CONTACT and OUTREACH, n rows; goal kinds) for ranking all contacts."""
    g = contributions["text"].shape[0]
    return per_contact(ranker, signals, now_day, context), goal_kinds(kinds, g)


def goal_kinds(kinds, g: int) -> np.ndarray:
    """The kind code of each of ``g`` goals (-1 throughout when unknown)."""
    return np.asarray(kinds, dtype=np.int64) if kinds is not None else np.full(g, -1)


def employer_codes(ranker) -> np.ndarray:
    """Each contact's employer as a company code (-1 for none), with a company's offices and units
    read as the company: "KPMG Nigeria", "KPMG Global Services (KGS)" and "Deloitte UK" count
    toward the record of "KPMG" and "Deloitte" when those are companies of the network too (the
    shortest key in the network whose words begin the name). Real exports write one employer
    many ways, and a reply record split over its spellings rarely holds enough outcomes to say
    anything. Computed once per fitted ranker."""
    cached = getattr(ranker, "_employer_codes", None)
    if cached is not None and cached[0] is ranker.company_codes_:  # the same fit
        return cached[1]
    keys = [str(k) for k in ranker.company_keys_]
    index = {k: i for i, k in enumerate(keys)}
    family = np.arange(len(keys), dtype=np.int64)
    for i, key in enumerate(keys):
        words = key.split()
        for n in range(1, len(words)):
            j = index.get(" ".join(words[:n]))
            if j is not None and len(words[0]) > 1:
                family[i] = j
                break
    codes = np.asarray(ranker.company_codes_, dtype=np.int64)
    out = np.where(codes >= 0, family[np.clip(codes, 0, None)] if len(family) else -1, -1)
    ranker._employer_codes = (ranker.company_codes_, out)
    return out


def _lookup(table: np.ndarray | None, codes: np.ndarray) -> np.ndarray:
    if table is None or not len(table):
        return np.zeros(len(codes))
    return np.where((codes >= 0) & (codes < len(table)), table[np.clip(codes, 0, len(table) - 1)], 0.0)


__all__ = ["CONTACT", "FEATURES", "GOAL", "OUTREACH", "PENALTY", "Context", "contact_block",
           "employer_codes", "frame",
           "goal_block", "kind_codes", "outreach_block", "per_contact", "ranking_parts", "record",
           "records_by_key", "records_crossfit", "records_from", "usual_outreach"]
