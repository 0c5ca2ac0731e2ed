"""Rapport's dashboard: a router. Each page lives in ui/ and calls the engine."""

import streamlit as st

from engine.memory import return_freed_memory
from engine.outreach.preparation import page_run
from ui.common import error_boundary, page_session

return_freed_memory()  # once per process: a long-running server gives its peaks back (engine/memory.py)

st.set_page_config(page_title="Rapport", page_icon=":material/hub:", layout="wide")

pages = {
    "Plan": [
        st.Page("ui/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("ui/goals.py", title="Goals", icon=":material/flag:"),
        st.Page("ui/messages.py", title="Pitch & templates", icon=":material/edit_note:"),
    ],
    "Act": [
        st.Page("ui/today.py", title="Today", icon=":material/today:"),
        st.Page("ui/outreach.py", title="Outreach", icon=":material/send:"),
        st.Page("ui/events.py", title="Events", icon=":material/event:"),
        st.Page("ui/contacts.py", title="Contacts", icon=":material/contacts:"),
        st.Page("ui/companies.py", title="Companies", icon=":material/domain:"),
    ],
    "Improve": [
        st.Page("ui/review.py", title="Review", icon=":material/insights:"),
    ],
    "Data": [
        st.Page("ui/imports.py", title="Import", icon=":material/upload_file:"),
        st.Page("ui/settings.py", title="Settings", icon=":material/settings:"),
    ],
}
page = st.navigation(pages)
with error_boundary(page.url_path or "home"), page_run(), page_session(page.url_path):
    page.run()  # the preparation under way steps aside meanwhile (engine/outreach/preparation.py)
