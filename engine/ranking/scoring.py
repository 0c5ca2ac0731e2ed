"""The arithmetic of a contact's score for each active goal, vectorized over all contacts.

score = text + company + seniority + relationship      (fit: is this the right person?)
      + gate * (warmth + timing)                       (will they answer, is now a good time?)
      - fatigue * (everything above)                   (suggested often, never acted on)

Each term is a component value in [0, 1] times its weight, and text has the largest weight. Text
is mostly how well the title fits the goal's roles; industries, companies and keywords add to a
fitting role but do not replace one (``text_fit``). Seniority likewise only counts as far as
the role fits: a director of something else is not what the goal asks.

Warmth and timing are *gated* by fit: a contact with no fit keeps only ``GATE_FLOOR`` of them,
so a close friend who is irrelevant to a goal cannot outrank a relevant stranger by much.
Fatigue is a proportional damping, written as a negative contribution so that the components
still add up to the score (what ``explain`` shows).

A goal is read as a whole and through each of its segments (see goals.py); a contact gets the
reading that fits best, and with it the segment the contact belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .blend import answers_itself, blend_response
from .employers import target_company_codes
from .goals import GoalOption
from .industry_fit import EXPERIENCE, in_industry_fit, industry_only, titles_naming
from .readings import KeptReadings, goal_key, kept_readings, options_by_goal, readings_at
from .taxonomy import taxonomy
from .text import generic_terms, query_matrix, text_fit, weigh_qualifiers
from .title_parts import later_only
from .titles import SENIORITY_LEVELS

COMPONENTS = ("text", "company", "seniority", "relationship", "warmth", "timing", "fatigue")
FIT_COMPONENTS = ("text", "company", "seniority", "relationship")
GATE_FLOOR = 0.2  # share of warmth/timing an irrelevant contact keeps
GATE_SATURATION = 0.5  # relevance from which warmth/timing count fully
ADJACENT_SENIORITY = 0.25  # one level off the asked seniority still counts a quarter
# Seniority qualifies a role: a director of something else is not what a goal for design
# directors asks, so the seniority component counts in proportion to the square of role fit over
# this, up to 1. (In proportion to role fit itself, a head of engineering, a related family at the
# level "Head of Product" names, ranked above every product manager for a head of product mentor.)
SENIORITY_TEXT_GATE = 0.5
# Role fit by family (taxonomy.py) before words: the family the title is shown as, another family
# it names ("Co-founder & CTO"), a related family, an unknown family (text alone decides, scaled),
# a known but different family (words shared by chance: "Political Science Tutor").
FAMILY_PRIMARY = 1.0
FAMILY_SECONDARY = 0.85
FAMILY_LATER = 0.5  # named only in the title's last part (title_parts.later_only), after another family
FAMILY_LEADER = 0.6  # leaders of the asked family ("Director of Product" for a product manager goal)
FAMILY_RELATED = 0.35
FAMILY_LED = 0.45  # the family an asked leadership family leads (product managers for a product director)
FAMILY_UNKNOWN = 0.6
FAMILY_OTHER = 0.1
# Within a family, how much the title's words still order people ("Backend Engineer" before
# "QA Engineer" for a backend goal): value = family * (WORDS_FLOOR + (1 - WORDS_FLOOR) * words).
WORDS_FLOOR = 0.5
# A title sharing only level or job words with the roles ("Senior HR Business Partner" on "alliances
# manager, partner"; "Head of Finance" on "head of tax") counts this share of its text fit: within a
# family the role's own words order people ("Tax Manager" first), where no family is known they decide.
GENERIC_ONLY = 0.3
# A go-between (goals.ROUTE_SHARE) outside the companies and industries the goal names: an advisor
# anywhere is a weaker way to hospitals' buyers than the heads of a hospital group (a probe's
# "Find clients in healthcare: hospital administrators" listed 90 consultants and advisors first).
ROUTE_OUTSIDE = 0.5
# Working in a target industry counts this share of working at a target company.
INDUSTRY_SHARE = 0.7
# A target account's senior people are who buys: in a clients goal, a person at a target company
# fits the role at least AT_TARGET_FLOOR plus their experience (a CEO at a target account 0.5, a
# mid-level employee 0.35), so they come after the people of the right role elsewhere (1.0) and
# before weak title matches. (Referral goals reach people at their targets through the template's
# segments; a floor there too moved the learning simulation's lift from 1.22x to 1.19x.)
AT_TARGET_OUTCOMES = frozenset({"clients"})
AT_TARGET_FLOOR = 0.25
AT_TARGET_EXPERIENCE = 0.25
# In a clients goal (and a mentorship goal, below) that asks no level, role fit counts BUYER_FLOOR
# for an intern, rising with experience to all of it from a mid-level professional (BUYER_FROM, in
# EXPERIENCE): "Graduate Apprentice | Treasury Specialist" at a bank had come first among the heads
# of treasury a treasury-software founder asked for, while an "Executive Chef" asked for by name keeps
# their place.
BUYER_FLOOR = 0.6
BUYER_FROM = 0.4
# A mentor has done the job as a buyer decides: a mentorship goal that asks no level reads role fit
# the same way ("Legal advice from in-house counsel at banks" put a "Scholarship Recipient / Legal
# Intern" 2nd, a fourteenth probe's finding).
EXPERIENCED_OUTCOMES = AT_TARGET_OUTCOMES | {"mentorship"}


@dataclass
class GoalScores:
    """Scores of every contact against every active goal; arrays are (n contacts, n goals)."""

    options: list[GoalOption]
    queries: object  # sparse (n options, n terms)
    option: np.ndarray  # index into ``options`` of the reading used
    values: dict[str, np.ndarray]  # raw component values in [0, 1], per FIT_COMPONENTS
    contributions: dict[str, np.ndarray]  # weighted, summing to ``score``
    score: np.ndarray
    priority: np.ndarray  # (n goals,) priority weight of each goal
    goal_options: list[list[int]]  # option indices of each goal
    signals: dict[str, np.ndarray]  # per contact, from ContactSignals.at


def _seniority_values(option: GoalOption, codes: np.ndarray) -> np.ndarray | None:
    if not option.seniority:
        return None
    lut = np.zeros(len(SENIORITY_LEVELS) + 1)
    for level in option.seniority:
        i = SENIORITY_LEVELS.index(level)
        lut[i + 1] = 1.0
        for j in (i - 1, i + 1):
            if 0 <= j < len(SENIORITY_LEVELS):
                lut[j + 1] = max(lut[j + 1], ADJACENT_SENIORITY)
    return lut[codes + 1]


def at_asked_level(option: GoalOption, model) -> np.ndarray | None:
    """Per fitted contact: at a level the option asks, or one next to it (``_seniority_values`` >
    0); None when it asks none. A segment's members: "Hiring managers" holds no mid-level analyst."""
    values = _seniority_values(option, model.seniority_codes_)
    return None if values is None else values > 0


def _company_values(option: GoalOption, model) -> np.ndarray | None:
    """1 at a target company, INDUSTRY_SHARE in a target industry (the user's or inferred), else 0."""
    codes = model.company_codes_
    targets = target_company_codes(option.company_keys, model)
    in_industry = [model.industry_index_[i] for i in option.industries if i in model.industry_index_]
    if not targets and not in_industry:
        return None
    values = np.zeros(len(codes))
    if in_industry:
        lut = np.zeros(len(model.industry_index_) + 1)
        lut[np.array(in_industry) + 1] = INDUSTRY_SHARE
        values = lut[model.industry_codes_ + 1]
    if targets:
        lut = np.zeros(len(model.company_keys_) + 1)
        lut[np.array(targets) + 1] = 1.0
        values = np.maximum(values, lut[codes + 1])
    return values


def generic_only(model, query) -> np.ndarray:
    """Per text row: it shares terms with ``query`` (one option's role query), all of them level or
    job words ("partner", "specialist", "senior manager": text.generic_terms), so it names nothing
    of the role itself."""
    mask = generic_terms(model)
    query = query.tocsr()
    # Both questions in one pass over the contact text, as a product with two dense columns (a
    # sparse-by-sparse product costs several times more: two passes and an allocation per option).
    used = np.unique(query.indices)  # the query's terms' columns only (text.ContactText.matrix: by term)
    columns = np.zeros((query.shape[1], 2))
    columns[query.indices, 0] = query.data != 0
    columns[query.indices, 1] = (query.data != 0) & ~mask[query.indices]
    hits = model.contact_matrix_[:, used] @ columns[used]
    return (hits[:, 0] > 0) & ~(hits[:, 1] > 0)


NAMED_LEVEL_REACH = 3  # rungs below a level a role names whose people still meet the role's words


def far_below_named_level(option: GoalOption, codes: np.ndarray) -> np.ndarray | None:
    """Per seniority code (model.seniority_codes_, -1 unknown): more than NAMED_LEVEL_REACH rungs below
    the lowest level the option's roles name, or where they name none, the lowest its seniority asks;
    None when neither names one. A goal asking for leaders in "healthcare, clinical, medical" is not
    met by a clinical student's or a medical receptionist's words (a probe: both ranked above a
    pharmacy manager)."""
    levels = asked_levels(option)
    if not levels:
        return None
    lowest = min(SENIORITY_LEVELS.index(level) for level in levels)
    return (codes >= 0) & (codes < lowest - NAMED_LEVEL_REACH)


def asked_levels(option: GoalOption) -> frozenset[str]:
    """The levels that bound whose words meet the roles: those the roles name ("general counsel":
    executive), else those the seniority asks (a mentor's roles name none)."""
    return option.level_named or frozenset(option.seniority or ())


def _below_named_level(option: GoalOption, model, words: np.ndarray) -> np.ndarray:
    """``words`` (the text fit per contact), without what people far below the level the role names
    share with it (``far_below_named_level``): a "Legal Counsel" shares "counsel" with "general
    counsel", a "Finance Manager" "finance" with "chief financial officer", and neither is one; they
    keep what their family gives, and the people near the level come first."""
    below = far_below_named_level(option, model.seniority_codes_)
    return np.where(below, 0.0, words) if below is not None and below.any() else words


def role_values(option: GoalOption, model, words: np.ndarray) -> np.ndarray:
    """Role fit in [0, 1]: families and their relations first, title words (``words``, the text
    fit) ordering people within a family and deciding alone only where a title names no family."""
    if not option.families:
        return words
    t = taxonomy()
    wanted = t.mask_of(option.families)
    leaders = t.mask_of(t.leaders(option.families))
    related = t.mask_of(t.related(option.families))
    led = t.mask_of({t.families[f].leads for f in option.families if t.families[f].leads} - set(option.families))
    # First that holds: the title is shown as an asked family; it names one too ("Co-founder & CTO"
    # for engineering leaders: another family counts when it is the one asked, not when it is merely
    # related, "Political Science Tutor"); its family leads an asked one; is related to one; is
    # unknown; else it is another family. All but the second depend on the family the title is shown
    # as (one of at most 62, or none), so they are looked up per family, indexed by code + 1.
    bits = np.array([0, *(1 << i for i in range(len(t.names)))], dtype=np.int64)
    asked = (bits & wanted) != 0
    leading, relating = (bits & leaders) != 0, (bits & related) != 0
    others = np.select([leading, (bits & led) != 0, relating, bits == 0],
                       [FAMILY_LEADER, FAMILY_LED, FAMILY_RELATED, FAMILY_UNKNOWN], default=FAMILY_OTHER)
    code = model.family_codes_ + 1
    names_asked = (model.family_masks_ & wanted) != 0
    family = np.where(asked[code], FAMILY_PRIMARY, np.where(names_asked, FAMILY_SECONDARY, others[code]))
    # named only in the title's last part, after another role: a team tag ("HR Director - Risk",
    # "Executive Housekeeper | AI/ML"), not an engineer on an ML team ("Software Engineer | AI/ML")
    around = wanted | leaders | related
    family[later_only(model, wanted, around, names_asked, (asked | leading | relating)[code])] = FAMILY_LATER
    counts = (asked | leading | relating)[code] | names_asked
    scale = np.where(counts, WORDS_FLOOR + (1 - WORDS_FLOOR) * words, words)
    return family * scale


def _relationship_values(option: GoalOption, names: list[str], codes: np.ndarray) -> np.ndarray | None:
    if not option.relationship and not option.affinity:
        return None
    lut = np.zeros(len(names) + 1)
    for i, name in enumerate(names):
        if option.relationship and name == option.relationship:
            lut[i + 1] = 1.0
        elif name in option.affinity:
            lut[i + 1] = 0.5
    return lut[codes + 1]


def readings(model, options: list[GoalOption], weights: dict[str, float], kept: KeptReadings | None = None,
             at: tuple[np.ndarray, np.ndarray] | None = None, fits: dict | None = None):
    """(the options' whole queries, the options of each goal, and the goal-major best readings:
    option (n goals, n), {component: values (n goals, n)}); see readings.py. All arithmetic is
    goal-major, (n goals, n contacts), so each goal's row is contiguous. ``at``: (rows, goals_of),
    the readings at those (contact row, goal) pairs only, (k,) arrays."""
    n = model.n_contacts_

    def values_for(read):
        """``component_values`` of the options ``read`` (their text fit computed here, a column each),
        and their whole queries (the terms reasons quote)."""
        read = list(read)
        these = [options[oi] for oi in read]
        role_q = weigh_qualifiers(query_matrix(model.vectorizer_, [o.role_fields for o in these]), these, model)
        context_q = query_matrix(model.vectorizer_, [o.context_fields for o in these])
        column = np.full(len(options), -1)
        column[read] = np.arange(len(read))
        sim = text_fit(model.contact_matrix_, role_q, context_q)

        def component_values(oi: int):
            o = options[oi]
            words = sim[:, column[oi]]
            if role_q[column[oi]].nnz:  # a level or job word alone is little, in a known family too
                words = np.where(generic_only(model, role_q[column[oi]]), GENERIC_ONLY * words, words)
            text = role_values(o, model, _below_named_level(o, model, words[model.text_index_]))  # per contact
            company = _company_values(o, model)
            only = industry_only(o)
            named = titles_naming(o, model) if only else None
            if only and (company is not None or named is not None):
                # no company of the network in the industry: titles naming it still say who works there
                at = company if company is not None else np.zeros(n)
                text = in_industry_fit(at, text, model.seniority_codes_, *(named or (None, None)))
            role_fit = text  # what the seniority asked qualifies: the role, not working at a target
            if company is not None and o.outcome in AT_TARGET_OUTCOMES and o.company_keys and not only:
                at_target = np.where(company >= 1.0, AT_TARGET_FLOOR + AT_TARGET_EXPERIENCE
                                     * EXPERIENCE[model.seniority_codes_ + 1], 0.0)
                text = np.maximum(text, at_target)
            if o.role_share != 1.0:  # a go-between: outside where the goal looks, a weaker way in
                share = o.role_share if company is None else np.where(company > 0, 1.0, ROUTE_OUTSIDE) * o.role_share
                text, role_fit = text * share, role_fit * share
            if o.outcome in EXPERIENCED_OUTCOMES and not o.seniority:  # a buyer decides, a mentor has done it
                authority = np.minimum(1.0, BUYER_FLOOR + (1 - BUYER_FLOOR) * EXPERIENCE[model.seniority_codes_ + 1]
                                       / BUYER_FROM)
                text, role_fit = text * authority, role_fit * authority
            seniority = _seniority_values(o, model.seniority_codes_)
            if seniority is not None:
                seniority *= np.minimum(1.0, role_fit / SENIORITY_TEXT_GATE) ** 2
                if o.relationship == "hiring manager" and o.company_keys and company is not None:
                    # a hiring manager hires where they work: for a goal naming where, only there
                    seniority *= company >= 1.0
            return {
                "text": text,
                "company": company,
                "seniority": seniority,
                "relationship": _relationship_values(o, model.relationships_, model.relationship_codes_),
            }
        return component_values, (role_q + context_q).tocsr()

    goal_opts = options_by_goal(options)
    # The option index in the smallest integer that holds it: an (n goals, n) array kept with the scores.
    # The (options x contacts) text fit lives only while the readings are made.
    dtype = np.min_scalar_type(max(len(options) - 1, 0))
    if at is not None:
        return goal_opts, *readings_at(options, goal_opts, n, values_for, weights, dtype, kept, *at)
    return goal_opts, *kept_readings(options, goal_opts, n, values_for, weights, dtype, kept, fits)


def picked_scores(model, options: list[GoalOption], now_day: float, rows: np.ndarray, goals_of: np.ndarray,
                  kept: KeptReadings | None = None) -> GoalScores:
    """The scores' readings at the (contact row, goal) pairs ``rows`` x ``goals_of`` only, as
    ``reasons.reasons_and_steps(..., picked=True)`` reads them: the reasons of the rows a page shows,
    from the goals' kept readings, without scoring every contact again. No score; the signals are
    computed for these rows only (elsewhere zero)."""
    w = model.get_params()
    goal_opts, queries, option, values = readings(
        model, options, {c: float(w[f"{c}_weight"]) for c in FIT_COMPONENTS}, kept, at=(rows, goals_of))
    return GoalScores(options, queries, option, values, {}, None,
                      np.array([options[ids[0]].priority_weight for ids in goal_opts]), goal_opts,
                      model.signals_.at_rows(now_day, rows, model.n_contacts_))


def fit_contributions_at(model, options: list[GoalOption], rows: np.ndarray,
                         kept: KeptReadings | None = None) -> dict[str, np.ndarray]:
    """One goal's (``options``: its options) fit contributions, weight x value, at the contacts in
    positions ``rows``: what ``score_goals(model, options, ...).contributions[c][rows, 0]`` holds,
    from the goal's kept readings (made where missing), without scoring every contact."""
    p = model.get_params()
    w = {c: float(p[f"{c}_weight"]) for c in FIT_COMPONENTS}
    rows = np.asarray(rows, dtype=np.int64)
    _, _, _, values = readings(model, options, w, kept, at=(rows, np.zeros(len(rows), dtype=np.int64)))
    return {c: w[c] * values[c] for c in FIT_COMPONENTS}


def score_goals(model, options: list[GoalOption], now_day: float, contributions: bool = True,
                kept: KeptReadings | None = None) -> GoalScores:
    """Score all fitted contacts of ``model`` (an OpportunityRanker) against ``options``.

    ``kept``: the goals' best readings made before (readings.py), read instead of made again.

    ``contributions=False`` leaves ``GoalScores.contributions`` empty: ranking needs only the
    score, and the (goals x contacts) array of each component (8 of them with a learned ranking,
    5.6 MB each at 7 goals and 100,000 contacts) is then released as soon as the score is made."""
    keep_contributions = contributions
    p = model.get_params()
    w = {c: float(p[f"{c}_weight"]) for c in COMPONENTS}
    n = model.n_contacts_
    goal_opts, queries, option, values = readings(model, options, {c: w[c] for c in FIT_COMPONENTS}, kept)
    signals = model.signals_.at(now_day)
    # Summed and combined in place, in the same order as written out (fit = text + company + ...,
    # positive = fit + warmth + timing), so that fewer (goals x contacts) temporaries are alive at once.
    # Ranking alone (contributions=False) never holds the fit components' contributions: they are
    # made from the values when read (_Weighted), the same product each time; held, they were 4 of
    # the (goals x contacts) arrays alive at a learned ranking's peak.
    contributions = {c: w[c] * values[c] for c in FIT_COMPONENTS} if keep_contributions else _Weighted(values, w)
    fit = np.zeros((len(goal_opts), n))
    for c in FIT_COMPONENTS:
        fit += contributions[c]
    # Only whether there is any fit is read past the gate: held as a mask, 1/8 of the floats' size.
    has_fit = np.minimum(1.0, fit / ((sum(w[c] for c in FIT_COMPONENTS) or 1.0) * GATE_SATURATION)) > 0
    # (else nobody reads them: without a response model, or one that reads the fit alone)
    parts = keep_contributions or not (model.response_model is None or answers_itself(model.response_model))
    holder = [fit]
    del fit  # held by ``holder`` alone, so that _scored can release it
    score, warmth, timing, fatigue = _scored(holder, signals, w, parts)
    if parts:
        contributions.update(warmth=warmth, timing=timing, fatigue=fatigue)
    del warmth, timing, fatigue
    full = sum(float(model.get_params()[f"{c}_weight"]) for c in FIT_COMPONENTS) or 1.0
    score, contributions = blend_response(model, score, contributions, signals, has_fit, COMPONENTS, full,
                                          [options[ids[0]] for ids in goal_opts], now_day, keep_contributions)
    if not keep_contributions:
        contributions = {}
    priority = np.array([options[ids[0]].priority_weight for ids in goal_opts])
    return GoalScores(
        options, queries, option.T, {c: v.T for c, v in values.items()},
        {c: v.T for c, v in contributions.items()}, score.T, priority, goal_opts, signals,
    )


def _scored(holder: list, signals: dict, w: dict[str, float], parts: bool = True):
    """(score, warmth, timing, fatigue) from the fit (``holder[0]``, released here: passed in a list
    so that it is not kept alive through the rest): fit, plus warmth and timing gated by it,
    damped by fatigue. ``parts=False``: (score, None, None, None), worked out in the fit's own array."""
    if not parts:
        return _score_only(holder, signals, w), None, None, None
    gate = relevance_gate(holder[0], sum(w[c] for c in FIT_COMPONENTS))
    warmth = (w["warmth"] * signals["warmth"]) * gate
    timing = (w["timing"] * signals["timing"]) * gate
    del gate
    positive = holder.pop() + warmth
    positive += timing
    fatigue = -np.minimum(1.0, w["fatigue"] * signals["fatigue"]) * positive
    score = positive + fatigue
    del positive  # not held through the blend, where a learned ranking peaks
    return score, warmth, timing, fatigue


def _score_only(holder: list, signals: dict, w: dict[str, float]) -> np.ndarray:
    """``_scored``'s score alone, the same to the bit, with two (goals x contacts) arrays besides the
    fit's (which becomes the score) instead of five: ranking 100,000 contacts peaks here."""
    score = holder.pop()
    gate = relevance_gate(score, sum(w[c] for c in FIT_COMPONENTS))
    part = np.multiply(w["warmth"] * signals["warmth"], gate)
    score += part  # fit + warmth
    np.multiply(w["timing"] * signals["timing"], gate, out=part)
    score += part  # + timing: the positive score
    del gate
    np.multiply(-np.minimum(1.0, w["fatigue"] * signals["fatigue"]), score, out=part)
    score += part  # + fatigue
    return score


def segment_score_rows(model, goal_options_: list[GoalOption], now_day: float, kept: KeptReadings | None):
    """Each segment of one goal (``goal_options_``, the goal's options) scored as a goal of its own,
    (n, n segments), as ``score_goals`` scores it alone (without a response model, priority not
    applied), from the fits read with the goal's readings (readings.KeptReadings.fits_of: kept until
    written to disk, read back once after a restart), or None when the goal is kept without them."""
    if kept is None:
        return None
    p = model.get_params()
    w = {c: float(p[f"{c}_weight"]) for c in COMPONENTS}
    weights = {c: w[c] for c in FIT_COMPONENTS}
    key = goal_key(goal_options_, list(range(len(goal_options_))), weights)
    segments = [i for i, o in enumerate(goal_options_) if o.segment_id is not None]
    if kept.get(key) is None:
        readings(model, goal_options_, weights, kept)  # the goal read: its segments' fits kept with it
    fits = kept.fits_of(key)
    if fits is None or len(fits) != len(segments):
        return None
    holder = [np.stack(fits) if segments else np.zeros((0, model.n_contacts_))]
    return _scored(holder, model.signals_.at(now_day), w, parts=False)[0].T


class _Weighted(dict):
    """The fit components' contributions, ``weights[c] * values[c]``, made when read and not kept
    (a missing key is computed: ``dict.__missing__``); other keys are stored as usual."""

    def __init__(self, values: dict[str, np.ndarray], weights: dict[str, float]):
        super().__init__()
        self._values, self._weights = values, weights

    def __missing__(self, component: str) -> np.ndarray:
        if component not in self._values:
            raise KeyError(component)
        return self._weights[component] * self._values[component]


def relevance_gate(fit: np.ndarray, max_fit: float) -> np.ndarray:
    """Share of warmth/timing (or an event's timing/cost) an item keeps, given its fit."""
    relevance = fit / (max_fit or 1.0)
    return GATE_FLOOR + (1 - GATE_FLOOR) * np.minimum(1.0, relevance / GATE_SATURATION)
