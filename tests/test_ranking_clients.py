"""Whom to sell to: a clients goal's buyers work in its industry; the ways to them are weaker outside it."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from engine.ranking import OpportunityRanker
from tests.test_ranking_companies import _person

NOW = datetime(2025, 6, 1, 9, 0)


def _ranker(rows: list[dict]) -> OpportunityRanker:
    return OpportunityRanker().fit(pd.DataFrame(rows).assign(id=range(1, len(rows) + 1)))


def test_a_go_between_outside_the_goals_industry_is_a_weaker_way_in():
    """An eighth probe's "Find clients in healthcare: hospital administrators" listed 90 consultants
    and advisors of any company (the template's referral sources) before anyone at a hospital group.
    A go-between counts ROUTE_OUTSIDE of its share outside the goal's industries and companies; a
    hospital administrator is healthcare's, not any administrator's."""
    from engine.planning.goal_templates import goal_from_template
    from engine.ranking.scoring import ROUTE_OUTSIDE

    ranker = _ranker([_person(1, "Mercy Hospital", "Hospital Administrator"),
                      _person(2, "Helium Health", "Senior Consultant"),
                      _person(3, "Acme Turbo", "Lead Consultant | Advisor"),
                      _person(4, "Globex", "Network Administrator"),
                      _person(5, "Globex", "Commissioner, Health & Human Services")])
    goal = {**goal_from_template("clients", role="hospital administrator", area="healthcare"), "id": 1}
    score = ranker.rank([goal], NOW, top=None).set_index("contact_id")["score"]
    # the consultant in healthcare, then a health commissioner, before the advisor anywhere
    assert score[1] > score[2] > score[5] > score[3] > score[4], score
    assert 0 < ROUTE_OUTSIDE < 1.0
    from engine.ranking.taxonomy import taxonomy

    assert taxonomy().role_families(["hospital administrator"]) == {"healthcare"}


def test_selling_to_an_industry_a_team_tag_at_a_company_in_another_is_no_buyer():
    """"Business Development Director, Oil & Gas Team" at a consumer-goods maker sells to oil and gas:
    for clients in oil and gas the tag counts TAGGED of working there; where the company is unknown
    the tag is the best evidence, and to learn the industry the seller knows it."""
    from engine.ranking.goals import goal_options
    from engine.ranking.industry_fit import industry_only, titles_naming

    title = "Business Development Director, Oil & Gas Team"
    ranker = _ranker([_person(1, "PZ Cussons Nig PLC", title), _person(2, "Globex", title),
                      _person(3, "Anotech Energy", "Chief Executive Officer")])

    def read(outcome: str):
        option = next(o for o in goal_options([{"id": 1, "title": "Oil and gas", "outcome": outcome,
                                                "industries": ["oil and gas"]}]) if industry_only(o))
        return titles_naming(option, ranker)

    named, tagged = read("clients")
    assert tagged.tolist() == [True, False, False] and named.tolist() == [False, True, False]
    named, tagged = read("learn")
    assert tagged.tolist() == [False, False, False] and named.tolist() == [True, True, False]
