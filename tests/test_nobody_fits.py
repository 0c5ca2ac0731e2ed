"""A goal nobody in the network fits says so: the ranking still fills its list with the closest
matches, and Outreach and `rapport rank` say that these are not good ones (issue 16: goals nobody
fits showed weak matches as if they were recommendations)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from engine.importers.files import import_file
from engine.outreach.audience import MEMBERSHIP_COLUMNS, goals_nobody_fits, goals_without_audience
from engine.store import Store
from tests.browser import linkedin_export, person
from tests.test_cli import rapport

APP = str(Path(__file__).parents[1] / "app.py")
PEOPLE = ([person(f"Pm{i}", "Manager", "" if i % 2 else "Stripe", "Product Manager") for i in range(5)]
          + [person(f"Acc{i}", "Ount", "Umbrella", "Accountant") for i in range(5)])


@pytest.fixture
def workspace(tmp_path) -> Path:
    export = tmp_path / "Connections.csv"
    export.write_bytes(linkedin_export(PEOPLE))
    store = Store(tmp_path / "w.duckdb")
    import_file(store, str(export))
    store.goals.add({"title": "Product referral", "outcome": "referral", "target_roles": ["Product Manager"],
                     "segments": [{"name": "PMs", "roles": ["Product Manager"]}]})
    store.goals.add({"title": "Meet marine biologists", "outcome": "learn",
                     "target_roles": ["Marine Biologist", "Oceanographer"]})  # no segments: its own fit
    store.goals.add({"title": "Surgeons <b>now</b>", "outcome": "learn", "target_roles": ["Surgeon"],
                     "segments": [{"name": "Surgeons", "roles": ["Surgeon"]}]})
    return tmp_path / "w.duckdb"


def test_the_goals_nobody_fits_are_named_by_their_segments_or_their_own_fit(workspace):
    store = Store(workspace)
    assert [g["title"] for g in goals_without_audience(store)] == ["Meet marine biologists", "Surgeons <b>now</b>"]
    product = next(g for g in store.goals.all() if g["title"] == "Product referral")
    assert goals_without_audience(store, product["id"]) == []
    store.goals.update(product["id"], {"title": "Space referral", "target_roles": ["Astronaut"]})
    for segment in product["segments"]:
        store.goals.delete_segment(segment["id"])
    store.goals.add_segment(product["id"], {"name": "Crew", "roles": ["Astronaut"]})
    assert "Space referral" in [g["title"] for g in goals_without_audience(store)]  # an edit counts at once


def test_the_rule_reads_segments_first_then_the_goals_best_fit():
    members = pd.DataFrame([[1, 10, 100, "PMs", 0.6, 0.6]], columns=MEMBERSHIP_COLUMNS)
    goals = [{"id": 10, "segments": [{"id": 100}]}, {"id": 11, "segments": [{"id": 101}]},
             {"id": 12, "segments": []}, {"id": 13, "segments": []}]
    unfit = goals_nobody_fits(members, goals, {12: 0.29, 13: 0.31})
    assert [g["id"] for g in unfit] == [11, 12]  # 0.3 is the bar a segment's members pass


def test_outreach_and_the_cli_say_the_list_holds_the_closest_matches(workspace, monkeypatch):
    monkeypatch.setenv("RAPPORT_DB", str(workspace))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("ui/outreach.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    warnings = [w.value for w in app.warning]
    assert len(warnings) == 1 and "Meet marine biologists" in warnings[0] and "Surgeons" in warnings[0]
    assert "\\<b\\>now\\</b\\>" in warnings[0]  # the user's words, shown as typed
    product = next(g for g in Store(workspace).goals.all() if g["title"] == "Product referral")
    app.selectbox[0].set_value(product["id"]).run()
    assert not [w.value for w in app.warning]  # a goal people fit: no warning
    marine = next(g for g in Store(workspace).goals.all() if g["title"] == "Meet marine biologists")
    app.selectbox[0].set_value(marine["id"]).run()
    assert [w.value for w in app.warning] == [
        "Nobody in your network fits “Meet marine biologists” yet: this list holds the closest matches, not good "
        "ones. Widen the goal's roles, or look for a way in on Companies and Events."]
    said = rapport("rank", "--goal", str(marine["id"]), "--top", "3", db=workspace)
    assert said.returncode == 0, said.stderr
    assert "Note: Nobody in your network fits “Meet marine biologists” yet" in said.stdout
    fits = rapport("rank", "--goal", str(product["id"]), "--top", "3", db=workspace)
    assert "Nobody" not in fits.stdout and "Pm0 Manager" in fits.stdout
