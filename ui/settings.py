"""Settings: which workspace file is open, and backing it up or restoring it as one zip."""

from datetime import datetime
from pathlib import Path

import streamlit as st

from engine.store import StoreError
from ui.common import db_path, friendly_errors, page_header, store

page_header("Settings", "Your workspace is one DuckDB file on this computer. Back it up as one zip; restore it here.")

st.subheader("Workspace file", anchor=False)
st.code(str(db_path()), language=None)
other = st.text_input("Open another workspace file", placeholder="/path/to/another.duckdb",
                      help="A new file is created (empty) if it does not exist. Set RAPPORT_DB to change the default.")
if st.button("Open") and other.strip():
    target = Path(other.strip()).expanduser()
    if target.is_dir() or target.suffix not in (".duckdb", ".db"):
        st.error(f"{target} is not a .duckdb file.")
    else:
        st.session_state["db_path"] = str(target)
        st.rerun()

st.subheader("Back up", anchor=False)
workspace = store()
if st.button("Prepare backup", icon=":material/archive:"):
    with st.spinner("Exporting..."), friendly_errors():
        st.session_state["backup"] = workspace.backup_zip()
if "backup" in st.session_state:
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    st.download_button("Download backup (.zip)", st.session_state["backup"], file_name=f"rapport-backup-{stamp}.zip",
                       mime="application/zip", type="primary")

st.subheader("Restore", anchor=False)
st.caption("Replaces the whole workspace with the backup. The current file is kept next to it as "
           "'.before-restore'.")
backup = st.file_uploader("Backup zip", type=["zip"], key="restore_upload")
if backup is not None and st.button("Restore this backup", type="primary"):
    try:
        summary = workspace.restore_zip(backup.getvalue())
    except StoreError as error:
        st.error(str(error))
    else:
        st.success(f"Restored: {summary['contacts']:,} contacts, {summary['goals']} goals, "
                   f"{summary['interactions']:,} interactions.")
with friendly_errors():
    st.caption(f"Schema version {workspace.schema_version()}")
