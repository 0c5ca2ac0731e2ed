"""Tiny fixtures: a real DuckDB file in a temp folder, and a helper to build parsed contacts."""

from __future__ import annotations

import os

import pytest

from engine.records import CONTACT_FIELDS, ParsedFile
from engine.store import Store

# Pages let a bug through instead of showing the calm notice users get (ui.common.error_boundary): a test
# must see every exception. Servers the browser tests start inherit it. tests/test_error_boundary.py unsets it.
os.environ["RAPPORT_RAISE_ERRORS"] = "1"
# The ranker kept on disk (engine.outreach.model_cache) would add a cache/ folder beside each test's workspace;
# tests/test_model_cache.py turns it on where it is the subject.
os.environ["RAPPORT_MODEL_CACHE"] = "0"
os.environ["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] = "full"  # with its message (config.toml: none): `streamlit run`


@pytest.fixture(autouse=True, scope="session")
def _streamlit_shows_error_details():
    """The same for AppTest, which reads .streamlit/config.toml but not the environment."""
    from streamlit import config

    config.set_option("client.showErrorDetails", "full")

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
