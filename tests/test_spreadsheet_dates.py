"""A Connections.csv opened and saved again by a spreadsheet program still imports whole.

The files are generated here as a spreadsheet writes them (see ../shared/formats.md, "Exports
re-saved by a spreadsheet program"): the LinkedIn preamble gone, sometimes the URL column too,
dates rewritten as ``23-Apr-23``, ``4/23/2023`` or ``2023-04-23 00:00:00``, Windows-1252 or UTF-8
with a BOM. A date that still cannot be read never costs the contact: it is kept undated and the
row is named (file, line, column) in a warning, in the CLI's report and on the Import page.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from engine.importers.dates import parse_date
from engine.importers.files import import_file
from engine.store import Store
from tests.bad_input_support import stored_contacts
from tests.importers_support import LINKEDIN_HEADER, LINKEDIN_PREAMBLE

ROOT = Path(__file__).resolve().parents[1]
# Invented people: (first, last, profile slug, e-mail, company, position, connected on).
PEOPLE = [
    ("Ana", "Lima", "ana-lima-1", "", "Acme, Inc.", "CEO", date(2023, 4, 23)),
    ("Bruno", "Gaspé", "bruno-gaspe", "bruno@example.org", "Café Crème", "Barista", date(2019, 12, 1)),
    ("Cleo", "O’Hara", "cleo-o-hara", "", "Initech", "Engineer, Platform", date(2024, 1, 9)),
    ("Dev", "Rao", "dev-rao", "dev@example.org", "Globex", "CTO", date(2018, 7, 31)),
    ("Eli", "Stone", "eli-stone", "", "Umbrella", "Analyst", date(2022, 2, 28)),
]
FORMS = {  # how a spreadsheet writes a date back, by locale and cell format
    "23-Apr-23": lambda d: f"{d.day}-{d:%b}-{d:%y}",
    "4/23/2023": lambda d: f"{d.month}/{d.day}/{d.year}",
    "2023-04-23 00:00:00": lambda d: f"{d:%Y-%m-%d} 00:00:00",
    "23 Apr 2023": lambda d: f"{d:%d %b %Y}",
    "Apr 23, 2023": lambda d: f"{d:%b} {d.day}, {d.year}",
    "serial 45039": lambda d: str((d - date(1899, 12, 30)).days),
}


def original() -> bytes:
    """The export as LinkedIn writes it."""
    out = io.StringIO()
    out.write(LINKEDIN_PREAMBLE + LINKEDIN_HEADER + "\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    for first, last, slug, email, company, position, on in PEOPLE:
        writer.writerow([first, last, f"https://www.linkedin.com/in/{slug}", email, company, position,
                         f"{on:%d %b %Y}"])
    return out.getvalue().encode("utf-8")


def resaved(form: str, urls: bool = False, encoding: str = "cp1252", dates: dict[int, str] | None = None) -> bytes:
    """The export after a spreadsheet saved it: no preamble, the URL column only if ``urls``, dates in
    ``form``, and ``dates`` (row index -> cell) overriding some of them."""
    out = io.StringIO()
    header = LINKEDIN_HEADER.split(",")
    if not urls:
        header.remove("URL")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i, (first, last, slug, email, company, position, on) in enumerate(PEOPLE):
        cell = (dates or {}).get(i, FORMS[form](on))
        row = [first, last, *([f"https://www.linkedin.com/in/{slug}"] if urls else []), email, company, position, cell]
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def dates_of(store: Store) -> dict[str, date | None]:
    return {c["full_name"]: c["connected_on"] for c in stored_contacts(store.path)}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("form", FORMS)
def test_each_spreadsheet_date_form_is_read(form):
    for *_, on in PEOPLE:
        assert parse_date(FORMS[form](on)) == on.isoformat(), FORMS[form](on)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("urls", [True, False], ids=["with-urls", "urls-dropped"])
def test_a_resaved_file_imports_every_contact_with_its_date(tmp_path, form, urls):
    store = Store(tmp_path / "w.duckdb")
    report = import_file(store, write(tmp_path, "Connections.csv", resaved(form, urls)))
    assert (report.inserted, report.rejected, report.warnings) == (len(PEOPLE), 0, [])
    assert dates_of(store) == {f"{p[0]} {p[1]}": p[6] for p in PEOPLE}


def test_a_whole_file_resaved_by_a_spreadsheet_loses_no_contact(tmp_path):
    """Windows-1252, no preamble, no URL column, two-digit years, and the cells Excel leaves when a
    date is beyond it: the unreadable dates are named, their contacts kept without a date."""
    data = resaved("23-Apr-23", encoding="cp1252", dates={1: "#VALUE!", 3: "########", 4: ""})
    store = Store(tmp_path / "w.duckdb")
    report = import_file(store, write(tmp_path, "Connections (1).csv", data))
    assert (report.total, report.inserted, report.rejected) == (5, 5, 0)
    assert report.encoding in ("cp1252", "windows-1252")
    found = dates_of(store)
    assert found == {"Ana Lima": date(2023, 4, 23), "Bruno Gaspé": None, "Cleo O’Hara": date(2024, 1, 9),
                     "Dev Rao": None, "Eli Stone": None}
    assert [w.split(": ")[0] for w in report.warnings] == [
        "Connections (1).csv line 3, column 'Connected On'", "Connections (1).csv line 5, column 'Connected On'"]
    assert "'#VALUE!'" in report.warnings[0] and "without this date" in report.warnings[0]


def test_the_resaved_file_matches_the_contacts_of_the_original_export(tmp_path):
    """Imported after the original, the resaved file (no URLs now) finds the same people by name and
    e-mail: nobody is added twice, and an unreadable date does not erase the date already known."""
    store = Store(tmp_path / "w.duckdb")
    first = import_file(store, write(tmp_path, "Connections.csv", original()))
    assert first.inserted == len(PEOPLE)
    again = import_file(store, write(tmp_path, "resaved.csv", resaved("4/23/2023", dates={0: "n/a"})))
    assert again.inserted == 0 and again.rejected == 0
    assert store.contacts.count() == len(PEOPLE)
    assert dates_of(store)["Ana Lima"] == date(2023, 4, 23)
    assert len(again.warnings) == 1 and "line 2" in again.warnings[0]


def test_the_cli_reports_the_undated_rows(tmp_path):
    path = write(tmp_path, "Connections.csv", resaved("2023-04-23 00:00:00", encoding="utf-8-sig",
                                                      dates={2: "sometime in 2021"}))
    done = subprocess.run([sys.executable, "-m", "engine", "import", str(path), "--json", "--db",
                           str(tmp_path / "w.duckdb")], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ}, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["inserted"], report["rejected"]) == (5, 0)
    assert report["warnings"] == ["Connections.csv line 4, column 'Connected On': unparseable date "
                                  "'sometime in 2021'; the contact was imported without this date"]


def test_the_import_page_shows_the_undated_rows_before_and_after_importing(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RAPPORT_DB", str(tmp_path / "page.duckdb"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("ui/imports.py")
    app.run()
    data = resaved("23-Apr-23", dates={4: "31-Feb-23"})
    app.file_uploader[0].upload("Connections.csv", data, "text/csv").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("line 6, column 'Connected On'" in w.value for w in app.warning)
    next(b for b in app.button if b.label.startswith("Import 5 contacts")).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert {m.label: m.value for m in app.metric}["Inserted"] == "5"
    assert any("line 6, column 'Connected On'" in w.value and "without this date" in w.value for w in app.warning)
    assert dates_of(Store(tmp_path / "page.duckdb"))["Eli Stone"] is None
