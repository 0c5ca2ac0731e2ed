"""Settings: the workspace file, time zone and cadences, exports, and backup/restore as one zip."""

import contextlib
from pathlib import Path

import pandas as pd
import streamlit as st

from engine.clock import time_zones, workspace_now
from engine.exports import csv_bytes, interactions_csv
from engine.outreach.drafts import Profile, keeps_texts, read_profile, save_profile, set_keeps_texts
from engine.store import AUTOMATIC_COPIES_KEPT, StoreError, automatic_copies, copy_day, restore_copy
from engine.vocabulary import plural
from ui.common import db_path, friendly_errors, page_header, plain, section_errors, store


def _csv(frame: pd.DataFrame) -> bytes:
    return csv_bytes(frame.to_dict("records"), list(frame.columns))


page_header("Settings", "Your workspace is one DuckDB file on this computer. Back it up as one zip; restore it here.")

st.subheader("Workspace file", anchor=False)
st.text(str(db_path()))  # plain text: a code block would load its highlighter (1.5 MB) for one line
other = st.text_input("Open another workspace file", placeholder="/path/to/another.duckdb",
                      help="A new file is created (empty) if it does not exist. Set RAPPORT_DB to change the default.")
if st.button("Open") and other.strip():
    target = Path(other.strip()).expanduser()
    if target.is_dir() or target.suffix not in (".duckdb", ".db"):
        st.error(f"{plain(target)} is not a .duckdb file.")
    else:
        st.session_state["db_path"] = str(target)
        st.rerun()

workspace = store()
# One open of the file for the page's reads (opening and closing it costs 25-35 ms each time), closed
# before Restore, which replaces the file.
reads = contextlib.ExitStack()
try:
    reads.enter_context(workspace.session())
    schema_version = workspace.schema_version()
except StoreError as error:  # a damaged file: say so, and still offer Restore below
    reads.close()
    st.error(str(error), icon=":material/error:")
    schema_version = None


def profile_section(workspace) -> None:
    """Who signs the drafts, what they share with their contacts, and whether message texts are kept."""
    st.subheader("Your profile", anchor=False)
    st.caption("Drafts end with your name and mention what you have in common with someone: a company you both "
               "worked at, or a school or group of yours among their tags. Your name is filled from your LinkedIn "
               "data archive (Profile.csv) when you import it.")
    with section_errors():
        profile = read_profile(workspace)
        keep = keeps_texts(workspace)
    with st.form("profile"):
        left, right = st.columns(2)
        name = left.text_input("Your name", profile.name, placeholder="e.g. Sam Lee")
        sign_off = right.text_area("Sign your messages as (optional)", profile.sign_off, height=68,
                                   placeholder="Your name, or a few lines: name, title, phone",
                                   help="What goes under \"Thank you,\" in a draft; your name when empty.")
        companies = left.text_input("Companies you worked at (comma-separated, current first)",
                                    ", ".join(profile.companies), placeholder="e.g. Paywise, Globex")
        schools = right.text_input("Schools you studied at (comma-separated)", ", ".join(profile.schools),
                                   placeholder="e.g. TU Munich")
        groups = st.text_input("Groups and communities you belong to (comma-separated)", ", ".join(profile.groups),
                               placeholder="e.g. Women in Product, Berlin Product Meetup",
                               help="A contact tagged with one of these gets \"we're both part of ...\" in drafts.")
        keep_texts = st.checkbox("Keep the texts of messages I log or import", keep,
                                 help="Off: an outreach logged from a draft keeps the template and the message's "
                                      "length only, and an imported LinkedIn archive only who, when and how long. "
                                      "On: the texts are kept too, in this workspace file (import the archive "
                                      "again to fill them in).")
        if st.form_submit_button("Save profile"):
            with section_errors():
                save_profile(workspace, Profile.typed(name, sign_off, companies, schools, groups))
                set_keeps_texts(workspace, keep_texts)
            st.toast("Profile saved")


def preferences(workspace) -> None:
    """Profile, time zone, cadences per tag and exports: only for a workspace that opens."""
    profile_section(workspace)
    st.subheader("Time zone", anchor=False)
    with section_errors():
        current_tz = workspace.settings.get("timezone") or ""
    zones = ["", *time_zones()]
    tz = st.selectbox("Follow-ups come due by the calendar of", zones, index=zones.index(current_tz)
                      if current_tz in zones else 0, format_func=lambda z: z or "this computer's time zone")
    if tz != current_tz:
        with section_errors():
            workspace.settings.set("timezone", tz or None)
        st.toast("Time zone saved")

    st.subheader("Keep in touch, per tag", anchor=False)
    st.caption("Everyone with the tag gets the cadence unless the contact has one of their own. Due (yellow) after "
               "the ideal gap, overdue (red) after the maximum gap.")
    with section_errors():
        cadences = workspace.settings.tag_cadences()
        tags = workspace.contacts.tags()
    if cadences:
        st.dataframe(pd.DataFrame([{"tag": t, "ideal days": i, "maximum days": m} for t, (i, m) in cadences.items()]),
                     hide_index=True)
    with st.form("tag_cadence"):
        left, mid, right = st.columns(3)
        tag = left.selectbox("Tag", tags, accept_new_options=True) if tags else left.text_input("Tag")
        ideal = mid.number_input("Ideal gap (days, 0 removes)", 0, 3650, 30)
        maximum = right.number_input("Maximum gap (days, 0 = 1.5 × ideal)", 0, 3650, 0)
        if st.form_submit_button("Save cadence") and tag:
            with section_errors():
                workspace.settings.set_tag_cadence(tag, int(ideal) or None, int(maximum) or None)
            st.rerun()

    st.subheader("Export", anchor=False)
    st.caption("CSV files open safely in Excel: cells that would run as formulas are escaped.")
    left, right = st.columns(2)
    left.download_button("Contacts (CSV)", lambda: _csv(workspace.contacts.export()), file_name="rapport-contacts.csv",
                         mime="text/csv", icon=":material/download:")
    right.download_button("Interactions (CSV)", lambda: interactions_csv(workspace.interactions.frame()),
                          file_name="rapport-interactions.csv", mime="text/csv", icon=":material/download:")


with reads:
    if schema_version is not None:
        preferences(workspace)  # about ten reads, on the page's one connection
if schema_version is not None:
    st.subheader("Back up", anchor=False)
    if st.button("Prepare backup", icon=":material/archive:"):
        with st.spinner("Exporting..."), friendly_errors():
            st.session_state["backup"] = workspace.backup_zip()
    if "backup" in st.session_state:
        stamp = workspace_now(workspace).strftime("%Y%m%d-%H%M")
        st.download_button("Download backup (.zip)", st.session_state["backup"],
                           file_name=f"rapport-backup-{stamp}.zip", mime="application/zip", type="primary")

st.subheader("Restore", anchor=False)
st.caption("Replaces the whole workspace with the backup. The current file is kept next to it as "
           "'.before-restore'.")
backup = st.file_uploader("Backup zip", type=["zip"], key="restore_upload")
if backup is not None and st.button("Restore this backup", type="primary"):
    try:
        summary = workspace.restore_zip(backup.getvalue())
    except StoreError as error:  # one line; it may quote the zip's own names or SQL, so shown as typed
        st.error(plain(str(error)), icon=":material/error:")
    else:
        st.success(f"Restored: {plural(summary['contacts'], 'contact')}, {plural(summary['goals'], 'goal')}, "
                   f"{plural(summary['interactions'], 'interaction')}.")

copies = automatic_copies(workspace.path)
st.caption(f"Rapport also keeps a copy of the workspace each day it is used, the last {AUTOMATIC_COPIES_KEPT}, in "
           f"{plain(workspace.path.parent / 'backups')}.")
if copies:
    chosen = st.selectbox("Automatic copy", copies, format_func=lambda c: f"{copy_day(c)} ({c.name})")
    if st.button("Restore this copy"):
        with section_errors():
            restore_copy(workspace.path, chosen)
            summary = workspace.summary()
            st.success(f"Restored the copy of {copy_day(chosen)}: {plural(summary['contacts'], 'contact')}, "
                       f"{plural(summary['goals'], 'goal')}, {plural(summary['interactions'], 'interaction')}.")
if schema_version is not None:
    st.caption(f"Schema version {schema_version}")
