"""Contact importer date parsing, and the speed of parsing a 100k-row LinkedIn export."""

from __future__ import annotations

import time

import pytest

from engine.importers.dates import BAD, parse_date
from engine.model import CONTACT_FIELDS
from tests.importers_support import LINKEDIN_HEADER, LINKEDIN_PREAMBLE, load

# --- Dates and speed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("30 May 2024", "2024-05-30"),
        ("02 Jun 2022", "2022-06-02"),
        ("1/8/18, 6:14 PM", "2018-01-08"),
        ("12/31/17, 11:02 AM", "2017-12-31"),
        ("31/12/2017", "2017-12-31"),
        ("2024-05-30", "2024-05-30"),
        ("2024-05-30T10:00:00Z", "2024-05-30"),
        ("May 30, 2024", "2024-05-30"),
        ("30.05.2024", "2024-05-30"),
        ("30 mai 2024", "2024-05-30"),
        ("3. März 2024", "2024-03-03"),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["yesterday", "31 Feb 2024", "13/13/2020", "2024-13-01", "30 Foo 2024"])
def test_parse_date_rejects(text):
    assert parse_date(text) is BAD


def test_100k_row_linkedin_export_parses_quickly(tmp_path):
    lines = [LINKEDIN_PREAMBLE + LINKEDIN_HEADER]
    for i in range(100_000):
        if i % 33 == 0:
            lines.append(",,,,,,02 Jun 2022")
        else:
            lines.append(
                f'Person{i},"Surname, Jr.",https://www.linkedin.com/in/person-{i:07d},,'
                f'"Company {i % 700}, Inc.",Senior Engineer {i % 40},{1 + i % 28:02d} May {2010 + i % 15}'
            )
    data = ("\n".join(lines) + "\n").encode()
    start = time.perf_counter()
    parsed = load(tmp_path, "Connections.csv", data)
    elapsed = time.perf_counter() - start
    assert len(parsed.records) + parsed.skipped_blank == 100_000
    assert parsed.rejects == []
    assert parsed.records[-1][CONTACT_FIELDS.index("full_name")] == "Person99999 Surname, Jr."
    assert parsed.lines[-1] == 100_004
    assert elapsed < 1.5, f"100k rows took {elapsed:.2f}s"  # ~0.25 s measured; generous for CI noise
