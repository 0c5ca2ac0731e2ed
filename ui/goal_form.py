"""The goal forms (from a template; new or edited) and the segment form of the Goals page."""

from __future__ import annotations

from datetime import date

import streamlit as st

from engine.planning.goal_templates import GOAL_TEMPLATES, goal_from_template
from engine.store import Store
from engine.vocabulary import GOAL_METRICS as METRICS
from engine.vocabulary import GOAL_OUTCOMES as OUTCOMES
from engine.vocabulary import RELATIONSHIPS
from engine.vocabulary import SENIORITY_LEVELS as SENIORITY
from ui.common import form_done, form_round, friendly_errors


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def goal_form(key: str, goal: dict) -> dict | None:
    """Draw the form; return the values when submitted with a title, else None."""
    with st.form(key):
        title = st.text_input("Title", goal.get("title", ""))
        left, mid, right = st.columns(3)
        outcome = left.selectbox("Outcome", OUTCOMES, index=OUTCOMES.index(goal.get("outcome") or "other"))
        metric = mid.selectbox("Success metric", METRICS,
                               index=METRICS.index(goal.get("metric") or "conversations"))
        target = right.number_input("Target", 1, 10_000, int(goal.get("target") or 5))
        due = left.date_input("Due date", goal.get("due_date"))
        priority = mid.slider("Priority", 1, 5, int(goal.get("priority") or 3))
        seniority = right.multiselect("Seniority", SENIORITY, default=[s for s in goal.get("seniority") or []
                                                                          if s in SENIORITY])
        description = st.text_area("Description", goal.get("description") or "")
        roles = st.text_input("Target roles (comma-separated)", ", ".join(goal.get("target_roles") or []))
        industries = st.text_input("Industries or functions", ", ".join(goal.get("industries") or []))
        companies = st.text_input("Target companies", ", ".join(goal.get("companies") or []))
        locations = st.text_input("Locations", ", ".join(goal.get("locations") or []))
        if not st.form_submit_button("Save goal", type="primary"):
            return None
    if not title.strip():
        st.error("A goal needs a title.")
        return None
    return {"title": title.strip(), "outcome": outcome, "metric": metric, "target": int(target), "due_date": due,
            "priority": int(priority), "seniority": seniority, "description": description.strip() or None,
            "target_roles": _split(roles), "industries": _split(industries), "companies": _split(companies),
            "locations": _split(locations)}


def segment_form(key: str) -> dict | None:
    # Keyed with on_change="rerun", the popover draws its form only while open (one per goal otherwise).
    adding = st.popover("Add a segment", icon=":material/group_add:", key=f"{key}_open", on_change="rerun")
    with adding:
        if not adding.open:
            return None
        with st.form(key):
            name = st.text_input("Name", placeholder="e.g. engineering managers at target companies")
            roles = st.text_input("Roles (comma-separated)")
            seniority = st.multiselect("Seniority", SENIORITY)
            companies = st.text_input("Companies")
            industries = st.text_input("Industries")
            keywords = st.text_input("Keywords")
            relationship = st.selectbox("Relationship type", [None, *RELATIONSHIPS],
                                        format_func=lambda r: r or "any")
            if not st.form_submit_button("Add segment"):
                return None
    if not name.strip():
        st.error("A segment needs a name.")
        return None
    return {"name": name.strip(), "roles": _split(roles), "seniority": seniority, "companies": _split(companies),
            "industries": _split(industries), "keywords": _split(keywords), "relationship": relationship}


def template_form(workspace: Store, today: date) -> None:
    """A goal from a template: what the user wants, and the role or the industry the template needs."""
    with st.form("goal_template"):
        fresh = f"goal_template_{form_round('goal_template')}"  # blank again after each goal created
        key = st.selectbox("I want...", list(GOAL_TEMPLATES), format_func=lambda k: GOAL_TEMPLATES[k]["label"],
                           key=f"{fresh}_kind")
        left, right = st.columns(2)
        role = left.text_input("Role", placeholder="e.g. product manager, data scientist, CTO", key=f"{fresh}_role",
                               help="Needed for a referral, a mentor or a hire.")
        area = right.text_input("Industry or function", placeholder="e.g. fintech, climate tech, data",
                                help="Needed to learn an industry or find clients (the industry your clients "
                                     "work in); with a role, the industry you aim at.",
                                key=f"{fresh}_area")
        companies = st.text_input("Target companies (comma-separated, optional)", key=f"{fresh}_companies")
        if st.form_submit_button("Create goal", type="primary"):
            with friendly_errors():
                goal = goal_from_template(key, role=role, area=area, today=today,
                                          companies=[c.strip() for c in companies.split(",") if c.strip()])
                workspace.goals.add(goal)
            st.session_state["goal_created"] = goal["title"]
            form_done("goal_template")
