"""Each goal's readings are kept with the fitted ranker: a ranking made again after one goal is
edited reads only that goal, and gives to the bit what a fresh ranker gives."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd

from engine.outreach.learning import learned_ranker
from engine.ranking import OpportunityRanker, scoring
from engine.ranking.readings import KEPT_GOALS
from tests.ranking_support import NOW, contacts_frame, goal

TITLES = ["Product Manager", "Senior Product Manager", "Data Scientist", "Recruiter", "Talent Partner",
          "Software Engineer", "Engineering Manager", "CTO", "Head of Product", "Founder", "Designer",
          "VP Engineering", "HR Business Partner", None, "Account Executive", "Partner"]
COMPANIES = ["Stripe", "Plaid", None, "Acme Ventures", "Globex Bank", "Initech", ""]


def _contacts(n: int = 160) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return contacts_frame([{
        "full_name": f"Person {i}", "position": TITLES[i % len(TITLES)], "company": COMPANIES[i % len(COMPANIES)],
        "strength": float(rng.integers(1, 6)), "relationship": ["peer", "mentor", None, "recruiter"][i % 4],
    } for i in range(n)])


def _goals() -> list[dict]:
    return [
        goal(id=1, title="Referral into product", target_roles=["Product Manager"], companies=["Stripe"],
             segments=[{"id": 11, "name": "PMs at fintechs", "roles": ["Product Manager"], "industries": ["fintech"]},
                       {"id": 12, "name": "Recruiters", "roles": ["Recruiter", "Talent Partner"]}]),
        goal(id=2, title="Hire a data scientist", outcome="hiring", target_roles=["Data Scientist"], priority=4),
        goal(id=3, title="Engineering leaders", outcome="clients", target_roles=["CTO", "VP Engineering"],
             seniority=["director"], segments=[{"id": 31, "name": "Founders", "roles": ["Founder"]}]),
    ]


def _edits(goals: list[dict]) -> list[list[dict]]:
    """Edits a user makes: roles, priority, title, a segment added before another goal's options."""
    roles = [dict(g) for g in goals]
    roles[0]["target_roles"] = ["Product Manager", "Designer"]
    priority = [dict(g) for g in goals]
    priority[1]["priority"] = 1
    title = [dict(g) for g in goals]
    title[2]["title"] = "Meet engineering leaders"
    segment = [dict(g) for g in goals]
    segment[0]["segments"] = [*goals[0]["segments"], {"id": 13, "name": "Designers", "roles": ["Designer"]}]
    return [roles, priority, title, segment]


def _unkept(contacts: pd.DataFrame) -> OpportunityRanker:
    """A ranker that reads every goal every time (no readings kept): the reference."""
    ranker = OpportunityRanker().fit(contacts)
    ranker.kept_readings = lambda: None
    return ranker


def test_a_ranking_after_each_edit_equals_reading_every_goal_again_to_the_bit():
    contacts = _contacts()
    kept = OpportunityRanker().fit(contacts)
    kept.rank(_goals(), NOW)
    for edited in _edits(_goals()):
        fresh = _unkept(contacts)
        pd.testing.assert_frame_equal(kept.rank(edited, NOW), fresh.rank(edited, NOW), check_exact=True)
        pd.testing.assert_frame_equal(kept.score(edited, NOW), fresh.score(edited, NOW), check_exact=True)
        pd.testing.assert_frame_equal(kept.rank(edited, NOW, goal_id=3), fresh.rank(edited, NOW, goal_id=3),
                                      check_exact=True)
    fresh = _unkept(contacts)  # and back to the goals as they were
    pd.testing.assert_frame_equal(kept.rank(_goals(), NOW), fresh.rank(_goals(), NOW), check_exact=True)


def test_after_one_goal_is_edited_only_its_options_are_read_again(monkeypatch):
    ranker = OpportunityRanker().fit(_contacts())
    ranker.rank(_goals(), NOW)
    read = []
    text_fit = scoring.text_fit
    monkeypatch.setattr(scoring, "text_fit", lambda m, role, context: read.append(role.shape[0]) or
                        text_fit(m, role, context))
    ranker.rank(_goals(), NOW)
    assert read == []  # nothing changed: nothing read
    edited = _edits(_goals())[0]  # goal 1's roles: the goal and its two segments
    ranker.rank(edited, NOW)
    assert read == [3]
    read.clear()
    ranker.rank(_edits(_goals())[1], NOW)  # a priority changes no reading
    assert read == []


def test_kept_readings_are_bounded_not_pickled_and_shared_with_the_learned_copy():
    ranker = OpportunityRanker().fit(_contacts())
    for i in range(KEPT_GOALS + 5):
        ranker.rank([goal(id=100 + i, target_roles=[TITLES[i % 13]], keywords=[f"k{i}"])], NOW)
    assert len(ranker.kept_readings()) == KEPT_GOALS
    loaded = pickle.loads(pickle.dumps(ranker))
    assert "_kept_readings" not in vars(loaded) and "_kept_readings" in vars(ranker)
    assert len(loaded.kept_readings()) == 0
    pd.testing.assert_frame_equal(loaded.rank(_goals(), NOW), ranker.rank(_goals(), NOW), check_exact=True)
    assert learned_ranker(ranker, None).kept_readings() is ranker.kept_readings()


def test_a_packed_row_gives_its_values_back_exactly_in_less_room():
    from engine.ranking.readings import PackedRow

    rng = np.random.default_rng(3)
    n = 5_000
    few_values = rng.choice([0.0, 0.3 * 0.87, 0.55 / 3, 1.0], n)  # a value per title family or level
    mostly_zero = np.where(rng.random(n) < 0.02, rng.random(n), 0.0)  # a target company's few people
    many_values = rng.random(n)  # more distinct values than two bytes count
    for values in (few_values, mostly_zero, many_values, np.zeros(n)):
        packed = pickle.loads(pickle.dumps(PackedRow(values)))
        assert np.array_equal(packed.values(), values)
        out = np.full(n, -1.0)
        packed.values(out=out)
        assert np.array_equal(out, values)
        rows = rng.integers(0, n, 300)
        assert np.array_equal(packed.at(rows), values[rows])
    small = [PackedRow(v) for v in (few_values, mostly_zero)]
    assert all(len(pickle.dumps(p)) < values.nbytes / 4 for p, values in zip(small, (few_values, mostly_zero)))
