"""The contact text a ranker fits is kept by what it was fitted from: a refit after a change that
leaves every title, company, tag and note as it was (an outreach logged, a strength set) reuses
it, and anything that changes the text fits it again, to the bit what a fresh process fits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.ranking import OpportunityRanker
from engine.ranking import text as text_module
from engine.ranking.titles import clear_caches
from tests.ranking_support import NOW, contacts_frame, goal

TITLES = ["Product Manager", "Data Scientist", "Recruiter", "Software Engineer", "CTO", None, "Founder"]
COMPANIES = ["Stripe", "Plaid", None, "Acme Ventures", ""]
GOALS = [goal(id=1, title="Referral into product", target_roles=["Product Manager"], companies=["Stripe"]),
         goal(id=2, title="Hire a data scientist", outcome="hiring", target_roles=["Data Scientist"])]


def _contacts(n: int = 60) -> pd.DataFrame:
    return contacts_frame([{"full_name": f"Person {i}", "position": TITLES[i % len(TITLES)],
                            "company": COMPANIES[i % len(COMPANIES)], "tags": ["vip"] if i % 9 == 0 else None,
                            "notes": "met at a fintech meetup" if i % 5 == 0 else None} for i in range(n)])


def _fresh(contacts: pd.DataFrame) -> OpportunityRanker:
    clear_caches()  # as in a fresh process: nothing kept
    return OpportunityRanker().fit(contacts)


def _same_fit(a: OpportunityRanker, b: OpportunityRanker) -> None:
    assert (a.contact_matrix_ != b.contact_matrix_).nnz == 0
    assert list(a.terms_) == list(b.terms_)
    np.testing.assert_array_equal(a.text_index_, b.text_index_)
    np.testing.assert_array_equal(a.vectorizer_.idf_, b.vectorizer_.idf_)
    pd.testing.assert_frame_equal(a.score(GOALS, NOW), b.score(GOALS, NOW), check_exact=True)


def test_a_refit_after_an_outreach_or_a_strength_reuses_the_text():
    contacts = _contacts()
    first = _fresh(contacts)
    logged = contacts.assign(last_interaction=pd.Timestamp(NOW.date()), strength=3.0,
                             outreach_count=contacts.get("outreach_count", 0) + 1)
    again = OpportunityRanker().fit(logged)
    assert again.contact_matrix_ is first.contact_matrix_ and again.vectorizer_ is first.vectorizer_
    _same_fit(again, _fresh(logged))


@pytest.mark.parametrize("change", ["position", "company", "tags", "notes", "order"])
def test_any_change_to_the_text_fits_it_again(change):
    contacts = _contacts()
    first = _fresh(contacts)
    changed = contacts.copy()
    if change == "position":
        changed.loc[3, "position"] = "Head of Talent"
    elif change == "company":
        changed.loc[3, "company"] = "Globex Bank"
    elif change == "tags":
        changed.at[4, "tags"] = ["mentor"]
    elif change == "notes":
        changed.loc[4, "notes"] = "ask about hiring"
    else:  # the same values in another order: the rows differ
        changed = changed.iloc[::-1].reset_index(drop=True)
    again = OpportunityRanker().fit(changed)
    assert again.contact_matrix_ is not first.contact_matrix_
    _same_fit(again, _fresh(changed))


def test_values_that_join_alike_but_split_differently_are_told_apart():
    codes = {"position": np.array([0, 1], dtype=np.int64)}
    one = text_module._text_key(codes, {"position": np.array(["a\x00\x1fb", "c"], dtype=object)}, None)
    two = text_module._text_key(codes, {"position": np.array(["a", "b\x00\x1fc"], dtype=object)}, None)
    assert one != two
    assert one == text_module._text_key(codes, {"position": np.array(["a\x00\x1fb", "c"], dtype=object)}, None)
    assert one != text_module._text_key(codes, {"position": np.array(["a\x00\x1fb", "c"], dtype=object)}, 10)


def _text_fits(monkeypatch) -> list:
    from engine.ranking import scoring

    calls = []
    real = scoring.text_fit
    monkeypatch.setattr(scoring, "text_fit", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_a_refit_that_reads_goals_alike_carries_their_readings(monkeypatch):
    from engine.ranking.readings import carry_readings

    contacts = _contacts()
    first = _fresh(contacts)
    first.rank(GOALS, NOW)
    logged = contacts.assign(last_interaction=pd.Timestamp(NOW.date()), strength=4.0)
    again = OpportunityRanker().fit(logged)
    assert carry_readings(again, first) and len(again.kept_readings()) == len(GOALS)
    calls = _text_fits(monkeypatch)
    ranked = again.rank(GOALS, NOW)
    assert calls == []  # no goal read again
    monkeypatch.undo()
    pd.testing.assert_frame_equal(ranked, _fresh(logged).rank(GOALS, NOW), check_exact=True)
    assert again.kept_readings().unsaved() is not None  # written for the new fit too


@pytest.mark.parametrize("change", ["relationship", "weights", "company"])
def test_readings_are_not_carried_when_a_goal_could_read_differently(change):
    from engine.ranking.readings import carry_readings

    contacts = _contacts()
    first = _fresh(contacts)
    first.rank(GOALS, NOW)
    changed, params = contacts.copy(), {}
    if change == "relationship":
        changed["relationship"] = ["mentor"] + [None] * (len(changed) - 1)
    elif change == "weights":
        params = {"company_weight": 0.3}
    else:
        changed.loc[0, "company"] = "Globex Bank"
    again = OpportunityRanker(**params).fit(changed)
    assert not carry_readings(again, first) and len(again.kept_readings()) == 0


def test_the_workspace_ranker_refitted_after_an_outreach_keeps_the_goals_read(store):
    from engine.outreach import opportunities
    from tests.conftest import parsed_contacts

    store.imports.save_contacts(parsed_contacts([
        {"first_name": f"P{i}", "last_name": "X", "position": TITLES[i % len(TITLES)],
         "company": COMPANIES[i % len(COMPANIES)]} for i in range(30)]))
    store.goals.add({"title": "Referral into product", "outcome": "referral", "target_roles": ["Product Manager"]})
    first = opportunities.rank_contacts(store, now=NOW)
    store.interactions.log({"contact_id": int(first["contact_id"].iloc[0]), "kind": "outreach", "channel": "email",
                            "occurred_on": NOW.date()})
    ranker = opportunities.contact_ranker(store, NOW)[0]
    assert len(ranker.kept_readings()) == 1


def test_a_goal_with_segments_is_carried_only_with_its_segments_fits():
    from engine.ranking import scoring
    from engine.ranking.goals import goal_options
    from engine.ranking.readings import carry_readings

    goals = [*GOALS, goal(id=3, title="Founders", outcome="clients", target_roles=["Founder"],
                          segments=[{"id": 31, "name": "CTOs", "roles": ["CTO"]}])]
    contacts = _contacts()
    first = _fresh(contacts)
    first.rank(goals, NOW)
    with_fits = OpportunityRanker().fit(contacts.assign(strength=2.0))
    assert carry_readings(with_fits, first) and len(with_fits.kept_readings()) == 3
    options = [o for o in goal_options(goals) if o.goal_id == 3]
    rows = scoring.segment_score_rows(with_fits, options, 20_000.0, with_fits.kept_readings())
    assert rows is not None and rows.shape == (len(contacts), 1)
    first.kept_readings().unsaved()  # written to disk: the segments' fits released
    without = OpportunityRanker().fit(contacts.assign(strength=3.0))
    assert carry_readings(without, first) and len(without.kept_readings()) == 2  # read anew, with its fits
    assert scoring.segment_score_rows(without, options, 20_000.0, without.kept_readings()) is not None


def test_clearing_the_caches_forgets_every_title_read():
    """The benchmarks' cold fit starts from nothing read: the taxonomy's coded readings went on being
    kept, so a second "cold" fit in one process read no title (a flattering figure)."""
    from engine.ranking.taxonomy import taxonomy
    from engine.ranking.titles import title_forms

    _, plain, level, first = title_forms("Senior Data Scientist")
    taxonomy().coded_plain(plain, level, first)
    assert taxonomy()._coded and title_forms.cache_info().currsize
    clear_caches()
    assert not taxonomy()._coded and title_forms.cache_info().currsize == 0
