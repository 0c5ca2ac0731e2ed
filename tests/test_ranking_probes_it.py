"""A thirteenth probe: the labeled set's goals on contacts drawn anew from the real titles (seeds
30-33), and what their first places must not be. Each test is a finding of reading a goal's top 20."""

from __future__ import annotations

import pytest

from engine.ranking import OpportunityRanker
from engine.ranking.taxonomy import read_title
from tests.ranking_support import NOW, contacts_frame, goal

ENGINEERING_LEADERS = ["VP Engineering", "Director of Engineering", "CTO", "Engineering Manager"]
SOFTWARE_ENGINEERS = ["Senior Software Engineer", "Backend Developer"]
IT_SUPPORT = ["Technical Support Manager", "IT Service Desk Manager at IHS Towers", "Help Desk Supervisor",
              "Information Technology Support Manager", "Regional Head, IT Operations",
              "Head, IT End User Services / Support Management"]


@pytest.mark.parametrize("title", IT_SUPPORT)
def test_a_support_desks_manager_is_no_engineering_leader(title):
    """"Talk to engineering leaders about our developer tool" ranked a technical support manager, an
    IT service desk manager and a help desk supervisor 4th-14th, above every software engineer: IT
    support read as software engineering, and any manager of it led engineering. It is IT's own
    family now, some help to engineering, and its managers lead no engineers."""
    reading = read_title(title)
    assert reading.family == "it", reading
    assert "engineering_leadership" not in reading.families, reading


@pytest.mark.parametrize("title", ["Head Of Information Technology", "IT Manager", "Head, IT",
                                   "IT Officer", "ICT Support Officer", "Systems Administrator"])
def test_it_is_its_own_family(title):
    assert read_title(title).family == "it"


@pytest.mark.parametrize("title", ["Technical Support Engineer", "IT Support Engineer"])
def test_a_support_engineer_is_still_an_engineer(title):
    assert "engineering" in read_title(title).families


def test_engineering_leaders_then_engineers_then_it_for_a_developer_tool():
    """The goal's own people first, then the engineers its leaders lead (the tool's users), then IT:
    engineering leadership names IT as some help (an IT head may buy tools), so the head of IT stays
    above people of no related field."""
    titles = ENGINEERING_LEADERS + SOFTWARE_ENGINEERS + IT_SUPPORT + ["Head Of Information Technology",
                                                                       "Head of Sales"]
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in titles]))
    tool = goal(title="Talk to engineering leaders about our developer tool", outcome="clients",
                target_roles=["engineering leadership", "CTO"])
    ranked = model.rank([tool], NOW)["contact_id"].tolist()
    leaders = set(range(1, len(ENGINEERING_LEADERS) + 1))
    assert set(ranked[:len(leaders)]) == leaders, ranked
    it_head, sales = len(titles) - 1, len(titles)
    assert ranked.index(it_head) < ranked.index(sales), ranked


@pytest.mark.parametrize("title", ["Head , Key Accounts", "Key Accounts Manager", "Key Account Manager"])
def test_key_accounts_are_sales(title):
    """"Advice from CFOs on fundraising" ranked "Head , Key Accounts" 15th, above seven financial
    controllers: "accounts" is a word form of "accountant", so a key-account manager read as finance."""
    assert read_title(title).family == "sales"


def test_a_phrase_inside_any_longer_phrase_names_no_second_family():
    """"ASIC Design (Layout)Engineer" came 11th and 14th for "Hire a product designer": the title's best
    engineering phrase was "layout engineer", so the "design" inside its other phrase, "asic design",
    was not seen as part of a longer phrase and named the design family."""
    reading = read_title("ASIC Design (Layout)Engineer")
    assert reading.family == "engineering_other" and "design" not in reading.families, reading
    assert "design" in read_title("Product Designer & Layout Engineer").families  # two roles keep both


def test_a_financial_controller_is_among_finance_leaders_for_a_cfo_goal():
    """"Advice from CFOs on fundraising" put nine financial controllers 23rd-39th, below "Regional Head:
    Trade Finance and Treasury" and "Head, Internal Audit, Risk Management & Compliance": a controller
    reads as director level, but its title shared only "financial" with the goal's roles while a
    "Head of Finance" also met "finance leadership". A financial, finance or group controller now
    names finance's leadership, as a "Chief Financial Officer" does; a deputy one does not."""
    from engine.ranking.titles import normalize_title

    assert "finance leadership" in normalize_title("Group Financial Controller")
    assert "finance leadership" not in normalize_title("Deputy Financial Controller")
    titles = ["Regional Head: Trade Finance and Treasury", "Head, Internal Audit, Risk Management & Compliance",
              "Financial Controller", "Finance Controller, West Africa"]
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in titles]))
    cfo = goal(title="Advice from CFOs on fundraising", outcome="mentorship",
               target_roles=["CFO", "Finance Director"])
    assert set(model.rank([cfo], NOW)["contact_id"].head(2)) == {3, 4}


def test_a_research_scientist_is_a_researcher_not_a_machine_learning_engineer():
    """"Learn about machine learning engineering" ranked two research scientists of a university 7th and
    9th, above every data scientist: "research scientist" was a machine-learning title, though a
    university's or a laboratory's research scientist works in any science. It is research's now
    (which machine learning names as related); an applied or machine learning scientist stays ML's."""
    assert read_title("Research Scientist").family == "research"
    assert read_title("Applied Scientist").family == "ml"
    assert read_title("Machine Learning Research Scientist").family == "ml"
    titles = ["Research Scientist", "Machine Learning Engineer", "AI Engineer", "Applied Scientist"]
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in titles]))
    ml = goal(title="Learn about machine learning engineering", outcome="learn",
              target_roles=["Machine Learning Engineer"])
    assert model.rank([ml], NOW)["contact_id"].tolist()[-1] == 1


@pytest.mark.parametrize("title", ["Team Leader", "Talent Acquisition Leader", "Finance Team Leader",
                                   "Human Resource Leader", "Co-Leader, EMEA"])
def test_a_leader_leads(title):
    """Scanning the real titles' levels: "Team Lead" read as lead level and "Team Leader" as mid (as did
    "Talent Acquisition Leader" and "Human Resource Leader"): "leader" named no level."""
    assert read_title(title).level == "lead", read_title(title)


def test_leadership_is_no_leader():
    assert read_title("Thought Leadership Manager").level == "manager"
    assert read_title("Leadership Development Specialist").level == "mid"


def test_a_programming_analyst_programs():
    assert read_title("Programming Analyst").family == "engineering"


def test_private_equity_work_outside_an_investing_firm_is_finance():
    """"Meet investors for our seed round" put "Investments and Private Equity" (at a payments company)
    4th and a "Private Equity Senior Accountant" 6th, among the VC partners (seeds 7 and 44): "private
    equity" read as investing anywhere, as "investment" did before the twelfth probe. It is finance
    now, and investing at a firm whose industry is venture capital or private equity; a private equity
    investor or partner is an investor anywhere."""
    assert read_title("Investments and Private Equity", None).family == "finance"
    assert read_title("Private Equity Senior Accountant").family == "finance"
    assert read_title("Private Equity Associate", "venture capital").family == "investing"
    assert read_title("Private Equity Investor").family == "investing"
    assert read_title("Private Equity Partner").family == "investing"
    titles = ["Investments and Private Equity", "Private Equity Senior Accountant", "General Partner", "GP"]
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in titles]))
    seed = goal(title="Meet investors for our seed round", outcome="other",
                target_roles=["Investor", "General Partner", "Angel Investor"])
    assert set(model.rank([seed], NOW)["contact_id"].head(2)) == {3, 4}


def test_a_ui_developer_develops():
    """"Hire a product designer" ranked a "UI Developer" 10th, among the designers: "user interface"
    named design; a UI developer builds interfaces (a frontend engineer)."""
    for title in ("UI Developer", "User Interface Developer", "UI Engineer"):
        reading = read_title(title)
        assert reading.family == "engineering" and "design" not in reading.families, (title, reading)
    assert read_title("UI/UX Designer").family == "design"


def test_a_recruiter_and_a_talent_acquisition_specialist_are_one_job_by_two_names():
    """"Get in front of tech recruiters" (roles "Recruiter", "Talent Acquisition") ranked plain
    recruiters 45th-90th and a "Sourcer" 131st, below an "Area Head Talent, OE & Inclusion" and a
    "People & Talent Lead" (seeds 45 and 54): a "Talent Acquisition Specialist" shared two of the
    goal's three words, a "Recruiter" one. Each name now brings the other, as the goal's roles do."""
    titles = ["Area Head Talent, OE & Inclusion West & Central Africa", "People & Talent Lead",
              "Talent Acquisition Specialist", "Recruiter", "Senior Recruitment Consultant", "Sourcer"]
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in titles]))
    recruiters = goal(title="Get in front of tech recruiters", outcome="referral",
                      target_roles=["Recruiter", "Talent Acquisition"])
    ranked = model.rank([recruiters], NOW)
    assert set(ranked["contact_id"].head(4)) == {3, 4, 5, 6}, ranked[["contact_id", "score"]]
    scores = dict(zip(ranked["contact_id"], ranked["score"]))
    assert scores[4] >= 0.95 * scores[3]  # level with the specialist, not a third below
