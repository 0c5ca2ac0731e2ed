"""Outreach: one prioritized list across active goals, each row with its reasons and next step."""

import math

import streamlit as st

from engine.clock import workspace_today
from engine.exports import csv_bytes
from engine.outreach.audience import goals_without_audience, nobody_fits_message
from engine.outreach.learning import reply_chance_move
from engine.outreach.opportunities import (
    explain_contact,
    feedback_status,
    learning_status,
    rank_contacts,
    with_reasons,
)
from engine.outreach.table import FIT_HELP, TABLE_COLUMNS, breakdown, csv_rows, fit, with_fit, with_links
from engine.search import OUTREACH_FIELDS, matching, shown_of
from engine.vocabulary import plural
from ui.bulk import bulk_actions
from ui.common import blank_missing, choice_labels, friendly_errors, page_header, plain, store
from ui.outreach_marks import bulk_marks, mark_buttons, table_key
from ui.outreach_panel import outreach_panel

PAGE_SIZE = 25
page_header("Outreach", "Whom to contact first, and why. The ranking weighs fit with your goals, the warmth of "
            "the relationship and timing, and learns from the outcomes you log.")
workspace = store()
with friendly_errors():
    goals = workspace.goals.all(statuses=("active",))
if not goals:
    st.info("No active goal yet: the ranking needs to know what you want from networking.", icon=":material/flag:")
    st.page_link("ui/goals.py", label="Create a goal", icon=":material/flag:")
    st.stop()

left, right, find = st.columns(3)
goal_names = choice_labels(goals, lambda g: g["title"], reserved=["All active goals"])
goal_id = left.selectbox("Goal", [None, *goal_names], format_func=lambda i: goal_names.get(i, "All active goals"))
goal = next((g for g in goals if g["id"] == goal_id), None)
segments = goal["segments"] if goal else []
segment_names = choice_labels(segments, lambda s: s["name"], reserved=["All segments"])
segment_id = right.selectbox("Segment", [None, *segment_names], disabled=not segments,
                             format_func=lambda i: segment_names.get(i, "All segments"))
segment = next((s for s in segments if s["id"] == segment_id), None)

reading = (goal["id"] if goal else None, segment["id"] if segment else None)  # what the list is ranked for
with st.spinner("Ranking..."), friendly_errors():
    ranked = rank_contacts(workspace, *reading, reasons=False)
if ranked.empty:
    st.info("No contacts to rank yet: import your contacts first.")
    st.page_link("ui/imports.py", label="Import contacts", icon=":material/upload_file:")
    st.stop()

ranked = with_fit(ranked)
search = find.text_input("Search", placeholder="name, company or title", key="outreach_search")
found = matching(ranked, search, OUTREACH_FIELDS)
pages = max(1, math.ceil(len(found) / PAGE_SIZE))
signature = (goal["id"] if goal else None, segment["id"] if segment else None, search.strip().lower())
if st.session_state.get("outreach_filters") != signature or st.session_state.get("outreach_page", 1) > pages:
    st.session_state["outreach_filters"] = signature
    st.session_state.pop("outreach_page", None)  # back to the first page (its default)
page = st.session_state.get("outreach_page", 1)
with friendly_errors():
    shown = with_reasons(workspace, with_links(workspace, found.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]),
                         *reading)
with friendly_errors():
    learning = learning_status(workspace)
    marks = feedback_status(workspace, goal["id"] if goal else None)
explored = (" · every fifth place chosen to learn what works" if "to_learn" in ranked and ranked["to_learn"].any()
            else "")
st.caption(f"{plural(len(ranked), 'contact')} ranked · page {page} of {pages} · "
           f"{learning.get('line', learning['message'])} · {marks['message']}" + explored)
with friendly_errors():
    unfit = goals_without_audience(workspace, goal["id"] if goal else None)
if unfit:
    st.warning(nobody_fits_message(unfit, one_goal=goal is not None, shown=plain), icon=":material/person_search:")
if search.strip():  # without a search, the caption above counts them
    st.caption(f"{shown_of(len(found), len(ranked))} match “{plain(search.strip())}”")
selection = st.dataframe(
    blank_missing(shown[TABLE_COLUMNS]), hide_index=True, width="stretch", on_select="rerun",
    selection_mode="multi-row",
    key=table_key(),
    column_config={
        "rank": st.column_config.NumberColumn("#", width=40),
        "full_name": st.column_config.TextColumn("Name", width=150),
        "company": st.column_config.TextColumn("Company", width=130),
        "position": st.column_config.TextColumn("Position", width=150),
        "next_step": st.column_config.TextColumn("Next step", width=160),
        "reasons": st.column_config.ListColumn("Why", width="large"),
        "fit": st.column_config.ProgressColumn("Fit", min_value=0, max_value=100, format="%d", help=FIT_HELP,
                                               width="small"),
        "linkedin_url": st.column_config.LinkColumn("Profile", display_text="Open profile", width="small"),
        "email": st.column_config.LinkColumn("E-mail", display_text="mailto:(.*)", width="small"),
        "goal_title": st.column_config.TextColumn("Goal", width="small"),
        "segment_name": st.column_config.TextColumn("Segment", width="small"),
    },
)
if pages > 1:
    st.pagination(pages, key="outreach_page")
with friendly_errors():
    workspace.contacts.note_recommended([int(i) for i in shown["contact_id"].head(10)], on=workspace_today(workspace))

rows = selection.selection.rows if selection else []
if len(rows) > 1:
    bulk_marks(workspace, shown.iloc[rows])
    chosen_rows = shown.iloc[rows]
    bulk_actions(workspace, [int(i) for i in chosen_rows["contact_id"]], key="outreach_bulk",
                 goal_of={int(c): int(g) for c, g in zip(chosen_rows["contact_id"], chosen_rows["goal_id"])})
if rows:
    # The person opened stays open while the user works on them, though logging or editing re-ranks the
    # list under the same selected row; a new selection (or page) opens whoever is there.
    chosen, opened = shown.iloc[rows[-1]], st.session_state.get("outreach_opened")
    where = (table_key(), signature, page, tuple(rows))
    if opened and opened[0] == where and (found["contact_id"] == opened[1]).any():
        chosen = found[found["contact_id"] == opened[1]].iloc[0]
    st.session_state["outreach_opened"] = (where, int(chosen["contact_id"]))
    with friendly_errors():
        why = explain_contact(workspace, int(chosen["contact_id"]))
    with st.container(border=True):
        st.subheader(plain(chosen["full_name"]), anchor=False)
        st.write(f"**Next step:** {plain(why['next_step'])} · for *{plain(why['goal_title'])}*"
                 + (f" · segment *{plain(why['segment_name'])}*" if why["segment_name"] else ""))
        mark_buttons(workspace, int(chosen["contact_id"]), chosen["goal_id"], key=f"mark_{int(chosen['contact_id'])}",
                     scores=(why["score"], float(chosen["score"])))
        st.markdown(f"**Fit {fit(why['score'])} of 100**, made of:", help=FIT_HELP)
        st.dataframe(breakdown(why["contributions"]), hide_index=True, width="stretch", key="fit_parts",
                     column_config={"factor": st.column_config.TextColumn("Factor", width="medium"),
                                    "points": st.column_config.NumberColumn("Points", format="%+.1f",
                                                                            help="Points of the fit out of 100"),
                                    "detail": st.column_config.TextColumn("Detail", width="large")})
        moved = reply_chance_move(why)
        if moved:
            st.caption(moved["sentence"])
        if why["matched_terms"]:
            st.caption("Matched terms: " + ", ".join(plain(t) for t in why["matched_terms"]))
        st.markdown("**Reach out**")
        with friendly_errors():
            contact = workspace.contacts.get(int(chosen["contact_id"]))
        outreach_panel(workspace, contact, why["goal_id"], key=f"outreach_{int(chosen['contact_id'])}")
else:
    st.session_state.pop("outreach_opened", None)  # the next row selected opens whoever is there
    st.caption("Select a row to see how its score is made up, mark it a good fit or not, draft a message and log "
               "the outreach; select several to mark them at once.")

st.download_button("Download the prioritized list (CSV)",
                   lambda: csv_bytes(csv_rows(workspace, with_reasons(workspace, found, *reading)), TABLE_COLUMNS),
                   file_name="rapport-outreach.csv", mime="text/csv", icon=":material/download:")
