"""Bad input, end to end: hostile or broken files through ``import_file`` into a real DuckDB store.

Every bad file must (a) fail with a message naming the file and, where it applies, the line and the
column, (b) leave the workspace exactly as it was, and (c) when only some rows are bad, import the
good rows and report and store each rejected row with its line and reason. Values that look like
spreadsheet formulas, HTML or SQL are stored exactly as written and escaped only in CSV exports.
The command line is run as a real process for the cases a user meets first.
"""

from __future__ import annotations

import csv
import io
import json
import pathlib
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import engine.ics
import engine.importers
from engine.exports import csv_bytes
from engine.importing import MAX_UPLOAD_BYTES, import_file, parse_file
from engine.model import CONTACT_FIELDS, ImportFileError
from engine.store import Store

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing."\r\n'
    "\r\n"
)
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
TEXT_FIELDS = [f for f in CONTACT_FIELDS if f not in ("connected_on", "tags")]
GENERIC_HEADER = ["First Name", "Last Name", "Full Name", "Email", "Company", "Position", "LinkedIn URL", "Phone",
                  "Location", "Notes", "Tags"]


def linkedin_row(i: int) -> str:
    return f"Person{i},Surname{i},https://www.linkedin.com/in/person-{i},,Company {i},Engineer,01 Jan 2020"


def linkedin(rows: list[str], preamble: str = PREAMBLE) -> bytes:
    return (preamble + LINKEDIN_HEADER + "\r\n" + "".join(row + "\r\n" for row in rows)).encode("utf-8")


def csv_file(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


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


def stored_contacts(db: Path) -> list[dict]:
    """The contacts exactly as DuckDB holds them (read straight from the file, not through the store)."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        cur = conn.execute(f"SELECT id, {', '.join(CONTACT_FIELDS)} FROM contacts ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        conn.close()


def read_csv_export(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "exports start with a BOM for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def rapport(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(db)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def assert_one_line_refusal(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    return result.stderr.strip()


def import_and_check(store: Store, path: Path, **kwargs):
    """import_file, then check the report against what the store recorded for the import."""
    report = import_file(store, path, **kwargs)
    stored = store.import_rejects(report.import_id)
    assert [(r.line, r.column, r.reason, r.raw) for r in stored] == [
        (r.line, r.column, r.reason, r.raw) for r in report.rejects]
    assert report.rejected == len(report.rejects)
    (row,) = [i for i in store.imports() if i["id"] == report.import_id]
    assert (row["total"], row["inserted"], row["rejected"]) == (report.total, report.inserted, report.rejected)
    return report


def full_names(store: Store) -> set[str]:
    return set(store.contacts_export()["full_name"])


@pytest.fixture
def ws(tmp_path) -> Store:
    """A workspace that already holds an import, so "nothing written" is checked against real data."""
    store = Store(tmp_path / "w.duckdb")
    seed = tmp_path / "seed.csv"
    seed.write_bytes(linkedin([linkedin_row(i) for i in range(1, 4)]))
    assert import_file(store, seed).inserted == 3
    return store


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
    before, contacts, imports = written(ws.path), ws.count_contacts(), ws.imports()
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
    assert (ws.count_contacts(), ws.imports()) == (contacts, imports)
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
    monkeypatch.setattr(engine.ics, "parse_events_ics", refuse)
    monkeypatch.setattr("engine.events_csv.parse_events_csv", refuse)
    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)


def test_parse_file_refuses_60_mb_before_parsing(no_parsing):
    row = (linkedin_row(7) + "\r\n").encode()
    data = LINKEDIN_HEADER.encode() + b"\r\n" + row * (60 * MB // len(row))
    assert len(data) > MAX_UPLOAD_BYTES
    started = time.perf_counter()
    with pytest.raises(ImportFileError) as caught:
        parse_file(data, "Connections.csv")
    assert time.perf_counter() - started < 0.5
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
    assert list(ws.events_frame()["title"]) == ["Good"]


# --- (c): row-level problems in an otherwise good file --------------------------------------------------------


def test_ragged_rows_are_rejected_by_line_and_the_rest_imports(ws, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin([
        linkedin_row(10),  # line 5
        linkedin_row(11) + ",surprise,more",  # line 6: two cells too many
        "Cy,Young,https://www.linkedin.com/in/cy,,Acme",  # line 7: short, padded (the rest is blank)
        linkedin_row(12) + ",",  # line 8: a trailing comma is not a problem
    ]))
    report = import_and_check(ws, path)
    assert report.inserted == 3 and report.total == 4
    assert [(r.line, r.column) for r in report.rejects] == [(6, None)]
    assert report.rejects[0].reason == "the row has 9 fields but the header has 7"
    assert "surprise" in report.rejects[0].raw
    assert {"Person10 Surname10", "Cy Young", "Person12 Surname12"} <= full_names(ws)
    assert "Person11 Surname11" not in full_names(ws)


def test_text_after_a_closing_quote_rejects_that_row_naming_the_column(ws, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin([
        linkedin_row(20),  # line 5
        'Bo,"Nilsson" Jr,https://www.linkedin.com/in/bo,,Acme,CTO,30 May 2024',  # line 6
        linkedin_row(21),  # line 7
    ]))
    report = import_and_check(ws, path)
    assert report.inserted == 2
    assert [(r.line, r.column) for r in report.rejects] == [(6, "Last Name")]
    assert "quote" in report.rejects[0].reason
    assert "Nilsson" in report.rejects[0].raw


def _three_mb_rows(kind: str) -> tuple[bytes, int, str | None, str]:
    """(file, line of the bad row, column named, words in the reason) for each shape of a 3 MB line."""
    header = "First Name,Last Name,Email,Notes\n"
    good = "Ana,Lima,ana@example.org,short\n"
    after = "Bo,Nilsson,bo@example.org,short\n"
    if kind == "one-value":
        bad = "Cy,Young,cy@example.org," + "x" * (3 * MB) + "\n"
        return (header + good + bad + after).encode(), 3, "Notes", "too long"
    if kind == "quoted-value":
        bad = 'Cy,Young,cy@example.org,"' + 'say ""x"", ' * (3 * MB // 10) + '"\n'
        return (header + good + bad + after).encode(), 3, "Notes", "too long"
    if kind == "quoted-multiline-value":
        bad = 'Cy,Young,cy@example.org,"' + "line\n" * (3 * MB // 5) + '"\n'
        return (header + good + bad + after).encode(), 3, "Notes", "too long"
    assert kind == "many-cells"
    bad = "Cy,Young,cy@example.org," + "a," * (3 * MB // 2) + "\n"
    return (header + good + bad + after).encode(), 3, None, "fields but the header has 4"


@pytest.mark.parametrize("kind", ["one-value", "quoted-value", "quoted-multiline-value", "many-cells"])
def test_a_3_mb_line_rejects_its_row_and_the_rest_imports(ws, tmp_path, kind):
    data, line, column, words = _three_mb_rows(kind)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    started = time.perf_counter()
    report = import_and_check(ws, path)
    assert time.perf_counter() - started < 5
    assert [(r.line, r.column) for r in report.rejects] == [(line, column)]
    assert words in report.rejects[0].reason
    assert len(report.rejects[0].raw) <= 500
    assert report.inserted == 2
    assert {"Ana Lima", "Bo Nilsson"} <= full_names(ws) and "Cy Young" not in full_names(ws)


def test_a_3_mb_line_above_the_header_does_not_hide_the_header(ws, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (3 * MB) + b"\n" + linkedin([linkedin_row(30)], preamble=""))
    report = import_and_check(ws, path)
    assert (report.format, report.inserted) == ("linkedin", 1)


def test_a_contacts_file_with_only_a_header_imports_nothing_and_says_so(ws, tmp_path):
    before = ws.count_contacts()
    for name, data in (("Connections.csv", linkedin([])), ("people.csv", b"First Name,Last Name,Email\r\n")):
        path = tmp_path / name
        path.write_bytes(data)
        report = import_and_check(ws, path)
        assert (report.total, report.inserted, report.updated, report.rejected, report.rejects) == (0, 0, 0, 0, [])
    assert ws.count_contacts() == before
    path = tmp_path / "Connections.csv"
    result = rapport("import", str(path), db=ws.path)
    assert result.returncode == 0, result.stderr
    assert "0 rows, 0 new" in result.stdout


def test_an_events_csv_with_only_a_header_imports_nothing(ws, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"Title,Start,Location\r\n")
    report = import_and_check(ws, path, events=True)
    assert (report.total, report.inserted, report.rejects) == (0, 0, [])
    assert [i["kind"] for i in ws.imports() if i["id"] == report.import_id] == ["events"]


def _calendar(events: list[list[str]]) -> tuple[bytes, list[int]]:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"]
    starts = []
    for props in events:
        starts.append(len(lines) + 1)
        lines += ["BEGIN:VEVENT", *props, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(line + "\r\n" for line in lines).encode("utf-8"), starts


def test_an_ics_with_broken_dates_rejects_those_events_by_line_and_property(ws, tmp_path):
    data, starts = _calendar([
        ["UID:good-1", "SUMMARY:Good meetup", "DTSTART:20261015T180000Z"],
        ["UID:tbd", "SUMMARY:Date to be announced", "DTSTART:TBD"],
        ["UID:feb30", "SUMMARY:Leap confusion", "DTSTART:20260230T100000Z"],
        ["UID:far", "SUMMARY:The end of time", "DTSTART;TZID=America/New_York:99991231T230000"],
        ["UID:early", "SUMMARY:Year one", "DTSTART;TZID=Asia/Tokyo:00010101T000000"],
        ["UID:badend", "SUMMARY:Ends whenever", "DTSTART:20261016T180000Z", "DTEND:whenever"],
        ["UID:longdur", "SUMMARY:Forever", "DTSTART:20261017T180000Z", "DURATION:P99999999999W"],
        ["UID:pastend", "SUMMARY:Runs off the calendar", "DTSTART:99991231T180000Z", "DURATION:P2D"],
        ["UID:month13", "SUMMARY:Month 13", "DTSTART;VALUE=DATE:20261301"],
        ["UID:nodate", "SUMMARY:No start at all"],
        ["UID:good-2", "SUMMARY:Second good", "DTSTART:20261101T180000Z", "DTEND:20261101T200000Z"],
    ])
    path = tmp_path / "broken.ics"
    path.write_bytes(data)
    report = import_and_check(ws, path)
    assert (report.total, report.inserted) == (11, 2)
    assert [(r.line, r.column) for r in report.rejects] == [
        (starts[1], "DTSTART"), (starts[2], "DTSTART"), (starts[3], "DTSTART"), (starts[4], "DTSTART"),
        (starts[5], "DTEND"), (starts[6], "DURATION"), (starts[7], "DURATION"), (starts[8], "DTSTART"),
        (starts[9], "DTSTART")]
    assert report.rejects[0].reason == "DTSTART 'TBD' is not a date"
    assert "whenever" in report.rejects[4].reason
    titles = set(ws.events_frame()["title"])
    assert titles == {"Good meetup", "Second good"}


def test_a_3_mb_folded_value_rejects_its_event_or_card_quickly(ws, tmp_path):
    """RFC 5545 and vCard fold long lines every 75 characters: 3 MB is 40,000 pieces to join."""
    folded = "DESCRIPTION:" + "\r\n ".join(["y" * 74] * (3 * MB // 74))
    ics, starts = _calendar([["UID:big", "SUMMARY:Big", "DTSTART:20261015T180000Z", folded],
                             ["UID:ok", "SUMMARY:Fine", "DTSTART:20261016T180000Z"]])
    vcf = ("BEGIN:VCARD\r\nFN:Big Note\r\n" + folded.replace("DESCRIPTION", "NOTE") + "\r\nEND:VCARD\r\n"
           "BEGIN:VCARD\r\nFN:Small Note\r\nNOTE:fine\r\nEND:VCARD\r\n").encode()
    (tmp_path / "big.ics").write_bytes(ics)
    (tmp_path / "big.vcf").write_bytes(vcf)
    started = time.perf_counter()
    events = import_and_check(ws, tmp_path / "big.ics")
    cards = import_and_check(ws, tmp_path / "big.vcf")
    assert time.perf_counter() - started < 5
    assert [(r.line, r.column) for r in events.rejects] == [(starts[0], "DESCRIPTION")]
    assert [(r.line, r.column) for r in cards.rejects] == [(1, "NOTE")]
    assert "too long" in events.rejects[0].reason and "too long" in cards.rejects[0].reason
    assert (events.inserted, cards.inserted) == (1, 1)
    assert "Small Note" in full_names(ws) and "Big Note" not in full_names(ws)


def test_an_events_csv_with_bad_rows_rejects_them_by_line_and_column(ws, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes((
        "Title,Start,End,Location\r\n"
        "Good event,2026-10-15 18:00,2026-10-15 20:00,Berlin\r\n"  # 2
        "Bad start,2026-02-30,,Berlin\r\n"  # 3
        "Bad end,2026-10-16,whenever,Berlin\r\n"  # 4
        "Ragged,2026-10-17,,Berlin,surprise\r\n"  # 5
        ",2026-10-18,,Berlin\r\n"  # 6
        "Long,2026-10-19,," + "x" * (3 * MB) + "\r\n"  # 7
        "Trailing comma,2026-10-20,,Berlin,\r\n"  # 8
    ).encode())
    report = import_and_check(ws, path, events=True)
    assert [(r.line, r.column) for r in report.rejects] == [
        (3, "Start"), (4, "End"), (5, None), (6, "Title"), (7, "Location")]
    assert "5 fields" in report.rejects[2].reason and "too long" in report.rejects[4].reason
    assert all(len(r.raw) <= 500 and len(r.reason) < 200 for r in report.rejects)
    assert set(ws.events_frame()["title"]) == {"Good event", "Trailing comma"}


def test_a_vcard_without_fn_is_rejected_by_line_and_the_other_cards_import(ws, tmp_path):
    vcf = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n"  # line 1
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Nilsson;Bo;;;\r\nEMAIL:bo@example.org\r\nEND:VCARD\r\n"  # line 6
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy Young\r\nEND:VCARD\r\n"  # line 11
    )
    path = tmp_path / "phone.vcf"
    path.write_bytes(vcf.encode())
    report = import_and_check(ws, path)
    assert (report.total, report.inserted) == (3, 2)
    assert [(r.line, r.column) for r in report.rejects] == [(6, "FN")]
    assert "FN" in report.rejects[0].reason
    assert {"Ana Lima", "Cy Young"} <= full_names(ws)
    assert "bo@example.org" not in set(ws.contacts_export()["email"])


def test_a_vcard_file_where_no_card_has_fn_imports_nothing_but_reports_each(ws, tmp_path):
    path = tmp_path / "phone.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nN:Lima;Ana;;;\r\nEND:VCARD\r\nBEGIN:VCARD\r\nN:Nilsson;Bo;;;\r\nEND:VCARD\r\n")
    before = ws.count_contacts()
    report = import_and_check(ws, path)
    assert report.inserted == 0 and [(r.line, r.column) for r in report.rejects] == [(1, "FN"), (4, "FN")]
    assert ws.count_contacts() == before


# --- encodings ------------------------------------------------------------------------------------------------


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def test_utf16_with_a_broken_surrogate_rejects_that_row_only(ws, tmp_path):
    data = (b"\xff\xfe" + _utf16("First Name,Last Name,Email\r\nAna,Lima,ana@example.org\r\nBo,")
            + b"\x00\xd8"  # a high surrogate with no low one after it: line 3, in the Last Name
            + _utf16("Nilsson,bo@example.org\r\nLéa,Seydoux,lea@example.org\r\n"))
    path = tmp_path / "unicode.csv"
    path.write_bytes(data)
    report = import_and_check(ws, path)
    assert report.encoding == "utf-16"
    assert [(r.line, r.column) for r in report.rejects] == [(3, "Last Name")]
    assert "UTF-16" in report.rejects[0].reason
    assert {"Ana Lima", "Léa Seydoux"} <= full_names(ws)


def test_utf16_cut_off_in_the_middle_of_a_character_keeps_the_complete_rows(ws, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes(b"\xff\xfe" + _utf16("First Name,Last Name,Email\r\nAna,Lima,ana@example.org\r\nBo,N") + b"i")
    report = import_and_check(ws, path)
    assert report.inserted == 1 and [(r.line, r.column) for r in report.rejects] == [(3, "Last Name")]


def test_utf16_without_bom_and_a_broken_surrogate(ws, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(_utf16("First Name\tLast Name\tE-mail Address\r\nLéa\tSeydoux\tlea@example.fr\r\nBo\t")
                     + b"\x00\xdc" + _utf16("x\tbo@example.fr\r\n"))
    report = import_and_check(ws, path)
    assert [(r.line, r.column) for r in report.rejects] == [(3, "Last Name")]
    assert "Léa Seydoux" in full_names(ws)


def test_utf8_with_bom_and_an_invalid_byte_rejects_that_row_only(ws, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"\xef\xbb\xbfFirst Name,Last Name,Email\r\n"
                     b"Ana,Li\xffma,ana@example.org\r\nBo,Nilsson,bo@x.org\r\n")
    report = import_and_check(ws, path)
    assert [(r.line, r.column) for r in report.rejects] == [(2, "Last Name")]
    assert "Bo Nilsson" in full_names(ws)


def test_a_cp1252_file_imports_with_its_accents(ws, tmp_path):
    text = ("First Name,Last Name,Email,Company\r\n"
            "René,Müller,rene@example.org,Café “Zur Post” – 5 €\r\n"
            "Zoë,Ødegård,zoe@example.org,Œuvre\r\n")
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))
    report = import_and_check(ws, path)
    assert (report.encoding, report.inserted, report.rejects) == ("cp1252", 2, [])
    stored = {c["email"]: c for c in stored_contacts(ws.path)}
    assert stored["rene@example.org"]["full_name"] == "René Müller"
    assert stored["rene@example.org"]["company"] == "Café “Zur Post” – 5 €"
    assert stored["zoe@example.org"]["full_name"] == "Zoë Ødegård"


def test_bytes_that_cp1252_leaves_undefined_do_not_crash(ws, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"First Name,Last Name,Email\r\nRen\x81,M\x8dller,r@example.org\r\n")
    assert import_and_check(ws, path).inserted == 1


def test_a_utf16_calendar_is_read_as_a_calendar_and_a_broken_character_rejects_its_event(ws, tmp_path):
    text, starts = _calendar([["UID:a", "SUMMARY:Café meetup", "DTSTART:20261015T180000Z"],
                              ["UID:b", "SUMMARY:Broken \x01", "DTSTART:20261016T180000Z"]])
    encoded = b"\xff\xfe" + _utf16(text.decode())
    broken = encoded.replace(_utf16("\x01"), b"\x00\xd8")
    path = tmp_path / "cal.ics"
    path.write_bytes(broken)
    report = import_and_check(ws, path)
    assert (report.format, report.inserted) == ("ics", 1)
    assert [(r.line, r.column) for r in report.rejects] == [(starts[1], "SUMMARY")]
    assert set(ws.events_frame()["title"]) == {"Café meetup"}


# --- values that look like formulas, HTML or SQL: stored exactly, escaped only in CSV exports ---------------

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2+3", '=cmd|"/C calc"!A0']
MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))"]


def _formula_and_markup_file(path: Path) -> list[dict]:
    people = []
    for i, (formula, markup) in enumerate(zip(FORMULAS, MARKUP * 2)):
        people.append({
            "first_name": formula, "last_name": markup, "full_name": formula, "email": f"p{i}@example.org",
            "company": FORMULAS[(i + 1) % len(FORMULAS)], "position": markup,
            "linkedin_url": None, "phone": "+44 20 7946 0958", "location": FORMULAS[(i + 2) % len(FORMULAS)],
            "notes": f"{markup}\n{formula}" if i % 2 else formula, "tags": (),
        })
    rows = [[p["first_name"], p["last_name"], p["full_name"], p["email"], p["company"], p["position"], "",
             p["phone"], p["location"], p["notes"], ""] for p in people]
    path.write_bytes(csv_file(GENERIC_HEADER, rows))
    return people


def test_formulas_and_markup_are_stored_exactly_as_written(ws, tmp_path):
    people = _formula_and_markup_file(tmp_path / "people.csv")
    report = import_and_check(ws, tmp_path / "people.csv")
    assert (report.inserted, report.rejects) == (len(people), [])
    stored = {c["email"]: c for c in stored_contacts(ws.path)}
    for person in people:
        row = stored[person["email"]]
        assert {f: row[f] for f in TEXT_FIELDS} == {f: person[f] for f in TEXT_FIELDS}


def test_formulas_are_escaped_in_every_csv_export(ws, tmp_path):
    people = _formula_and_markup_file(tmp_path / "people.csv")
    import_file(ws, tmp_path / "people.csv")
    by_email = {p["email"]: p for p in people}

    def check(rows: list[dict], fields: dict[str, str]):
        """``fields``: export column -> contact field; every formula cell must come out as '<formula>."""
        checked = 0
        for row in rows:
            person = by_email.get(row.get("email")) or next(
                (p for p in people if p["full_name"] == row.get("full_name", "").removeprefix("'")), None)
            if person is None:
                continue
            for column, field in fields.items():
                value = person[field]
                expected = "'" + value if value[0] in "=+-@" else value
                assert row[column] == expected, (column, row[column])
                checked += 1
        assert checked >= len(people)

    # engine.exports.csv_bytes, as the dashboard's download buttons call it
    frame = ws.contacts_export()
    text_columns = ["first_name", "last_name", "full_name", "email", "company", "position", "location", "notes"]
    exported = read_csv_export(csv_bytes(frame.to_dict("records"), text_columns))
    check(exported, {c: c for c in text_columns})
    phones = [row["phone"] for row in read_csv_export(csv_bytes(frame.to_dict("records"), ["phone"]))]
    assert phones.count("'+44 20 7946 0958") == len(people)

    # rapport export contacts --out F
    out = tmp_path / "contacts.csv"
    assert rapport("export", "contacts", "--out", str(out), db=ws.path).returncode == 0
    check(read_csv_export(out.read_bytes()), {c: c for c in text_columns})

    # rapport rank --csv F (with a goal, so there is something to rank)
    assert rapport("goals", "add", "--template", "referral", "--role", "Engineer", db=ws.path).returncode == 0
    ranked = tmp_path / "rank.csv"
    result = rapport("rank", "--csv", str(ranked), "--top", "100", db=ws.path)
    assert result.returncode == 0, result.stderr
    rank_rows = read_csv_export(ranked.read_bytes())
    for row in rank_rows:
        for column in ("name", "full_name", "company", "position"):
            assert not row[column].startswith(("=", "+", "-", "@")), (column, row[column])
    check([r for r in rank_rows if r["full_name"].removeprefix("'") in {p["full_name"] for p in people}],
          {"full_name": "full_name", "company": "company", "position": "position"})

    # rapport export interactions: the contact's name and company, and notes typed on the command line
    contact_id = int(frame.loc[frame["email"] == people[0]["email"], "id"].iloc[0])
    logged = rapport("log", "--contact", str(contact_id), "--notes", "=1+2", db=ws.path)
    assert logged.returncode == 0, logged.stderr
    interactions = tmp_path / "interactions.csv"
    assert rapport("export", "interactions", "--out", str(interactions), db=ws.path).returncode == 0
    (row,) = read_csv_export(interactions.read_bytes())
    assert row["notes"] == "'=1+2"
    assert row["full_name"] == "'" + people[0]["full_name"] and row["company"] == "'" + people[0]["company"]


def test_csv_bytes_escapes_formulas_inside_lists():
    rows = [{"tags": ["=cmd", "x"], "reasons": ("@SUM(A1)",), "plain": "a=b", "tab": "\t=1", "none": None}]
    (row,) = read_csv_export(csv_bytes(rows, ["tags", "reasons", "plain", "tab", "none"]))
    assert row == {"tags": "'=cmd; x", "reasons": "'@SUM(A1)", "plain": "a=b", "tab": "'\t=1", "none": ""}


def test_export_contacts_writes_tags_as_a_list_and_escapes_them(ws, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file(["Name", "Email", "Tags"], [["Ana Lima", "ana@example.org", "=cmd, x"]]))
    import_file(ws, path)
    out = tmp_path / "contacts.csv"
    assert rapport("export", "contacts", "--out", str(out), db=ws.path).returncode == 0
    (row,) = [r for r in read_csv_export(out.read_bytes()) if r["email"] == "ana@example.org"]
    assert row["tags"] == "'=cmd; x"
    assert row["connected_on"] == ""


# --- quotes and semicolons in every field: import -> store -> export, exactly -------------------------------

SQLISH = [
    {"first_name": "Robert'); DROP TABLE contacts;--", "last_name": 'a";b', "full_name": "x;y",
     "email": "o'brien\";x@example.org", "company": "Acme'; DELETE FROM contacts WHERE ''='",
     "position": 'VP "Sales"; EMEA', "linkedin_url": "https://www.linkedin.com/in/bob';--",
     "phone": "555';--", "location": 'Paris; "Left Bank"', "notes": "He said \"hi\"; then 'bye'\n--;"},
    {"first_name": 'a";b', "last_name": "x;y", "full_name": "Robert'); DROP TABLE contacts;--",
     "email": "x;y@example.org", "company": '";', "position": "';", "linkedin_url": 'https://www.linkedin.com/in/a";b',
     "phone": "0;1", "location": "O'Hare", "notes": "''; DROP TABLE imports; --"},
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_quotes_and_semicolons_round_trip_exactly(ws, tmp_path, delimiter):
    path = tmp_path / "people.csv"
    rows = [[p["first_name"], p["last_name"], p["full_name"], p["email"], p["company"], p["position"],
             p["linkedin_url"], p["phone"], p["location"], p["notes"], "it's, \"quoted\" tag"] for p in SQLISH]
    path.write_bytes(csv_file(GENERIC_HEADER, rows, delimiter=delimiter))
    before = ws.count_contacts()
    report = import_and_check(ws, path)
    assert (report.delimiter, report.inserted, report.rejects) == (delimiter, 2, [])

    # the store: the tables are all there and hold exactly the values
    conn = duckdb.connect(str(ws.path), read_only=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        conn.close()
    assert {"contacts", "imports", "import_rejects"} <= tables
    assert ws.count_contacts() == before + 2
    stored = {c["email"]: c for c in stored_contacts(ws.path)}
    for person in SQLISH:
        row = stored[person["email"]]
        assert {f: row[f] for f in TEXT_FIELDS} == person
        assert row["tags"] == ["it's", '"quoted" tag']

    # the exports: csv_bytes and the command line
    exported = {r["email"]: r for r in read_csv_export(
        csv_bytes(ws.contacts_export().to_dict("records"), TEXT_FIELDS))}
    out = tmp_path / "contacts.csv"
    assert rapport("export", "contacts", "--out", str(out), db=ws.path).returncode == 0
    from_cli = {r["email"]: r for r in read_csv_export(out.read_bytes())}
    for person in SQLISH:
        assert {f: exported[person["email"]][f] for f in TEXT_FIELDS} == person
        assert {f: from_cli[person["email"]][f] for f in TEXT_FIELDS} == person

    # and the same file again changes nothing
    again = import_and_check(ws, path)
    assert (again.inserted, again.unchanged) == (0, 2)


# --- the safety net: an unexpected parser error still names the file ---------------------------------------


def test_an_unexpected_csv_error_inside_a_parser_becomes_a_plain_file_error(monkeypatch):
    def explode(*_args, **_kwargs):
        raise csv.Error("field larger than field limit (131072)")

    monkeypatch.setattr(engine.importers, "parse_contacts", explode)
    with pytest.raises(ImportFileError) as caught:
        parse_file(b"First Name,Email\nAna,a@x.org\n", "people.csv")
    assert caught.value.file_name == "people.csv"


def test_a_failed_save_leaves_no_saved_mapping_behind(ws, tmp_path, monkeypatch):
    path = tmp_path / "crm.csv"
    path.write_bytes(b"Name,Mail Address,Employer\nAna Lima,ana@example.org,Acme\n")
    before = written(ws.path)

    def fail(*_args, **_kwargs):
        raise ImportFileError("crm.csv", "the disk is full")

    monkeypatch.setattr(Store, "save_contact_import", fail)
    with pytest.raises(ImportFileError):
        import_file(ws, path)
    assert written(ws.path) == before

