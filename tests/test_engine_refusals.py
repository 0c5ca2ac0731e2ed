"""The engine's refusals that the CLI and the dashboard share: what an import reads, what a logged
interaction may link to, which names and dates a contacts file may hold, and how an export is written.
Real files, a real DuckDB file, a real (tiny) file system for the full disk.
"""

from __future__ import annotations

import os
import unicodedata
from datetime import date, timedelta

import duckdb
import pytest

from engine.errors import FileError
from engine.exports import output_problem, write_atomically
from engine.importers.files import MAX_UPLOAD_BYTES, import_file, parse_file, read_file
from engine.importers.rows import visible
from engine.records import ImportFileError
from engine.store import Store
from engine.store.direct import _MACROS
from tests.bad_input_support import linkedin, linkedin_row
from tests.direct_support import import_both
from tests.test_faults_disk import small_disk

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


# -- what an import reads ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("make", "reason"), [
    (lambda d: "/dev/zero", "this is a device, not a file"),
    (lambda d: "/dev/null", "this is a device, not a file"),
    (lambda d: os.mkfifo(d / "pipe") or d / "pipe", "this is a named pipe, not a file"),
    (lambda d: d, "this is a folder, not a file"),
    (lambda d: (d / "loop").symlink_to(d / "loop") or d / "loop", "the link points to itself (a symlink loop)"),
    (lambda d: (d / "gone").symlink_to(d / "nowhere") or d / "gone", "the link points to a file that does not exist"),
    (lambda d: d / "missing.csv", "no such file"),
])
def test_only_a_regular_file_is_read(tmp_path, make, reason):
    path = make(tmp_path)
    with pytest.raises(ImportFileError) as caught:
        read_file(path)  # a pipe is refused before it is opened: this returns at once
    assert str(caught.value) == f"{path}: {reason}"


def test_a_file_name_is_shown_on_one_line(tmp_path):
    path = tmp_path / "first\nsecond\x1b[31m.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError) as caught:
        import_file(Store(tmp_path / "w.duckdb"), path)
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message
    assert "first\\nsecond\\x1b[31m.csv" in message
    assert caught.value.file_name == path.name  # the name itself is kept as it is


def test_a_file_is_read_whole_up_to_the_limit_and_no_further(tmp_path):
    at_limit = tmp_path / "at-limit.csv"
    at_limit.write_bytes(b"x" * MAX_UPLOAD_BYTES)
    assert len(read_file(at_limit)) == MAX_UPLOAD_BYTES
    over = tmp_path / "over.csv"
    over.write_bytes(b"x" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(ImportFileError, match="larger than 50 MB"):
        read_file(over)


# -- what a logged interaction may link to -------------------------------------------------------------------------
@pytest.fixture
def ws(tmp_path) -> Store:
    store = Store(tmp_path / "w.duckdb")
    seed = tmp_path / "seed.csv"
    seed.write_bytes(linkedin([linkedin_row(1)]))
    import_file(store, seed)
    store.goals.add({"title": "Referral"})
    store.events.add({"title": "Meetup"})
    return store


@pytest.mark.parametrize(("link", "message"), [
    ({"contact_id": 999}, "no contact with id 999"),
    ({"goal_id": 999}, "no goal with id 999"),
    ({"template_id": 999}, "no template with id 999"),
    ({"event_id": 999}, "no event with id 999"),
])
def test_an_interaction_cannot_link_to_what_does_not_exist(ws, link, message):
    version = ws.data_version()
    with pytest.raises(KeyError) as caught:
        ws.interactions.log({"contact_id": 1, "goal_id": 1, "event_id": 1, "occurred_on": date(2025, 3, 3), **link})
    assert caught.value.args[0] == message
    assert ws.interactions.frame().empty and ws.data_version() == version


def test_a_follow_up_cannot_come_before_the_interaction(ws):
    day = date(2025, 3, 10)
    with pytest.raises(ValueError, match="follow-up date 2025-03-09 is before the interaction's date 2025-03-10"):
        ws.interactions.log({"contact_id": 1, "occurred_on": day, "follow_up_on": day - timedelta(days=1)})
    with pytest.raises(ValueError, match="before"):
        ws.interactions.log_many([{"contact_id": 1, "occurred_on": "2025-03-10", "follow_up_on": "2025-03-01"}])
    assert ws.interactions.frame().empty
    assert ws.interactions.log({"contact_id": 1, "goal_id": 1, "event_id": 1, "occurred_on": day,
                               "follow_up_on": day}) == 1  # the same day is fine, and so are links that exist


# -- names that show nothing, dates out of range: both import paths --------------------------------------------------
def _file(*rows: str) -> bytes:
    return (HEADER + "\r\n" + "".join(row + "\r\n" for row in rows)).encode("utf-8")


def test_a_name_of_invisible_characters_is_no_name_on_both_paths(tmp_path):
    data = _file("Ada,Lovelace,https://www.linkedin.com/in/ada,,Analytical,Engineer,30 May 2024",
                 "\u200b,\u200c\u200d,,,Acme,CEO,01 Jan 2020",  # zero-width space, non-joiner, joiner
                 "\u2060\u00a0\ufeff,,,,Globex,CTO,",  # word joiner, no-break space, zero-width no-break space
                 "\u200b,,,zw@example.com,Initech,,",  # no name, but an e-mail: a contact without a name
                 "Bo\u200b,\u200b,,,Hooli,,")  # a name that shows: kept as it is
    slow, _fast, taken = import_both(tmp_path, [(data, "zero-width.csv", None)])
    assert taken == [True]
    report = slow.imports.history()[0]
    assert (report["inserted"], report["rejected"]) == (3, 2)
    rejects = [(r.line, r.reason) for r in slow.imports.rejects(report["id"])]
    assert rejects == [(3, "no name, e-mail or profile URL"), (4, "no name, e-mail or profile URL")]
    names = {(c["email"], c["full_name"]) for c in slow.contacts.export().to_dict("records")}
    assert {(e if isinstance(e, str) else None, n if isinstance(n, str) else None) for e, n in names} == {
        (None, "Ada Lovelace"), (None, "Bo\u200b \u200b"), ("zw@example.com", None)}


def test_a_vcard_whose_name_shows_nothing_is_rejected(tmp_path):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\u200b\u200b\r\nEMAIL:x@example.com\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n")
    parsed = parse_file(card.encode(), "cards.vcf")
    assert len(parsed.records) == 1 and [(r.line, r.column) for r in parsed.rejects] == [(1, "FN")]


def test_connection_dates_out_of_range_keep_the_contact_undated_naming_line_and_column(tmp_path):
    late = date.today() + timedelta(days=400)
    data = _file("Ada,Lovelace,https://www.linkedin.com/in/ada,,,,30 May 2024",
                 "Bo,Year2999,https://www.linkedin.com/in/bo,,,,01 Jan 2999",
                 "Cy,Year1,https://www.linkedin.com/in/cy,,,,01 Jan 0001",
                 f"Di,NextYear,https://www.linkedin.com/in/di,,,,{late:%d %b %Y}",
                 "Ed,1900,https://www.linkedin.com/in/ed,,,,01 Jan 1900")
    slow, _fast, taken = import_both(tmp_path, [(data, "dates.csv", None)], must_be_direct=False)
    assert taken == [False]  # the direct path would reject those rows: it declines them instead
    report = slow.imports.history()[0]
    assert list(slow.imports.rejects(report["id"])) == []
    last = date.today() + timedelta(days=365)
    path = tmp_path / "dates.csv"
    path.write_bytes(data)
    warnings = import_file(Store(tmp_path / "again.duckdb"), path).warnings
    assert [w.split("; ")[0] for w in warnings] == [
        f"dates.csv line 3, column 'Connected On': the date '01 Jan 2999' is out of range (1900-01-01 to {last})",
        f"dates.csv line 4, column 'Connected On': the date '01 Jan 0001' is out of range (1900-01-01 to {last})",
        f"dates.csv line 5, column 'Connected On': the date '{late:%d %b %Y}' is out of range "
        f"(1900-01-01 to {last})",
    ]
    assert sorted(str(d)[:10] for d in slow.contacts.export()["connected_on"]) == [
        "1900-01-01", "2024-05-30", "NaT", "NaT", "NaT"]


def test_the_sql_rule_for_a_name_that_shows_nothing_is_the_pythons():
    """Every assigned character Python does not print, alone and between visible letters, and every
    character it prints: ``rapport_visible`` and ``importers.rows.visible`` agree on each."""
    hidden = [chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF and not chr(i).isprintable()
              and unicodedata.category(chr(i)) != "Cn"]
    shown = [chr(i) for i in range(0x21, 0x3000) if chr(i).isprintable()]
    texts = hidden + [c + " " + c for c in hidden[::97]] + shown + ["a\u200b", "\u200bA", "\u200b\u00a0\u200b"]
    conn = duckdb.connect()
    conn.execute(_MACROS.format(trim="trim(x)"))
    kept = conn.execute("SELECT list_transform(?::VARCHAR[], lambda x: rapport_visible(x) IS NOT NULL)",
                        [texts]).fetchone()[0]
    disagree = [hex(ord(t[0])) for t, sql in zip(texts, kept, strict=True) if sql != visible(t)]
    assert disagree == []
    assert sum(kept) == len(shown) + 2  # so each side said "visible" exactly where it should


# -- how an export is written --------------------------------------------------------------------------------------
def test_an_output_path_is_checked_before_anything_is_written(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    assert output_problem(tmp_path / "no" / "x.csv") == f"folder {tmp_path / 'no'} does not exist"
    assert output_problem(tmp_path) == f"{tmp_path} is a folder; give a file name"
    assert output_problem(tmp_path / "pipe") == f"{tmp_path / 'pipe'} is not a regular file (a device or a pipe)"
    assert output_problem(tmp_path / "new.csv") is None
    assert output_problem("") == "the file name is empty"


def test_a_write_that_fails_on_a_full_disk_leaves_the_old_file_and_no_other(tmp_path):
    with small_disk(tmp_path / "disk", "1m") as disk:
        out = disk / "export.csv"
        out.write_bytes(b"the previous export\n")
        with pytest.raises(FileError) as caught:
            write_atomically(out, b"x" * (2 * 1024 * 1024))
        message = str(caught.value)
        assert message.startswith(f"{out}: cannot be written (No space left") and "\n" not in message
        assert out.read_bytes() == b"the previous export\n"
        assert sorted(p.name for p in disk.iterdir()) == ["export.csv"]
        write_atomically(out, b"the new export\n")
        assert out.read_bytes() == b"the new export\n" and sorted(p.name for p in disk.iterdir()) == ["export.csv"]
