"""Strategies to refine: what in the networking history says "change this", with the numbers.

Why Bayesian: reply counts are small (a dozen messages per channel), and raw rates mislead: 1 reply
from 5 against 3 from 5 looks like a 40-point gap but is mostly noise. Each rate gets a
Beta(1 + replies, 1 + misses) posterior (a flat prior), and a strategy is only called worse when
P(its rate < the best alternative's) is high, by Monte Carlo with a fixed seed so the same history
always gives the same flags and the same numbers. Every flag carries a stable ``key`` so a person
can dismiss it for good; a changed situation (a new set of cold contacts, a goal going from behind
to overdue) gets a new key and comes back. Pure functions: the lead reads the store, this decides.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy.special import betaincinv  # scipy.stats.beta.ppf's values, without SciPy's statistics (deferred.py)

from engine.clock import local_today
from engine.planning.pace import goal_pace
from engine.vocabulary import (
    CHANNEL_LABELS,
    MESSAGE_LENGTH_CHARS,
    MESSAGE_LENGTH_LABELS,
    REPLY_OUTCOMES,
    TIME_OF_DAY_HOURS,
    TIME_OF_DAY_LABELS,
    as_date,
    as_text,
    plural,
)

INTERVAL = 0.90  # equal-tailed credible interval of the reply-rate posterior
# Below 8 attempts a single reply moves the rate by 12 points or more: too few to call a strategy
# worse, however the dice fell. Both the strategy and the best alternative need this many.
MIN_ATTEMPTS = 8
WORSE_PROBABILITY = 0.9  # flag when P(this rate < the best alternative's) reaches this
DRAWS, SEED = 20_000, 20240601  # Monte Carlo draws per comparison; the fixed seed makes P reproducible
FEW_CONTACTS = 5  # a segment with fewer matching contacts is a gap (engine.audience.GAP_BELOW agrees)
TEMPLATE_GRACE_DAYS = 14  # a template gets two weeks before "never used" means anything
EVENT_WINDOW_DAYS = 30  # an event pays off when someone met there answers or meets within this
TOP_NAMES = 3  # names quoted in the contacts-going-cold flag
NO_TEMPLATE = "your own words"  # outreach sent without a template is a strategy too
RATE_COLUMNS = ["attempts", "replies", "rate", "mean", "low", "high"]


@dataclass(frozen=True)
class Flag:
    kind: str  # the family: strategy_worse, goal_behind_pace, segment_without_coverage, ...
    key: str  # stable id for dismissals
    title: str
    evidence: str  # a plain sentence with the numbers
    suggestion: str  # what to change
    severity: int  # 1 (worth a look) .. 3 (act now)

    def to_dict(self) -> dict:
        return asdict(self)


def _col(frame: pd.DataFrame, name: str, default=None) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(default, index=frame.index, dtype=object)


def _replied(frame: pd.DataFrame) -> pd.Series:
    return _col(frame, "outcome").isin(REPLY_OUTCOMES)


def _outreach(interactions: pd.DataFrame) -> pd.DataFrame:
    return interactions[_col(interactions, "kind").eq("outreach")]


def _pct(value: float) -> str:
    return f"{value:.0%}"


def reply_rate_table(interactions: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Reply rate of outreach grouped by ``by`` (e.g. ["channel"], ["template"], ["goal"]).

    Columns: the ``by`` columns, attempts, replies, rate, and the Beta posterior's mean and 90%
    credible interval low/high, most attempts first. Missing group values stay one group (NaN).
    """
    by = list(by)
    rows = _outreach(interactions)
    if rows.empty:
        return pd.DataFrame(columns=by + RATE_COLUMNS)
    work = pd.DataFrame({name: _col(rows, name) for name in by})
    work["_reply"] = _replied(rows).astype(int)
    table = work.groupby(by, dropna=False, sort=True)["_reply"].agg(attempts="count", replies="sum").reset_index()
    hits, misses = 1 + table["replies"], 1 + table["attempts"] - table["replies"]
    table["rate"] = table["replies"] / table["attempts"]
    table["mean"] = hits / (hits + misses)
    table["low"] = betaincinv(hits, misses, (1 - INTERVAL) / 2)
    table["high"] = betaincinv(hits, misses, 1 - (1 - INTERVAL) / 2)
    return table.sort_values("attempts", ascending=False, kind="stable").reset_index(drop=True)[by + RATE_COLUMNS]


LENGTH_MIN_ATTEMPTS = 5  # a length group counts toward "informative" from this many messages


def reply_rate_by_length(interactions: pd.DataFrame) -> pd.DataFrame | None:
    """Reply rate of outreach by message length (``MESSAGE_LENGTH_LABELS``), or None where that
    says nothing: fewer than two length groups with LENGTH_MIN_ATTEMPTS messages each (most
    outreach logged by hand has no length; the archive's and the drafts' have)."""
    rows = _outreach(interactions)
    lengths = pd.to_numeric(_col(rows, "message_length"), errors="coerce") if not rows.empty else pd.Series()
    known = rows[lengths.notna().to_numpy()] if not rows.empty else rows
    if known.empty:
        return None
    groups = np.digitize(lengths[lengths.notna()].to_numpy(dtype=float), MESSAGE_LENGTH_CHARS)
    labelled = known.assign(**{"message length": [MESSAGE_LENGTH_LABELS[g] for g in groups]})
    table = reply_rate_table(labelled, ["message length"])
    return table if int((table["attempts"] >= LENGTH_MIN_ATTEMPTS).sum()) >= 2 else None


def reply_rate_by_time_of_day(interactions: pd.DataFrame) -> pd.DataFrame | None:
    """Reply rate of outreach by the part of the day it was sent (``TIME_OF_DAY_LABELS``, the
    user's local time), or None where that says nothing, as for lengths. Only outreach whose moment
    is known counts: the archive's messages and the calendar's meetings have one, a log by hand a
    date only."""
    rows = _outreach(interactions)
    moments = pd.to_datetime(_col(rows, "occurred_at"), errors="coerce") if not rows.empty else pd.Series()
    known = rows[moments.notna().to_numpy()] if not rows.empty else rows
    if known.empty:
        return None
    parts = np.digitize(moments[moments.notna()].dt.hour.to_numpy(), TIME_OF_DAY_HOURS)  # 0 and 4: the night
    labelled = known.assign(**{"time of day": [TIME_OF_DAY_LABELS[(p - 1) % 4] for p in parts]})
    table = reply_rate_table(labelled, ["time of day"])
    return table if int((table["attempts"] >= LENGTH_MIN_ATTEMPTS).sum()) >= 2 else None


def prob_worse(replies: int, attempts: int, best_replies: int, best_attempts: int) -> float:
    """P(rate < best rate) under the two Beta posteriors, by Monte Carlo with the fixed seed."""
    rng = np.random.default_rng(SEED)
    this = rng.beta(1 + replies, 1 + attempts - replies, DRAWS)
    best = rng.beta(1 + best_replies, 1 + best_attempts - best_replies, DRAWS)
    return float(np.mean(this < best))


_SUGGESTIONS = {
    "channel": "Move this kind of outreach from {this} to {best}, or rework what you send on {this}.",
    "template": "Rewrite the template \u201c{this}\u201d (opening, ask, length) or use \u201c{best}\u201d instead.",
    "channel+template": "Send {best} instead of {this}, or rewrite the template.",
    "segment": "Rethink the approach to {this}: reuse what works with {best}, or aim less outreach there.",
}


def _strategy_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Keys (stable: channel code, template id) and labels (readable) for every strategy dimension."""
    channel = _col(rows, "channel").map(as_text)
    tpl_id = _col(rows, "template_id").map(lambda v: as_text(v).removesuffix(".0"))
    tpl_name = _col(rows, "template").map(as_text)
    work = pd.DataFrame({
        "channel_key": channel.replace("", "none"),
        "channel_label": channel.map(lambda c: CHANNEL_LABELS.get(c, c or "no channel")),
        "template_key": tpl_id.where(tpl_id != "", tpl_name).replace("", "none"),
        "template_label": tpl_name.where(tpl_name != "", tpl_id.map(lambda t: f"template {t}" if t else NO_TEMPLATE)),
        "reply": _replied(rows).astype(int),
    }, index=rows.index)
    if "segment" in rows.columns:
        segment = rows["segment"].map(as_text)
        work["segment_key"] = segment.replace("", "none")
        work["segment_label"] = segment.replace("", "people outside your segments")
    return work


def strategy_flags(interactions: pd.DataFrame) -> list[Flag]:
    """Channels, templates, channel+template pairs and segments credibly worse than the best of
    their own dimension. A pair whose outreach is exactly a channel's or template's already
    flagged (each template used on one channel) is not flagged twice."""
    rows = _outreach(interactions)
    if rows.empty:
        return []
    work = _strategy_frame(rows)
    dims = [("channel", ["channel"]), ("template", ["template"])]
    dims += [("segment", ["segment"])] if "segment_key" in work.columns else []
    dims += [("channel+template", ["channel", "template"])]
    flags, seen = [], set()
    for dim, parts in dims:
        groups = []
        for keys, group in work.groupby([f"{p}_key" for p in parts], sort=True):
            label = " + ".join(group[f"{p}_label"].iloc[0] for p in parts)
            n, r = len(group), int(group["reply"].sum())
            if n >= MIN_ATTEMPTS:
                groups.append(("|".join(keys), label, n, r, frozenset(group.index)))
        if len(groups) < 2:
            continue
        best = max(groups, key=lambda g: (1 + g[3]) / (2 + g[2]))
        for key, label, n, r, ids in groups:
            if key == best[0] or (ids, best[4]) in seen:
                continue
            p = prob_worse(r, n, best[3], best[2])
            if p < WORSE_PROBABILITY:
                continue
            seen.add((ids, best[4]))
            shown = "> 0.99" if p > 0.995 else f"= {p:.2f}"
            evidence = (f"{label}: {plural(r, 'reply')} from {n} ({_pct(r / n)}); {best[1]}: {best[3]} from {best[2]} "
                        f"({_pct(best[3] / best[2])}); P(worse) {shown}")
            # A segment names people ("Fintech recruiters"): what gets fewer replies is the outreach to them.
            title = (f"Outreach to {label} gets fewer replies than outreach to {best[1]}" if dim == "segment"
                     else f"{label} gets fewer replies than {best[1]}")
            flags.append(Flag("strategy_worse", f"strategy_worse:{dim}:{key}", title, evidence,
                              _SUGGESTIONS[dim].format(this=label, best=best[1]), 3 if p >= 0.99 else 2))
    return flags


def _goal_label(goal: dict) -> str:
    return f"\u201c{as_text(goal.get('title')) or 'untitled goal'}\u201d"


def pace_flags(goals: list[dict], progress_by_goal: dict, today: date) -> list[Flag]:
    """Active goals behind their straight-line pace, or past due and not met. A goal missing from
    ``progress_by_goal`` is skipped: an uncounted goal is not a goal at zero."""
    flags = []
    for goal in goals:
        if goal.get("status", "active") != "active" or goal.get("id") not in progress_by_goal:
            continue
        if not goal.get("target") or as_date(goal.get("due_date")) is None:
            continue
        pace = goal_pace(progress_by_goal[goal["id"]], goal["target"], goal.get("created_at"), goal["due_date"],
                         today)
        if pace.status not in ("behind", "overdue"):
            continue
        metric = as_text(goal.get("metric")) or "conversations"
        done = f"{pace.progress} of {pace.target} {metric.replace('_', ' ')}"
        if pace.status == "overdue":
            evidence = f"{done} done, and the due date passed {plural(-pace.days_left, 'day')} ago."
            suggestion = "Set a new due date you can keep, lower the target, or close the goal."
        else:
            evidence = (f"{done} done; {pace.expected_now:.1f} expected by now ({_pct(pace.share_time)} of the time "
                        f"gone). {pace.target - pace.progress} to go in {plural(pace.days_left, 'day')}: about "
                        f"{pace.needed_per_week:.1f} a week.")
            suggestion = (f"Plan about {np.ceil(pace.needed_per_week):.0f} a week from now on, or move the due date "
                          "or the target to something you can keep.")
        flags.append(Flag("goal_behind_pace", f"goal_behind_pace:{goal['id']}:{pace.status}",
                          f"Goal {_goal_label(goal)} is {pace.status}", evidence, suggestion,
                          3 if pace.status == "overdue" else 2))
    return flags


def coverage_flags(coverage: list[dict]) -> list[Flag]:
    """Segments with no or few matching contacts: the audience a goal aims at is barely in the network."""
    flags = []
    for entry in coverage:
        count = int(entry.get("count") or 0)
        if count >= FEW_CONTACTS:
            continue
        goal, segment = as_text(entry.get("goal_title")), as_text(entry.get("segment_name"))
        who = "no matching contacts" if count == 0 else f"only {count} matching contact{'s' * (count != 1)}"
        flags.append(Flag(
            "segment_without_coverage",  # by id: two segments of the same name are two flags
            f"segment_without_coverage:{entry['segment_id']}" if entry.get("segment_id") is not None
            else f"segment_without_coverage:{goal}:{segment}",
            f"Segment \u201c{segment}\u201d has {'no' if count == 0 else 'few'} contacts",
            f"Segment \u201c{segment}\u201d of goal \u201c{goal}\u201d: {who} (a segment needs at least "
            f"{FEW_CONTACTS}).",
            "Widen the segment's roles or companies, import more contacts, or go to events where these people are.",
            2 if count == 0 else 1))
    return flags


def template_flags(templates: list[dict], usage: dict, today: date) -> list[Flag]:
    """Templates written and never sent. Starter templates (``builtin``) are suggestions, not the
    user's work, and are left out; a template gets ``TEMPLATE_GRACE_DAYS`` when its age is known."""
    flags = []
    counts = {as_text(k).removesuffix(".0"): int(v or 0) for k, v in usage.items()}
    for template in templates:
        if template.get("builtin") is True or counts.get(as_text(template.get("id")), 0) > 0:
            continue
        created = as_date(template.get("created_at"))
        if created is not None and (today - created).days < TEMPLATE_GRACE_DAYS:
            continue
        name = as_text(template.get("name")) or f"template {template.get('id')}"
        age = f", written {plural((today - created).days, 'day')} ago" if created else ""
        flags.append(Flag("template_never_used", f"template_never_used:{template.get('id')}",
                          f"Template \u201c{name}\u201d was never used",
                          f"\u201c{name}\u201d has been sent 0 times{age}.",
                          "Use it in your next outreach to see how it does, or delete it to keep the list short.", 1))
    return flags


def pitch_flags(goals: list[dict], pitches_by_goal: dict) -> list[Flag]:
    """Active goals without a pitch of their own (the general pitch, key None, is only a fallback)."""
    general = bool(pitches_by_goal.get(None))
    flags = []
    for goal in goals:
        if goal.get("status", "active") != "active" or pitches_by_goal.get(goal.get("id")):
            continue
        fallback = " Messages fall back on your general pitch." if general else " There is no general pitch either."
        flags.append(Flag("pitch_missing", f"pitch_missing:{goal.get('id')}",
                          f"Goal {_goal_label(goal)} has no pitch",
                          f"No pitch is saved for goal {_goal_label(goal)}.{fallback}",
                          "Write a short pitch for this goal: who you are, what you are after, and the ask.",
                          1 if general else 2))
    return flags


def cold_flags(losing_touch: pd.DataFrame) -> list[Flag]:
    """One flag for all contacts past their keep-in-touch cadence, naming the longest gaps. Its key
    is a digest of who is overdue, so dismissing it holds until someone else goes cold."""
    cold = losing_touch[_col(losing_touch, "status").eq("overdue")]
    if cold.empty:
        return []
    order = next((c for c in ("overdue_by", "days_since") if c in cold.columns), None)
    if order:
        cold = cold.sort_values(order, ascending=False, kind="stable")
    ids = sorted(as_text(v) for v in (cold["id"] if "id" in cold.columns else _col(cold, "full_name")))
    digest = hashlib.sha1(",".join(ids).encode()).hexdigest()[:10]
    names = []
    for record in cold.head(TOP_NAMES).to_dict("records"):
        since = record.get("days_since")
        name = as_text(record.get("full_name")) or "a contact"
        names.append(f"{name} ({plural(int(since), 'day')})" if as_text(since) else name)
    more = f" and {len(cold) - TOP_NAMES} more" if len(cold) > TOP_NAMES else ""
    n = len(cold)
    return [Flag("contacts_going_cold", f"contacts_going_cold:{digest}",
                 f"{n} contact{'s are' if n != 1 else ' is'} going cold",
                 f"{n} contact{'s are' if n != 1 else ' is'} past the keep-in-touch cadence: {', '.join(names)}{more}.",
                 "Send a short check-in to the longest gaps this week, or relax cadences that do not fit.",
                 3 if n >= 10 else 2 if n >= 3 else 1)]


def event_flags(interactions: pd.DataFrame, today: date) -> list[Flag]:
    """Events attended (``kind == "event"`` rows with an event id, one per person met) where nobody
    met there replied, met or wrote within ``EVENT_WINDOW_DAYS``. Only events whose window has
    closed are judged, so an event attended last week is not called a failure yet."""
    kind = _col(interactions, "kind")
    attended = interactions[kind.eq("event") & _col(interactions, "event_id").notna()]
    if attended.empty:
        return []
    answered = interactions[kind.ne("event") & (_replied(interactions) | kind.isin(["inbound", "meeting"]))]
    answers = [(c, as_date(d)) for c, d in zip(_col(answered, "contact_id"), _col(answered, "occurred_on"))]
    flags = []
    for event_id, rows in attended.groupby("event_id", sort=True):
        day = min((as_date(d) for d in _col(rows, "occurred_on")), key=lambda d: d or date.max)
        if day is None:
            continue
        if day + timedelta(days=EVENT_WINDOW_DAYS) > today:
            continue
        met = {c for c in _col(rows, "contact_id").dropna()}
        end = day + timedelta(days=EVENT_WINDOW_DAYS)
        if any(c in met and d is not None and day <= d <= end for c, d in answers):
            continue
        title = as_text(_col(rows, "event").iloc[0]) or f"event {as_text(event_id).removesuffix('.0')}"
        who = (f"you met {len(met)} {'people' if len(met) != 1 else 'person'} there, and none replied or met "
               f"you within {EVENT_WINDOW_DAYS} days" if met else "you logged nobody you met there")
        flags.append(Flag("events_low_yield", f"events_low_yield:{as_text(event_id).removesuffix('.0')}",
                          f"\u201c{title}\u201d led nowhere yet",
                          f"\u201c{title}\u201d ({day:%d %b %Y}): {who}.",
                          "Follow up within a few days with the people you meet, and favour events that draw "
                          "your goals' audience.", 2 if met else 1))
    return flags


def refinement_flags(interactions: pd.DataFrame | None = None, goals: list[dict] | None = None,
                     progress_by_goal: dict[int, int] | None = None, coverage: list[dict] | None = None,
                     templates: list[dict] | None = None, template_usage: dict[int, int] | None = None,
                     pitches_by_goal: dict | None = None, losing_touch: pd.DataFrame | None = None,
                     today: date | None = None, dismissed: set[str] | None = None) -> list[Flag]:
    """Every flag the inputs support, minus dismissed keys, most severe first (ties keep family order).

    Each argument is optional: None skips the families that need it (pace needs goals and progress,
    pitches need goals and ``pitches_by_goal`` ({goal id or None: latest pitch text}), templates use
    ``template_usage`` or else count ``template_id`` in ``interactions``).
    """
    today = as_date(today) or local_today()
    flags: list[Flag] = []
    if interactions is not None:
        flags += strategy_flags(interactions) + event_flags(interactions, today)
    if goals is not None and progress_by_goal is not None:
        flags += pace_flags(goals, progress_by_goal, today)
    if goals is not None and pitches_by_goal is not None:
        flags += pitch_flags(goals, pitches_by_goal)
    if coverage is not None:
        flags += coverage_flags(coverage)
    if templates is not None and template_usage is None and interactions is not None:
        template_usage = _col(interactions, "template_id").dropna().value_counts().to_dict()
    if templates is not None and template_usage is not None:
        flags += template_flags(templates, template_usage, today)
    if losing_touch is not None:
        flags += cold_flags(losing_touch)
    dismissed = set(dismissed or ())
    unique = {f.key: f for f in flags if f.key not in dismissed}
    return sorted(unique.values(), key=lambda f: -f.severity)
