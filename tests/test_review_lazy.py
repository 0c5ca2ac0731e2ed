"""The review builds a chart only when it is shown (the Review page draws four at first)."""

from __future__ import annotations

from datetime import date

from engine.demo import load_demo_workspace
from engine.insights.report import review_markdown
from engine.insights.review import build_review, month_bounds
from engine.store import Store


def test_sections_are_built_when_first_shown_and_once(tmp_path):
    store = Store(tmp_path / "demo.duckdb")
    load_demo_workspace(store, today=date.today())
    start, end = month_bounds(None, date.today())
    review = build_review(store, start, end, today=date.today())
    assert len(review.sections) > 4 and not any(s.built for s in review.sections)
    first = review.sections[0]
    assert first.figure is first.figure and first.takeaway  # built once, kept
    assert [s.built for s in review.sections] == [True] + [False] * (len(review.sections) - 1)
    review_markdown(review)  # the report shows them all
    assert all(s.built for s in review.sections)
