"""EventRanker: which upcoming events are worth the user's evening, for which goal, and why.

An event is worth attending when its topic fits a goal, when the people a goal's segments target
are likely to be there (its audience mentions their roles), when it is soon enough to plan for,
and when it does not cost a fortune. Past events are never ranked. As for contacts, timing, cost
and place are gated by fit, so a free meetup on an unrelated topic stays down the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.utils.validation import check_is_fitted

from .goals import goal_options
from .readings import best_readings, options_by_goal
from .scoring import relevance_gate
from .signals import column, day_of, days, numbers
from .text import TEXT_SIM_FLOOR, best_term, make_vectorizer, query_matrix, shared_terms, similarity
from .titles import normalize_title

EVENT_COMPONENTS = ("topic", "audience", "timing", "cost", "location")
NO_FIT = "fits none of your goals (topic and audience)"
NO_FIT_STEP = "Skip, unless you go anyway"
_NO_OPTION = SimpleNamespace(goal_id=None, goal_title=None, segment_id=None, segment_name=None)  # under no goal
FIT = ("topic", "audience")
SOON_DAYS = 14.0  # anything within two weeks is as soon as it gets
EVENT_COLUMNS = [
    "event_id", "title", "kind", "starts_at", "goal_id", "goal_title", "segment_id", "segment_name", "score",
    "reasons", "next_step",
]


@dataclass
class _EventScores:
    """Scores of every event against every active goal; arrays are (n events, n goals)."""

    options: list
    queries: object  # sparse (n options, n terms)
    option: np.ndarray  # index into ``options`` of the reading used
    values: dict[str, np.ndarray]  # raw component values ((n,) when the same for every goal)
    contributions: dict[str, np.ndarray]  # priority-weighted, summing to ``score``
    score: np.ndarray
    upcoming: np.ndarray  # (n,) starts at or after now


def _text(value) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return " ; ".join(str(v) for v in value if v is not None)
    return "" if value is None or value != value else str(value)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in text.split() if w not in ENGLISH_STOP_WORDS)


def _audience_words(text: str) -> frozenset[str]:
    """The words of an event's audience, each plural also as its singular: an event "for CTOs and VPs
    of engineering" is for a CTO."""
    words = _words(text)
    return words | {w[:-1] for w in words if len(w) > 3 and w.endswith("s") and not w.endswith("ss")}


def still_on(starts: np.ndarray, ends: np.ndarray | None, now_day: float) -> np.ndarray:
    """Events worth showing at ``now_day``: those not ended yet (an event that gives no end, all
    day on the day it starts: an all-day forum at 08:00 on its day, a three-day conference on its
    second day, an evening meetup in the afternoon). NaN (no date) is never on."""
    with np.errstate(invalid="ignore"):
        on_the_day = np.floor(starts) >= np.floor(now_day)
        if ends is None:
            return on_the_day
        # an end no later than the start is the start's day (an all-day end is exclusive, as in
        # iCalendar: the importers store "to 10 Dec" as the 11th at midnight)
        end = np.where(ends > starts, ends, np.floor(starts) + 1)
        return np.where(np.isnan(ends), on_the_day, (end > now_day) & (starts == starts))


def when(days_ahead: float) -> str:
    """An event's day in calendar days from today: "today", "tomorrow", "in 3 days", "under way"."""
    if days_ahead < 0:
        return "under way"
    if days_ahead == 0:
        return "today"
    return "tomorrow" if days_ahead == 1 else f"in {int(days_ahead)} days"


class EventRanker(BaseEstimator):
    """Rank upcoming events against the user's active goals.

    Parameters
    ----------
    topic_weight, audience_weight : float
        Weights of the fit: tf-idf similarity of the event (title, topics, description,
        audience) to the goal, and how much its audience names the roles the goal targets.
    timing_weight : float
        Sooner is better: full value within two weeks, fading to 0.2 at ``horizon_days``.
    cost_weight : float
        Free events gain, unknown cost is neutral, and cost at or above ``expensive_cost``
        counts fully against.
    location_weight : float
        Online, or in one of the goal's locations (only when the goal names locations).
    random_state : int
        Accepted for the scikit-learn contract; ranking is deterministic.
    """

    def __init__(
        self, topic_weight=0.5, audience_weight=0.2, timing_weight=0.15, cost_weight=0.1,
        location_weight=0.05, horizon_days=90.0, expensive_cost=500.0, random_state=0,
    ):
        self.topic_weight = topic_weight
        self.audience_weight = audience_weight
        self.timing_weight = timing_weight
        self.cost_weight = cost_weight
        self.location_weight = location_weight
        self.horizon_days = horizon_days
        self.expensive_cost = expensive_cost
        self.random_state = random_state

    def fit(self, events: pd.DataFrame, y=None):
        """Learn the event tf-idf matrix and the arrays scoring reads."""
        if not isinstance(events, pd.DataFrame):
            raise TypeError("events must be a pandas DataFrame")
        ids = column(events, "id")
        self.event_ids_ = np.arange(len(events)) if ids.isna().all() else ids.to_numpy()
        self.titles_ = np.array([_text(t) for t in column(events, "title")], dtype=object)
        self.kinds_ = np.array([_text(k).lower() or "other" for k in column(events, "kind")], dtype=object)
        self.starts_ = days(events, "starts_at")
        self.ends_ = days(events, "ends_at")  # NaN where the event gives no end
        self.starts_at_ = pd.to_datetime(column(events, "starts_at"), errors="coerce").to_numpy()
        self.cost_ = numbers(events, "cost")
        self.online_ = column(events, "online").fillna(False).astype(bool).to_numpy()
        self.location_names_ = np.array([_text(x) for x in column(events, "location")], dtype=object)
        self.locations_ = np.array([x.lower() for x in self.location_names_], dtype=object)
        audiences = [normalize_title(_text(a)) for a in column(events, "audience")]
        # Who it is for: the audience column of an events CSV, else the description ("Closed roundtable
        # for CTOs and VPs of engineering"), which is where an .ics says it.
        self.audience_words_ = [_audience_words(a or normalize_title(_text(d)))
                                for a, d in zip(audiences, column(events, "description"))]
        texts = [
            " . ".join((t, _text(topics), _text(d), a, k))
            for t, topics, d, a, k in zip(
                self.titles_, column(events, "topics"), column(events, "description"), audiences, self.kinds_
            )
        ]
        try:
            self.vectorizer_ = make_vectorizer()
            self.event_matrix_ = self.vectorizer_.fit_transform(texts).tocsr()
        except ValueError:  # no events, or nothing but stop words
            self.vectorizer_ = make_vectorizer(vocabulary={"__no_terms__": 0}).fit([""])
            self.event_matrix_ = sp.csr_matrix((len(texts), 1))
        self.terms_ = self.vectorizer_.get_feature_names_out()
        self.term_is_bigram_ = np.array([" " in t for t in self.terms_], dtype=bool)
        self.n_events_ = len(events)
        return self

    def _weights(self) -> dict[str, float]:
        return {c: float(getattr(self, f"{c}_weight")) for c in EVENT_COMPONENTS}

    def _audience(self, roles) -> np.ndarray:
        """Share of the best-covered target role's words that the audience text mentions."""
        role_words = [w for w in (_words(r) for r in roles) if w]
        out = np.zeros(self.n_events_)
        for i, audience in enumerate(self.audience_words_):
            if audience and role_words:
                out[i] = max(len(words & audience) / len(words) for words in role_words)
        return out

    def _timing_and_cost(self, ahead: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(invalid="ignore"):
            fade = 1.0 - 0.8 * (ahead - SOON_DAYS) / max(self.horizon_days - SOON_DAYS, 1.0)
            beyond = 0.2 * np.exp(-(ahead - self.horizon_days) / max(self.horizon_days, 1.0))
            timing = np.where(ahead <= SOON_DAYS, 1.0, np.where(ahead <= self.horizon_days, fade, beyond))
            paid = 1.0 - 2.0 * np.minimum(1.0, self.cost_ / max(self.expensive_cost, 1e-9))
            cost = np.where(np.isnan(self.cost_), 0.5, np.where(self.cost_ <= 0, 1.0, paid))
        return timing, cost

    def _score(self, goals, now) -> _EventScores:
        check_is_fitted(self)
        options = goal_options(goals)
        now_day = day_of(now)
        upcoming = still_on(self.starts_, self.ends_, now_day)
        w = {c: float(getattr(self, f"{c}_weight")) for c in EVENT_COMPONENTS}
        queries = query_matrix(self.vectorizer_, [o.query_fields for o in options])
        sim = similarity(self.event_matrix_, queries) * upcoming[:, None]
        sim = sim / np.maximum(sim.max(axis=0, initial=0.0), TEXT_SIM_FLOOR)
        goal_opts = options_by_goal(options)
        option, values = best_readings(
            options, goal_opts, self.n_events_,
            lambda oi: {"topic": sim[:, oi], "audience": self._audience(options[oi].role_phrases)},
            {c: w[c] for c in FIT},
        )
        option, values = option.T, {c: v.T for c, v in values.items()}
        ahead = np.maximum(self.starts_ - now_day, 0.0)  # under way: now
        timing, cost = self._timing_and_cost(ahead)
        location = np.zeros((self.n_events_, len(goal_opts)))
        for g, ids in enumerate(goal_opts):
            places = options[ids[0]].locations
            if places:
                location[:, g] = [float(on or any(p in loc for p in places))
                                  for on, loc in zip(self.online_, self.locations_)]
        contributions = {c: w[c] * values[c] for c in FIT}
        fit = sum(contributions.values()) if goal_opts else np.zeros((self.n_events_, 0))
        gate = relevance_gate(fit, w["topic"] + w["audience"])
        contributions["timing"] = w["timing"] * timing[:, None] * gate
        contributions["cost"] = w["cost"] * cost[:, None] * gate
        contributions["location"] = w["location"] * location * gate
        priority = np.array([options[ids[0]].priority_weight for ids in goal_opts])
        contributions = {c: v * priority for c, v in contributions.items()}
        score = sum(contributions.values()) if goal_opts else fit
        values.update(timing=timing, cost=cost, location=location, ahead=ahead,
                      days_ahead=np.floor(self.starts_) - np.floor(now_day))
        return _EventScores(options, queries, option, values, contributions, score, upcoming)

    def rank(self, goals, now, top=None, fitting_only=False) -> pd.DataFrame:
        """Upcoming events best first, each under its best goal (priority-weighted).

        Columns: event_id, title, kind, starts_at, goal_id, goal_title, segment_id, segment_name,
        score, reasons (list of str), next_step (str). No active goal: empty frame. An event whose
        topic and audience fit no goal ("Kids Soccer Practice" from a personal calendar) comes
        last, says so and is not suggested; ``fitting_only`` leaves such events out, as a goal's
        own suggestions do (they had listed a dentist appointment for "Learn climate tech").
        """
        s = self._score(goals, now)
        rows = np.flatnonzero(s.upcoming)
        if s.score.shape[1] == 0 or len(rows) == 0:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})
        best = np.argmax(s.score[rows], axis=1)
        total = s.score[rows, best]
        fits = (s.contributions["topic"] + s.contributions["audience"])[rows, best] > 0
        if fitting_only:
            rows, best, total, fits = rows[fits], best[fits], total[fits], fits[fits]
        order = np.lexsort((-total, ~fits))  # those that fit some goal first, each part best first
        if top is not None:
            order = order[: max(int(top), 0)]
        rows, best, total, fits = rows[order], best[order], total[order], fits[order]
        chosen = [s.options[o] if fit else _NO_OPTION for o, fit in zip(s.option[rows, best].tolist(), fits)]
        return pd.DataFrame({
            "event_id": self.event_ids_[rows], "title": self.titles_[rows], "kind": self.kinds_[rows],
            "starts_at": self.starts_at_[rows],
            "goal_id": [o.goal_id for o in chosen], "goal_title": [o.goal_title for o in chosen],
            "segment_id": [o.segment_id for o in chosen], "segment_name": [o.segment_name for o in chosen],
            "score": total,
            "reasons": [self._reasons(s, i, g) if fit else [NO_FIT] for i, g, fit in zip(rows, best, fits)],
            "next_step": [self._next_step(i, s.values["ahead"][i]) if fit else NO_FIT_STEP
                          for i, fit in zip(rows, fits)],
        })

    def explain(self, event_id, goals, now) -> dict:
        """Contributions (factor, value, detail) of an event's best goal, largest first, summing to
        its score; the terms it shares with the goal query; reasons and next_step. A past event
        (or no active goal) explains as score 0 with the reason why."""
        s = self._score(goals, now)
        hits = np.flatnonzero(self.event_ids_ == event_id)
        if len(hits) == 0:
            raise KeyError(f"unknown event id {event_id!r}")
        i = int(hits[0])
        if s.score.shape[1] == 0 or not s.upcoming[i]:
            why = "no active goal" if s.score.shape[1] == 0 else "the event is in the past"
            return {"event_id": event_id, "goal_id": None, "segment_id": None, "score": 0.0,
                    "contributions": [], "matched_terms": [], "reasons": [why], "next_step": None}
        g = int(np.argmax(s.score[i]))
        o = s.options[s.option[i, g]]
        shared = shared_terms(self.event_matrix_, i, s.queries[s.option[i, g]])
        raw = {c: s.values[c][i] if s.values[c].ndim == 1 else s.values[c][i, g] for c in EVENT_COMPONENTS}
        parts = [(c, float(v[i, g]), f"{c} value {raw[c]:.2f}") for c, v in s.contributions.items()]
        parts.sort(key=lambda c: -c[1])
        return {
            "event_id": event_id, "goal_id": o.goal_id, "goal_title": o.goal_title,
            "segment_id": o.segment_id, "segment_name": o.segment_name, "score": float(s.score[i, g]),
            "contributions": parts, "matched_terms": [str(self.terms_[t]) for t, _ in shared],
            "reasons": self._reasons(s, i, g), "next_step": self._next_step(i, s.values["ahead"][i]),
        }

    def _reasons(self, s: _EventScores, i: int, g: int) -> list[str]:
        o = s.options[s.option[i, g]]
        reasons = []
        if s.values["topic"][i, g] >= 0.2:
            boost = np.where(self.term_is_bigram_, 100.0, 1.0)  # quote phrases over single words
            term = best_term(self.event_matrix_, np.array([i]), s.queries[s.option[i, g]], boost)[0]
            if term >= 0:
                reasons.append(f"topic matches '{self.terms_[term]}'")
        if s.values["audience"][i, g] >= 0.5:
            audience = self.audience_words_[i]
            role = max(o.role_phrases, key=lambda r: len(_words(r) & audience) / max(len(_words(r)), 1))
            reasons.append(f"audience includes {role}")
        reasons.append(when(s.values["days_ahead"][i]))
        if self.cost_[i] == 0:
            reasons.append("free")
        if o.locations and self.online_[i]:
            reasons.append("online, no travel")
        elif o.locations and any(p in self.locations_[i] for p in o.locations):
            reasons.append(f"in {self.location_names_[i]}, a goal location")
        return reasons

    def _next_step(self, i, ahead: float) -> str:
        """Online groups are joined; far-off conferences and paid events reward registering early."""
        kind, cost = self.kinds_[i], self.cost_[i]
        if kind == "online group":
            return "Join the group"
        if ahead > 30 and (kind == "conference" or cost > 0):
            return "Register early"
        if kind == "job fair":
            return "Register and prepare your pitch"
        if kind == "webinar":
            return "Register"
        return "Attend"
