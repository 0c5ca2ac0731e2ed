"""Words a person would write (issue 18): no raw values on any page, in the CSVs or in the review report.

A workspace with hostile and messy data (names carrying Markdown, HTML and LaTeX; blank companies;
contacts with and without dates; interactions on every channel with every outcome; a goal with a
segment; an event) is opened page by page with AppTest, with the detail parts opened the way a user
opens them, and every piece of text a person reads is collected and searched for raw values.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pandas as pd
import pytest

from engine.clock import workspace_today
from engine.store import Store
from engine.vocabulary import CHANNELS, OUTCOMES, plural
from tests.test_pages import PAGES, open_page

HOSTILE = "**Bold** <b>x</b> $x^2$ [link](http://e.example)"

# Whole words or exact fragments a person should never read.
RAW = ["linkedin_message", "linkedin_connection", "in_person", "no_response", "next_step", "full_name",
       "goal_title", "segment_name", "None", "nan", "NaN", "NaT", "1.0 replies", ".0 messages", "00:00:00"]
_WORDY = {"None", "nan", "NaN", "NaT"}  # only as words: "nan" inside "financial" is fine


def _raw_in(text: str) -> list[str]:
    found = []
    for raw in RAW:
        pattern = rf"(?<![A-Za-z]){re.escape(raw)}(?![A-Za-z])" if raw in _WORDY else re.escape(raw)
        if re.search(pattern, text):
            found.append(raw)
    return found


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    from engine.importers.files import import_file

    folder = tmp_path_factory.mktemp("words")
    store = Store(folder / "words.duckdb")
    today = workspace_today(store)
    path = folder / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        f'"{HOSTILE}",Lovelace,https://www.linkedin.com/in/ada-l,ada@e.example,Analytical Engines,Product Manager,'
        "01 Mar 2024\n"
        "Grace,Hopper,https://www.linkedin.com/in/grace-h,,,Engineering Manager,\n"
        f"Alan,Turing,,alan@e.example,,Data Scientist,{(today - timedelta(days=3)):%d %b %Y}\n"
        'Katherine,Johnson,https://www.linkedin.com/in/kj,,"<i>Nasa</i> $$\\frac{1}{2}$$",Recruiter,02 Jan 2020\n',
        encoding="utf-8")
    import_file(store, path)
    frame, _ = store.contacts.find()
    ids = [int(i) for i in frame["id"]]
    day = today - timedelta(days=20)
    for n, channel in enumerate(CHANNELS):
        for m, outcome in enumerate(OUTCOMES):
            store.interactions.log({"contact_id": ids[(n + m) % len(ids)], "kind": "outreach", "channel": channel,
                                    "occurred_on": day + timedelta(days=(n + m) % 15), "outcome": outcome,
                                    "notes": HOSTILE})
    store.interactions.log({"contact_id": ids[0], "kind": "inbound", "channel": "email",
                            "occurred_on": today - timedelta(days=2)})
    for n, channel in enumerate(("linkedin_message", "linkedin_connection", "in_person")):  # due, then coming up
        store.interactions.log({"contact_id": ids[n + 1], "kind": "outreach", "channel": channel,
                                "occurred_on": today - timedelta(days=8), "follow_up_on": today - timedelta(days=1)
                                + timedelta(days=4 * (n == 2))})
    store.interactions.log({"contact_id": ids[1], "kind": "meeting", "channel": "in_person",
                            "occurred_on": today - timedelta(days=1), "follow_up_on": today})
    goal = store.goals.add({"title": f"Referral {HOSTILE}", "outcome": "referral",
                            "target_roles": ["Product Manager"], "companies": ["Analytical Engines"],
                            "metric": "conversations", "target": 5, "due_date": today + timedelta(days=60),
                            "segments": [{"name": f"PMs {HOSTILE}", "roles": ["Product Manager"]}]})
    store.events.add({"title": f"Meetup {HOSTILE}", "kind": "meetup",
                      "starts_at": f"{today + timedelta(days=5)} 18:00:00", "location": HOSTILE,
                      "topics": ["product"], "description": HOSTILE})
    return store, goal


def _config(element) -> dict:
    return json.loads(element.proto.columns or "{}")


def _spec(config: dict, column) -> dict:
    return config.get(f"col:name:{column}") or config.get(str(column)) or {}


def _headers(element) -> list[str]:
    """The column headers a person reads: the column_config label where one is set, else the column name."""
    config = _config(element)
    return [_spec(config, c).get("label") or str(c) for c in element.value.columns
            if not _spec(config, c).get("hidden")]


_FORMATTED = ("date", "datetime", "time", "progress", "number")  # column types Streamlit draws with a format


def _cells(element) -> list[str]:
    """Every cell as drawn. A missing value in a text column is drawn as a grey "None" (glide-data-grid's
    placeholder), so it counts as one; in a number or date column it is drawn blank."""
    config, frame, out = _config(element), element.value, []
    for column in frame.columns:
        spec = _spec(config, column)
        if spec.get("hidden") or (spec.get("type_config") or {}).get("type") in _FORMATTED:
            continue
        text = pd.api.types.is_object_dtype(frame[column].dtype) or pd.api.types.is_string_dtype(frame[column].dtype)
        if text and frame[column].isna().any():
            out.append(f"None (a missing value in column {column!r})")
        for value in frame[column].tolist():
            if hasattr(value, "tolist") and not isinstance(value, str):  # lists arrive as numpy arrays
                value = value.tolist()
            if isinstance(value, (list, tuple)):
                out += [str(v) for v in value]
            elif value is None or (not isinstance(value, str) and value != value):
                continue
            else:
                out.append(str(value))
    return out


def page_texts(app) -> list[str]:
    """Every piece of text a person reads on the page as drawn."""
    texts = []
    for kind in ("markdown", "caption", "text", "info", "warning", "success", "error", "title", "header",
                 "subheader"):
        texts += [str(e.value) for e in app.get(kind)]
    for metric in app.metric:
        texts += [str(metric.label), str(metric.value)]
    for box in list(app.selectbox) + list(app.multiselect) + list(app.radio):
        texts.append(str(box.label))
        fmt = getattr(box, "format_func", None)
        texts += [str(o) for o in box.options] if fmt is None else [str(o) for o in box.options]
    for element in app.dataframe:
        texts += _headers(element) + _cells(element)
    for element in app.get("expander"):
        texts.append(str(element.label))
    return texts


def _opened(app, store: Store, goal: int) -> list:
    """The page as drawn, then with its detail parts opened the way a user opens them."""
    drawn = [page_texts(app)]
    states = [
        {"contact_table": {"selection": {"rows": [0], "columns": [], "cells": []}}},
        {"outreach_table_0": {"selection": {"rows": [0], "columns": [], "cells": []}}},
        {"due_table": {"selection": {"rows": [0], "columns": [], "cells": []}}},
        {"review_more_charts": True},
        {f"seg_open_{s['id']}": True for s in store.goals.get(goal)["segments"]} | {f"edit_open_{goal}": True},
    ]
    for state in states:
        for key, value in state.items():
            app.session_state[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    drawn.append(page_texts(app))
    return drawn


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_raw_value(page, messy, monkeypatch):
    store, goal = messy
    app = open_page(page, store.path, monkeypatch)
    problems = {}
    for texts in _opened(app, store, goal):
        for text in texts:
            found = _raw_in(text)
            if found:
                problems.setdefault(text[:120], found)
    assert not problems, f"{page} shows raw values: {problems}"


def test_the_import_page_maps_and_previews_an_upload_in_words(tmp_path, monkeypatch):
    data = (f"Who,Org,Job,Reach,Since\r\n\"{HOSTILE}\",,Engineer,ada@e.example,2024-03-01\r\n"
            "Alan Turing,Bletchley,,,\r\n").encode()
    app = open_page("ui/imports.py", tmp_path / "imports.duckdb", monkeypatch)
    app.file_uploader[0].upload("people.csv", data, "text/csv").run()
    app.selectbox(key="map:full_name").select("Who")
    app.selectbox(key="map:email").select("Reach")
    app.selectbox(key="map:connected_on").select("Since")
    next(b for b in app.button if b.label == "Use this mapping").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(b.label == "Import 2 contacts" for b in app.button)
    found = {text[:120]: _raw_in(text) for text in page_texts(app) if _raw_in(text)}
    assert not found, found


def test_today_does_not_ask_for_a_goal_when_one_is_active(messy, monkeypatch):
    store, _ = messy
    app = open_page("ui/today.py", store.path, monkeypatch)
    assert not any("Add an active goal" in c.value for c in app.caption)


def test_the_csvs_handed_out_have_no_raw_values(messy):
    from engine.cli.commands import _export_contacts, _export_interactions, _export_outreach

    store, _ = messy
    for export in (_export_contacts, _export_interactions, _export_outreach):
        data, _ = export(store, None)
        # Still allowed: the header line names columns by their field names (full_name, next_step),
        # which scripts and re-imports read; every cell below it is checked.
        text = data.decode("utf-8-sig").split("\r\n", 1)[1]
        assert not _raw_in(text), (export.__name__, _raw_in(text))


def test_the_review_report_has_no_raw_values(messy):
    from engine.insights.report import review_markdown
    from engine.insights.review import build_review

    store, _ = messy
    today = workspace_today(store)
    text = review_markdown(build_review(store, today - timedelta(days=30), today, today=today))
    assert not _raw_in(text), _raw_in(text)


def test_plurals_read_as_a_person_writes_them():
    assert [plural(n, "contact") for n in (0, 1, 2, 1581)] == [
        "0 contacts", "1 contact", "2 contacts", "1,581 contacts"]
    assert plural(1, "reply") == "1 reply" and plural(3, "reply") == "3 replies"
    assert plural(1, "week") == "1 week" and plural(2.0, "message") == "2 messages"


def test_the_detector_catches_what_it_should():
    assert _raw_in("1.0 replies from 2.0 messages") == ["1.0 replies", ".0 messages"]
    assert _raw_in("None") == ["None"] and not _raw_in("financial Nonesuch")


def test_missing_text_is_drawn_blank_and_lists_and_numbers_are_left_alone():
    import numpy as np
    import pandas as pd

    from ui.common import blank_missing

    frame = pd.DataFrame({"relationship": ["mentor", None, float("nan")], "tags": [["Work"], np.array(["A"]), []],
                          "strength": [1.0, None, 3.0], "due": [date(2026, 1, 1), None, date(2026, 1, 3)]})
    shown = blank_missing(frame)
    assert shown["relationship"].tolist() == ["mentor", "", ""]
    assert shown["tags"].tolist()[0] == ["Work"] and list(shown["tags"].tolist()[1]) == ["A"]
    assert shown["strength"].isna().tolist() == [False, True, False]  # a number column draws blank itself
    assert shown["due"].tolist()[1] is None  # a date column keeps its type (a DateColumn draws it blank)
    assert blank_missing(shown) is shown  # nothing left to blank: the same frame
