"""Bad input, whole files: hostile or broken files through ``import_file`` into a real DuckDB store.

Every bad file must fail with a message naming the file and, where it applies, the line and the column,
and leave the workspace exactly as it was. The command line is run as a real process for the cases a
user meets first: exit 2, one line on stderr, no traceback.
"""

from __future__ import annotations

import csv
import json
import pathlib
import subprocess
from pathlib import Path

import duckdb
import pytest

import engine.importers
import engine.importers.ics
from engine.importers.files import MAX_UPLOAD_BYTES, import_file, parse_file
from engine.records import ImportFileError
from engine.store.imports import Imports
from tests import bad_input_support
from tests.bad_input_support import LINKEDIN_HEADER, MB, linkedin, linkedin_row, rapport

ws = bad_input_support.ws  # the shared workspace fixture, made visible to this module's tests


def written(db: Path) -> dict:
    """What the workspace file holds: every table's row count, the imports in full, the data version."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
        state: dict = {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
        state["imports rows"] = conn.execute("SELECT * FROM imports ORDER BY id").fetchall()
        state["rejects rows"] = conn.execute("SELECT * FROM import_rejects ORDER BY ALL").fetchall()
        state["meta"] = conn.execute("SELECT * FROM meta ORDER BY ALL").fetchall()
    finally:
        conn.close()
    return state



def assert_one_line_refusal(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    return result.stderr.strip()



# --- (a) + (b): files refused as a whole, naming file, line and column, writing nothing ---------------------

UNTERMINATED = linkedin([linkedin_row(i) for i in range(5, 14)]  # header on line 4, rows on lines 5-13
                        + ['Nina,Olsen,https://www.linkedin.com/in/nina,,"Acme,Engineer,01 Jan 2020']  # line 14
                        + [linkedin_row(i) for i in range(15, 20)])


def _nul_late() -> bytes:
    rows = [f"Person{i},Surname{i},p{i}@example.org" for i in range(2, 5000)]
    rows[38] = "Bo,Nils\x00son,bo@example.org"  # line 40 (rows[0] is line 2)
    return ("First Name,Last Name,Email\n" + "\n".join(rows) + "\n").encode("utf-8")


FILE_ERRORS = [
    # id, file name, content, words the reason must contain, line, column
    ("empty", "Connections.csv", b"", "empty", None, None),
    ("only-blank-lines-and-a-bom", "Connections.csv", b"\xef\xbb\xbf\r\n  \r\n\t\n", "empty", None, None),
    ("png-named-csv", "Connections.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary",
     None, None),
    ("xlsx-named-csv", "Connections.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 8, "Excel", None,
     None),
    ("unterminated-quote", "Connections.csv", UNTERMINATED, "never closed", 14, "Company"),
    ("unterminated-quote-in-header", "people.csv", b'First Name,"Last Name,Email\nAna,Lima,ana@example.org\n',
     "never closed", 1, None),
    ("duplicate-header", "people.csv", b"First Name,Last Name,Email,Company,Email\nAna,Lima,a@x.org,Acme,b@x.org\n",
     "same name", 1, "Email"),
    ("no-header-row", "people.csv", b"ana@example.org,bo@example.org\nx@example.org,y@example.org\n", "header",
     None, None),
    ("no-name-or-email-column", "people.csv", b"Foo,Bar\n1,2\n", "map", None, None),
    ("nul-byte-deep-in-a-text-file", "people.csv", _nul_late(), "NUL", 40, None),
    ("3mb-column-name", "people.csv", b"First Name,Last Name,Email," + b"x" * (3 * MB) + b"\nAna,Lima,a@x.org,1\n",
     "column name", 1, None),
    ("calendar-without-events", "cal.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no events",
     None, None),
]


@pytest.mark.parametrize(("name", "data", "words", "line", "column"), [c[1:] for c in FILE_ERRORS],
                         ids=[c[0] for c in FILE_ERRORS])
def test_a_bad_file_is_refused_plainly_and_writes_nothing(ws, tmp_path, name, data, words, line, column):
    path = tmp_path / name
    path.write_bytes(data)
    before, contacts, imports = written(ws.path), ws.contacts.count(), ws.imports.history()
    with pytest.raises(ImportFileError) as caught:
        import_file(ws, path)
    error = caught.value
    assert error.file_name == name
    assert words in error.reason
    assert (error.line, error.column) == (line, column)
    message = str(error)
    assert message.startswith(name)
    assert "\n" not in message and len(message) < 300
    if line is not None:
        assert f"line {line}" in message
    if column is not None:
        assert f"column {column!r}" in message
    assert (ws.contacts.count(), ws.imports.history()) == (contacts, imports)
    assert written(ws.path) == before


def test_the_unterminated_quote_message_reads_as_a_sentence(ws, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(UNTERMINATED)
    with pytest.raises(ImportFileError) as caught:
        import_file(ws, path)
    assert str(caught.value).startswith(
        "Connections.csv, line 14, column 'Company': the quoted value that starts here is never closed")


def test_an_unterminated_quote_in_a_later_multiline_record_names_its_own_line_and_column(ws, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(b'Name,Email,Notes\nAna,a@x.org,"two\nlines"\nBo,b@x.org,ok\nCy,c@x.org,"never closed\nmore\n')
    before = written(ws.path)
    with pytest.raises(ImportFileError) as caught:
        import_file(ws, path)
    assert (caught.value.line, caught.value.column) == (5, "Notes")
    assert written(ws.path) == before


EVENT_FILE_ERRORS = [
    ("empty", b"", "empty", None, None),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary", None, None),
    ("unterminated-quote",
     b'Title,Start,Location\r\nA,2026-01-01,Berlin\r\nB,2026-01-02,"Paris\r\nC,2026-01-03,Rome\r\n',
     "never closed", 3, "Location"),
    ("duplicate-header", b"Title,Start,Title\r\nA,2026-01-01,B\r\n", "same name", 1, "Title"),
    ("no-title-column", b"When,Where\r\n2026-01-01,Berlin\r\n", "title", 1, None),
]


@pytest.mark.parametrize(("data", "words", "line", "column"), [c[1:] for c in EVENT_FILE_ERRORS],
                         ids=[c[0] for c in EVENT_FILE_ERRORS])
def test_a_bad_events_csv_is_refused_plainly_and_writes_nothing(ws, tmp_path, data, words, line, column):
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    before = written(ws.path)
    with pytest.raises(ImportFileError) as caught:
        import_file(ws, path, events=True)
    assert caught.value.file_name == "events.csv" and words in caught.value.reason
    assert (caught.value.line, caught.value.column) == (line, column)
    assert written(ws.path) == before


def test_a_file_that_needs_mapping_names_its_columns(ws, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(b"Foo,Bar\n1,2\n")
    with pytest.raises(ImportFileError) as caught:
        import_file(ws, path)
    assert "Foo" in caught.value.reason and "Bar" in caught.value.reason


# --- the 60 MB upload: refused before anything reads or parses it --------------------------------------------


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.write(LINKEDIN_HEADER.encode() + b"\r\n" + linkedin_row(1).encode() + b"\r\n")
        handle.truncate(size)
    return path


@pytest.fixture
def no_parsing(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a file over the limit was read or parsed")

    monkeypatch.setattr(engine.importers, "parse_contacts", refuse)
    monkeypatch.setattr(engine.importers.ics, "parse_events_ics", refuse)
    monkeypatch.setattr("engine.importers.events_csv.parse_events_csv", refuse)
    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)


def test_parse_file_refuses_60_mb_before_parsing(no_parsing):
    row = (linkedin_row(7) + "\r\n").encode()
    data = LINKEDIN_HEADER.encode() + b"\r\n" + row * (60 * MB // len(row))
    assert len(data) > MAX_UPLOAD_BYTES
    with pytest.raises(ImportFileError) as caught:
        parse_file(data, "Connections.csv")  # no_parsing: nothing may read or parse it first
    assert caught.value.file_name == "Connections.csv" and "larger than 50 MB" in caught.value.reason


@pytest.mark.parametrize("events", [False, True], ids=["contacts", "events"])
def test_import_file_refuses_60_mb_without_reading_it(ws, tmp_path, no_parsing, events):
    path = _sparse(tmp_path / "Connections.csv", 60 * MB)
    before = written(ws.path)
    with pytest.raises(ImportFileError) as caught:
        import_file(ws, path, events=events)
    assert "Connections.csv" in str(caught.value) and "larger than 50 MB" in caught.value.reason
    assert written(ws.path) == before


# --- the command line: exit 2, one line on stderr, no traceback, nothing written -----------------------------

CLI_CASES = [
    # id, file name, content (or a callable writing it), extra args, fragments stderr must contain
    ("empty", "Connections.csv", b"", (), ("Connections.csv", "empty")),
    ("binary", "Connections.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, (),
     ("Connections.csv", "binary")),
    ("60mb", "Connections.csv", lambda p: _sparse(p, 60 * MB), (), ("Connections.csv", "larger than 50 MB")),
    ("unterminated-quote", "Connections.csv", UNTERMINATED, (),
     ("Connections.csv, line 14, column 'Company': the quoted value that starts here is never closed",)),
    ("needs-mapping", "crm.csv", b"Foo,Bar\n1,2\n", (), ("crm.csv", "Foo")),
    ("3mb-line-above-nothing", "big.csv", b"x" * (3 * MB) + b"\n", (), ("big.csv", "header")),
    ("events-unterminated-quote", "events.csv", EVENT_FILE_ERRORS[2][1], ("--events",),
     ("events.csv, line 3, column 'Location'", "never closed")),
]


@pytest.mark.parametrize(("name", "content", "extra", "fragments"), [c[1:] for c in CLI_CASES],
                         ids=[c[0] for c in CLI_CASES])
def test_cli_refuses_a_bad_file_in_one_line_and_writes_nothing(ws, tmp_path, name, content, extra, fragments):
    path = tmp_path / name
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    before = written(ws.path)
    result = rapport("import", str(path), *extra, db=ws.path)
    message = assert_one_line_refusal(result, *fragments)
    assert message.startswith("rapport: ")
    assert written(ws.path) == before


def test_cli_events_import_of_a_broken_utf16_file_does_not_crash(ws, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"\xff\xfe" + "Title,Start\r\nGood,2026-10-15\r\n".encode("utf-16-le") + b"\x00\xd8")
    result = rapport("events", "import", str(path), "--json", db=ws.path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert (report["inserted"], [r["line"] for r in report["rejected_rows"]]) == (1, [3])
    assert list(ws.events.frame()["title"]) == ["Good"]

# --- the safety net: an unexpected parser error still names the file ---------------------------------------


def test_an_unexpected_csv_error_inside_a_parser_becomes_a_plain_file_error(monkeypatch):
    def explode(*_args, **_kwargs):
        raise csv.Error("field larger than field limit (131072)")

    monkeypatch.setattr(engine.importers, "parse_contacts", explode)
    with pytest.raises(ImportFileError) as caught:
        parse_file(b"First Name,Email\nAna,a@x.org\n", "people.csv")
    assert caught.value.file_name == "people.csv"


@pytest.mark.parametrize("save", ["save_contacts", "save_csv_directly"])  # either way a file is saved
def test_a_failed_save_leaves_no_saved_mapping_behind(ws, tmp_path, monkeypatch, save):
    path = tmp_path / "crm.csv"
    path.write_bytes(b"Name,Mail Address,Employer\nAna Lima,ana@example.org,Acme\n")
    before = written(ws.path)

    def fail(*_args, **_kwargs):
        raise ImportFileError("crm.csv", "the disk is full")

    if save == "save_contacts":  # as for a file only the Python importer reads
        monkeypatch.setattr(Imports, "save_csv_directly", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(Imports, save, fail)
    with pytest.raises(ImportFileError):
        import_file(ws, path)
    assert written(ws.path) == before
