"""Helpers for the direct-path tests: import a file both ways and compare what the workspace holds.

The direct path (DuckDB reads the CSV) must be indistinguishable from the Python importer: the
same report, the same contacts field by field (source included), the same job
changes. ``import_both`` runs each file through both, on two workspaces, and compares after
every file, so a difference shows the file and the first contact that differs.
"""

from __future__ import annotations

import random
from pathlib import Path

from engine.importers.files import import_directly, parse_file, save_parsed
from engine.store import Store

_VOLATILE = ("id", "created_at", "updated_at", "import_id")


def python_import(store: Store, data: bytes, name: str, mapping=None):
    return save_parsed(store, parse_file(data, name, mapping=mapping, store=store))


def snapshot(store: Store) -> list[dict]:
    """Every contact with every column (source included) and its job changes, in id order."""
    ids = [int(i) for i in store.contacts.export()["id"]]
    contacts = []
    for contact_id in ids:
        contact = store.contacts.get(contact_id)
        contacts.append({k: (list(v) if isinstance(v, list | tuple) else v)
                         for k, v in contact.items() if k not in _VOLATILE})
    return contacts


def report_of(report) -> dict:
    return {k: v for k, v in report.to_dict().items() if k != "import_id"}


def import_both(tmp_path: Path, files, must_be_direct: bool = True) -> tuple[Store, Store, list]:
    """Import ``files`` ((data, name, mapping) each) into a Python-path and a direct-path workspace.

    Returns the two stores and, per file, whether the direct path took it. With ``must_be_direct``
    every file has to take it (the test is about files that qualify).
    """
    slow, fast = Store(tmp_path / "python.duckdb"), Store(tmp_path / "direct.duckdb")
    taken = []
    for data, name, mapping in files:
        expected = python_import(slow, data, name, mapping)
        got = import_directly(fast, data, name, mapping=mapping)
        taken.append(got is not None)
        if got is None:
            assert not must_be_direct, f"{name}: the direct path declined a file it should read"
            got = python_import(fast, data, name, mapping)
        assert report_of(got) == report_of(expected), name
        want, have = snapshot(slow), snapshot(fast)
        assert len(have) == len(want), name
        for a, b in zip(have, want, strict=True):
            assert a == b, f"{name}: {a.get('full_name')!r} differs"
    return slow, fast, taken


# --- a generator of awkward LinkedIn-shaped files, for the randomized comparison ------------------

_NAMES = ["Ana", "José", "O’Brien", " Lee ", "\u00a0Kim", "Dr. X", "", " ", 'a"b', "Zoë", "李", "NA", "None",
          "Ana", "ANA", "Ng\t", "Mc-Donald"]
_COMPANIES = ["Acme, Inc.", "Acme Inc", "ACME", "Initech Ltd.", "", "Globex GmbH", "\tTabCo", 'Q "Quoted" Co',
              "Stripe", "Stripe ", "Café Société"]
_URLS = ["https://www.linkedin.com/in/ana", "http://linkedin.com/in/ana/", "HTTPS://WWW.LINKEDIN.COM/IN/ANA?trk=x",
         "linkedin.com/in/j%C3%B3se", "", "", "https://example.com/x", " https://www.linkedin.com/in/bob ",
         "https://uk.linkedin.com/in/cara#top"]
_EMAILS = ["", "", "", "ana@example.com", "ANA@Example.com", "x@y.z ::: w@v.u", " ::: a@b.c", "bob@example.org"]
_POSITIONS = ["CTO", "Founder & CEO", "Head of Data, EMEA", "", " VP ", "Eng\u2003Mgr"]
_DATES = ["08 Jan 2018", "1/8/18", "", "31 Dec 2019", "Jan 5, 2020", "2021-03-04", "5 mars 2020"]
_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]


def _cell(rng: random.Random, value: str, delimiter: str) -> str:
    if any(ch in value for ch in (delimiter, '"', "\n")) or (value and rng.random() < 0.2):
        return '"' + value.replace('"', '""') + '"'
    return value


def awkward_export(seed: int) -> bytes:
    """A small LinkedIn-shaped CSV with the values real exports trip over, varying by seed."""
    rng = random.Random(seed)
    delimiter = rng.choice([",", ",", ";", "\t"])
    newline = rng.choice(["\r\n", "\n", "\r"])
    rows = [delimiter.join(_HEADER)]
    kept: list[list[str]] = []
    for _ in range(rng.randint(1, 25)):
        if kept and rng.random() < 0.15:  # the same person again, perhaps at a new company
            row = list(rng.choice(kept))
            row[4] = rng.choice(_COMPANIES)
        elif rng.random() < 0.08:  # LinkedIn's rows that are empty but for the date
            row = [""] * 6 + [rng.choice(_DATES)]
        else:
            row = [rng.choice(_NAMES), rng.choice(_NAMES), rng.choice(_URLS), rng.choice(_EMAILS),
                   rng.choice(_COMPANIES), rng.choice(_POSITIONS), rng.choice(_DATES)]
        kept.append(row)
        if rng.random() < 0.02:  # a title over two lines: only the Python importer reads it
            row[5] = "Head of\nData"
        cells = [_cell(rng, value, delimiter) for value in row]
        if rng.random() < 0.05:
            cells = cells[: rng.randint(1, 6)]  # a short row: padded
        elif rng.random() < 0.02:
            cells.append("extra")  # a row longer than the header: rejected, by the Python importer only
        rows.append(delimiter.join(cells))
    text = newline.join(rows) + (newline if rng.random() < 0.7 else "")
    return text.encode(rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16"]))
