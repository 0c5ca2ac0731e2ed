"""Events: upcoming conferences, meetups and groups ranked against the goals; past ones kept."""

from datetime import date, datetime, time

import streamlit as st

from engine.model import EVENT_KINDS
from engine.opportunities import EVENT_COLUMNS, rank_events
from ui.common import friendly_errors, page_header, store

page_header("Events", "Where the people your goals need will be. Import .ics calendars (Meetup, Eventbrite, Luma, "
            "Google, Outlook) on the Import page, or add one here.")
workspace = store()

with st.expander("Add an event", icon=":material/add:"):
    with st.form("add_event"):
        title = st.text_input("Title")
        left, mid, right = st.columns(3)
        kind = left.selectbox("Kind", EVENT_KINDS)
        day = mid.date_input("Date", date.today())
        start = right.time_input("Starts", time(18, 0))
        location = left.text_input("Location (empty if online)")
        cost = mid.number_input("Cost", 0.0, 100_000.0, 0.0, step=5.0)
        online = right.checkbox("Online")
        topics = st.text_input("Topics (comma-separated)")
        audience = st.text_input("Expected audience", placeholder="e.g. product managers, founders, recruiters")
        url = st.text_input("Link")
        if st.form_submit_button("Add event", type="primary"):
            with friendly_errors():
                workspace.add_event({
                    "title": title.strip(), "kind": kind, "starts_at": datetime.combine(day, start),
                    "location": location.strip() or None, "cost": cost, "online": online or not location.strip(),
                    "topics": [t.strip() for t in topics.split(",") if t.strip()], "audience": audience or None,
                    "url": url.strip() or None,
                })
            st.toast("Event added")

with friendly_errors():
    goals = workspace.goals(statuses=("active",))
    ranked = rank_events(workspace)
st.subheader("Upcoming, best first", anchor=False)
if not goals:
    st.caption("Add an active goal to rank events by how well they serve it.")
if ranked.empty:
    st.info("No upcoming events yet.")
else:
    st.dataframe(
        ranked[EVENT_COLUMNS], hide_index=True, width="stretch",
        column_config={"title": "Event", "kind": "Kind", "starts_at": st.column_config.DatetimeColumn("Starts"),
                       "location": "Where", "cost": st.column_config.NumberColumn("Cost", format="%.0f"),
                       "score": st.column_config.NumberColumn("Score", format="%.2f"), "goal_title": "Goal",
                       "reasons": st.column_config.ListColumn("Why"), "next_step": "Next step"},
    )

with st.expander("Past events", icon=":material/history:"):
    with friendly_errors():
        every = workspace.events_frame()
    past = every[every["starts_at"] < datetime.now()] if not every.empty else every
    st.dataframe(past[["title", "kind", "starts_at", "location"]] if not past.empty else past, hide_index=True,
                 width="stretch")
