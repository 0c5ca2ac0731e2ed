"""LinkedIn's data archive into the interaction log: every era, real zips, real workspaces, no mocks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from engine.importers.files import import_file
from engine.store import Store
from tests.archive_support import (
    ERAS,
    JANE,
    NOOR,
    OWNER,
    PROFILE,
    SAM,
    SECRET,
    ZED,
    Msg,
    archive_zip,
    connections_csv,
    invitations_csv,
    messages_csv,
    profile_csv,
    scenario,
    standard_archive,
)

ROOT = Path(__file__).resolve().parents[1]


def rapport(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(db)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ}, timeout=120)


def utc_store(path: Path) -> Store:
    store = Store(path)
    store.settings.set("timezone", "UTC")
    return store


def logged(store: Store):
    frame = store.interactions.frame()
    return frame.sort_values(["occurred_at", "id"]).reset_index(drop=True)


@pytest.mark.parametrize("era", ERAS)
def test_every_era_of_messages_gives_the_same_history(tmp_path, era):
    store = utc_store(tmp_path / "w.duckdb")
    report = import_file(store, standard_archive(tmp_path / "Basic_LinkedInDataExport_03-01-2024.zip", era))
    data = report.to_dict()
    assert data["format"] == "linkedin_archive" and data["owner"] == "Olive Owner"
    assert data["contacts"]["inserted"] == 3
    assert (data["messages_read"], data["conversations"], data["interactions_inserted"]) == (12, 5, 7)
    assert {k: data["skipped"][k] for k in ("group", "sponsored", "draft")} == {"group": 2, "sponsored": 1, "draft": 1}
    assert data["matched_people"] == 3 and data["unmatched_count"] == 1
    assert [p["name"] for p in data["unmatched_people"]] == [ZED[0]]
    frame = logged(store)
    assert set(frame["channel"]) == {"linkedin_message"}
    by_person = {name: group for name, group in frame.groupby("full_name")}
    jane = by_person[JANE[0]]
    assert list(zip(jane["kind"], jane["outcome"].fillna("-"))) == [
        ("outreach", "replied"), ("inbound", "-"), ("outreach", "no_response")]
    assert list(jane["occurred_on"].astype(str)) == ["2024-03-01", "2024-03-03", "2024-03-04"]
    assert list(by_person[SAM[0]]["kind"]) == ["inbound", "outreach", "inbound"]
    assert list(by_person[NOOR[0]]["outcome"]) == ["no_response"]
    assert frame["follow_up_on"].isna().all()  # history is not a list of follow-ups to do


def test_message_texts_are_never_stored_only_their_length(tmp_path):
    store = utc_store(tmp_path / "w.duckdb")
    import_file(store, standard_archive(tmp_path / "archive.zip", "2026"))
    frame = logged(store)
    first = frame.iloc[0]
    assert first["message_length"] == len(f"Hi Jane \u2019 👋 {SECRET}")  # the entity is one character
    import duckdb

    with duckdb.connect(str(store.path), read_only=True) as conn:
        tables = [t for (t,) in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        everything = " ".join(str(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables)
    assert "interactions" in tables and "Jane" in everything
    for words in (SECRET, "Great", "Talk soon", "spinmail", "FIRSTNAME", "grow your team"):
        assert words not in everything


def test_with_keep_texts_on_the_texts_are_kept_and_a_reimport_fills_them_in(tmp_path):
    from engine.outreach.drafts import set_keeps_texts

    store = utc_store(tmp_path / "w.duckdb")
    archive = standard_archive(tmp_path / "archive.zip", "2026")
    import_file(store, archive)
    assert logged(store)["message_text"].isna().all()  # private by default
    set_keeps_texts(store, True)
    again = import_file(store, archive).to_dict()
    assert again["interactions_inserted"] == 0  # the same messages, now with their texts
    frame = logged(store)
    messages = frame[frame["channel"] == "linkedin_message"]
    assert messages["message_text"].notna().all()
    assert any(SECRET in t for t in messages["message_text"])
    assert all(len(t) >= 1 for t in messages["message_text"])
    assert frame.loc[frame["channel"] != "linkedin_message", "message_text"].isna().all()


def test_a_second_import_adds_nothing_and_a_newer_archive_only_what_is_new(tmp_path):
    db = tmp_path / "w.duckdb"
    archive = standard_archive(tmp_path / "Complete_LinkedInDataExport_06-01-2024.zip", "2023")
    first = rapport("import", str(archive), "--json", db=db)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    for key in ("format", "contacts", "messages_read", "conversations", "interactions_inserted", "matched_people",
                "unmatched_people", "skipped", "warnings"):
        assert key in report
    assert report["interactions_inserted"] == 7
    again = json.loads(rapport("import", str(archive), "--json", db=db).stdout)
    assert again["interactions_inserted"] == 0 and again["messages_read"] == 12
    later = scenario() + [Msg("c-noor", NOOR, [OWNER], datetime(2024, 7, 2, 8, 0)),
                          Msg("c-noor", OWNER, [NOOR], datetime(2024, 7, 2, 8, 0))]  # same second, other way
    newer = standard_archive(tmp_path / "Complete_LinkedInDataExport_08-01-2024.zip", "2023", msgs=later)
    third = json.loads(rapport("import", str(newer), "--json", db=db).stdout)
    assert third["interactions_inserted"] == 2
    assert len(Store(db).interactions.frame()) == 9
    text = rapport("import", str(newer), db=db)
    assert text.returncode == 0 and "0 interactions added" in text.stdout and "Traceback" not in text.stderr


def test_each_csv_of_the_archive_imports_alone(tmp_path):
    db = tmp_path / "w.duckdb"
    (tmp_path / "Connections.csv").write_bytes(connections_csv([JANE, SAM, NOOR]))
    (tmp_path / "messages.csv").write_bytes(messages_csv("2025", scenario()))
    (tmp_path / "Profile.csv").write_bytes(profile_csv())
    sent = datetime(2024, 5, 2, 14, 37)
    (tmp_path / "Invitations.csv").write_bytes(invitations_csv([
        (OWNER, NOOR, sent, "Met you at the meetup", "OUTGOING"),
        (SAM, OWNER, sent + timedelta(days=1), "", "INCOMING"),
        (OWNER, ZED, sent + timedelta(days=2), "", "OUTGOING"),
    ]))
    contacts = json.loads(rapport("import", str(tmp_path / "Connections.csv"), "--json", db=db).stdout)
    assert contacts["inserted"] == 3 and "messages_read" not in contacts  # Connections.csv: the contacts import
    profile = json.loads(rapport("import", str(tmp_path / "Profile.csv"), "--json", db=db).stdout)
    assert (profile["format"], profile["owner"], profile["interactions_inserted"]) == ("linkedin_profile",
                                                                                      "Olive Owner", 0)
    messages = json.loads(rapport("import", str(tmp_path / "messages.csv"), "--json", db=db).stdout)
    assert (messages["format"], messages["interactions_inserted"], messages["contacts"]) == ("linkedin_messages", 7,
                                                                                           None)
    invitations = json.loads(rapport("import", str(tmp_path / "Invitations.csv"), "--json", db=db).stdout)
    assert invitations["format"] == "linkedin_invitations" and invitations["owner"] == "Olive Owner"
    assert invitations["interactions_inserted"] == 2 and [p["name"] for p in invitations["unmatched_people"]] == [
        ZED[0]]
    frame = Store(db).interactions.frame()
    invites = frame[frame["channel"] == "linkedin_connection"].set_index("full_name")
    assert invites.loc[NOOR[0], "kind"] == "outreach" and invites.loc[NOOR[0], "outcome"] == "replied"
    assert invites.loc[NOOR[0], "message_length"] == len("Met you at the meetup")
    assert invites.loc[SAM[0], "kind"] == "inbound"


def test_credentials_multi_recipient_names_and_mojibake_in_a_names_only_archive(tmp_path):
    """2018 has names only: Jane is matched by "Jane Doe, Ph.D." though the name holds ", ", a TO of
    two people that also holds ", Ph.D." is a group, Noor's mangled name still finds her, and a name
    two contacts share matches nobody."""
    mangled = (NOOR[0].encode("utf-8").decode("cp1252"), "")
    twin = ("Kim Park", PROFILE + "kim-park-1")
    at = datetime(2018, 10, 16, 8, 36)
    msgs = [
        Msg("x", OWNER, [JANE], at),
        Msg("x", OWNER, [JANE, SAM], at + timedelta(days=1)),  # TO: "Jane Doe, Ph.D., Sam Rayburn-Quist"
        Msg("x", mangled, [OWNER], at + timedelta(days=2)),
        Msg("x", twin, [OWNER], at + timedelta(days=3)),
    ]
    store = utc_store(tmp_path / "w.duckdb")
    report = import_file(store, archive_zip(tmp_path / "old.zip", {
        "Connections.csv": connections_csv([JANE, SAM, NOOR, twin, ("Kim Park", PROFILE + "kim-park-2")]),
        "Messages.csv": messages_csv("2018", msgs)})).to_dict()
    assert mangled[0] != NOOR[0] and "Ã" in mangled[0]
    assert report["owner"] == "Olive Owner"
    assert report["skipped"]["group"] == 1
    assert report["interactions_inserted"] == 2 and report["matched_people"] == 2
    assert [p["name"] for p in report["unmatched_people"]] == ["Kim Park"]
    frame = logged(store)
    assert list(frame["full_name"]) == [JANE[0], NOOR[0]]
    assert list(frame["occurred_at"].astype(str)) == ["2018-10-16 08:36:00", "2018-10-18 08:36:00"]


def test_2026_quoted_contents_spanning_lines_emoji_and_html(tmp_path):
    body = f'Line one, with a comma\n"Quoted" line two 🎉\r\n<p>line <b>three</b></p>\n{SECRET}'
    msgs = [Msg("q", OWNER, [JANE], datetime(2026, 3, 2, 10, 0), content=body),
            Msg("q", JANE, [OWNER], datetime(2026, 3, 2, 11, 0), content="👍"),
            Msg("q", JANE, [OWNER], datetime(2026, 3, 1, 11, 0), extra={"DATE": "someday"})]
    data = messages_csv("2026", msgs)
    assert data.startswith(b'"CONVERSATION ID","CONVERSATION TITLE"') and data.count(b"\n") > 5
    store = utc_store(tmp_path / "w.duckdb")
    store.history  # noqa: B018 (the part exists before anything is imported)
    (tmp_path / "Connections.csv").write_bytes(connections_csv([JANE]))
    import_file(store, tmp_path / "Connections.csv")
    (tmp_path / "messages.csv").write_bytes(data)
    report = import_file(store, tmp_path / "messages.csv").to_dict()
    assert report["messages_read"] == 3 and report["interactions_inserted"] == 2
    assert report["skipped"]["unreadable_date"] == 1
    # newest first: the bad row is last, after the 👍 (line 2) and the message on lines 3 to 6
    assert "1 row has a date that cannot be read and was left out (line 7)" in report["warnings"]
    frame = logged(store)
    assert list(frame["message_length"]) == [len(body.strip()), 1]
    assert list(frame["outcome"].fillna("-")) == ["replied", "-"]


def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Connections.csv", connections_csv([JANE]))
        with zf.open("messages.csv", "w") as member:
            for _ in range(24):
                member.write(b"\0" * 2**20)
    return path


def _encrypted(path: Path) -> Path:
    """messages.csv marked encrypted (bit 0 of its flags), as a password-protected zip has it."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Connections.csv", connections_csv([JANE]))
        zf.writestr("messages.csv", messages_csv("2023", scenario()))
    data = bytearray(path.read_bytes())
    for signature, name_at, flags_at in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):  # local, central
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at:at + name_at + 12] == b"messages.csv":
                data[at + flags_at] |= 0x1
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def _truncated(path: Path) -> Path:
    whole = standard_archive(path.with_name("whole.zip"), "2023").read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _damaged_member(path: Path) -> Path:
    standard_archive(path, "2023")
    data = bytearray(path.read_bytes())
    start = data.index(b"messages.csv") + len(b"messages.csv") + 40  # inside the compressed messages
    data[start:start + 30] = b"\xff" * 30
    path.write_bytes(bytes(data))
    return path


def _nothing_known(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Company Follows.csv", "Organization,Followed On\r\n")
        zf.writestr("../../etc/passwd", "root:x:0:0")
    return path


HOSTILE = [("zip-bomb", _bomb, "zip bomb"), ("encrypted-member", _encrypted, "encrypted"),
           ("cut-in-half", _truncated, "damaged"), ("damaged-member", _damaged_member, "damaged"),
           ("no-archive-files", _nothing_known, "none of a LinkedIn data archive")]


@pytest.mark.parametrize(("make", "words"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_a_damaged_or_hostile_zip_is_refused_in_one_line_and_writes_nothing(tmp_path, make, words):
    archive = make(tmp_path / "Basic_LinkedInDataExport_01-01-2025.zip")
    db = tmp_path / "w.duckdb"
    result = rapport("import", str(archive), db=db)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert archive.name in result.stderr and words in result.stderr
    store = Store(db)
    assert store.contacts.count() == 0 and store.interactions.frame().empty


def test_after_importing_keep_in_touch_and_review_know_the_history(tmp_path):
    from engine.insights.review import build_review
    from engine.planning.agenda import agenda

    store = utc_store(tmp_path / "w.duckdb")
    today = date(2024, 7, 9)
    (tmp_path / "Connections.csv").write_bytes(connections_csv([JANE, SAM, NOOR], connected_on="08 Jan 2020"))
    import_file(store, tmp_path / "Connections.csv")
    ids = {c["full_name"]: c["id"] for c in store.contacts.export().to_dict("records")}
    for name in (JANE[0], SAM[0]):
        store.contacts.update(ids[name], cadence_days=30)
    before = agenda(store, today=today).losing_touch.set_index("full_name")
    assert before.loc[JANE[0], "days_since"] > 1000 and before.loc[SAM[0], "days_since"] > 1000
    import_file(store, archive_zip(tmp_path / "archive.zip", {"messages.csv": messages_csv("2023", scenario())}))
    touch = agenda(store, today=today).losing_touch.set_index("full_name")
    assert SAM[0] not in touch.index  # Sam wrote on June 29: ten days ago, within his 30-day cadence
    assert touch.loc[JANE[0], "days_since"] == (today - date(2024, 3, 4)).days
    review = build_review(store, date(2024, 3, 1), date(2024, 3, 31), today=today)
    assert review.totals["interactions"] == 6 and review.totals["outreach"] == 4 and review.totals["replies"] == 1
    activity = next(s for s in review.sections if s.title == "Activity")
    assert activity.takeaway.startswith("6 interactions")


def test_the_import_page_takes_the_zip_and_shows_the_archive_report(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RAPPORT_DB", str(tmp_path / "page.duckdb"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("ui/imports.py")
    app.run()
    archive = standard_archive(tmp_path / "Basic_LinkedInDataExport_03-01-2024.zip", "2025")
    app.file_uploader[0].upload(archive.name, archive.read_bytes(), "application/zip").run()
    next(b for b in app.button if b.label == "Import the archive").click().run()
    assert not app.exception, [e.value for e in app.exception]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Messages read"] == "12" and metrics["Interactions added"] == "7"
    assert metrics["People matched"] == "3" and metrics["Skipped"] == "4"
    assert list(app.dataframe[0].value["name"]) == [ZED[0]]
    assert len(Store(tmp_path / "page.duckdb").interactions.frame()) == 7
