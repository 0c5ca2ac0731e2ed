"""Fixing records on a contact: correct or delete a logged interaction (with undo), and merge a
duplicate contact into this one. The store does the work; this only reads widgets."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.store import CHANNELS, INTERACTION_KINDS, OUTCOMES, ContactQuery, Store
from engine.vocabulary import CHANNEL_LABELS, KIND_LABELS, OUTCOME_LABELS, label
from ui.common import friendly_errors, plain

UNDO = "deleted_interaction"


def _describe(row) -> str:
    return " · ".join(p for p in (f"{row.occurred_on:%d %b %Y}", label(row.kind, KIND_LABELS),
                                  label(row.channel, CHANNEL_LABELS) if isinstance(row.channel, str) else "",
                                  label(row.outcome, OUTCOME_LABELS) if isinstance(row.outcome, str) else "") if p)


def undo_delete(workspace: Store) -> None:
    """'Deleted ... Undo' after an interaction was deleted, until the user moves on."""
    record = st.session_state.get(UNDO)
    if not record:
        return
    left, right = st.columns([4, 1])
    left.info(f"Deleted the interaction of {record['occurred_on']:%d %b %Y}.", icon=":material/delete:")
    if right.button("Undo", key="undo_delete", icon=":material/undo:"):
        with friendly_errors():
            workspace.interactions.restore(record)
        st.session_state.pop(UNDO, None)
        st.rerun()


def interaction_editor(workspace: Store, timeline: pd.DataFrame, key: str) -> None:
    """Pick one logged interaction, then correct it or delete it."""
    if timeline.empty:
        return
    rows = {int(r.id): _describe(r) for r in timeline.itertuples()}
    with st.expander("Correct or delete an interaction", icon=":material/edit:"):
        chosen = st.selectbox("Interaction", list(rows), format_func=rows.get, key=f"{key}_pick")
        row = timeline.set_index("id").loc[chosen]
        with st.form(f"{key}_form_{chosen}"):
            left, mid, right = st.columns(3)
            kind = left.selectbox("What", INTERACTION_KINDS, index=INTERACTION_KINDS.index(row["kind"]),
                                  format_func=lambda k: label(k, KIND_LABELS))
            channels = [None, *CHANNELS]
            channel = mid.selectbox("Channel", channels, format_func=lambda c: label(c, CHANNEL_LABELS) if c else "—",
                                    index=channels.index(row["channel"]) if row["channel"] in CHANNELS else 0)
            outcomes = [None, *OUTCOMES]
            outcome = right.selectbox("Outcome", outcomes, format_func=lambda o: label(o, OUTCOME_LABELS) if o else "—",
                                      index=outcomes.index(row["outcome"]) if row["outcome"] in OUTCOMES else 0)
            when = left.date_input("Date", row["occurred_on"])
            follow = mid.date_input("Follow up on", row["follow_up_on"] if pd.notna(row["follow_up_on"]) else None)
            notes = st.text_area("Notes", row["notes"] if isinstance(row["notes"], str) else "")
            save, delete = st.columns(2)
            if save.form_submit_button("Save changes", type="primary"):
                with friendly_errors():
                    workspace.interactions.update(chosen, kind=kind, channel=channel, outcome=outcome,
                                                  occurred_on=when, follow_up_on=follow, notes=notes or None)
                    st.toast("Interaction corrected")
                    st.rerun()
            if delete.form_submit_button("Delete this interaction"):
                with friendly_errors():
                    st.session_state[UNDO] = workspace.interactions.delete(chosen)
                    st.rerun()


def merge_control(workspace: Store, contact: dict, key: str) -> None:
    """Find the duplicate (by name, company or e-mail) and fold it into this contact."""
    with st.expander("Merge a duplicate into this contact", icon=":material/merge:"):
        search = st.text_input("Find the duplicate", value=contact["last_name"] or contact["full_name"] or "",
                               key=f"{key}_search")
        with friendly_errors():
            found, _ = workspace.contacts.find(ContactQuery(search=search, page_size=20))
        found = found[found["id"] != contact["id"]]
        if found.empty:
            st.caption("No other contact matches.")
            return
        names = {int(r.id): " · ".join(str(v) for v in (r.full_name, r.company, r.email) if isinstance(v, str) and v)
                 for r in found.itertuples()}
        other = st.selectbox("Duplicate", list(names), format_func=names.get, key=f"{key}_other")
        st.caption(f"{plain(names[other])} will be removed; their interactions, job changes, tags and marks move "
                   f"to {plain(contact['full_name'] or 'this contact')}, and fields this contact lacks are filled "
                   "from theirs.")
        sure = st.checkbox("Yes, merge them", key=f"{key}_sure")
        if st.button("Merge", key=f"{key}_merge", disabled=not sure, icon=":material/merge:"):
            with friendly_errors():
                workspace.contacts.merge(other, contact["id"])
                st.toast("Merged")
                st.rerun()
