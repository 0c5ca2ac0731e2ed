"""Goal templates fill in nothing the user did not type (issue 16's contract for `rapport goals
add`): a template that needs a role or an industry says so, an industry given with a role becomes
the goal's target industry, and who hires for a role comes from the role taxonomy."""

from __future__ import annotations

import pytest

from engine.errors import UserError
from engine.planning.goal_templates import GOAL_TEMPLATES, NEEDS, article, goal_from_template, plural
from engine.store import Store
from tests.test_pages import open_page


@pytest.mark.parametrize("key", list(GOAL_TEMPLATES))
def test_a_template_without_its_word_says_what_it_needs(key):
    given = {"role": "", "area": ""}
    given["area" if NEEDS[key] == "role" else "role"] = "something else"
    with pytest.raises(UserError, match="needs a role" if NEEDS[key] == "role" else "needs an industry"):
        goal_from_template(key, **given)


@pytest.mark.parametrize("key", list(GOAL_TEMPLATES))
def test_a_template_uses_only_the_words_given(key):
    words = {"role": "Quantum Botanist"} if NEEDS[key] == "role" else {"area": "kelp farming"}
    goal = goal_from_template(key, **words)
    assert goal["target_roles"] == ([words["role"]] if "role" in words else [])
    assert goal["industries"] == ([words["area"]] if "area" in words else [])
    named = [r for s in goal["segments"] for r in s["roles"]]
    assert "product manager" not in named and "product manager" not in goal["title"].lower()


def test_an_area_with_a_role_is_the_goals_target_industry():
    goal = goal_from_template("referral", role="data analyst", area="e-commerce")
    assert goal["title"] == "Referral into a data analyst role (e-commerce)"
    assert goal["industries"] == ["e-commerce"] and goal["target_roles"] == ["data analyst"]
    # No target company named: the peers are not said to be at target companies.
    assert [s["name"] for s in goal["segments"]] == ["data analysts", "Hiring managers", "Recruiters"]


def test_learning_a_field_of_work_is_learning_it_from_its_people_and_an_industry_stays_one():
    """`rapport goals add --template learn --area "machine learning"`: machine learning is no industry
    the engine knows but a family of roles, so the goal asks for its roles (a seventh probe's goal
    ranked a COO and salespeople whose titles end in "AI/ML" above every ML engineer); "fintech" and
    "cybersecurity" stay industries."""
    from engine.ranking import OpportunityRanker
    from tests.ranking_support import NOW, contacts_frame

    field = goal_from_template("learn", area="machine learning")
    assert field["title"] == "Learn machine learning" and field["target_roles"] == ["machine learning"]
    assert field["industries"] == [] and field["segments"][0]["roles"] == ["machine learning"]
    for industry in ("fintech", "cybersecurity"):
        goal = goal_from_template("learn", area=industry)
        assert goal["industries"] == [industry] and goal["target_roles"] == [], goal
    titles = ["Chief Operating Officer - AI/ML", "Machine Learning Engineer", "Sales Manager - Machine Learning",
              "Senior Machine Learning Scientist"]
    ranked = OpportunityRanker().fit(contacts_frame([{"position": t} for t in titles])).rank(
        [{**field, "id": 1}], NOW, top=None)
    assert set(ranked["contact_id"].head(2)) == {2, 4}, ranked[["contact_id", "score"]]


def test_a_field_that_names_an_industry_keeps_it():
    """"Learn healthcare administration" (a tenth probe) kept the field as a role and dropped the
    healthcare in it: heads of administration at Amazon and KPMG came first. The industry a field's
    words name stays the goal's, and the people in it who do the field come first."""
    from engine.ranking import OpportunityRanker
    from tests.ranking_support import NOW, contacts_frame

    goal = goal_from_template("learn", area="healthcare administration")
    assert goal["target_roles"] == ["healthcare administration"] and goal["industries"] == ["healthcare"]
    assert goal["segments"][0]["industries"] == ["healthcare"]
    assert goal_from_template("learn", area="data science")["industries"] == []  # names no industry
    ranked = OpportunityRanker().fit(contacts_frame([
        {"position": "Head Of Administration", "company": "Amazon"},
        {"position": "Head, Human Resources & Administration", "company": "GSK Nigeria"},
    ])).rank([{**goal, "id": 1}], NOW)
    assert ranked["contact_id"].iloc[0] == 2, ranked


def test_a_client_goal_with_a_role_says_whom_and_takes_them_at_any_level():
    """'HR manager' in banking: the buyers are HR managers, not only directors and up."""
    goal = goal_from_template("clients", role="HR manager", area="banking")
    assert goal["title"] == "Find clients in banking: HR managers"
    buyers = goal["segments"][0]
    assert buyers["name"] == "Decision makers" and buyers["roles"] == ["HR manager"] and "seniority" not in buyers
    anyone = goal_from_template("clients", area="banking")
    assert anyone["title"] == "Find clients in banking"
    assert [s["name"] for s in anyone["segments"]] == ["Decision makers", "Referral sources"]
    assert "director" in anyone["segments"][0]["seniority"]  # no role named: senior people


def test_hiring_managers_and_mentors_come_from_the_role_and_the_family_that_leads_it():
    managers = {s["relationship"]: s for s in goal_from_template("referral", role="backend engineer")["segments"]}
    assert managers["hiring manager"]["roles"] == ["backend engineer", "engineering leadership"]
    assert set(managers["hiring manager"]["seniority"]) >= {"manager", "director"}
    designer = goal_from_template("referral", role="product designer", companies=["Figma"])["segments"]
    assert designer[0] == {**designer[0], "name": "product designers at target companies", "companies": ["Figma"]}
    assert designer[1]["roles"] == ["product designer"]  # design has no leading family: its managers up
    mentors = goal_from_template("mentor", role="product manager")["segments"][0]
    assert mentors["roles"] == ["product manager", "product leadership"] and "director" in mentors["seniority"]


@pytest.mark.parametrize("word, expected", [("account executive", "an"), ("engineer", "an"), ("UX researcher", "a"),
                                            ("SRE", "an"), ("CTO", "a"), ("HR partner", "an"), ("data analyst", "a"),
                                            ("user researcher", "a"), ("hour", "an")])
def test_article(word, expected):
    assert article(word) == expected


@pytest.mark.parametrize("role, expected", [("product manager", "product managers"), ("secretary", "secretaries"),
                                            ("head of sales", "heads of sales"), ("CTO", "CTOs"), ("sales", "sales")])
def test_plural(role, expected):
    assert plural(role) == expected


def test_the_goals_page_says_what_a_template_needs_and_creates_nothing(tmp_path, monkeypatch):
    app = open_page("ui/goals.py", tmp_path / "g.duckdb", monkeypatch)
    next(b for b in app.button if b.label == "Create goal").click().run()  # the referral template, no role
    assert not app.exception, [e.value for e in app.exception]
    assert any("needs a role" in e.value for e in app.error), [e.value for e in app.error]
    assert Store(tmp_path / "g.duckdb").goals.all() == []


def test_a_mentor_goal_ranks_experienced_people_of_the_role_first(tmp_path):
    """"Find a mentor: product manager" in a network without product directors: the senior and lead
    product managers before the mid-level ones (the goal had asked no level of its own, so all ranked
    alike), and no intern above them."""
    from datetime import datetime

    from engine.outreach import opportunities
    from tests.conftest import parsed_contacts

    store = Store(tmp_path / "w.duckdb")
    titles = ["Product Manager", "Senior Product Manager", "Product Management Intern", "Lead Product Manager",
              "Accountant"]
    store.imports.save_contacts(parsed_contacts([
        {"first_name": f"First{i}", "last_name": f"Last{i}", "full_name": f"First{i} Last{i}",
         "company": f"Company {i}", "position": t, "linkedin_url": f"https://www.linkedin.com/in/person-{i}/"}
        for i, t in enumerate(titles)]))
    store.goals.add(goal_from_template("mentor", role="product manager"))
    score = opportunities.rank_contacts(store, now=datetime(2026, 6, 1, 9)).set_index("position")["score"]
    assert min(score["Senior Product Manager"], score["Lead Product Manager"]) > score["Product Manager"], score
    assert score["Product Manager"] > score["Product Management Intern"], score


def test_a_mentor_role_that_names_its_level_keeps_it():
    """"Find a mentor: CFO" asks a CFO's level, not any senior person: the template's senior-and-up is
    for roles that name no level ("product manager")."""
    from engine.ranking.goals import goal_options

    cfo = goal_options([{**goal_from_template("mentor", role="CFO"), "id": 1}])[0]
    assert cfo.seniority == {"executive"}
    tax = goal_options([{**goal_from_template("mentor", role="head of tax"), "id": 1}])[0]
    assert tax.seniority == {"director"}
    product = goal_options([{**goal_from_template("mentor", role="product manager"), "id": 1}])[0]
    assert {"senior", "director"} <= product.seniority and "mid" not in product.seniority
    # and its segment is not named "senior CFOs"
    assert [s["name"] for s in goal_from_template("mentor", role="CFO")["segments"]] == ["Mentors: CFOs"]
    assert [s["name"] for s in goal_from_template("mentor", role="general counsel")["segments"]] == \
        ["Mentors: general counsels"]
    assert [s["name"] for s in goal_from_template("mentor", role="product manager")["segments"]] == \
        ["Mentors: senior product managers"]
