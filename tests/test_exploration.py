"""One place in five on the first page goes to someone chosen to learn what works (issue 21)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from engine.demo import load_demo_workspace
from engine.outreach.exploration import EVERY, PAGE, POOL, REASON, _draws, _kinds, with_exploration
from engine.outreach.opportunities import rank_contacts
from engine.ranking import OpportunityRanker
from engine.store import Store
from tests.test_learning import GOALS, NOW, simulate

DAY = NOW.date()


@pytest.fixture(scope="module")
def world():
    sim = simulate()
    ranker = OpportunityRanker().fit(sim["contacts"])
    return sim, ranker, ranker.rank(GOALS, NOW)


def test_every_fifth_place_of_the_first_page_is_chosen_to_learn(world):
    sim, ranker, ranked = world
    shown = with_exploration(ranked, ranker, sim["contacts"], DAY)
    assert shown["to_learn"].head(PAGE).tolist() == [(i + 1) % EVERY == 0 for i in range(PAGE)]
    assert not shown["to_learn"].iloc[PAGE:].any()
    picked = shown[shown["to_learn"]]
    assert all(r[0] == REASON for r in picked["reasons"])
    # from the places after the exploited part of the page, within the pool, never contacted yet
    places = pd.Index(ranked["contact_id"]).get_indexer(picked["contact_id"])
    assert (places >= PAGE - PAGE // EVERY).all() and (places < PAGE * POOL).all()
    assert not set(picked["contact_id"]) & sim["contacted"]
    # one person per kind (role family x level) while kinds last, so each place learns something different
    pool = ranked["contact_id"].iloc[PAGE - PAGE // EVERY: PAGE * POOL]
    never = sim["contacts"].loc[sim["contacts"]["outreach_count"] == 0, "id"]
    pool_kinds = _kinds(ranker, pool[pool.isin(never)].to_numpy())
    assert len(set(_kinds(ranker, picked["contact_id"].to_numpy()).tolist())) == min(len(picked),
                                                                                      len(set(pool_kinds.tolist())))
    # nobody lost or repeated; everyone else keeps the ranking's order
    assert sorted(shown["contact_id"]) == sorted(ranked["contact_id"])
    rest = shown.loc[~shown["to_learn"], "contact_id"].tolist()
    assert rest == [c for c in ranked["contact_id"] if c not in set(picked["contact_id"])]


def test_the_choice_holds_for_a_day_and_changes_with_the_days(world):
    sim, ranker, ranked = world

    def picks(day):
        shown = with_exploration(ranked, ranker, sim["contacts"], day)
        return tuple(shown.loc[shown["to_learn"], "contact_id"])

    assert picks(DAY) == picks(DAY)
    assert len({picks(DAY + timedelta(days=d)) for d in range(7)}) > 1


def test_nothing_is_explored_before_any_outreach_is_logged(world):
    sim, ranker, ranked = world
    fresh = sim["contacts"].assign(outreach_count=0, replies=0)
    shown = with_exploration(ranked, ranker, fresh, DAY)
    assert not shown["to_learn"].any()
    assert shown["contact_id"].tolist() == ranked["contact_id"].tolist()


def test_thompson_draws_favour_a_kind_never_tried_over_one_that_never_answers(world):
    sim, ranker, _ = world
    contacts = sim["contacts"].copy()
    kinds = _kinds(ranker, contacts["id"].to_numpy())
    tried, untried = (pd.Series(kinds).value_counts().index[:2]).tolist()
    contacts["outreach_count"] = np.where(kinds == tried, 20, 0)
    contacts["replies"] = 0
    rng = np.random.default_rng(0)
    draws = [_draws(np.array([tried, untried]), contacts, ranker, rng) for _ in range(200)]
    assert np.mean([d[tried] for d in draws]) < 0.1 < 0.3 < np.mean([d[untried] for d in draws])


def test_outreach_and_the_cli_rows_agree_on_who_is_there_to_learn(tmp_path):
    store = Store(tmp_path / "demo.duckdb")
    load_demo_workspace(store, today=date.today())
    ranked = rank_contacts(store)
    assert ranked["to_learn"].head(PAGE).sum() == PAGE // EVERY
    again = rank_contacts(store, top=20)
    pd.testing.assert_series_equal(again["contact_id"], ranked["contact_id"].head(20), check_names=False)
    goals = store.goals.all(statuses=("active",))
    segment = next(s for g in goals for s in g["segments"])
    assert not rank_contacts(store, segment_id=segment["id"])["to_learn"].any()
