"""Home's goals at a glance: progress counted from the log, pace against the date, active goals only."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from engine.clock import workspace_today
from engine.planning.glance import glance_rows, goals_at_a_glance
from tests.conftest import parsed_contacts

START, TODAY = date(2026, 1, 1), date(2026, 3, 1)  # 59 days of a 120-day goal gone


def _goal(goal_id: int, target: int | None = 10, due: date | None = START + timedelta(days=120),
          metric: str = "conversations") -> dict:
    return {"id": goal_id, "title": f"Goal {goal_id}", "metric": metric, "target": target,
            "created_at": pd.Timestamp(START), "due_date": due, "priority": 3}


def _log(goal_id: int, outcomes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"goal_id": goal_id, "outcome": outcomes, "kind": "outreach",
                         "occurred_on": pd.Timestamp(START + timedelta(days=10))})


def test_progress_and_pace_are_read_from_the_log():
    log = pd.concat([_log(1, ["replied"] * 5 + ["no_reply"] * 3), _log(2, ["replied"])])
    on_pace, behind = glance_rows([_goal(1), _goal(2)], log, None, TODAY)
    assert on_pace["progress"] == "5 of 10 conversations" and on_pace["done"] == 50
    assert on_pace["pace"] == "on pace"
    assert behind["pace"] == "behind" and behind["done"] == 10
    # 9 left over 61 days: a little over one a week.
    assert behind["next"].endswith(" a week")
    assert float(behind["next"].split()[0]) == round(9 / (61 / 7), 1)


def test_a_goal_met_overdue_or_without_a_target_says_so():
    log = pd.concat([_log(1, ["replied"] * 12), _log(2, ["replied"])])
    met, overdue, untargeted = glance_rows(
        [_goal(1), _goal(2, due=TODAY - timedelta(days=1)), _goal(3, target=None)], log, None, TODAY)
    assert (met["pace"], met["done"], met["next"]) == ("done", 100, "target met")
    assert (overdue["pace"], overdue["next"]) == ("overdue", "9 short, past due")
    assert untargeted["pace"] == "no target" and untargeted["progress"] == "0 conversations"
    assert untargeted["next"] == "set a target to pace it"
    (undated,) = glance_rows([_goal(4, due=None)], log, None, TODAY)
    assert (undated["pace"], undated["next"], undated["due"]) == ("no due date", "set a due date to pace it", None)


def test_a_slow_pace_reads_as_one_every_few_weeks():
    (row,) = glance_rows([_goal(1, target=2, due=TODAY + timedelta(weeks=12))], _log(1, []), None, TODAY)
    assert row["next"] == "1 every 6 weeks"
    (row,) = glance_rows([_goal(1, target=11, due=TODAY + timedelta(weeks=12))], _log(1, []), None, TODAY)
    assert row["next"] == "1 a week"  # 0.92 a week: not "1 every 1 weeks"


def test_the_workspace_view_counts_only_active_goals_and_their_logged_replies(store):
    store.imports.save_contacts(parsed_contacts([{"full_name": "Ada Byron"}]))
    contact = int(store.contacts.find()[0]["id"].iloc[0])
    today = workspace_today(store)
    active = store.goals.add({"title": "Meet founders", "metric": "meetings", "target": 4,
                              "due_date": today + timedelta(weeks=8), "priority": 5})
    paused = store.goals.add({"title": "Paused one", "target": 3, "status": "paused"})
    for outcome in ("meeting", "replied"):
        store.interactions.log({"contact_id": contact, "goal_id": active, "occurred_on": today, "outcome": outcome})
    store.interactions.log({"contact_id": contact, "goal_id": paused, "occurred_on": today, "outcome": "replied"})
    (row,) = goals_at_a_glance(store, today)
    assert row["goal"] == "Meet founders" and row["progress"] == "1 of 4 meetings" and row["done"] == 25
    assert row["pace"] == "on pace"


def test_a_new_contacts_goal_counts_connections_made_since_it_began(store):
    today = workspace_today(store)
    store.goals.add({"title": "Grow", "metric": "new_contacts", "target": 2, "due_date": today + timedelta(weeks=4)})
    long_ago = today - timedelta(days=400)
    store.imports.save_contacts(parsed_contacts([{"full_name": "Ada Byron", "connected_on": today},
                                                 {"full_name": "Old Friend", "connected_on": long_ago}]))
    (row,) = goals_at_a_glance(store, today)
    assert row["progress"] == "1 of 2 new contacts" and row["done"] == 50
