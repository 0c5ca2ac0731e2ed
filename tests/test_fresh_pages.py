"""Home, Goals and Review keep what they computed until the data changes, and never show it stale:
a write to goals, flags, interactions or contacts shows on the next run of the page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from engine.demo.load import load_demo_workspace
from engine.insights.review import build_review, current_flags
from engine.planning.goal_board import goal_board
from engine.store import Store
from tests.test_pages import open_page
from ui.common import plain

TODAY = date.today()  # the pages read the workspace's today


@pytest.fixture
def demo(tmp_path) -> Store:
    store = Store(tmp_path / "demo.duckdb")
    load_demo_workspace(store, today=TODAY)
    return store


def _rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _goal_with_target(store: Store) -> dict:
    return next(g for g in store.goals.all(statuses=("active",))
                if g["target"] and g["metric"] not in ("events", "new_contacts"))


def _progress_text(app: AppTest, goal: dict) -> str:
    """The progress line of ``goal``'s card: "3 of 10 conversations"."""
    texts = [p.text for p in app.progress]
    assert len(texts) == sum(1 for g in app.subheader if g.value)  # one bar per card with a target here
    index = [s.value for s in app.subheader].index(goal["title"])
    return texts[index]


def test_review_and_flags_are_kept_until_the_data_or_the_plan_changes(demo):
    start = TODAY - timedelta(days=30)
    first = build_review(demo, start, TODAY, today=TODAY)
    assert build_review(demo, start, TODAY, today=TODAY) is first  # kept: nothing changed
    assert current_flags(demo, TODAY) is first.flags
    demo.interactions.log({"contact_id": 1, "kind": "outreach", "channel": "email", "occurred_on": TODAY})
    again = build_review(demo, start, TODAY, today=TODAY)
    assert again is not first
    assert again.totals["interactions"] == first.totals["interactions"] + 1


def test_a_contact_edit_shows_in_the_review_at_once(demo):
    def network() -> str:
        review = build_review(demo, TODAY - timedelta(days=30), TODAY, today=TODAY)
        return next(s.takeaway for s in review.sections if s.title == "Network")

    before = network()
    strong = int(re.search(r"([\d,]+) relationships? (?:is|are) strong", before).group(1))
    weak = next(int(c) for c in demo.contacts.strengths().query("strength.isna() or strength < 4")["id"])
    demo.contacts.update(weak, strength=5)
    assert f"{strong + 1} relationships are strong" in network()


def test_a_renamed_goal_shows_renamed_in_the_review_at_once(demo):
    def goals_charted() -> str:
        review = build_review(demo, TODAY - timedelta(days=120), TODAY, today=TODAY)
        return next(s.figure for s in review.sections if s.title == "Reply rate by goal").to_json()

    goal = next(g for g in demo.goals.all() if g["title"] in goals_charted())
    demo.goals.update(goal["id"], {"title": "Renamed goal"})
    assert "Renamed goal" in goals_charted()


def test_a_goal_edit_shows_on_the_goal_board_at_once(demo):
    goal = _goal_with_target(demo)
    card = next(c for c in goal_board(demo, TODAY) if c.goal["id"] == goal["id"])
    assert goal_board(demo, TODAY)[0] is goal_board(demo, TODAY)[0]  # kept while nothing changes
    demo.goals.add_segment(goal["id"], {"name": "Board members", "roles": ["board member"]})
    again = next(c for c in goal_board(demo, TODAY) if c.goal["id"] == goal["id"])
    assert [s["name"] for s in again.coverage] == [s["name"] for s in card.coverage] + ["Board members"]


def test_an_event_added_shows_at_once_under_a_segment_with_a_gap(demo):
    goal_id = demo.goals.add({"title": "Meet astronauts", "outcome": "learn", "status": "active",
                              "target_roles": ["astronaut"], "segments": [{"name": "Astronauts",
                                                                          "roles": ["astronaut"]}]})

    def gap_events() -> list[str]:
        card = next(c for c in goal_board(demo, TODAY) if c.goal["id"] == goal_id)
        segment = card.coverage[0]
        assert segment["gap"]
        return list(segment["events"]["title"]) if not segment["events"].empty else []

    assert "Astronaut meetup" not in gap_events()
    demo.events.add({"title": "Astronaut meetup", "kind": "meetup", "topics": ["astronaut", "space"],
                     "starts_at": TODAY + timedelta(days=10)})
    assert "Astronaut meetup" in gap_events()


def test_goals_page_shows_a_logged_reply_and_a_new_target_at_once(demo, monkeypatch):
    goal = _goal_with_target(demo)
    app = open_page("ui/goals.py", demo.path, monkeypatch)
    done, target = map(int, re.match(r"(\d+) of (\d+)", _progress_text(app, goal)).groups())
    # A meeting that brought a referral counts for any metric but events and new contacts.
    demo.interactions.log({"contact_id": 1, "goal_id": goal["id"], "kind": "meeting", "channel": "in_person",
                           "occurred_on": TODAY, "outcome": "referral"})
    assert _progress_text(_rerun(app), goal).startswith(f"{done + 1} of {target} ")
    demo.goals.update(goal["id"], {"target": target + 5})
    assert _progress_text(_rerun(app), goal).startswith(f"{done + 1} of {target + 5} ")


def test_review_page_shows_a_dismissal_and_a_logged_interaction_at_once(demo, monkeypatch):
    app = open_page("ui/review.py", demo.path, monkeypatch)

    def interactions() -> int:
        return int(next(m.value for m in app.metric if m.label == "Interactions").replace(",", ""))

    count = interactions()
    demo.interactions.log({"contact_id": 2, "kind": "outreach", "channel": "email", "occurred_on": TODAY})
    _rerun(app)
    assert interactions() == count + 1
    flag = current_flags(demo, TODAY)[0]
    assert any(m.value == f"**{plain(flag['title'])}**" for m in app.markdown)
    demo.flags.dismiss(flag["key"], "not this month")
    _rerun(app)
    assert not any(m.value == f"**{plain(flag['title'])}**" for m in app.markdown)


def test_home_drops_a_flag_dismissed_elsewhere_at_once(demo, monkeypatch):
    app = open_page("ui/home.py", demo.path, monkeypatch)
    flag = current_flags(demo, TODAY)[0]
    assert any(plain(flag["title"]) in w.value for w in app.warning)
    demo.flags.dismiss(flag["key"], "handled")
    _rerun(app)
    assert not any(plain(flag["title"]) in w.value for w in app.warning)


def test_today_shows_a_follow_up_logged_a_cadence_set_and_an_interaction_deleted_at_once(demo):
    from engine.planning.agenda import agenda

    first = agenda(demo, TODAY)
    again = agenda(demo, TODAY)
    assert again.due.equals(first.due) and again.losing_touch.equals(first.losing_touch)  # kept

    logged = demo.interactions.log({"contact_id": 1, "kind": "outreach", "channel": "email",
                                    "occurred_on": TODAY - timedelta(days=20),
                                    "follow_up_on": TODAY - timedelta(days=1)})
    after_log = agenda(demo, TODAY)
    assert logged in set(after_log.due["id"]) and logged not in set(first.due["id"])

    quiet = set(demo.contacts.for_cadence()["id"])
    contact = next(i for i in range(1, demo.contacts.count() + 1) if i not in quiet and demo.contacts.get(i))
    name = demo.contacts.get(contact)["full_name"]
    assert name not in set(after_log.losing_touch["full_name"])
    demo.contacts.update(contact, cadence_days=1)
    assert name in set(agenda(demo, TODAY).losing_touch["full_name"])

    demo.interactions.delete(logged)
    assert logged not in set(agenda(demo, TODAY).due["id"])
