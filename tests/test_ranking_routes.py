"""Go-betweens: a segment of people who lead to a goal's aim (recruiters in a hire or a referral,
referral sources in finding clients) counts a share of its role fit in the ranking, so the aim's
own people come first at equal fit, while the segment still holds everyone it names."""

from __future__ import annotations

from engine.outreach import opportunities
from tests.conftest import parsed_contacts
from tests.test_ranking_companies import NOW, _person


def test_hiring_lists_candidates_before_the_recruiters_who_lead_to_them(store):
    """"Hire a QA engineer": the template's recruiters are a way to candidates, not candidates; their
    role fit counts ROUTE_SHARE, so at equal fit the candidates come first (a junior one too)."""
    from engine.planning.goal_templates import goal_from_template
    from engine.ranking.goals import ROUTE_SHARE, goal_options

    rows = [_person(1, "Initech", "QA Engineer"), _person(2, "Globex", "Associate QA Automation Engineer"),
            _person(3, "Umbrella", "Technical Recruiter"), _person(4, "Hooli", "Head of Talent Acquisition"),
            _person(5, "Acme", "Accountant")]
    store.imports.save_contacts(parsed_contacts(rows))
    hiring = goal_from_template("hiring", role="QA engineer")
    store.goals.add(hiring)
    # the same goal, its recruiters asked for as peers: no go-betweens in it
    store.goals.add({**hiring, "segments": [{**s, "relationship": "peer"} for s in hiring["segments"]]})
    score = opportunities.rank_contacts(store, now=NOW, goal_id=1).set_index("full_name")["score"]
    as_peers = opportunities.rank_contacts(store, now=NOW, goal_id=2).set_index("full_name")["score"]
    candidates, recruiters = score[["First1 Last1", "First2 Last2"]], score[["First3 Last3", "First4 Last4"]]
    assert candidates.min() > recruiters.max() > score["First5 Last5"], score
    assert (recruiters < as_peers[recruiters.index]).all(), (score, as_peers)
    assert (candidates == as_peers[candidates.index]).all()

    # In a referral goal too (46 of a product owner referral's first 50 were recruiters): the share
    # applies to hiring, referral and clients, and to no mentor or learning goal's segment.
    def recruiters_share(template: str) -> float:
        options = goal_options([goal_from_template(template, role="QA engineer")])
        return next(o.role_share for o in options if o.segment_name == "Recruiters")

    assert recruiters_share("referral") == recruiters_share("hiring") == ROUTE_SHARE < 1.0
    assert {o.role_share for o in goal_options([goal_from_template("mentor", role="QA engineer")])} == {1.0}


def test_a_recruiter_belongs_to_recruiters_whatever_share_the_ranking_gives_that_way_in(store):
    """Membership is read at a segment's whole role fit: the ranking counts a recruiter as a weaker
    way to candidates, but "Recruiters" holds every recruiter, in a hiring goal as in a referral one
    (at the ranking's share a hiring goal's Recruiters held 19 of a network's 165: a false gap)."""
    from engine.outreach.audience import memberships
    from engine.planning.goal_templates import goal_from_template

    rows = [_person(1, "Initech", "QA Engineer"), _person(2, "Umbrella", "Talent Acquisition Specialist"),
            _person(3, "Hooli", "Technical Recruiter"), _person(4, "Globex", "Recruitment Consultant"),
            _person(5, "Acme", "Accountant")]
    store.imports.save_contacts(parsed_contacts(rows))
    store.goals.add(goal_from_template("hiring", role="QA engineer"))
    store.goals.add(goal_from_template("referral", role="QA engineer"))
    members = memberships(store, now=NOW)
    recruiters = members[members.segment_name == "Recruiters"]
    by_goal = recruiters.groupby("goal_id")["contact_id"].apply(frozenset)
    names = {c: store.contacts.get(c)["full_name"] for c in recruiters.contact_id}
    assert set(by_goal.index) == {1, 2}
    assert by_goal[1] == by_goal[2], by_goal
    assert {names[c] for c in by_goal[1]} == {"First2 Last2", "First3 Last3", "First4 Last4"}


def test_a_referral_counts_recruiters_as_a_way_in_and_those_at_its_targets_in_full(store):
    """"Referral into a product owner role at Stripe": a recruiter at Stripe is a way in as good as
    any, a recruiter elsewhere comes after the role's own people (46 of a product owner referral's
    first 50 had been recruiters anywhere)."""
    from engine.planning.goal_templates import goal_from_template

    rows = [_person(1, "Initech", "Product Owner"), _person(2, "Stripe", "Technical Recruiter"),
            _person(3, "Hooli", "Technical Recruiter"), _person(4, "Acme", "Accountant")]
    store.imports.save_contacts(parsed_contacts(rows))
    store.goals.add(goal_from_template("referral", role="product owner", companies=["Stripe"]))
    score = opportunities.rank_contacts(store, now=NOW).set_index("full_name")["score"]
    stripe_recruiter, product_owner, other_recruiter = score[["First2 Last2", "First1 Last1", "First3 Last3"]]
    assert stripe_recruiter > other_recruiter and product_owner > other_recruiter > score.get("First4 Last4", 0), score
