"""OpportunityRanker: which contacts to reach out to next, for which goal, and why.

One ranking interface in the spirit of benfred/implicit: ``fit`` once on the contacts (the slow
part: text vectorizing), then ``score`` / ``rank`` / ``explain`` as often as goals change, which
only vectorizes the few goal queries and reuses the contact matrix.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from engine.bulk import gc_paused, stable_order
from engine.vocabulary import RELATIONSHIPS

from .contact_readings import read_contacts
from .employers import fit_employers
from .goals import goal_options
from .industry_fit import EXPERIENCE
from .readings import KeptReadings, options_by_goal
from .reasons import contribution_details, reasons_and_steps
from .scoring import COMPONENTS, picked_scores, score_goals, segment_score_rows
from .signals import ContactSignals, column, day_of
from .text import fit_contact_text, shared_terms
from .title_reading import read_titles
from .titles import SENIORITY_LEVELS

RANK_COLUMNS = [
    "contact_id", "full_name", "goal_id", "goal_title", "segment_id", "segment_name", "score", "reasons",
    "next_step",
]


def _strings(series: pd.Series) -> np.ndarray:
    """Text column as an object array, "" where missing (other values are str()-ed where used)."""
    return series.to_numpy(dtype=object, na_value="")


def _lower(value) -> str:
    return str(value).strip().lower()


def _tag_text(series: pd.Series) -> np.ndarray:
    """Tags as one string per contact ("" for none); only the rows that have tags are visited."""
    out = np.full(len(series), "", dtype=object)
    present = np.flatnonzero(series.notna().to_numpy())
    out[present] = [
        tags if isinstance(tags, str)
        else " ; ".join(str(t) for t in tags if t is not None) if isinstance(tags, (list, tuple, np.ndarray))
        and len(tags) else ""
        for tags in series.iloc[present].tolist()
    ]
    return out


def _normalized(values: np.ndarray, *fns) -> tuple:
    """Apply each of ``fns`` to the distinct values only: (codes, fn results per distinct value...)."""
    codes, uniques = pd.factorize(values)
    return (codes, *(np.array([fn(u) for u in uniques], dtype=object) for fn in fns))


EXPERIENCE_FIRST = frozenset({"learn", "mentorship", "clients"})  # asking no level: ties to the experienced
SEGMENT_BLOCK = 7  # segments scored together by ``segment_scores``: as many as a ranking's goals


class OpportunityRanker(BaseEstimator):
    """Rank contacts against the user's active goals.

    Parameters
    ----------
    text_weight, company_weight, seniority_weight, relationship_weight : float
        Weights of the fit components: text similarity of the contact to the goal, working at a
        target company, having the asked seniority, having a helpful relationship. Text fit is
        kept dominant so that the ranking is first about *who* matches the goal.
    warmth_weight, timing_weight : float
        Weights of relationship warmth and of a timely occasion; both are scaled by fit.
    fatigue_weight : float
        How strongly being suggested again and again without action damps a score (0..1).
    max_text_features : int or None
        Vocabulary cap of the contact tf-idf (most frequent terms kept).
    response_model : classifier or None
        Hook for learning from outcomes: a fitted classifier whose ``predict_proba`` over the
        component contributions (columns in scoring.COMPONENTS order) estimates the chance of
        a response; blended in with ``response_blend``. Ignored when None or not fitted. A model
        may answer for all rows itself via ``ranking_proba`` (engine.outreach.learning.ResponseModel).
    response_blend : float
        Share of the final score given to ``response_model``.
    random_state : int
        Accepted for the scikit-learn contract; ranking is deterministic (ties keep input order).
    """

    def __init__(
        self, text_weight=0.55, company_weight=0.20, seniority_weight=0.15, relationship_weight=0.05,
        warmth_weight=0.10, timing_weight=0.05, fatigue_weight=0.4, max_text_features=50_000,
        response_model=None, response_blend=0.3, random_state=0,
    ):
        self.text_weight = text_weight
        self.company_weight = company_weight
        self.seniority_weight = seniority_weight
        self.relationship_weight = relationship_weight
        self.warmth_weight = warmth_weight
        self.timing_weight = timing_weight
        self.fatigue_weight = fatigue_weight
        self.max_text_features = max_text_features
        self.response_model = response_model
        self.response_blend = response_blend
        self.random_state = random_state

    def fit(self, contacts: pd.DataFrame, y=None):
        """Learn the contact text matrix and the structured arrays scoring reads."""
        if not isinstance(contacts, pd.DataFrame):
            raise TypeError("contacts must be a pandas DataFrame")
        with gc_paused():
            return self._fit(contacts)

    def _fit(self, contacts: pd.DataFrame):
        n = len(contacts)
        ids = column(contacts, "id")
        self.contact_ids_ = np.arange(n) if ids.isna().all() else ids.to_numpy()
        self.full_names_ = _strings(column(contacts, "full_name"))
        pos_codes, titles = pd.factorize(_strings(column(contacts, "position")))
        titles = np.array([str(t) for t in titles], dtype=object)
        forms, coded = read_titles(titles)  # each distinct title once, on two cores where it pays
        positions = np.array([f[0] for f in forms], dtype=object)
        position_levels = [f[2] for f in forms]
        # each contact's distinct raw title: where a word stands in it says what it is ("Finance
        # Manager - Cybersecurity": a team tag, industry_fit.team_tags)
        self.position_codes_, self.position_titles_ = np.asarray(pos_codes, dtype=np.int32), titles
        raw_companies = _strings(column(contacts, "company"))
        comp_codes, company_keys, fitted = fit_employers(raw_companies)
        for name, value in fitted.items():  # company_codes_, company_keys_, company_index_, ...
            setattr(self, name, value)

        text = fit_contact_text(
            {
                "position": (pos_codes, positions),
                "company": (comp_codes, company_keys),
                "tags": _tag_text(column(contacts, "tags")),
                "notes": _strings(column(contacts, "notes")),
            },
            self.max_text_features,
        )
        self.vectorizer_ = text.vectorizer
        self.contact_matrix_ = text.matrix
        self.text_index_ = text.text_index
        self.field_codes_ = text.field_codes
        self.field_values_ = {k: np.asarray(v, dtype=object) for k, v in text.field_values.items()}
        self.field_terms_ = text.field_terms
        self.terms_ = text.terms
        self.term_is_bigram_ = text.bigram

        readings = read_contacts(pos_codes, raw_companies, _strings(column(contacts, "industry")),
                                 forms=(pos_codes, [f[1:] for f in forms]), coded=coded)
        self.family_codes_ = readings.family
        self.family_bits_ = np.where(readings.family >= 0, np.left_shift(1, np.maximum(readings.family, 0)), 0)
        self.name_order_ = pd.factorize(pd.Series(self.full_names_, dtype=object).astype(str).str.casefold(),
                                        sort=True)[0]
        self.family_masks_ = readings.mask
        ind_codes, industries = pd.factorize(readings.industry)
        self.industry_codes_ = np.asarray(ind_codes, dtype=np.int64)
        self.industries_ = np.asarray(industries, dtype=object)
        self.industry_index_ = {k: i for i, k in enumerate(self.industries_)}
        self.industry_inferred_ = readings.inferred

        level_of = {level: i for i, level in enumerate(SENIORITY_LEVELS)}
        levels = np.array([level_of.get(s, -1) for s in position_levels], dtype=np.int64)
        self.seniority_codes_ = levels[pos_codes] if len(levels) else np.full(n, -1, dtype=np.int64)
        rel_codes, rel_names = _normalized(_strings(column(contacts, "relationship")), _lower)
        seen = sorted({r for r in rel_names if r and r not in RELATIONSHIPS})
        self.relationships_ = list(RELATIONSHIPS) + seen
        lookup = {r: i for i, r in enumerate(self.relationships_)}
        per_name = np.array([lookup.get(r, -1) for r in rel_names], dtype=np.int64)
        self.relationship_codes_ = per_name[rel_codes] if len(per_name) else np.full(n, -1, dtype=np.int64)
        self.name_order_ = self.name_order_.astype(np.int32)
        # A code per contact for a few dozen values at most (families, levels, relationships,
        # industries) as 16-bit integers: the kept ranker holds them as long as the data does not
        # change (with the 32-bit codes of titles, companies and names, 5 MB less at 100,000 contacts).
        for name in ("family_codes_", "seniority_codes_", "relationship_codes_", "industry_codes_"):
            setattr(self, name, getattr(self, name).astype(np.int16))
        self.signals_ = ContactSignals.from_frame(contacts)
        self.n_contacts_ = n
        return self

    def kept_readings(self) -> KeptReadings:
        """Each goal's best readings made so far (readings.py), so that a ranking made again after
        one goal changed reads only that goal. Not fitted state: never pickled (``__getstate__``),
        made again after a load; a copy that blends a response model in shares it."""
        kept = self.__dict__.get("_kept_readings")
        if kept is None:
            kept = self.__dict__.setdefault("_kept_readings", KeptReadings())
        return kept

    def positions_of(self, contact_ids) -> np.ndarray:
        """Each contact id's row among the fitted contacts (-1 for an id not fitted), through an index
        made once per ranker (not pickled) instead of once per call (5-15 ms at 100,000 contacts)."""
        index = self.__dict__.get("_id_index")
        if index is None:
            index = self.__dict__.setdefault("_id_index", pd.Index(self.contact_ids_))
        return index.get_indexer(contact_ids)

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # a copy: the default state is the instance's own __dict__
        state.pop("_kept_readings", None)
        state.pop("_id_index", None)
        state.pop("_generic_terms", None)
        return state

    def _options(self, goals, goal_id=None, segment_id=None) -> list:
        check_is_fitted(self)
        options = goal_options(goals)
        if goal_id is not None:
            options = [o for o in options if o.goal_id == goal_id]
        if segment_id is not None:
            options = [o for o in options if o.segment_id == segment_id]
        return options

    def _scores(self, goals, now, goal_id=None, segment_id=None, contributions=True):
        return score_goals(self, self._options(goals, goal_id, segment_id), day_of(now), contributions,
                           kept=self.kept_readings())

    def reasons_for(self, goals, now, contact_ids, goal_ids, goal_id=None, segment_id=None) -> tuple[list, list]:
        """(reasons, next steps) of the rows (``contact_ids[k]`` under ``goal_ids[k]``) of a ranking
        made with ``rank(goals, now, goal_id=, segment_id=, reasons=False)``: what ``rank`` writes for
        them, for these rows only (a page of the Outreach list, not all 100,000), from the goals'
        kept readings."""
        options = self._options(goals, goal_id, segment_id)
        contact_ids, goal_ids = list(contact_ids), list(goal_ids)
        if not contact_ids:
            return [], []
        rows = self.positions_of(contact_ids)
        order = sorted({o.goal_index for o in options})
        index_of = {o.goal_id: order.index(o.goal_index) for o in options}
        if (rows < 0).any() or any(g not in index_of for g in goal_ids):
            raise KeyError("a row names a contact or goal this ranking does not hold")
        goals_of = np.array([index_of[g] for g in goal_ids], dtype=np.int64)
        s = picked_scores(self, options, day_of(now), rows, goals_of, self.kept_readings())
        reasons, steps = reasons_and_steps(self, s, rows, goals_of, picked=True)
        return reasons, list(steps)

    def score(self, goals, now) -> pd.DataFrame:
        """One row per (contact, active goal): contact_id, goal_id, segment_id, score and the
        contribution of each component (text, company, seniority, relationship, warmth, timing,
        fatigue; plus response when a response model is blended in), which sum to score.
        The score is not yet weighted by goal priority (``rank`` does that)."""
        s = self._scores(goals, now)
        n, g = s.score.shape
        goal_ids = [s.options[ids[0]].goal_id for ids in s.goal_options]
        segment_ids = np.array([o.segment_id for o in s.options] + [None], dtype=object)
        data = {
            "contact_id": np.tile(self.contact_ids_, g),
            "goal_id": np.repeat(np.array(goal_ids + [None], dtype=object)[:g], n),
            "segment_id": segment_ids[s.option.ravel(order="F")] if g else np.array([], dtype=object),
            "score": s.score.ravel(order="F"),
        }
        for name, values in s.contributions.items():
            data[name] = values.ravel(order="F")
        return pd.DataFrame(data)

    def contributions(self, goals, now) -> dict[str, np.ndarray]:
        """``score``'s contribution columns without its frame: each component's (contacts x active
        goals) array, rows in ``contact_ids_`` order, for a caller that reads whole columns (a
        feedback mark's features: the frame and its index were 7 ms of it at 100,000 contacts)."""
        return self._scores(goals, now).contributions

    def rank(self, goals, now, top=None, goal_id=None, segment_id=None, reasons=True) -> pd.DataFrame:
        """Contacts best first, each under the goal where it scores highest after priority weighting.

        Columns: contact_id, full_name, goal_id, goal_title, segment_id, segment_name, score,
        reasons (list of str), next_step (str). ``goal_id`` / ``segment_id`` restrict the ranking
        to one goal or one segment; ``top`` keeps the first rows. No active goal: empty frame.
        ``reasons=False``: without the reasons and next_step columns (``reasons_for`` writes them
        for the rows shown), the slowest and largest part of a ranking of every contact.
        """
        s = self._scores(goals, now, goal_id, segment_id, contributions=False)
        if s.score.shape[1] == 0:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in RANK_COLUMNS})
        weighted = s.score
        weighted *= s.priority  # in place: the score itself is not read again here
        best = np.argmax(weighted, axis=1)
        total = weighted[np.arange(len(best)), best]
        del weighted
        order = self._order(total, s, best, None if top is None else max(int(top), 0))
        goals_of = best[order]
        # Only the kept (row, goal) pairs are read from here on: the (contacts x goals) arrays go
        # before reasons are written, the slowest and most allocating part at 100,000 contacts.
        s = replace(s, option=s.option[order, goals_of], values={c: v[order, goals_of] for c, v in s.values.items()},
                    score=None, contributions={})
        option = s.option

        def per_option(attr):
            values = np.array([getattr(o, attr) for o in s.options], dtype=object)
            return pd.Series(values[option], dtype=object)

        with gc_paused():
            frame = pd.DataFrame({
                "contact_id": self.contact_ids_[order],
                "full_name": pd.Series(self.full_names_[order], dtype=object),
                "goal_id": per_option("goal_id"),
                "goal_title": per_option("goal_title"),
                "segment_id": per_option("segment_id"),
                "segment_name": per_option("segment_name"),
                "score": total[order],
            })
            if reasons:
                written, steps = reasons_and_steps(self, s, order, goals_of, picked=True)
                frame["reasons"] = pd.Series(written, dtype=object)
                frame["next_step"] = pd.Series(steps, dtype=object)
            return frame

    def _order(self, total: np.ndarray, s, best: np.ndarray, top: int | None = None) -> np.ndarray:
        """Best first; equal scores ordered by meaning, never by file position: warmth, then how
        close the seniority is to what the goal asks (asking none, for a goal to learn, be advised
        or sell: the more experienced first), then timing, then the more recent connection, then
        name. ``top``: only the first ``top`` places, sorting only the rows that can take one
        (those scoring at least the top-th best score), which orders them as sorting all would."""
        rounded = np.round(total, 9)
        rows = np.arange(len(total))
        if top is not None and top < len(total):
            if top == 0:
                return rows[:0]
            kth = np.partition(rounded, len(total) - top)[len(total) - top]  # the top-th best score
            rows = np.flatnonzero(rounded >= kth)
        warmth = np.round(s.signals["warmth"][rows], 6)
        timing = np.round(s.signals["timing"][rows], 6)
        option = s.option[rows, best[rows]]
        # Each option's distance from each level to the nearest level it asks (column 0: no level read,
        # the farthest; an option asking none: 0 throughout), looked up once per row.
        levels = len(SENIORITY_LEVELS)
        distances = np.zeros((len(s.options), levels + 1))
        for oi, o in enumerate(s.options):
            asked = np.array([SENIORITY_LEVELS.index(lv) for lv in o.seniority], dtype=np.int64)
            if len(asked):
                distances[oi, 0] = levels
                distances[oi, 1:] = np.min(np.abs(np.arange(levels)[:, None] - asked[None, :]), axis=1)
            elif o.outcome in EXPERIENCE_FIRST:  # to learn from, be advised by or sell to: the experienced
                distances[oi] = -EXPERIENCE
        distance = distances[option, self.seniority_codes_[rows] + 1]
        names = self.name_order_[rows]
        connected = np.nan_to_num(self.signals_.connected_on[rows], nan=-np.inf)
        order = rows[stable_order(-rounded[rows], -warmth, distance, -timing, -connected, names)]
        return order if top is None else order[:top]

    def best_scores(self, goals, now, goal_id=None, segment_id=None) -> pd.DataFrame:
        """Each contact's best goal and segment with its priority-weighted score, as ``rank`` finds
        them, in contact order and without reasons: what counting an audience needs, at a fraction
        of the cost (reasons are written per row). Columns: contact_id, goal_id, segment_id,
        segment_name, score."""
        s = self._scores(goals, now, goal_id, segment_id, contributions=False)
        if s.score.shape[1] == 0:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in
                                 ("contact_id", "goal_id", "segment_id", "segment_name", "score")})
        weighted = s.score * s.priority
        best = np.argmax(weighted, axis=1)
        option = s.option[np.arange(len(best)), best]

        def per_option(attr):
            return pd.Series(np.array([getattr(o, attr) for o in s.options], dtype=object)[option], dtype=object)

        return pd.DataFrame({"contact_id": self.contact_ids_, "goal_id": per_option("goal_id"),
                             "segment_id": per_option("segment_id"), "segment_name": per_option("segment_name"),
                             "score": weighted[np.arange(len(best)), best]})

    def segment_scores(self, goals, now) -> tuple[list, np.ndarray]:
        """Every segment's own priority-weighted score for every contact, as ``best_scores`` gives it
        for that goal and segment alone, from one pass over the contacts: (the segments' options in
        goal order, a (contacts x segments) array). Each segment is read as a goal of its own, so
        the whole goal never stands in for it. Scored SEGMENT_BLOCK segments at a time: a block's
        arrays are what a ranking of as many goals holds (at 100,000 contacts, 14 segments took 206 ms
        one by one, 124 ms in blocks of 7). A segment of go-betweens (goals.ROUTE_SHARE) is scored at
        its whole role fit: the ranking counts a recruiter as a weaker way in, but a recruiter still
        belongs to "Recruiters" (at 0.8 of it a hiring goal's Recruiters held 19 of a network's 165)."""
        check_is_fitted(self)
        every = goal_options(goals)
        options = [o for o in every if o.segment_id is not None]
        out = np.empty((self.n_contacts_, len(options)))
        slow = list(range(len(options)))
        if self.response_model is None:  # a goal not read yet: its segments' fits come with its readings
            slow = []
            for ids in options_by_goal(every):
                index = every[ids[0]].goal_index
                columns = [j for j, o in enumerate(options) if o.goal_index == index]
                rows = segment_score_rows(self, [every[i] for i in ids], day_of(now), self.kept_readings()) \
                    if columns else None
                if rows is None:
                    slow += columns
                    continue
                whole = [k for k, j in enumerate(columns) if options[j].role_share == 1.0]
                out[:, [columns[k] for k in whole]] = rows[:, whole] * every[ids[0]].priority_weight
                slow += [j for j in columns if options[j].role_share != 1.0]  # kept at the ranking's share
        for start in range(0, len(slow), SEGMENT_BLOCK):
            block = [replace(options[j], role_share=1.0) for j in slow[start:start + SEGMENT_BLOCK]]
            s = score_goals(self, [replace(o, goal_index=i) for i, o in enumerate(block)], day_of(now),
                            contributions=False)
            out[:, slow[start:start + SEGMENT_BLOCK]] = s.score * s.priority
        return options, out

    def explain(self, contact_id, goals, now, goal_id=None) -> dict:
        """Why a contact scores what it does: for its best goal (or ``goal_id``), the priority-
        weighted contributions (factor, value, detail), largest first, summing to ``score``; the
        terms its text shares with the goal query, by tf-idf weight; reasons and next_step."""
        s = self._scores(goals, now, goal_id)
        hits = np.flatnonzero(self.contact_ids_ == contact_id)
        if len(hits) == 0:
            raise KeyError(f"unknown contact id {contact_id!r}")
        i = int(hits[0])
        if s.score.shape[1] == 0:
            return {"contact_id": contact_id, "goal_id": None, "goal_title": None, "segment_id": None,
                    "segment_name": None, "score": 0.0, "goal_score": 0.0, "priority_weight": 0.0,
                    "contributions": [], "matched_terms": [], "reasons": [], "next_step": None}
        g = int(np.argmax(s.score[i] * s.priority))
        pw = float(s.priority[g])
        option = s.options[s.option[i, g]]
        shared = shared_terms(self.contact_matrix_, self.text_index_[i], s.queries[s.option[i, g]])
        terms = [str(self.terms_[t]) for t, _ in shared]
        reasons, steps = reasons_and_steps(self, s, np.array([i]), np.array([g]))
        details = contribution_details(self, i, g, s, option, terms)
        contributions = [(c, pw * float(v[i, g]), details.get(c, "")) for c, v in s.contributions.items()]
        contributions.sort(key=lambda c: -c[1])
        return {
            "contact_id": contact_id, "goal_id": option.goal_id, "goal_title": option.goal_title,
            "segment_id": option.segment_id, "segment_name": option.segment_name,
            "score": pw * float(s.score[i, g]), "goal_score": float(s.score[i, g]), "priority_weight": pw,
            "contributions": contributions, "matched_terms": terms, "reasons": reasons[0],
            "next_step": str(steps[0]),
        }


__all__ = ["OpportunityRanker", "COMPONENTS"]
