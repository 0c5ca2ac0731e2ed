"""Contact ranking on data whose right answer is known because the test builds it: rules and explain()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from engine.ranking import EventRanker, OpportunityRanker
from engine.ranking.scoring import COMPONENTS
from tests.ranking_support import DAY, NOW, contacts_frame, goal, ranked_ids

# -- contact ranking rules ----------------------------------------------------------------------------


def test_contact_matching_every_goal_term_ranks_first():
    g = goal(
        target_roles=["Product Manager"], seniority=["senior"], industries=["fintech"], companies=["Stripe"]
    )
    contacts = contacts_frame(
        [
            {"position": "Product Manager", "company": "Acme"},
            {"position": "Senior Software Engineer", "company": "Stripe", "tags": ["fintech"]},
            {"position": "Senior Product Manager", "company": "Stripe, Inc.", "tags": ["fintech"]},
            {"position": "Senior Accountant", "company": "Plaid", "tags": ["fintech"], "strength": 5},
            {"position": "Product Manager", "company": "Stripe"},
        ]
    )
    assert ranked_ids(OpportunityRanker().fit(contacts), [g])[0] == 3


def test_head_of_product_and_group_pm_match_a_product_manager_goal():
    contacts = contacts_frame(
        [
            {"position": "Accountant"},
            {"position": "Head of Product"},
            {"position": "Nurse"},
            {"position": "Group PM"},
            {"position": "Teacher"},
        ]
    )
    ranker = OpportunityRanker().fit(contacts)
    scores = ranker.score([goal()], NOW).set_index("contact_id")
    assert scores.loc[2, "text"] > 0 and scores.loc[4, "text"] > 0
    assert scores.loc[1, "text"] == 0
    assert set(ranked_ids(ranker, [goal()])[:2]) == {2, 4}


def test_target_company_beats_an_otherwise_equal_contact():
    g = goal(companies=["Stripe"])
    for spelling in ("Stripe", "Stripe, Inc.", "stripe inc"):
        contacts = contacts_frame(
            [
                {"position": "Product Manager", "company": "Acme"},
                {"position": "Product Manager", "company": spelling},
            ]
        )
        ranked = OpportunityRanker().fit(contacts).rank([g], NOW)
        assert ranked["contact_id"].tolist() == [2, 1], spelling
        assert "works at target company Stripe" in ranked["reasons"].iloc[0]


@pytest.mark.parametrize("status", ["archived", "paused", "completed"])
def test_inactive_goal_contributes_nothing(status):
    contacts = contacts_frame(
        [
            {"position": "Accountant", "company": "Deloitte"},
            {"position": "Product Manager", "company": "Stripe"},
            {"position": "Controller", "company": "Deloitte", "strength": 4},
        ]
    )
    ranker = OpportunityRanker().fit(contacts)
    active = goal()
    inactive = goal(
        id=2,
        title="Accounting clients",
        outcome="clients",
        target_roles=["Accountant"],
        companies=["Deloitte"],
        priority=5,
        status=status,
    )
    with_inactive = ranker.rank([active, inactive], NOW)
    without = ranker.rank([active], NOW)
    pd.testing.assert_frame_equal(with_inactive, without)
    pd.testing.assert_frame_equal(ranker.score([inactive, active], NOW), ranker.score([active], NOW))
    assert ranker.rank([inactive], NOW).empty


def test_warmth_orders_contacts_of_equal_fit():
    contacts = contacts_frame(
        [
            {"position": "Product Manager", "strength": 1},
            {"position": "Product Manager", "strength": 5, "replies": 3, "last_interaction": NOW - 20 * DAY},
            {"position": "Product Manager"},
            {"position": "Product Manager", "strength": 3},
        ]
    )
    assert ranked_ids(OpportunityRanker().fit(contacts), [goal()]) == [2, 4, 1, 3]


@pytest.mark.parametrize(
    "timely",
    [
        {"cadence_days": 30, "last_interaction": NOW - 60 * DAY},  # keep-in-touch overdue
        {"job_changed_on": NOW - 20 * DAY},  # new role
        {"connected_on": NOW - 5 * DAY},  # new connection
    ],
)
def test_timeliness_raises_a_score(timely):
    base = {"position": "Product Manager", "last_interaction": NOW - 60 * DAY}
    contacts = contacts_frame([base, {**base, **timely}])
    scores = OpportunityRanker().fit(contacts).score([goal()], NOW).set_index("contact_id")
    assert scores.loc[2, "score"] > scores.loc[1, "score"]
    assert scores.loc[2, "timing"] > 0 == scores.loc[1, "timing"]


def test_an_old_job_change_and_a_cadence_not_yet_due_are_not_timely():
    contacts = contacts_frame(
        [
            {"position": "Product Manager", "job_changed_on": NOW - 200 * DAY},
            {"position": "Product Manager", "cadence_days": 90, "last_interaction": NOW - 10 * DAY},
        ]
    )
    scores = OpportunityRanker().fit(contacts).score([goal()], NOW)
    assert (scores["timing"] == 0).all()


def test_warmth_does_not_lift_an_irrelevant_contact_over_a_relevant_one():
    contacts = contacts_frame(
        [
            {
                "position": "Nurse",
                "strength": 5,
                "replies": 10,
                "last_interaction": NOW - 100 * DAY,
                "cadence_days": 30,
                "job_changed_on": NOW - 3 * DAY,
                "relationship": "referral source",
            },
            {"position": "Product Manager"},
        ]
    )
    ranked = OpportunityRanker().fit(contacts).rank([goal()], NOW)
    assert ranked["contact_id"].tolist() == [2, 1]
    assert ranked["score"].iloc[0] > 2 * ranked["score"].iloc[1]


def test_fatigue_moves_an_ignored_contact_down():
    rows = [{"position": "Product Manager", "strength": 3}, {"position": "Product Manager", "strength": 3}]
    ranker = OpportunityRanker()
    assert ranked_ids(ranker.fit(contacts_frame(rows)), [goal()]) == [1, 2]
    rows[0]["times_recommended"] = 8
    assert ranked_ids(ranker.fit(contacts_frame(rows)), [goal()]) == [2, 1]
    assert ranker.score([goal()], NOW).set_index("contact_id").loc[1, "fatigue"] < 0


def test_reasons_and_next_step_follow_the_facts():
    g = goal(companies=["Stripe"], seniority=["director"], outcome="referral")
    contacts = contacts_frame(
        [
            {
                "position": "Director of Product",
                "company": "Stripe",
                "strength": 4,
                "replies": 1,
                "last_interaction": NOW - 30 * DAY,
            },
            {"position": "Product Manager", "company": "Acme", "job_changed_on": NOW - 21 * DAY},
            {
                "position": "Product Manager",
                "company": "Acme",
                "cadence_days": 30,
                "last_interaction": NOW - 42 * DAY,
            },
            {"position": "Product Manager", "company": "Acme", "connected_on": NOW - 3 * DAY},
        ]
    )
    ranked = OpportunityRanker().fit(contacts).rank([g], NOW).set_index("contact_id")
    assert ranked.loc[1, "reasons"] == [
        "title reads as 'product manager'",  # "Director of Product" does not say it: the taxonomy reads it so
        "works at target company Stripe",
        "director-level, as the goal asks",
        "strong relationship (4/5)",
        "replied before",
    ]
    assert ranked.loc[1, "next_step"] == "Ask for a referral"
    assert "changed jobs 3 weeks ago" in ranked.loc[2, "reasons"]
    assert ranked.loc[2, "next_step"] == "Congratulate on the new role"
    assert "keep-in-touch overdue by 12 days" in ranked.loc[3, "reasons"]
    assert ranked.loc[3, "next_step"] == "Reconnect"
    assert "new connection" in ranked.loc[4, "reasons"]
    assert ranked.loc[4, "next_step"] == "Send a connection note"


def test_segments_are_named_and_can_be_ranked_alone():
    g = goal(
        segments=[
            {"id": 11, "name": "Product leaders", "roles": ["Head of Product"], "relationship": "mentor"},
            {"id": 12, "name": "Recruiters", "roles": ["Technical Recruiter"], "relationship": "recruiter"},
        ]
    )
    contacts = contacts_frame(
        [
            {"position": "Head of Product", "relationship": "mentor"},
            {"position": "Technical Recruiter"},
            {"position": "Product Manager"},
            {"position": "Nurse"},
        ]
    )
    ranker = OpportunityRanker().fit(contacts)
    ranked = ranker.rank([g], NOW).set_index("contact_id")
    assert ranked.loc[1, "segment_id"] == 11 and ranked.loc[1, "segment_name"] == "Product leaders"
    assert ranked.loc[2, "segment_id"] == 12
    assert ranked.loc[3, "segment_id"] is None
    alone = ranker.rank([g], NOW, segment_id=12)
    assert alone["contact_id"].iloc[0] == 2 and set(alone["segment_id"]) == {12}


def test_rank_is_one_row_per_contact_under_its_best_goal_weighted_by_priority():
    pm = goal(id=1, priority=1)
    acct = goal(id=2, title="Accounting", outcome="clients", target_roles=["Accountant"], priority=5)
    contacts = contacts_frame(
        [{"position": "Product Manager"}, {"position": "Accountant"}, {"position": "Nurse"}]
    )
    ranker = OpportunityRanker().fit(contacts)
    ranked = ranker.rank([pm, acct], NOW)
    assert list(ranked.columns) == [
        "contact_id",
        "full_name",
        "goal_id",
        "goal_title",
        "segment_id",
        "segment_name",
        "score",
        "reasons",
        "next_step",
    ]
    assert ranked["contact_id"].tolist()[:2] == [2, 1]  # equal fit: the priority 5 goal wins
    assert ranked.set_index("contact_id")["goal_id"].to_dict()[1] == 1
    assert ranked["score"].is_monotonic_decreasing
    assert ranker.rank([pm, acct], NOW, top=1)["contact_id"].tolist() == [2]
    assert set(ranker.rank([pm, acct], NOW, goal_id=1)["goal_id"]) == {1}
    long = ranker.score([pm, acct], NOW)
    assert len(long) == 6 and {"contact_id", "goal_id", "segment_id", "score", *COMPONENTS} <= set(
        long.columns
    )
    assert np.allclose(long[list(COMPONENTS)].sum(axis=1), long["score"])


def test_explain_contributions_sum_to_the_score_and_name_matched_terms():
    g = goal(companies=["Stripe"], seniority=["senior"], priority=4)
    contacts = contacts_frame(
        [
            {
                "position": "Senior Product Manager",
                "company": "Stripe",
                "strength": 4,
                "times_recommended": 4,
                "job_changed_on": NOW - 10 * DAY,
            },
            {"position": "Nurse"},
        ]
    )
    ranker = OpportunityRanker().fit(contacts)
    explained = ranker.explain(1, [g], NOW)
    ranked = ranker.rank([g], NOW).set_index("contact_id")
    assert explained["score"] == pytest.approx(ranked.loc[1, "score"])
    assert sum(v for _, v, _ in explained["contributions"]) == pytest.approx(explained["score"])
    values = [v for _, v, _ in explained["contributions"]]
    assert values == sorted(values, reverse=True)
    assert {f for f, _, _ in explained["contributions"]} == set(COMPONENTS)
    assert explained["contributions"][0][0] == "text"
    assert "product manager" in explained["matched_terms"]
    assert explained["next_step"] == ranked.loc[1, "next_step"]
    with pytest.raises(KeyError):
        ranker.explain(99, [g], NOW)


def test_missing_optional_columns_are_tolerated():
    contacts = pd.DataFrame({"id": [1, 2], "position": ["Product Manager", "Nurse"]})
    ranked = OpportunityRanker().fit(contacts).rank([goal()], NOW)
    assert ranked["contact_id"].tolist() == [1, 2]
    empty = OpportunityRanker().fit(pd.DataFrame({"id": [], "position": []}))
    assert empty.rank([goal()], NOW).empty


def test_store_shaped_input_numpy_tags_and_aware_dates():
    """What DuckDB hands over: list columns as numpy arrays, timestamps maybe tz-aware, NaN ids."""
    contacts = pd.DataFrame(
        {
            "id": [1, 2],
            "full_name": ["A", "B"],
            "position": ["Sr. PM", "Nurse"],
            "company": ["Stripe", None],
            "tags": [np.array(["fintech"]), np.array([], dtype=object)],
            "strength": [4.0, np.nan],
            "job_changed_on": pd.to_datetime(["2025-05-20", None]).tz_localize("UTC"),
        }
    )
    g = goal(industries=["fintech"])
    ranked = OpportunityRanker().fit(contacts).rank([g], NOW.tz_localize("Europe/Berlin"))
    assert ranked["contact_id"].tolist() == [1, 2]
    assert "changed jobs 12 days ago" in ranked["reasons"].iloc[0]
    assert EventRanker().fit(pd.DataFrame({"id": [], "title": []})).rank([g], NOW).empty


def test_response_model_hook_blends_in_and_keeps_the_sum():
    contacts = contacts_frame([{"position": "Product Manager"}, {"position": "Nurse", "strength": 5}])
    plain = OpportunityRanker().fit(contacts).score([goal()], NOW)
    unfitted = OpportunityRanker(response_model=LogisticRegression()).fit(contacts).score([goal()], NOW)
    pd.testing.assert_frame_equal(plain, unfitted)
    rng = np.random.default_rng(0)
    x = rng.random((60, len(COMPONENTS)))
    model = LogisticRegression().fit(x, (x[:, 4] > 0.5).astype(int))  # "warm contacts answer"
    blended = OpportunityRanker(response_model=model, response_blend=0.5).fit(contacts).score([goal()], NOW)
    assert "response" in blended.columns
    assert np.allclose(blended[[*COMPONENTS, "response"]].sum(axis=1), blended["score"])


def test_best_scores_are_ranks_scores_and_segments_without_the_reasons(tmp_path):
    """Counting an audience from ``best_scores`` gives what counting the full ranking gave."""
    from datetime import date

    from engine.demo.load import load_demo_workspace
    from engine.outreach.audience import MEMBER_SCORE, segment_coverage
    from engine.outreach.opportunities import contact_ranker, segment_membership
    from engine.ranking.employers import works_at
    from engine.ranking.goals import goal_options, priority_weight
    from engine.ranking.scoring import at_asked_level
    from engine.store import Store

    store = Store(tmp_path / "demo.duckdb")
    today = date(2026, 3, 2)
    load_demo_workspace(store, today=today)
    goals = store.goals.all()
    ranker, _, _ = contact_ranker(store, today)
    ranked = ranker.rank(goals, today).set_index("contact_id").sort_index()
    best = ranker.best_scores(goals, today).set_index("contact_id").sort_index()
    assert best.index.equals(ranked.index)
    assert np.allclose(best["score"].to_numpy(float), ranked["score"].to_numpy(float))
    assert best["segment_name"].fillna("").equals(ranked["segment_name"].fillna(""))
    for g in [g for g in goals if g["segments"]]:
        probe = {**g, "status": "active"}
        for entry in segment_coverage(store, g, today=today, limit=3):
            full = ranker.rank([probe], today, goal_id=g["id"], segment_id=entry["id"])
            members = full[full["score"] / priority_weight(g.get("priority")) >= MEMBER_SCORE]
            segment = next(s for s in g["segments"] if s["id"] == entry["id"])
            if segment.get("companies"):  # a segment naming companies holds only the people there
                there = ranker.contact_ids_[works_at(ranker, segment["companies"])]
                members = members[members["contact_id"].isin(there)]
            (option,) = [o for o in goal_options([probe]) if o.segment_id == entry["id"]]
            level = at_asked_level(option, ranker)
            if level is not None:  # and only people at the level it asks, or next to it
                members = members[members["contact_id"].isin(ranker.contact_ids_[level])]
            assert entry["count"] == len(members)
            assert list(entry["contacts"]["full_name"]) == list(members["full_name"].head(3))
    membership = segment_membership(store, today)
    assert len(membership) and set(membership.index) <= set(ranked.index)


def test_reasons_quote_the_title_as_written():
    """A reason quotes what the title says: "talent acquisition", not the "recruiter" the taxonomy
    reads into it; a term's words as the title orders them ("chief … officer", not the "officer
    chief" a bigram across "CFO" made); and a level a segment asks is the segment's."""
    g = goal(target_roles=["recruiter", "talent acquisition"], outcome="referral",
             segments=[{"id": 11, "name": "TA leaders", "roles": ["recruiter", "talent acquisition"],
                             "seniority": ["manager"]}])
    # (a CISO among the roles now asks for cybersecurity too, and the CFO shares less of the query)
    cfo = goal(id=2, title="Fraud clients", target_roles=["chief risk officer", "chief audit officer"],
               outcome="clients")
    contacts = contacts_frame([{"position": "Advisory Manager/Lead, Talent Acquisition"},
                               {"position": "Chief Financial Officer (CFO)"}, {"position": "Head of Talent"}])
    ranked = OpportunityRanker().fit(contacts).rank([g, cfo], NOW)
    reasons = ranked.set_index(["contact_id", "goal_id"])["reasons"]
    assert "title matches 'talent acquisition'" in reasons[(1, 1)], reasons[(1, 1)]
    assert "manager-level, as the segment asks" in reasons[(1, 1)], reasons[(1, 1)]
    assert not any("officer chief" in r for r in reasons[(2, 2)]), reasons[(2, 2)]
    assert "title matches 'chief … officer'" in reasons[(2, 2)], reasons[(2, 2)]  # "financial" did not match


def test_reasons_quote_only_the_title_when_it_names_an_employer():
    """A title naming its employer ("... @ Product Manager Academy") keeps the employer's words after
    the roles it implies, in the text the ranker matches; reasons still quote only what the title
    says, never the employer's words as the title ("title matches 'product manager'") nor the
    implied roles as written (a probe's data science goal: "Lead Data Entry Officer at Connect
    Health" "matched 'data … science'")."""
    g = goal(target_roles=["Data Scientist"], outcome="mentorship", seniority=["lead", "director"])
    contacts = contacts_frame([{"position": "Head, Data Analytics and Project Management @ CFA Society Nigeria"},
                               {"position": "Business Analyst @ Product Manager Academy"},
                               {"position": "Senior Data Analyst at Bank"}])
    ranked = OpportunityRanker().fit(contacts).rank([g], NOW, top=None).set_index("contact_id")
    assert (ranked["score"] > 0).all()
    for contact, reasons in ranked["reasons"].items():
        assert reasons, contact
        quoted = [r for r in reasons if r.startswith("title matches")]
        assert not any("product manager" in r or "science" in r for r in quoted), (contact, reasons)


def test_a_weak_fit_says_what_the_title_reads_as():
    """A contact who fits by the title's family, with no term of the goal's to quote, is not listed
    without a reason, nor by a level word alone ("title matches 'senior'"): the reason says what
    the title reads as. A probe's angel-investor goal listed two such rows with no reason."""
    g = goal(target_roles=["angel investor"], outcome="other")
    titles = ["Angel Investor", "Limited Partner", "Founder", "Nurse", "Software Engineer",
              "Investment Analyst"]
    ranked = OpportunityRanker().fit(contacts_frame([{"position": t} for t in titles])).rank([g], NOW)
    ranked = ranked.set_index("contact_id")
    # a fit by family (its own or a related one: founders), with no term of the goal's in the title or only "senior"
    for contact, family in ((2, "Investing"), (3, "Founders and owners")):
        assert ranked.loc[contact, "score"] > 0
        assert ranked.loc[contact, "reasons"] == [f"title reads as {family}"], ranked.loc[contact, "reasons"]
    # an investment analyst outside an investing firm is finance, which helps no one meet investors
    assert ranked.loc[6, "score"] == 0
