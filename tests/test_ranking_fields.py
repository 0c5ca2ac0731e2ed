"""A field of work typed as a goal's industry: to learn it or be mentored in it is to meet its people."""

from engine.ranking import OpportunityRanker
from engine.ranking.goals import goal_options, is_field
from tests.ranking_support import NOW, contacts_frame

TITLES = ["Chief Operating Officer - AI/ML", "Machine Learning Engineer", "Sales Manager - Machine Learning",
          "Senior Machine Learning Scientist", "Account Executive | AI/ML"]


def _top(goal: dict, n: int) -> set:
    ranked = OpportunityRanker().fit(contacts_frame([{"position": t} for t in TITLES])).rank(
        [{"id": 1, "status": "active", **goal}], NOW, top=None)
    return set(ranked["contact_id"].head(n))


def test_a_field_is_one_the_taxonomy_knows_and_an_industry_stays_one():
    assert is_field("machine learning") and is_field("data science") and is_field("product management")
    assert not is_field("fintech") and not is_field("cybersecurity") and not is_field("healthcare")
    assert not is_field("") and not is_field(None) and not is_field("underwater basket weaving")


def test_a_goal_to_learn_a_field_typed_as_its_industry_ranks_the_fields_people_first():
    """Typed field by field (`rapport goals add --outcome learn --industries "machine learning"`), the
    goal ranked a COO and salespeople whose titles end in "AI/ML" first: no company is in such an
    industry. It now asks for the field's roles, as the template's goal does."""
    goal = {"title": "Understand where machine learning is going", "outcome": "learn",
            "industries": ["machine learning", "fintech"]}
    assert _top(goal, 2) == {2, 4}
    option = goal_options([goal])[0]
    assert option.families == {"ml"} and option.industries == {"fintech"}
    assert _top({**goal, "outcome": "mentorship"}, 2) == {2, 4}


def test_given_roles_and_other_outcomes_keep_the_industry_as_typed():
    """A goal that names its roles, or sells to a field, is read as before."""
    sell = goal_options([{"title": "Sell our tool", "outcome": "clients", "industries": ["machine learning"]}])[0]
    assert sell.families == frozenset()
    named = goal_options([{"title": "Learn", "outcome": "learn", "target_roles": ["sales manager"],
                           "industries": ["machine learning"]}])[0]
    assert named.families == {"sales"}


def test_a_segment_reads_its_own_field_as_its_roles():
    goal = {"title": "Learn the industry", "outcome": "learn", "industries": ["fintech"],
            "segments": [{"id": 7, "name": "Practitioners", "industries": ["data science"]}]}
    whole, segment = goal_options([goal])
    assert whole.industries == {"fintech"} and segment.families == {"data"}
    assert segment.industries == {"fintech"}  # its own industry was a field: the goal's stays
