"""The weekly question, answered: whom to contact first, and why (which events: event_suggestions).

This joins the store and the ranking: it reads contacts and goals, fits the contact ranker and
returns display-ready frames. The contact ranker is fitted once per data version and kept, so
editing a goal re-scores without re-reading or re-vectorizing contacts; on a new day only what the
day changes without a new data version (how often each contact was suggested, which fatigue reads)
is read again. Once enough outcomes are logged, a response model learned from them
is blended in (engine.learning).
"""

from __future__ import annotations

import gc
import logging
import threading
from datetime import date, datetime

import numpy as np
import pandas as pd

from engine.clock import local_now
from engine.ranking import OpportunityRanker
from engine.ranking.readings import carry_readings
from engine.ranking.signals import ContactSignals
from engine.store import Store

from . import model_cache, preparation
from .feedback_ranking import feedback_order
from .results import kept_result, memoized

log = logging.getLogger(__name__)
OUTREACH_COLUMNS = ["rank", "full_name", "company", "position", "next_step", "reasons", "score", "goal_title",
                    "segment_name"]

_lock = threading.Lock()
_fitted: dict[str, tuple[tuple, OpportunityRanker, pd.DataFrame]] = {}
_fitting: dict[str, threading.Lock] = {}  # per workspace: held while its ranker is loaded or fitted
_learned: dict[str, tuple[tuple, OpportunityRanker, dict]] = {}
_learning: dict[str, threading.Lock] = {}  # per workspace: held while its response model is learned
_fingerprints: dict[str, tuple] = {}  # per workspace: the fitted ranker's key on disk (model_cache)


def goals_fingerprint(goals: list[dict]) -> str:
    return repr([(g["id"], g.get("updated_at"), g.get("status"), g.get("priority"),
                  [(s["id"], s.get("name"), s.get("roles"), s.get("seniority"), s.get("companies"),
                    s.get("industries"), s.get("keywords"), s.get("relationship")) for s in g.get("segments", [])])
                 for g in goals])


def _now(now: datetime | date | None) -> datetime:
    if now is None:
        return local_now()
    return now if isinstance(now, datetime) else datetime.combine(now, datetime.min.time())


def contact_ranker(store: Store, now: datetime | None = None) -> tuple[OpportunityRanker, pd.DataFrame, tuple]:
    """The fitted ranker, the contacts it was fitted on and a cache key for what depends on them
    and on the day (timing and fatigue move with the date).

    It is fitted when the data changed; it is kept in memory and on disk (``model_cache``), keyed
    by the data version, so a restart does not fit again. On a new day the contacts are read again
    for what changes without a new data version (how often each was suggested, which fatigue reads)
    and only the ranker's signals are made from them (``_for_the_day``): a weekly visit's first page
    loads the kept ranker instead of fitting one."""
    day = _now(now).date()
    key = (str(store.path), store.data_version(), day)
    with _lock:
        cached = _fitted.get(str(store.path))
        if cached and cached[0] == key:
            return cached[1], cached[2], key
    with _lock:
        fitting = _fitting.setdefault(str(store.path), threading.Lock())
    with fitting:  # one fit at a time per workspace: a second caller waits for it instead of fitting too
        with _lock:
            cached = _fitted.get(str(store.path))
        if cached and cached[0] == key:
            return cached[1], cached[2], key
        # On disk a workspace is told apart by its contacts too: a file deleted and made anew starts at
        # data version 0 again.
        # The schema version too: a migration may add what the contacts frame holds (9: ``industry``).
        fingerprint = (key[1], *store.contacts.fingerprint(), store.schema_version())
        gc.unfreeze()  # the ranker this one replaces can be collected with the rest (see below)
        same_data = cached is not None and _fingerprints.get(str(store.path)) == fingerprint
        found = (cached[1], cached[2]) if same_data else model_cache.load(store.path, fingerprint)
        if found is not None and not same_data:
            found[0].kept_readings().restore(model_cache.load_readings(store.path, fingerprint) or {})
        if found is not None and getattr(found[0], "signals_day_", None) != day:
            found = _for_the_day(found[0], store, day)  # None: the contacts read differ, fitted below
            if found is not None:
                model_cache.save(store.path, fingerprint, *found)
        if found is not None:
            ranker, contacts = found
        else:
            contacts = store.contacts.for_ranking()
            ranker = OpportunityRanker().fit(contacts)
            ranker.signals_day_ = day
            carry_readings(ranker, cached[1] if cached else None)  # when the goals read alike
            contacts = kept_columns(contacts)
            model_cache.save(store.path, fingerprint, ranker, contacts)
        with _lock:
            _fitted[str(store.path)] = (key, ranker, contacts)  # one entry per workspace: the newest
            _fingerprints[str(store.path)] = fingerprint
        # The ranker and its contacts (an array per contact's tags, vocabularies) live until the data
        # changes; every full pass of Python's cycle collector walked them, several times per click, in
        # the server's threads too (0.2 s a pass at 100,000 contacts). Frozen, the collector skips them
        # (with whatever else is alive now: a page's garbage frozen with them waits for the next unfreeze).
        gc.freeze()
    return ranker, contacts, key


def _for_the_day(ranker: OpportunityRanker, store: Store, day: date) -> tuple[OpportunityRanker, pd.DataFrame] | None:
    """``ranker`` with its signals made from the contacts as read today (the same people in the same
    order, or None), and those contacts. A copy sharing everything else, the goals' readings too:
    pages of the day before may still be ranking with the original."""
    contacts = store.contacts.for_ranking()
    if not np.array_equal(contacts["id"].to_numpy(), np.asarray(ranker.contact_ids_)):
        return None
    today = object.__new__(type(ranker))
    today.__dict__.update(ranker.__dict__)
    today.signals_ = ContactSignals.from_frame(contacts)
    today.signals_day_ = day
    return today, kept_columns(contacts)


# What is read of the contacts a ranker was fitted on, once it is fitted (the ranker keeps what scoring
# reads): the list's details, the ways in (a tie's strength and name), exploration's counts and the
# reply model's e-mail. Tags, notes, dates and the rest were 6 MB more at 100,000 contacts, in memory
# for as long as the data does not change, and on disk with the kept model.
KEPT_CONTACT_COLUMNS = ("id", "full_name", "company", "position", "strength", "outreach_count", "replies",
                        "has_email")


def kept_columns(contacts: pd.DataFrame) -> pd.DataFrame:
    return contacts[[c for c in KEPT_CONTACT_COLUMNS if c in contacts.columns]]


def prepared_already(store: Store) -> bool:
    """Whether the ranking learned last is for the workspace's data and goals as they are: nothing to
    prepare again (pages ask on every rerun; with the page's session open, two small reads)."""
    with _lock:
        learned = _learned.get(str(store.path))
    if not learned:
        return False
    with store.session():  # one open of the file for both
        return learned[0][0][:2] == (str(store.path), store.data_version()) and \
            learned[0][1] == goals_fingerprint(store.goals.all())


def prepare(store: Store, outreach: bool = False, then=()) -> threading.Thread | None:
    """Fit the contact ranker now, in the background, ahead of the first page that needs it (after an
    import): that page then waits only for what is left of the fit, and the next start loads it from
    disk. ``outreach`` (Home, once it is drawn): the audiences, the response model learned from the
    outcomes, then Outreach's full ranking (paid on the first of those pages to open otherwise), then
    each ``(stage, step)`` of ``then`` (``step(store)``: Today's agenda, whose first places are read
    from it, ...); a page opened meanwhile waits for the stage it reads (``preparation.
    wait_for_preparation``). None when that is ready or being prepared already. Failures are
    logged; the page that needs the ranker fits it then."""
    if outreach and (preparation.is_preparing(store) or prepared_already(store)):
        return None

    def fit() -> None:
        try:
            if outreach:  # the audiences Goals and Review count, then Outreach's list (``then`` reads it)
                from .audience import memberships

                preparation.step_aside()  # each stage after the page the user opened meanwhile
                memberships(store)
                preparation.stage_done(store, "audiences")
                preparation.step_aside()
                learning_ranker(store, store.goals.all())
                preparation.step_aside()
                rank_contacts(store, reasons=False)
                preparation.stage_done(store, "outreach")
                for stage, step in then:
                    preparation.step_aside()
                    step(store)
                    preparation.stage_done(store, stage)
            else:
                contact_ranker(store)
        except Exception:
            log.exception("fitting the ranker ahead of need failed")
        finally:
            preparation.end(store)

    thread = threading.Thread(target=fit, name="rapport-prepare-ranker", daemon=False)  # see preparation.py
    if not preparation.begin(store, thread):
        return None
    thread.start()
    return thread


def learning_ranker(store: Store, goals: list[dict], now: datetime | date | None = None
                    ) -> tuple[OpportunityRanker, pd.DataFrame, tuple, dict]:
    """The ranker to use: the fitted one, blended with a response model learned from logged
    outcomes once there are enough (engine.learning.MIN_OUTCOMES); also the learning status.

    The learned model depends on goal fit too, so it is kept per data version *and* goals.
    """
    from .learning import learned_ranker, ranker_with_learning

    now = _now(now)
    # Outreach's list, ranked by the preparation under way, is read from it rather than ranked twice.
    preparation.wait_for_preparation(store, "outreach")
    with store.session():
        ranker, contacts, version = contact_ranker(store, now)
        key = (version, goals_fingerprint(goals))
        with _lock:
            cached = _learned.get(str(store.path))
            learning = _learning.setdefault(str(store.path), threading.Lock())
        if cached and cached[0] == key:
            return cached[1], contacts, key, cached[2]
        with learning:  # one at a time per workspace: a page opened while Home prepares waits for it
            with _lock:
                cached = _learned.get(str(store.path))
            if cached and cached[0] == key:
                return cached[1], contacts, key, cached[2]
            if contacts.empty:
                status = {"learning": False, "outcomes": 0, "message": "no contacts yet"}
                return ranker, contacts, key, status
            on_disk = _learned_key(store, goals, now)
            kept = model_cache.load_learned(store.path, on_disk) if on_disk else None
            if kept is not None:  # learned from these outcomes and goals by the last run today
                model, status = kept
                learned = ranker if model is None else learned_ranker(ranker, model)
            else:
                learned, status = ranker_with_learning(ranker, goals, store.interactions.frame(), now,
                                                       contacts=contacts)
                if on_disk:
                    model = None if learned is ranker else learned.response_model
                    model_cache.save_learned(store.path, on_disk, model, status)
            with _lock:
                _learned[str(store.path)] = (key, learned, status)
    return learned, contacts, key, status


def _learned_key(store: Store, goals: list[dict], now: datetime) -> tuple | None:
    """What a response model learned is kept on disk under: the fitted ranker's own key (the data
    version, which moves with every outcome logged, and the contacts), the goals, the day (the
    outcomes up to it) and the whole engine's code. None before the ranker is kept."""
    from engine.kept import code_fingerprint

    with _lock:
        fitted = _fingerprints.get(str(store.path))
    if fitted is None:
        return None
    return (fitted, goals_fingerprint(goals), now.date().isoformat(), code_fingerprint())


def learning_status(store: Store, now: datetime | date | None = None) -> dict:
    """'learning from 57 past outcomes' / 'ranking learns from outcomes: needs 40, has 12', with
    the backtest (engine.outreach.learning.ranker_with_learning)."""
    return learning_ranker(store, store.goals.all(), now)[3]


def rank_contacts(store: Store, goal_id: int | None = None, segment_id: int | None = None,
                  top: int | None = None, now: datetime | date | None = None, reasons: bool = True) -> pd.DataFrame:
    """Contacts best first across active goals, with company, position, reasons and next step;
    a goal the user marked contacts for is re-ranked by what the marks teach (``feedback_order``).
    ``reasons=False``: without reasons and next step, which ``with_reasons`` writes for the rows a
    page shows (at 100,000 contacts, writing them for every row took 100 ms and held 40 MB)."""
    from . import exploration
    from .audience import label_segments, memberships

    now = _now(now)
    with store.session():
        goals = store.goals.all()
        ranker, contacts, version, _ = learning_ranker(store, goals, now)
        if contacts.empty:
            return pd.DataFrame(columns=["contact_id", *OUTREACH_COLUMNS, "goal_id", "segment_id", "to_learn"])
        marks = store.feedback.marks()
        marked = store.feedback.fingerprint() if marks else None
        members = memberships(store, [g for g in goals if g.get("status") == "active"], now)

    def compute() -> pd.DataFrame:
        # With marks, a pool larger than ``top`` is ranked, so that people the marks lift can enter it.
        pool = top if top is None or not marks else max(4 * int(top), int(top) + 200)
        if pool is not None:  # room for the candidates exploration draws from
            pool = max(int(pool), exploration.PAGE * exploration.POOL)
        def base() -> pd.DataFrame:
            ranked = ranker.rank(goals, now, top=None if segment_id is not None else pool, goal_id=goal_id,
                                 segment_id=segment_id, reasons=reasons)
            ranked = label_segments(ranked, members, segment_id)  # the one audience definition
            return _with_details(ranked, ranker, contacts)

        # The whole unmarked list, without reasons (Outreach's), keeps each row's place in the ranking: a
        # goal's first mark puts that list back in order instead of ranking everyone again.
        rows_key = ("ranked rows", version, goal_id, segment_id) if top is None and not reasons else None

        def base_again() -> pd.DataFrame:
            """The list the marks reorder: the unmarked list kept for the same reading, in the ranking's
            order again (a first mark ranked all again: 120 ms at 100,000 contacts), else ranked."""
            shown = kept_result(("contacts", version, goal_id, segment_id, None, None, False)) if rows_key else None
            rows = kept_result(rows_key) if shown is not None else None
            if rows is None or len(rows) != len(shown):
                return base()
            return shown.drop(columns=["rank", "to_learn"]).take(np.argsort(rows)).reset_index(drop=True)

        # With marks, the ranking the marks reorder is kept too, with its segments and details: the next
        # mark changes only the reorder (at 100,000 contacts 190 ms a mark, of which 120 ms ranking again
        # what had not changed, then 35 ms labelling and looking up the 97,000 rows again).
        ranked = memoized(("ranked", version, goal_id, segment_id, pool, reasons), base_again) if marks else base()
        if marks:
            ranked = feedback_order(ranked, marks, goals, ranker, now, version)
        elif rows_key:
            ranked = ranked.assign(**{_ROW: np.arange(len(ranked))})
        if segment_id is None:
            ranked = exploration.with_exploration(ranked, ranker, contacts, now.date())
        else:  # a segment asked for is shown as it is
            ranked = ranked.assign(to_learn=False)
        if _ROW in ranked:
            rows = ranked.pop(_ROW).to_numpy()
            memoized(rows_key, lambda: rows, rows=lambda value: len(value) // 32)  # a number a row
        if top is not None:  # (head(None) consolidates the whole list's columns: 17 ms at 100,000 after a mark)
            ranked = ranked.head(top)
        order = [c for c in ranked.columns if c not in _DETAILS] + list(_DETAILS)  # details last, as shown
        if list(ranked.columns) != order:
            ranked = ranked[order]
        ranked.insert(0, "rank", range(1, len(ranked) + 1))
        return ranked.reset_index(drop=True)

    key = ("contacts", version, goal_id, segment_id, top, marked, reasons)
    if top is not None:  # the first places of a whole list ranked already (Outreach's): no ranking again
        for whole_reasons in (reasons, False):
            whole = kept_result(("contacts", version, goal_id, segment_id, None, marked, whole_reasons))
            if whole is not None:
                first = whole.head(top).reset_index(drop=True)
                return with_reasons(store, first, goal_id, segment_id, now) if reasons and not whole_reasons \
                    else first
    ranked = memoized(key, compute)
    _keep_readings(store, ranker)
    return ranked


_DETAILS = ("company", "position")
_ROW = "_ranked_row"  # a row's place in the ranking, while the list is reordered to learn


def _with_details(ranked: pd.DataFrame, ranker: OpportunityRanker, contacts: pd.DataFrame) -> pd.DataFrame:
    """``ranked`` with each contact's company and position (``contacts`` holds the ranker's rows in
    its order)."""
    rows = ranker.positions_of(ranked["contact_id"])
    out = ranked.copy(deep=False)  # copy-on-write: the columns added here are this frame's own
    for column in _DETAILS:  # in the column's own dtype, as a join gives it
        taken = contacts[column].take(np.maximum(rows, 0)).where(rows >= 0)
        out[column] = taken.set_axis(ranked.index)
    return out


def _keep_readings(store: Store, ranker: OpportunityRanker) -> None:
    """Write the goals' readings beside the kept ranker when goals were read since (model_cache): a
    restart, or the next command, reads none of them again."""
    with _lock:
        fingerprint = _fingerprints.get(str(store.path))
        current = _fitted.get(str(store.path))
    if fingerprint is None or not model_cache.enabled():
        return
    if current is None or current[1].kept_readings() is not ranker.kept_readings():
        return  # a ranking made with a ranker since replaced (a refit in another thread): not this fit's
    saved = ranker.kept_readings().unsaved()
    if saved:
        model_cache.save_readings(store.path, fingerprint, saved)


def with_reasons(store: Store, rows: pd.DataFrame, goal_id: int | None = None, segment_id: int | None = None,
                 now: datetime | date | None = None) -> pd.DataFrame:
    """``rows`` of ``rank_contacts(store, goal_id, segment_id, reasons=False)`` (the page shown) with the
    reasons and next step ``rank_contacts`` writes, a place chosen to learn saying so first."""
    from .exploration import REASON

    now = _now(now)
    if rows.empty:
        return rows.assign(reasons=pd.Series(dtype=object), next_step=pd.Series(dtype=object))
    with store.session():
        goals = store.goals.all()
        ranker, _, key, _ = learning_ranker(store, goals, now)
    # Kept, like the list they explain: a page rerun for a click shows the same rows (Today's agenda, Outreach's
    # page), whose reasons took 14-18 ms of each run at 100,000 contacts. The key holds what they are written
    # from: the ranker and its goals (``key``: data version, day, goals), the goal or segment, the rows.
    written = memoized(("reasons", key, goal_id, segment_id, tuple(rows["contact_id"].tolist()),
                        tuple(rows["goal_id"].tolist())),
                       lambda: ranker.reasons_for(goals, now, rows["contact_id"], rows["goal_id"], goal_id, segment_id),
                       rows=lambda value: len(value[1]))
    reasons, steps = [list(r) for r in written[0]], list(written[1])  # the caller's own lists (the kept ones shared)
    if "to_learn" in rows:
        reasons = [[REASON, *r] if learn else r for r, learn in zip(reasons, rows["to_learn"].tolist())]
    return rows.assign(reasons=pd.Series(reasons, index=rows.index, dtype=object),
                       next_step=pd.Series(steps, index=rows.index, dtype=object))


def feedback_status(store: Store, goal_id: int | None = None) -> dict:
    """How many marks teach the ranking (of one goal, or of the active goals) and the sentence to show."""
    from .feedback import status_message

    with store.session():
        active = {g["id"] for g in store.goals.all(statuses=("active",))}
        marks = store.feedback.marks(goal_id)
    count = sum(len(m) for g, m in marks.items() if goal_id is not None or g in active)
    return {"marks": count, "message": status_message(count)}


def segment_membership(store: Store, now: datetime | date | None = None) -> pd.Series:
    """contact_id -> the segment (name) each contact counts under among the active goals' segments
    (engine.outreach.audience: the one audience definition)."""
    from .audience import memberships, segment_of

    return segment_of(memberships(store, now=now))


def explain_contact(store: Store, contact_id: int, now: datetime | date | None = None) -> dict:
    now = _now(now)
    with store.session():
        goals = store.goals.all()
        ranker, _, _, _ = learning_ranker(store, goals, now)
    return ranker.explain(contact_id, goals, now)
