"""Companies in the ranking, on a real workspace: blank Company cells next to a goal naming a company.

Issue 16: an export where some contacts have no company, and a goal (or segment) naming a company
some contact works at, crashed every page that ranks (IndexError in scoring._company_values).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from engine.outreach import opportunities
from engine.ranking import OpportunityRanker
from tests.conftest import parsed_contacts

NOW = datetime(2025, 6, 1, 9, 0)


def _person(i: int, company: str | None, position: str) -> dict:
    first, last = f"First{i}", f"Last{i}"
    return {"first_name": first, "last_name": last, "full_name": f"{first} {last}", "company": company,
            "position": position, "linkedin_url": f"https://www.linkedin.com/in/person-{i}/",
            "connected_on": "2023-01-15"}


# Blank companies first and in between, so the blank key is not last among the distinct companies.
ROWS = [
    _person(1, None, "Product Manager"),
    _person(2, "Globex", "Product Manager"),
    _person(3, "", "Product Manager"),
    _person(4, "Stripe, Inc.", "Product Manager"),
    _person(5, "Initech", "Product Manager"),
    _person(6, None, "Product Manager"),
    _person(7, "Stripe", "Product Manager"),
    _person(8, "Umbrella", "Product Manager"),
]
AT_STRIPE = {"First4 Last4", "First7 Last7"}


def _workspace(store, **goal):
    store.imports.save_contacts(parsed_contacts(ROWS))
    store.goals.add({"title": "Product role", "outcome": "referral", "target_roles": ["Product Manager"],
                     "priority": 3, "status": "active", **goal})
    return store


def _assert_stripe_first(ranked):
    assert len(ranked) == len(ROWS)
    top = ranked.head(len(AT_STRIPE))
    assert set(top["full_name"]) == AT_STRIPE
    assert top["score"].min() > ranked["score"].iloc[len(AT_STRIPE):].max()
    for reasons in top["reasons"]:
        assert "works at target company Stripe" in reasons
    for reasons in ranked["reasons"].iloc[len(AT_STRIPE):]:
        assert not any("target company" in r for r in reasons)


def test_a_goal_naming_a_company_ranks_its_people_first_despite_blank_companies(store):
    _workspace(store, companies=["Stripe"])
    _assert_stripe_first(opportunities.rank_contacts(store, now=NOW))


def test_a_segment_naming_a_company_ranks_its_people_first_despite_blank_companies(store):
    _workspace(store, segments=[{"name": "Payments", "roles": ["Product Manager"], "companies": ["Stripe"]}])
    ranked = opportunities.rank_contacts(store, now=NOW)
    _assert_stripe_first(ranked)
    assert set(ranked.head(len(AT_STRIPE))["segment_name"]) == {"Payments"}


def test_every_company_has_one_key_and_blanks_have_none(store):
    """The fitted lookup numbers exactly the non-blank company keys, 0..k-1, so arrays sized by it hold."""
    _workspace(store, companies=["Stripe"])
    ranker = OpportunityRanker().fit(store.contacts.for_ranking())
    keys = list(ranker.company_keys_)
    assert "" not in keys
    assert sorted(ranker.company_index_.values()) == list(range(len(keys)))
    assert len(keys) == len(ranker.company_names_) == 4  # globex, stripe, initech, umbrella
    blank = np.array([r["company"] in (None, "") for r in ROWS])
    names = store.contacts.for_ranking()["full_name"].tolist()
    order = [names.index(r["full_name"]) for r in ROWS]
    assert (ranker.company_codes_[order][blank] == -1).all()
    assert (ranker.company_codes_[order][~blank] >= 0).all()
    explained = ranker.explain(int(store.contacts.for_ranking()["id"].iloc[order[3]]),
                               store.goals.all(), NOW)
    assert dict((f, d) for f, _, d in explained["contributions"])["company"].startswith("Stripe")


INDUSTRY_ROWS = [
    _person(1, "Sterling Bank Plc", "Account Manager • HR Tech"),
    _person(2, "Brightwave Solar", "Accounts Manager"),
    _person(3, "Initech", "Talent Partner, Tech"),
    _person(4, "Northwind Renewables", "Insights Analyst"),
    _person(5, "Umbrella", "Energy Trader"),
    _person(6, "Globex", "People Operations Lead"),
]


def test_a_goal_about_an_industry_ranks_the_people_working_in_it_first(store):
    """"Meet people in climate tech" names no role: its "people" is persons (not People and HR),
    its "tech" names no industry, and working at a solar or renewables company is the fit itself."""
    store.imports.save_contacts(parsed_contacts(INDUSTRY_ROWS))
    store.goals.add({"title": "Meet people in climate tech", "outcome": "learn", "priority": 3, "status": "active",
                     "industries": ["climate tech", "renewable energy"]})
    ranked = opportunities.rank_contacts(store, now=NOW)
    assert set(ranked["full_name"].head(2)) == {"First2 Last2", "First4 Last4"}, ranked[["full_name", "score"]]
    assert all("in a target industry: climate tech (inferred)" in r for r in ranked["reasons"].head(2))
    # A title naming a word of the industry still counts, after the people working in it.
    assert ranked["full_name"].iloc[2] == "First5 Last5"
    rest = ranked.set_index("full_name")["score"]
    assert rest[["First1 Last1", "First3 Last3", "First6 Last6"]].max() < rest["First5 Last5"]


def test_a_word_that_specializes_the_role_within_its_family_keeps_its_weight(store):
    """"frontend" in "frontend engineer" is what tells a frontend developer from any engineer,
    while "product" in "product designer" names another family and counts little."""
    # As in a real network: engineers are common, a frontend developer is rare, most are neither.
    engineers = ["Software Engineer", "Senior Software Engineer", "Systems Engineer", "QA Engineer", "Cloud Engineer",
                 "Backend Engineer", "DevOps Engineer", "Software Developer"] * 3
    engineers += ["Accountant", "Sales Manager", "Recruiter", "Nurse", "Teacher", "Lawyer", "Marketing Manager",
                  "Data Analyst", "HR Business Partner", "Operations Manager"] * 6
    store.imports.save_contacts(parsed_contacts([
        _person(1, "Initech", "Web Developer | Systems Engineer"),
        _person(2, "Globex", "Senior Frontend Developer"),
        _person(3, "Umbrella", "Software Engineer"),
        _person(4, "Hooli", "Head of Product"),
        _person(5, "Hooli", "Senior Designer"),
        *(_person(10 + i, "Acme", title) for i, title in enumerate(engineers)),
    ]))
    store.goals.add({"title": "Hire", "outcome": "hiring", "priority": 3, "status": "active",
                     "target_roles": ["frontend engineer", "react developer"]})
    store.goals.add({"title": "Design", "outcome": "hiring", "priority": 3, "status": "active",
                     "target_roles": ["product designer"]})
    ranked = opportunities.rank_contacts(store, now=NOW, goal_id=1)
    assert ranked["full_name"].iloc[0] == "First2 Last2", ranked[["full_name", "score"]]
    design = opportunities.rank_contacts(store, now=NOW, goal_id=2).set_index("full_name")["score"]
    assert design["First5 Last5"] > design["First4 Last4"]


def test_a_goal_to_learn_an_industry_is_fitted_on_the_industry_not_on_its_templates_words(store):
    """The learn template's title and description ("Learn the climate tech industry ... who the
    players are") and its segment's name ask for no role: their words are not looked for in titles."""
    from engine.planning.goal_templates import goal_from_template

    store.imports.save_contacts(parsed_contacts(INDUSTRY_ROWS))
    store.goals.add(goal_from_template("learn", area="climate tech"))
    ranked = opportunities.rank_contacts(store, now=NOW).set_index("full_name")["score"]
    assert set(ranked[ranked > 0].index) == {"First2 Last2", "First4 Last4"}, ranked


def test_an_office_or_unit_of_a_target_company_is_the_target_company(store):
    """Real exports write one employer many ways: a goal naming Interswitch or KPMG ranks the
    people at "Interswitch Group" and "KPMG Nigeria" as at the target company, not at "Interswitch
    Payments Africa Foo" by its first word alone, nor at "Global Foods" for a goal naming Global Bank."""
    rows = [_person(1, "Interswitch Group", "Data Engineer"), _person(2, "KPMG Nigeria", "Data Engineer"),
            _person(3, "Globex", "Data Engineer"), _person(4, "Global Foods", "Data Engineer"),
            _person(5, "Interswitchy", "Data Engineer")]
    store.imports.save_contacts(parsed_contacts(rows))
    store.goals.add({"title": "Data engineering", "outcome": "referral", "target_roles": ["Data Engineer"],
                     "companies": ["Interswitch", "KPMG", "Global Bank"], "priority": 3, "status": "active"})
    ranked = opportunities.rank_contacts(store, now=NOW).set_index("full_name")
    at_target = {name for name, reasons in ranked["reasons"].items()
                 if any(r.startswith("works at target company") for r in reasons)}
    assert at_target == {"First1 Last1", "First2 Last2"}
    assert any("Interswitch Group" in r for r in ranked.loc["First1 Last1", "reasons"])
    assert ranked.loc["First1 Last1", "score"] > ranked.loc["First3 Last3", "score"]


REAL_ESTATE_ROWS = [
    _person(1, "Landmark Realty", "Founder/CEO"),
    _person(2, "Zylus Homes and Properties", "Site Engineer Trainee"),
    _person(3, "Globex", "Property Manager"),
    _person(4, "Landmark Realty", "HR Business Partner at Landmark Realty"),
    _person(5, "Initech", "Accountant"),
    _person(6, "Initech", "Social Media Manager"),
    _person(7, "Umbrella", "Journalist"),
]


def test_learning_an_industry_puts_those_who_know_it_first(store):
    """"Learn the real estate industry": within the industry the experienced come first (a founder
    before a trainee); a title naming the industry in its own words ("Property Manager") counts as
    working in it; a title that only repeats its own company's name does not name the industry."""
    from engine.planning.goal_templates import goal_from_template

    store.imports.save_contacts(parsed_contacts(REAL_ESTATE_ROWS))
    store.goals.add(goal_from_template("learn", area="real estate"))
    ranked = opportunities.rank_contacts(store, now=NOW).set_index("full_name")
    score = ranked["score"]
    assert score["First1 Last1"] > score["First2 Last2"] > 0, score
    assert score["First3 Last3"] > score["First2 Last2"], score
    assert "title matches 'property'" in ranked.loc["First3 Last3", "reasons"]
    assert score["First4 Last4"] < score["First1 Last1"], score  # at the same firm, not named twice
    assert score[["First5 Last5", "First6 Last6", "First7 Last7"]].max() == 0, score


SECURITY_ROWS = [
    _person(1, "Globex", "Information Security Analyst"),
    _person(2, None, "Senior Security Engineer"),
    _person(3, "Initech", "Finance Manager - Cybersecurity"),
    _person(4, "Initech", "Sr Talent Advisor | Cybersecurity"),
    _person(5, "Umbrella", "Consultant - Cybersecurity"),
    _person(6, "Umbrella", "Accountant"),
]


def test_an_industry_no_company_is_in_is_found_in_titles(store):
    """"Learn the cybersecurity industry" where no company of the network is a security firm: the
    people whose title names the field are who work in it (before, with no company in the industry,
    titles naming it were never looked at, and a team tag's bare word ranked first)."""
    from engine.planning.goal_templates import goal_from_template

    store.imports.save_contacts(parsed_contacts(SECURITY_ROWS))
    store.goals.add(goal_from_template("learn", area="cybersecurity"))
    score = opportunities.rank_contacts(store, now=NOW).set_index("full_name")["score"]
    working = score[["First1 Last1", "First2 Last2", "First5 Last5"]]
    assert working.min() > score[["First3 Last3", "First4 Last4"]].max() > 0, score
    assert score["First6 Last6"] == 0, score


def test_a_team_tag_is_not_the_persons_field():
    """"Head, HR - Healthcare" at a bus company serves a healthcare team: for a goal about hospitals
    it counts half of working in healthcare; "Consultant - Healthcare" names no function of its
    own, so the tag is the field."""
    from engine.ranking.goals import goal_options
    from engine.ranking.industry_fit import industry_only, titles_naming

    contacts = pd.DataFrame([_person(1, "Lagos Bus Services", "Head, Human Resources IV - Healthcare"),
                             _person(2, "Globex", "Consultant - Healthcare"),
                             _person(3, "Initech", "Healthcare Recruiter"),
                             _person(4, "Umbrella", "Assistant Manager Human Resources – Healthcare"),
                             _person(5, "Umbrella", "Deputy Human Resource Manager, Healthcare team"),
                             _person(6, "Umbrella", "Finance Manager, Healthcare"),
                             _person(7, "Umbrella", "Facility Supervisor - Healthcare")])  # (an eighth probe's)
    ranker = OpportunityRanker().fit(contacts.assign(id=range(1, 8)))
    option = next(o for o in goal_options([{"id": 1, "title": "Clients", "outcome": "clients",
                                            "industries": ["healthcare"]}]) if industry_only(o))
    named, tagged = titles_naming(option, ranker)
    assert tagged.tolist() == [True, False, False, True, True, False, True]  # a comma starts a tag when a team
    assert named.tolist() == [False, True, True, False, False, True, False]


def test_a_social_media_manager_is_not_the_media_industry(store):
    """The words that say an industry in a title are fewer than its aliases: "broadcasting" is the
    media industry, and "media" is one of its aliases, but it is in every "Social Media Manager"
    title, while a journalist works in the media."""
    from engine.planning.goal_templates import goal_from_template

    store.imports.save_contacts(parsed_contacts(REAL_ESTATE_ROWS))
    store.goals.add(goal_from_template("learn", area="broadcasting"))
    score = opportunities.rank_contacts(store, now=NOW).set_index("full_name")["score"]
    assert score["First7 Last7"] > 0 and score["First6 Last6"] == 0, score


def test_a_phrase_is_looked_up_as_the_vectorizer_reads_it():
    from engine.ranking.text import make_vectorizer, phrase_columns

    vectorizer = make_vectorizer().fit(["oil and gas engineer", "real estate agent", "estate surveyor"])
    columns = phrase_columns(vectorizer, ["oil and gas", "real estate", "real estate agent", "realtor"])
    assert columns == [vectorizer.vocabulary_["oil gas"], vectorizer.vocabulary_["real estate"]]


def test_a_segments_name_beside_its_roles_is_no_role():
    """The templates' segments give their roles: a name beside them is not read as more roles
    ("Hiring managers" asked for "manager" in every title, "Mentors: senior tax advisors" for
    "senior"). A segment without roles is still read by its name."""
    from engine.planning.goal_templates import goal_from_template
    from engine.ranking.goals import goal_options

    referral = goal_from_template("referral", role="internal auditor", companies=["Deloitte"])
    mentor = goal_from_template("mentor", role="tax advisor")
    options = {o.segment_name: o for o in goal_options([referral, mentor]) if o.segment_name}
    role_text = {name: " ".join(text for text, _ in o.role_fields) for name, o in options.items()}
    assert "hiring" not in role_text["Hiring managers at target companies"], role_text
    assert "mentor" not in role_text["Mentors: senior tax advisors"]
    assert "senior" not in role_text["Mentors: senior tax advisors"]
    unnamed = {**mentor, "segments": [{"name": "Data scientists", "roles": []}]}
    (data,) = [o for o in goal_options([unnamed]) if o.segment_name]
    assert "data scientist" in " ".join(text for text, _ in data.role_fields)


def test_the_senior_people_of_a_target_account_are_who_buys(store):
    """In a clients goal a person at a target company fits at least by being there, more the more
    senior: after the right role elsewhere, before people who fit in nothing. A probe's
    kitchen-equipment goal ranked the CEO of its target account 104th, behind chefs anywhere. A
    mentor goal naming the same company does not ask for anyone who works there."""
    rows = [_person(1, "Globex", "Data Analyst"), _person(2, "Acme", "Head of Finance"),
            _person(3, "Acme", "Finance Intern"), _person(4, "Initech", "Accountant"),
            _person(5, "Hooli", "Sales Manager")]
    store.imports.save_contacts(parsed_contacts(rows))
    common = {"priority": 3, "status": "active", "target_roles": ["data analyst"], "companies": ["Acme"]}
    store.goals.add({**common, "title": "Clients", "outcome": "clients"})
    store.goals.add({**common, "title": "Mentor", "outcome": "mentorship"})
    clients = opportunities.rank_contacts(store, now=NOW, goal_id=1).set_index("full_name")["score"]
    mentor = opportunities.rank_contacts(store, now=NOW, goal_id=2).set_index("full_name")["score"]
    assert clients["First1 Last1"] > clients["First2 Last2"] > clients["First3 Last3"], clients
    assert clients["First3 Last3"] > max(clients["First4 Last4"], clients["First5 Last5"]), clients
    assert mentor["First2 Last2"] < clients["First2 Last2"], (mentor, clients)


def test_a_role_the_taxonomy_does_not_know_is_not_met_by_a_job_word_alone(store):
    """"Implementation partners at SIs" asks for "alliances manager, partner": no family. A
    "Senior HR Business Partner" shares only "partner" with it, a job word, and counts a share
    (GENERIC_ONLY) of that match: a probe's goal listed nine HR business partners at random firms
    above the people at the systems integrators it named."""
    # as in the probe's network: nobody with "alliances" in the title, so a job word is the best match
    rows = [_person(1, "Globex", "Senior HR Business Partner"), _person(2, "Infosys", "General Manager"),
            _person(3, "Initech", "HR Business Partner"), _person(4, "Hooli", "Accountant")]
    store.imports.save_contacts(parsed_contacts(rows))
    store.goals.add({"title": "Implementation partners at SIs", "outcome": "other", "priority": 3,
                     "status": "active", "target_roles": ["alliances manager", "partner"], "companies": ["Infosys"]})
    from engine.ranking.scoring import GENERIC_ONLY

    score = opportunities.rank_contacts(store, now=NOW).set_index("full_name")["score"]
    assert score["First2 Last2"] > score["First1 Last1"] > score["First4 Last4"], score
    # the HR business partners' whole score is at most that share of a full role fit's
    assert score["First1 Last1"] <= GENERIC_ONLY * OpportunityRanker().get_params()["text_weight"] + 1e-9, score


def test_a_well_known_company_is_found_under_its_other_name(store):
    """A goal naming "TCS" or "P&G" finds the people an export lists at "Tata Consultancy Services"
    and "Procter & Gamble" (and back): the well-known short names, never initials guessed."""
    from engine.ranking.company_names import company_keys_of

    assert "tata consultancy services" in company_keys_of("TCS")
    assert "tcs" in company_keys_of("Tata Consultancy Services Limited")
    assert company_keys_of("International Widgets Ltd") == {"international widgets", "internationalwidgets"}
    rows = [_person(1, "Tata Consultancy Services", "Program Director"), _person(2, "Procter & Gamble Nigeria",
            "Associate Manager"), _person(3, "Initech", "Program Director")]
    store.imports.save_contacts(parsed_contacts(rows))
    store.goals.add({"title": "Partners", "outcome": "other", "priority": 3, "status": "active",
                     "target_roles": ["program director"], "companies": ["TCS", "P&G"]})
    ranked = opportunities.rank_contacts(store, now=NOW).set_index("full_name")
    assert any(r.startswith("works at target company") for r in ranked.loc["First1 Last1", "reasons"])
    assert any(r.startswith("works at target company") for r in ranked.loc["First2 Last2", "reasons"])
    assert ranked.loc["First1 Last1", "score"] > ranked.loc["First3 Last3", "score"]


def test_a_hiring_manager_hires_where_the_goal_wants_to_work(store):
    """The referral template's "Hiring managers": for a goal naming its companies, the level they
    ask counts only there. A probe's tech-recruiter referral at Microsoft listed talent acquisition
    managers anywhere above a talent acquisition specialist at Microsoft."""
    from engine.planning.goal_templates import goal_from_template

    rows = [_person(1, "Microsoft", "Talent Acquisition Specialist"),
            _person(2, "Knight Frank", "Head of Talent Acquisition"),
            _person(3, "Microsoft", "Head of Talent Acquisition"), _person(4, "Hooli", "Accountant")]
    store.imports.save_contacts(parsed_contacts(rows))
    store.goals.add(goal_from_template("referral", role="tech recruiter", companies=["Microsoft"]))
    ranked = opportunities.rank_contacts(store, now=NOW).set_index("full_name")
    score = ranked["score"]
    assert score["First3 Last3"] > max(score["First1 Last1"], score["First2 Last2"]) > score["First4 Last4"], score
    assert ranked.loc["First3 Last3", "segment_name"] == "Hiring managers at target companies"
    # elsewhere a head of talent acquisition is no hiring manager for this goal, nor is their level asked
    assert ranked.loc["First2 Last2", "segment_name"] != "Hiring managers at target companies"
    assert not any("as the segment asks" in r for r in ranked.loc["First2 Last2", "reasons"])
    assert score["First3 Last3"] - score["First2 Last2"] > 0.3, score


def test_a_segment_naming_companies_holds_only_the_people_there(store):
    """"QA engineers at target companies" lists the QA engineers at those companies: a probe saw
    the label on people elsewhere, whose role fit alone had passed the members' bar."""
    from engine.outreach.audience import memberships, segment_coverage
    from engine.planning.goal_templates import goal_from_template

    rows = [_person(1, "Acme", "QA Engineer"), _person(2, "Globex", "QA Engineer"), _person(3, "Acme", "Accountant")]
    store.imports.save_contacts(parsed_contacts(rows))
    goal_id = store.goals.add(goal_from_template("referral", role="QA engineer", companies=["Acme"]))
    goal = store.goals.get(goal_id)
    (peers,) = [s for s in goal["segments"] if s["name"] == "QA engineers at target companies"]
    members = memberships(store, [goal], NOW)
    assert set(members.loc[members["segment_id"] == peers["id"], "contact_id"]) == {1}
    (entry,) = [e for e in segment_coverage(store, goal, today=NOW.date(), limit=3) if e["id"] == peers["id"]]
    assert entry["count"] == 1 and list(entry["contacts"]["full_name"]) == ["First1 Last1"]


def test_a_segment_asking_a_level_holds_only_people_at_it(store):
    """"Hiring managers" (manager and up) holds no mid-level analyst: a probe saw every data analyst
    labelled a hiring manager for a data-analyst referral, their role fit alone past the members' bar."""
    from engine.outreach.audience import memberships
    from engine.planning.goal_templates import goal_from_template

    rows = [_person(1, "Acme", "Data Analyst"), _person(2, "Globex", "Head of Data Analytics"),
            _person(3, "Initech", "Data Analytics Manager"), _person(4, "Hooli", "Senior Data Analyst")]
    store.imports.save_contacts(parsed_contacts(rows))
    goal = store.goals.get(store.goals.add(goal_from_template("referral", role="data analyst")))
    (managers,) = [s for s in goal["segments"] if s["name"] == "Hiring managers"]
    members = memberships(store, [goal], NOW)
    assert set(members.loc[members["segment_id"] == managers["id"], "contact_id"]) == {2, 3}, members


def test_a_buyer_decides_an_intern_seldom_does(store):
    """A clients goal that asks no level ("Sell treasury software to bank CFOs"): an apprentice whose
    title shares the role's word comes after the treasury people who could buy, at the same banks."""
    store.imports.save_contacts(parsed_contacts([
        _person(1, "Access Bank", "Graduate Apprentice I | Treasury Specialist"),
        _person(2, "Zenith Bank", "Treasury Manager"),
        _person(3, "First Bank", "Treasury Analyst"),
    ]))
    store.goals.add({"title": "Sell treasury software to bank CFOs", "outcome": "clients", "priority": 3,
                     "status": "active", "target_roles": ["CFO", "treasurer", "head of treasury"],
                     "industries": ["banking"]})
    score = opportunities.rank_contacts(store, now=NOW).set_index("full_name")["score"]
    assert min(score["First2 Last2"], score["First3 Last3"]) > score["First1 Last1"] > 0, score
