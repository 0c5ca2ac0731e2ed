"""Forms start blank again after a successful submit, so a second click does not make a duplicate;
a saved contact shows its new tags at once (issue 18, AppTest)."""

from __future__ import annotations

from engine.store import Store
from tests.test_pages import open_page
from tests.test_records_page import _open_contact, _workspace, open_contact_page


def _text(app, label: str):
    return next(t for t in app.text_input if t.label == label)


def _click(app, label: str):
    next(b for b in app.button if b.label == label).click().run()
    assert not app.exception, [e.value for e in app.exception]


def test_a_goal_from_a_template_clears_the_form(tmp_path, monkeypatch):
    app = open_page("ui/goals.py", tmp_path / "g.duckdb", monkeypatch)
    _text(app, "Role").input("data scientist")
    _text(app, "Target companies (comma-separated, optional)").input("Globex")
    _click(app, "Create goal")
    assert [g["title"] for g in Store(tmp_path / "g.duckdb").goals.all()] == ["Referral into a data scientist role"]
    assert any("Goal created" in s.value for s in app.success)
    assert not [t for t in app.text_input if t.label == "Role"]  # with a goal, the template's form closes
    app.session_state["template_goal_open"] = True  # what opening it again does
    app.run()
    assert _text(app, "Role").value == "" and _text(app, "Target companies (comma-separated, optional)").value == ""


def test_a_goal_from_scratch_clears_the_form(tmp_path, monkeypatch):
    app = open_page("ui/goals.py", tmp_path / "g.duckdb", monkeypatch)
    app.session_state["new_goal_open"] = True  # what opening 'New goal from scratch' does
    app.run()
    _text(app, "Title").input("Meet climate founders")
    _click(app, "Save goal")
    assert [g["title"] for g in Store(tmp_path / "g.duckdb").goals.all()] == ["Meet climate founders"]
    assert _text(app, "Title").value == ""


def _events_with_the_form_open(tmp_path, monkeypatch):
    app = open_page("ui/events.py", tmp_path / "e.duckdb", monkeypatch)
    assert not any(t.label == "Title" for t in app.text_input)  # drawn only once opened
    app.session_state["add_event_open"] = True  # what opening 'Add an event' does
    app.run()
    return app


def test_a_new_event_clears_the_form(tmp_path, monkeypatch):
    app = _events_with_the_form_open(tmp_path, monkeypatch)
    _text(app, "Title").input("Product meetup")
    _text(app, "Topics (comma-separated)").input("product, growth")
    _click(app, "Add event")
    assert Store(tmp_path / "e.duckdb").events.frame()["title"].tolist() == ["Product meetup"]
    assert _text(app, "Title").value == "" and _text(app, "Topics (comma-separated)").value == ""
    _click(app, "Add event")  # a second click on the blank form adds nothing
    assert len(Store(tmp_path / "e.duckdb").events.frame()) == 1


def test_an_event_that_is_refused_keeps_what_was_typed(tmp_path, monkeypatch):
    app = _events_with_the_form_open(tmp_path, monkeypatch)
    _text(app, "Topics (comma-separated)").input("product")
    _click(app, "Add event")  # no title: refused
    assert any("title" in e.value for e in app.error)
    assert _text(app, "Topics (comma-separated)").value == "product"


def test_logged_outreach_clears_its_notes_and_says_so(tmp_path, monkeypatch):
    store, keep, _ = _workspace(tmp_path)
    app = _open_contact(open_page("ui/contacts.py", store.path, monkeypatch))
    before = len(store.interactions.timeline(keep))
    notes = next(t for t in app.text_input if t.label == "Notes")
    notes.input("asked about the data team")
    _click(app, "Log outreach")
    assert len(store.interactions.timeline(keep)) == before + 1
    assert "asked about the data team" in store.interactions.timeline(keep)["notes"].tolist()
    assert any(s.value.startswith("Logged: Outreach (I wrote) with") for s in app.success)
    assert next(t for t in app.text_input if t.label == "Notes").value == ""
    assert app.dataframe[1].value["notes"].tolist().count("asked about the data team") == 1  # on the timeline now


def test_a_saved_contact_shows_its_new_tags_at_once(tmp_path, monkeypatch):
    store, keep, _ = _workspace(tmp_path)
    app = open_contact_page(store, keep, monkeypatch)
    tags = next(m for m in app.multiselect if m.label == "Tags")
    tags.set_value(["Mentors", "Data"])
    _click(app, "Save")
    assert store.contacts.get(keep)["tags"] == ["Data", "Mentors"]
    table = app.dataframe[0].value
    assert list(table.loc[table["id"] == keep, "tags"].iloc[0]) == ["Data", "Mentors"]
    assert next(m for m in app.multiselect if m.label == "Tags").value == ["Data", "Mentors"]
