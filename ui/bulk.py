"""Bulk actions on selected contacts (Contacts and Outreach tables): add tags, set strength or
relationship, log one outreach to each. The store applies each action to all of them or none."""

from __future__ import annotations

import streamlit as st

from engine.clock import workspace_today
from engine.store import CHANNELS, RELATIONSHIPS, Store
from engine.vocabulary import CHANNEL_LABELS, label
from ui.common import friendly_errors


def bulk_actions(workspace: Store, contact_ids: list[int], key: str, goal_of: dict[int, int] | None = None) -> None:
    """``goal_of``: the goal each contact is ranked under (Outreach), logged with its outreach."""
    n = len(contact_ids)
    people = f"{n} contact" + ("" if n == 1 else "s")
    st.markdown(f"**{people} selected**")
    edit, log = st.columns(2)
    with edit.form(f"{key}_edit", clear_on_submit=True):
        tags = st.multiselect("Add tags", workspace.contacts.tags(), accept_new_options=True, key=f"{key}_tags")
        strength = st.selectbox("Set strength", [None, 0, 1, 2, 3, 4, 5], key=f"{key}_strength",
                                format_func=lambda s: "keep as it is" if s is None else str(s))
        relationship = st.selectbox("Set relationship", [None, *RELATIONSHIPS], key=f"{key}_relationship",
                                    format_func=lambda r: "keep as it is" if r is None else r)
        if st.form_submit_button(f"Apply to {people}", type="primary"):
            changes = {k: v for k, v in (("strength", strength), ("relationship", relationship)) if v is not None}
            with friendly_errors():
                done = workspace.contacts.update_many(contact_ids, add_tags=tags, **changes)
                st.toast(f"Updated {done} contact" + ("" if done == 1 else "s") if done else "Nothing to change")
    with log.form(f"{key}_log", clear_on_submit=True):
        channel = st.selectbox("Channel", CHANNELS, format_func=lambda c: label(c, CHANNEL_LABELS),
                               key=f"{key}_channel")
        when = st.date_input("Date", workspace_today(workspace), key=f"{key}_date")
        notes = st.text_input("Notes (optional)", key=f"{key}_notes")
        if st.form_submit_button(f"Log outreach to {people}"):
            with friendly_errors():
                workspace.interactions.log_many([
                    {"contact_id": int(c), "goal_id": (goal_of or {}).get(int(c)), "kind": "outreach",
                     "channel": channel, "occurred_on": when, "notes": notes or None} for c in contact_ids])
                st.toast(f"Logged outreach to {people}")
