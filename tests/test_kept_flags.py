"""Home's flags kept on disk: read back on the next start without loading the ranking, and worked out
again when anything they are built from changes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from engine.demo.load import load_demo_workspace
from engine.insights.kept_flags import flags_file, home_flags
from engine.insights.review import current_flags
from engine.store import Store

TODAY = date.today()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def demo(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("RAPPORT_MODEL_CACHE", "1")
    store = Store(tmp_path / "demo.duckdb")
    load_demo_workspace(store, today=TODAY)
    return store


def _titles(flags: list[dict]) -> list[str]:
    return [f["title"] for f in flags]


def test_the_flags_home_shows_are_the_reviews_and_are_kept_beside_the_workspace(demo):
    flags = home_flags(demo, TODAY)
    assert flags and _titles(flags) == _titles(current_flags(demo, TODAY))
    assert [f["suggestion"] for f in flags] == [f["suggestion"] for f in current_flags(demo, TODAY)]
    saved = json.loads(flags_file(demo.path).read_text(encoding="utf-8"))
    assert saved["value"] == flags and len(saved["key"]) == 64


def test_a_new_start_reads_them_without_importing_scikit_learn(demo):
    """What the first load of Home saves: the ranking's imports (about 0.7 s) and the ranker's."""
    expected = home_flags(demo, TODAY)
    script = ("import sys, json; from datetime import date; from engine.store import Store; "
              "from engine.insights.kept_flags import home_flags; "
              f"flags = home_flags(Store({str(demo.path)!r}), date.fromisoformat({TODAY.isoformat()!r})); "
              "print(json.dumps([sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')), flags]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "RAPPORT_MODEL_CACHE": "1", "RAPPORT_AUTOBACKUP": "0"})
    modules, flags = json.loads(done.stdout.splitlines()[-1])
    assert flags == expected and modules == []


def test_a_dismissal_a_logged_outreach_or_another_day_works_them_out_again(demo):
    first = home_flags(demo, TODAY)
    demo.flags.dismiss(first[0]["key"], "handled")
    assert first[0]["title"] not in _titles(home_flags(demo, TODAY))
    kept = json.loads(flags_file(demo.path).read_text(encoding="utf-8"))["key"]
    demo.interactions.log({"contact_id": 1, "kind": "outreach", "channel": "email", "occurred_on": TODAY})
    home_flags(demo, TODAY)
    logged = json.loads(flags_file(demo.path).read_text(encoding="utf-8"))["key"]
    assert logged != kept
    home_flags(demo, date.fromordinal(TODAY.toordinal() + 1))
    assert json.loads(flags_file(demo.path).read_text(encoding="utf-8"))["key"] not in (kept, logged)


def test_a_damaged_file_is_worked_out_again_and_the_setting_turns_it_off(demo, monkeypatch):
    expected = home_flags(demo, TODAY)
    target = flags_file(demo.path)
    target.write_text('{"key": "cut sho', encoding="utf-8")
    assert home_flags(demo, TODAY) == expected
    assert json.loads(target.read_text(encoding="utf-8"))["value"] == expected
    target.unlink()
    monkeypatch.setenv("RAPPORT_MODEL_CACHE", "0")
    assert home_flags(demo, TODAY) == expected and not target.exists()


def test_home_prepares_the_ranking_from_a_thread_of_its_own(demo):
    """Home no longer imports the ranking; the thread it starts does, and leaves Outreach's ranking
    ready: preparing again has nothing to do."""
    from engine.outreach import companies, results
    from engine.outreach.opportunities import prepare
    from engine.outreach.preparation import prepare_in_background, wait_for_preparation

    prepare_in_background(demo).join(timeout=120)
    wait_for_preparation(demo)
    assert prepare(demo, outreach=True) is None
    assert results.kept_result(companies._network_key(demo)) is not None  # the Companies page's table too
