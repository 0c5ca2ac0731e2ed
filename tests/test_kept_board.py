"""The Goals page's figures kept on disk: a restart shows them without loading the ranking, and any
change to the goals or the data works them out again."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from engine.kept import kept_file
from engine.outreach import results
from engine.planning.goal_board import goal_board
from engine.store import Store
from tests.test_kept_flags import demo  # noqa: F401  (the fixture this file's own builds on)

TODAY = date.today()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def workspace(demo: Store) -> Store:  # noqa: F811  (the imported fixture, as pytest passes it)
    """The demo kept on disk (tests.test_kept_flags), with a gap events could fill: a segment nobody fits."""
    goal = demo.goals.all(("active",))[0]
    demo.goals.add_segment(goal["id"], {"name": "Lighthouse keepers", "roles": ["lighthouse keeper"]})
    return demo


def _figures(cards) -> list:
    return [(c.goal["id"], c.progress, [(s["id"], s["name"], s["describe"], s["count"], s["gap"],
                                         s["events"]["title"].tolist() if not s["events"].empty else [],
                                         s["events"]["starts_at"].tolist() if not s["events"].empty else [])
                                        for s in c.coverage]) for c in cards]


def test_a_new_start_reads_the_figures_without_importing_scikit_learn(workspace):
    expected = _figures(goal_board(workspace, TODAY, ("active",)))
    assert any(s[4] and s[5] for card in expected for s in card[2]), "the fixture should hold a gap with events"
    assert kept_file(workspace.path, "goals").exists()
    script = ("import sys, json; from datetime import date; from engine.store import Store; "
              "from engine.planning.goal_board import goal_board; "
              f"store, today = Store({str(workspace.path)!r}), date.fromisoformat({TODAY.isoformat()!r}); "
              "cards = goal_board(store, today, ('active',)); "
              "figures = [(c.goal['id'], c.progress, [(s['id'], s['name'], s['describe'], s['count'], s['gap'], "
              "s['events']['title'].tolist() if not s['events'].empty else [], "
              "[t.isoformat() for t in s['events']['starts_at']] if not s['events'].empty else []) "
              "for s in c.coverage]) for c in cards]; "
              "print(json.dumps([sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')), figures]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "RAPPORT_MODEL_CACHE": "1", "RAPPORT_AUTOBACKUP": "0"})
    modules, figures = json.loads(done.stdout.splitlines()[-1])
    assert modules == []
    as_json = json.loads(json.dumps(expected, default=lambda t: t.isoformat()))
    assert figures == as_json


def test_an_outreach_logged_or_a_segment_added_is_counted_again(workspace):
    goal_id = goal_board(workspace, TODAY, ("active",))[0].goal["id"]
    before = goal_board(workspace, TODAY, ("active",))[0]
    contact = int(workspace.contacts.find()[0]["id"].iloc[0])
    workspace.interactions.log({"contact_id": contact, "goal_id": goal_id, "occurred_on": TODAY, "outcome": "referral"})
    results._results.clear()  # as a restart would: only the file is left
    after = goal_board(workspace, TODAY, ("active",))[0]
    assert after.progress == before.progress + 1
    workspace.goals.add_segment(goal_id, {"name": "Recruiters", "roles": ["recruiter"]})
    results._results.clear()
    grown = goal_board(workspace, TODAY, ("active",))[0]
    assert [s["name"] for s in grown.coverage][-1] == "Recruiters" and grown.coverage[-1]["count"] > 0


def test_a_damaged_file_is_worked_out_again_and_another_day_too(workspace):
    expected = _figures(goal_board(workspace, TODAY, ("active",)))
    target = kept_file(workspace.path, "goals")
    target.write_text('{"key": "cut sho', encoding="utf-8")
    results._results.clear()
    assert _figures(goal_board(workspace, TODAY, ("active",))) == expected
    saved = json.loads(target.read_text(encoding="utf-8"))
    target.write_text(json.dumps({"key": saved["key"], "value": [1, 2, 3]}), encoding="utf-8")  # another shape
    results._results.clear()
    assert _figures(goal_board(workspace, TODAY, ("active",))) == expected
    key = json.loads(target.read_text(encoding="utf-8"))["key"]
    goal_board(workspace, TODAY + timedelta(days=1), ("active",))
    assert json.loads(target.read_text(encoding="utf-8"))["key"] != key
