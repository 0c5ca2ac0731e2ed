"""Bulk actions: several contacts tagged, given a strength or relationship, or sent outreach at once."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import NotFound, UserError
from engine.store import Store
from tests.test_pages import open_page
from tests.test_records import _contacts


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "w.duckdb")


def test_update_many_adds_tags_and_sets_fields_for_all_or_none(store):
    a, b = _contacts(store)
    store.contacts.update(a, tags=["Work"])
    assert store.contacts.update_many([a, b], add_tags=["Berlin", " Work "], strength=3, relationship="mentor") == 2
    assert store.contacts.get(a)["tags"] == ["Berlin", "Work"] and store.contacts.get(b)["tags"] == ["Berlin", "Work"]
    assert {store.contacts.get(i)["strength"] for i in (a, b)} == {3}
    with pytest.raises(UserError, match="strength"):
        store.contacts.update_many([a, b], strength=9)
    with pytest.raises(NotFound):
        store.contacts.update_many([a, 999], add_tags=["Later"], relationship="peer")
    assert "Later" not in store.contacts.get(a)["tags"] and store.contacts.get(a)["relationship"] == "mentor"
    assert store.contacts.update_many([a, b]) == 0


def _select(app, table_key: str, rows: list[int]):
    app.session_state[table_key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_contacts_page_tags_and_logs_outreach_to_the_selected_rows(store, monkeypatch):
    a, b = _contacts(store)
    app = _select(open_page("ui/contacts.py", store.path, monkeypatch), "contact_table", [0, 1])
    assert any("2 contacts selected" in m.value for m in app.markdown)
    app.multiselect(key="contacts_bulk_tags").set_value(["Met at PyData"])
    app.selectbox(key="contacts_bulk_strength").set_value(4)
    next(b for b in app.button if b.label == "Apply to 2 contacts").click().run()
    assert not app.exception
    assert all(store.contacts.get(i)["tags"] == ["Met at PyData"] and store.contacts.get(i)["strength"] == 4
               for i in (a, b))
    app.date_input(key="contacts_bulk_date").set_value(date(2026, 11, 20))
    next(b for b in app.button if b.label == "Log outreach to 2 contacts").click().run()
    assert not app.exception
    for i in (a, b):
        timeline = store.interactions.timeline(i)
        assert timeline["kind"].tolist() == ["outreach"]
        assert [d.date() for d in timeline["occurred_on"]] == [date(2026, 11, 20)]


def test_the_outreach_page_logs_outreach_to_the_selected_rows_under_their_goals(tmp_path, monkeypatch):
    from engine.demo import load_demo_workspace
    from engine.outreach.opportunities import rank_contacts

    store = Store(tmp_path / "demo.duckdb")
    load_demo_workspace(store, today=date.today())
    app = open_page("ui/outreach.py", store.path, monkeypatch)
    expected = rank_contacts(store).head(2)
    app = _select(app, "outreach_table_0", [0, 1])
    before = len(store.interactions.frame())
    next(b for b in app.button if b.label == "Log outreach to 2 contacts").click().run()
    assert not app.exception
    log = store.interactions.frame()
    assert len(log) == before + 2
    logged = log.tail(2).set_index("contact_id")["goal_id"].astype(int).to_dict()
    assert logged == {int(c): int(g) for c, g in zip(expected["contact_id"], expected["goal_id"])}
