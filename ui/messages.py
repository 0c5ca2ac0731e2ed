"""Pitch & templates: the elevator pitch per goal, and message templates per channel."""

import streamlit as st

from engine.outreach.messages import (
    CHANNEL_LIMITS,
    PLACEHOLDER_HINTS,
    PURPOSES,
    SAMPLE_VALUES,
    placeholders,
    render,
    workspace_templates,
)
from engine.outreach.pitch import MAX_SECONDS, PITCH_HINTS, PITCH_LABELS, PITCH_PARTS, assemble_pitch, pitch_stats
from engine.store import CHANNELS
from ui.common import choice_labels, friendly_errors, page_header, plain, store
from ui.outreach_panel import CHANNEL_LABELS, PITCH_GOAL_KEY


def _used(times: int) -> str:
    return {0: "not used yet", 1: "used once"}.get(times, f"used {times:,} times")

page_header("Pitch & templates", "Say who you are and what you ask in under a minute, and keep messages that "
            "work ready for each channel.")
workspace = store()
pitch_tab, template_tab = st.tabs(["Elevator pitch", "Message templates"])

with pitch_tab:
    with friendly_errors():
        goals = workspace.goals.all(statuses=("active", "paused"))
    goal_names = choice_labels(goals, lambda g: g["title"], reserved=["General pitch"])
    if st.session_state.get(PITCH_GOAL_KEY) not in goal_names:  # a goal since completed, or none asked for
        st.session_state.pop(PITCH_GOAL_KEY, None)
    goal_id = st.selectbox("For", [None, *goal_names], format_func=lambda i: goal_names.get(i, "General pitch"),
                           key=PITCH_GOAL_KEY)
    with friendly_errors():
        versions = workspace.pitches.all(goal_id)
    current = versions[0]["parts"] if versions else {}
    with st.form(f"pitch_{goal_id}"):
        parts = {part: st.text_area(PITCH_LABELS[part], current.get(part, ""), help=PITCH_HINTS[part], height=68)
                 for part in PITCH_PARTS}
        saved = st.form_submit_button("Save as a new version", type="primary")
    text = assemble_pitch(parts)
    stats = pitch_stats(text)
    st.markdown("**Your pitch**")
    st.text(text or "(fill in the parts above)")
    message = (f"{stats.words} word{'' if stats.words == 1 else 's'} · about {stats.seconds} seconds at 130 words "
               "a minute")
    (st.warning if stats.too_long else st.caption)(
        message + (f" — over {MAX_SECONDS} seconds: cut it down." if stats.too_long else ""))
    if saved:
        if not text:
            st.error("Write at least one part of the pitch.")
        else:
            with friendly_errors():
                version = workspace.pitches.save(goal_id, parts, text)
            st.success(f"Saved as version {version}.")
            st.rerun()
    if versions:
        with st.expander(f"Earlier versions ({len(versions)})"):
            for v in versions:
                st.caption(f"Version {v['version']} · {v['created_at']:%d %b %Y %H:%M}")
                st.text(v["text"])

with template_tab:
    with friendly_errors():
        templates = workspace_templates(workspace)
        usage = workspace.templates.usage()
    template_names = choice_labels(templates, reserved=["New template"], label=lambda t: (
        f"{t['name']} · {CHANNEL_LABELS.get(t['channel'], t['channel'])} · {_used(usage.get(t['id'], 0))}"))
    chosen_id = st.selectbox("Template", [None, *template_names], key="template_choice",
                             format_func=lambda i: template_names.get(i, "New template"))
    chosen = next((t for t in templates if t["id"] == chosen_id), None)
    base = chosen or {"name": "", "channel": "linkedin_message", "purpose": "coffee chat", "subject": "", "body": ""}
    with st.form(f"template_{base.get('id', 'new')}"):
        name = st.text_input("Name", base["name"])
        left, right = st.columns(2)
        channel = left.selectbox("Channel", CHANNELS, index=CHANNELS.index(base["channel"])
                                 if base["channel"] in CHANNELS else 0, format_func=CHANNEL_LABELS.get)
        purpose = right.selectbox("Purpose", PURPOSES, index=PURPOSES.index(base["purpose"])
                                  if base["purpose"] in PURPOSES else 0)
        subject = st.text_input("Subject (e-mail)", base.get("subject") or "")
        body = st.text_area("Text", base["body"], height=200,
                            help="Placeholders: " + ", ".join("{" + k + "}" for k in PLACEHOLDER_HINTS)
                            + ". A text that ends on a closing line (\"Thank you,\") is signed with your name "
                            "from Settings.")
        save = st.form_submit_button("Save template", type="primary")
    if save:
        with friendly_errors():
            workspace.templates.save({"name": name, "channel": channel, "purpose": purpose, "subject": subject or None,
                                     "body": body}, template_id=base.get("id"))
        st.success("Template saved.")
        st.rerun()
    if body:
        preview = render(body, SAMPLE_VALUES, channel=channel, subject=subject)
        st.markdown("**Preview with sample values**")
        st.code(preview.text, language=None, wrap_lines=True)
        limit = CHANNEL_LIMITS.get(channel)
        st.caption(f"{preview.length} characters" + (f" of {limit}" if limit else "") + " · placeholders: "
                   + (", ".join(plain(p) for p in placeholders(body)) or "none"))
        if preview.over_limit:
            st.error(f"{preview.over_limit} characters over the limit of a {CHANNEL_LABELS[channel]}.")
        unknown = [p for p in preview.missing if p not in PLACEHOLDER_HINTS]
        if unknown:
            st.info("Custom fields you will fill in per message: " + ", ".join(plain(u) for u in unknown))
    if chosen is not None and st.button("Delete this template"):
        with friendly_errors():
            workspace.templates.delete(chosen["id"])
        st.rerun()
