"""The fitted ranker kept on disk: a restart ranks without fitting, a change refits, a bad file is ignored."""

from __future__ import annotations

import threading
import traceback
from datetime import date

import pandas as pd
import pytest

import engine.outreach.opportunities as opportunities
from engine.demo.load import load_demo_workspace
from engine.outreach import model_cache, results
from engine.ranking import OpportunityRanker
from engine.store import Store

TODAY = date(2026, 3, 2)


def _written() -> None:
    for thread in threading.enumerate():
        if thread.name == "rapport-ranker-cache":
            thread.join(30)


def _restart() -> None:
    """What a new process starts with: nothing fitted in memory."""
    opportunities._fitted.clear()
    opportunities._learned.clear()
    results._results.clear()


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORT_MODEL_CACHE", "1")
    store = Store(tmp_path / "w.duckdb")
    load_demo_workspace(store, today=TODAY)
    _restart()
    yield store
    _written()
    _restart()


def _no_fit(monkeypatch):
    def refuse(self, contacts, y=None):
        raise AssertionError("fitted although a fitted ranker was kept")

    monkeypatch.setattr(OpportunityRanker, "fit", refuse)


def test_a_restart_ranks_from_the_kept_ranker_without_fitting(workspace, monkeypatch):
    first = opportunities.rank_contacts(workspace, top=20, now=TODAY)
    _written()
    assert model_cache.cache_file(workspace.path).is_file()
    _restart()
    _no_fit(monkeypatch)
    again = opportunities.rank_contacts(workspace, top=20, now=TODAY)
    assert again[["contact_id", "score", "next_step"]].equals(first[["contact_id", "score", "next_step"]])
    assert list(again["reasons"]) == list(first["reasons"])


def test_a_change_to_the_data_is_never_ranked_from_an_old_fit(workspace, monkeypatch):
    opportunities.rank_contacts(workspace, top=5, now=TODAY)
    _written()
    workspace.contacts.update(1, tags=["Conference"])
    _restart()
    fits = []
    original = OpportunityRanker.fit
    monkeypatch.setattr(OpportunityRanker, "fit", lambda self, c, y=None: fits.append(len(c)) or original(self, c))
    opportunities.rank_contacts(workspace, top=5, now=TODAY)
    assert fits == [workspace.contacts.count()]


@pytest.mark.parametrize("damage", ["cut short", "another program's", "another code version"])
def test_a_cache_file_that_is_not_right_is_ignored_and_replaced(workspace, damage):
    import pickle

    expected = opportunities.rank_contacts(workspace, top=10, now=TODAY)
    _written()
    target = model_cache.cache_file(workspace.path)
    if damage == "cut short":
        target.write_bytes(target.read_bytes()[:1000])
    elif damage == "another program's":
        target.write_bytes(b"not a pickle at all")
    else:
        with open(target, "rb") as file:
            header = pickle.load(file)
            rest = file.read()
        target.write_bytes(pickle.dumps((header[0], "older code", header[2])) + rest)
    _restart()
    got = opportunities.rank_contacts(workspace, top=10, now=TODAY)
    assert got[["contact_id", "score"]].equals(expected[["contact_id", "score"]])
    _written()
    with open(target, "rb") as file:
        assert pickle.load(file)[1] == model_cache.code_fingerprint()  # written again, whole


def test_it_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORT_MODEL_CACHE", "0")
    store = Store(tmp_path / "w.duckdb")
    load_demo_workspace(store, today=TODAY)
    _restart()
    opportunities.rank_contacts(store, top=5, now=TODAY)
    _written()
    assert not model_cache.cache_file(store.path).exists()
    _restart()


def test_a_new_day_reads_how_often_each_was_shown_without_fitting_again(workspace, monkeypatch):
    """Fatigue reads how often each contact was suggested, counted once a day without a new data
    version: a new day reads that again, and only that (a weekly visit's first page loads the kept
    ranker instead of fitting one, in memory and after a restart alike)."""
    from datetime import timedelta

    ranker = opportunities.contact_ranker(workspace, now=TODAY)[0]
    opportunities.rank_contacts(workspace, top=5, now=TODAY)
    workspace.contacts.note_recommended([1, 2, 3], on=TODAY)  # the Outreach page showing a page of people
    fits = []
    original = OpportunityRanker.fit
    monkeypatch.setattr(OpportunityRanker, "fit", lambda self, c, y=None: fits.append(1) or original(self, c))
    opportunities.rank_contacts(workspace, top=5, now=TODAY)
    assert fits == []
    tomorrow = TODAY + timedelta(days=1)
    fresh, contacts, _ = opportunities.contact_ranker(workspace, now=tomorrow)
    shown = fresh.signals_.times_recommended[fresh.positions_of([1, 2, 3, 4])]
    assert fits == [] and fresh is not ranker and list(shown) == [1, 1, 1, 0]
    assert list(ranker.signals_.times_recommended[ranker.positions_of([1, 2, 3])]) == [0, 0, 0]  # left as it was
    # the contacts read today, in the ranker's order, with what is read of them once it is fitted
    assert contacts["id"].tolist() == list(fresh.contact_ids_)
    assert tuple(contacts.columns) == opportunities.KEPT_CONTACT_COLUMNS
    assert fresh.contact_matrix_ is ranker.contact_matrix_  # the text fit is shared, not made again
    _written()
    _restart()  # the next day's restart loads that day's signals from disk
    again = opportunities.contact_ranker(workspace, now=tomorrow)[0]
    assert fits == [] and list(again.signals_.times_recommended[again.positions_of([1, 2, 3])]) == [1, 1, 1]
    workspace.contacts.update(1, tags=["Conference"])  # the data changed: fitted again
    opportunities.contact_ranker(workspace, now=tomorrow)
    assert fits == [1]


# What a new dashboard process does first: Home in AppTest (its flags count each segment's audience, which
# needs the fitted ranker), with every fit counted.
FIRST_PAGE = """
import json
from streamlit.testing.v1 import AppTest
from engine.ranking import OpportunityRanker

fits = []
fit = OpportunityRanker.fit
OpportunityRanker.fit = lambda self, contacts, y=None: fits.append(len(contacts)) or fit(self, contacts)
app = AppTest.from_file({app!r}, default_timeout=120)
app.run()
assert not app.exception, [e.value for e in app.exception]
import threading
for name in ("rapport-prepare", "rapport-prepare-ranker"):  # what Home started: a server lets it finish
    for thread in threading.enumerate():
        if thread.name == name:
            thread.join(120)
print(json.dumps({{"fits": fits, "flags": [w.value for w in app.warning]}}))
"""


def _first_page_in_a_new_process(store: Store) -> dict:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parents[1]
    env = {**os.environ, "RAPPORT_DB": str(store.path), "RAPPORT_MODEL_CACHE": "1", "RAPPORT_AUTOBACKUP": "0",
           "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", FIRST_PAGE.format(app=str(root / "app.py"))], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_new_process_shows_its_first_page_from_the_kept_ranker_until_the_data_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORT_MODEL_CACHE", "1")
    store = Store(tmp_path / "w.duckdb")
    load_demo_workspace(store, today=date.today())  # the page ranks for the workspace's today
    first = _first_page_in_a_new_process(store)
    assert first["fits"] == [store.contacts.count()] and first["flags"]  # nothing kept yet: fitted, and kept
    assert model_cache.cache_file(store.path).is_file()  # written before that process ended
    second = _first_page_in_a_new_process(store)
    assert second == {"fits": [], "flags": first["flags"]}  # a restart: loaded, not fitted
    store.interactions.log({"contact_id": 1, "kind": "outreach", "channel": "email", "occurred_on": date.today()})
    assert _first_page_in_a_new_process(store)["fits"] == [store.contacts.count()]  # the data changed: fitted again


def test_a_ranker_prepared_ahead_is_the_one_pages_use_and_is_fitted_once(workspace, monkeypatch):
    fits = []
    original = OpportunityRanker.fit
    monkeypatch.setattr(OpportunityRanker, "fit", lambda self, c, y=None: fits.append(1) or original(self, c))
    preparing = opportunities.prepare(workspace)  # what the Import page starts after an import
    ranker, _, _ = opportunities.contact_ranker(workspace)  # a page asking meanwhile waits for that fit
    preparing.join(60)
    assert fits == [1]
    assert opportunities.contact_ranker(workspace)[0] is ranker
    _written()
    assert model_cache.cache_file(workspace.path).is_file()  # and the next start loads it


def test_the_kept_ranker_is_out_of_the_collectors_sight_and_freed_once_replaced(workspace):
    import gc
    import weakref

    old = weakref.ref(opportunities.contact_ranker(workspace, now=TODAY)[0])
    assert gc.get_freeze_count() > 0  # full collections no longer walk it
    workspace.contacts.update(1, tags=["Conference"])  # a new data version: fitted again
    assert opportunities.contact_ranker(workspace, now=TODAY)[0] is not old()
    gc.collect()
    assert old() is None  # frozen or not, the replaced ranker does not stay behind


def test_an_edit_of_the_roles_file_refits(tmp_path):
    """roles.toml is a file users extend: the kept ranker must not outlive an edit of it."""
    import shutil

    from engine.outreach.model_cache import code_fingerprint, sources_fingerprint
    from engine.ranking.taxonomy import ROLES_FILE

    folder = tmp_path / "ranking"
    shutil.copytree(ROLES_FILE.parent, folder, ignore=shutil.ignore_patterns("__pycache__"))
    assert sources_fingerprint(folder) == code_fingerprint()
    roles = folder / ROLES_FILE.name
    roles.write_text(roles.read_text(encoding="utf-8") + "\n# a user's own family\n", encoding="utf-8")
    assert sources_fingerprint(folder) != code_fingerprint()


def test_a_restart_reads_no_goal_it_read_before_and_counts_audiences_from_the_kept_fits(workspace, monkeypatch):
    from engine.outreach.audience import memberships
    from engine.ranking import scoring

    first = opportunities.rank_contacts(workspace, now=TODAY)
    audience = memberships(workspace, now=TODAY)
    _written()
    saved = model_cache.load_readings(workspace.path, opportunities._fingerprints[str(workspace.path)])
    goals = [g for g in workspace.goals.all() if g.get("status") == "active"]
    assert len(saved["readings"]) == len(goals)
    assert len(saved["fits"]) == sum(1 for g in goals if g.get("segments"))
    _restart()
    read = []
    text_fit = scoring.text_fit

    def counted(*args):
        if not any(f.filename.endswith("learning.py") for f in traceback.extract_stack()):  # (its own features)
            read.append(args[1].shape[0])
        return text_fit(*args)

    monkeypatch.setattr(scoring, "text_fit", counted)
    pd.testing.assert_frame_equal(memberships(workspace, now=TODAY), audience, check_exact=True)
    pd.testing.assert_frame_equal(opportunities.rank_contacts(workspace, now=TODAY), first, check_exact=True)
    assert read == []  # no goal's options read again, nor any segment's


def test_readings_written_for_another_fit_are_not_read(workspace):
    opportunities.rank_contacts(workspace, top=5, now=TODAY)
    _written()
    key = opportunities._fingerprints[str(workspace.path)]
    assert model_cache.load_readings(workspace.path, key) is not None
    assert model_cache.load_readings(workspace.path, (*key[:-1], "another")) is None
    model_cache.readings_file(workspace.path).write_bytes(b"cut short")
    assert model_cache.load_readings(workspace.path, key) is None


def test_a_ranking_made_with_a_ranker_since_replaced_writes_no_readings_for_the_new_fit(workspace):
    opportunities.rank_contacts(workspace, now=TODAY)
    _written()
    stale = opportunities.contact_ranker(workspace, TODAY)[0]
    fresh = OpportunityRanker().fit(workspace.contacts.for_ranking())
    fresh.rank(workspace.goals.all(), TODAY)  # goals read by a ranker the workspace does not use
    assert fresh.kept_readings().unsaved() is not None
    fresh.kept_readings().put(("another",), ("a reading",))  # something to write, were it written
    before = model_cache.load_readings(workspace.path, opportunities._fingerprints[str(workspace.path)])
    opportunities._keep_readings(workspace, fresh)
    _written()
    after = model_cache.load_readings(workspace.path, opportunities._fingerprints[str(workspace.path)])
    assert [k for k, _ in after["readings"]] == [k for k, _ in before["readings"]]
    assert stale.kept_readings() is opportunities._fitted[str(workspace.path)][1].kept_readings()


def test_a_restart_does_not_learn_again_from_the_same_outcomes(workspace, monkeypatch):
    """The response model learned from the outcomes is kept beside the ranker: the restart's ranking,
    reply chances and learning status are the ones learned, and an outcome logged learns again."""
    from engine.outreach.learning_model import ResponseModel

    first = opportunities.rank_contacts(workspace, top=20, now=TODAY)
    status = opportunities.learning_status(workspace, TODAY)
    assert status["learning"]  # the demo holds enough outcomes
    _written()
    assert model_cache.learned_file(workspace.path).is_file()
    _restart()
    fits = []
    original = ResponseModel.fit
    monkeypatch.setattr(ResponseModel, "fit", lambda self, X, y: fits.append(1) or original(self, X, y))
    again = opportunities.rank_contacts(workspace, top=20, now=TODAY)
    assert fits == []
    assert again[["contact_id", "score", "next_step"]].equals(first[["contact_id", "score", "next_step"]])
    assert opportunities.learning_status(workspace, TODAY) == status
    contact = int(first["contact_id"].iloc[0])
    workspace.interactions.log({"contact_id": contact, "kind": "outreach", "channel": "email",
                                "occurred_on": TODAY, "outcome": "replied"})
    opportunities.rank_contacts(workspace, top=20, now=TODAY)
    assert fits  # a new outcome: learned again
    assert opportunities.learning_status(workspace, TODAY)["outcomes"] == status["outcomes"] + 1
