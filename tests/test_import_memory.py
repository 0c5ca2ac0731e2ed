"""Imports in bounded memory (issue 20, item 7): a file read a chunk at a time gives exactly what it
gave read whole, stays one transaction, and an import that outgrows DuckDB's bound still succeeds.

``benchmarks/import_memory.py`` measures the memory itself (400,000 rows under 500 MB on every path);
these tests hold the behaviour: small chunks and small pieces of text (``CHUNK_ROWS``, ``_PIECE``)
make a few thousand rows cross every boundary a 400,000-row file crosses. Real files, a real DuckDB.
"""

from __future__ import annotations

import duckdb
import pytest

from engine.importers import rows as rows_module
from engine.importers import stream_contacts
from engine.importers.decode import scannable_head
from engine.importers.files import import_file, parse_file, save_parsed
from engine.records import ImportFileError
from engine.store import Store
from engine.store import imports as imports_module
from tests.bad_input_support import stored_contacts

PEOPLE = 3_000  # with the padding below, over the 256 KB head: the text is decoded a piece at a time
PAD = "Staff Engineer – Platform Infrastructure – Zürich"


def export(people: int = PEOPLE, bad: bool = True) -> tuple[bytes, dict]:
    """A CSV with a BOM, a quoted value spanning lines and, with ``bad``, rows to reject; (bytes, where
    the awkward rows are). Line 1 is the header, so the person of row i is on line i + 2 until the
    value spanning lines, which moves every later row one line down."""
    lines = ["Name,Email,Company,Position,Connected On"]
    where = {}
    for i in range(people):
        line_no = len(lines) + 1 + sum(1 for key in where if key == "multiline")
        if i == 1234:
            where["multiline"] = line_no
            lines.append(f'Multi Line,multi@example.org,"Acme\nGmbH",{PAD},05 Oct 2016')
        elif bad and i == 1500:
            where["ragged"] = line_no
            lines.append(f"Rag Ged,rag@example.org,Acme,{PAD},05 Oct 2016,surplus")
        elif bad and i == 2000:
            where["bad_date"] = line_no
            lines.append(f"Bad Date,bad@example.org,Acme,{PAD},31 Feb 2016")
        elif bad and i == 2500:
            where["after_quote"] = line_no
            lines.append(f'After Quote,aq@example.org,"Acme" Ltd,{PAD},05 Oct 2016')
        else:
            lines.append(f"Person {i} Ödön,p{i}@example.org,Company {i % 97},{PAD},05 Oct 2016")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"), where


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(rows_module, "CHUNK_ROWS", 97)
    monkeypatch.setattr(rows_module, "PIECE", 64)


def _outcome(report, store: Store):
    contacts = sorted((c["full_name"], c["email"], c["company"], str(c["connected_on"]))
                      for c in stored_contacts(store.path))
    return ((report.total, report.inserted, report.skipped_blank, report.rejected),
            [(r.line, r.column, r.reason, r.raw) for r in report.rejects], contacts)


def test_a_file_read_in_small_chunks_imports_exactly_as_read_whole(tmp_path, monkeypatch):
    data, where = export()
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    whole = Store(tmp_path / "whole.duckdb")
    expected = _outcome(import_file(whole, path), whole)
    assert expected[0] == (PEOPLE, PEOPLE - 2, 0, 2)  # the row with a bad date is kept, undated
    assert [(line, column) for line, column, *_ in expected[1]] == [
        (where["ragged"], None), (where["after_quote"], "Company")]
    assert ("Bad Date", "bad@example.org", "Acme", "None") in expected[2]
    monkeypatch.setattr(rows_module, "CHUNK_ROWS", 97)
    monkeypatch.setattr(rows_module, "PIECE", 64)
    chunked = Store(tmp_path / "chunked.duckdb")
    assert _outcome(import_file(chunked, path), chunked) == expected
    multi = [c for c in stored_contacts(chunked.path) if c["full_name"] == "Multi Line"][0]
    assert multi["company"] == "Acme\nGmbH"


def test_the_chunks_are_the_records_parse_file_gives(small_chunks):
    data, _where = export()
    assert scannable_head(data, "people.csv") is not None  # the text is decoded a piece at a time
    parsed, chunks = stream_contacts(data, "people.csv")
    sizes, records, lines = [], [], []
    for chunk_records, chunk_lines in chunks:
        sizes.append(len(chunk_records))
        records += chunk_records
        lines += chunk_lines
    assert max(sizes) <= 97 and len(sizes) > 25  # really read a chunk at a time
    whole = parse_file(data, "people.csv")
    assert (records, lines) == (whole.records, whole.lines)
    assert (parsed.total, parsed.rejects, parsed.warnings) == (whole.total, whole.rejects, whole.warnings)


def test_a_quote_never_closed_far_down_is_named_and_the_chunks_staged_before_it_are_not_written(
        tmp_path, small_chunks):
    store = Store(tmp_path / "w.duckdb")
    data, _where = export(bad=False)
    first = tmp_path / "people.csv"
    first.write_bytes(data)
    import_file(store, first)
    broken = data + f'Never Closed,nc@example.org,"Acme,{PAD},05 Oct 2016\r\n'.encode()
    line = data.count(b"\n") + 1
    second = tmp_path / "more.csv"
    second.write_bytes(broken.replace(b"p1@example.org", b"p1@example.com"))  # a change staged, then lost
    with pytest.raises(ImportFileError) as caught:
        import_file(store, second)
    assert (caught.value.line, caught.value.column) == (line, "Company")
    assert "never closed" in caught.value.reason
    assert store.contacts.count() == PEOPLE and len(store.imports.history()) == 1
    assert "p1@example.com" not in {c["email"] for c in stored_contacts(store.path)}


def _memory_limit(store: Store) -> str:
    with store.reading() as conn:
        return conn.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


@pytest.mark.parametrize("bad", [False, True])  # the direct path, and the Python reader (a row to reject)
def test_an_import_that_needs_more_memory_than_its_bound_runs_once_more_unbounded(tmp_path, monkeypatch, bad):
    data, _where = export(bad=bad)
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    expected_store = Store(tmp_path / "expected.duckdb")
    with expected_store.session():  # one connection: the limit read is the one the import ran under
        report = import_file(expected_store, path)
        default = _memory_limit(expected_store)
    expected = _outcome(report, expected_store)

    bounds = []
    for name in ("_save_stream", "_save_direct"):
        original = getattr(imports_module.Imports, name)

        def spy(self, *args, _original=original):
            bounds.append(args[-1])
            return _original(self, *args)

        monkeypatch.setattr(imports_module.Imports, name, spy)
    monkeypatch.setattr(imports_module, "IMPORT_MEMORY", "1MB")
    store = Store(tmp_path / "w.duckdb")
    with store.session():
        report = import_file(store, path)
        assert _memory_limit(store) == default  # DuckDB's own limit given back
    assert _outcome(report, store) == expected
    assert bounds[-2:] == ["1MB", None]  # out of memory under the bound, then imported without it


def test_the_import_page_path_still_saves_what_it_previewed(tmp_path, small_chunks):
    data, _where = export()
    store = Store(tmp_path / "w.duckdb")
    parsed = parse_file(data, "people.csv", store=store)
    report = save_parsed(store, parsed, data=data)
    assert (report.inserted, report.rejected) == (len(parsed.records), len(parsed.rejects))
    with duckdb.connect(str(store.path), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM contacts").fetchall()[0][0] == PEOPLE - 2  # bad date: kept


def vcards(count: int) -> bytes:
    cards = []
    for i in range(count):
        folded = f"NOTE:{'a long note that folds ' * 6}\r\n  and goes on {i}\r\n" if i % 5 == 0 else ""
        fn = "" if i == 77 else f"FN:Card {i} Ödön\r\n"  # a card without FN: rejected, naming its line
        cards.append(f"BEGIN:VCARD\r\nVERSION:3.0\r\n{fn}N:Ödön;Card {i};;;\r\nORG:Company {i % 13}\r\n"
                     f"{folded}EMAIL:c{i}@example.org\r\nEND:VCARD\r\n")
    return "".join(cards).encode()


def test_a_vcard_file_read_in_small_chunks_imports_exactly_as_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "contacts.vcf"
    path.write_bytes(vcards(2_000))
    assert scannable_head(path.read_bytes(), "contacts.vcf") is not None  # read from the bytes a piece at a time
    whole = Store(tmp_path / "whole.duckdb")
    expected = _outcome(import_file(whole, path), whole)
    # 7 lines a card, 2 more for each folded note before card 77's BEGIN:VCARD
    assert expected[0] == (2_000, 1_999, 0, 1) and expected[1][0][:2] == (77 * 7 + 16 * 2 + 1, "FN")
    monkeypatch.setattr(rows_module, "CHUNK_ROWS", 23)
    monkeypatch.setattr(rows_module, "PIECE", 50)
    chunked = Store(tmp_path / "chunked.duckdb")
    assert _outcome(import_file(chunked, path), chunked) == expected
