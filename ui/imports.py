"""Import: upload an export, map its columns when needed, see exactly what happened."""

import pandas as pd
import streamlit as st

from engine.exports import csv_bytes
from engine.importers.archive import archive_kind, import_archive
from engine.importers.files import (
    PREVIEW_ROWS,
    import_meetings_upload,
    import_upload,
    looks_like_calendar,
    preview_file,
)
from engine.outreach.opportunities import prepare as prepare_ranking
from engine.records import CONTACT_FIELDS, EVENT_FIELDS, MAPPABLE_FIELDS
from engine.vocabulary import plural
from ui.common import blank_missing, friendly_errors, page_header, plain, store

page_header("Import", "Contacts from LinkedIn, Google, Outlook, vCard or any CSV; events from .ics calendars; "
            "your history from LinkedIn's data archive (.zip). Re-importing the same file adds nobody.")

workspace = store()
upload = st.file_uploader("Contacts or events file", type=["csv", "tsv", "txt", "vcf", "ics", "zip"],
                          help="LinkedIn: Settings > Data privacy > Get a copy of your data. Upload the whole "
                               ".zip to bring in your messages and invitations too (their texts are not kept).")


def _show_history(report: dict, figures: dict[str, int], kept_out: str) -> None:
    """The figures, what was kept out, the warnings and the people not among the contacts of an import
    into the interaction log (a LinkedIn archive, a calendar's meetings)."""
    for col, (label, value) in zip(st.columns(len(figures)), figures.items()):
        col.metric(label, f"{value:,}")
    skipped = ", ".join(f"{n:,} {reason.replace('_', ' ')}" for reason, n in report["skipped"].items() if n)
    if skipped:
        st.caption(kept_out.format(skipped=skipped))
    if report.get("warnings"):
        st.warning("  \n".join(plain(warning) for warning in report["warnings"]))
    if report["unmatched_people"]:
        st.dataframe(blank_missing(pd.DataFrame(report["unmatched_people"])), hide_index=True, width="stretch")
    st.page_link("ui/review.py", label="See your history in Review", icon=":material/insights:")


def show_archive_report(report: dict) -> None:
    """What importing a LinkedIn data archive did (``engine.importers.archive.ArchiveReport``)."""
    st.success(f"Imported {plain(report['file_name'])} (LinkedIn data archive).", icon=":material/check_circle:")
    if report.get("contacts"):
        contacts = report["contacts"]
        st.caption(f"Contacts: {contacts['inserted']:,} new, {contacts['updated']:,} updated, "
                   f"{contacts['unchanged']:,} unchanged, {contacts['rejected']:,} rejected.")
    if report.get("contacts_added"):
        st.caption(f"Added {plural(report['contacts_added'], 'person', 'people')} you exchanged messages with "
                   "as contacts.")
    _show_history(report, {"Messages read": report["messages_read"], "Conversations": report["conversations"],
                           "Interactions added": report["interactions_inserted"],
                           "People matched": report["matched_people"], "Not contacts": report["unmatched_count"],
                           "Skipped": sum(report["skipped"].values())},
                  "Kept out: {skipped} (group conversations, sponsored messages, drafts, spam).")


def show_meetings_report(report: dict) -> None:
    """What importing a calendar as meetings did (``engine.importers.calendar.MeetingsReport``)."""
    st.success(f"Imported {plain(report['file_name'])} as meetings with your contacts.", icon=":material/check_circle:")
    _show_history(report, {"Meetings read": report["meetings_read"],
                           "Interactions added": report["interactions_inserted"],
                           "People matched": report["matched_people"],
                           "Addresses not contacts": report["unmatched_count"]}, "Not counted: {skipped}.")


def show_report(report: dict) -> None:
    if report.get("kind") == "archive":
        show_archive_report(report)
        return
    if report.get("kind") == "meetings":
        show_meetings_report(report)
        return
    st.success(f"Imported {plain(report['file_name'])} ({plain(report['format'])}, {plain(report['encoding'])}).",
               icon=":material/check_circle:")
    cols = st.columns(6)
    for col, key in zip(cols, ("total", "inserted", "updated", "unchanged", "skipped_blank", "rejected")):
        col.metric(key.replace("_", " ").capitalize(), f"{report[key]:,}")
    if report.get("job_changes"):
        st.caption(f"{report['job_changes']} job changes recorded.")
    if report.get("warnings"):  # the file's own text (column names): shown as typed
        st.warning("  \n".join(plain(warning) for warning in report["warnings"]))
    if report["rejects"]:
        st.warning(f"{plural(report['rejected'], 'row')} not imported; each is listed with its line and reason.")
        frame = pd.DataFrame(report["rejects"])
        st.dataframe(blank_missing(frame), hide_index=True, width="stretch")
        st.download_button("Download rejected rows (CSV)", csv_bytes(report["rejects"], list(frame.columns)),
                           file_name="rejected-rows.csv", mime="text/csv")
    if report.get("kind") != "events":
        if not workspace.summary()["goals"]:
            st.info("Next: say what you want from networking.", icon=":material/flag:")
            st.page_link("ui/goals.py", label="Create a goal", icon=":material/flag:")
        else:
            st.page_link("ui/contacts.py", label="Browse your contacts", icon=":material/contacts:")
            st.page_link("ui/outreach.py", label="See whom to contact first", icon=":material/send:")


if upload is None:
    st.session_state.pop("parsed", None)  # the file was removed: let its parse go
    if "last_report" in st.session_state:
        show_report(st.session_state["last_report"])
    st.stop()

done = st.session_state.get("last_report")
if done and done.get("upload_id") == upload.file_id:  # this upload is imported: keep showing its report
    show_report(done)
    if done.get("kind") == "archive" and done.get("addable_people"):
        st.caption(f"{plural(done['addable_people'], 'person', 'people')} you exchanged messages with "
                   f"{'is' if done['addable_people'] == 1 else 'are'} not among your contacts.")
        if st.button("Add them as contacts, with their messages", key="do_add_unmatched",
                     icon=":material/person_add:"):
            with st.spinner("Adding..."), friendly_errors():
                report = import_archive(workspace, upload.getvalue(), upload.name, add_unmatched=True)
            st.session_state["last_report"] = {**report.to_dict(), "upload_id": upload.file_id}
            prepare_ranking(workspace)
            st.rerun()
    st.stop()



def import_history(label: str, key: str, run) -> None:
    """The button that imports this upload into the interaction log (``run(store, data, name)``), then stops."""
    if st.button(label, type="primary", key=key):
        with st.spinner("Importing..."), friendly_errors():
            report = run(workspace, data, upload.name)
        st.session_state["last_report"] = {**report.to_dict(), "upload_id": upload.file_id}
        st.rerun()
    st.stop()


data = upload.getvalue()
if archive_kind(data, upload.name):  # a LinkedIn data archive (or one of its CSVs): messages, invitations
    st.write("**Detected:** LinkedIn data archive. Messages and invitations become interactions with your "
             "contacts; message texts are not kept.")
    import_history("Import the archive", "do_import_archive", import_archive)
if looks_like_calendar(data) and st.radio(
        "This calendar holds", ["Events to attend", "Meetings with my contacts"], horizontal=True,
        key=f"calendar_as:{upload.file_id}",
        help="Meetings: every past occurrence of an event whose attendees include a contact's e-mail "
             "becomes a meeting with that contact.") == "Meetings with my contacts":
    import_history("Import the meetings", "do_import_meetings", import_meetings_upload)
mapping = st.session_state.get(f"mapping:{upload.file_id}")
events_csv = upload.name.lower().endswith((".csv", ".tsv", ".txt")) and st.toggle(
    "This file lists events (title, start, location ...), not contacts", key=f"events:{upload.file_id}")
# Parsed once per upload, mapping and kind: clicking Import reruns this page, and parsing a
# 100,000-row export again before saving it cost about half a second.
parse_key = (upload.file_id, bool(events_csv), tuple(sorted((mapping or {}).items())))
if st.session_state.get("parsed", (None,))[0] == parse_key:
    parsed = st.session_state["parsed"][1]
else:
    st.session_state.pop("parsed", None)  # never hold two parsed files at once
    with friendly_errors():
        parsed = preview_file(data, upload.name, mapping=mapping, store=workspace, events=events_csv)
    st.session_state["parsed"] = (parse_key, parsed)
parsed, ready = parsed

if parsed.needs_mapping:
    st.subheader("Map the columns")
    st.write("This file's format is not one Rapport knows, so tell it which column holds what. "
             "The mapping is remembered for the next file with the same columns.")
    choice: dict[str, str] = {}
    options = [""] + parsed.headers
    cols = st.columns(3)
    for i, field in enumerate(MAPPABLE_FIELDS):
        suggested = parsed.mapping.get(field, "")
        choice[field] = cols[i % 3].selectbox(field.replace("_", " "), options,
                                              index=options.index(suggested) if suggested in options else 0,
                                              key=f"map:{field}")
    if st.button("Use this mapping", type="primary"):
        chosen = {f: h for f, h in choice.items() if h}
        if not ({"first_name", "last_name", "full_name", "email"} & set(chosen)):
            st.error("Map at least a name or an e-mail column.")
            st.stop()
        st.session_state[f"mapping:{upload.file_id}"] = chosen
        st.rerun()
    st.stop()

kind = "events" if parsed.fields == EVENT_FIELDS else "contacts"
st.write(f"**Detected:** {plain(parsed.format)} · {plain(parsed.encoding)} · {parsed.total:,} rows · "
         f"{ready:,} {kind} ready · {parsed.skipped_blank:,} blank · {len(parsed.rejects):,} rejected")
preview = pd.DataFrame(parsed.records[:PREVIEW_ROWS], columns=list(parsed.fields))
if kind == "contacts":
    preview = preview[[c for c in CONTACT_FIELDS if c in ("full_name", "email", "company", "position",
                                                           "connected_on")]]
st.dataframe(blank_missing(preview), hide_index=True, width="stretch",
             column_config={"full_name": "Name", "first_name": "First name", "last_name": "Last name",
                            "email": "E-mail", "company": "Company", "position": "Position",
                            "connected_on": "Connected on"})
if parsed.warnings:  # e.g. dates a spreadsheet left unreadable: those contacts come in without them
    st.warning("  \n".join(plain(warning) for warning in parsed.warnings))
if st.button(f"Import {plural(ready, kind.removesuffix('s'))}", type="primary", key="do_import"):
    with st.spinner("Importing..."), friendly_errors():
        report = import_upload(workspace, data, upload.name, mapping=mapping, events=events_csv)
    if kind == "contacts":  # fitted while the user reads the report, not when they open Outreach or Home
        prepare_ranking(workspace)
    st.session_state.pop("parsed", None)
    st.session_state["last_report"] = {**report.to_dict(), "upload_id": upload.file_id, "kind": kind}
    st.rerun()
