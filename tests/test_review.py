"""The monthly review on the demo workspace: charts with takeaways, flags, dismissals, safe reports."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest

from engine.demo.load import load_demo_workspace
from engine.insights.report import review_html, review_markdown
from engine.insights.review import build_review, current_flags, month_bounds
from engine.store import Store
from tests.conftest import parsed_contacts

TODAY = date.today()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("review") / "demo.duckdb")
    load_demo_workspace(store, today=TODAY)
    return store


def test_month_bounds():
    assert month_bounds("2024-02", TODAY) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds(None, date(2026, 3, 1)) == (date(2026, 1, 31), date(2026, 3, 1))


def test_the_review_has_every_chart_with_a_takeaway(demo):
    review = build_review(demo, TODAY - timedelta(days=120), TODAY, today=TODAY)
    titles = [s.title for s in review.sections]
    for expected in ("Activity", "Funnel", "Reply rate by channel", "Reply rate by template", "Reply rate by segment",
                     "Reply rate by goal", "Network", "New connections", "Events"):
        assert expected in titles
    assert sum(t.startswith("Goal: ") for t in titles) == 3
    assert all(s.takeaway and s.takeaway.endswith(".") for s in review.sections)
    assert review.totals["outreach"] > 20
    funnel = next(s for s in review.sections if s.title == "Funnel")
    stages = list(funnel.figure.data[0].x)
    assert stages[0] == review.totals["outreach"] and stages == sorted(stages, reverse=True)


def test_the_weaker_channel_of_the_demo_is_flagged_and_a_dismissal_is_kept(demo):
    review = build_review(demo, TODAY - timedelta(days=120), TODAY, today=TODAY)
    keys = [f["key"] for f in review.flags]
    assert "strategy_worse:channel:email" in keys
    email = next(f for f in review.flags if f["key"] == "strategy_worse:channel:email")
    assert "E-mail" in email["evidence"] and "P(worse)" in email["evidence"]
    demo.flags.dismiss("strategy_worse:channel:email", "I only e-mail people who asked for it")
    again = build_review(demo, TODAY - timedelta(days=120), TODAY, today=TODAY)
    assert "strategy_worse:channel:email" not in [f["key"] for f in again.flags]
    assert again.dismissed["strategy_worse:channel:email"] == "I only e-mail people who asked for it"
    with pytest.raises(ValueError, match="why"):
        demo.flags.dismiss("pitch_missing:1", "  ")
    demo.flags.restore("strategy_worse:channel:email")


def test_reports_escape_user_text(demo, tmp_path):
    evil = Store(tmp_path / "evil.duckdb")
    load_demo_workspace(evil, today=TODAY)
    evil.goals.add({"title": "<script>alert(1)</script> [x](javascript:alert(1))", "outcome": "other",
                   "metric": "meetings", "target": 3, "due_date": TODAY + timedelta(days=30)})
    review = build_review(evil, TODAY - timedelta(days=60), TODAY, today=TODAY)
    page = review_html(review)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("Plotly.newPlot") >= len(review.sections)
    markdown = review_markdown(review)
    assert "[x](javascript:alert(1))" not in markdown
    assert r"\[x\]\(javascript:alert\(1\)\)" in markdown


def test_cli_writes_the_html_report(demo, tmp_path):
    out = tmp_path / "review.html"
    done = subprocess.run([sys.executable, "-m", "engine", "review", "--db", str(demo.path), "--out", str(out)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Networking review" in text
    assert len(text) > 1_000_000  # plotly.js is inlined: the file works offline


def test_the_network_chart_counts_each_segment_and_strength_with_labels_shown_as_typed():
    import pandas as pd

    from engine.insights import charts

    contacts = pd.DataFrame({"segment": ["<b>VCs</b>", "<b>VCs</b>", None, "Recruiters", None],
                             "strength": [5, 5, None, 2, 3]})
    figure, takeaway = charts.network_composition(contacts)
    bars = {(trace.name, y): x for trace in figure.data for y, x in zip(trace.y, trace.x)}
    assert bars == {("5/5", "&lt;b&gt;VCs&lt;/b&gt;"): 2, ("not rated", "no segment"): 1,
                    ("2/5", "Recruiters"): 1, ("3/5", "no segment"): 1}
    assert takeaway == "3 of 5 contacts fit one of your goals' segments; 2 relationships are strong (4-5)."
    assert figure.layout.template.layout.plot_bgcolor == "white"  # the report keeps plotly_white's look


def test_the_review_and_the_home_pages_flags_read_the_workspace_over_one_connection(demo, monkeypatch):
    opened = []
    original = Store._open
    monkeypatch.setattr(Store, "_open", lambda self: opened.append(1) or original(self))
    build_review(demo, TODAY - timedelta(days=30), TODAY, today=TODAY)
    assert len(opened) == 1
    assert current_flags(demo, today=TODAY)
    assert len(opened) == 2


def test_reply_rate_by_message_length_shows_only_where_lengths_say_something(tmp_path):
    import pandas as pd

    from engine.insights.refine import reply_rate_by_length

    def outreach(length, replied):
        return {"kind": "outreach", "channel": "email", "message_length": length,
                "outcome": "replied" if replied else "no_response"}

    rows = ([outreach(150, i < 1) for i in range(6)] + [outreach(1200, i < 5) for i in range(6)]
            + [outreach(None, True) for _ in range(10)])
    table = reply_rate_by_length(pd.DataFrame(rows))
    assert table is not None
    rates = dict(zip(table["message length"], zip(table["replies"], table["attempts"], strict=True), strict=True))
    assert rates == {"Short (under 300 characters)": (1, 6), "Long (over 800)": (5, 6)}  # no length: left out
    assert reply_rate_by_length(pd.DataFrame(rows[6:])) is None  # one length group: nothing to compare
    assert reply_rate_by_length(pd.DataFrame([outreach(None, True)] * 12)) is None

    store = Store(tmp_path / "lengths.duckdb")
    store.imports.save_contacts(parsed_contacts([{"first_name": "Ada", "last_name": "Lovelace",
                                                  "full_name": "Ada Lovelace"}]))
    ada = int(store.contacts.find()[0]["id"].iloc[0])
    store.interactions.log_many([{**r, "contact_id": ada, "occurred_on": TODAY - timedelta(days=3)} for r in rows])
    review = build_review(store, TODAY - timedelta(days=30), TODAY, today=TODAY)
    section = next(s for s in review.sections if s.title == "Reply rate by message length")
    assert section.takeaway.startswith("Best: Long (over 800) (5/6); weakest: Short (under 300 characters) (1/6)")


def test_reply_rate_by_time_of_day_from_an_imported_archive(tmp_path):
    """Mornings answered, evenings not: the archive's moments (the user's own time) say so on Review;
    outreach logged by hand, with a date only, is left out of the comparison."""
    from datetime import datetime

    import pandas as pd

    from engine.importers.archive import import_archive
    from engine.insights.refine import reply_rate_by_time_of_day
    from tests.archive_support import JANE, NOOR, OWNER, SAM, Msg, archive_zip, connections_csv, messages_csv

    start = datetime(2024, 3, 4)
    msgs = []
    for week in range(6):
        day = start + timedelta(days=7 * week)
        msgs += [Msg(f"c-jane-{week}", OWNER, [JANE], day.replace(hour=9)),
                 Msg(f"c-jane-{week}", JANE, [OWNER], day.replace(hour=15)),
                 Msg(f"c-sam-{week}", OWNER, [SAM], day.replace(hour=19)),
                 Msg(f"c-noor-{week}", OWNER, [NOOR], day.replace(hour=23, minute=30))]
    msgs.append(Msg("c-last", SAM, [OWNER], start + timedelta(days=120)))  # every reply window has passed
    store = Store(tmp_path / "hours.duckdb")
    store.settings.set("timezone", "UTC")
    archive = archive_zip(tmp_path / "Basic_LinkedInDataExport_01-08-2024.zip", {
        "Connections.csv": connections_csv([JANE, SAM, NOOR]), "messages.csv": messages_csv("2025", msgs)})
    import_archive(store, archive.read_bytes(), archive.name)
    store.interactions.log_many([{"contact_id": 1, "occurred_on": date(2024, 3, 20), "outcome": "replied"}] * 9)

    review = build_review(store, date(2024, 3, 1), date(2024, 4, 30), today=date(2024, 8, 1))
    section = next(s for s in review.sections if s.title == "Reply rate by time of day")
    assert section.takeaway.startswith("Best: Morning (6 am to noon) (6/6)")
    table = reply_rate_by_time_of_day(store.interactions.frame())
    rates = dict(zip(table["time of day"], zip(table["replies"], table["attempts"], strict=True), strict=True))
    assert rates == {"Morning (6 am to noon)": (6, 6), "Evening (5 to 10 pm)": (0, 6), "Night (10 pm to 6 am)": (0, 6)}
    one_part = pd.DataFrame([{"kind": "outreach", "occurred_at": datetime(2024, 3, 4, 9), "outcome": "replied"}] * 9)
    assert reply_rate_by_time_of_day(one_part) is None  # nothing to compare
