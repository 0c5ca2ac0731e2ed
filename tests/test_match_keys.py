"""Match keys: computed from the fields when an import matches, never stored (migration 5).

Each test works on a real workspace file, whose own macros compute the keys (migration 6).
"""

from __future__ import annotations

import duckdb
import pytest

from engine.store import Store
from engine.store.keys import PLAIN_URL_KEY, PLAIN_URL_PREFIX, PREFIXED_PLAIN_URL_KEY, PREFIXED_URL_KEY
from engine.store.migrations import MIGRATIONS, latest_version
from tests.conftest import parsed_contacts

PLAIN = [
    "https://www.linkedin.com/in/ana-lima",
    "https://www.linkedin.com/in/Ana-Lima-2b",
    "https://www.linkedin.com/in/élodie-dupont",
    "https://www.linkedin.com/in/İSTANBUL-Dev",
]
NOT_PLAIN = [
    "https://www.linkedin.com/",
    "https://www.linkedin.com/in/ana-lima/",
    "https://www.linkedin.com/in/ana-lima ",
    "https://www.linkedin.com/in/siobh%C3%A1n-o%E2%80%99brien",
    "https://www.linkedin.com/in/ana?trk=people",
    "https://www.linkedin.com/in/ana#about",
    "HTTPS://WWW.LINKEDIN.COM/in/ana",
    "http://linkedin.com/in/ana",
    "linkedin.com/in/ana",
    " https://www.linkedin.com/in/ana",
]


def _keys(store: Store, urls: list[str]) -> list[tuple]:
    store.summary()  # creates the workspace
    conn = duckdb.connect(str(store.path))
    rows = conn.execute(
        f"SELECT u, rapport_plain_profile_url(u), {PLAIN_URL_KEY.format(u='u')}, rapport_url_key(u) "
        "FROM (SELECT unnest(?::VARCHAR[]) AS u)", [urls]).fetchall()
    conn.close()
    return rows


def test_a_plain_profile_url_has_the_same_key_by_the_short_way(store):
    rows = _keys(store, PLAIN)
    assert [plain for _, plain, _, _ in rows] == [True] * len(PLAIN)
    for url, _, short, full in rows:
        assert short == full, url
    assert rows[0][2] == "in/ana-lima"


def test_prefixed_keys_are_the_keys_behind_one_prefix_whichever_way_they_are_computed(store):
    store.summary()
    conn = duckdb.connect(str(store.path))
    rows = conn.execute(
        f"SELECT rapport_plain_profile_url(u), {PREFIXED_PLAIN_URL_KEY.format(u='u')}, "
        f"{PREFIXED_URL_KEY.format(u='u')}, rapport_url_key(u) FROM (SELECT unnest(?::VARCHAR[]) AS u)",
        [PLAIN + NOT_PLAIN + ["mailto:x", ""]]).fetchall()
    conn.close()
    for plain, short, full, key in rows:
        assert full == (None if key is None else PLAIN_URL_PREFIX + key)
        if plain:
            assert short == full
    assert rows[-1][2] is None  # no key: nothing to compare


def test_anything_to_decode_cut_or_trim_takes_the_full_key(store):
    rows = _keys(store, NOT_PLAIN)
    assert [url for url, plain, _, _ in rows if plain] == []
    assert {full for _, _, _, full in rows[1:3]} == {"in/ana-lima"}


def test_contacts_no_longer_store_keys_but_are_still_matched(store):
    ada = {"full_name": "Ada Lovelace", "company": "Analytical Engines Ltd",
           "linkedin_url": "https://www.linkedin.com/in/ada"}
    grace = {"full_name": "Grace Hopper", "email": "grace@navy.mil"}
    store.imports.save_contacts(parsed_contacts([ada, grace]))
    again = store.imports.save_contacts(parsed_contacts([
        {**ada, "linkedin_url": "linkedin.com/in/ADA/"},
        {"full_name": "G. Hopper", "email": " Grace@Navy.mil"},
        {"full_name": "ada  lovelace", "company": "Analytical Engines"},
    ]))
    assert again.inserted == 0 and store.contacts.count() == 2
    conn = duckdb.connect(str(store.path))
    columns = {row[0] for row in conn.execute("DESCRIBE contacts").fetchall()}
    conn.close()
    assert not columns & {"url_key", "email_key", "name_key"}


def test_a_workspace_from_before_migration_5_keeps_its_contacts_and_matches_them(tmp_path):
    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR, "
                 "applied_at TIMESTAMP DEFAULT current_timestamp)")
    for version, description, sql in MIGRATIONS:
        if version < 5:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_version (version, description) VALUES (?, ?)", [version, description])
    conn.execute("INSERT INTO contacts (full_name, linkedin_url, tags, strength, cadence_days, cadence_max_days, "
                 "notes, url_key, email_key, name_key) VALUES ('Ada Lovelace', 'https://www.linkedin.com/in/ada', "
                 "['mentor'], 4, 30, 45, 'Met at PyCon', 'in/ada', NULL, 'ada lovelace|')")
    conn.execute("INSERT INTO contacts (full_name) VALUES ('Gone Soon')")
    conn.execute("DELETE FROM contacts WHERE full_name = 'Gone Soon'")
    before = conn.execute("SELECT * EXCLUDE (url_key, email_key, name_key) FROM contacts").fetchall()
    conn.close()

    store = Store(path)
    assert store.schema_version() == latest_version() >= 5
    conn = duckdb.connect(str(path))
    assert conn.execute("SELECT * FROM contacts").fetchall() == before  # every field, the id included
    assert conn.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'contacts' "
                        "AND constraint_type = 'PRIMARY KEY'").fetchone()[0] == 0
    conn.close()
    report = store.imports.save_contacts(parsed_contacts([{"full_name": "Ada L.",
                                                         "linkedin_url": "https://linkedin.com/in/ada/"},
                                                        {"full_name": "Grace Hopper"}]))
    assert (report.inserted, store.contacts.count()) == (1, 2)
    assert sorted(store.contacts.export()["id"]) == [before[0][0], before[0][0] + 2]  # the sequence goes on


@pytest.mark.parametrize("url", ["https://www.linkedin.com/in/bo", "https://www.linkedin.com/in/b%C3%B6"])
def test_profile_urls_are_found_however_they_are_spelled(store, url):
    store.imports.save_contacts(parsed_contacts([{"full_name": "Bo", "linkedin_url": url}]))
    spelled = url.replace("https://www.", "http://").upper().replace("HTTP://", "http://") + "/?trk=x"
    assert list(store.contacts.ids_by_url([spelled]).values()) == [int(store.contacts.export()["id"][0])]


def test_a_restored_backup_brings_its_key_macros_and_still_matches_people(store):
    store.imports.save_contacts(parsed_contacts([{"full_name": "Ada Lovelace", "company": "Analytical Ltd",
                                                "linkedin_url": "https://www.linkedin.com/in/ada"}]))
    store.restore_zip(store.backup_zip())
    report = store.imports.save_contacts(parsed_contacts([{"full_name": "ADA LOVELACE", "company": "analytical"},
                                                        {"full_name": "Ada", "linkedin_url": "linkedin.com/in/ada/"}]))
    assert (report.inserted, report.unchanged + report.updated, store.contacts.count()) == (0, 2, 1)
