"""Home: what is in the workspace, and for a first start the choice of demo or empty."""


import streamlit as st

from engine.clock import workspace_today
from engine.demo.load import load_demo_workspace
from engine.insights.kept_flags import home_flags
from engine.outreach.preparation import prepare_in_background
from engine.planning.glance import goals_at_a_glance
from ui.common import db_path, friendly_errors, page_header, plain, store

GLANCE_COLUMNS = {
    "id": None, "goal": "Goal", "progress": "Progress",
    "done": st.column_config.ProgressColumn("Done", min_value=0, max_value=100, format="%d%%"),
    "due": st.column_config.DateColumn("Due", format="D MMM YYYY"), "pace": "Pace", "next": "To keep pace",
}

page_header("Rapport", "Your professional network, turned into a networking strategy you can run and improve.")

with friendly_errors():
    workspace = store()
    with workspace.session():  # one open of the file for everything Home reads
        summary = workspace.summary()
        today = workspace_today(workspace)
        glance = goals_at_a_glance(workspace, today) if summary["active_goals"] else []
        # kept on disk until the data, the goals or the flags change
        flags = home_flags(workspace, today=today) if summary["contacts"] and summary["active_goals"] else []

if st.session_state.pop("demo_loaded", False):
    st.success("Demo workspace loaded: explore the Outreach, Goals and Contacts pages.")

first_start = not (summary["contacts"] or summary["goals"] or summary["events"] or summary["interactions"])
if first_start and not st.session_state.get("started_empty"):
    st.subheader("Welcome")
    st.write(
        "Rapport works on your own data and keeps it on this computer. Start with a demo workspace "
        "to see how it works, or start empty and import your LinkedIn, Google or Outlook contacts."
    )
    left, right = st.columns(2)
    if left.button("Load demo workspace", type="primary", icon=":material/auto_awesome:"):
        with st.spinner("Building the demo workspace..."), friendly_errors():
            load_demo_workspace(workspace, today=today)
        st.session_state["demo_loaded"] = True
        st.rerun()
    if right.button("Start empty", icon=":material/upload_file:"):
        st.session_state["started_empty"] = True
        st.switch_page("ui/imports.py")
    st.caption(f"Workspace file: {plain(db_path())}")
    st.stop()

cols = st.columns(5)
cols[0].metric("Contacts", f"{summary['contacts']:,}")
cols[1].metric("Active goals", summary["active_goals"])
cols[2].metric("Upcoming events", summary["upcoming_events"])
cols[3].metric("Interactions logged", f"{summary['interactions']:,}")
cols[4].metric("Imports", summary["imports"])

if glance:
    st.subheader("Your goals", anchor=False)
    st.dataframe(glance, hide_index=True, width="stretch", column_config=GLANCE_COLUMNS)

st.subheader("Next steps")
if not summary["contacts"]:
    st.page_link("ui/imports.py", label="Import your contacts (LinkedIn, Google, Outlook, vCard, CSV)",
                 icon=":material/upload_file:")
elif not summary["active_goals"]:
    st.info("You have contacts but no active goal yet. Say what you want from networking, and Rapport ranks "
            "whom to contact first.", icon=":material/flag:")
    st.page_link("ui/goals.py", label="Create your first goal", icon=":material/flag:")
else:
    st.page_link("ui/today.py", label="Today: follow-ups due and the next best outreach", icon=":material/today:")
    st.page_link("ui/outreach.py", label="See this week's best outreach", icon=":material/send:")
    st.page_link("ui/events.py", label="Upcoming events worth attending", icon=":material/event:")
    if flags:
        st.subheader("To refine", anchor=False)
        for flag in flags[:3]:
            st.warning(f"**{plain(flag['title'])}** — {plain(flag['suggestion'])}", icon=":material/tune:")
        st.page_link("ui/review.py", label=f"All {len(flags)} in the monthly review", icon=":material/insights:")
    prepare_in_background(workspace)  # while the user reads this page
st.caption(f"Workspace file: {plain(db_path())}")
