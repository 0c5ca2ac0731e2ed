"""A bug on a page shows users one calm message, never a traceback, and goes to the server log."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page_with_a_bug():
    import streamlit as st

    from ui.common import error_boundary

    with error_boundary("demo"):
        st.title("A page")
        {}["missing"]  # a bug: a KeyError nobody meant
    st.caption("the rest of the app still draws")


def test_a_bug_shows_a_calm_message_and_no_traceback(monkeypatch, caplog):
    from ui.common import BUG_MESSAGE

    monkeypatch.setenv("RAPPORT_RAISE_ERRORS", "0")
    app = AppTest.from_function(_page_with_a_bug).run()
    assert not app.exception
    assert [e.value for e in app.error] == [BUG_MESSAGE]
    assert "KeyError" not in BUG_MESSAGE and app.caption[0].value == "the rest of the app still draws"
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records if r.name == "rapport")


def test_under_the_test_suite_the_bug_is_an_exception_tests_see(monkeypatch):
    monkeypatch.setenv("RAPPORT_RAISE_ERRORS", "1")
    app = AppTest.from_function(_page_with_a_bug).run()
    assert app.exception and "missing" in app.exception[0].value


def test_streamlit_shows_no_details_of_a_bug_outside_the_boundary():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
