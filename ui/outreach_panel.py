"""Act on one contact in one or two clicks: a drafted message, then 'Log outreach'.

Shared by the Outreach page (for the selected recommendation) and the Contacts page.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from engine.clock import workspace_today
from engine.errors import RapportError
from engine.outreach.drafts import build_draft, keeps_texts, known_for, sent_record, shared_contexts
from engine.outreach.messages import mailto_link, placeholders, text_length, workspace_templates
from engine.planning.agenda import default_follow_up, kept_follow_up
from engine.store import CHANNELS, INTERACTION_KINDS, OUTCOMES, Store
from engine.vocabulary import CHANNEL_LABELS, KIND_LABELS, OUTCOME_LABELS, label
from ui.common import choice_labels, form_done, form_message, form_round, friendly_errors, plain

PITCH_GOAL_KEY = "pitch_goal"  # the goal the Pitch & templates page opens on (ui/messages.py)


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def _draft_editor(workspace: Store, contact: dict, template: dict, goal: dict | None, channel: str,
                  key: str) -> tuple[str, str]:
    """The drafted message, editable; returns (subject, text) as the user left them."""
    shared_key = f"{key}_shared_{contact.get('id')}"
    with friendly_errors():
        known = known_for(workspace, contact, goal)
    found = shared_contexts(contact, known.profile, known.events)
    chosen = st.selectbox("What you have in common", found, index=0 if found else None, key=shared_key,
                          accept_new_options=True, placeholder="e.g. we both worked at Globex (type your own)")
    drafted = build_draft(workspace, template, contact, channel=channel, goal=goal, shared_context=chosen or "",
                          known=known)
    message = drafted.message
    if not drafted.has_pitch and "my_pitch" in placeholders(template.get("body")):
        if st.button("Write your pitch for this goal" if goal else "Write your pitch", icon=":material/edit:",
                     key=f"{key}_write_pitch"):
            st.session_state[PITCH_GOAL_KEY] = goal["id"] if goal else None
            st.switch_page("ui/messages.py")
    if drafted.to_fill:
        st.warning("Still to fill before sending:\n" + "\n".join(f"- {plain(where)}" for _, where in drafted.to_fill))
    # A new draft (another template, goal or contact) starts a new editor; edits live until then.
    draft_key = f"{key}_draft_{_digest(message.text, message.subject, contact.get('id'))}"
    subject = ""
    if channel == "email" or message.subject:
        subject = st.text_input("Subject", message.subject or "", key=f"{draft_key}_subject")
    limit = message.limit
    text = st.text_area("Your message (edit it here)", message.text, key=draft_key, height=260,
                        max_chars=limit if limit and message.length <= limit else None)
    length = text_length(text)
    channel_label = CHANNEL_LABELS.get(channel, channel)
    st.caption(f"{length:,} character{'' if length == 1 else 's'}"
               + (f" of the {limit:,} a {channel_label} allows" if limit
                  else f" · no length limit for {channel_label}"))
    if limit and length > limit:
        st.error(f"{length - limit:,} characters over the {limit:,}-character limit of a {channel_label}: shorten it.")
    st.caption("Copy it with the icon at the top right of the box below.")
    st.code((f"Subject: {subject}\n\n" if subject else "") + text, language=None, wrap_lines=True, height=140)
    if channel == "email":
        address = contact.get("email")
        st.link_button("Open in your e-mail program" + ("" if address else " (no address on file)"),
                       mailto_link(address, subject, text), icon=":material/mail:")
    return subject, text


def outreach_panel(workspace: Store, contact: dict, goal_id: int | None, key: str) -> None:
    """Draft a message from a template for ``contact`` and log it with its follow-up date."""
    with friendly_errors(), workspace.session():
        goals = workspace.goals.all(statuses=("active",))
        templates = workspace_templates(workspace)
        today = workspace_today(workspace)
        keep_text = keeps_texts(workspace)
    goal = next((g for g in goals if g["id"] == goal_id), goals[0] if goals else None)
    left, mid, right = st.columns(3)
    channel = left.selectbox("Channel", CHANNELS, format_func=CHANNEL_LABELS.get, key=f"{key}_channel")
    fitting = [t for t in templates if t["channel"] == channel] or templates
    template_names = choice_labels(fitting, lambda t: t["name"], reserved=["No template"])
    template_id = mid.selectbox("Template", [None, *template_names], key=f"{key}_template",
                                format_func=lambda i: template_names.get(i, "No template"))
    template = next((t for t in fitting if t["id"] == template_id), None)
    goal_names = choice_labels(goals, lambda g: g["title"], reserved=["No goal"])
    options = [None, *goal_names]
    chosen_goal = right.selectbox("Goal", options, index=options.index(goal["id"]) if goal else 0, key=f"{key}_goal",
                                  format_func=lambda i: goal_names.get(i, "No goal"))
    goal = next((g for g in goals if g["id"] == chosen_goal), None)
    text = ""
    if template is not None:
        _, text = _draft_editor(workspace, contact, template, goal, channel, key)
    if logged := form_message(f"{key}_log"):
        st.success(logged)
    fresh = f"{key}_{form_round(f'{key}_log')}"  # the form's widgets, blank again after each outreach logged
    with st.form(f"{key}_log", border=False):
        cols = st.columns(3)
        kind = cols[0].selectbox("What", INTERACTION_KINDS, key=f"{fresh}_kind",
                                 format_func=lambda k: label(k, KIND_LABELS))
        when = cols[1].date_input("Date", today, key=f"{fresh}_date")
        follow = cols[2].date_input("Follow up on", default_follow_up(channel, today), key=f"{fresh}_follow")
        outcome = cols[0].selectbox("Outcome (if known)", [None, *OUTCOMES], key=f"{fresh}_outcome",
                                    format_func=lambda o: "not yet" if o is None else label(o, OUTCOME_LABELS))
        notes = st.text_input("Notes", key=f"{fresh}_notes")
        if template is not None:
            st.caption("The message above is logged with it: its length" + (" and its text (Settings: keep message "
                       "texts)." if keep_text else " only; its text stays private (Settings: keep message texts)."))
        if st.form_submit_button("Log outreach", type="primary", icon=":material/check:"):
            with friendly_errors():
                workspace.interactions.log({
                    "contact_id": int(contact["id"]), "goal_id": goal["id"] if goal else None,
                    "template_id": template["id"] if template else None, "kind": kind, "channel": channel,
                    "occurred_on": when, "outcome": outcome, "notes": notes or None,
                    "follow_up_on": kept_follow_up(outcome, follow), **sent_record(text, keep_text),
                })
            name = plain(contact.get("full_name") or "contact")
            form_done(f"{key}_log", f"Logged: {label(kind, KIND_LABELS)} with {name} on {when:%d %b %Y}"
                      + (f"; follow up on {follow:%d %b %Y}." if kept_follow_up(outcome, follow) else "."))


def outcome_buttons(workspace: Store, interaction_id: int, key: str) -> None:
    """Record how an outreach went, in one click: one segmented control (six buttons in six columns were
    a quarter of the Today page's elements, each drawn by the browser on every run)."""

    def record() -> None:  # before the next run, so the page draws with the outcome recorded
        outcome, st.session_state[key] = st.session_state.get(key), None  # the control blank again
        if outcome is None:
            return
        try:
            workspace.interactions.set_outcome(interaction_id, outcome)
        except RapportError as error:
            st.session_state[f"{key}_problem"] = str(error)

    st.segmented_control("Outcome", OUTCOMES, format_func=lambda o: label(o, OUTCOME_LABELS), key=key,
                         on_change=record, label_visibility="collapsed")
    if problem := st.session_state.pop(f"{key}_problem", None):
        st.error(problem, icon=":material/error:")
