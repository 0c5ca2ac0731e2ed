"""Outreach's feedback marks: "good fit" / "not a fit" for a goal, per contact or for the selected rows.

A mark re-ranks the goal (engine.outreach.feedback), so the table is drawn afresh after one: its
selection, which points at row positions, is cleared by moving the table to a new key.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.outreach.table import fit as out_of_100
from engine.store import Store
from engine.vocabulary import FEEDBACK_FITS, FEEDBACK_LABELS
from ui.common import friendly_errors

ICONS = {"good": ":material/thumb_up:", "bad": ":material/thumb_down:"}


def table_key() -> str:
    """The Outreach table's key: a new one after every mark."""
    return f"outreach_table_{st.session_state.get('outreach_marks_made', 0)}"


def _apply(workspace: Store, by_goal: dict[int, list[int]], fit: str | None) -> None:
    with friendly_errors():
        for goal_id, ids in by_goal.items():
            if fit is None:
                workspace.feedback.clear(goal_id, ids)
            else:
                workspace.feedback.mark(goal_id, ids, fit)
        count = sum(len(ids) for ids in by_goal.values())
        st.session_state["outreach_marks_made"] = st.session_state.get("outreach_marks_made", 0) + 1
        st.toast(f"{'Cleared the mark of' if fit is None else 'Marked'} {count} contact{'s' if count != 1 else ''}"
                 + ("" if fit is None else f" {FEEDBACK_LABELS[fit]}"))
        st.rerun()


def mark_buttons(workspace: Store, contact_id: int, goal_id, key: str, scores: tuple[float, float]) -> None:
    """One click marks this contact for the goal it is ranked under (or clears its mark); ``scores``:
    its score before and after what the goal's marks teach, said when they differ."""
    if goal_id is None or pd.isna(goal_id):
        return
    before, after = out_of_100(scores[0]), out_of_100(scores[1])  # as the table shows them: a fit out of 100
    if before != after:
        st.caption(f"Your marks for this goal moved this contact's score from {before} to {after} (of 100).")
    goal_id = int(goal_id)
    with friendly_errors():
        current = workspace.feedback.marks(goal_id).get(goal_id, {}).get(contact_id)
    columns = st.columns(3)
    for column, fit in zip(columns, FEEDBACK_FITS):
        label = FEEDBACK_LABELS[fit].capitalize()
        if column.button(label, icon=ICONS[fit], key=f"{key}_{fit}", disabled=current == fit,
                         type="primary" if current == fit else "secondary"):
            _apply(workspace, {goal_id: [contact_id]}, fit)
    if current and columns[2].button("Clear mark", key=f"{key}_clear"):
        _apply(workspace, {goal_id: [contact_id]}, None)


def bulk_marks(workspace: Store, chosen: pd.DataFrame) -> None:
    """Mark every selected row for the goal it is ranked under."""
    by_goal: dict[int, list[int]] = {}
    for row in chosen.itertuples():
        if pd.notna(row.goal_id):
            by_goal.setdefault(int(row.goal_id), []).append(int(row.contact_id))
    if not by_goal:
        return
    columns = st.columns([2, 1, 1, 1])
    columns[0].write(f"**{len(chosen)} selected:** mark them for the goal each is ranked under")
    for column, fit in zip(columns[1:], FEEDBACK_FITS):
        if column.button(f"All {len(chosen)}: {FEEDBACK_LABELS[fit]}", icon=ICONS[fit], key=f"bulk_{fit}"):
            _apply(workspace, by_goal, fit)
    if columns[3].button(f"Clear all {len(chosen)} marks", key="bulk_clear"):
        _apply(workspace, by_goal, None)
