"""Today: follow-ups that are due, people you are losing touch with, and the next best outreach."""

import streamlit as st

from engine.planning.agenda import (
    agenda,
    answered_by_outcome,
    calendar_file,
    follow_up_done,
    follow_up_later,
)
from engine.vocabulary import CHANNEL_LABELS, KIND_PHRASES, label
from ui.common import blank_missing, choice_labels, friendly_errors, page_header, plain, store
from ui.outreach_panel import outcome_buttons

FOLLOW_UP_LABELS = {"full_name": st.column_config.TextColumn("Name", width="medium"),
                    "company": st.column_config.TextColumn("Company", width="small"),
                    "kind": st.column_config.TextColumn("After", width="small"),
                    "channel": st.column_config.TextColumn("Channel", width="small"),
                    "template": st.column_config.TextColumn("Template", width="small"),
                    "goal": st.column_config.TextColumn("Goal", width="small"),
                    "occurred_on": st.column_config.DateColumn("On", format="D MMM YYYY", width="small"),
                    "follow_up_on": st.column_config.DateColumn("Follow up on", format="D MMM YYYY", width="small"),
                    "status": st.column_config.TextColumn("Status", width="small")}


page_header("Today", "Your weekly outreach session starts here: answer what is due, then reach the next best people.")
workspace = store()
with st.spinner("Gathering what is due..."), friendly_errors():
    plan = agenda(workspace)
st.caption(f"Today is {plan.today:%A %d %B %Y}.")

cols = st.columns(4)
cols[0].metric("Follow-ups due", len(plan.due))
cols[1].metric("Overdue", int((plan.due["status"] == "overdue").sum()) if not plan.due.empty else 0)
cols[2].metric("Next 7 days", len(plan.upcoming))
cols[3].metric("Losing touch", len(plan.losing_touch))

st.subheader("Follow-ups due", anchor=False)
if plan.due.empty:
    st.success("Nothing is due. Well done.", icon=":material/task_alt:")
else:
    st.dataframe(plan.due_shown, hide_index=True,
                 width="stretch", key="due_table",
                 column_config=FOLLOW_UP_LABELS)
    for row in plan.due.head(5).itertuples():
        kind = getattr(row, "kind", None)
        if answered_by_outcome(kind):
            st.caption(f"{plain(row.full_name)}: {label(row.channel, CHANNEL_LABELS) or 'outreach'} of "
                       f"{row.occurred_on:%d %b} — how did it go?")
            outcome_buttons(workspace, int(row.id), key=f"today_{row.id}")
            continue
        st.caption(f"{plain(row.full_name)}: follow up on {KIND_PHRASES.get(kind, 'this')} of {row.occurred_on:%d %b}.")
        done, later, _ = st.columns([1, 1, 3])
        if done.button("Done", key=f"today_{row.id}_done", icon=":material/check:"):
            with friendly_errors():
                follow_up_done(workspace, int(row.id))
            st.rerun()
        if later.button("In a week", key=f"today_{row.id}_later", icon=":material/schedule:"):
            with friendly_errors():
                follow_up_later(workspace, int(row.id), plan.today)
            st.rerun()

if not plan.upcoming.empty:
    # Keyed with on_change="rerun", the expander draws its table only while open: a table is the costliest
    # element a page draws in the browser, and Streamlit sends a closed expander's content too.
    coming = st.expander(f"Coming up in the next 7 days ({len(plan.upcoming)})", key="today_upcoming_open",
                         on_change="rerun")
    with coming:
        if coming.open:
            st.dataframe(plan.upcoming_shown, hide_index=True, width="stretch", column_config=FOLLOW_UP_LABELS)

st.subheader("Losing touch", anchor=False)
if plan.losing_touch.empty:
    st.caption("No keep-in-touch cadence is due. Set cadences on a contact, or per tag in Settings.")
else:
    st.dataframe(plan.touch_shown, hide_index=True,
                 width="stretch",
                 column_config={"full_name": "Name", "company": "Company", "days_since": "Days since contact",
                                "due_on": "Due on", "cadence": "Cadence", "cadence_source": "Set on",
                                "status": st.column_config.TextColumn("Status", help="Due: past the ideal gap; "
                                                                      "Overdue: past the maximum gap")})

st.subheader("Next best outreach", anchor=False)
if plan.next_outreach.empty:
    with friendly_errors():
        goals_active = bool(workspace.goals.all(("active",)))
    st.caption("Everyone who fits your active goals was reached lately or waits on a follow-up; Outreach has the "
               "full ranking." if goals_active else "Add an active goal to get recommendations.")
else:
    st.dataframe(blank_missing(plan.next_outreach[["full_name", "company", "position", "next_step", "reasons"]]),
                 hide_index=True,
                 width="stretch", column_config={"full_name": "Name", "company": "Company", "position": "Position",
                                                 "next_step": "Next step",
                                                 "reasons": st.column_config.ListColumn("Why", width="large")})
    st.page_link("ui/outreach.py", label="Open Outreach to draft and log messages", icon=":material/send:")

st.subheader("Calendar", anchor=False)
# Drawn once opened (keyed with on_change="rerun"): the events' list is read, and the multiselect drawn,
# only when the user comes to take the week into a calendar.
calendar = st.popover("Add follow-ups and events to your calendar", icon=":material/calendar_month:",
                      key="calendar_open", on_change="rerun")
with calendar:
    if calendar.open:
        with friendly_errors():
            upcoming_events = workspace.events.frame(upcoming_from=plan.today)
        titles = choice_labels(upcoming_events.to_dict("records"), lambda e: e["title"] or "untitled event")
        chosen = st.multiselect("Events to add", list(titles), format_func=titles.get, key="calendar_events")
        st.download_button("Download follow-ups and events (.ics)",
                           lambda: calendar_file(workspace, list(chosen)), file_name="rapport.ics",
                           mime="text/calendar", icon=":material/download:")
