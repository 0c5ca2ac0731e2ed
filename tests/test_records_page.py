"""The Contacts page corrects, deletes (with undo) and merges records (AppTest)."""

from __future__ import annotations

from datetime import date

from engine.store import Store
from tests.test_pages import open_page


def _open_contact(app, row: int = 0):
    app.session_state["contact_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def open_contact_page(store: Store, contact_id: int, monkeypatch):
    """The Contacts page with this contact opened."""
    app = open_page("ui/contacts.py", store.path, monkeypatch)
    return _open_contact(app, app.dataframe[0].value["id"].tolist().index(contact_id))


def _workspace(tmp_path):
    from tests.test_records import _contacts

    store = Store(tmp_path / "w.duckdb")
    keep, dup = _contacts(store)
    store.interactions.log({"contact_id": keep, "kind": "outreach", "channel": "linkedin_message",
                            "occurred_on": date(2026, 11, 2), "notes": "first try"})
    return store, keep, dup


def test_an_interaction_is_corrected_then_deleted_and_undone_from_the_timeline(tmp_path, monkeypatch):
    store, keep, _ = _workspace(tmp_path)
    app = _open_contact(open_page("ui/contacts.py", store.path, monkeypatch))
    timeline = app.dataframe[1].value
    assert timeline["channel"].tolist() == ["LinkedIn message"] and timeline["kind"].tolist() == ["Outreach (I wrote)"]
    assert timeline[["outcome", "goal", "event"]].values.tolist() == [["", "", ""]]  # blank, not "None"
    outcome = next(s for s in app.selectbox if s.label == "Outcome")
    outcome.set_value("replied")
    next(b for b in app.button if b.label == "Save changes").click().run()
    assert not app.exception
    (iid,) = store.interactions.timeline(keep)["id"]
    assert store.interactions.get(int(iid))["outcome"] == "replied"
    next(b for b in app.button if b.label == "Delete this interaction").click().run()
    assert store.interactions.timeline(keep).empty
    assert any("Deleted the interaction" in i.value for i in app.info)
    next(b for b in app.button if b.label == "Undo").click().run()
    assert store.interactions.get(int(iid))["outcome"] == "replied"


def test_a_duplicate_is_merged_from_the_contact(tmp_path, monkeypatch):
    store, keep, dup = _workspace(tmp_path)
    app = open_contact_page(store, keep, monkeypatch)
    merge = next(b for b in app.button if b.label == "Merge")
    assert merge.disabled  # nothing merges without the confirmation
    app.selectbox(key=f"merge_{keep}_other").set_value(dup)
    app.checkbox(key=f"merge_{keep}_sure").check()
    app.run()
    next(b for b in app.button if b.label == "Merge").click().run()
    assert not app.exception
    assert store.contacts.get(dup) is None
    assert store.contacts.get(keep)["email"] == "ada@engines.example"
