"""Every ``rapport`` command's ``--json`` is JSON a strict parser accepts, in the shapes scripts need.

The parser refuses ``NaN``/``Infinity`` (Python's json would take them; most others do not). The
workspace is the demo's, which holds what trips a careless encoder: contacts without an e-mail,
tags, dates, timestamps, numpy numbers, empty lists.
"""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from engine.cli import main
from engine.cli.output import json_ready
from tests.test_cli import LINKEDIN

CALENDAR = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:json-1\r\n"
            "SUMMARY:Data Night\r\nDTSTART:20300115T180000Z\r\nLOCATION:Berlin\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def _refuse(constant: str):
    raise ValueError(f"{constant} is not JSON")


def strict(text: str):
    return json.loads(text, parse_constant=_refuse)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-json")
    (folder / "Connections.csv").write_text(LINKEDIN, encoding="utf-8")
    (folder / "events.ics").write_text(CALENDAR, encoding="utf-8")
    return folder


def run(capsys, folder, *args: str):
    code = main([*args, "--json", "--db", str(folder / "w.duckdb")])
    out, err = capsys.readouterr()
    assert code == 0, err
    return strict(out)


def test_json_ready_turns_every_missing_value_into_null_and_dates_into_iso():
    frame = pd.DataFrame({"a": [1.0, np.nan], "when": [pd.Timestamp("2026-03-01"), pd.NaT],
                          "tags": [np.array(["Work"]), np.array([], dtype=object)]})
    assert json_ready({"rows": frame, "na": pd.NA, "inf": math.inf, "n": np.int64(3), "d": date(2026, 3, 1),
                       "t": pd.Timestamp("2026-03-01 18:30")}) == {
        "rows": [{"a": 1.0, "when": "2026-03-01", "tags": ["Work"]}, {"a": None, "when": None, "tags": []}],
        "na": None, "inf": None, "n": 3, "d": "2026-03-01", "t": "2026-03-01T18:30:00"}


def test_every_command_prints_strict_json(capsys, workspace):
    demo = run(capsys, workspace, "demo")
    assert demo["contacts"] > 100
    imported = run(capsys, workspace, "import", str(workspace / "Connections.csv"))
    assert imported["inserted"] == 2 and isinstance(imported["rejected_rows"], list)

    listed = run(capsys, workspace, "contacts", "--limit", "500")
    contacts = listed["contacts"]
    assert listed["left_out"] == listed["total"] - listed["shown"] == listed["total"] - len(contacts)
    assert set(contacts[0]) >= {"id", "first_name", "last_name", "full_name", "linkedin_url", "email", "phone",
                                "company", "position", "location", "connected_on", "tags", "strength",
                                "relationship", "cadence_days", "cadence_max_days", "notes"}
    assert any(c["email"] is None for c in contacts)  # a missing value is null, not NaN or "None"
    assert all(isinstance(c["tags"], list) for c in contacts)
    assert all(c["connected_on"] is None or date.fromisoformat(c["connected_on"]) for c in contacts)

    first = contacts[0]["id"]
    edited = run(capsys, workspace, "contacts", "edit", str(first), "--tags", "Work,Berlin", "--strength", "4",
                 "--relationship", "mentor", "--cadence", "30")
    assert edited == {"id": first, "strength": 4, "relationship": "mentor", "cadence_days": 30,
                      "tags": ["Work", "Berlin"]}
    again = run(capsys, workspace, "contacts", "--search", contacts[0]["full_name"])
    mine = next(c for c in again["contacts"] if c["id"] == first)
    assert (sorted(mine["tags"]), mine["strength"], mine["relationship"]) == (["Berlin", "Work"], 4, "mentor")

    goals = run(capsys, workspace, "goals", "list")
    assert goals and all(isinstance(g["segments"], list) for g in goals)
    added = run(capsys, workspace, "goals", "add", "--template", "referral", "--role", "data scientist")
    assert run(capsys, workspace, "goals", "edit", str(added["id"]), "--status", "paused") == {"id": added["id"]}
    progress = run(capsys, workspace, "goals", "progress")  # the active goals, as Home shows them
    assert [p["id"] for p in progress] == [g["id"] for g in goals if g["status"] == "active"]
    assert all(set(p) == {"id", "goal", "progress", "done", "due", "pace", "next"} for p in progress)
    assert any(p["done"] > 0 for p in progress) and {p["pace"] for p in progress} >= {"on pace", "behind", "done"}
    assert run(capsys, workspace, "events", "import", str(workspace / "events.ics"))["inserted"] == 1
    events = run(capsys, workspace, "events", "list")
    assert any(e["title"] == "Data Night" for e in events)

    ranked = run(capsys, workspace, "rank", "--top", "5")
    assert len(ranked) == 5 and all(isinstance(r["reasons"], list) for r in ranked)
    assert isinstance(run(capsys, workspace, "rank", "--kind", "events"), list)
    logged = run(capsys, workspace, "log", "--contact", str(first), "--date", "2026-03-02")
    assert date.fromisoformat(logged["follow_up_on"]) > date(2026, 3, 2)
    today = run(capsys, workspace, "today")
    assert set(today) >= {"today", "due", "upcoming", "losing_touch", "next_outreach"}
    assert all(isinstance(r.get("reasons", []), list) for r in today["next_outreach"])
    review = run(capsys, workspace, "review")
    assert set(review) >= {"start", "end", "totals", "flags"}
    learning = run(capsys, workspace, "learning")
    assert isinstance(learning["learning"], bool) and learning["outcomes"] >= 0

    backup = run(capsys, workspace, "backup", "--out", str(workspace / "b.zip"))
    assert backup["bytes"] > 0
    restored = run(capsys, workspace, "restore", str(workspace / "b.zip"))
    assert restored["contacts"] == listed["total"]


def test_contacts_says_how_many_the_limit_left_out(capsys, workspace):
    main(["contacts", "--limit", "1", "--db", str(workspace / "w.duckdb")])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("1 of ") and "left out (raise --limit or narrow --search)" in last
