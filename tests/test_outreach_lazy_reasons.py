"""The Outreach list is ranked without reasons and the page writes them for the rows it shows
(``with_reasons``): the same reasons and next steps, to the letter, as ranking with them."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from engine.demo import load_demo_workspace
from engine.outreach.exploration import REASON
from engine.outreach.opportunities import rank_contacts, with_reasons
from engine.store import Store

NOW = datetime.combine(date.today(), datetime.min.time()).replace(hour=10)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("lazy") / "rapport.duckdb")
    load_demo_workspace(store, today=date.today())  # months of outreach: learning and exploration are on
    return store


def _readings(store: Store) -> list[tuple]:
    goals = store.goals.all(statuses=("active",))
    with_segments = next(g for g in goals if g.get("segments"))
    return [(None, None), (goals[-1]["id"], None), (with_segments["id"], with_segments["segments"][0]["id"])]


def test_reasons_written_for_a_page_equal_those_of_the_whole_ranking(demo):
    for goal_id, segment_id in _readings(demo):
        full = rank_contacts(demo, goal_id, segment_id, now=NOW)
        lazy = rank_contacts(demo, goal_id, segment_id, now=NOW, reasons=False)
        assert "reasons" not in lazy and "next_step" not in lazy
        assert len(full) > 0
        for page in (slice(0, 25), slice(25, 50), slice(len(lazy) - 7, len(lazy))):
            written = with_reasons(demo, lazy.iloc[page], goal_id, segment_id, now=NOW)
            pd.testing.assert_frame_equal(written[full.columns], full.iloc[page], check_exact=True)


def test_places_chosen_to_learn_say_so_first(demo):
    lazy = rank_contacts(demo, now=NOW, reasons=False)
    written = with_reasons(demo, lazy.head(25), now=NOW)
    chosen = written[written["to_learn"]]
    assert len(chosen) == 5
    assert all(r[0] == REASON for r in chosen["reasons"])
    assert not any(REASON in r for r in written.loc[~written["to_learn"], "reasons"])


def test_a_page_of_nobody_and_a_row_the_ranking_does_not_hold(demo):
    lazy = rank_contacts(demo, now=NOW, reasons=False)
    empty = with_reasons(demo, lazy.head(0), now=NOW)
    assert list(empty["reasons"]) == [] and "next_step" in empty
    stranger = lazy.head(1).assign(contact_id=10**9)
    with pytest.raises(KeyError):
        with_reasons(demo, stranger, now=NOW)


def test_the_first_places_are_read_from_the_whole_list_once_it_is_ranked(demo, monkeypatch):
    from engine.outreach import results
    from engine.ranking import OpportunityRanker

    direct = rank_contacts(demo, top=30, now=NOW)
    results._results.clear()
    rank_contacts(demo, now=NOW, reasons=False)  # what the Outreach page (and Home, ahead of it) ranks

    def no_ranking(*args, **kwargs):
        raise AssertionError("ranked again")

    monkeypatch.setattr(OpportunityRanker, "rank", no_ranking)
    read = rank_contacts(demo, top=30, now=NOW)
    pd.testing.assert_frame_equal(read[direct.columns], direct, check_exact=True)
    first = rank_contacts(demo, top=5, now=NOW, reasons=False)
    assert first["contact_id"].tolist() == direct["contact_id"].head(5).tolist()


def test_a_pages_reasons_are_written_once_until_the_data_or_goals_change(tmp_path, monkeypatch):
    """A rerun of the same page (a click) reads the reasons kept; an edited goal writes them again."""
    from engine.ranking import OpportunityRanker

    store = Store(tmp_path / "rapport.duckdb")
    load_demo_workspace(store, today=date.today())
    written = []
    original = OpportunityRanker.reasons_for
    monkeypatch.setattr(OpportunityRanker, "reasons_for",
                        lambda self, *a, **k: written.append(1) or original(self, *a, **k))
    page = rank_contacts(store, now=NOW, reasons=False).head(25)
    first = with_reasons(store, page, now=NOW)
    first["reasons"].iloc[0].append("changed by the caller")  # the caller's own lists
    again = with_reasons(store, page, now=NOW)
    assert len(written) == 1
    assert "changed by the caller" not in again["reasons"].iloc[0]
    pd.testing.assert_series_equal(again["next_step"], first["next_step"])
    goal = store.goals.all(statuses=("active",))[0]
    store.goals.update(goal["id"], {"target_roles": [*goal.get("target_roles", []), "Investor"]})
    with_reasons(store, page, now=NOW)
    assert len(written) == 2


def test_a_goals_first_mark_reorders_the_list_kept_without_ranking_everyone_again(tmp_path, monkeypatch):
    """The unmarked list (places chosen to learn moved up) is put back in the ranking's order for the
    marks to reorder: the same list, to the letter, as a workspace that never showed it ranks."""
    import shutil

    from engine.ranking import OpportunityRanker

    store = Store(tmp_path / "shown.duckdb")
    load_demo_workspace(store, today=date.today())
    unmarked = rank_contacts(store, now=NOW, reasons=False)
    assert unmarked["to_learn"].any()  # the places chosen to learn are moved into the first page
    first = unmarked.iloc[0]
    store.feedback.mark(int(first["goal_id"]), int(first["contact_id"]), "bad")
    ranks = []
    original = OpportunityRanker.rank
    monkeypatch.setattr(OpportunityRanker, "rank", lambda self, *a, **k: ranks.append(1) or original(self, *a, **k))
    marked = rank_contacts(store, now=NOW, reasons=False)
    assert ranks == []
    assert int(first["contact_id"]) not in marked["contact_id"].head(25).tolist()  # marked "not a fit": down
    shutil.copy(store.path, tmp_path / "fresh.duckdb")
    fresh = rank_contacts(Store(tmp_path / "fresh.duckdb"), now=NOW, reasons=False)
    assert ranks  # ranked there, from the start
    pd.testing.assert_frame_equal(marked, fresh, check_exact=True)
