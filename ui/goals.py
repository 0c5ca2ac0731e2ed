"""Goals: what the user wants from networking, who can help (segments), and progress so far."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from engine.clock import workspace_today
from engine.outreach.preparation import prepare_in_background
from engine.planning.goal_board import goal_board
from engine.store import GOAL_STATUSES
from engine.vocabulary import plural
from ui.common import blank_missing, form_done, form_round, friendly_errors, page_header, plain, store
from ui.goal_form import goal_form, segment_form, template_form

MEMBER_COLUMNS = {"full_name": "Name", "company": "Company", "position": "Position",
                  "score": st.column_config.ProgressColumn("Fit", min_value=0.0, max_value=1.0, format="%.2f"),
                  "reasons": st.column_config.ListColumn("Why", width="large")}
WAY_IN_COLUMNS = {"full_name": "Name", "position": "Position", "company": "Company"}
EVENT_COLUMNS = {"title": "Event", "starts_at": st.column_config.DatetimeColumn("Starts", format="D MMM YYYY, HH:mm"),
                 "location": "Where", "next_step": "Next step"}

page_header("Goals", "What you want from networking, with a measurable target and a date, and the people who can "
            "help with each.")
workspace = store()
with friendly_errors(), workspace.session():  # one open of the file for what the top of the page reads
    today = workspace_today(workspace)
    goals = workspace.goals.all()
    any_goal = bool(goals)
    any_contact = bool(workspace.contacts.count())

# Expanders keyed with on_change="rerun" draw their content only while open (Streamlit otherwise sends
# a closed expander's content too): forms and member tables are drawn when the user opens them.
template = st.expander("New goal from a template", expanded=not any_goal, icon=":material/bolt:",
                       key="template_goal_open", on_change="rerun")
with template:
    if template.open:
        template_form(workspace, today)

scratch = st.expander("New goal from scratch", icon=":material/add:", key="new_goal_open", on_change="rerun")
with scratch:
    values = (goal_form(f"new_goal_{form_round('new_goal')}", {"due_date": today + timedelta(weeks=12)})
              if scratch.open else None)
    if values is not None:
        with friendly_errors():
            workspace.goals.add(values)
        st.session_state["goal_created"] = values["title"]
        form_done("new_goal")

if created := st.session_state.pop("goal_created", None):
    st.success(f"Goal created: {plain(created)}. Rapport now ranks your contacts for it.", icon=":material/flag:")
    st.page_link("ui/outreach.py", label="See whom to contact first", icon=":material/send:")

if not any_goal:
    st.info("No goals yet: start from a template above.")
    st.stop()

show = st.segmented_control("Show", ["active", "paused", "completed", "archived", "all"], default="active")
with friendly_errors():  # progress and audiences, kept until the goals or the data change
    cards = goal_board(workspace, today, None if show == "all" else (show,))
for card in cards:
    goal, progress = card.goal, card.progress
    with st.container(border=True):
        head, actions = st.columns([4, 2])
        head.subheader(plain(goal["title"]), anchor=False)
        head.caption(f"{plain(goal['outcome'])} · priority {goal['priority']} · {plain(goal['status'])}"
                     + (f" · due {goal['due_date']}" if goal["due_date"] else ""))
        if goal["target"]:
            share = min(progress / goal["target"], 1.0)
            head.progress(share, text=f"{progress} of {goal['target']} {plain(goal['metric'] or 'conversations')}")
        # The status's choice is drawn once its popover is opened: a selectbox per goal cost the browser
        # more than the rest of the card (the page took 1.7x a minimal app's time with them, 1.5x without).
        changing = actions.popover(f"Status: {plain(goal['status'])}", icon=":material/swap_horiz:",
                                   key=f"status_open_{goal['id']}", on_change="rerun")
        status = goal["status"]
        if changing.open:
            status = changing.selectbox("Status", GOAL_STATUSES, index=GOAL_STATUSES.index(goal["status"]),
                                        key=f"status_{goal['id']}")
        if status != goal["status"]:
            with friendly_errors():
                workspace.goals.set_status(goal["id"], status)
            st.rerun()
        if goal["description"]:
            st.text(goal["description"])
        edit = st.expander("Edit goal", key=f"edit_open_{goal['id']}", on_change="rerun")
        with edit:
            values = goal_form(f"edit_{goal['id']}", goal) if edit.open else None
            if values is not None:
                with friendly_errors():
                    workspace.goals.update(goal["id"], values)
                st.rerun()
        st.markdown("**Target audience**")
        for seg in card.coverage:
            label = f"{plain(seg['name'])} — {plural(seg['count'], 'contact')} match{'es' if seg['count'] == 1 else ''}"
            members = st.expander(label + ("  ⚠ gap" if seg["gap"] else ""), icon=":material/group:",
                                  key=f"seg_open_{seg['id']}", on_change="rerun")
            with members:
                if not members.open:  # its content, with the remove button, only while open (see above)
                    continue
                st.caption(plain(seg["describe"]))
                if seg["gap"]:
                    st.warning("Few people in your network fit this segment yet.")
                    if seg["ways_in"]:
                        first = " (the closest ties first)" if seg["ways_in_total"] > len(seg["ways_in"]) else ""
                        st.write(f"{plural(seg['ways_in_total'], 'person', 'people')} at its target companies "
                                 f"in another role can introduce you or refer you{first}:")
                        st.dataframe(blank_missing(pd.DataFrame(seg["ways_in"]).drop(columns="contact_id")),
                                     hide_index=True, width="stretch", column_config=WAY_IN_COLUMNS)
                    if not seg["events"].empty:
                        st.write("Events that could fill it:")
                        st.dataframe(blank_missing(seg["events"]), hide_index=True, width="stretch",
                                     column_config=EVENT_COLUMNS)
                if seg["count"]:
                    from engine.outreach.audience import segment_members  # the ranking, once a segment is opened

                    with friendly_errors():
                        listed = segment_members(workspace, goal, seg["id"], today)
                    st.dataframe(blank_missing(listed), hide_index=True, width="stretch", column_config=MEMBER_COLUMNS)
                if st.button("Remove segment", key=f"del_seg_{seg['id']}"):
                    with friendly_errors():
                        workspace.goals.delete_segment(seg["id"])
                    st.rerun()
        new_segment = segment_form(f"seg_{goal['id']}")
        if new_segment is not None:
            with friendly_errors():
                workspace.goals.add_segment(goal["id"], new_segment)
            st.rerun()

# A goal edited here changes whom Outreach and Today put first: rank them again in the background while
# the user reads this page (nothing is done again when the goals did not change or it is under way already).
# The thread imports the ranking itself: figures kept from the last session draw without it.
if any_contact and any(g["status"] == "active" for g in goals):
    prepare_in_background(workspace)
