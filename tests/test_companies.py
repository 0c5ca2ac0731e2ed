"""Companies: an industry and tags set once for everyone there, kept across re-imports, read by the
ranker's contacts frame; target companies nobody works at shown as gaps with the closest way in."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from engine.outreach.companies import companies_in_network, company_gaps, way_in
from engine.planning.goal_board import _as_json, _cards, goal_board
from tests.conftest import parsed_contacts

APP = str(Path(__file__).parents[1] / "app.py")
URL = "https://www.linkedin.com/in/"
PEOPLE = [
    {"full_name": "Ana One", "company": "Acme, Inc.", "position": "Engineer", "linkedin_url": URL + "ana",
     "strength": 2},
    {"full_name": "Bo Two", "company": "ACME", "position": "Designer", "linkedin_url": URL + "bo", "strength": 4},
    {"full_name": "Cy Three", "company": "Stripe", "position": "Product Manager", "linkedin_url": URL + "cy"},
    {"full_name": "Di Four", "company": "Plaid Technologies", "position": "Engineer", "linkedin_url": URL + "di"},
    {"full_name": "Ed Five", "company": None, "position": "Founder", "linkedin_url": URL + "ed"},
]


def _frame(store):
    return store.contacts.frame().set_index("full_name")


def test_an_industry_set_once_applies_to_everyone_there_and_survives_a_reimport(store):
    store.imports.save_contacts(parsed_contacts(PEOPLE))
    assert _frame(store)["industry"].isna().all()  # the column is there, empty until the user sets one
    store.companies.set("acme", industry="Robotics", tags=["b2b", " "])
    frame = _frame(store)
    assert frame.loc["Ana One", "industry"] == frame.loc["Bo Two", "industry"] == "Robotics"
    assert frame.loc["Cy Three", "industry"] is None and frame.loc["Ed Five", "industry"] is None
    assert list(frame.loc["Bo Two", "tags"]) == ["b2b"]
    store.imports.save_contacts(parsed_contacts(PEOPLE))  # the same export again
    assert _frame(store).loc["Ana One", "industry"] == "Robotics"
    listed = companies_in_network(store).set_index("key")
    assert listed.loc["acme", "contacts"] == 2  # one company, two spellings
    assert listed.loc["acme", "strongest"] == "Bo Two"
    assert listed.loc["acme", "industry"] == "Robotics" and not listed.loc["acme", "inferred"]
    store.companies.set("Acme Inc", industry="")  # cleared; the tags stay
    assert _frame(store).loc["Ana One", "industry"] is None
    assert list(_frame(store).loc["Ana One", "tags"]) == ["b2b"]


def test_a_target_company_with_nobody_there_is_a_gap_with_the_closest_way_in(store):
    store.imports.save_contacts(parsed_contacts(PEOPLE))
    moved = [dict(p) for p in PEOPLE]
    moved[2]["company"] = "Ramp"  # Cy left Stripe: a job change the re-import records
    store.imports.save_contacts(parsed_contacts(moved))
    store.goals.add({"title": "Fintech referral", "outcome": "referral", "target_roles": ["Product Manager"],
                     "companies": ["Stripe", "Plaid", "Acme", "Brex", "Acme Robotics"]})
    gaps = {g["company"]: g for g in company_gaps(store)}
    # Acme has people; so has Plaid: "Plaid Technologies" is Plaid, as the ranking counts it
    assert set(gaps) == {"Stripe", "Brex", "Acme Robotics"}
    assert [p["name"] for p in gaps["Stripe"]["former"]] == ["Cy Three"]
    assert way_in(gaps["Stripe"]) == "used to work there: Cy Three (now at Ramp)"
    assert [r["contacts"] for r in gaps["Acme Robotics"]["related"]] == [2]  # Acme may be a way in
    assert way_in(gaps["Brex"]).startswith("nobody known yet")


REFERRAL = {"title": "Data referral", "outcome": "referral", "target_roles": ["Data Analyst"],
            "companies": ["Acme", "Stripe"],
            "segments": [{"name": "Data analysts at target companies", "roles": ["data analyst"],
                          "companies": ["Acme", "Stripe"]},
                         {"name": "Recruiters", "roles": ["recruiter"]}]}


def _with_ties(store) -> None:
    """PEOPLE, with the strengths the user set (an export carries none)."""
    store.imports.save_contacts(parsed_contacts(PEOPLE))
    ids = store.contacts.for_ranking().set_index("full_name")["id"]
    for person in PEOPLE:
        if person.get("strength"):
            store.contacts.update(int(ids[person["full_name"]]), strength=person["strength"])


def test_a_segment_at_target_companies_nobody_fits_lists_the_people_there_as_ways_in(store):
    """Nobody at Acme or Stripe is a data analyst: the engineer at Acme counts as a member (a partial
    fit at a target company), and the two others who work there, in other roles, can refer the user:
    the gap lists them, the closest tie first (Plaid is not a target)."""
    _with_ties(store)
    store.goals.add(REFERRAL)
    card = goal_board(store, date.today())[0]
    at_targets, recruiters = card.coverage
    assert at_targets["gap"] and at_targets["count"] == 1  # Ana One, listed among its members
    assert [p["full_name"] for p in at_targets["ways_in"]] == ["Bo Two", "Cy Three"]  # strength 4, then none
    assert at_targets["ways_in_total"] == 2
    assert at_targets["ways_in"][0]["company"] == "ACME" and at_targets["ways_in"][0]["position"] == "Designer"
    assert recruiters["gap"] and recruiters["ways_in"] == [] and recruiters["ways_in_total"] == 0  # no company named
    kept = _cards([card.goal], json.loads(json.dumps([_as_json(card)])))  # as a restart reads them from disk
    assert kept[0].coverage[0]["ways_in"] == at_targets["ways_in"] and kept[0].coverage[0]["ways_in_total"] == 2
    assert ways_in_listed(store, limit=2) == (["Bo Two", "Ana One"], 3)  # without the members left out: 3
    assert ways_in_listed(store, limit=1) == (["Bo Two"], 3)  # the first places, and how many


def ways_in_listed(store, limit: int) -> tuple[list[str], int]:
    from engine.outreach.audience import ways_in
    from engine.outreach.opportunities import contact_ranker

    ranker, contacts, _ = contact_ranker(store)
    listed, total = ways_in(ranker, contacts, REFERRAL["segments"][0], limit=limit)
    return [p["full_name"] for p in listed], total


def test_the_goals_page_shows_a_gaps_ways_in_when_the_segment_is_opened(store, monkeypatch):
    _with_ties(store)
    goal_id = store.goals.add(REFERRAL)
    segment = store.goals.get(goal_id)["segments"][0]
    monkeypatch.setenv("RAPPORT_DB", str(store.path))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("ui/goals.py")
    app.session_state[f"seg_open_{segment['id']}"] = True  # what opening the segment's expander does
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(m.value.startswith("2 people at its target companies in another role can introduce you")
               for m in app.markdown)
    table = app.dataframe[0].value
    assert list(table.columns) == ["full_name", "position", "company"]
    assert list(table["full_name"]) == ["Bo Two", "Cy Three"]


def test_the_companies_page_sets_an_industry_for_everyone_there(store, monkeypatch):
    store.imports.save_contacts(parsed_contacts(PEOPLE))
    store.goals.add({"title": "Payments", "outcome": "referral", "companies": ["Adyen"]})
    monkeypatch.setenv("RAPPORT_DB", str(store.path))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("ui/companies.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Adyen" in " ".join(m.value for m in app.markdown)  # the gap
    table = app.dataframe[0].value
    assert list(table["company"][:1]) == ["ACME"] and list(table["contacts"][:1]) == [2]
    app.text_input[1].input("Robotics")
    app.text_input[2].input("b2b, hardware")
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    table = app.dataframe[0].value.set_index("company")
    assert table.loc["ACME", "industry"] == "Robotics"
    assert _frame(store).loc["Bo Two", "industry"] == "Robotics"


def test_the_cli_sets_lists_and_shows_gaps(store):
    import json

    from tests.test_cli import rapport

    store.imports.save_contacts(parsed_contacts(PEOPLE))
    store.goals.add({"title": "Payments", "outcome": "referral", "companies": ["Adyen", "Stripe"]})
    saved = rapport("companies", "set", "Acme Inc.", "--industry", "Robotics", "--tags", "b2b", db=store.path)
    assert saved.returncode == 0 and "2 contacts there" in saved.stdout, saved.stderr
    listed = json.loads(rapport("companies", "list", "--json", db=store.path).stdout)["companies"]
    assert (listed[0]["contacts"], listed[0]["industry"], listed[0]["tags"]) == (2, "Robotics", ["b2b"])
    gaps = json.loads(rapport("companies", "gaps", "--json", db=store.path).stdout)["gaps"]
    assert [g["company"] for g in gaps] == ["Adyen"]


def test_kept_companies_and_gaps_follow_every_change_that_matters(store):
    """Both are kept between visits; a company's industry, a new contact and a goal's targets each
    show on the next call."""
    store.imports.save_contacts(parsed_contacts(PEOPLE))
    goal = store.goals.add({"title": "Payments", "outcome": "referral", "companies": ["Adyen"]})
    assert companies_in_network(store).set_index("key").loc["acme", "industry"] != "Robotics"
    store.companies.set("acme", industry="Robotics")
    assert companies_in_network(store).set_index("key").loc["acme", "industry"] == "Robotics"
    assert [g["company"] for g in company_gaps(store)] == ["Adyen"]
    store.goals.update(goal, {"companies": ["Adyen", "Brex"]})
    assert [g["company"] for g in company_gaps(store)] == ["Adyen", "Brex"]
    store.imports.save_contacts(parsed_contacts([{"first_name": "Al", "last_name": "Six", "full_name": "Al Six",
                                                  "company": "Adyen"}]))
    assert [g["company"] for g in company_gaps(store)] == ["Brex"]
    assert "adyen" in set(companies_in_network(store)["key"])


def test_a_name_in_parentheses_is_the_same_company_for_the_ranking_and_for_gaps(store):
    from engine.outreach.opportunities import explain_contact, rank_contacts

    people = [
        {"full_name": "Al Long", "company": "The Boston Consulting Group (BCG)", "position": "Consultant",
         "linkedin_url": URL + "al"},
        {"full_name": "Bea Meta", "company": "Meta (formerly Facebook)", "position": "Consultant",
         "linkedin_url": URL + "bea"},
        {"full_name": "Cal Short", "company": "AWS", "position": "Consultant", "linkedin_url": URL + "cal"},
        {"full_name": "Dee Place", "company": "KPMG (Nigeria)", "position": "Consultant", "linkedin_url": URL + "dee"},
        {"full_name": "Eve Else", "company": "Initech", "position": "Consultant", "linkedin_url": URL + "eve"},
    ]
    store.imports.save_contacts(parsed_contacts(people))
    goal = store.goals.add({"title": "Consulting referral", "outcome": "referral", "target_roles": ["Consultant"],
                            "companies": ["BCG", "Facebook", "Amazon Web Services (AWS)", "Nigeria"]})
    # the aside is a name when it is the initials ("BCG") or says so ("formerly"); a place is not one
    assert {g["company"] for g in company_gaps(store)} == {"Nigeria"}
    ranked = rank_contacts(store, goal_id=goal)
    assert set(ranked["full_name"].head(3)) == {"Al Long", "Bea Meta", "Cal Short"}
    ids = dict(zip(ranked["full_name"], ranked["contact_id"]))
    at = {name: dict((c, v) for c, v, _ in explain_contact(store, int(ids[name]))["contributions"])["company"] > 0
          for name in ids}
    assert at == {"Al Long": True, "Bea Meta": True, "Cal Short": True, "Dee Place": False, "Eve Else": False}


def test_a_target_written_apart_or_without_accents_finds_its_people_and_is_no_gap(store):
    from engine.outreach.opportunities import rank_contacts

    people = [
        {"full_name": "Ada Bank", "company": "FirstBank Nigeria", "position": "Brand Manager",
         "linkedin_url": URL + "a"},
        {"full_name": "Ben Food", "company": "Nestlé", "position": "Brand Manager", "linkedin_url": URL + "b"},
        {"full_name": "Cat Else", "company": "Initech", "position": "Brand Manager", "linkedin_url": URL + "c"},
    ]
    store.imports.save_contacts(parsed_contacts(people))
    goal = store.goals.add({"title": "Brand referral", "outcome": "referral", "target_roles": ["Brand Manager"],
                            "companies": ["First Bank", "Nestle", "Unilever"]})
    assert [g["company"] for g in company_gaps(store)] == ["Unilever"]
    ranked = rank_contacts(store, goal_id=goal)
    assert ranked["full_name"].tolist()[-1] == "Cat Else"  # the same role, not at a target
    assert all(any("target company" in r for r in reasons) for reasons in ranked["reasons"].head(2))


def test_an_industry_set_under_a_key_an_earlier_version_wrote_still_applies(store):
    """Company keys are a normalization that improves (accents folded since Nestlé was "nestl"): a
    fact is found again from the name it was set for."""
    import duckdb

    store.imports.save_contacts(parsed_contacts([{"full_name": "Ben Food", "company": "Nestlé",
                                                  "position": "Brand Manager", "linkedin_url": URL + "b"}]))
    store.companies.set("Nestlé", industry="Food")
    conn = duckdb.connect(str(store.path))
    try:  # the row as the earlier normalization keyed it
        conn.execute("UPDATE companies SET company_key = 'nestl' WHERE company_key = 'nestle'")
    finally:
        conn.close()
    assert _frame(store).loc["Ben Food", "industry"] == "Food"


def test_a_misspelt_target_company_is_a_gap_that_names_the_company_it_is_spelled_like(store):
    people = [{"full_name": f"Dev {i}", "company": "Microsoft", "position": "Software Engineer",
               "linkedin_url": URL + f"d{i}"} for i in range(3)]
    store.imports.save_contacts(parsed_contacts(people))
    store.goals.add({"title": "Software referral", "outcome": "referral", "target_roles": ["Software Engineer"],
                     "companies": ["Microsfot", "Brex"]})
    gaps = {g["company"]: g for g in company_gaps(store)}
    assert set(gaps) == {"Microsfot", "Brex"}  # a typo is not matched: the user is asked instead
    assert gaps["Microsfot"]["spelled"] == {"company": "Microsoft", "contacts": 3}
    assert way_in(gaps["Microsfot"]).startswith("did you mean Microsoft (3 in your network)?")
    assert gaps["Brex"]["spelled"] is None and way_in(gaps["Brex"]).startswith("nobody known yet")
