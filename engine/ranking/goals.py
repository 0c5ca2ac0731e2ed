"""Goals and their segments, flattened into the "options" a contact or event is scored against.

A goal says what the user wants (outcome, target roles, companies, ...); a segment narrows it to
one kind of person ("hiring managers at fintechs"). Each active goal yields one option for the
goal as a whole plus one per segment; a contact is credited with whichever option fits it best,
which is how the ranking can name the segment a contact belongs to.

Only ``status == "active"`` goals produce options: paused, completed and archived goals must not
move any score. A goal without a status is taken as active (a goal being drafted in the UI).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from engine.vocabulary import GOAL_OUTCOMES

from .company_names import company_keys_of, normalize_company
from .industries import goal_industries, is_known, title_words
from .taxonomy import taxonomy
from .titles import SENIORITY_LEVELS, normalize_seniority, normalize_title

# Relationships that usually help with an outcome, when no segment asks for one explicitly.
OUTCOME_RELATIONSHIPS: dict[str, frozenset[str]] = {
    "referral": frozenset({"referral source", "hiring manager", "recruiter"}),
    "mentorship": frozenset({"mentor"}),
    "learn": frozenset({"mentor", "peer"}),
    "clients": frozenset({"referral source"}),
    "hiring": frozenset({"recruiter", "peer"}),
    "visibility": frozenset({"peer"}),
    "other": frozenset(),
}

# Segments of people who lead to a goal's aim rather than being it: in hiring, recruiters and referral
# sources lead to the candidates; in finding clients, referral sources lead to the buyers. Their role
# fit counts ROUTE_SHARE, so the aim's own people come first at equal fit ("Hire a QA engineer" lists
# QA engineers before talent acquisition heads). In a referral goal too: the role's own people know
# the team and refer into it, and a recruiter is one way in among them (at the whole of their fit,
# 46 of a product owner referral's first 50 were recruiters, its product managers 173rd); a recruiter
# at a target company counts in full (scoring.ROUTE_OUTSIDE). Membership is read at the whole fit:
# a recruiter belongs to "Recruiters" (ranker.segment_scores).
ROUTE_RELATIONSHIPS: dict[str, frozenset[str]] = {
    "referral": frozenset({"recruiter"}),
    "hiring": frozenset({"recruiter", "referral source"}),
    "clients": frozenset({"referral source"}),
}
ROUTE_SHARE = 0.8

# A goal's text query has two parts. The *role* query says who to meet (target roles, and the
# title, which often names the role: "Senior PM role in fintech"). The *context* query says
# where (industries, companies, keywords) and why (the free-text description, mostly about the
# user, so it counts little). Scoring lets context count only as far as the role fits, so a
# fintech accountant does not look like a fintech product manager; see scoring.py.
# Companies count little because the company component already rewards working at one of them.
ROLE_WEIGHTS = {"roles": 1.0, "heads": 0.5, "title": 0.3, "name": 0.2}
FORMS_SHARE = 0.5  # of a role field's weight, for its words in the form titles use (_word_forms)
# The last word of a role names the job ("designer" in "product designer"); repeating it in the
# query lets a "Design Director" count as a designer, while "Head of Product", sharing only the
# qualifier "product", does not. Words that name a level, not a job, are not repeated.
GENERIC_HEADS = frozenset(
    "manager lead leader head director officer president executive associate specialist partner "
    "member staff team leadership".split()
)
CONTEXT_WEIGHTS = {"industries": 1.0, "industry titles": 0.5, "keywords": 1.0, "companies": 0.5, "description": 0.5,
                   "title": 0.3}
# A segment's queries also carry its goal's, scaled down, so it stays within the goal.
SEGMENT_GOAL_SHARE = 0.5


def _strings(value) -> list[str]:
    """A goal list field as clean strings: tolerates None, a bare string, or a list with blanks."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [str(v).strip() for v in value if v is not None and str(v).strip()]


def priority_weight(priority) -> float:
    """Goal priority 1..5 as a score multiplier 0.6..1.0; a missing priority counts as 3."""
    try:
        p = float(priority)
    except (TypeError, ValueError):
        p = 3.0
    if p != p:
        p = 3.0
    return 0.5 + min(max(p, 1.0), 5.0) / 10.0


@dataclass(frozen=True)
class GoalOption:
    """One way of reading a goal: the whole goal (segment_id None) or one of its segments."""

    goal_index: int  # position among the active goals
    goal_id: object
    goal_title: str
    outcome: str
    priority_weight: float
    segment_id: object
    segment_name: str | None
    role_fields: tuple[tuple[str, float], ...]  # (text, weight) pairs of the role query
    context_fields: tuple[tuple[str, float], ...]  # (text, weight) pairs of the context query
    roles: tuple[str, ...]  # normalized target roles (for event audiences)
    role_phrases: tuple[str, ...]  # the same without hints, as reasons quote them
    heads: frozenset[str]  # the job words of the roles ("designer"), see GENERIC_HEADS
    seniority: frozenset[str]
    company_keys: frozenset[str]
    company_names: tuple[str, ...]
    relationship: str | None  # asked for by the segment
    affinity: frozenset[str]  # relationships that help this outcome
    locations: tuple[str, ...]  # lower-case places the goal cares about (for events)
    families: frozenset[str] = frozenset()  # role families the roles resolve to (taxonomy.py)
    industries: frozenset[str] = frozenset()  # canonical target industries (industries.py)
    role_share: float = 1.0  # of the role fit that counts: ROUTE_SHARE for a segment of go-betweens
    level_named: frozenset[str] = frozenset()  # the levels the roles themselves name ("CFO": executive)

    @property
    def query_fields(self) -> tuple[tuple[str, float], ...]:
        """Role and context together: the whole query (events, explanations)."""
        return self.role_fields + self.context_fields


def active_goals(goals) -> list[dict]:
    """The goals that may contribute to a score, in the order given."""
    return [g for g in (goals or []) if str(g.get("status") or "active").lower() == "active"]


def _fields(spec: dict, roles_key: str, title_key: str) -> tuple[list, list]:
    """(role fields, context fields) of a goal (roles in "target_roles", title in "title") or a
    segment (roles in "roles", its name standing in for a title)."""
    roles = " ; ".join(normalize_title(r) for r in _strings(spec.get(roles_key)))
    heads = " ; ".join(sorted(_heads(spec.get(roles_key))))
    title = str(spec.get(title_key) or "")
    role_fields = [(roles, ROLE_WEIGHTS["roles"]), (heads, ROLE_WEIGHTS["heads"]),
                   (_word_forms(roles), ROLE_WEIGHTS["roles"] * FORMS_SHARE)]
    phrased = title_key == "title"
    roles_given = bool(_strings(spec.get(roles_key)))
    names_role = roles_given or bool(_families(None, title, spec.get("industries"), phrased))
    # A segment's name stands in for roles it does not give: beside its roles, "Hiring managers"
    # asked for "manager" in every title (a Branch Manager at a target firm for an auditor's referral).
    if names_role and (phrased or not roles_given):
        # With no role given, a goal's title (a segment's name) is a role query only where it names
        # one ("Hire a product designer"); "Meet people in climate tech" would otherwise ask for
        # "tech" in titles.
        query = _title_query(title, phrased)
        role_fields += [(query, ROLE_WEIGHTS[title_key]), (_word_forms(query), ROLE_WEIGHTS[title_key] * FORMS_SHARE)]
    where = [
        (" ; ".join(filter(None, map(industry_words, _strings(spec.get("industries"))))),
         CONTEXT_WEIGHTS["industries"]),
        (" ; ".join(_strings(spec.get("keywords"))), CONTEXT_WEIGHTS["keywords"]),
        (" ; ".join(map(normalize_company, _strings(spec.get("companies")))), CONTEXT_WEIGHTS["companies"]),
    ]
    if not names_role and any(text for text, _ in where):
        # A goal about where people work ("Learn the climate tech industry") is fitted on where alone:
        # the words of its title and description ("tech", "industry", "players") are in many titles.
        # Titles that name the industry in other words ("Property Manager" for real estate) count
        # too (scoring reads them as working there; here they are words that reasons can quote).
        words = " ; ".join(title_words(_strings(spec.get("industries"))))
        return role_fields, [*where, (words, CONTEXT_WEIGHTS["industry titles"])]
    # the description and the title without the goal's phrasing: "Get referred for a sofware enginer
    # role ..." met "HR Policy/ Admin Manager with enlarged role" on "role"
    context_fields = [*where, (_who(spec.get("description"), phrased=phrased), CONTEXT_WEIGHTS["description"])]
    if title_key == "title":
        context_fields.append((_who(title), CONTEXT_WEIGHTS["title"]))
    return role_fields, context_fields


# Words that name no industry by themselves: "climate tech" is about climate, and its "tech"
# would meet every "HR Tech" title. An industry is met by the company's industry (scoring.py);
# its distinctive words in a title or notes add to it.
GENERIC_INDUSTRY_WORDS = frozenset(
    "tech technology technologies services service industry industries sector solutions digital online "
    "company companies business businesses products".split()
)


def industry_words(industry: str) -> str:
    return " ".join(w for w in industry.split() if w.lower() not in GENERIC_INDUSTRY_WORDS)


def _heads(roles) -> frozenset[str]:
    plain = [normalize_title(r, hints=False).split() for r in _strings(roles)]
    return frozenset(words[-1] for words in plain if words and words[-1] not in GENERIC_HEADS)


def _scaled(fields, share: float) -> list[tuple[str, float]]:
    return [(t, w * share) for t, w in fields]


def _seniority(values) -> frozenset[str]:
    return frozenset(s for s in (normalize_seniority(v) for v in _strings(values)) if s)


# In a goal's title, "people" is mostly persons ("Meet people in climate tech"), not People and HR.
_PERSONS = re.compile(r"(?<!of )\bpeople\b"
                      r"(?=\s+(?:in|at|who|from|working|with|that|to|for|like|across|around|near|i|we)\b"
                      r"|\s*[.!?]?\s*$)", re.IGNORECASE)


# Words of how a goal is phrased, not of whom it is about: "Referral into a sofware enginer role"
# matched "HR Policy/Admin Manager with enlarged role" on "role", "Hiring: ML engineers" a company
# "Alpha Hiring" person's title, "Find clients for ..." a "Clients manager". A goal's title is a
# role query only without them (a segment's name is not phrased so: "Hiring managers" is a role).
GOAL_PHRASING = frozenset(
    "role roles job jobs position positions referral referrals refer referred hire hiring find finding "
    "clients learn learning industry industries meet meeting get getting break breaking land landing "
    "opportunity opportunities network networking connect connecting intro introduction introductions "
    "goal goals want looking seek seeking new advice coffee chat mentor mentors mentoring mentorship sell "
    "selling raise raising".split()
)
_WORDS = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def _who(title, industries=None, phrased: bool = True) -> str:
    """The words of a goal's title (``phrased``; else a segment's name) that can say whom it is
    about: without "people" meaning persons, the goal's phrasing (``GOAL_PHRASING``) and the words
    of its industries ("Find clients for logistics" asks for no logistics managers: the industry
    is where its people work, scored as such)."""
    if not isinstance(title, str) or not title.strip():
        return ""
    drop = {w.lower() for i in _strings(industries) for w in _WORDS.findall(i)}
    if phrased:
        drop |= GOAL_PHRASING
    # the words dropped where they stand, the rest as typed ("C++", "R&D" and "Sr." read as before)
    return _WORDS.sub(lambda m: " " if m.group(0).lower() in drop else m.group(0), _PERSONS.sub(" ", title)).strip()


def _families(roles, title, industries=None, phrased: bool = True) -> frozenset[str]:
    """Families a goal's roles ask for (at its industries: ``role_families``); with no role given,
    those its title names (``_who``)."""
    t = taxonomy()
    who = _who(title, industries, phrased)
    at = goal_industries(_strings(industries))
    return t.role_families(_strings(roles), at) or t.role_families([who] if who else [], at)


def _title_query(title: str, phrased: bool = True) -> str:
    """A goal's title as words of its role query (``_who``; an industry's words in it count)."""
    return normalize_title(_who(title, phrased=phrased))


def _word_forms(text: str) -> str:
    """``text`` with its words in the form titles use (roles.toml's word_forms), or "" when that is
    the same: "product management" also asks, at FORMS_SHARE of the weight, for "product manager",
    whose titles would otherwise share only "product" with it (the family matched; the words
    ordered them last)."""
    forms = taxonomy().forms
    folded = " ".join(forms.get(w, w) for w in text.split())
    return "" if folded == text else folded


# A goal that names only leader roles ("CFO", "Finance Director") asks for their levels even
# when it gives no seniority: the lowest level that counts as such.
IMPLIED_FROM = "manager"


def implied_seniority(roles) -> frozenset[str]:
    """Levels the roles themselves name, when every role names one at IMPLIED_FROM or above, with the
    levels between them: "CFO, Finance Director" spans director to executive, and a VP of finance is
    within it (read as the two levels alone, a VP counted as one level off both)."""
    t = taxonomy()
    levels = [t.read_title(r).level for r in _strings(roles)]
    floor = SENIORITY_LEVELS.index(IMPLIED_FROM)
    if levels and all(lv in SENIORITY_LEVELS and SENIORITY_LEVELS.index(lv) >= floor for lv in levels):
        rungs = [SENIORITY_LEVELS.index(lv) for lv in levels]
        return frozenset(SENIORITY_LEVELS[min(rungs):max(rungs) + 1])
    return frozenset()


def _industries(values) -> frozenset[str]:
    return goal_industries(_strings(values))


def _spelled(goal: dict) -> dict:
    """``goal`` with its and its segments' roles read with misspellings put right (taxonomy's
    ``spelled``: "sofware enginer" is a software engineer; a role it already knows stays as typed)."""
    t = taxonomy()

    def fix(roles):
        return [t.spelled(r) for r in _strings(roles)]

    if not goal.get("target_roles") and not any(s.get("roles") for s in goal.get("segments") or []):
        return goal
    return {**goal, "target_roles": fix(goal.get("target_roles")),
            "segments": [{**s, "roles": fix(s.get("roles"))} for s in goal.get("segments") or []]}


# Outcomes in which a field of work typed as an industry asks for its people: to learn machine
# learning, or be mentored in it, is to meet machine learning engineers and scientists.
FIELD_OUTCOMES = frozenset({"learn", "mentorship"})


def is_field(area) -> bool:
    """Whether ``area`` is a field of work the role taxonomy knows ("machine learning", "data
    science", "product management"), not an industry the engine knows ("fintech", "healthcare")."""
    return isinstance(area, str) and not is_known(area) and bool(taxonomy().role_families([area]))


def _fields_as_roles(goal: dict) -> dict:
    """``goal`` with, in a goal to learn or be mentored (``FIELD_OUTCOMES``) and where no role is
    given, the fields of work typed as its (or a segment's) industries read as its roles. Typed
    field by field, "learn, industries: machine learning" ranked a COO and salespeople whose titles
    end in "AI/ML" above every machine learning engineer: no company is in a machine learning
    industry, so the industry's words met only such titles."""
    if str(goal.get("outcome") or "").lower() not in FIELD_OUTCOMES:
        return goal

    def read(spec: dict, roles_key: str) -> dict:
        industries = _strings(spec.get("industries"))
        fields = [i for i in industries if is_field(i)]
        if _strings(spec.get(roles_key)) or not fields:
            return spec
        return {**spec, roles_key: fields, "industries": [i for i in industries if i not in fields]}

    goal = read(goal, "target_roles")
    return {**goal, "segments": [read(s, "roles") for s in goal.get("segments") or []]}


_OPTIONS_KEPT = 16
_options_lock = threading.Lock()
_options: OrderedDict[str, tuple[GoalOption, ...]] = OrderedDict()  # repr(goals) -> their options


def goal_options(goals) -> list[GoalOption]:
    """All options of the active goals: for each goal, its whole-goal option then its segments.

    Kept for the last few sets of goals, by their whole content (``repr``): a page of the Outreach
    list reads them twice (its ranking and its rows' reasons), and reading the goals' titles took 7 ms
    each time at 7 goals. The options are frozen, so they are shared."""
    goals = list(goals)
    key = repr(goals)
    with _options_lock:
        kept = _options.get(key)
        if kept is not None:
            _options.move_to_end(key)
            return list(kept)
    options = _goal_options(goals)
    with _options_lock:
        _options[key] = tuple(options)
        while len(_options) > _OPTIONS_KEPT:
            _options.popitem(last=False)
    return options


def forget_options() -> None:
    """Forget the options kept (titles.clear_caches: as in a fresh process)."""
    with _options_lock:
        _options.clear()


def _goal_options(goals: list[dict]) -> list[GoalOption]:
    options: list[GoalOption] = []
    for gi, goal in enumerate(active_goals(goals)):
        goal = _spelled(_fields_as_roles(goal))
        outcome = str(goal.get("outcome") or "other").lower()
        outcome = outcome if outcome in GOAL_OUTCOMES else "other"
        goal_roles_q, goal_context_q = _fields(goal, "target_roles", "title")
        companies = _strings(goal.get("companies"))
        common = dict(
            goal_index=gi, goal_id=goal.get("id"), goal_title=str(goal.get("title") or ""),
            outcome=outcome, priority_weight=priority_weight(goal.get("priority")),
            affinity=OUTCOME_RELATIONSHIPS[outcome],
            locations=tuple(loc.lower() for loc in _strings(goal.get("locations"))),
        )
        goal_families = _families(goal.get("target_roles"), goal.get("title"), goal.get("industries"))
        goal_roles = tuple(normalize_title(r) for r in _strings(goal.get("target_roles")))
        goal_phrases = tuple(normalize_title(r, hints=False) for r in _strings(goal.get("target_roles")))
        named_levels = implied_seniority(goal.get("target_roles"))
        goal_seniority = _seniority(goal.get("seniority")) or named_levels
        options.append(GoalOption(
            **common, segment_id=None, segment_name=None,
            role_fields=tuple(goal_roles_q), context_fields=tuple(goal_context_q),
            roles=goal_roles, role_phrases=goal_phrases, heads=_heads(goal.get("target_roles")),
            seniority=goal_seniority,
            company_keys=frozenset(k for c in companies for k in company_keys_of(c)), company_names=tuple(companies),
            relationship=None, families=goal_families,
            industries=_industries(goal.get("industries")), level_named=named_levels,
        ))
        for segment in goal.get("segments") or []:
            seg_companies = _strings(segment.get("companies")) or companies
            relationship = segment.get("relationship")
            seg_roles_q, seg_context_q = _fields(segment, "roles", "name")
            options.append(GoalOption(
                **common, segment_id=segment.get("id"), segment_name=segment.get("name"),
                role_fields=tuple(seg_roles_q + _scaled(goal_roles_q, SEGMENT_GOAL_SHARE)),
                context_fields=tuple(seg_context_q + _scaled(goal_context_q, SEGMENT_GOAL_SHARE)),
                roles=tuple(normalize_title(r) for r in _strings(segment.get("roles"))) or goal_roles,
                role_phrases=tuple(normalize_title(r, hints=False) for r in _strings(segment.get("roles")))
                or goal_phrases,
                heads=_heads(segment.get("roles")) | _heads(goal.get("target_roles")),
                seniority=_seniority(segment.get("seniority")) or implied_seniority(segment.get("roles"))
                or goal_seniority,
                company_keys=frozenset(k for c in seg_companies for k in company_keys_of(c)),
                company_names=tuple(seg_companies),
                relationship=str(relationship).strip().lower() if relationship else None,
                families=_families(segment.get("roles"), None, segment.get("industries") or goal.get("industries"))
                or goal_families,
                industries=_industries(segment.get("industries")) or _industries(goal.get("industries")),
                role_share=ROUTE_SHARE if relationship and str(relationship).strip().lower()
                in ROUTE_RELATIONSHIPS.get(outcome, ()) else 1.0,
                level_named=implied_seniority(segment.get("roles") or goal.get("target_roles")),
            ))
    return options
