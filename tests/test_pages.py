"""AppTest over every page: on an empty workspace and on the demo workspace, no page raises and
each shows what a user came for."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.demo.load import load_demo_workspace
from engine.store import Store

APP = str(Path(__file__).parents[1] / "app.py")
PAGES = ["ui/home.py", "ui/goals.py", "ui/messages.py", "ui/today.py", "ui/outreach.py", "ui/events.py",
         "ui/contacts.py", "ui/companies.py", "ui/imports.py", "ui/settings.py", "ui/review.py"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    load_demo_workspace(Store(path), today=date.today())
    return path


def open_page(page: str, db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("RAPPORT_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    if page != "ui/home.py":
        app.switch_page(page)
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_workspace(page, tmp_path, monkeypatch):
    app = open_page(page, tmp_path / "empty.duckdb", monkeypatch)
    assert app.title, f"{page} shows no title"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_demo_workspace(page, demo_db, monkeypatch):
    app = open_page(page, demo_db, monkeypatch)
    assert app.title


def test_home_offers_demo_or_empty_and_loads_the_demo(tmp_path, monkeypatch):
    app = open_page("ui/home.py", tmp_path / "fresh.duckdb", monkeypatch)
    labels = [b.label for b in app.button]
    assert "Load demo workspace" in labels and "Start empty" in labels
    next(b for b in app.button if b.label == "Load demo workspace").click().run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["Contacts"].replace(",", "")) > 400
    assert int(metrics["Active goals"]) == 3
    # The active goals at a glance: one row each, progress read from the demo's logged outreach.
    (glance,) = [d.value for d in app.dataframe if "To keep pace" in list(d.value.columns) or "pace" in d.value]
    assert len(glance) == 3 and glance["progress"].str.contains(" of ").all()
    assert glance["done"].between(0, 100).all() and glance["done"].max() > 0


def test_outreach_lists_ranked_contacts_with_reasons_and_a_csv(demo_db, monkeypatch):
    app = open_page("ui/outreach.py", demo_db, monkeypatch)
    table = app.dataframe[0].value
    assert len(table) == 25
    assert list(table["rank"][:3]) == [1, 2, 3]
    # Every fifth place goes to someone chosen to learn what works (engine.outreach.exploration),
    # said first in the reasons; the other places are best first.
    from engine.outreach.exploration import REASON

    to_learn = table["reasons"].map(lambda r: len(r) > 0 and r[0] == REASON)
    assert to_learn.tolist() == [(i + 1) % 5 == 0 for i in range(25)]
    assert table.loc[~to_learn, "fit"].is_monotonic_decreasing and table["fit"].between(0, 100).all()
    assert all(len(r) > 0 for r in table["reasons"][:10])
    assert all(isinstance(s, str) and s for s in table["next_step"])
    assert app.get("download_button")


def test_contacts_page_pages_through_the_list_without_sending_it_all(demo_db, monkeypatch):
    app = open_page("ui/contacts.py", demo_db, monkeypatch)
    assert len(app.dataframe[0].value) == 50
    app.text_input[0].input("Group PM").run()
    shown = app.dataframe[0].value
    assert 0 < len(shown) <= 50
    assert all("PM" in p or "Product" in p for p in shown["position"])


def test_new_contact_filters_start_again_on_page_one_without_a_widget_state_warning(demo_db, monkeypatch):
    from streamlit.elements.lib import policies

    monkeypatch.setattr(policies, "_shown_default_value_warning", False)  # Streamlit warns once per process
    app = open_page("ui/contacts.py", demo_db, monkeypatch)
    app.session_state["contacts_page"] = 3  # as if the user had paged on
    app.run()
    assert any(" · page 3 of " in c.value for c in app.caption)
    app.text_input[0].input("a").run()
    assert any(" · page 1 of " in c.value for c in app.caption)
    assert not app.exception
    # The page resets its pager by forgetting the page, not by setting the widget's key from code, which
    # makes Streamlit log 'created with a default value but also had its value set via the Session State API'.
    assert not policies._shown_default_value_warning


def test_a_pitch_over_a_minute_is_flagged_and_versions_are_kept(tmp_path, monkeypatch):
    app = open_page("ui/messages.py", tmp_path / "pitch.duckdb", monkeypatch)
    long_part = " ".join(["word"] * 140)
    app.text_area[0].input("I am Ada, a product manager.")
    app.text_area[1].input(long_part)
    next(b for b in app.button if b.label == "Save as a new version").click().run()
    assert not app.exception
    assert any("over 60 seconds" in w.value for w in app.warning)
    assert Store(tmp_path / "pitch.duckdb").pitches.all(None)[0]["parts"]["who"] == "I am Ada, a product manager."


def test_today_lists_due_follow_ups_on_the_demo(demo_db, monkeypatch):
    app = open_page("ui/today.py", demo_db, monkeypatch)
    metrics = {m.label: int(m.value) for m in app.metric}
    assert metrics["Follow-ups due"] > 0
    assert metrics["Follow-ups due"] == len(app.dataframe[0].value)


def test_today_draws_the_coming_weeks_table_only_once_opened(demo_db, monkeypatch):
    app = open_page("ui/today.py", demo_db, monkeypatch)
    coming = int({m.label: m.value for m in app.metric}["Next 7 days"])
    assert coming > 0  # the demo has follow-ups in the coming week
    tables = len(app.dataframe)
    coming_up = [e.label for e in app.expander if e.label.startswith("Coming up")]
    assert coming_up == [f"Coming up in the next 7 days ({coming})"]
    app.session_state["today_upcoming_open"] = True  # what opening the expander does
    app.run()
    assert len(app.dataframe) == tables + 1
    assert coming in [len(d.value) for d in app.dataframe]


def test_today_offers_the_calendar_file_once_its_popover_is_opened(demo_db, monkeypatch):
    app = open_page("ui/today.py", demo_db, monkeypatch)
    assert not app.multiselect and not app.get("download_button")  # nothing read or drawn until opened
    app.session_state["calendar_open"] = True  # what opening the popover does
    app.run()
    upcoming = Store(demo_db).events.frame(upcoming_from=date.today())
    assert len(upcoming) > 0
    box = app.multiselect(key="calendar_events")
    assert len(box.options) == len(upcoming)
    assert [d.label for d in app.get("download_button")] == ["Download follow-ups and events (.ics)"]


def test_review_page_draws_its_charts_and_flags(demo_db, monkeypatch):
    app = open_page("ui/review.py", demo_db, monkeypatch)
    assert len(app.get("plotly_chart")) == 2  # the headline charts; the rest wait until opened
    more = [e for e in app.expander if e.label.startswith("More charts (")]
    assert len(more) == 1
    app.session_state["review_more_charts"] = True  # what opening "More charts" does
    app.run()
    charts = app.get("plotly_chart")
    assert len(charts) >= 9
    assert more[0].label == f"More charts ({len(charts) - 2})"
    assert any("gets fewer replies" in m.value for m in app.markdown)
    assert any(d.label.startswith("Download the review (HTML") for d in app.get("download_button"))


def test_review_page_draws_each_flags_dismiss_form_and_the_further_flags_only_when_opened(tmp_path, monkeypatch):
    from engine.insights.review import build_review, month_bounds
    from ui.common import widget_key

    db = tmp_path / "review.duckdb"
    store = Store(db)
    load_demo_workspace(store, today=date.today())
    app = open_page("ui/review.py", db, monkeypatch)
    shown = [m.value for m in app.markdown if m.value.startswith("**")]  # each flag's title, in bold
    more = [e for e in app.expander if e.label.endswith(" more to refine")]
    assert len(shown) == 3 and len(more) == 1  # the demo has more than three flags
    assert not app.text_input  # no flag's dismiss form until its popover is opened
    app.session_state["review_more_flags"] = True  # what opening "N more to refine" does
    app.run()
    flags = [m.value for m in app.markdown if m.value.startswith("**")]
    assert len(flags) == 3 + int(more[0].label.split()[0]) and flags[:3] == shown
    first = build_review(store, *month_bounds(None, date.today()), today=date.today()).flags[0]
    app.session_state[widget_key("dismiss_open", first["key"])] = True  # what opening its "Dismiss" does
    app.run()
    assert [t.label for t in app.text_input] == ["Why?"]
    app.text_input[0].input("tried it already")
    next(b for b in app.button if b.label == "Dismiss this flag").click().run()
    assert not app.exception
    assert store.flags.dismissed() == {first["key"]: "tried it already"}
    dismissed = [e for e in app.expander if e.label == "Dismissed flags (1)"]
    assert dismissed and not [b for b in app.button if b.label == "Restore"]  # drawn once opened
    app.session_state["review_dismissed"] = True
    app.run()
    next(b for b in app.button if b.label == "Restore").click().run()
    assert not app.exception and store.flags.dismissed() == {}


def test_goals_page_draws_segment_members_and_edit_forms_only_when_opened(demo_db, monkeypatch):
    app = open_page("ui/goals.py", demo_db, monkeypatch)
    segments = [e for e in app.expander if re.search(r" contacts? match(es)?\b", e.label)]
    assert segments  # counts shown while closed  # counts shown while closed
    assert not app.dataframe and not app.get("form")  # with goals, even the template's form waits to be opened
    assert not [b for b in app.button if b.label == "Remove segment"]  # a closed segment's content waits too
    goal = Store(demo_db).goals.all()[0]
    segment = goal["segments"][0]
    app.session_state[f"seg_open_{segment['id']}"] = True  # what opening the segment's expander does
    app.session_state[f"edit_open_{goal['id']}"] = True
    app.session_state["template_goal_open"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.dataframe) >= 1 and len(app.dataframe[0].value) > 0
    assert [f.proto.form.form_id for f in app.get("form")] == ["goal_template", f"edit_{goal['id']}"]
    assert any(t.value == goal["title"] for t in app.text_input)
    assert [b.key for b in app.button if b.label == "Remove segment"] == [f"del_seg_{segment['id']}"]


def test_a_goals_status_is_changed_from_its_popover_which_draws_the_choice_only_when_opened(tmp_path, monkeypatch):
    db = tmp_path / "status.duckdb"
    store = Store(db)
    load_demo_workspace(store, today=date.today())
    app = open_page("ui/goals.py", db, monkeypatch)
    goal = store.goals.all(("active",))[0]
    assert not [s for s in app.selectbox if s.label == "Status"]
    assert f"Status: {goal['status']}" in [p.proto.popover.label for p in app.get("popover")]
    app.session_state[f"status_open_{goal['id']}"] = True  # what opening the popover does
    app.run()
    app.selectbox(key=f"status_{goal['id']}").select("paused").run()
    assert not app.exception
    assert store.goals.get(goal["id"])["status"] == "paused"
    assert goal["title"] not in [h.value for h in app.subheader]  # the page shows active goals


def test_a_goal_edited_on_goals_has_outreach_ranked_again_before_outreach_opens(tmp_path, monkeypatch):
    import threading

    from engine.outreach import opportunities
    from engine.ranking import OpportunityRanker

    db = tmp_path / "edited.duckdb"
    store = Store(db)
    load_demo_workspace(store, today=date.today())

    def prepared() -> None:  # the page's thread (it imports the ranking), then the one it starts
        for name in ("rapport-prepare", "rapport-prepare-ranker"):
            for thread in threading.enumerate():
                if thread.name == name:
                    thread.join(timeout=120)

    app = open_page("ui/goals.py", db, monkeypatch)
    prepared()  # what Home started on the first load, for the goals as they were
    goal = store.goals.all()[0]
    roles = [*goal["target_roles"], "payments engineer"]
    store.goals.update(goal["id"], {"title": "Referral into a payments team", "target_roles": roles})  # the form saves
    app.run()  # the page again after the save (the form reruns it)
    assert not app.exception, [e.value for e in app.exception]
    prepared()

    def ranked_again(*args, **kwargs):
        raise AssertionError("Outreach ranked again: the Goals page did not prepare it")

    monkeypatch.setattr(OpportunityRanker, "rank", ranked_again)
    listed = opportunities.rank_contacts(store, reasons=False)  # what Outreach asks first
    assert "Referral into a payments team" in set(listed["goal_title"])  # ranked for the goals as edited


def test_settings_still_offers_restore_when_the_workspace_file_is_damaged(tmp_path, monkeypatch):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a database" * 100)
    app = open_page("ui/settings.py", broken, monkeypatch)
    assert any("not a Rapport workspace" in e.value or "could not be opened" in e.value for e in app.error)
    assert app.get("file_uploader"), "the Restore uploader must be there"
    assert broken.read_bytes() == b"this is not a database" * 100  # left alone


def test_logging_an_event_attended_with_the_people_met(tmp_path, monkeypatch):
    db = tmp_path / "events.duckdb"
    load_demo_workspace(Store(db), today=date.today())
    app = open_page("ui/events.py", db, monkeypatch)
    app.text_input(key="attended_search").input("Head of Product").run()
    boxes = [c for c in app.checkbox if c.key and c.key.startswith("met_")]
    assert boxes, "no contact found for the search"
    boxes[0].check().run()
    event_id = app.selectbox(key="attended_event").value
    next(b for b in app.button if b.label == "Log attendance").click().run()
    assert not app.exception
    logged = Store(db).interactions.frame()
    mine = logged[(logged["kind"] == "event") & (logged["event_id"] == event_id)]
    assert len(mine) >= 1 and int(boxes[0].key.removeprefix("met_")) in set(mine["contact_id"])


def test_a_csv_of_unknown_format_is_mapped_and_the_mapping_is_remembered(tmp_path, monkeypatch):
    db = tmp_path / "mapping.duckdb"
    data = "Who,Org,Job,Reach\r\nAda Lovelace,Analytical,Engineer,ada@example.com\r\nAlan Turing,Bletchley,,\r\n"
    app = open_page("ui/imports.py", db, monkeypatch)
    app.file_uploader[0].upload("people.csv", data.encode(), "text/csv").run()
    assert any("Map the columns" in s.value for s in app.subheader)
    app.selectbox(key="map:full_name").select("Who")
    app.selectbox(key="map:company").select("Org")
    app.selectbox(key="map:position").select("Job")
    app.selectbox(key="map:email").select("Reach")
    next(b for b in app.button if b.label == "Use this mapping").click().run()
    next(b for b in app.button if b.label.startswith("Import 2 contacts")).click().run()
    assert not app.exception
    store = Store(db)
    assert store.contacts.count() == 2
    people = store.contacts.export().set_index("full_name")
    assert people.loc["Ada Lovelace", "company"] == "Analytical" and people.loc["Ada Lovelace", "email"] == \
        "ada@example.com"
    again = open_page("ui/imports.py", db, monkeypatch)
    again.file_uploader[0].upload("more.csv", b"Who,Org,Job,Reach\r\nGrace Hopper,Navy,Admiral,\r\n",
                                  "text/csv").run()
    assert not any("Map the columns" in s.value for s in again.subheader), "the saved mapping was not used"
    assert any(b.label == "Import 1 contact" for b in again.button)


def test_an_upload_is_parsed_once_though_importing_it_reruns_the_page(tmp_path, monkeypatch):
    import engine.importers.files
    from tests.importers_support import LINKEDIN_HEADER, LINKEDIN_PREAMBLE

    calls = []
    preview = engine.importers.files.preview_file
    monkeypatch.setattr(engine.importers.files, "preview_file", lambda *a, **k: calls.append(a[1]) or preview(*a, **k))
    data = (LINKEDIN_PREAMBLE + LINKEDIN_HEADER + "\r\n" + "\r\n".join(
        f"Ada{i},Lovelace,https://www.linkedin.com/in/ada-{i},,Analytical,Engineer,08 Jan 2018" for i in range(3))
            + "\r\n,,,,Acme,,\r\n").encode()
    db = tmp_path / "once.duckdb"
    app = open_page("ui/imports.py", db, monkeypatch)
    app.file_uploader[0].upload("Connections.csv", data, "text/csv").run()
    next(b for b in app.button if b.label.startswith("Import 3 contacts")).click().run()
    assert not app.exception
    assert calls == ["Connections.csv"]
    assert Store(db).contacts.count() == 3
    assert {m.label: m.value for m in app.metric}["Rejected"] == "1"
