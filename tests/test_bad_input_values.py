"""Bad input, hostile values: formulas, markup, quotes and SQL round-tripping through the store and exports.

Values that look like spreadsheet formulas, HTML or SQL are stored exactly as written and escaped only
in CSV exports.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from engine.exports import csv_bytes
from engine.importers.files import import_file
from engine.records import CONTACT_FIELDS
from tests import bad_input_support
from tests.bad_input_support import import_and_check, rapport, stored_contacts

ws = bad_input_support.ws  # the shared workspace fixture, made visible to this module's tests
TEXT_FIELDS = [f for f in CONTACT_FIELDS if f not in ("connected_on", "tags")]
GENERIC_HEADER = ["First Name", "Last Name", "Full Name", "Email", "Company", "Position", "LinkedIn URL", "Phone",
                  "Location", "Notes", "Tags"]



def csv_file(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def read_csv_export(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "exports start with a BOM for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))



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
    frame = ws.contacts.export()
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
    before = ws.contacts.count()
    report = import_and_check(ws, path)
    assert (report.delimiter, report.inserted, report.rejects) == (delimiter, 2, [])

    # the store: the tables are all there and hold exactly the values
    conn = duckdb.connect(str(ws.path), read_only=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        conn.close()
    assert {"contacts", "imports", "import_rejects"} <= tables
    assert ws.contacts.count() == before + 2
    stored = {c["email"]: c for c in stored_contacts(ws.path)}
    for person in SQLISH:
        row = stored[person["email"]]
        assert {f: row[f] for f in TEXT_FIELDS} == person
        assert row["tags"] == ["it's", '"quoted" tag']

    # the exports: csv_bytes and the command line
    exported = {r["email"]: r for r in read_csv_export(
        csv_bytes(ws.contacts.export().to_dict("records"), TEXT_FIELDS))}
    out = tmp_path / "contacts.csv"
    assert rapport("export", "contacts", "--out", str(out), db=ws.path).returncode == 0
    from_cli = {r["email"]: r for r in read_csv_export(out.read_bytes())}
    for person in SQLISH:
        assert {f: exported[person["email"]][f] for f in TEXT_FIELDS} == person
        assert {f: from_cli[person["email"]][f] for f in TEXT_FIELDS} == person

    # and the same file again changes nothing
    again = import_and_check(ws, path)
    assert (again.inserted, again.unchanged) == (0, 2)
