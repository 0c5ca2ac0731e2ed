"""A sixteenth probe: the level a marketing manager's title reads, and customer success apart from sales
(contacts drawn anew from the real titles, seeds 100-102; measured on seeds 110-117). Each test is a
finding of reading a goal's top 20."""

from __future__ import annotations

import pytest

from engine.ranking import OpportunityRanker
from engine.ranking.taxonomy import read_title
from tests.ranking_support import NOW, contacts_frame, goal


@pytest.mark.parametrize("title", ["Marketing Manager", "Digital Marketing Manager", "Trade Marketing Manager",
                                   "Sales and Marketing Manager", "Growth Marketing Manager"])
def test_a_marketing_manager_is_a_manager(title):
    assert read_title(title).level == "manager"


@pytest.mark.parametrize("title", ["Product Manager", "Brand Manager", "Account Manager", "Content Manager",
                                   "Community Manager", "Campaign Manager"])
def test_the_managers_of_a_product_an_account_or_a_brand_stay_individual_contributors(title):
    assert read_title(title).level == "mid"


def test_marketing_directors_come_before_marketing_managers_and_those_before_analysts():
    """"Meet marketing directors" (seniority: director) ranked a "Senior Marketing Analyst" and a "Senior
    Brand Ambassador & Trade Marketing" 15th and 14th, and every "Marketing Manager" 40th-60th: a
    marketing manager read as an individual contributor, as a product manager does, three levels
    below a director, so that the words of the role it shares ("marketing manager") did not count."""
    titles = ["Head of Marketing", "Marketing Director", "Marketing Manager", "Digital Marketing Manager",
              "Senior Marketing Analyst", "Senior Brand Ambassador & Trade Marketing", "Marketing Assistant"]
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in titles]))
    directors = goal(title="Meet marketing directors", outcome="learn",
                     target_roles=["Marketing Director", "Head of Marketing"], seniority=["director"])
    score = model.rank([directors], NOW).set_index("contact_id")["score"]
    assert score[[1, 2]].min() > score[[3, 4]].max(), score
    assert score[[3, 4]].min() > score[[5, 6, 7]].max() > 0, score


@pytest.mark.parametrize("title", ["Customer Success Manager", "Director Client Service", "Client Services Manager",
                                   "Executive Director, Customer Relations", "Customer Experience Specialist",
                                   "Client Success Manager", "Head of Customer Success"])
def test_customer_success_is_a_family_of_its_own(title):
    assert read_title(title).family == "customer_success"


@pytest.mark.parametrize("title", ["Key Account Manager", "Account Manager", "Head of Sales", "Relationship Manager",
                                   "Head of Business Development", "Client Relationship Manager"])
def test_selling_to_customers_stays_sales(title):
    assert read_title(title).family == "sales"


def test_a_customer_success_goal_lists_its_leaders_before_heads_of_sales():
    """"Meet customer success leaders" (seeds 110-117, NDCG@20 0.43) ranked thirty heads of sales and of
    business development level with a "Director Client Service": customer success was part of sales,
    so every director of the family fitted alike. Its own family now; sales stays some help, ahead of
    people of neither."""
    titles = ["Director Client Service", "Executive Director, Customer Relations", "Client Services Manager",
              "Head of Sales", "Director Of Business Development", "Head of Engineering"]
    model = OpportunityRanker().fit(contacts_frame([{"position": p} for p in titles]))
    leaders = goal(title="Meet customer success leaders", outcome="learning", seniority=["director"],
                   target_roles=["Head of Customer Success", "VP Customer Success", "Customer Success Director"])
    score = model.rank([leaders], NOW).set_index("contact_id")["score"]
    assert score[[1, 2, 3]].min() > score[[4, 5]].max() > score[6], score
    sales = goal(title="Referral into enterprise sales", outcome="referral", target_roles=["Account Executive"])
    score = model.rank([sales], NOW).set_index("contact_id")["score"]
    assert score[[4, 5]].min() > score[[1, 2]].max() > score[6], score  # and the other way round
