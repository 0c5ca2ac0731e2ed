"""The store on a real DuckDB file: migrations, upserts, job changes, transactions, backups."""

from __future__ import annotations

import duckdb
import pytest

from engine.store import ContactQuery, Store, StoreError, upsert
from engine.store.migrations import MIGRATIONS, latest_version
from tests.conftest import parsed_contacts

ADA = {"first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace", "company": "Analytical",
       "position": "Engineer", "linkedin_url": "https://www.linkedin.com/in/ada-lovelace/",
       "connected_on": "2024-05-30"}
GRACE = {"first_name": "Grace", "last_name": "Hopper", "full_name": "Grace Hopper", "company": "Navy",
         "position": "Rear Admiral", "email": "Grace@Navy.mil"}


def test_a_new_file_is_migrated_to_the_latest_version(store):
    assert store.schema_version() == latest_version()
    conn = duckdb.connect(str(store.path))
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
    conn.close()
    assert versions == [version for version, _, _ in MIGRATIONS]  # every one, in order (numbers given out ahead)


def test_reimporting_the_same_rows_adds_nobody(store):
    first = store.imports.save_contacts(parsed_contacts([ADA, GRACE]))
    second = store.imports.save_contacts(parsed_contacts([ADA, GRACE]))
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 2)
    assert store.contacts.count() == 2


def test_matching_uses_url_then_email_then_name_and_company(store):
    store.imports.save_contacts(parsed_contacts([ADA, GRACE]))
    same_url = {**ADA, "linkedin_url": "linkedin.com/in/ADA-lovelace", "full_name": "Augusta Ada King"}
    same_email = {"full_name": "G. Hopper", "email": "grace@navy.mil", "phone": "+0044 20 7946 0000"}
    same_name = {"full_name": "ada lovelace", "company": "Analytical, Inc."}
    report = store.imports.save_contacts(parsed_contacts([same_url, same_email, same_name]))
    assert report.inserted == 0
    assert store.contacts.count() == 2
    frame, _ = store.contacts.find(ContactQuery(search="hopper"))
    grace = store.contacts.get(int(frame.iloc[0]["id"]))
    assert grace["phone"] == "+0044 20 7946 0000"  # filled in, kept verbatim as text


def test_a_changed_position_is_an_update_and_a_job_change(store):
    store.imports.save_contacts(parsed_contacts([ADA]))
    moved = {**ADA, "company": "Babbage Labs", "position": "Head of Engineering"}
    report = store.imports.save_contacts(parsed_contacts([moved]))
    assert (report.updated, report.job_changes) == (1, 1)
    frame, _ = store.contacts.find(ContactQuery(search="ada"))
    contact = store.contacts.get(int(frame.iloc[0]["id"]))
    assert contact["company"] == "Babbage Labs"
    assert contact["job_changes"][0]["old_company"] == "Analytical"
    assert contact["job_changes"][0]["new_position"] == "Head of Engineering"


def test_duplicates_inside_one_file_become_one_contact(store):
    report = store.imports.save_contacts(parsed_contacts([ADA, {**ADA, "position": "Engineer"}]))
    assert report.inserted == 1 and report.unchanged == 1


def test_user_edits_survive_a_reimport(store):
    store.imports.save_contacts(parsed_contacts([ADA]))
    contact_id = int(store.contacts.find()[0].iloc[0]["id"])
    store.contacts.update(contact_id, tags=["mentor", " vip "], strength=4, notes="Met at PyCon", cadence_days=30)
    store.imports.save_contacts(parsed_contacts([{**ADA, "notes": "imported note", "tags": ("Friends",)}]))
    contact = store.contacts.get(contact_id)
    assert contact["strength"] == 4 and contact["cadence_days"] == 30
    assert contact["notes"] == "Met at PyCon"
    assert sorted(contact["tags"]) == ["Friends", "mentor", "vip"]


def test_invalid_edits_are_refused(store):
    store.imports.save_contacts(parsed_contacts([ADA]))
    contact_id = int(store.contacts.find()[0].iloc[0]["id"])
    with pytest.raises(ValueError, match="between 0 and 5"):
        store.contacts.update(contact_id, strength=9)
    with pytest.raises(ValueError, match="cannot be edited"):
        store.contacts.update(contact_id, company="x")


def test_a_failing_import_writes_nothing(store, monkeypatch):
    store.imports.save_contacts(parsed_contacts([ADA]))

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(upsert, "apply", boom)
    with pytest.raises(RuntimeError):
        store.imports.save_contacts(parsed_contacts([GRACE]))
    assert store.contacts.count() == 1
    assert len(store.imports.history()) == 1


def test_search_filter_sort_and_paginate(store):
    rows = [{"full_name": f"Person {i:03d}", "company": "Acme" if i % 2 else "Globex", "position": "Engineer"}
            for i in range(120)]
    store.imports.save_contacts(parsed_contacts(rows))
    page, total = store.contacts.find(ContactQuery(company="Acme", sort="name", page=2, page_size=50))
    assert total == 60
    assert len(page) == 10
    assert page.iloc[0]["full_name"] == "Person 101"
    found, total = store.contacts.find(ContactQuery(search="person 00"))
    assert total == 10


def test_quotes_and_semicolons_in_values_are_data_not_sql(store):
    nasty = {"full_name": "Robert'); DROP TABLE contacts;--", "company": "O'Reilly \"Media\"; x"}
    store.imports.save_contacts(parsed_contacts([nasty]))
    frame, total = store.contacts.find(ContactQuery(search="'); drop"))
    assert total == 1 and frame.iloc[0]["company"] == "O'Reilly \"Media\"; x"


def test_rejects_are_recorded_with_the_import(store):
    from engine.records import Reject

    parsed = parsed_contacts([ADA])
    parsed.rejects = [Reject(line=7, reason="no name, e-mail or profile URL", column=None, raw=",,x")]
    parsed.total = 2
    report = store.imports.save_contacts(parsed)
    assert report.rejected == 1
    assert store.imports.rejects(report.import_id)[0].line == 7


def test_backup_and_restore_round_trip(store):
    store.imports.save_contacts(parsed_contacts([ADA, GRACE]))
    goal_id = store.goals.add({"title": "Find a mentor", "outcome": "mentorship",
                              "segments": [{"name": "Directors", "roles": ["director"]}]})
    archive = store.backup_zip()
    store.imports.save_contacts(parsed_contacts([{"full_name": "Someone Else"}]))
    store.goals.set_status(goal_id, "archived")
    summary = store.restore_zip(archive)
    assert summary["contacts"] == 2
    assert store.goals.get(goal_id)["status"] == "active"
    assert store.goals.get(goal_id)["segments"][0]["roles"] == ["director"]
    assert store.path.with_name(store.path.name + ".before-restore").exists()


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(store):
    store.imports.save_contacts(parsed_contacts([ADA]))
    with pytest.raises(StoreError, match="not a Rapport backup"):
        store.restore_zip(b"PK\x03\x04 definitely not a zip")
    assert store.contacts.count() == 1


def test_data_version_changes_with_contacts(store):
    before = store.data_version()
    store.imports.save_contacts(parsed_contacts([ADA]))
    middle = store.data_version()
    store.imports.save_contacts(parsed_contacts([ADA]))
    assert middle > before
    assert store.data_version() == middle  # nothing changed, caches stay valid


def test_a_second_process_holding_the_file_gets_a_plain_message(tmp_path):
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "locked.duckdb"
    Store(path).summary()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        c = duckdb.connect({str(path)!r}); print('ready', flush=True); time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        from engine.store.connection import StoreLocked, connect

        with pytest.raises(StoreLocked, match=f"in use by process {holder.pid}"):
            connect(path, wait_seconds=0.3)
    finally:
        holder.kill()
        holder.wait()


def test_a_missing_pandas_date_is_logged_as_no_date(store):
    """A follow-up read back from a frame arrives as NaT, a pandas Timestamp subclassing datetime."""
    import pandas as pd

    store.imports.save_contacts(parsed_contacts([{"full_name": "Ana Lima", "email": "ana@example.org"}]))
    contact_id = int(store.contacts.export()["id"][0])
    store.interactions.log_many([{"contact_id": contact_id, "occurred_on": pd.Timestamp("2024-03-02"),
                             "follow_up_on": pd.NaT}])
    logged = store.interactions.frame().iloc[0]
    assert str(logged["occurred_on"])[:10] == "2024-03-02" and pd.isna(logged["follow_up_on"])


def test_a_person_shown_is_counted_once_a_day_however_often_the_page_reruns(store):
    from datetime import date, timedelta

    store.imports.save_contacts(parsed_contacts([ADA, GRACE]))
    ada, grace = (int(i) for i in store.contacts.for_ranking()["id"])
    day = date(2026, 12, 7)
    store.contacts.note_recommended([ada, grace, ada], on=day)  # one person twice on a page: once
    store.contacts.note_recommended([ada], on=day)  # a rerun the same day
    store.contacts.note_recommended([ada], on=day + timedelta(days=1))
    store.contacts.note_recommended([grace], on=day - timedelta(days=3))  # a day already past: no count
    store.contacts.note_recommended([], on=day)
    shown = store.contacts.for_ranking().set_index("id")["times_recommended"]
    assert (shown[ada], shown[grace]) == (2, 1)
