"""Tiny fixtures: a real DuckDB file in a temp folder, and a helper to build parsed contacts."""

from __future__ import annotations

import pytest

from engine.records import CONTACT_FIELDS, ParsedFile
from engine.store import Store

# Support modules hold asserts too: have pytest rewrite them for readable failures.
pytest.register_assert_rewrite("tests.browser", "tests.faults_support", "tests.importers_support",
                               "tests.bad_input_support", "tests.ranking_support", "tests.direct_support")


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "rapport.duckdb")


def parsed_contacts(rows: list[dict], file_name: str = "contacts.csv", fmt: str = "linkedin") -> ParsedFile:
    """A ParsedFile as an importer would produce it, from dicts of canonical fields."""
    records = [tuple(row.get(f, () if f == "tags" else None) for f in CONTACT_FIELDS) for row in rows]
    return ParsedFile(file_name=file_name, format=fmt, encoding="utf-8", delimiter=",", headers=[],
                      fields=CONTACT_FIELDS, records=records, lines=list(range(2, len(rows) + 2)), total=len(rows))


# The browser fixtures live in tests/browser.py; registering them here (once) lets every browser test
# module share the one session-scoped Playwright instance (two would clash on one asyncio loop).
from tests.browser import browser, dashboard, page  # noqa: E402,F401
