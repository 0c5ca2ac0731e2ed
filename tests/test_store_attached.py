"""Workspace files are attached to one DuckDB database kept in memory (engine/store/attached.py): the
file is held while a connection of this process uses it and released, checkpointed, after the last,
so another process (the command line) can open it between page runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine.store import Store
from engine.store.attached import attached, close, open_attached
from tests.conftest import parsed_contacts

ROOT = Path(__file__).resolve().parents[1]
ADA = {"first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace", "company": "Analytical",
       "position": "Engineer"}
# Another process opening the file as the command line does: it counts the contacts, or says it is locked.
OTHER = ("import sys, duckdb\n"
         "try:\n"
         "    c = duckdb.connect(sys.argv[1])\n"
         "    print(c.execute('SELECT count(*) FROM contacts').fetchone()[0]); c.close()\n"
         "except duckdb.IOException as e:\n"
         "    print('locked' if 'lock' in str(e) else e)\n")


def _other_process(path: Path) -> str:
    done = subprocess.run([sys.executable, "-c", OTHER, str(path)], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    return done.stdout.strip() or done.stderr


def test_the_file_is_held_while_a_connection_is_open_and_released_after_the_last(tmp_path):
    store = Store(tmp_path / "w.duckdb")
    store.imports.save_contacts(parsed_contacts([ADA]))
    assert not attached(store.path)
    assert _other_process(store.path) == "1"  # released between operations: the command line gets in
    with store.session():
        assert attached(store.path)
        second = Store(tmp_path / "w.duckdb")  # another Store of this process (the preparation's thread)
        with second.session():
            assert second.contacts.count() == 1
        assert attached(store.path)  # the page's connection still uses it
        assert _other_process(store.path) == "locked"
        assert store.contacts.count() == 1
    assert not attached(store.path)
    assert _other_process(store.path) == "1"


def test_each_connection_reads_its_own_file(tmp_path):
    one, two = Store(tmp_path / "one.duckdb"), Store(tmp_path / "two.duckdb")
    one.imports.save_contacts(parsed_contacts([ADA]))
    two.summary()
    with one.session(), two.session():  # both attached at once, each connection to its own
        assert (one.contacts.count(), two.contacts.count()) == (1, 0)


def test_a_path_written_two_ways_is_one_file(tmp_path):
    path = tmp_path / "w.duckdb"
    Store(path).imports.save_contacts(parsed_contacts([ADA]))
    (tmp_path / "link").symlink_to(tmp_path)
    first = open_attached(path)
    second = open_attached(tmp_path / "link" / "w.duckdb")
    try:
        assert second.execute("SELECT count(*) FROM contacts").fetchone()[0] == 1
    finally:
        close(second)
        assert attached(path)
        close(first)
    assert not attached(path)
    close(first)  # twice: only closes


def test_duckdb_hands_freed_memory_back_sooner(tmp_path):
    """The kept database would keep what its queries freed (a peak 30-40 MB higher at 100,000 contacts,
    benchmarks.pages_browser): its allocator is told to give it back."""
    Store(tmp_path / "w.duckdb").summary()  # made and migrated
    conn = open_attached(tmp_path / "w.duckdb")
    try:
        settings = dict(conn.execute("SELECT name, value FROM duckdb_settings() WHERE name LIKE 'allocator%'")
                        .fetchall())
    finally:
        close(conn)
    assert settings["allocator_background_threads"] == "true"
    assert settings["allocator_flush_threshold"] == "4MB"  # not 128 MB, DuckDB's default
