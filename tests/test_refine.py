"""Strategies to refine and goal pace, on constructed histories whose right answer is known."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from scipy import integrate
from scipy.stats import beta

from engine.insights.refine import (
    MIN_ATTEMPTS,
    Flag,
    prob_worse,
    refinement_flags,
    reply_rate_table,
)
from engine.planning.pace import BEHIND_TOLERANCE, goal_pace, progress_series

TODAY = date(2024, 6, 1)


def outreach(channel: str, attempts: int, replies: int, template_id: int | None = None,
             template: str | None = None, segment: str | None = None, reply_outcome: str = "replied") -> list[dict]:
    """``attempts`` outreach rows of which the first ``replies`` got an answer."""
    return [{"kind": "outreach", "channel": channel, "template_id": template_id, "template": template,
             "segment": segment, "occurred_on": TODAY - timedelta(days=40 + i), "contact_id": 1000 + i,
             "outcome": reply_outcome if i < replies else "no_response"} for i in range(attempts)]


def frame(*groups: list[dict]) -> pd.DataFrame:
    rows = [row for group in groups for row in group]
    out = pd.DataFrame(rows)
    out.insert(0, "id", range(1, len(out) + 1))
    return out


def strategy(flags: list[Flag]) -> list[Flag]:
    return [f for f in flags if f.kind == "strategy_worse"]


def exact_prob_worse(r1: int, n1: int, r2: int, n2: int) -> float:
    """P(X < Y) for X ~ Beta(1+r1, 1+n1-r1), Y ~ Beta(1+r2, 1+n2-r2), by numerical integration."""
    x, y = beta(1 + r1, 1 + n1 - r1), beta(1 + r2, 1 + n2 - r2)
    return integrate.quad(lambda t: x.cdf(t) * y.pdf(t), 0, 1)[0]


# -- reply rates and strategy flags -------------------------------------------------------------------------
def test_clearly_worse_channel_is_flagged_with_the_right_numbers():
    history = frame(outreach("email", 30, 2), outreach("linkedin_message", 30, 15))
    flags = strategy(refinement_flags(history, today=TODAY))
    assert [f.key for f in flags] == ["strategy_worse:channel:email"]
    flag = flags[0]
    assert flag.evidence == ("E-mail: 2 replies from 30 (7%); LinkedIn message: 15 from 30 (50%); "
                             "P(worse) > 0.99")
    assert flag.severity == 3
    assert "LinkedIn message" in flag.suggestion and "E-mail" in flag.title


def test_evidence_probability_matches_the_exact_posterior_comparison():
    history = frame(outreach("email", 18, 2), outreach("linkedin_message", 20, 9))
    [flag] = strategy(refinement_flags(history, today=TODAY))
    p = prob_worse(2, 18, 9, 20)
    assert abs(p - exact_prob_worse(2, 18, 9, 20)) < 0.01
    assert flag.evidence == f"E-mail: 2 replies from 18 (11%); LinkedIn message: 9 from 20 (45%); P(worse) = {p:.2f}"
    assert flag.severity == (3 if p >= 0.99 else 2)


@pytest.mark.parametrize(("worse", "better"), [((1, 5), (3, 5)), ((3, 10), (5, 10)), ((0, 7), (7, 7))])
def test_noisy_or_small_samples_are_not_flagged(worse, better):
    history = frame(outreach("email", worse[1], worse[0]), outreach("linkedin_message", better[1], better[0]))
    assert strategy(refinement_flags(history, today=TODAY)) == []


def test_min_attempts_is_the_only_thing_holding_back_a_lopsided_small_sample():
    assert prob_worse(0, MIN_ATTEMPTS - 1, MIN_ATTEMPTS - 1, MIN_ATTEMPTS - 1) > 0.99
    under = frame(outreach("email", MIN_ATTEMPTS - 1, 0), outreach("phone", MIN_ATTEMPTS - 1, MIN_ATTEMPTS - 1))
    at = frame(outreach("email", MIN_ATTEMPTS, 0), outreach("phone", MIN_ATTEMPTS, MIN_ATTEMPTS))
    assert strategy(refinement_flags(under, today=TODAY)) == []
    assert [f.key for f in strategy(refinement_flags(at, today=TODAY))] == ["strategy_worse:channel:email"]


def test_equal_channels_are_not_flagged_and_p_is_near_a_half():
    history = frame(outreach("email", 30, 10), outreach("linkedin_message", 30, 10))
    assert strategy(refinement_flags(history, today=TODAY)) == []
    assert abs(prob_worse(10, 30, 10, 30) - 0.5) < 0.02


def test_worse_template_is_flagged_once_not_again_as_a_channel_template_pair():
    history = frame(outreach("email", 20, 1, template_id=7, template="Cold intro"),
                    outreach("email", 20, 10, template_id=8, template="Warm ask"))
    flags = strategy(refinement_flags(history, today=TODAY))
    assert [f.key for f in flags] == ["strategy_worse:template:7"]
    assert flags[0].evidence.startswith("Cold intro: 1 reply from 20 (5%); Warm ask: 10 from 20 (50%)")
    assert "Rewrite the template" in flags[0].suggestion


def test_pair_is_flagged_when_only_the_combination_is_worse():
    # Each template works on one channel only: neither a channel nor a template alone is worse.
    history = frame(outreach("email", 20, 9, template_id=7, template="Intro"),
                    outreach("linkedin_message", 20, 1, template_id=7, template="Intro"),
                    outreach("email", 20, 2, template_id=8, template="Ask"),
                    outreach("linkedin_message", 20, 10, template_id=8, template="Ask"))
    keys = [f.key for f in strategy(refinement_flags(history, today=TODAY))]
    assert sorted(keys) == ["strategy_worse:channel+template:email|8",
                            "strategy_worse:channel+template:linkedin_message|7"]
    assert not any(k.startswith(("strategy_worse:channel:", "strategy_worse:template:")) for k in keys)


def test_segment_dimension_only_when_the_column_is_present():
    history = frame(outreach("email", 20, 1, segment="Recruiters"), outreach("email", 20, 11, segment="Founders"))
    (flag,) = strategy(refinement_flags(history, today=TODAY))
    assert flag.key == "strategy_worse:segment:Recruiters"
    assert flag.title == "Outreach to Recruiters gets fewer replies than outreach to Founders"
    assert strategy(refinement_flags(history.drop(columns="segment"), today=TODAY)) == []
    outside = frame(outreach("email", 20, 1, segment=None), outreach("email", 20, 11, segment="Founders"))
    (flag,) = strategy(refinement_flags(outside, today=TODAY))
    assert flag.title.startswith("Outreach to people outside your segments gets fewer replies")
    assert flag.suggestion.startswith("Rethink the approach to people outside your segments:")


def test_reply_rate_table_counts_only_outreach_and_answered_outcomes():
    rows = outreach("email", 10, 0)
    for row, outcome in zip(rows, ["replied", "meeting", "referral", "opportunity", "declined", None]):
        row["outcome"] = outcome
    rows.append({"kind": "inbound", "channel": "email", "outcome": "replied", "occurred_on": TODAY})
    rows.append({"kind": "meeting", "channel": "email", "outcome": "meeting", "occurred_on": TODAY})
    table = reply_rate_table(frame(rows), ["channel"])
    assert table[["channel", "attempts", "replies"]].to_dict("records") == [
        {"channel": "email", "attempts": 10, "replies": 4}]
    assert table["rate"].iloc[0] == pytest.approx(0.4)
    assert table["mean"].iloc[0] == pytest.approx(5 / 12)


def test_posterior_interval_contains_the_rate_and_narrows_with_more_attempts():
    small = reply_rate_table(frame(outreach("email", 20, 6)), ["channel"]).iloc[0]
    large = reply_rate_table(frame(outreach("email", 200, 60)), ["channel"]).iloc[0]
    for row in (small, large):
        assert row["low"] < row["rate"] < row["high"]
        assert row["low"] == pytest.approx(beta.ppf(0.05, 1 + row["replies"], 1 + row["attempts"] - row["replies"]))
    assert large["high"] - large["low"] < (small["high"] - small["low"]) / 2


def test_reply_rate_table_by_two_columns_and_empty_input():
    history = frame(outreach("email", 10, 3, template="A"), outreach("email", 5, 5, template="B"))
    table = reply_rate_table(history, ["channel", "template"])
    assert list(table.columns) == ["channel", "template", "attempts", "replies", "rate", "mean", "low", "high"]
    assert table[["template", "attempts", "replies"]].values.tolist() == [["A", 10, 3], ["B", 5, 5]]
    empty = reply_rate_table(pd.DataFrame(columns=["kind", "channel", "outcome"]), ["channel"])
    assert empty.empty and "attempts" in empty.columns


def test_same_input_gives_the_same_probability_and_flags():
    history = frame(outreach("email", 18, 2), outreach("linkedin_message", 20, 9))
    assert prob_worse(2, 18, 9, 20) == prob_worse(2, 18, 9, 20)
    first = [f.to_dict() for f in refinement_flags(history, today=TODAY)]
    shuffled = history.sample(frac=1, random_state=3)
    assert first == [f.to_dict() for f in refinement_flags(shuffled, today=TODAY)]


# -- pace ---------------------------------------------------------------------------------------------
START, DUE = date(2024, 1, 1), date(2024, 1, 1) + timedelta(days=70)
HALFWAY = START + timedelta(days=35)


def test_halfway_with_half_done_is_on_pace():
    pace = goal_pace(10, 20, START, DUE, HALFWAY)
    assert pace.status == "on pace"
    assert pace.expected_now == pytest.approx(10.0) and pace.share_time == pytest.approx(0.5)
    assert pace.share_done == pytest.approx(0.5) and pace.days_left == 35
    assert pace.needed_per_week == pytest.approx(10 / 5)


def test_halfway_with_a_tenth_done_is_behind_and_needs_the_right_weekly_rate():
    pace = goal_pace(2, 20, START, DUE, HALFWAY)
    assert pace.status == "behind"
    assert pace.needed_per_week == pytest.approx(18 / 5)


def test_behind_tolerance_boundary():
    assert BEHIND_TOLERANCE == 0.8
    assert goal_pace(8, 20, START, DUE, HALFWAY).status == "on pace"  # exactly 80% of the 10 expected
    assert goal_pace(7, 20, START, DUE, HALFWAY).status == "behind"


def test_past_due_and_not_done_is_overdue():
    pace = goal_pace(15, 20, START, DUE, DUE + timedelta(days=3))
    assert pace.status == "overdue" and pace.days_left == -3 and pace.needed_per_week is None
    assert pace.expected_now == pytest.approx(20.0)


def test_due_today_is_not_overdue_and_needs_everything_left_this_week():
    pace = goal_pace(17, 20, START, DUE, DUE)
    assert pace.status == "on pace" and pace.days_left == 0 and pace.needed_per_week == pytest.approx(3)
    assert goal_pace(15, 20, START, DUE, DUE).status == "behind"  # 75% of the whole target, expected today


def test_done_including_beyond_target_and_late():
    assert goal_pace(20, 20, START, DUE, HALFWAY).status == "done"
    beyond = goal_pace(25, 20, START, DUE, HALFWAY)
    assert beyond.status == "done" and beyond.share_done == pytest.approx(1.25) and beyond.needed_per_week == 0
    assert goal_pace(20, 20, START, DUE, DUE + timedelta(days=30)).status == "done"


def test_zero_or_missing_target():
    for target in (0, None):
        pace = goal_pace(5, target, START, DUE, HALFWAY)
        assert pace.status == "no target" and pace.needed_per_week is None and pace.share_done == 0
    undated = goal_pace(5, 10, START, None, HALFWAY)  # a target without a date: nothing to pace either
    assert undated.status == "no due date" and undated.needed_per_week is None and undated.share_done == 0.5
    assert goal_pace(10, 10, START, None, HALFWAY).status == "done"


def test_due_before_created_expects_everything_at_once():
    created, due = date(2024, 3, 1), date(2024, 2, 1)
    assert goal_pace(3, 10, created, due, date(2024, 3, 5)).status == "overdue"
    early = goal_pace(3, 10, created, due, date(2024, 1, 20))
    assert early.share_time == 1.0 and early.expected_now == 10 and early.status == "behind"
    assert goal_pace(3, 10, due, due, due).expected_now == 10  # due the day it was created


def test_timestamps_are_accepted_for_created_and_due():
    pace = goal_pace(10, 20, pd.Timestamp("2024-01-01 15:30"), pd.Timestamp(DUE), pd.Timestamp(HALFWAY))
    assert pace.status == "on pace" and pace.share_time == pytest.approx(0.5)


def test_progress_series_weekly_points_with_actual_and_needed():
    events = pd.Series([START + timedelta(days=d) for d in (1, 2, 9, 30)] + [None])
    series = progress_series(events, START, DUE, target=20)
    assert list(series.columns) == ["date", "actual", "needed"]
    assert len(series) == 11 and series["date"].iloc[-1] == pd.Timestamp(DUE)
    assert (series["date"].diff().dropna() == pd.Timedelta(days=7)).all()
    assert series["actual"].tolist()[:6] == [0, 2, 3, 3, 3, 4]
    assert series["needed"].iloc[0] == 0 and series["needed"].iloc[-1] == 20
    assert series["needed"].iloc[5] == pytest.approx(10)


def test_progress_series_stops_actual_at_today_and_runs_past_due_to_today():
    events = [START + timedelta(days=3)]
    now = START + timedelta(days=10)
    series = progress_series(events, START, DUE, 20, today=now)
    assert pd.Timestamp(now) in set(series["date"])
    assert series.loc[series["date"] > pd.Timestamp(now), "actual"].isna().all()
    assert series.loc[series["date"] == pd.Timestamp(now), "actual"].item() == 1
    late = progress_series(events, START, DUE, 20, today=DUE + timedelta(days=20))
    assert late["date"].iloc[-1] == pd.Timestamp(DUE + timedelta(days=20)) and late["needed"].iloc[-1] == 20


# -- the other flags ----------------------------------------------------------------------------------
GOALS = [
    {"id": 1, "title": "Find a job", "metric": "conversations", "target": 20, "created_at": pd.Timestamp(START),
     "due_date": DUE, "status": "active"},
    {"id": 2, "title": "Meet founders", "metric": "meetings", "target": 10, "created_at": pd.Timestamp(START),
     "due_date": date(2024, 2, 1), "status": "active"},
    {"id": 3, "title": "Paused", "target": 10, "created_at": pd.Timestamp(START), "due_date": DUE,
     "status": "paused"},
    {"id": 4, "title": "On pace", "target": 10, "created_at": pd.Timestamp(START), "due_date": DUE,
     "status": "active"},
]


def test_goal_behind_pace_flags_active_goals_behind_or_overdue():
    progress = {1: 2, 2: 4, 3: 0, 4: 5}
    flags = refinement_flags(goals=GOALS, progress_by_goal=progress, today=HALFWAY)
    by_key = {f.key: f for f in flags}
    assert set(by_key) == {"goal_behind_pace:1:behind", "goal_behind_pace:2:overdue"}
    behind = by_key["goal_behind_pace:1:behind"]
    assert "2 of 20 conversations" in behind.evidence and "about 3.6 a week" in behind.evidence
    assert by_key["goal_behind_pace:2:overdue"].severity == 3 and behind.severity == 2
    assert [f.severity for f in flags] == [3, 2]  # most severe first
    assert refinement_flags(goals=GOALS, progress_by_goal={4: 5}, today=HALFWAY) == []  # uncounted goals skipped


def test_dismissed_keys_are_not_returned_and_keys_are_stable():
    progress = {1: 2, 2: 4}
    first = refinement_flags(goals=GOALS, progress_by_goal=progress, today=HALFWAY)
    second = refinement_flags(goals=GOALS, progress_by_goal=progress, today=HALFWAY + timedelta(days=1))
    assert [f.key for f in first] == [f.key for f in second]
    kept = refinement_flags(goals=GOALS, progress_by_goal=progress, today=HALFWAY,
                            dismissed={"goal_behind_pace:2:overdue"})
    assert [f.key for f in kept] == ["goal_behind_pace:1:behind"]


def test_template_never_used():
    templates = [{"id": 1, "name": "Old unused", "created_at": pd.Timestamp(TODAY - timedelta(days=30))},
                 {"id": 2, "name": "Used", "created_at": pd.Timestamp(TODAY - timedelta(days=30))},
                 {"id": 3, "name": "Brand new", "created_at": pd.Timestamp(TODAY - timedelta(days=3))},
                 {"id": 4, "name": "No date"},
                 {"id": 5, "name": "Starter", "builtin": True}]
    flags = refinement_flags(templates=templates, template_usage={2: 4}, today=TODAY)
    assert [f.key for f in flags] == ["template_never_used:1", "template_never_used:4"]
    assert "30 days ago" in flags[0].evidence
    assert refinement_flags(templates=templates[1:2], template_usage={2: 4}, today=TODAY) == []
    # without template_usage, the interactions' template ids count (a float column from the store)
    used = frame(outreach("email", 2, 0, template_id=1), outreach("email", 1, 0, template_id=4),
                 outreach("email", 1, 0, template_id=2), outreach("email", 1, 0))
    assert used["template_id"].dtype == float
    flags = refinement_flags(used, templates=templates, today=TODAY)
    assert [f for f in flags if f.kind == "template_never_used"] == []


def test_pitch_missing():
    flags = refinement_flags(goals=GOALS, pitches_by_goal={2: "I help founders...", 4: "Hi"}, today=TODAY)
    assert [(f.key, f.severity) for f in flags] == [("pitch_missing:1", 2)]
    with_general = refinement_flags(goals=GOALS, pitches_by_goal={None: "general", 2: "x", 4: "y"}, today=TODAY)
    assert [(f.key, f.severity) for f in with_general] == [("pitch_missing:1", 1)]
    assert refinement_flags(goals=GOALS, pitches_by_goal={1: "a", 2: "b", 4: "c"}, today=TODAY) == []


def test_segment_without_coverage():
    coverage = [{"goal_title": "Find a job", "segment_name": "Hiring managers", "count": 0},
                {"goal_title": "Find a job", "segment_name": "Recruiters", "count": 3},
                {"goal_title": "Find a job", "segment_name": "Engineers", "count": 12}]
    flags = refinement_flags(coverage=coverage, today=TODAY)
    assert [(f.key, f.severity) for f in flags] == [
        ("segment_without_coverage:Find a job:Hiring managers", 2),
        ("segment_without_coverage:Find a job:Recruiters", 1)]
    assert "only 3 matching contacts" in flags[1].evidence
    assert refinement_flags(coverage=coverage[2:], today=TODAY) == []


def test_contacts_going_cold():
    touch = pd.DataFrame([
        {"id": 1, "full_name": "Ana Ruiz", "status": "overdue", "days_since": 90, "overdue_by": 30},
        {"id": 2, "full_name": "Bo Li", "status": "overdue", "days_since": 120, "overdue_by": 60},
        {"id": 3, "full_name": "Cy Doe", "status": "due", "days_since": 31, "overdue_by": 0},
        {"id": 4, "full_name": "Di Fox", "status": "overdue", "days_since": 70, "overdue_by": 10},
        {"id": 5, "full_name": "Ed Kim", "status": "overdue", "days_since": 65, "overdue_by": 5},
    ])
    [flag] = refinement_flags(losing_touch=touch, today=TODAY)
    assert flag.kind == "contacts_going_cold" and flag.severity == 2
    assert flag.evidence.endswith("Bo Li (120 days), Ana Ruiz (90 days), Di Fox (70 days) and 1 more.")
    assert flag.evidence.startswith("4 contacts")
    assert refinement_flags(losing_touch=touch.iloc[::-1], today=TODAY)[0].key == flag.key
    assert refinement_flags(losing_touch=touch.iloc[:4], today=TODAY)[0].key != flag.key  # someone else went cold
    assert refinement_flags(losing_touch=touch[touch["status"] == "due"], today=TODAY) == []


def test_events_with_low_yield():
    long_ago, recent = TODAY - timedelta(days=60), TODAY - timedelta(days=5)
    rows = [
        {"kind": "event", "event_id": 1, "event": "Quiet meetup", "contact_id": 10, "occurred_on": long_ago},
        {"kind": "event", "event_id": 1, "event": "Quiet meetup", "contact_id": 11, "occurred_on": long_ago},
        {"kind": "outreach", "contact_id": 10, "channel": "email", "outcome": "no_response",
         "occurred_on": long_ago + timedelta(days=2)},
        {"kind": "outreach", "contact_id": 11, "channel": "email", "outcome": "replied",
         "occurred_on": long_ago + timedelta(days=45)},  # too late to credit the event
        {"kind": "event", "event_id": 2, "event": "Good conference", "contact_id": 12, "occurred_on": long_ago},
        {"kind": "meeting", "contact_id": 12, "occurred_on": long_ago + timedelta(days=10)},
        {"kind": "event", "event_id": 3, "event": "Last week", "contact_id": 13, "occurred_on": recent},
        {"kind": "event", "event_id": 4, "event": "Nobody logged", "contact_id": None, "occurred_on": long_ago},
    ]
    flags = [f for f in refinement_flags(frame(rows), today=TODAY) if f.kind == "events_low_yield"]
    by_key = {f.key: f for f in flags}
    assert set(by_key) == {"events_low_yield:1", "events_low_yield:4"}
    assert "you met 2 people there" in by_key["events_low_yield:1"].evidence
    assert by_key["events_low_yield:1"].severity == 2 and by_key["events_low_yield:4"].severity == 1


def test_no_inputs_no_flags_and_to_dict():
    assert refinement_flags() == []
    [flag] = refinement_flags(coverage=[{"goal_title": "G", "segment_name": "S", "count": 0}])
    assert flag.to_dict() == {"kind": "segment_without_coverage", "key": "segment_without_coverage:G:S",
                              "title": flag.title, "evidence": flag.evidence, "suggestion": flag.suggestion,
                              "severity": 2}


def test_all_families_together_sorted_by_severity():
    history = frame(outreach("email", 30, 2), outreach("linkedin_message", 30, 15))
    flags = refinement_flags(history, goals=GOALS, progress_by_goal={1: 2, 2: 4},
                             coverage=[{"goal_title": "G", "segment_name": "S", "count": 2}],
                             templates=[{"id": 9, "name": "T"}], template_usage={}, pitches_by_goal={None: "p"},
                             today=HALFWAY)
    severities = [f.severity for f in flags]
    assert severities == sorted(severities, reverse=True)
    assert {f.kind for f in flags} == {"strategy_worse", "goal_behind_pace", "segment_without_coverage",
                                       "template_never_used", "pitch_missing"}


def test_two_segments_of_the_same_name_are_two_coverage_flags():
    from engine.insights.refine import coverage_flags

    twins = [{"goal_title": "Find a job", "segment_id": 3, "segment_name": "Recruiters", "count": 0},
             {"goal_title": "Find a job", "segment_id": 8, "segment_name": "Recruiters", "count": 1}]
    keys = [f.key for f in coverage_flags(twins)]
    assert keys == ["segment_without_coverage:3", "segment_without_coverage:8"]
