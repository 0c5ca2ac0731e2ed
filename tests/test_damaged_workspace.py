"""A damaged workspace file, with real processes on real files: cut in half, a zeroed block, a block of garbage,
a damaged index, a damaged file with a WAL to replay.

Every command says so in one line with the way back and exits 2; not a byte of the file is written. The
automatic daily copies (``data/backups/``) are that way back even for someone who never made a backup.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from engine.demo.load import load_demo_workspace
from engine.store import Store, StoreDamaged, automatic_copies
from engine.store.autobackup import KEEP
from tests.faults_support import ROOT, Child, digest, one_plain_line, rapport
from tests.test_pages import PAGES, open_page

HEADERS = 3 * 4096  # DuckDB's file header and two database headers, before block 0
COMMANDS = [("contacts",), ("rank",), ("review",), ("today",), ("goals", "list"), ("log", "--contact", "1", "--notes",
            "written?"), ("goals", "add", "--title", "written?"), ("import", "{csv}"), ("export", "contacts", "--out",
            "{out}"), ("demo", "--force")]


@pytest.fixture(scope="module")
def demo_bytes(tmp_path_factory) -> bytes:
    """A realistic workspace (the demo: ~485 contacts, goals, events, interactions), checkpointed and closed."""
    db = tmp_path_factory.mktemp("demo") / "source.duckdb"
    load_demo_workspace(Store(db), today=date.today())
    return db.read_bytes()


@pytest.fixture
def workspace(tmp_path, demo_bytes) -> Path:
    """The demo workspace, opened once by Rapport (which made today's automatic copy)."""
    db = tmp_path / "data" / "rapport.duckdb"
    db.parent.mkdir()
    db.write_bytes(demo_bytes)
    assert Store(db).contacts.count() > 400
    return db


def _layout(db: Path) -> tuple[int, set[int], set[int], int]:
    """DuckDB's block size, the blocks holding table rows, the metadata blocks, and the number of free blocks."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        size, total, free = conn.execute("SELECT block_size, total_blocks, free_blocks FROM pragma_database_size()"
                                         ).fetchone()
        data = set()
        for (table,) in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            for block, more in conn.execute("SELECT block_id, additional_block_ids FROM pragma_storage_info(?) "
                                            "WHERE persistent AND block_id >= 0", [table]).fetchall():
                data |= {block, *(more or [])}
        meta = {row[0] for row in conn.execute("SELECT block_id FROM pragma_metadata_info()").fetchall()}
    finally:
        conn.close()
    assert total * size + HEADERS == db.stat().st_size, "the file is not laid out as this test assumes"
    return size, data, meta, free


def _blocks_hit(db: Path, start: int, length: int, block_size: int) -> set[int]:
    first, last = (start - HEADERS) // block_size, (start + length - 1 - HEADERS) // block_size
    return set(range(first, last + 1))


def cut_in_half(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


def zero_a_block(db: Path) -> None:
    """256 KiB of zeros from 40% of the file on: it must cover a block holding table rows."""
    size, data, _, _ = _layout(db)
    start = int(db.stat().st_size * 0.4)
    assert _blocks_hit(db, start, 256 * 1024, size) & data, "the zeroed range holds no table data"
    with open(db, "r+b") as handle:
        handle.seek(start)
        handle.write(b"\0" * 256 * 1024)


def garbage_block(db: Path) -> None:
    """256 KiB of random bytes over the first block holding table rows past 60% of the file."""
    size, data, _, _ = _layout(db)
    block = min(b for b in data if HEADERS + b * size >= db.stat().st_size * 0.6)
    with open(db, "r+b") as handle:
        handle.seek(HEADERS + block * size + 4096)
        handle.write(random.Random(20).randbytes(256 * 1024 - 4096))


def damaged_index(db: Path) -> None:
    """Zeros over a block that holds neither rows nor metadata: with no free block, one of the primary keys'
    indexes. A table scan never reads it; only an index lookup does (``log`` inserting an interaction)."""
    size, data, meta, free = _layout(db)
    assert free == 0, "a free block could be taken for an index block"
    total = (db.stat().st_size - HEADERS) // size
    block = max(set(range(total)) - data - meta)
    with open(db, "r+b") as handle:
        handle.seek(HEADERS + block * size)
        handle.write(b"\0" * size)


def _assert_the_way_back(line: str, db: Path) -> None:
    copy = automatic_copies(db)[0]
    assert f"The workspace {db} is damaged" in line, line
    assert "nothing was written to it" in line
    assert "rapport restore FILE.zip" in line and "Settings page" in line
    assert f"rapport restore {copy}" in line, "the message must name the newest automatic copy"
    assert "Traceback" not in line and "Error:" not in line


@pytest.mark.slow
@pytest.mark.parametrize("damage", [cut_in_half, zero_a_block, garbage_block, damaged_index])
def test_every_command_refuses_a_damaged_file_in_one_line_and_writes_nothing(tmp_path, workspace, damage):
    damage(workspace)
    before = digest(workspace)
    csv = tmp_path / "Connections.csv"
    csv.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
                   "Ada,Lovelace,https://www.linkedin.com/in/ada,,Analytical,Engineer,08 Jan 2018\r\n",
                   encoding="utf-8")
    out = tmp_path / "out.csv"
    lines = set()
    for command in COMMANDS:
        args = [a.format(csv=csv, out=out) for a in command]
        result = rapport(*args, db=workspace)
        assert result.stdout == "", (args, result.stdout)
        line = one_plain_line(result)
        _assert_the_way_back(line, workspace)
        lines.add(re.sub(r" \(.*?\);", ";", line, count=1))  # which damaged block is met first may vary
        assert digest(workspace) == before, f"rapport {' '.join(args)} wrote to the damaged file"
    assert len(lines) == 1, f"every command says the same: {lines}"
    assert not out.exists() and not Path(f"{workspace}.wal").exists()
    assert [p.name for p in workspace.parent.iterdir() if p.name != "backups"] == [workspace.name]


def test_in_process_every_open_refuses_until_the_file_changes(workspace, demo_bytes):
    zero_a_block(workspace)
    store = Store(workspace)
    messages = []
    for call in (store.contacts.count, store.summary, lambda: store.interactions.log(
            {"contact_id": 1, "occurred_on": "2024-05-01", "notes": "written?"})):
        with pytest.raises(StoreDamaged) as caught:
            call()
        messages.append(str(caught.value))
    assert len(set(messages)) == 1 and "\n" not in messages[0]
    workspace.write_bytes(demo_bytes)  # the file changed (here: put right): it is checked again, and opens
    assert store.contacts.count() > 400


def test_a_damaged_file_with_a_wal_to_replay_keeps_both_as_they_are(tmp_path, workspace):
    """DuckDB replays a WAL on opening and checkpoints it into the file on closing: a damaged file must be
    closed without that checkpoint. Here the WAL replays (it touches no damaged block), the check finds the
    damage, and neither the file nor its WAL changes."""
    child = Child("wal", workspace)
    child.wait_for(lambda lines: "committed" in lines)
    child.finish()
    wal = Path(f"{workspace}.wal")
    assert wal.exists() and wal.stat().st_size > 0
    size, data, _, _ = _layout_of_copy(workspace, tmp_path)
    events = _blocks_of(workspace, "events", tmp_path)
    assert events and not events & _blocks_of(workspace, "contacts", tmp_path)
    with open(workspace, "r+b") as handle:
        handle.seek(HEADERS + min(events) * size)
        handle.write(b"\0" * size)
    before = (digest(workspace), digest(wal))
    for command in (("contacts",), ("log", "--contact", "1")):
        _assert_the_way_back(one_plain_line(rapport(*command, db=workspace)), workspace)
        assert (digest(workspace), digest(wal)) == before, "the WAL was checkpointed into the damaged file"


def _layout_of_copy(db: Path, tmp_path: Path):
    """The layout of a copy (opening the file itself would replay and checkpoint its WAL)."""
    copy = tmp_path / "layout.duckdb"
    shutil.copyfile(db, copy)
    return _layout(copy)


def _blocks_of(db: Path, table: str, tmp_path: Path) -> set[int]:
    copy = tmp_path / "blocks.duckdb"
    shutil.copyfile(db, copy)
    conn = duckdb.connect(str(copy), read_only=True)
    try:
        return {b for (b,) in conn.execute("SELECT block_id FROM pragma_storage_info(?) WHERE persistent "
                                           "AND block_id >= 0", [table]).fetchall()}
    finally:
        conn.close()


def test_restoring_the_automatic_copy_brings_the_workspace_back(workspace):
    contacts = Store(workspace).contacts.export()
    zero_a_block(workspace)
    damaged = workspace.read_bytes()
    copy = automatic_copies(workspace)[0]
    result = subprocess.run([sys.executable, "-m", "engine", "restore", str(copy), "--db", str(workspace)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Restored" in result.stdout and ".before-restore" in result.stdout
    assert Path(f"{workspace}.before-restore").read_bytes() == damaged, "the damaged file was not kept"
    assert Store(workspace).contacts.export().equals(contacts)
    assert rapport("log", "--contact", "1", "--notes", "after", db=workspace).returncode == 0


def test_a_damaged_copy_is_not_restored(workspace):
    copy = automatic_copies(workspace)[0]
    cut_in_half(copy)
    before = digest(workspace)
    line = one_plain_line(rapport("restore", str(copy), db=workspace))
    assert "damaged too" in line and str(copy) in line
    assert digest(workspace) == before and not Path(f"{workspace}.before-restore").exists()


# -- the dashboard ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_page_shows_the_one_line_and_settings_still_restores(workspace, monkeypatch):
    zero_a_block(workspace)
    before = digest(workspace)
    for page in [p for p in PAGES if p != "ui/settings.py"] + ["ui/settings.py"]:
        app = open_page(page, workspace, monkeypatch)
        errors = [e.value for e in app.error]
        assert len(errors) == 1, (page, errors)
        _assert_the_way_back(errors[0], workspace)
    assert digest(workspace) == before
    assert app.get("file_uploader"), "Settings must still offer to restore a backup zip"
    copy = automatic_copies(workspace)[0]
    choice = next(s for s in app.selectbox if s.label == "Automatic copy")
    assert choice.value == copy
    next(b for b in app.button if b.label == "Restore this copy").click().run()
    assert not app.exception
    assert any("Restored the copy" in s.value for s in app.success)
    assert Store(workspace).contacts.count() > 400


# -- the automatic copies ------------------------------------------------------------------------------------------
def _today_copy(db: Path) -> Path:
    return db.parent / "backups" / f"{db.stem}-{date.today().isoformat()}.duckdb"


def test_the_first_open_of_the_day_makes_one_copy_that_opens_with_the_same_contacts(workspace):
    copy = _today_copy(workspace)
    assert automatic_copies(workspace) == [copy]
    made = copy.stat().st_mtime_ns
    store = Store(workspace)
    store.contacts.update(1, notes="after the copy")
    assert store.contacts.count() > 400
    assert copy.stat().st_mtime_ns == made, "one copy a day: the second open copied again"
    assert rapport("contacts", db=workspace).returncode == 0  # another process, the same day: no new copy
    assert automatic_copies(workspace) == [copy] and copy.stat().st_mtime_ns == made

    original = Store(workspace).contacts.export().set_index("id")
    copied = Store(copy).contacts.export().set_index("id")
    assert len(copied) == len(original) > 400
    assert copied.drop(index=1).equals(original.drop(index=1))
    assert copied.loc[1, "notes"] != "after the copy"
    assert not (copy.parent / "backups").exists(), "a copy of the copy"


def test_at_most_seven_copies_are_kept_the_newest(tmp_path, demo_bytes):
    db = tmp_path / "w.duckdb"
    folder = tmp_path / "backups"
    folder.mkdir()
    older = [date.today() - timedelta(days=d) for d in (1, 2, 3, 5, 8, 13, 21, 34, 55)]
    for day in older:
        (folder / f"w-{day.isoformat()}.duckdb").write_bytes(b"an older copy")
    (folder / "w-notes.duckdb").write_bytes(b"not a copy")
    (folder / "other-2020-01-01.duckdb").write_bytes(b"another workspace's copy")
    db.write_bytes(demo_bytes)
    Store(db).summary()
    kept = automatic_copies(db)
    assert kept == [_today_copy(db)] + [folder / f"w-{d.isoformat()}.duckdb" for d in older[:KEEP - 1]]
    assert len(kept) == KEEP == 7
    assert (folder / "w-notes.duckdb").exists() and (folder / "other-2020-01-01.duckdb").exists()


def test_the_message_names_the_newest_copy(workspace):
    folder = workspace.parent / "backups"
    shutil.copyfile(_today_copy(workspace), folder / "rapport-2020-01-01.duckdb")
    cut_in_half(workspace)
    line = one_plain_line(rapport("today", db=workspace))
    assert f"automatic copy of {date.today().isoformat()}: `rapport restore {_today_copy(workspace)}`" in line


def test_no_copy_of_an_empty_workspace_nor_when_turned_off(tmp_path, monkeypatch, demo_bytes):
    empty = tmp_path / "empty.duckdb"
    assert Store(empty).summary()["contacts"] == 0
    assert automatic_copies(empty) == [] and not (tmp_path / "backups").exists()
    line = one_plain_line(rapport("contacts", db=_cut(tmp_path / "never-copied.duckdb", demo_bytes)))
    assert "there is no automatic copy" in line and "rapport restore FILE.zip" in line

    monkeypatch.setenv("RAPPORT_AUTOBACKUP", "0")
    off = tmp_path / "off.duckdb"
    off.write_bytes(demo_bytes)
    assert Store(off).contacts.count() > 400
    assert automatic_copies(off) == []


def _cut(db: Path, data: bytes) -> Path:
    db.write_bytes(data[: len(data) // 2])
    return db


def test_a_copy_is_never_made_while_the_file_is_open_here(tmp_path, demo_bytes):
    """Reading a file this process holds through DuckDB, then closing it, would drop DuckDB's lock on it (POSIX
    locks belong to the process): the copy waits until this process's last connection is closed."""
    db = tmp_path / "w.duckdb"
    db.write_bytes(demo_bytes)
    store = Store(db)
    probe = [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()", str(db)]
    with store.session():
        assert Store(db).contacts.count() > 400  # a second connection, opened and closed meanwhile
        assert automatic_copies(db) == []
        locked = subprocess.run(probe, capture_output=True, text=True, timeout=60)
        assert locked.returncode != 0 and "lock" in locked.stderr, "another process could open the file"
    assert automatic_copies(db) == [_today_copy(db)]


def test_the_check_runs_once_per_file_state_in_a_process(workspace):
    """A dashboard opens the file on every rerun: the verdict is kept per (size, mtime, inode), so the check
    is not run again until the file changes. Shown with damage that keeps the file's size and mtime (what
    the check would find if it ran again), then a touch that changes the mtime."""
    store = Store(workspace)
    assert store.schema_version() >= 1  # checked here, found intact
    contacts = _blocks_of(workspace, "contacts", workspace.parent.parent)
    stat = workspace.stat()
    size = _layout_of_copy(workspace, workspace.parent.parent)[0]
    with open(workspace, "r+b") as handle:
        handle.seek(HEADERS + min(contacts) * size)
        handle.write(b"\0" * size)
    os.utime(workspace, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert store.schema_version() >= 1, "the check ran again on a file whose state had not changed"
    os.utime(workspace)
    with pytest.raises(StoreDamaged):
        store.schema_version()
