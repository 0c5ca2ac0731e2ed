"""Which reading of each goal (the whole goal or one of its segments) fits each contact best, and
the component values of that reading; kept per goal, so that after one goal is edited only that
goal's readings are made again.

A goal's readings depend on its options (roles, companies, seniority, ... ; see goals.py) and on
the fitted contacts, never on the clock or on the other goals: the text fit of an option is a
column of its own (text.text_fit), and best_readings compares a goal's options among themselves.
So they can be kept with the fitted ranker, keyed by the goal's options (what is only shown, its
title and priority, left out), and a ranking made again after an edit scores only the goal that
changed (at 100,000 contacts and 5 goals, the text fit of the other goals' options was most of a
re-rank).
"""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np

from .goals import GoalOption

# Goals whose readings are kept: each holds, at 100,000 contacts, 0.1 MB of option codes and up to
# four rows of values, 0.1-0.2 MB each as ``PackedRow`` (a component no option of the goal asks for
# is kept as None).
KEPT_GOALS = 10
SPARSE_SHARE = 0.1  # a row kept as its nonzero values (12 bytes each) when fewer are nonzero than this


class PackedRow:
    """One kept row of a component's values, (n,) floats, in less room and given back exactly.

    A component's value is a function of a few codes (the title's family and level, the company, the
    relationship), so a row at 100,000 contacts holds a few hundred distinct values, often mostly
    zeros. Kept as codes into its distinct values (a byte or two a contact instead of eight), or,
    where few are nonzero, as their positions and values. At 100,000 contacts and 7 goals the kept
    readings went from 30 MB to about 5 (the dashboard's server keeps them, and pickles them to
    disk); assembling a ranking from them takes about 0.2 ms a row more than a copy."""

    __slots__ = ("n", "codes", "uniques", "where")

    def __init__(self, values: np.ndarray):
        values = np.asarray(values, dtype=np.float64)
        self.n = len(values)
        nonzero = np.flatnonzero(values)
        if len(nonzero) < SPARSE_SHARE * self.n:
            self.where, self.codes, self.uniques = nonzero.astype(np.int32), None, values[nonzero]
            return
        import pandas as pd

        codes, uniques = pd.factorize(values)
        self.where = None
        self.codes = codes.astype(np.min_scalar_type(max(len(uniques) - 1, 0)))
        self.uniques = np.asarray(uniques, dtype=np.float64)

    def values(self, out: np.ndarray | None = None) -> np.ndarray:
        """The row, written to ``out`` when given (a row of a (goals, n) array)."""
        if self.codes is not None:
            return np.take(self.uniques, self.codes, out=out)
        if out is None:
            out = np.zeros(self.n)
        else:
            out.fill(0.0)
        out[self.where] = self.uniques
        return out

    def at(self, rows: np.ndarray) -> np.ndarray:
        """The values at ``rows`` only."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.codes is not None:
            return self.uniques[self.codes[rows]]
        found = np.searchsorted(self.where, rows)
        hit = found < len(self.where)
        hit[hit] = self.where[found[hit]] == rows[hit]
        out = np.zeros(len(rows))
        out[hit] = self.uniques[found[hit]]
        return out

    def __reduce__(self):
        return _unpacked_row, (self.n, self.codes, self.uniques, self.where)


def _unpacked_row(n, codes, uniques, where) -> PackedRow:
    row = PackedRow.__new__(PackedRow)
    row.n, row.codes, row.uniques, row.where = n, codes, uniques, where
    return row


def options_by_goal(options: list[GoalOption]) -> list[list[int]]:
    """Indices of the options of each goal, goals in order of appearance."""
    goals = sorted({o.goal_index for o in options})
    return [[i for i, o in enumerate(options) if o.goal_index == g] for g in goals]


def best_readings(options, goal_opts, n, component_values, weights, dtype=np.int64, fits: dict | None = None):
    """For each item and goal, the option (reading) with the best weighted fit.

    ``component_values(option index)`` gives the (n,) value of each component in ``weights``,
    or None where it is zero throughout (the option does not ask for it), which saves the work.
    The whole goal is tried first and a segment replaces it only where it fits strictly better,
    so a segment is named only when it says something the goal alone does not.
    Returns goal-major arrays: (option index (n goals, n) of ``dtype``, {component: values (n goals, n)}).
    ``fits``: where given, each segment option's own weighted fit (n,) is put there by option index.
    """
    option = np.zeros((len(goal_opts), n), dtype=dtype)
    values = {c: np.zeros((len(goal_opts), n)) for c in weights}
    term = np.empty(n)
    for g, opt_ids in enumerate(goal_opts):
        best_fit = None
        for oi in sorted(opt_ids, key=lambda i: options[i].segment_id is not None):
            vals = component_values(oi)
            fit = np.zeros(n)
            for c in weights:
                if vals[c] is not None:
                    fit += np.multiply(weights[c], vals[c], out=term)
            if fits is not None and options[oi].segment_id is not None:
                fits[oi] = fit  # (kept as it is: only best_fit, a copy once kept, is written to below)
            better = None if best_fit is None else fit > best_fit
            if better is None:
                best_fit = fit.copy() if fits is not None and options[oi].segment_id is not None else fit
                option[g] = oi
            else:  # in place, the same values: the larger of the two (fits are never NaN)
                np.maximum(best_fit, fit, out=best_fit)
                np.copyto(option[g], oi, where=better)
            for c in weights:
                if better is None:
                    if vals[c] is not None:
                        values[c][g] = vals[c]
                else:
                    np.copyto(values[c][g], 0.0 if vals[c] is None else vals[c], where=better)
    return option, values


class KeptReadings:
    """Each goal's best readings, the most recently used ``KEPT_GOALS`` of them, shared by the
    threads that rank with one fitted ranker (a page, Home's preparation)."""

    def __init__(self):
        self._rows: dict = {}
        self._fits: dict = {}  # per goal: its segments' own fits, read with it, until written to disk
        self._restored: set = set()  # goals whose fits were read back from disk
        self._lock = threading.Lock()
        self._changed = False

    def keep_fits(self, key, fits: list) -> None:
        """A goal's segments' own fits, read with the goal: kept until written to disk (``unsaved``),
        and while the goal is kept; what counts the segments' audiences reads them (``fits_of``)."""
        with self._lock:
            self._fits[key] = fits
            self._changed = True

    def fits_of(self, key) -> list | None:
        """The segments' fits of a goal, or None. Those read back from disk are handed out once and
        released (the file keeps them: a later write carries them over)."""
        with self._lock:
            if key in self._restored:
                self._restored.discard(key)
                return self._fits.pop(key, None)
            return self._fits.get(key)

    def restore(self, saved: dict) -> None:
        """Keep what ``unsaved`` gave, read back from disk."""
        with self._lock:
            for key, readings in saved.get("readings", [])[-KEPT_GOALS:]:
                self._rows[key] = readings
            fits = {key: fits for key, fits in saved.get("fits", []) if key in self._rows}
            self._fits.update(fits)
            self._restored = set(fits)
            self._changed = False

    def unsaved(self) -> dict | None:
        """What to write to disk when goals were read since the last write (else None): every goal's
        readings and the segments' fits read since, which are released here (the file holds them)."""
        with self._lock:
            if not self._changed:
                return None
            self._changed = False
            saved = {"readings": list(self._rows.items()), "fits": list(self._fits.items())}
            self._fits, self._restored = {}, set()
            return saved

    def carry(self, other: KeptReadings) -> None:
        """Keep what ``other`` keeps (readings are read-only): a ranker fitted again on contacts that
        read alike (``carry_readings``). Marked unsaved, so they are written for the new fit too."""
        with other._lock:
            rows, fits = dict(other._rows), dict(other._fits)
        # A goal with segments only with its segments' fits (released once written to disk): without
        # them its audiences would be scored again segment by segment; read anew, they come with it.
        rows = {key: value for key, value in rows.items() if key in fits or not _has_segments(key)}
        with self._lock:
            self._rows.update(rows)
            self._fits.update({key: value for key, value in fits.items() if key in self._rows})
            self._changed = bool(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, key):
        with self._lock:
            found = self._rows.pop(key, None)
            if found is not None:
                self._rows[key] = found  # the most recently used last
            return found

    def put(self, key, readings) -> None:
        with self._lock:
            self._changed |= key not in self._rows
            self._rows.pop(key, None)
            self._rows[key] = readings
            while len(self._rows) > KEPT_GOALS:
                oldest = next(iter(self._rows))
                del self._rows[oldest]
                self._fits.pop(oldest, None)


def goal_key(options: list[GoalOption], opt_ids: list[int], weights: dict[str, float]) -> tuple:
    """What one goal's readings depend on: its options but for what is only shown or applied later
    (title, priority, position, places for events), and the weights that pick the best reading."""
    shown = dict(goal_index=0, goal_id=None, goal_title="", priority_weight=0.0, segment_name=None, locations=())
    return tuple(sorted(weights.items())), tuple(replace(options[oi], **shown) for oi in opt_ids)


def _goals_read(options, goal_opts, n, values_for, weights, dtype, kept: KeptReadings, fits=None):
    """(keys, found, fresh, new): each goal's key; the kept readings of each goal, (local option codes
    (n,), {component: values (n,) or None}, the whole query rows of its options) or None; the goals
    not kept; and for those, read now (only their options: their text fit computed), (their
    ``best_readings``, their query rows) or None when every goal was kept."""
    keys = [goal_key(options, ids, weights) for ids in goal_opts]
    found = [kept.get(key) for key in keys]
    fresh = [g for g, f in enumerate(found) if f is None]
    if not fresh:
        return keys, found, fresh, None
    component_values, queries = values_for([oi for g in fresh for oi in goal_opts[g]])
    fits = {} if fits is None else fits
    made = best_readings(options, [goal_opts[g] for g in fresh], n, component_values, weights, dtype, fits)
    for g in fresh:  # each segment's own fit, for its audience (scoring.segment_score_rows)
        segments = [oi for oi in goal_opts[g] if options[oi].segment_id is not None]
        if segments:
            kept.keep_fits(keys[g], [fits[oi] for oi in segments])
    return keys, found, fresh, (made, queries)


def _keep(kept, keys, goal_opts, options, option, values, queries, found=None) -> None:
    """Put each goal's readings in ``kept``: its options as codes local to the goal, its values as
    ``PackedRow``; a goal ``found`` kept already is put back as it was (packing every goal again was
    30 ms of a re-rank after one goal's edit at 100,000 contacts). The (goals, n) arrays made for
    this ranking are the caller's (made read-only, as the ranking hands them on)."""
    start = 0
    for array in (option, *values.values()):
        array.flags.writeable = False
    for g, ids in enumerate(goal_opts):
        if found is not None and found[g] is not None:
            kept.put(keys[g], found[g])
        else:
            local = np.zeros(len(options), dtype=np.min_scalar_type(max(len(ids) - 1, 0)))
            local[ids] = np.arange(len(ids))
            rows = {c: (PackedRow(v[g]) if v[g].any() else None) for c, v in values.items()}
            kept.put(keys[g], (local[option[g]], rows, queries[start:start + len(ids)]))
        start += len(ids)


def kept_readings(options, goal_opts, n, values_for, weights, dtype, kept: KeptReadings | None, fits=None):
    """(the options' whole queries, and ``best_readings`` of every goal), those of goals already read
    taken from ``kept`` (and every goal's put there). ``values_for(option indices)`` gives the
    ``component_values`` function of those options and their whole queries: only the options of
    goals not kept are read (their text fit computed)."""
    if kept is None:
        component_values, queries = values_for(range(len(options)))
        return queries, *best_readings(options, goal_opts, n, component_values, weights, dtype, fits)
    keys, found, fresh, new = _goals_read(options, goal_opts, n, values_for, weights, dtype, kept, fits)
    if fresh and len(fresh) == len(goal_opts):  # nothing kept: the readings made are the ranking's, as they are
        (option, values), queries = new
        _keep(kept, keys, goal_opts, options, option, values, queries)
        return queries, option, values
    option = np.zeros((len(goal_opts), n), dtype=dtype)
    values = {c: np.zeros((len(goal_opts), n)) for c in weights}
    parts = [None] * len(goal_opts)
    for g, entry in enumerate(found):
        if entry is None:
            continue
        local, rows, parts[g] = entry
        option[g] = np.asarray(goal_opts[g], dtype=dtype)[local]
        for c, row in rows.items():
            if row is not None:
                row.values(out=values[c][g])
    if new is not None:
        (new_option, new_values), queries = new
        start = 0
        for j, g in enumerate(fresh):
            option[g] = new_option[j]
            for c in weights:
                values[c][g] = new_values[c][j]
            parts[g] = queries[start:start + len(goal_opts[g])]
            start += len(goal_opts[g])
        del new, new_option, new_values
    queries = _stacked(parts, options)
    _keep(kept, keys, goal_opts, options, option, values, queries, found)
    return queries, option, values


def readings_at(options, goal_opts, n, values_for, weights, dtype, kept: KeptReadings | None,
                rows: np.ndarray, goals_of: np.ndarray):
    """``kept_readings`` at the (contact row, goal) pairs ``rows`` x ``goals_of`` only: (queries,
    option (k,), {component: values (k,)}), without assembling every contact's."""
    if kept is None:
        queries, option, values = kept_readings(options, goal_opts, n, values_for, weights, dtype, None)
        return queries, option[goals_of, rows], {c: v[goals_of, rows] for c, v in values.items()}
    found = [kept.get(goal_key(options, ids, weights)) for ids in goal_opts]
    if any(f is None for f in found):  # (rare: a goal not ranked yet, or no longer kept)
        queries, option, values = kept_readings(options, goal_opts, n, values_for, weights, dtype, kept)
        return queries, option[goals_of, rows], {c: v[goals_of, rows] for c, v in values.items()}
    option = np.zeros(len(rows), dtype=dtype)
    values = {c: np.zeros(len(rows)) for c in weights}
    for g in np.unique(goals_of).tolist():
        local, kept_rows, _ = found[g]
        these = goals_of == g
        option[these] = np.asarray(goal_opts[g], dtype=dtype)[local[rows[these]]]
        for c, row in kept_rows.items():
            if row is not None:
                values[c][these] = row.at(rows[these])
    return _stacked([found[g][2] for g in range(len(goal_opts))], options), option, values


def _stacked(parts, options):
    import scipy.sparse as sp

    return sp.vstack(parts, format="csr") if parts else sp.csr_matrix((len(options), 0))


def _has_segments(key) -> bool:
    """Whether a goal kept under ``key`` (goal_key: the weights, then the goal's options) has segments."""
    return any(option.segment_id is not None for option in key[1])


# What goals' readings are read from, besides the goal itself: the contact text (the same object when
# a refit reused it, text.fit_contact_text) and the codes each component compares with the goal's.
READ_FROM = ("family_codes_", "family_masks_", "seniority_codes_", "company_codes_", "industry_codes_",
             "relationship_codes_")
READ_FROM_LOOKUPS = ("company_index_", "industry_index_", "relationships_", "n_contacts_")


def carry_readings(ranker, previous) -> bool:
    """Give ``ranker`` (just fitted) the goals' readings ``previous`` kept, when the two read every
    goal alike: the same contact text object, the same codes and lookups and the same weights. A
    refit after an outreach is logged or a strength is set (the data changed, nobody's title,
    company, industry or relationship did) then reads no goal again (at 100,000 contacts and 5
    goals, 0.2 s of learning's refit and of the next ranking). True when carried."""
    if previous is None or previous is ranker:
        return False
    if getattr(previous, "contact_matrix_", None) is not ranker.contact_matrix_:
        return False
    if previous.vectorizer_ is not ranker.vectorizer_ or previous.text_index_ is not ranker.text_index_:
        return False
    if any(getattr(previous, name) != getattr(ranker, name) for name in READ_FROM_LOOKUPS):
        return False
    if any(not np.array_equal(getattr(previous, name), getattr(ranker, name)) for name in READ_FROM):
        return False
    params = {k: v for k, v in ranker.get_params().items() if k != "response_model"}
    if params != {k: v for k, v in previous.get_params().items() if k != "response_model"}:
        return False
    ranker.kept_readings().carry(previous.kept_readings())
    return True
