"""A fourteenth probe: twelve goals the labeled set does not hold (a data analyst referral, a head of
product mentor, VC associates, an engineering manager mentor...), written with their grading rules
before any run, on contacts drawn anew from the real titles (seeds 70-77), and the labeled set's own
goals on the same seeds. Each test is a finding of reading a goal's top 20."""

from __future__ import annotations

import pytest

from engine.ranking import OpportunityRanker
from engine.ranking.taxonomy import read_title
from tests.ranking_support import NOW, contacts_frame, goal

NOT_SOFTWARE_MANAGERS = ["Group Information Security Manager", "Head, CyberSecurity & Networks",
                         "Information Security Governance, Risk and Compliance Manager", "SAP Release Manager",
                         "ERP Implementation Manager", "Instrumentation/Automation Manager",
                         "System Engineering Head - Mechatronics"]


@pytest.mark.parametrize("title", NOT_SOFTWARE_MANAGERS)
def test_a_manager_of_security_sap_or_plant_controls_is_no_engineering_leader(title):
    """"Mentorship from an engineering manager" ranked a SAP release manager, an information security
    manager and an instrumentation/automation manager 4th-6th and a head of cybersecurity 7th, above a
    CTO; "Talk to engineering leaders about our developer tool" a mechatronics head 3rd. Security, SAP
    and ERP, and plants' automation were software engineering, and any manager of it led engineers."""
    reading = read_title(title)
    assert reading.family in {"security", "it", "engineering_other"}, reading
    assert "engineering_leadership" not in reading.families, reading


@pytest.mark.parametrize("title, family", [("Information Security Analyst", "security"),
                                           ("Cyber Security Analyst", "security"),
                                           ("Senior Information/Cyber Security Consultant/Pentester", "security"),
                                           ("SAP Consultant", "it"), ("Robotics and Automation", "engineering_other")])
def test_security_sap_and_automation_have_families_of_their_own(title, family):
    assert read_title(title).family == family


@pytest.mark.parametrize("title", ["Cyber Security Engineer", "Network Security Engineer", "SAP ABAP Developer",
                                   "Associate QA Automation Engineer", "RPA Developer"])
def test_their_engineers_and_developers_are_still_engineers(title):
    assert "engineering" in read_title(title).families


def test_a_chief_information_security_officer_still_leads_engineering():
    assert read_title("Chief Information Security Officer").family == "engineering_leadership"


def test_an_engineering_manager_mentor_goal_lists_engineering_leaders_first():
    leaders = ["Engineering Manager", "Director of Engineering", "CTO", "Head of Engineering"]
    titles = leaders + NOT_SOFTWARE_MANAGERS
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in titles]))
    mentor = goal(title="Mentorship from an engineering manager", outcome="mentorship",
                  target_roles=["Engineering Manager"])
    ranked = model.rank([mentor], NOW)["contact_id"].tolist()
    assert set(ranked[:len(leaders)]) == set(range(1, len(leaders) + 1)), ranked


@pytest.mark.parametrize("title, family", [("Partner & Head, Technology Assurance & CFO Advisory", "finance"),
                                           ("Head, Technology Assurance", "finance"), ("IT Auditor", "finance")])
def test_technology_assurance_is_audit(title, family):
    """"Partner & Head, Technology Assurance & CFO Advisory" (an audit firm's review of its clients'
    systems) came 1st for a developer tool's engineering leaders and 2nd for an engineering manager
    mentor: "head, technology" read as a head of technology. "Head of Technology" still leads."""
    reading = read_title(title)
    assert reading.family == family and "engineering_leadership" not in reading.families, reading
    assert read_title("Head of Technology").family == "engineering_leadership"


def test_product_success_is_customer_success_not_product():
    """"Lead, Product Success and Relationships" read as no family and shared "product" and "lead" with
    "Head of Product": 1st and 2nd for a head of product mentor, above every product manager. A head
    of engineering (a related family at the level the role names) came next, above the product
    managers too: its seniority counted in proportion to its weak role fit, and now in proportion to
    its square (``scoring.SENIORITY_TEXT_GATE``), so the people of the field itself come first."""
    assert read_title("Lead, Product Success and Relationships").family == "customer_success"
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in (
        "Lead, Product Success and Relationships", "Senior Product Manager", "Product Manager", "Head of Engineering",
        "Founding Member & Head Of Content")]))
    mentor = goal(title="Mentor: a head of product", outcome="mentorship", target_roles=["Head of Product"])
    ranked = model.rank([mentor], NOW)["contact_id"].tolist()
    assert set(ranked[:2]) == {2, 3}, ranked


def test_a_goals_role_is_read_at_the_industry_of_its_other_roles():
    """"Meet venture capital associates" (roles "Venture Capital Associate", "Investment Analyst"): the
    analyst role read as finance, so investment analysts at a software firm and a power company came
    1st-6th, and a VC firm's investment associate 34th. Beside a VC role it is an analyst at a VC firm,
    as a contact's title is read at its company; alone it stays finance."""
    from engine.ranking.taxonomy import taxonomy

    assert taxonomy().role_families(["Venture Capital Associate", "Investment Analyst"]) == {"investing"}
    assert taxonomy().role_families(["Investment Analyst"]) == {"finance"}
    assert taxonomy().role_families(["Investor", "Financial Analyst"]) == {"investing", "finance"}
    people = [("Investment Analyst", "Salesforce"), ("Investment Analyst", "Ikeja Electric"),
              ("Investment Associate", "Ventures Platform"), ("Analyst", "Partech Africa"),
              ("Venture Partner", "Future Africa")]
    model = OpportunityRanker().fit(contacts_frame([{"position": p, "company": c} for p, c in people]))
    vc = goal(title="Meet venture capital associates", outcome="learn",
              target_roles=["Venture Capital Associate", "Investment Analyst"])
    ranked = model.rank([vc], NOW)["contact_id"].tolist()
    assert set(ranked[:3]) == {3, 4, 5}, ranked


def test_a_mentor_has_done_the_job():
    """"Legal advice from in-house counsel at banks" (a mentorship goal asking no level) put a "Scholarship
    Recipient / Legal Intern" 2nd, level with a legal specialist: a mentor's role fit now grows with
    experience as a buyer's does (``scoring.EXPERIENCED_OUTCOMES``); a goal that asks a level is as before."""
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in (
        "Scholarship Recipient / Legal Intern", "Legal Specialist", "Senior Legal Counsel")]))
    mentor = goal(title="Legal advice from in-house counsel", outcome="mentorship", target_roles=["Legal Counsel"])
    score = model.rank([mentor], NOW).set_index("contact_id")["score"]
    assert score[3] > score[2] > score[1] > 0, score
    learn = goal(title="Legal advice from in-house counsel", outcome="learn", target_roles=["Legal Counsel"])
    learning = model.rank([learn], NOW).set_index("contact_id")["score"]
    assert learning[1] == learning[2], learning
