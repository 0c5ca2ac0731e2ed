"""Widget keys come from ids, never from what a user wrote: two goals with the same title, two
segments, templates, events and contacts with the same name must not crash any page (Streamlit
refuses two widgets with one key: StreamlitDuplicateElementKey / StreamlitDuplicateElementId)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.test_pages import PAGES, open_page
from tests.twins_support import HOSTILE, SEGMENT, TEMPLATE, build_twins, visible


@pytest.fixture(scope="module")
def twins(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("twins") / "twins.duckdb"
    build_twins(path, today=date.today())
    return path


def test_the_workspace_really_has_twins(twins):
    from engine.store import Store

    store = Store(twins)
    titles = [g["title"] for g in store.goals.all()]
    assert titles.count(HOSTILE) == 2
    assert len(titles) - len(set(titles)) >= 4  # every demo goal twice, and the hostile one
    assert [s["name"] for g in store.goals.all() if g["title"] == HOSTILE for s in g["segments"]].count(SEGMENT) == 4
    assert [t["name"] for t in store.templates.all()].count(TEMPLATE) == 2


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_twins(page, twins, monkeypatch):
    app = open_page(page, twins, monkeypatch)
    assert app.title


def test_goals_page_shows_every_twin_with_its_own_widgets(twins, monkeypatch):
    app = open_page("ui/goals.py", twins, monkeypatch)
    headers = [h.value for h in app.subheader]
    assert sum(visible(h) == HOSTILE for h in headers) == 2, headers
    # the status of one twin changes that twin only (its choice is drawn once its popover is opened)
    from engine.store import Store

    for goal in Store(twins).goals.all(("active",)):
        app.session_state[f"status_open_{goal['id']}"] = True
    app.run()
    status = [s for s in app.selectbox if s.label == "Status"]
    assert len({s.key for s in status}) == len(status) == len(headers)


def test_review_page_runs_with_twin_goals_and_shows_their_titles_as_typed(twins, monkeypatch):
    app = open_page("ui/review.py", twins, monkeypatch)
    app.session_state["review_more_charts"] = True  # open "More charts": every chart and its takeaway
    app.session_state["review_more_flags"] = True  # and "N more to refine": every flag
    app.run()
    keys = [c.key for c in app.get("plotly_chart")] if app.get("plotly_chart") else []
    assert len(keys) == len(set(keys))
    assert not any(m.proto.allow_html for m in [*app.markdown, *app.caption])
    captions = [visible(c.value) for c in app.caption]  # the charts' takeaways
    flags = [visible(m.value) for m in app.markdown]
    assert not any("&lt;" in s or "&gt;" in s for s in captions + flags), [s for s in captions + flags if "&lt;" in s]
    assert any(f"Best: {TEMPLATE} (" in s for s in captions), captions
    assert any(f"Best: {HOSTILE} (" in s for s in captions), captions
    assert any(HOSTILE in s for s in flags), flags


def _option(box, goal: dict):
    """The option a selectbox holds for ``goal``: its id (this code), or the goal itself (older pages)."""
    try:
        return goal["id"] if HOSTILE in box.format_func(goal["id"]) else goal
    except TypeError:
        return goal


@pytest.mark.parametrize("page, label", [("ui/outreach.py", "Goal"), ("ui/messages.py", "For")])
def test_each_twin_goal_can_be_chosen(page, label, twins, monkeypatch):
    """Streamlit resolves a choice by its text (the frontend sends the option's text back): twins must
    read differently, or choosing the first twin silently chooses the second."""
    from engine.store import Store

    twins_ = [g for g in Store(twins).goals.all(statuses=("active",)) if g["title"] == HOSTILE]
    app = open_page(page, twins, monkeypatch)
    box = next(s for s in app.selectbox if s.label == label)
    assert len(set(box.options)) == len(box.options), box.options
    chosen = []
    for goal in twins_:
        box = next(s for s in app.selectbox if s.label == label)
        box.set_value(_option(box, goal)).run()
        assert not app.exception, [e.value for e in app.exception]
        value = next(s for s in app.selectbox if s.label == label).value
        chosen.append(value["id"] if isinstance(value, dict) else value)
    assert chosen == [g["id"] for g in twins_]
