"""Act on one contact in one or two clicks: a drafted message, then 'Log outreach'.

Shared by the Outreach page (for the selected recommendation) and the Contacts page.
"""

from __future__ import annotations

import streamlit as st

from engine.clock import workspace_today
from engine.outreach.messages import contact_values, mailto_link, render, workspace_templates
from engine.planning.agenda import default_follow_up, kept_follow_up
from engine.store import CHANNELS, INTERACTION_KINDS, OUTCOMES, Store
from engine.vocabulary import CHANNEL_LABELS
from ui.common import choice_labels, friendly_errors, plain


def outreach_panel(workspace: Store, contact: dict, goal_id: int | None, key: str) -> None:
    """Draft a message from a template for ``contact`` and log it with its follow-up date."""
    with friendly_errors(), workspace.session():
        goals = workspace.goals.all(statuses=("active",))
        templates = workspace_templates(workspace)
        today = workspace_today(workspace)
    goal = next((g for g in goals if g["id"] == goal_id), goals[0] if goals else None)
    left, right = st.columns(2)
    channel = left.selectbox("Channel", CHANNELS, format_func=CHANNEL_LABELS.get, key=f"{key}_channel")
    fitting = [t for t in templates if t["channel"] == channel] or templates
    template_names = choice_labels(fitting, lambda t: f"{t['name']} ({t['purpose']})", reserved=["No template"])
    template_id = right.selectbox("Template", [None, *template_names], key=f"{key}_template",
                                  format_func=lambda i: template_names.get(i, "No template"))
    template = next((t for t in fitting if t["id"] == template_id), None)
    goal_names = choice_labels(goals, lambda g: g["title"], reserved=["No goal"])
    options = [None, *goal_names]
    chosen_goal = left.selectbox("Goal", options, index=options.index(goal["id"]) if goal else 0, key=f"{key}_goal",
                                 format_func=lambda i: goal_names.get(i, "No goal"))
    goal = next((g for g in goals if g["id"] == chosen_goal), None)
    shared = right.text_input("What you have in common (optional)", key=f"{key}_shared",
                              placeholder="e.g. we both worked at Globex")
    message = None
    if template is not None:
        with friendly_errors():
            pitch = workspace.pitches.latest(goal["id"] if goal else None)
        values = contact_values(contact, goal=goal, pitch=pitch, shared_context=shared or None)
        message = render(template["body"], values, channel=channel, subject=template.get("subject"))
        if message.missing:
            st.warning("Fill in before sending: " + ", ".join(plain(m) for m in message.missing))
        if message.over_limit:
            st.error(f"{message.length} characters: {message.over_limit} over the {message.limit}-character limit "
                     f"of a {CHANNEL_LABELS[channel]}.")
        if message.subject:
            st.text(f"Subject: {message.subject}")
        st.code(message.text, language=None, wrap_lines=True)  # the copy button copies it as is
        st.caption(f"{message.length} characters" + (f" of {message.limit}" if message.limit else ""))
        if channel == "email" and contact.get("email"):
            st.link_button("Open in your e-mail program", mailto_link(contact["email"], message.subject or "",
                                                                       message.text), icon=":material/mail:")
    with st.form(f"{key}_log", border=False):
        cols = st.columns(3)
        kind = cols[0].selectbox("What", INTERACTION_KINDS, key=f"{key}_kind")
        when = cols[1].date_input("Date", today, key=f"{key}_date")
        follow = cols[2].date_input("Follow up on", default_follow_up(channel, today), key=f"{key}_follow")
        outcome = cols[0].selectbox("Outcome (if known)", [None, *OUTCOMES], key=f"{key}_outcome",
                                    format_func=lambda o: "not yet" if o is None else o.replace("_", " "))
        notes = st.text_input("Notes", key=f"{key}_notes")
        if st.form_submit_button("Log outreach", type="primary", icon=":material/check:"):
            with friendly_errors():
                workspace.interactions.log({
                    "contact_id": int(contact["id"]), "goal_id": goal["id"] if goal else None,
                    "template_id": template["id"] if template else None, "kind": kind, "channel": channel,
                    "occurred_on": when, "outcome": outcome, "notes": notes or None,
                    "follow_up_on": kept_follow_up(outcome, follow),
                })
            name = plain(contact.get("full_name") or "contact")
            st.success(f"Logged: {kind} with {name} on {when:%d %b %Y}"
                       + (f"; follow up on {follow:%d %b %Y}." if kept_follow_up(outcome, follow) else "."))


def outcome_buttons(workspace: Store, interaction_id: int, key: str) -> None:
    """Record how an outreach went, in one click."""
    cols = st.columns(len(OUTCOMES))
    for col, outcome in zip(cols, OUTCOMES):
        if col.button(outcome.replace("_", " "), key=f"{key}_{outcome}"):
            with friendly_errors():
                workspace.interactions.set_outcome(interaction_id, outcome)
            st.rerun()
