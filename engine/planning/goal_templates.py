"""Starting points for the common networking aims, so a first goal is a minute's work.

Each template is a goal with its audience segments already laid out the way the networking
method suggests (who can help: decision makers, referral sources, mentors, peers). The user fills
in the role, industry or companies and adjusts. Nothing is filled in for them: a template that
needs a role or an industry says so (``NEEDS``) instead of assuming one, and an industry given
with a role becomes the goal's target industry.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date, timedelta

from engine.clock import local_today
from engine.errors import UserError

GOAL_TEMPLATES: dict[str, dict] = {
    "referral": {
        "label": "A referral into a role",
        "title": "Referral into {a_role} role",
        "outcome": "referral",
        "description": "Get referred for {a_role} role by people who work where I want to work.",
        "metric": "referrals", "target": 3, "weeks": 12, "priority": 5,
        "segments": [
            {"name": "{roles} at target companies", "roles": ["{role}"], "relationship": "peer"},
            # The role's own people from manager up, and its leaders (engineering leadership for
            # a software engineer): ``_role_and_its_leaders``.
            # A hiring manager hires where they work: with target companies, the ones there.
            {"name": "Hiring managers at target companies", "roles": ["{role}"],
             "seniority": ["manager", "director", "vp", "executive"], "relationship": "hiring manager"},
            {"name": "Recruiters", "roles": ["recruiter", "talent partner", "talent acquisition"],
             "relationship": "recruiter"},
        ],
    },
    "mentor": {
        "label": "A mentor",
        "title": "Find a mentor: {role}",
        "outcome": "mentorship",
        "description": "Find an experienced {role} who can advise me on my next career step.",
        "metric": "meetings", "target": 2, "weeks": 8, "priority": 4,
        # An experienced one: without a level of its own the goal ranked a product manager and a
        # senior one alike, and the segment (its leaders) held nobody in a network without them. A
        # role that names its level ("CFO", "head of tax") keeps it (goal_from_template).
        "seniority": ["senior", "lead", "manager", "director", "vp", "executive", "founder"],
        "segments": [
            {"name": "Mentors: senior {roles}", "roles": ["{role}"],
             "seniority": ["director", "vp", "executive"], "relationship": "mentor"},
        ],
    },
    "learn": {
        "label": "Learn an industry",
        "title": "Learn the {area} industry",
        "outcome": "learn",
        "description": "Understand how the {area} industry works, who the players are and where it is going.",
        "metric": "conversations", "target": 6, "weeks": 10, "priority": 3,
        "segments": [
            # The industry, not its words as keywords: "tech" in "climate tech" is in every "HR Tech" title.
            {"name": "People working in {area}", "roles": [], "industries": ["{area}"], "relationship": "peer"},
        ],
    },
    "clients": {
        "label": "Find clients",
        # The area is where the clients work ("banking": banks as clients), as the segments read it;
        # "Find clients for banking" read as what the user sells.
        "title": "Find clients in {area}",
        "outcome": "clients",
        "description": "Meet decision makers in {area} who could become clients, and people who can introduce "
                       "me to them.",
        "metric": "meetings", "target": 10, "weeks": 12, "priority": 5,
        "segments": [
            {"name": "Decision makers", "roles": ["{role}"], "seniority": ["director", "vp", "executive", "founder"],
             "relationship": None},
            {"name": "Referral sources", "roles": ["consultant", "partner", "advisor"],
             "relationship": "referral source"},
        ],
    },
    "hiring": {
        "label": "Hire for my team",
        "title": "Hire {a_role}",
        "outcome": "hiring",
        "description": "Find strong {role} candidates and people who can refer them.",
        "metric": "conversations", "target": 8, "weeks": 10, "priority": 4,
        "segments": [
            {"name": "{Role} candidates", "roles": ["{role}"], "relationship": "peer"},
            {"name": "Recruiters", "roles": ["recruiter", "talent partner"], "relationship": "recruiter"},
        ],
    },
}


# What each template cannot do without: the role it is about, or the industry or field.
NEEDS: dict[str, str] = {"referral": "role", "mentor": "role", "hiring": "role", "learn": "area", "clients": "area"}
_NEEDED = {"role": 'a role (for example "product manager")', "area": 'an industry or field (for example "fintech")'}


def _fill(value, words: dict[str, str]):
    if isinstance(value, str):
        return value.format(**words).strip()
    if isinstance(value, list):
        return [v for v in (_fill(x, words) for x in value) if v]
    if isinstance(value, dict):
        return {k: _fill(v, words) for k, v in value.items()}
    return value


def article(word: str) -> str:
    """ "a" or "an" before ``word``, by its sound: an account executive, an SRE, a UX researcher."""
    first = word.strip().split(" ", 1)[0] if word.strip() else ""
    if not first:
        return "a"
    if first.isupper() and len(first) <= 5:  # read letter by letter: an SRE, an HR partner, a CTO
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    low = first.lower()
    if low.startswith(("uni", "use", "usu", "ux", "ui", "eu", "one")):
        return "a"
    if low.startswith(("hour", "honest", "honor", "honour")):
        return "an"
    return "an" if low[0] in "aeiou" else "a"


def plural(role: str) -> str:
    """A role's plural for a segment's name: product managers, heads of product, sales."""
    head, of, rest = role.partition(" of ")
    words = head.split(" ")
    last = words[-1]
    if not last or last.lower().endswith("s"):
        return role
    if last.lower().endswith("y") and last[-2:-1].lower() not in tuple("aeiou"):
        words[-1] = last[:-1] + "ies"
    else:
        words[-1] = last + "s"
    return " ".join(words) + of + rest


def _role_and_its_leaders(role: str) -> list[str]:
    """Who hires for ``role`` or can mentor in it: its own people at the segment's seniority, and
    the family that leads its family in the role taxonomy (engineering leadership for a backend
    engineer, product leadership for a product manager), written as that family reads."""
    from engine.ranking.taxonomy import taxonomy

    t = taxonomy()
    out = [role]
    for name in sorted(t.leaders(t.role_families([role]))):
        family = t.families[name]
        phrase = family.label.lower()
        if t.read_title(phrase).family != name:
            phrase = " ".join(family.phrases[0])
        out.append(phrase)
    return out


def _learn_a_field(goal: dict, area: str) -> None:
    """Learning a field is learning it from the people who do it: its roles, not an industry no
    company is in. "Learn the machine learning industry" ranked a COO and salespeople whose titles
    end in "AI/ML" above every machine learning engineer. An industry the field names stays the
    goal's: "healthcare administration" is administration in healthcare (without it, heads of
    administration at Amazon and KPMG came first and hospital managers 800th)."""
    from engine.ranking.industries import industry_named_in

    named = industry_named_in(area)
    goal["title"] = f"Learn {area}"
    goal["description"] = f"Understand {area}: how its people work, who they are and where the field is going."
    goal["target_roles"], goal["industries"] = [area], [named] if named else []
    for segment in goal["segments"]:
        segment["roles"], segment["industries"] = [area], [named] if named else []


def goal_from_template(key: str, role: str = "", area: str = "", companies: list[str] | None = None,
                       today: date | None = None) -> dict:
    """A complete goal dict (ready for ``store.goals.add``) from a template and a few words.

    Raises ``UserError`` when the template's needed word (``NEEDS``) is blank."""
    if key not in GOAL_TEMPLATES:
        raise UserError(f"unknown goal template {key!r}; choose one of {', '.join(GOAL_TEMPLATES)}")
    template = deepcopy(GOAL_TEMPLATES[key])
    role, area = " ".join(role.split()), " ".join(area.split())
    needed = NEEDS[key]
    if not (role if needed == "role" else area):
        raise UserError(f"The template \"{template['label']}\" needs {_NEEDED[needed]}.")
    words = {"role": role, "Role": role[:1].upper() + role[1:], "roles": plural(role), "area": area,
             "a_role": f"{article(role)} {role}"}
    goal = _fill({k: v for k, v in template.items() if k not in ("label", "weeks")}, words)
    if needed == "role" and area:
        goal["title"] = f"{goal['title']} ({area})"
    if needed == "area" and role:  # whom to sell to or learn from, as the user named them
        goal["title"] = f"{goal['title']}: {plural(role)}"
    goal["target_roles"] = [role] if role else []
    goal["industries"] = [area] if area else []
    # here: the ranking (and scikit-learn) loads on first use
    from engine.ranking.goals import implied_seniority, is_field

    if key == "learn" and not role and is_field(area):
        _learn_a_field(goal, area)
    if key == "mentor" and implied_seniority([role]):  # "CFO", "head of tax": the role's own level, not any senior
        goal["seniority"] = []
        for segment in goal["segments"]:  # "Mentors: CFOs", not "senior CFOs"
            segment["name"] = segment["name"].replace("Mentors: senior ", "Mentors: ")
    goal["companies"] = list(companies or [])
    for segment in goal["segments"]:
        if "target companies" in segment["name"]:
            if companies:
                segment["companies"] = list(companies)
            else:  # peers anywhere: no target company was named
                segment["name"] = segment["name"].replace(" at target companies", "")
        if segment.get("relationship") in ("hiring manager", "mentor"):  # senior people of the role
            segment["roles"] = _role_and_its_leaders(role)
        if segment["name"] == "Decision makers" and role:  # the role named is the buyer, at any level
            segment.pop("seniority", None)
    goal["segments"] = [s for s in goal["segments"] if s["roles"] or s.get("seniority") or s.get("industries")]
    goal["due_date"] = (today or local_today()) + timedelta(weeks=template["weeks"])
    goal["status"] = "active"
    return goal
