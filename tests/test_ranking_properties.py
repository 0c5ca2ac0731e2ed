"""Property tests: the ranking holds its invariants for any contact table and any goal, however
messy (blank, NaN, duplicate, very long, non-Latin, emoji and HTML values in every field)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.ranking import OpportunityRanker
from tests.ranking_support import NOW, contacts_frame

TEXTS = st.one_of(
    st.just(""), st.just("   "),
    st.sampled_from(["Software Engineer", "Sr. PM", "Head, Human Resources", "GP", "Partner", "HRBP",
                     "Co-founder & CTO", "Stripe", "Sequoia Capital", "Sterling Bank Plc", "数据科学家",
                     "Инженер", "مهندس برمجيات", "🚀 Founder 🚀", "<b>CEO</b><script>x</script>",
                     "&amp; &lt;", "Data Scientist, PhD", "x" * 3000, "product manager " * 200]),
    st.text(max_size=40),
)
MESSY = st.one_of(st.none(), st.just(float("nan")), TEXTS)
WORDS = st.lists(TEXTS, max_size=3)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def contact_tables(draw):
    n = draw(st.integers(min_value=0, max_value=12))
    rows = []
    for _ in range(n):
        row = {"full_name": draw(MESSY), "position": draw(MESSY), "company": draw(MESSY),
               "notes": draw(MESSY), "industry": draw(MESSY),
               "tags": draw(st.one_of(st.none(), WORDS)),
               "strength": draw(st.one_of(st.just(float("nan")), st.integers(-3, 9)))}
        rows.append(row)
    if rows and draw(st.booleans()):
        rows.append(dict(rows[0]))  # a duplicate row
    return contacts_frame(rows) if rows else contacts_frame([{}]).iloc[:0]


@st.composite
def goal_lists(draw):
    goals = []
    for gid in range(1, draw(st.integers(1, 3)) + 1):
        segments = [
            {"id": gid * 10 + k, "name": draw(MESSY), "roles": draw(WORDS), "companies": draw(WORDS),
             "industries": draw(WORDS), "keywords": draw(WORDS), "seniority": draw(WORDS),
             "relationship": draw(st.one_of(st.none(), st.sampled_from(["mentor", "recruiter", "🙂"])))}
            for k in range(draw(st.integers(0, 2)))
        ]
        goals.append({
            "id": gid, "title": draw(MESSY), "outcome": draw(st.sampled_from(
                ["referral", "mentorship", "learn", "clients", "hiring", "visibility", "other", "??", None])),
            "description": draw(MESSY), "target_roles": draw(WORDS), "seniority": draw(WORDS),
            "industries": draw(WORDS), "companies": draw(WORDS), "locations": draw(WORDS),
            "priority": draw(st.one_of(st.none(), st.integers(-2, 9), st.just(float("nan")))),
            "status": "active", "segments": segments,
        })
    return goals


@SETTINGS
@given(contact_tables(), goal_lists())
def test_one_finite_row_per_contact_and_goal(contacts, goals):
    ranker = OpportunityRanker().fit(contacts)
    scores = ranker.score(goals, NOW)
    assert len(scores) == len(contacts) * len(goals)
    assert scores.groupby(["contact_id", "goal_id"]).size().eq(1).all() or contacts["id"].duplicated().any()
    assert np.isfinite(scores["score"].to_numpy(dtype=float)).all()
    ranked = ranker.rank(goals, NOW)
    assert len(ranked) == len(contacts)
    assert sorted(ranked["contact_id"].tolist()) == sorted(contacts["id"].tolist())
    assert np.isfinite(ranked["score"].to_numpy(dtype=float)).all()
    assert all(isinstance(s, str) and s for s in ranked["next_step"])


@SETTINGS
@given(contact_tables(), goal_lists())
def test_explain_adds_up_and_segments_hold_only_contacts(contacts, goals):
    ranker = OpportunityRanker().fit(contacts)
    for cid in contacts["id"].head(3):
        explained = ranker.explain(cid, goals, NOW)
        total = sum(value for _, value, _ in explained["contributions"])
        assert math.isclose(total, explained["score"], rel_tol=1e-9, abs_tol=1e-9)
    ids = set(contacts["id"].tolist())
    for g in goals:
        for segment in g["segments"]:
            members = ranker.rank(goals, NOW, goal_id=g["id"], segment_id=segment["id"])
            assert set(members["contact_id"].tolist()) <= ids
    best = ranker.best_scores(goals, NOW)
    assert set(best["contact_id"].tolist()) <= ids
    assert isinstance(best, pd.DataFrame)
