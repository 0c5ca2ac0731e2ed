"""The encoding is decided on the whole file's evidence (issue 20, item 2: one bad byte garbles every name).

A UTF-8 export with a stray byte, or cut off in the middle of a character, is still UTF-8: those
bytes become U+FFFD, their rows are kept and named in the report's warnings, and every other name
reads right. A cp1252 file is still read as cp1252. And a company or title that differs from the
stored one only by encoding (stored from a file read in the wrong encoding, now read right) is
corrected without recording a job change. Real files in real formats, a real DuckDB workspace.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from engine.importers import direct
from engine.importers.files import import_directly, import_file, parse_file, save_parsed
from engine.store import Store
from tests.bad_input_support import rapport, stored_contacts
from tests.importers_support import LINKEDIN_HEADER, LINKEDIN_PREAMBLE

REPLACEMENT = "\ufffd"
# The LinkedIn preamble takes lines 1-3 and the header line 4, so the n-th row is line 4 + n.
ROWS = [
    "Zoë,Müller-名前,https://www.linkedin.com/in/zoe-mueller,,Café Zürich AG,Gründerin & Geschäftsführerin,05 Oct 2016",
    "Ana,Lima,https://www.linkedin.com/in/ana-lima,ana@example.org,\"Acme, Inc.\",CTO,08 Jan 2018",
    "Siobhán,O’Brien,https://www.linkedin.com/in/siobhan,,Globex – Dublin,Head of Data,1 Feb 2021",
    "José,García,https://www.linkedin.com/in/jose-garcia,,Telefónica,Ingeniero de Señales,31 Dec 2019",
]


def linkedin(rows: list[str]) -> bytes:
    return (LINKEDIN_PREAMBLE + LINKEDIN_HEADER + "\r\n" + "".join(row + "\r\n" for row in rows)).encode()


def contacts_by_url(store: Store) -> dict[str, dict]:
    return {c["linkedin_url"]: c for c in stored_contacts(store.path)}


def job_changes(store: Store) -> list[tuple]:
    conn = duckdb.connect(str(store.path), read_only=True)
    try:
        return conn.execute("SELECT old_company, new_company, old_position, new_position FROM job_changes "
                            "ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def ws(tmp_path) -> Store:
    return Store(tmp_path / "w.duckdb")


def test_one_invalid_byte_garbles_no_name_and_its_row_is_kept_and_named(ws, tmp_path):
    data = linkedin(ROWS).replace(b"Lima", b"Li\xffma")  # line 6, in the Last Name
    path = tmp_path / "Connections.csv"
    path.write_bytes(data)
    report = import_file(ws, path)
    assert (report.encoding, report.inserted, report.rejects) == ("utf-8", 4, [])
    stored = contacts_by_url(ws)
    zoe = stored["https://www.linkedin.com/in/zoe-mueller"]
    assert (zoe["full_name"], zoe["company"], zoe["position"]) == (
        "Zoë Müller-名前", "Café Zürich AG", "Gründerin & Geschäftsführerin")
    assert stored["https://www.linkedin.com/in/siobhan"]["full_name"] == "Siobhán O’Brien"
    assert stored["https://www.linkedin.com/in/jose-garcia"]["position"] == "Ingeniero de Señales"
    ana = stored["https://www.linkedin.com/in/ana-lima"]
    assert (ana["last_name"], ana["full_name"], ana["email"]) == (f"Li{REPLACEMENT}ma", f"Ana Li{REPLACEMENT}ma",
                                                                  "ana@example.org")
    assert len(report.warnings) == 1
    assert "line 6" in report.warnings[0] and "'Last Name'" in report.warnings[0]
    assert "UTF-8" in report.warnings[0]
    assert report.to_dict()["warnings"] == report.warnings


def test_a_file_cut_off_in_the_middle_of_a_character_keeps_its_last_row(ws, tmp_path):
    cut = linkedin(ROWS) + "Wei,Zhang,https://www.linkedin.com/in/wei,,Monzo,数据".encode()[:-2]  # 据 is 3 bytes
    path = tmp_path / "Connections.csv"
    path.write_bytes(cut)
    report = import_file(ws, path)
    assert (report.encoding, report.inserted, report.rejects) == ("utf-8", 5, [])
    stored = contacts_by_url(ws)
    assert stored["https://www.linkedin.com/in/wei"]["position"] == f"数{REPLACEMENT}"
    assert stored["https://www.linkedin.com/in/zoe-mueller"]["full_name"] == "Zoë Müller-名前"
    assert len(report.warnings) == 1 and report.warnings[0].startswith("line 9, column 'Position'")


@pytest.mark.parametrize(("text", "encoding"), [
    ("First Name,Last Name,Email,Company\r\nRené,Müller,rene@example.org,Café “Zur Post” – 5 €\r\n"
     "Zoë,Ødegård,zoe@example.org,Œuvre\r\nJürgen,Groß–Gerau,j@example.org,Straße\r\n", "cp1252"),
    # Þ (0xDE) then ‹ (0x8B) happen to be a valid UTF-8 character: one, against many bytes that are not UTF-8.
    ("First Name,Last Name,Email,Company\r\nÞ‹ra,Müller,t@example.org,Bäckerei Kühn\r\n"
     "Zoë,Ødegård,zoe@example.org,Café\r\n", "cp1252"),
])
def test_a_cp1252_file_is_still_read_as_cp1252(ws, tmp_path, text, encoding):
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode(encoding))
    report = import_file(ws, path)
    assert (report.encoding, report.rejects, report.warnings) == (encoding, [], [])
    stored = {c["email"]: c for c in stored_contacts(ws.path)}
    for line in text.splitlines()[1:]:
        first, last, email, company = line.split(",")
        assert (stored[email]["full_name"], stored[email]["company"]) == (f"{first} {last}", company)


def _as_the_old_importer_read_it(data: bytes) -> bytes:
    """The file as stored by an importer that read UTF-8 as cp1252 (Latin-1 where cp1252 leaves a
    byte undefined), saved back as UTF-8: "CafÃ© ZÃ¼rich AG"."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.encode()


def _import(store: Store, path, how: str):
    if how == "direct":  # both files are clean UTF-8: the direct path takes them
        report = import_directly(store, path.read_bytes(), path.name)
        assert report is not None
        return report
    parsed = parse_file(path.read_bytes(), path.name, store=store)
    return save_parsed(store, parsed)  # no bytes given: the Python reader


@pytest.mark.parametrize("how", ["direct", "python"])
@pytest.mark.parametrize("cp1252_only", [True, False], ids=["cp1252", "latin-1"])
def test_reimporting_the_fixed_file_corrects_names_and_titles_without_job_changes(ws, tmp_path, how, cp1252_only):
    rows = [row for row in ROWS if not cp1252_only or "名" not in row]  # 名 has a byte cp1252 leaves undefined
    rows += [f"Person{i},Ünal,https://www.linkedin.com/in/p{i},,Société Générale {i},Directeur Général,01 Jan 2020"
             for i in range(30)]
    fixed = linkedin(rows)
    garbled = tmp_path / "garbled.csv"
    garbled.write_bytes(_as_the_old_importer_read_it(fixed))
    assert _import(ws, garbled, how).inserted == len(rows)
    ana = "https://www.linkedin.com/in/ana-lima"
    assert contacts_by_url(ws)["https://www.linkedin.com/in/jose-garcia"]["company"] == "TelefÃ³nica"

    # The fixed file, where one person also has a new title: that is the one job change.
    path = tmp_path / "Connections.csv"
    path.write_bytes(fixed.replace("Générale 5,Directeur Général".encode(), "Générale 5,Président".encode()))
    report = _import(ws, path, how)
    assert (report.inserted, report.updated, report.job_changes) == (0, len(rows) - 1, 1)  # Ana is ASCII only
    assert job_changes(ws) == [("SociÃ©tÃ© GÃ©nÃ©rale 5", "Société Générale 5", "Directeur GÃ©nÃ©ral", "Président")]
    stored = contacts_by_url(ws)
    assert stored["https://www.linkedin.com/in/jose-garcia"]["company"] == "Telefónica"
    assert stored["https://www.linkedin.com/in/siobhan"]["company"] == "Globex – Dublin"
    assert stored["https://www.linkedin.com/in/p7"]["position"] == "Directeur Général"
    assert stored["https://www.linkedin.com/in/p7"]["full_name"] == "Person7 Ünal"
    assert stored[ana]["company"] == "Acme, Inc."
    if not cp1252_only:
        zoe = stored["https://www.linkedin.com/in/zoe-mueller"]
        assert (zoe["full_name"], zoe["position"]) == ("Zoë Müller-名前", "Gründerin & Geschäftsführerin")

    # A new company counts too, now that the names are right.
    path.write_bytes(fixed.replace("Société Générale 3,".encode(), "Crédit Agricole,".encode()))
    report = _import(ws, path, how)
    assert report.job_changes == 2  # p3's new company, and p5's title back from Président
    assert sorted(job_changes(ws)[1:]) == [
        ("Société Générale 3", "Crédit Agricole", "Directeur Général", "Directeur Général"),
        ("Société Générale 5", "Société Générale 5", "Président", "Directeur Général")]


def test_a_large_file_with_a_bad_byte_goes_to_the_python_reader_and_is_read_as_utf8(ws, tmp_path):
    rows = [f"Siobhán{i},O’Brien,https://www.linkedin.com/in/s-{i},,Café {i},Ingénieur,05 Oct 2016"
            for i in range(12_000)]
    data = linkedin(rows).replace("Café 11999,".encode(), b"Caf\xe9 11999,")  # one cp1252 byte, on the last row
    assert direct._vet(data, "Connections.csv", None, None) is None
    path = tmp_path / "Connections.csv"
    path.write_bytes(data)
    report = import_file(ws, path)
    assert (report.encoding, report.inserted, report.rejects) == ("utf-8", 12_000, [])
    assert report.warnings == [f"line {4 + 12_000}, column 'Company': bytes that are not valid UTF-8 were "
                               f"replaced with {REPLACEMENT} (the rest of the file is UTF-8)"]
    stored = contacts_by_url(ws)
    assert stored["https://www.linkedin.com/in/s-11999"]["company"] == f"Caf{REPLACEMENT} 11999"
    assert stored["https://www.linkedin.com/in/s-0"]["full_name"] == "Siobhán0 O’Brien"


def test_a_vcard_with_a_bad_byte_names_its_line(ws, tmp_path):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Müller-名前\r\nORG:Café Zürich\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n").encode()
    path = tmp_path / "contacts.vcf"
    path.write_bytes(card.replace(b"Ana Lima", b"Ana Li\xffma"))
    report = import_file(ws, path)
    assert (report.format, report.encoding, report.inserted, report.rejects) == ("vcard", "utf-8", 2, [])
    assert len(report.warnings) == 1 and report.warnings[0].startswith("line 8:")
    assert {c["full_name"] for c in stored_contacts(ws.path)} == {"Zoë Müller-名前", f"Ana Li{REPLACEMENT}ma"}


def test_the_cli_reports_the_warning_and_succeeds(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin(ROWS).replace(b"Lima", b"Li\xffma"))
    db = tmp_path / "cli.duckdb"
    done = rapport("import", str(path), "--json", db=db)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["encoding"], report["inserted"], report["rejected_rows"]) == ("utf-8", 4, [])
    assert len(report["warnings"]) == 1 and "line 6, column 'Last Name'" in report["warnings"][0]
    again = rapport("import", str(path), db=db)
    assert again.returncode == 0, again.stderr
    assert "warning: line 6, column 'Last Name'" in again.stdout
    assert "Zoë Müller-名前" in rapport("contacts", "--json", db=db).stdout


def test_an_events_csv_with_a_bad_byte_is_read_as_utf8(ws, tmp_path):
    text = ("Title,Start,Location\r\nCafé Fintech München,2026-10-15 18:30,Zürich\r\n"
            "Data Night,2026-10-16 18:30,Bad Location\r\n")
    path = tmp_path / "events.csv"
    path.write_bytes(text.encode().replace(b"Bad Location", b"Bad Loc\xe9tion"))
    report = import_file(ws, path, events=True)
    assert (report.encoding, report.inserted, report.rejects) == ("utf-8", 2, [])
    assert len(report.warnings) == 1 and report.warnings[0].startswith("line 3:")
    frame = ws.events.frame()
    assert set(frame["title"]) == {"Café Fintech München", "Data Night"}
    assert set(frame["location"]) == {"Zürich", f"Bad Loc{REPLACEMENT}tion"}


def test_an_ics_with_a_bad_byte_is_read_as_utf8(ws, tmp_path):
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Café Fintech München\r\n"
            "DTSTART:20261015T180000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Data Night\r\n"
            "LOCATION:Bad Location\r\nDTSTART:20261016T180000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    path = tmp_path / "cal.ics"
    path.write_bytes(text.encode().replace(b"Bad Location", b"Bad Loc\xe9tion"))
    report = import_file(ws, path)
    assert (report.format, report.encoding, report.inserted, report.rejects) == ("ics", "utf-8", 2, [])
    assert len(report.warnings) == 1 and report.warnings[0].startswith("line 11:")
    assert set(ws.events.frame()["title"]) == {"Café Fintech München", "Data Night"}


def test_the_import_page_shows_the_warning(tmp_path, monkeypatch):
    from tests.test_pages import open_page

    db = tmp_path / "page.duckdb"
    app = open_page("ui/imports.py", db, monkeypatch)
    app.file_uploader[0].upload("Connections.csv", linkedin(ROWS).replace(b"Lima", b"Li\xffma"), "text/csv").run()
    next(b for b in app.button if b.label.startswith("Import 4 contacts")).click().run()
    assert not app.exception
    assert any("line 6, column 'Last Name'" in w.value and "UTF" in w.value for w in app.warning)
