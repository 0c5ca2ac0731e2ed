"""Outreach and Contacts as a person reads them (issue 18): a 0-100 fit and its parts in words,
a search box on both tables ("3 of 5 contacts"), profile and e-mail links, and a CSV in the same words."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pandas as pd
import pytest

from engine.clock import workspace_today
from engine.outreach.opportunities import explain_contact, rank_contacts
from engine.outreach.table import TABLE_COLUMNS, breakdown, csv_rows, fit, full_score, with_fit
from engine.search import CONTACT_FIELDS, matching, shown_of
from engine.store import ContactQuery, Store
from engine.vocabulary import FACTOR_LABELS
from tests.test_pages import open_page

PEOPLE = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Priya,Raman,https://www.linkedin.com/in/priya-r,priya+pm@stripe.example,Stripe,Head of Product,12 Mar 2024\n"
    "Tom,Baker,,tom@baker.example,Baker & Sons,Accountant,01 Feb 2021\n"
    "Maria,Lopez,https://www.linkedin.com/in/maria-l,,City Hospital,Nurse,19 Aug 2020\n"
    "Sven,Olsen,,,Fjord_Logistics,Product Manager,07 Nov 2019\n"
    "Lena,Weber,,,Bakery Weber,Baker,23 Apr 2022\n"
)


@pytest.fixture
def workspace(tmp_path) -> Store:
    from engine.importers.files import import_file

    store = Store(tmp_path / "surface.duckdb")
    path = tmp_path / "Connections.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    import_file(store, path)
    frame, _ = store.contacts.find()
    ids = dict(zip(frame["full_name"], frame["id"], strict=True))
    store.contacts.update(int(ids["Tom Baker"]), tags=["Old colleagues", "Finance"], strength=4)
    store.goals.add({"title": "Referral into product", "outcome": "referral", "target_roles": ["product manager"],
                     "companies": ["Stripe"], "metric": "conversations", "target": 5,
                     "due_date": workspace_today(store) + timedelta(days=60)})
    return store


def test_the_fit_is_the_score_out_of_its_largest_value_and_its_parts_add_up_in_words(workspace):
    ranked = with_fit(rank_contacts(workspace))
    assert ranked["fit"].between(0, 100).all()
    assert ranked["fit"].tolist() == [fit(s) for s in ranked["score"]]
    assert fit(full_score()) == 100 and fit(0.0) == 0 and fit(2 * full_score()) == 100
    best = ranked[ranked["full_name"] == "Priya Raman"].iloc[0]
    assert 0 < best["fit"] < 100 and best["score"] < 1  # a share of the largest score, not the raw 0.5455
    why = explain_contact(workspace, int(best["contact_id"]))
    parts = breakdown(why["contributions"])
    assert set(parts["factor"]) <= set(FACTOR_LABELS.values())
    assert "Role fit" in set(parts["factor"]) and not {"text", "company", "warmth"} & set(parts["factor"])
    assert parts["points"].sum() == pytest.approx(100 * why["score"] / full_score(), abs=0.5)
    assert not [d for d in parts["detail"] if re.match(r"(role fit|warmth|timing) \d", d)], parts["detail"].tolist()


def test_a_part_without_a_label_is_shown_as_it_is_and_tiny_parts_are_left_out():
    parts = breakdown([("company", 0.2, "Stripe"), ("fatigue", -0.0001, ""), ("new_factor", 0.1, ""),
                       ("warmth", 0.05, "warmth 0.45 (strength, replies, recent contact)"),
                       ("text", 0.3, "role fit 0.62: reads as Product manager")])
    assert parts["factor"].tolist() == ["Target company or industry", "new_factor", "Warmth of the relationship",
                                        "Role fit"]
    assert parts["detail"].tolist() == ["Stripe", "", "from strength, replies, recent contact",
                                        "reads as Product manager"]


def test_the_search_matches_name_company_title_and_tags_in_any_case():
    frame = pd.DataFrame({"full_name": ["Ada Lovelace", "Alan Turing", None],
                          "company": ["Analytical Engines", None, "Bletchley"],
                          "position": ["Data Scientist", "Mathematician", float("nan")],
                          "email": [None, "alan@e.example", None],
                          "tags": [["Work", "Old friends"], [], None]})
    assert matching(frame, "", CONTACT_FIELDS).equals(frame)
    assert matching(frame, "  ada ", CONTACT_FIELDS)["full_name"].tolist() == ["Ada Lovelace"]
    assert matching(frame, "BLETCH", CONTACT_FIELDS).index.tolist() == [2]
    assert matching(frame, "mathem", CONTACT_FIELDS)["full_name"].tolist() == ["Alan Turing"]
    assert matching(frame, "old friend", CONTACT_FIELDS)["full_name"].tolist() == ["Ada Lovelace"]
    assert matching(frame, "work old", CONTACT_FIELDS).empty  # one tag at a time, not the list as a line
    assert matching(frame, "a.n", CONTACT_FIELDS).empty  # text as typed, not a pattern
    assert matching(frame, "alan@", ("full_name", "company", "position")).empty  # only the fields asked for


def test_the_contacts_sql_search_follows_the_same_rule(workspace):
    every, _ = workspace.contacts.find(ContactQuery(page_size=100))
    for text in ("ba", "BAKER", "finance", "old coll", "stripe.example", "_logistics", "o_l", "%", "product"):
        found, total = workspace.contacts.find(ContactQuery(search=text, page_size=100))
        expected = matching(every, text, CONTACT_FIELDS)
        assert sorted(found["id"]) == sorted(expected["id"]) and total == len(expected), text


def test_the_count_reads_n_of_m():
    assert shown_of(3, 5) == "3 of 5 contacts"
    assert shown_of(5, 5) == "5 contacts" and shown_of(1, 1) == "1 contact"
    assert shown_of(0, 1581) == "0 of 1,581 contacts"


def test_the_outreach_csv_has_the_fit_and_plain_links(workspace):
    from engine.exports import csv_text

    text = csv_text(csv_rows(workspace, rank_contacts(workspace)), TABLE_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "score" not in rows[0] and all(0 <= int(r["fit"]) <= 100 for r in rows)
    priya = next(r for r in rows if r["full_name"] == "Priya Raman")
    assert priya["linkedin_url"] == "https://www.linkedin.com/in/priya-r"
    assert priya["email"] == "priya+pm@stripe.example"
    from engine.cli.commands import _export_outreach

    data, _ = _export_outreach(workspace, None)  # `rapport export outreach`: the same columns and words
    exported = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [{k: v for k, v in r.items() if k != "contact_id"} for r in exported] == rows


def _config(element) -> dict:
    return json.loads(element.proto.columns or "{}")


def _column(element, name: str) -> dict:
    config = _config(element)
    return config.get(f"col:name:{name}") or config.get(name) or {}


def test_outreach_shows_a_fit_searches_and_links(workspace, monkeypatch):
    app = open_page("ui/outreach.py", workspace.path, monkeypatch)
    table = app.dataframe[0]
    fit_column = _column(table, "fit")
    assert fit_column["label"] == "Fit" and fit_column["type_config"]["type"] == "progress"
    assert fit_column["type_config"]["max_value"] == 100 and "0 to 100" in fit_column["help"]
    assert "score" not in table.value.columns
    assert _column(table, "linkedin_url")["type_config"]["type"] == "link"
    assert _column(table, "email")["type_config"]["type"] == "link"
    priya = table.value[table.value["full_name"] == "Priya Raman"].iloc[0]
    assert priya["email"] == "mailto:priya%2Bpm@stripe.example"
    assert priya["linkedin_url"] == "https://www.linkedin.com/in/priya-r"
    assert any(c.value.startswith("5 contacts") for c in app.caption)

    app.text_input(key="outreach_search").input("product").run()
    assert sorted(app.dataframe[0].value["full_name"]) == ["Priya Raman", "Sven Olsen"]
    assert any(c.value.startswith("2 of 5 contacts") for c in app.caption)
    app.text_input(key="outreach_search").input("bakery").run()
    assert app.dataframe[0].value["full_name"].tolist() == ["Lena Weber"]


def test_the_selected_person_shows_the_fit_made_of_labelled_parts(workspace, monkeypatch):
    app = open_page("ui/outreach.py", workspace.path, monkeypatch)
    row = app.dataframe[0].value["full_name"].tolist().index("Priya Raman")
    app.session_state["outreach_table_0"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    app.run()
    assert not app.exception
    shown = int(app.dataframe[0].value.iloc[row]["fit"])
    assert any(m.value.startswith(f"**Fit {shown} of 100**") for m in app.markdown)
    parts = next(d for d in app.dataframe if list(d.value.columns) == ["factor", "points", "detail"]).value
    assert "Role fit" in parts["factor"].tolist()
    assert not set(parts["factor"]) & {"text", "company", "seniority", "warmth", "timing", "title_match"}
    assert parts["points"].sum() == pytest.approx(shown, abs=1)


def test_contacts_says_n_of_m_searches_tags_and_links(workspace, monkeypatch):
    app = open_page("ui/contacts.py", workspace.path, monkeypatch)
    assert any(c.value.startswith("5 contacts · page 1 of 1") for c in app.caption)
    table = app.dataframe[0]
    assert _column(table, "email")["type_config"]["type"] == "link"
    assert _column(table, "linkedin_url")["type_config"]["type"] == "link"
    assert "mailto:tom@baker.example" in table.value["email"].tolist()
    app.text_input[0].input("finance").run()
    assert app.dataframe[0].value["full_name"].tolist() == ["Tom Baker"]
    assert any(c.value.startswith("1 of 5 contacts") for c in app.caption)
    app.session_state["contact_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    buttons = {b.label: b.proto.url for b in app.get("link_button")}
    assert buttons["Write an e-mail"] == "mailto:tom@baker.example"



def test_events_show_a_fit_out_of_100_and_dates_in_words(workspace, monkeypatch):
    from engine.outreach.table import full_event_score

    today = workspace_today(workspace)
    soon, before = today + timedelta(days=5), today - timedelta(days=5)
    workspace.events.add({"title": "Product meetup", "kind": "meetup", "starts_at": f"{soon} 18:00:00",
                          "topics": ["product management"], "audience": "product managers"})
    workspace.events.add({"title": "Past fair", "kind": "job fair", "starts_at": f"{before} 18:00:00"})
    app = open_page("ui/events.py", workspace.path, monkeypatch)
    upcoming, past = app.dataframe[0], app.dataframe[1]
    assert "score" not in upcoming.value.columns and _column(upcoming, "fit")["type_config"]["type"] == "progress"
    assert full_event_score() == pytest.approx(1.0)
    assert upcoming.value["fit"].between(1, 100).all()
    assert _column(upcoming, "starts_at")["type_config"]["format"] == "D MMM YYYY, HH:mm"
    assert _column(past, "starts_at")["label"] == "Started" and _column(past, "title")["label"] == "Event"


def test_the_person_opened_stays_open_when_the_list_is_re_ranked_under_the_selection(workspace, monkeypatch):
    app = open_page("ui/outreach.py", workspace.path, monkeypatch)
    first = app.dataframe[0].value["full_name"].iloc[0]
    app.session_state["outreach_table_0"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert [s.value for s in app.subheader] == [first]
    goal = workspace.goals.all()[0]  # the goal changes under the open panel: someone else now ranks first
    workspace.goals.update(goal["id"], {"target_roles": ["nurse"], "companies": ["City Hospital"]})
    next(b for b in app.button if b.label == "Log outreach").click().run()
    assert not app.exception
    assert app.dataframe[0].value["full_name"].iloc[0] != first
    assert [s.value for s in app.subheader] == [first]
    assert any(s.value.startswith(f"Logged: Outreach (I wrote) with {first}") for s in app.success)
    assert len(workspace.interactions.frame()) == 1


def test_a_new_selection_opens_whoever_is_in_that_row(workspace, monkeypatch):
    app = open_page("ui/outreach.py", workspace.path, monkeypatch)
    first = app.dataframe[0].value["full_name"].iloc[0]
    app.session_state["outreach_table_0"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    next(b for b in app.button if b.label == "Not a fit").click().run()  # a mark: the table starts unselected
    assert not app.exception and not app.subheader
    now_first = app.dataframe[0].value["full_name"].iloc[0]
    assert now_first != first
    app.session_state["outreach_table_1"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert [s.value for s in app.subheader] == [now_first]


def test_the_selected_person_says_how_far_the_learned_reply_chance_moved_them(tmp_path, monkeypatch):
    from datetime import date

    from engine.demo import load_demo_workspace
    from engine.outreach.learning import reply_chance_move

    demo = Store(tmp_path / "demo.duckdb")
    load_demo_workspace(demo, today=date.today())
    app = open_page("ui/outreach.py", demo.path, monkeypatch)
    assert any("learning from" in c.value for c in app.caption)
    names = app.dataframe[0].value["full_name"].tolist()
    app.session_state["outreach_table_0"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert not app.exception
    contact_id = int(rank_contacts(demo, top=25).set_index("full_name").loc[names[0], "contact_id"])
    moved = reply_chance_move(explain_contact(demo, contact_id))
    assert moved is not None
    assert moved["sentence"] in [c.value for c in app.caption]
