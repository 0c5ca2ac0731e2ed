"""Contact importer date parsing, and a 100k-row LinkedIn export read whole (its speed: benchmarks/import_bench.py)."""

from __future__ import annotations

import re

import pytest

from engine.importers import dates
from engine.importers.dates import BAD, parse_date
from engine.records import CONTACT_FIELDS
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


def test_linkedins_own_form_reads_as_the_general_way_reads_it(monkeypatch):
    """The shortcut for "05 Oct 2016" must agree with the general rules on every such string,
    days that do not exist and month names it does not know included."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Mai", "Okt", "Foo"]
    texts = [f"{day:02d} {month} {year}" for day in range(0, 33) for month in months for year in (1999, 2000, 2024)]
    fast = [parse_date(text) for text in texts]
    monkeypatch.setattr(dates, "_LINKEDIN", re.compile(r"(?!)"))  # never matches: the general way only
    assert fast == [parse_date(text) for text in texts]
    assert fast.count(BAD) > len(months) * 3  # 00 Jan, 31 Feb, 32 Dec, Foo ... were among them


def test_a_100k_row_linkedin_export_is_read_whole(tmp_path):
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
    parsed = load(tmp_path, "Connections.csv", data)
    assert len(parsed.records) + parsed.skipped_blank == 100_000
    assert parsed.rejects == []
    assert parsed.records[-1][CONTACT_FIELDS.index("full_name")] == "Person99999 Surname, Jr."
    assert parsed.lines[-1] == 100_004
