"""Starting points for the common networking aims, so a first goal is a minute's work.

Each template is a goal with its audience segments already laid out the way the networking
method suggests (who can help: decision makers, referral sources, mentors, peers). The user fills
in the role, industry or companies and adjusts.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date, timedelta

from engine.clock import local_today
from engine.errors import UserError

GOAL_TEMPLATES: dict[str, dict] = {
    "referral": {
        "label": "A referral into a role",
        "title": "Referral into a {role} role",
        "outcome": "referral",
        "description": "Get referred for a {role} role by people who work where I want to work.",
        "metric": "referrals", "target": 3, "weeks": 12, "priority": 5,
        "segments": [
            {"name": "{role}s at target companies", "roles": ["{role}"], "relationship": "peer"},
            {"name": "Hiring managers", "roles": ["head of {area}", "director of {area}", "{area} manager"],
             "seniority": ["manager", "director", "vp"], "relationship": "hiring manager"},
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
        "segments": [
            {"name": "Mentors: senior {role}s", "roles": ["{role}"],
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
            {"name": "People working in {area}", "roles": [], "keywords": ["{area}"], "relationship": "peer"},
        ],
    },
    "clients": {
        "label": "Find clients",
        "title": "Find clients for {area}",
        "outcome": "clients",
        "description": "Meet decision makers who could buy {area}, and people who can introduce me to them.",
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
        "title": "Hire a {role}",
        "outcome": "hiring",
        "description": "Find strong {role} candidates and people who can refer them.",
        "metric": "conversations", "target": 8, "weeks": 10, "priority": 4,
        "segments": [
            {"name": "{role} candidates", "roles": ["{role}"], "relationship": "peer"},
            {"name": "Recruiters", "roles": ["recruiter", "talent partner"], "relationship": "recruiter"},
        ],
    },
}


def _fill(value, words: dict[str, str]):
    if isinstance(value, str):
        return value.format(**words).strip()
    if isinstance(value, list):
        return [v for v in (_fill(x, words) for x in value) if v]
    if isinstance(value, dict):
        return {k: _fill(v, words) for k, v in value.items()}
    return value


def goal_from_template(key: str, role: str = "", area: str = "", companies: list[str] | None = None,
                       today: date | None = None) -> dict:
    """A complete goal dict (ready for ``store.goals.add``) from a template and a few words."""
    if key not in GOAL_TEMPLATES:
        raise UserError(f"unknown goal template {key!r}; choose one of {', '.join(GOAL_TEMPLATES)}")
    template = deepcopy(GOAL_TEMPLATES[key])
    role = role.strip() or "product manager"
    area = area.strip() or role.split()[0]
    words = {"role": role, "area": area}
    goal = _fill({k: v for k, v in template.items() if k not in ("label", "weeks")}, words)
    goal["target_roles"] = [role] if key != "learn" else []
    goal["industries"] = [area] if key in ("learn", "clients") else []
    goal["companies"] = list(companies or [])
    for segment in goal["segments"]:
        if companies and "target companies" in segment["name"]:
            segment["companies"] = list(companies)
    goal["due_date"] = (today or local_today()) + timedelta(weeks=template["weeks"])
    goal["status"] = "active"
    return goal
