"""Events: upcoming conferences, meetups and groups ranked against the goals; past ones kept."""

from datetime import datetime, time, timedelta

import streamlit as st

from engine.clock import workspace_now
from engine.outreach.event_suggestions import EVENT_COLUMNS, rank_events
from engine.outreach.table import EVENT_FIT_HELP, with_event_fit
from engine.planning.agenda import attendance
from engine.store import ContactQuery
from engine.vocabulary import EVENT_KINDS, plural
from ui.common import (
    blank_missing,
    choice_labels,
    form_done,
    form_message,
    form_round,
    friendly_errors,
    page_header,
    plain,
    store,
)

WHEN = "D MMM YYYY, HH:mm"


def add_event_form(workspace, today) -> None:
    """A new event typed in; the form is blank again after each event added."""
    with st.form(f"add_event_{form_round('add_event')}"):
        title = st.text_input("Title")
        left, mid, right = st.columns(3)
        kind = left.selectbox("Kind", EVENT_KINDS)
        day = mid.date_input("Date", today)
        start = right.time_input("Starts", time(18, 0))
        location = left.text_input("Location (empty if online)")
        cost = mid.number_input("Cost", 0.0, 100_000.0, 0.0, step=5.0)
        online = right.checkbox("Online")
        topics = st.text_input("Topics (comma-separated)")
        audience = st.text_input("Expected audience", placeholder="e.g. product managers, founders, recruiters")
        url = st.text_input("Link")
        if st.form_submit_button("Add event", type="primary"):
            with friendly_errors():
                workspace.events.add({
                    "title": title.strip(), "kind": kind, "starts_at": datetime.combine(day, start),
                    "location": location.strip() or None, "cost": cost, "online": online or not location.strip(),
                    "topics": [t.strip() for t in topics.split(",") if t.strip()], "audience": audience or None,
                    "url": url.strip() or None,
                })
            form_done("add_event", f"Event added: {plain(title.strip())}.")


page_header("Events", "Where the people your goals need will be. Import .ics calendars (Meetup, Eventbrite, Luma, "
            "Google, Outlook) on the Import page, or add one here.")
workspace = store()
with friendly_errors():
    now = workspace_now(workspace)  # the user's wall clock, in the zone chosen in Settings
today = now.date()

if added := form_message("add_event"):
    st.success(added, icon=":material/event:")

# Drawn only while open (an expander keyed with on_change="rerun"): its date, time and number inputs are
# code the browser loads on the page's first view otherwise.
adding = st.expander("Add an event", icon=":material/add:", key="add_event_open", on_change="rerun")
with adding:
    if adding.open:
        add_event_form(workspace, today)

with friendly_errors():
    goals = workspace.goals.all(statuses=("active",))
    ranked = rank_events(workspace)
st.subheader("Upcoming, best first", anchor=False)
if not goals:
    st.caption("Add an active goal to rank events by how well they serve it.")
if ranked.empty:
    st.info("No upcoming events yet.")
else:
    st.dataframe(
        blank_missing(with_event_fit(ranked)[[("fit" if c == "score" else c) for c in EVENT_COLUMNS]]),
        hide_index=True,
        width="stretch",
        column_config={"title": "Event", "kind": "Kind", "location": "Where",
                       "starts_at": st.column_config.DatetimeColumn("Starts", format=WHEN),
                       "cost": "Cost",
                       "fit": st.column_config.ProgressColumn("Fit", min_value=0, max_value=100, format="%d",
                                                              help=EVENT_FIT_HELP),
                       "goal_title": "Goal", "reasons": st.column_config.ListColumn("Why"), "next_step": "Next step"},
    )

with st.expander("Past events", icon=":material/history:"):
    with friendly_errors():
        every = workspace.events.frame()
    past = every[every["starts_at"] < now] if not every.empty else every
    st.dataframe(blank_missing(past[["title", "kind", "starts_at", "location"]] if not past.empty else past),
                 hide_index=True,
                 width="stretch", column_config={"title": "Event", "kind": "Kind", "location": "Where",
                                                 "starts_at": st.column_config.DatetimeColumn("Started", format=WHEN)})

st.subheader("I attended an event", anchor=False)
st.caption("Log who you met there: each person gets the event on their timeline and a follow-up date, and the "
           "review counts what the event yielded.")
with friendly_errors():
    started = every[every["starts_at"] <= now] if not every.empty else every
if started.empty:
    st.caption("No event has started yet.")
else:
    titles = choice_labels(started.to_dict("records"), lambda e: e["title"] or "untitled event")
    event_id = st.selectbox("Event", list(titles)[::-1], format_func=titles.get, key="attended_event")
    who = st.text_input("Find the people you met", placeholder="name or company", key="attended_search")
    with friendly_errors():
        found, _ = workspace.contacts.find(ContactQuery(search=who, page_size=50)) if who.strip() else (None, 0)
    chosen = st.session_state.setdefault("attended_people", {})
    if found is not None:
        for row in found.itertuples():
            if st.checkbox(f"{plain(row.full_name)} · {plain(row.company or '')}", value=int(row.id) in chosen,
                           key=f"met_{row.id}"):
                chosen[int(row.id)] = row.full_name
            else:
                chosen.pop(int(row.id), None)
    if chosen:
        st.caption("Met: " + ", ".join(plain(n) for n in chosen.values()))
    with st.form("attended"):
        left, right = st.columns(2)
        goal_names = choice_labels(goals, lambda g: g["title"], reserved=["No goal"])
        goal_id = left.selectbox("Goal", [None, *goal_names], format_func=lambda i: goal_names.get(i, "No goal"))
        follow = right.date_input("Follow up on", today + timedelta(days=3))
        notes = st.text_input("Notes")
        if st.form_submit_button("Log attendance", type="primary"):
            event = started[started["id"] == event_id].iloc[0].to_dict()
            entries = attendance(event, list(chosen), goal_id, follow, notes)
            with friendly_errors():
                workspace.interactions.log_many(entries)
            st.session_state["attended_people"] = {}
            st.success(f"Logged {plain(titles[event_id])} with {plural(len(chosen), 'person', 'people')} met.")
