"""Title and company normalization, seniority parsing, and the scikit-learn estimator contract."""

from __future__ import annotations

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from engine.ranking import (
    EventRanker,
    OpportunityRanker,
    company_names,
    normalize_company,
    normalize_title,
    parse_seniority,
    titles,
)
from tests.ranking_support import DAY, NOW, contacts_frame, events_frame, goal

# -- titles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sr. PM @ Stripe (she/her)", "senior product manager stripe"),
        ("VP Eng", "vice president engineering"),
        ("Software Eng II", "software engineer ii"),
        ("Eng Mgr", "engineering manager"),
        ("Jr. Dev", "junior developer"),
        ("ML Engineer, PhD", "machine learning engineer"),
        ("CTO & Co-Founder", "chief technology officer and founder"),
        ("Product Managers", "product manager"),
        ("TPM", "technical program manager"),
        ("Head of UX", "head of user experience"),
    ],
)
def test_normalize_title_expands_abbreviations(raw, expected):
    assert normalize_title(raw).startswith(expected)


@pytest.mark.parametrize("raw", ["Chef De Cuisine", "EXECUTIF CHEF DE CUISINE",
                                 "Analyste principal, Mesures de rendement",
                                 "Framework Engineer DE", "IC Design Engineer"])
def test_words_that_only_look_like_abbreviations_are_left_as_they_are(raw):
    """In real-titles.csv every title with the token 'de' is French ('chef de cuisine') or a
    country, and 'IC' is an integrated circuit: none is a data engineer or an individual
    contributor. Expanded, a chef ranked among a data-engineer referral goal's top three."""
    normalized = normalize_title(raw)
    assert "data engineer" not in normalized and "individual contributor" not in normalized


def test_a_chef_de_cuisine_does_not_fit_a_data_engineer_goal():
    contacts = contacts_frame([{"id": 1, "position": "Chef De Cuisine"}, {"id": 2, "position": "Data Engineer"},
                               {"id": 3, "position": "Accountant"}])
    ranker = OpportunityRanker().fit(contacts)
    scores = ranker.score([goal(title="Referral into data engineering", target_roles=["Data Engineer"])], NOW)
    text = scores.set_index("contact_id")["text"]
    assert text[2] > 0 and text[1] == 0


@pytest.mark.parametrize(
    "raw", ["Head of Product", "Group PM", "Director of Product", "VP Product", "Sr. PM"]
)
def test_product_leadership_titles_carry_the_product_manager_term(raw):
    assert "product manager" in normalize_title(raw)


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("Intern, Data", "intern"),
        ("Jr. Dev", "junior"),
        ("Software Engineer", "mid"),
        ("Product Manager", "mid"),
        ("Sr. PM", "senior"),
        ("Staff Eng", "lead"),
        ("Group PM", "lead"),
        ("Engineering Manager", "manager"),
        ("Head of Product", "director"),
        ("Director of Engineering", "director"),
        ("VP Eng", "vp"),
        ("SVP Sales", "vp"),
        ("CEO", "executive"),
        ("Co-Founder & CTO", "founder"),
        ("Senior Management", "manager"),
        ("Member of the Management Board", "manager"),
        ("Data Management Analyst", "mid"),  # management as a field, before the role
        ("Management Consultant", "mid"),
        ("Management", "manager"),
        # management as a field, after the role (43 of the real titles)
        ("Consultant - Infrastructure Management", "mid"),
        ("Senior Analyst, Project/Program Management", "senior"),
        ("Risk Management", "mid"),
        ("Team lead Service Management", "lead"),
        ("Asset Management Associate", "junior"),
        # "head" anywhere leads (93 of the real titles put it after a word or a slash)
        ("Group Head, Human Resources", "director"),
        ("Company Secretary/Head, Legal Services", "director"),
        ("Regional Sales Head", "director"),
        ("Deputy Head, Internal Control", "manager"),
        ("Sales Manager - Head Office", "manager"),  # a place
        ("Head Hunter", "mid"),
        # whom an assistant assists is not their level (20 of the real titles)
        ("Executive Assistant to Managing Director/CEO", "junior"),
        ("Personal Assistant to the Chairman/Project Manager", "junior"),
        ("Assistant to the CEO", "junior"),
        # a board seat or a chair beside the job is a side role, not the job's level; a leader's stays
        ("Software Engineer | Board Member", "mid"),
        ("Marketing Intern | Board Member", "intern"),
        ("Senior Manager, Global Business Services | Global Co-Chair, Black at Uber", "manager"),
        ("Managing Director | Board Member | Corporate Governance Executive", "executive"),
        ("Executive Director - Global Operations (Board Member)", "executive"),
        ("Chairman | Investor", "executive"),
        ("Associate Software Engineer | President", "junior"),
        ("President/CEO", "executive"),
        ("Vice President | Board Member", "executive"),  # a leader with a seat stays an executive
        ("Board Member", "executive"),
        # a company's general counsel is its chief lawyer; the lawyers under them are not
        ("General Counsel", "executive"),
        ("General Counsel & Company Secretary", "executive"),
        ("Deputy General Counsel", "vp"),
        ("Associate General Counsel", "director"),
        ("Assistant General Counsel - Employment", "director"),
        ("Legal Counsel", "mid"),
        # whose office one works in is not one's level
        ("Executive Support, Office of the Group Executive Director, Projects & Capital Development.", "mid"),
        ("Senior Manager, Office of the CFO", "manager"),
        # a financial controller runs a company's accounting; a credit, cost or stock controller does not
        ("Financial Controller", "director"),
        ("Group Financial Controller", "director"),
        ("Finance Controller, West Africa & Uganda", "director"),
        ("Controller", "director"),
        ("Deputy Financial Controller", "manager"),
        ("Assistant Controller", "manager"),
        ("Credit Controller (FINANCE SUPPORT & INTERNAL CONTROL)", "mid"),
        ("Cost Controller", "mid"),
        ("Document Controller", "mid"),
        ("", None),
        (None, None),
    ],
)
def test_parse_seniority(raw, level):
    assert parse_seniority(raw) == level


def test_company_keys_ignore_case_punctuation_and_legal_suffix():
    assert normalize_company("Stripe") == normalize_company("Stripe, Inc.") == normalize_company("stripe inc")
    assert normalize_company("Stripe") != normalize_company("Stripes Co Op")


# -- the scikit-learn contract -----------------------------------------------------------------------


def test_sklearn_estimator_contract():
    for estimator in (OpportunityRanker(), EventRanker()):
        with pytest.raises(NotFittedError):
            check_is_fitted(estimator)
        copy = clone(estimator)
        assert copy.get_params() == estimator.get_params() and copy is not estimator
    ranker = OpportunityRanker(text_weight=0.7, random_state=3)
    with pytest.raises(NotFittedError):
        ranker.rank([goal()], NOW)
    contacts = contacts_frame([{"position": "Product Manager"}])
    assert ranker.fit(contacts) is ranker
    check_is_fitted(ranker)
    assert clone(ranker).get_params()["text_weight"] == 0.7
    assert not hasattr(clone(ranker), "contact_matrix_")
    events = events_frame([{"title": "PM meetup", "starts_at": NOW + 3 * DAY}])
    event_ranker = EventRanker()
    assert event_ranker.fit(events) is event_ranker
    check_is_fitted(event_ranker)


# -- normalizing many titles fast, with the same result ----------------------------------------------


def _all_compounds(text: str) -> str:
    """The rewrites run unconditionally, as they were before each got its quick pre-check."""
    text = text.lower()
    text = titles._DOTTED_WORD.sub(lambda m: m.group(1).replace(".", ""), text)
    text = titles._PRONOUNS.sub(" ", text)
    text = titles._WHOM.sub(r"\1 ", text)
    text = titles._OFFICE_OF.sub(" ", text)
    text = titles._WHOSE.sub(r"\1\2", text)
    for _, pattern, replacement in titles._COMPOUNDS:
        text = pattern.sub(replacement, text)
    return text


def _realistic_titles(tmp_path) -> list[str]:
    """Titles as people write them: drawn from shared/data beside the clone when it is there, else
    the demo's titles written the many ways LinkedIn members write them (a clean clone elsewhere)."""
    from benchmarks.generate import SHARED_DATA, linkedin_export
    from engine.importers.files import parse_file, read_file

    if not (SHARED_DATA / "real-titles.csv").is_file():
        return _varied_demo_titles()
    path = linkedin_export(tmp_path / "Connections.csv", 20_000)
    parsed = parse_file(read_file(path), path.name)
    position = parsed.fields.index("position")
    return sorted({r[position] for r in parsed.records if r[position]})


def _varied_demo_titles() -> list[str]:
    from engine.demo.content import POSITIONS

    base = sorted({t for titles_of, _ in POSITIONS.values() for t in titles_of})
    before = ["", "Senior ", "Sr. ", "Lead ", "Principal ", "Junior ", "Associate ", "Staff ", "Interim ", "Acting "]
    after = ["", " | Fintech", " (he/him)", ", EMEA", " @ Acme", " & Co-Founder", " - Data Platform", " II",
             " / Front-end", " R&D", " and E-Commerce"]
    return sorted({f"{b}{t}{a}" for t in base for b in before for a in after})


def test_title_forms_of_realistic_titles_match_the_one_at_a_time_functions(tmp_path):
    raw = _realistic_titles(tmp_path) + [
        "CTO & Co-Founder", "Front-end dev (he/him)", "E-Commerce Lead", "C++ / C# Eng", "R&D Director",
        "Full Stack Engineer", "Back End", "cofounder", "Head of Design", "Staff Engineer", "VP Eng", "",
    ]
    assert len(raw) > 2_000
    with_compounds = sum(_all_compounds(t) != t.lower() for t in raw)
    assert with_compounds > 50  # the pre-checks are exercised, not just skipped
    for title in raw:
        assert titles._rewrite(title) == _all_compounds(title), title
        assert titles.title_forms(title)[:3] == (
            normalize_title(title), normalize_title(title, hints=False), parse_seniority(title)
        ), title


def test_a_goal_in_another_word_form_asks_for_the_titles_form_too():
    """'product management' (a field, as goals are typed) also asks, at half weight, for 'product
    manager', the form titles use: a Product Manager shared only 'product' with it, and for
    'Break into product management' ranked at 0.65 of a Head of Product Management."""
    from engine.ranking.goals import goal_options

    option = goal_options([goal(title="Break into product management", target_roles=[])])[0]
    assert ("into product manager", 0.15) in option.role_fields  # "break" is phrasing (GOAL_PHRASING)
    contacts = contacts_frame([{"id": 1, "position": "Product Manager"},
                               {"id": 2, "position": "Head of Product Management"},
                               {"id": 3, "position": "Management Consultant"}])
    ranker = OpportunityRanker().fit(contacts)
    for roles, title in ((["product management"], "A product role"), ([], "Break into product management")):
        text = ranker.score([goal(title=title, target_roles=roles)], NOW).set_index("contact_id")["text"]
        assert text[1] >= 0.7 * text[2] and text[3] < 0.1 * text[1]


def test_an_assistant_to_a_ceo_is_not_read_as_an_executive():
    from engine.ranking.taxonomy import read_title

    assert read_title("Executive Assistant to the MD/CEO").family == read_title("Executive Assistant").family
    contacts = contacts_frame([{"id": 1, "position": "Executive Assistant to the MD/CEO"},
                               {"id": 2, "position": "Managing Director"}])
    ranker = OpportunityRanker().fit(contacts)
    text = ranker.score([goal(title="Meet CEOs", target_roles=["CEO", "managing director"],
                              seniority=["executive"], outcome="clients")], NOW).set_index("contact_id")
    assert text.loc[2, "score"] > 2 * text.loc[1, "score"]


def test_a_company_goes_by_the_name_its_parentheses_give_when_that_is_a_name():
    aliases = company_names.company_aliases
    assert aliases("The Boston Consulting Group (BCG)") == ("boston consulting group", "bcg",  # its initials
                                                           "bostonconsultinggroup")
    assert aliases("Bank of America (BoA)") == ("bank of america", "boa", "bankofamerica")  # initials without "of"
    assert aliases("Meta (formerly Facebook)") == ("meta", "facebook")  # says it is another name
    assert aliases("Block (fka Square), Inc.") == ("block", "square")
    assert aliases("KPMG (Nigeria)") == ("kpmg",)  # a place, not a company called Nigeria
    assert aliases("Acme (contract role via an agency)") == ("acme",)
    assert aliases("BCG") == () and aliases(None) == () and aliases("Stripe, Inc.") == ()
    keys_of = company_names.company_keys_of
    assert keys_of("Amazon Web Services (AWS)") == {"amazon web services aws", "amazon web services", "aws",
                                                    "amazonwebservices"}


def test_a_short_name_is_the_same_company_written_together_or_apart_with_or_without_accents():
    assert company_names.company_keys_of("First Bank") == {"first bank", "firstbank"}
    assert company_names.company_keys_of("J.P. Morgan") == {"jp morgan", "jpmorgan"}
    assert company_names.company_aliases("Bank of America Merrill Lynch") == ()  # a long name is not run together
    assert normalize_company("Nestlé") == normalize_company("Nestle S.A.") == "nestle"
    assert normalize_company("Société Générale") == "societe generale"
    assert normalize_company("腾讯") == "腾讯"  # letters of any script are a company, not a blank one


def test_a_goals_phrasing_and_its_industry_are_not_whom_it_asks_for():
    """'role', 'hiring', 'clients' in a goal's title are how it is phrased: they met 'HR Policy/Admin
    Manager with enlarged role' and 'Clients manager'. The industry of 'Find clients for logistics'
    is where its people work, not a logistics family to ask for in titles."""
    from engine.ranking.goals import goal_options

    contacts = contacts_frame([{"id": 1, "position": "HR Policy/ Admin Manager with enlarged role"},
                               {"id": 2, "position": "Clients manager/ Content Writer"},
                               {"id": 3, "position": "Protocol and Logistics Manager", "company": "Accenture"},
                               {"id": 4, "position": "Hiring Lead"},
                               {"id": 5, "position": "Software Engineer"}])
    ranker = OpportunityRanker().fit(contacts)
    referral = goal(title="Referral into a software engineer role", target_roles=["software engineer"])
    text = ranker.score([referral], NOW).set_index("contact_id")["text"]
    assert text[1] == 0 and text[5] > 0
    clients = goal(title="Find clients for logistics", outcome="clients", target_roles=[], industries=["logistics"])
    assert goal_options([clients])[0].families == frozenset()  # no role named: no family asked
    assert ranker.score([clients], NOW).set_index("contact_id").loc[2, "text"] == 0  # "clients" is phrasing
    hiring = goal(title="Hiring: ML engineers", target_roles=[])
    assert goal_options([hiring])[0].families == frozenset({"ml"})
    assert ranker.score([hiring], NOW).set_index("contact_id").loc[4, "text"] == 0


def test_a_misspelt_role_is_read_as_the_role_it_is_close_to_and_only_then():
    from engine.ranking.taxonomy import taxonomy

    t = taxonomy()
    assert t.spelled("sofware enginer") == "software engineer" and t.spelled("acountant") == "accountant"
    assert t.spelled("marine biologist") == "marine biologist"  # no family either way: as typed
    assert t.spelled("golang developer") == "golang developer"  # a known role: its words are the user's
    contacts = contacts_frame([{"id": 1, "position": "HR Policy/ Admin Manager with enlarged role"},
                               {"id": 2, "position": "Software Engineer"},
                               {"id": 3, "position": "Accountant"}])
    ranker = OpportunityRanker().fit(contacts)
    typed = goal(title="Referral into a sofware enginer role", target_roles=["sofware enginer"],
                 description="Get referred for a sofware enginer role by people who work where I want to work.")
    ranked = ranker.rank([typed], NOW)
    assert ranked["contact_id"].tolist()[0] == 2
    assert ranked.set_index("contact_id").loc[1, "score"] == 0  # 'role' is the goal's phrasing
