"""Event ranking on data whose right answer is known because the test builds it."""

from __future__ import annotations

import pytest

from engine.ranking import EventRanker
from tests.ranking_support import DAY, NOW, events_frame, goal

# -- events -------------------------------------------------------------------------------------------


def test_past_events_are_excluded():
    events = events_frame(
        [
            {"title": "Product management meetup", "starts_at": NOW - 2 * DAY},
            {"title": "Product management night", "starts_at": NOW + 2 * DAY},
        ]
    )
    ranker = EventRanker().fit(events)
    assert ranker.rank([goal()], NOW)["event_id"].tolist() == [2]
    assert ranker.explain(1, [goal()], NOW)["score"] == 0.0


def test_topic_matching_meetup_outranks_an_unrelated_conference():
    events = events_frame(
        [
            {
                "title": "Nursing Leadership Conference",
                "kind": "conference",
                "topics": ["nursing", "healthcare"],
                "audience": "Nurses",
                "cost": 0.0,
                "starts_at": NOW + 5 * DAY,
            },
            {
                "title": "Product People Meetup",
                "topics": ["product management", "roadmaps"],
                "audience": "Product managers",
                "cost": 0.0,
                "starts_at": NOW + 30 * DAY,
            },
        ]
    )
    ranked = EventRanker().fit(events).rank([goal()], NOW)
    assert ranked["event_id"].tolist() == [2, 1]
    assert any(r.startswith("audience includes product manager") for r in ranked["reasons"].iloc[0])


def test_free_event_beats_an_expensive_one_otherwise_equal():
    same = {
        "title": "Product Summit",
        "kind": "conference",
        "topics": ["product management"],
        "audience": "Product managers",
        "starts_at": NOW + 20 * DAY,
    }
    events = events_frame([{**same, "cost": 1200.0}, {**same, "cost": 0.0}])
    ranker = EventRanker().fit(events)
    ranked = ranker.rank([goal()], NOW)
    assert ranked["event_id"].tolist() == [2, 1]
    assert "free" in ranked["reasons"].iloc[0]
    explained = ranker.explain(1, [goal()], NOW)
    assert sum(v for _, v, _ in explained["contributions"]) == pytest.approx(explained["score"])


def test_sooner_event_beats_a_later_one_and_next_steps_fit_the_kind():
    same = {"title": "Product meetup", "topics": ["product management"], "cost": 0.0}
    events = events_frame(
        [
            {**same, "starts_at": NOW + 80 * DAY, "kind": "conference", "cost": 99.0},
            {**same, "starts_at": NOW + 4 * DAY},
            {**same, "starts_at": NOW + 4 * DAY, "kind": "online group", "online": True},
        ]
    )
    ranked = EventRanker().fit(events).rank([goal()], NOW).set_index("event_id")
    assert ranked.loc[2, "score"] > ranked.loc[1, "score"]
    assert ranked.loc[1, "next_step"] == "Register early"
    assert ranked.loc[2, "next_step"] == "Attend"
    assert ranked.loc[3, "next_step"] == "Join the group"
