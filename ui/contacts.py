"""Contacts: search, filter, sort, page through; open one to edit what only the user knows."""

import math

import streamlit as st

from engine.outreach.table import mail_link
from engine.search import shown_of
from engine.store import RELATIONSHIPS, SORTS, ContactQuery
from engine.vocabulary import CHANNEL_LABELS, KIND_LABELS, OUTCOME_LABELS, as_text, label
from ui.bulk import bulk_actions
from ui.common import blank_missing, form_done, form_message, friendly_errors, page_header, plain, store
from ui.outreach_panel import outcome_buttons, outreach_panel
from ui.records import interaction_editor, merge_control, undo_delete

PAGE_SIZE = 50
page_header("Contacts", "Everyone you imported. Open a contact to set tags, relationship strength, notes and a "
            "keep-in-touch cadence.")
workspace = store()

with friendly_errors(), workspace.session():
    companies = workspace.contacts.companies()
    tags = workspace.contacts.tags()
    everyone = workspace.contacts.count()

filters = st.columns([3, 2, 2, 1, 2])
search = filters[0].text_input("Search", placeholder="name, company, title, e-mail or tag")
company = filters[1].selectbox("Company", [""] + companies, format_func=lambda c: c or "Any company")
tag = filters[2].selectbox("Tag", [""] + tags, format_func=lambda t: t or "Any tag")
min_strength = filters[3].selectbox("Strength ≥", [None, 1, 2, 3, 4, 5], format_func=lambda s: "any" if s is None
                                    else str(s))
sort = filters[4].selectbox("Sort by", list(SORTS))

signature = (search, company, tag, min_strength, sort)
if st.session_state.get("contacts_filters") != signature:  # new filters start on page 1
    st.session_state["contacts_filters"] = signature
    # Forgotten rather than set to 1: a widget's key set by code makes Streamlit warn on every such run.
    st.session_state.pop("contacts_page", None)
page = st.session_state.get("contacts_page", 1)
query = ContactQuery(search=search, company=company, tag=tag, min_strength=min_strength, sort=sort, page=page,
                     page_size=PAGE_SIZE)
with friendly_errors():
    frame, total = workspace.contacts.find(query)
pages = max(1, math.ceil(total / PAGE_SIZE))
if page > pages:  # the list shrank under the remembered page
    st.session_state.pop("contacts_page", None)
    page = 1
    with friendly_errors():
        frame, total = workspace.contacts.find(ContactQuery(**{**query.__dict__, "page": 1}))

st.caption(f"{shown_of(total, everyone)} · page {page} of {pages}")
selection = st.dataframe(
    blank_missing(frame.assign(email=frame["email"].map(mail_link))), hide_index=True, width="stretch",
    on_select="rerun",
    selection_mode="multi-row", key="contact_table",
    # what a user scans for first stays on a 1,366 px laptop screen; links and dates to the right
    column_order=("full_name", "company", "position", "strength", "relationship", "tags", "email", "linkedin_url",
                  "connected_on"),
    column_config={
        "id": None,
        "full_name": st.column_config.TextColumn("Name", width="medium"),
        "company": st.column_config.TextColumn("Company", width="medium"),
        "position": st.column_config.TextColumn("Position", width="medium"),
        "email": st.column_config.LinkColumn("E-mail", display_text="mailto:(.*)", width="medium"),
        "linkedin_url": st.column_config.LinkColumn("Profile", display_text="Open profile", width="small"),
        "tags": st.column_config.ListColumn("Tags", width="small"),
        "strength": st.column_config.NumberColumn("Strength", format="%d", width="small"),
        "relationship": st.column_config.TextColumn("Relationship", width="small"),
        "connected_on": st.column_config.DateColumn("Connected", format="D MMM YYYY", width="small"),
    },
)
if pages > 1:
    st.pagination(pages, key="contacts_page")

rows = selection.selection.rows if selection else []
if not rows:
    st.caption("Select a row to open the contact; select several to tag them, set their strength or "
               "relationship, or log outreach to all of them at once.")
    st.stop()
if len(rows) > 1:
    bulk_actions(workspace, [int(i) for i in frame.iloc[rows]["id"]], key="contacts_bulk")
    st.stop()

contact_id = int(frame.iloc[rows[0]]["id"])
with friendly_errors():
    contact = workspace.contacts.get(contact_id)
st.divider()
st.subheader(plain(contact["full_name"] or contact["email"] or "Contact"), anchor=False)
st.text(" · ".join(str(v) for v in (contact["position"], contact["company"], contact["email"], contact["phone"],
                                     contact["location"]) if v))
links = st.columns(4)
if contact["linkedin_url"]:
    links[0].link_button("Open profile", contact["linkedin_url"], icon=":material/open_in_new:")
if contact["email"]:
    links[1].link_button("Write an e-mail", mail_link(contact["email"]), icon=":material/mail:")
for change in contact["job_changes"]:
    st.caption(f"Job change on {change['changed_on']}: {plain(change['old_position'])} at "
               f"{plain(change['old_company'])} → {plain(change['new_position'])} at {plain(change['new_company'])}")

if form_message(f"edit_contact_{contact_id}"):
    st.toast("Saved")
with st.form(f"edit_contact_{contact_id}"):
    left, right = st.columns(2)
    new_tags = left.multiselect("Tags", sorted(set(tags) | set(contact["tags"] or [])), default=contact["tags"] or [],
                                accept_new_options=True)
    strength = right.slider("Relationship strength", 0, 5, int(contact["strength"] or 0),
                            help="0 = never talked, 5 = would do you a favour today")
    relationship = left.selectbox("Relationship", [None, *RELATIONSHIPS],
                                  index=([None, *RELATIONSHIPS].index(contact["relationship"])
                                         if contact["relationship"] in RELATIONSHIPS else 0),
                                  format_func=lambda r: r or "not set")
    cadence = right.number_input("Keep in touch every (days, 0 = no cadence)", 0, 3650,
                                 int(contact["cadence_days"] or 0), step=7)
    cadence_max = right.number_input("...at the latest after (days, 0 = 1.5 × that)", 0, 3650,
                                     int(contact["cadence_max_days"] or 0), step=7)
    notes = st.text_area("Notes", contact["notes"] or "")
    if st.form_submit_button("Save", type="primary"):
        with friendly_errors():
            workspace.contacts.update(contact_id, tags=new_tags, strength=strength, relationship=relationship,
                                     cadence_days=cadence or None, notes=notes or None,
                                     cadence_max_days=(cadence_max or None) if cadence else None)
        form_done(f"edit_contact_{contact_id}", "Saved")  # drawn again: the table shows the new tags

with st.expander("Reach out or log an interaction", icon=":material/send:"):
    outreach_panel(workspace, contact, None, key=f"contact_{contact_id}")

st.subheader("Timeline", anchor=False)
undo_delete(workspace)
with friendly_errors():  # read after the panel above, so what was just logged is there
    timeline = workspace.interactions.timeline(contact_id)
if timeline.empty:
    st.caption("Nothing logged with this contact yet.")
else:
    shown = timeline.drop(columns=["id"]).assign(  # words, and blank (not "None") where nothing is known
        kind=timeline["kind"].map(lambda k: label(k, KIND_LABELS)),
        channel=timeline["channel"].map(lambda c: label(c, CHANNEL_LABELS) if isinstance(c, str) else ""),
        outcome=timeline["outcome"].map(lambda o: label(o, OUTCOME_LABELS) if isinstance(o, str) else ""),
        **{c: timeline[c].map(as_text) for c in ("notes", "goal", "event", "template") if c in timeline})
    st.dataframe(shown, hide_index=True, width="stretch", key="timeline",
                 column_config={"occurred_on": st.column_config.DateColumn("Date", format="D MMM YYYY"),
                                "follow_up_on": st.column_config.DateColumn("Follow up on", format="D MMM YYYY"),
                                "kind": "What", "channel": "Channel", "outcome": "Outcome", "notes": "Notes",
                                "goal": "Goal", "event": "Event", "template": "Template"})
    open_rows = timeline[(timeline["kind"] == "outreach") & timeline["outcome"].isna()]
    for row in open_rows.head(3).itertuples():
        what = label(row.channel, CHANNEL_LABELS) if isinstance(row.channel, str) else "outreach"
        st.caption(f"How did the {what} of {row.occurred_on:%d %b %Y} go?")
        outcome_buttons(workspace, int(row.id), key=f"outcome_{row.id}")
    interaction_editor(workspace, timeline, key=f"timeline_{contact_id}")
merge_control(workspace, contact, key=f"merge_{contact_id}")
