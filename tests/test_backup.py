"""Backups on real files: the round trip restores every table exactly, ids go on after it, and a zip that is not
what Rapport wrote is refused in one line with the workspace byte for byte as it was and nothing written
anywhere. The command line's ``rapport backup`` and ``rapport restore`` do the same as real processes."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from engine.store import Store, StoreError
from engine.store.backup import MANIFEST
from engine.store.base import StoreBase
from engine.store.migrations import latest_version
from tests.backup_support import PWNED, REASONS, demo_store, hostile_backup, legacy_backup, members, table_rows
from tests.conftest import parsed_contacts
from tests.faults_support import digest, one_plain_line, rapport, workspace


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> dict:
    """The demo workspace (checkpointed and closed), its backup, and the backup the previous version wrote."""
    folder = tmp_path_factory.mktemp("source")
    db = folder / "demo.duckdb"
    store = demo_store(db)
    store.templates.all()  # the starter templates are written on first use
    return {"db": db, "backup": store.backup_zip(), "legacy": legacy_backup(db), "rows": table_rows(db)}


def copy_of(source: dict, folder: Path, name: str = "w.duckdb") -> Path:
    db = folder / name
    shutil.copyfile(source["db"], db)
    return db


# -- the format --------------------------------------------------------------------------------------------------
def test_a_backup_is_a_manifest_and_one_checked_parquet_file_per_table_and_no_sql(source):
    files = members(source["backup"])
    manifest = json.loads(files[MANIFEST])
    assert (manifest["format"], manifest["format_version"], manifest["schema_version"]) == \
        ("rapport-backup", 1, latest_version())
    tables = {t["name"]: t for t in manifest["tables"]}
    assert set(tables) == set(source["rows"]), "every table but schema_version, and nothing else"
    assert set(files) == {MANIFEST} | {f"{name}.parquet" for name in tables}
    assert not any(name.endswith(".sql") for name in files)
    for name, entry in tables.items():
        assert entry["sha256"] == hashlib.sha256(files[f"{name}.parquet"]).hexdigest()
        assert entry["rows"] == len(source["rows"][name])
    assert [c[0] for c in tables["contacts"]["columns"]][:2] == ["id", "first_name"]
    assert manifest["sequences"]["contact_id_seq"] == max(r[0] for r in source["rows"]["contacts"])


# -- the round trip ----------------------------------------------------------------------------------------------
def test_restoring_brings_back_exactly_the_backed_up_data_in_every_table_and_ids_go_on(tmp_path, source):
    db = copy_of(source, tmp_path)
    store = Store(db)
    deleted_event = int(store.events.frame()["id"].max()) + 1  # demo_store deleted the highest event
    data_version = store.data_version()
    store.imports.save_contacts(parsed_contacts([{"full_name": "Added After The Backup"}]))
    goal = store.goals.all()[0]
    store.goals.set_status(goal["id"], "archived")
    store.settings.set("timezone", "Europe/Oslo")
    store.interactions.log({"contact_id": 1, "occurred_on": "2026-03-01", "notes": "after the backup"})

    summary = store.restore_zip(source["backup"])

    restored = table_rows(db)
    data_versions = [r for r in restored["meta"] if r[0] == "data_version"]
    assert int(data_versions[0][1]) > data_version, "caches keyed on the data version must see new data"
    for table, rows in source["rows"].items():
        if table == "meta":
            rows = [r for r in rows if r[0] != "data_version"]
            restored[table] = [r for r in restored[table] if r[0] != "data_version"]
        assert restored[table] == rows, f"table {table} differs after the restore"
    assert summary["contacts"] == len(source["rows"]["contacts"])
    assert store.schema_version() == latest_version()
    assert db.with_name("w.duckdb.before-restore").exists()
    assert not db.with_name("w.duckdb.restoring").exists()

    highest = max(r[0] for r in source["rows"]["contacts"])
    store.imports.save_contacts(parsed_contacts([{"full_name": "New After The Restore"}]))
    assert store.contacts.export()["id"].max() == highest + 1
    assert store.events.add({"title": "After the restore"}) == deleted_event + 1, "a deleted event's id came back"
    new_interaction = store.interactions.log({"contact_id": 1, "occurred_on": "2026-03-02"})
    assert new_interaction == max(r[0] for r in source["rows"]["interactions"]) + 1


def test_a_large_workspace_of_alike_rows_is_not_taken_for_a_zip_bomb(tmp_path):
    """100,000 contacts named alike deflate well, above all in the previous version's snappy-compressed Parquet
    (1.4 MB to 38 kB): both backups must still restore."""
    db = tmp_path / "large.duckdb"
    workspace(db, 100_000)
    for name, backup in (("new", Store(db).backup_zip()), ("legacy", legacy_backup(db))):
        info = zipfile.ZipFile(io.BytesIO(backup)).getinfo("contacts.parquet")
        if name == "legacy":
            assert info.file_size > 1024**2 and info.file_size > 30 * info.compress_size, "no test of the ratio check"
        store = Store(tmp_path / f"{name}.duckdb")
        assert store.restore_zip(backup)["contacts"] == 100_000


def test_a_backup_of_the_previous_version_is_read_as_data(tmp_path, source):
    """EXPORT DATABASE zips: their Parquet files are restored, their schema.sql and load.sql never run."""
    store = Store(tmp_path / "w.duckdb")
    store.restore_zip(source["legacy"])
    restored = table_rows(store.path)
    for table, rows in source["rows"].items():
        if table != "meta":
            assert restored[table] == rows, f"table {table} differs after restoring the old backup"
    highest = max(r[0] for r in source["rows"]["contacts"])
    store.imports.save_contacts(parsed_contacts([{"full_name": "New After The Restore"}]))
    assert store.contacts.export()["id"].max() == highest + 1


def test_a_backup_of_an_older_schema_is_restored_into_that_schema_then_upgraded(tmp_path):
    """Written at schema 4 (contacts still stored their match keys): loaded into schema 4, then migrated."""
    old = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(old))
    StoreBase(old).migrate(conn, upto=4)
    conn.execute("INSERT INTO contacts (full_name, company, linkedin_url, url_key) VALUES "
                 "('Ada Lovelace', 'Analytical Ltd', 'https://www.linkedin.com/in/ada', 'in/ada')")
    conn.close()
    store = Store(tmp_path / "w.duckdb")
    store.restore_zip(legacy_backup(old, schema_version=4))
    assert store.schema_version() == latest_version()
    assert list(store.contacts.export()["full_name"]) == ["Ada Lovelace"]
    report = store.imports.save_contacts(parsed_contacts([{"full_name": "ADA LOVELACE", "company": "analytical"}]))
    assert (report.inserted, store.contacts.count()) == (0, 1), "the upgraded workspace matches people by key"


# -- hostile backups ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", list(REASONS))
def test_a_backup_rapport_did_not_write_is_refused_in_one_line_and_nothing_changes(tmp_path, source, case):
    outside = tmp_path / "outside"
    outside.mkdir()
    data = hostile_backup(case, source["backup"], source["legacy"], outside)
    db = copy_of(source, tmp_path)
    before, listing = digest(db), sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(StoreError) as refused:
        Store(db).restore_zip(data)

    message = str(refused.value)
    assert REASONS[case] in message
    assert len(message.splitlines()) == 1 and message.startswith("Backup not restored: ")
    assert message.endswith("The workspace was left as it is.")
    assert digest(db) == before, "a refused backup changed the workspace"
    assert sorted(p.name for p in tmp_path.iterdir()) == listing, "a refused backup left a file behind"
    assert list(outside.iterdir()) == [] and not Path("/tmp", PWNED).exists()
    assert "passwd" not in table_rows(db)


@pytest.mark.parametrize("case", ["legacy schema.sql writes a file", "legacy schema.sql reads a system file"])
def test_the_old_restore_would_have_run_the_hostile_sql(tmp_path, source, case):
    """The control for the refusals above: DuckDB's IMPORT DATABASE, which restored backups before, runs
    these zips' schema.sql, writing a file outside or reading a system file into a table."""
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "unpacked"
    folder.mkdir()
    for name, data in members(hostile_backup(case, source["backup"], source["legacy"], outside)).items():
        (folder / name).write_bytes(data)
    conn = duckdb.connect(str(tmp_path / "imported.duckdb"))
    conn.execute(f"IMPORT DATABASE '{folder}'")
    conn.close()
    if "writes" in case:
        assert (outside / PWNED).exists()
    else:
        assert table_rows(tmp_path / "imported.duckdb")["passwd"]


def test_restoring_is_refused_inside_a_session_before_reading_the_zip(tmp_path, source):
    store = Store(copy_of(source, tmp_path))
    with store.session(), pytest.raises(StoreError, match="session"):
        store.restore_zip(b"not even a zip")


# -- the command line ----------------------------------------------------------------------------------------------
def test_rapport_backup_then_restore_round_trip(tmp_path, source):
    db = copy_of(source, tmp_path)
    out = tmp_path / "backup.zip"
    made = rapport("backup", "--out", str(out), "--json", db=db)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout) == {"path": str(out), "bytes": out.stat().st_size}
    assert MANIFEST in members(out.read_bytes())

    other = tmp_path / "other.duckdb"
    done = rapport("restore", str(out), "--json", db=other)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["contacts"] == len(source["rows"]["contacts"])
    assert table_rows(other)["contacts"] == source["rows"]["contacts"]
    plain = rapport("restore", str(out), db=other)
    assert plain.returncode == 0 and "other.duckdb.before-restore" in plain.stdout


@pytest.mark.parametrize("case", ["legacy load.sql writes a file", "extra column", "not a zip"])
def test_rapport_restore_refuses_a_hostile_backup_in_one_line_with_exit_2(tmp_path, source, case):
    outside = tmp_path / "outside"
    outside.mkdir()
    hostile = tmp_path / "hostile.zip"
    hostile.write_bytes(hostile_backup(case, source["backup"], source["legacy"], outside))
    db = copy_of(source, tmp_path)
    before = digest(db)
    line = one_plain_line(rapport("restore", str(hostile), db=db))
    assert line.startswith("rapport: Backup not restored: ") and REASONS[case] in line
    assert digest(db) == before and list(outside.iterdir()) == []
    assert not db.with_name("w.duckdb.before-restore").exists()


def test_rapport_backup_and_restore_name_a_bad_path_in_one_line(tmp_path, source):
    db = copy_of(source, tmp_path)
    missing = one_plain_line(rapport("backup", "--out", str(tmp_path / "no-such-folder" / "b.zip"), db=db))
    assert "no-such-folder" in missing and "does not exist" in missing
    folder = one_plain_line(rapport("backup", "--out", str(tmp_path), db=db))
    assert "is a folder" in folder
    assert not any(p.suffix == ".zip" or p.name.endswith(".partial") for p in tmp_path.iterdir())
    absent = one_plain_line(rapport("restore", str(tmp_path / "absent.zip"), db=db))
    assert "absent.zip" in absent and "No such file" in absent
    assert "is a folder" in one_plain_line(rapport("restore", str(tmp_path), db=db))
