"""An archive's correspondents who are not contacts, added as contacts on request (with their history)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pandas as pd

from engine.importers.archive import import_archive
from engine.store import Store
from tests.archive_support import (
    JANE,
    NOOR,
    OWNER,
    PROFILE,
    SAM,
    ZED,
    Msg,
    archive_zip,
    connections_csv,
    invitations_csv,
    messages_csv,
    profile_csv,
    scenario,
)
from tests.test_archive import rapport, utc_store

ADA = ("Dr. Ada Quill, MBA (she/her)", PROFILE + "ada-quill")  # not a contact; writes and is answered
IVY = ("Ivy Invite", PROFILE + "ivy-invite")  # not a contact; only an invitation the owner sent
AT = datetime(2024, 3, 1, 9, 30)


def archive(path, msgs=None, era="2023"):
    msgs = msgs if msgs is not None else scenario() + [
        Msg("c-ada", ADA, [OWNER], AT + timedelta(days=20)), Msg("c-ada", OWNER, [ADA], AT + timedelta(days=21))]
    invitations = invitations_csv([(OWNER, IVY, AT, "Hello Ivy", "OUTGOING"),
                                   (OWNER, ZED, AT + timedelta(days=1), "Hello Zed", "OUTGOING"),
                                   (OWNER, NOOR, AT + timedelta(days=2), "Met you at the meetup", "OUTGOING")])
    return archive_zip(path, {"Connections.csv": connections_csv([JANE, SAM, NOOR]), "Profile.csv": profile_csv(),
                              ("Messages.csv" if era == "2018" else "messages.csv"): messages_csv(era, msgs),
                              "Invitations.csv": invitations})


def contacts(store: Store) -> dict[str, dict]:
    frame, _ = store.contacts.find(every_field=True)
    return {row["full_name"]: row for row in frame.to_dict("records")}


def test_correspondents_become_contacts_with_their_history_and_strangers_invited_do_not(tmp_path):
    store = utc_store(tmp_path / "w.duckdb")
    zipped = archive(tmp_path / "Basic_LinkedInDataExport_06-01-2024.zip")
    first = import_archive(store, zipped.read_bytes(), zipped.name)
    assert (first.unmatched_count, first.addable_people, first.contacts_added) == (3, 2, 0)
    assert any("add the people you wrote with" in w for w in first.warnings)
    before = len(store.interactions.frame())

    added = import_archive(store, zipped.read_bytes(), zipped.name, add_unmatched=True)
    assert (added.contacts_added, added.addable_people) == (2, 0)
    assert [p["name"] for p in added.unmatched_people] == [IVY[0]]  # an invitation alone adds nobody
    people = contacts(store)
    assert set(people) == {JANE[0], SAM[0], NOOR[0], "Ada Quill", "Zed Strangeway"}
    ada = people["Ada Quill"]
    assert (ada["first_name"], ada["last_name"], ada["linkedin_url"]) == ("Ada", "Quill", ADA[1])
    frame = store.interactions.frame()
    assert added.interactions_inserted == len(frame) - before == 4  # Ada's two, Zed's message and invitation
    ada_log = frame[frame["full_name"] == "Ada Quill"].sort_values("occurred_at")
    assert list(ada_log["kind"]) == ["inbound", "outreach"]
    invites = frame[frame["channel"] == "linkedin_connection"].set_index("full_name")
    assert invites.loc[NOOR[0], "outcome"] == "replied"  # a connection: the invitation was accepted
    assert pd.isna(invites.loc["Zed Strangeway", "outcome"])  # not seen accepted: Zed is no connection

    again = import_archive(store, zipped.read_bytes(), zipped.name, add_unmatched=True)
    assert (again.contacts_added, again.interactions_inserted, again.interactions_updated) == (0, 0, 0)
    plain = import_archive(store, zipped.read_bytes(), zipped.name)  # later imports keep Zed's invitation open
    assert plain.interactions_updated == 0 and len(contacts(store)) == 5


def test_names_only_archive_adds_a_new_name_but_never_a_name_two_contacts_share(tmp_path):
    twin = ("Kim Park", "")
    stranger = ("Lee Novak", "")
    store = utc_store(tmp_path / "w.duckdb")
    store_file = archive_zip(tmp_path / "twins.zip", {"Connections.csv": connections_csv(
        [JANE, SAM, NOOR, ("Kim Park", PROFILE + "kim-park-1"), ("Kim Park", PROFILE + "kim-park-2")])})
    import_archive(store, store_file.read_bytes(), store_file.name)
    msgs = [Msg("c-kim", twin, [OWNER], AT), Msg("c-lee", stranger, [OWNER], AT + timedelta(days=1)),
            Msg("c-lee", OWNER, [stranger], AT + timedelta(days=2)), Msg("c-jane", OWNER, [JANE], AT)]
    zipped = archive(tmp_path / "Basic_LinkedInDataExport_2018.zip", msgs, era="2018")
    report = import_archive(store, zipped.read_bytes(), zipped.name, add_unmatched=True)
    assert report.contacts_added == 1
    assert [p["name"] for p in report.unmatched_people] == ["Ivy Invite", "Kim Park", ZED[0]]
    assert "Lee Novak" in contacts(store) and store.contacts.count() == 6  # the two Kims and Lee among them
    lee = store.interactions.frame().query("full_name == 'Lee Novak'")
    assert sorted(lee["kind"]) == ["inbound", "outreach"]


def test_the_command_line_adds_them_on_request_and_says_how(tmp_path):
    db = tmp_path / "w.duckdb"
    zipped = archive(tmp_path / "Complete_LinkedInDataExport_06-01-2024.zip")
    text = rapport("import", str(zipped), db=db)
    assert text.returncode == 0, text.stderr
    assert "2 of them exchanged messages with you: add them as contacts with --add-unmatched" in text.stdout
    report = json.loads(rapport("import", str(zipped), "--add-unmatched", "--json", db=db).stdout)
    assert (report["contacts_added"], report["interactions_inserted"], report["unmatched_count"]) == (2, 4, 1)
    listed = json.loads(rapport("contacts", "--search", "Quill", "--json", db=db).stdout)["contacts"]
    assert [(c["first_name"], c["last_name"]) for c in listed] == [("Ada", "Quill")]
