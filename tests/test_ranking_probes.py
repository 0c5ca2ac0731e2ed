"""Goals typed on a fresh generated export (``rapport goals add``), and what their first places must
not be: each test is a finding of reading such a goal's top places, kept so that it stays fixed."""

from __future__ import annotations

from engine.ranking import OpportunityRanker
from tests.ranking_support import NOW, contacts_frame, goal

DEVELOPERS = ["Web Developer", "Senior Software Developer", "Frontend Developer"]
SPEAKERS_REACH = ["Community Manager", "Developer Advocate", "Event Organizer", "Head of Developer Relations"]


def test_a_goal_asking_for_developer_advocates_ranks_community_and_events_people_above_developers():
    """"Speak at a tech meetup" asking for community managers, event organizers and developer
    advocates put 12 software developers first: "developer advocate" read as the engineering family,
    so every developer matched the goal's family. Developer relations is marketing's (it speaks to
    developers for a product), and the people the goal asks for now come first."""
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in DEVELOPERS + SPEAKERS_REACH]))
    meetup = goal(title="Speak at a tech meetup", outcome="visibility",
                  target_roles=["community manager", "event organizer", "developer advocate"])
    ranked = model.rank([meetup], NOW)
    scores = dict(zip(ranked["contact_id"], ranked["score"]))
    developers = [scores[i + 1] for i in range(len(DEVELOPERS))]
    reach = [scores[len(DEVELOPERS) + i + 1] for i in range(len(SPEAKERS_REACH))]
    assert min(reach) > max(developers), (reach, developers)
    assert ranked["contact_id"].head(len(SPEAKERS_REACH)).gt(len(DEVELOPERS)).all()


def test_learning_the_insurance_industry_ranks_insurers_not_every_finance_title():
    """"Learn the insurance industry" put 17 chief financial officers of unrelated companies first, and
    the people at reinsurers and "Assurance" companies scored 0: insurance was read as financial services,
    whose titles and name cues ("Capital", "financial") meet any finance function. Insurance is an
    industry of its own (a goal for financial services still includes it)."""
    from engine.planning.goal_templates import goal_from_template

    model = OpportunityRanker().fit(contacts_frame([
        {"position": "Chief Financial Officer", "company": "Sahel Capital"},
        {"position": "Finance Director", "company": "Acme Widgets"},
        {"position": "Head of Human Resources", "company": "African Reinsurance Corporation"},
        {"position": "Underwriter", "company": "Leadway Assurance"},
        {"position": "Claims Officer", "company": "Cornerstone Insurance Plc"},
    ]))
    learn = {**goal_from_template("learn", area="insurance"), "id": 1}
    ranked = model.rank([learn], NOW)
    scores = dict(zip(ranked["contact_id"], ranked["score"]))
    assert min(scores[3], scores[4], scores[5]) > max(scores[1], scores[2]), scores
    finance = {**goal_from_template("learn", area="financial services"), "id": 1}
    ranked = model.rank([finance], NOW)
    assert dict(zip(ranked["contact_id"], ranked["score"]))[5] > 0  # insurers are financial services too
