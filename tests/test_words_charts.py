"""Words a person would write, in the Review's charts and its HTML report (issue 18): hover texts in words
(never plotly's ``column=value`` or a raw 0.5455), dates as '09 Nov 2026' (never '00:00:00 Nov 30, 2026'),
labels for channels (never ``linkedin_message``). Same hostile, messy workspace as test_words.py."""

from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
import pytest

from engine.clock import workspace_today
from engine.insights.report import review_html
from engine.insights.review import build_review
from tests.test_words import _raw_in, messy  # noqa: F401  (messy is the module's fixture)

_PLACEHOLDER = re.compile(r"%\{(x|y)(\|[^}]*|:[^}]*)?\}")


@pytest.fixture(scope="module")
def review(messy):  # noqa: F811
    store, _ = messy
    today = workspace_today(store)
    return build_review(store, today - timedelta(days=30), today, today=today)


def _kind(values) -> str:
    """What a trace's x or y holds: dates, fractions (numbers that are not whole), whole numbers or text."""
    array = np.asarray(values if values is not None else [])
    if array.dtype.kind == "M":
        return "date"
    if array.dtype.kind == "f":
        finite = array[np.isfinite(array)]
        return "whole" if np.all(finite == np.round(finite)) else "fraction"
    return "whole" if array.dtype.kind in "iu" else "text"


def _hover_problems(trace) -> list[str]:
    template = trace.hovertemplate
    if not template:
        return ["no hover template: plotly shows its raw default"]
    problems = [f"column=value hover: {template}"] if re.search(r"\w=%\{", template) else []
    for axis, fmt in _PLACEHOLDER.findall(template):
        kind = _kind(getattr(trace, axis))
        if kind == "date" and not fmt.startswith("|"):
            problems.append(f"date {axis} without a date format: {template}")
        if kind == "fraction" and not fmt:
            problems.append(f"fraction {axis} shown raw: {template}")
    return problems


def _words(fig) -> list[str]:
    """Every string of a figure a person reads: titles, names, texts, hover texts and templates."""
    layout = fig.layout
    words = [layout.title.text, layout.legend.title.text, layout.xaxis.title.text, layout.yaxis.title.text]
    words += [a.text for a in layout.annotations]
    for trace in fig.data:
        words += [trace.name, trace.hovertemplate]
        for field in ("text", "hovertext"):
            value = getattr(trace, field, None)
            words += list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value]
        if trace.y is not None and _kind(trace.y) == "text":
            words += [str(v) for v in trace.y]
    return [str(w) for w in words if w]


def test_every_chart_hovers_in_words_with_dates_and_rates_formatted(review):
    problems = {}
    for section in review.sections:
        fig = section.figure
        found = [p for trace in fig.data for p in _hover_problems(trace)]
        found += [f"raw {_raw_in(w)} in {w[:80]!r}" for w in _words(fig) if _raw_in(w)]
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            dated = any(_kind(t.x if axis is fig.layout.xaxis else t.y) == "date" for t in fig.data)
            if dated and not (axis.tickformat and axis.hoverformat):
                found.append("a date axis without tick and hover formats")
        if found:
            problems[section.title] = found
    assert not problems, problems


def test_the_charts_really_carry_channel_labels_and_day_dates(review):
    activity = next(s.figure for s in review.sections if s.title == "Activity")
    assert {t.name for t in activity.data} >= {"LinkedIn message", "In person", "E-mail"}
    assert "%{x|%d %b %Y}" in activity.data[0].hovertemplate
    rates = next(s.figure for s in review.sections if s.title == "Reply rate by channel")
    assert all(re.search(r": \d+ repl(y|ies) from \d+ messages?; likely rate \d+%", h) for h in rates.data[0].hovertext)


def test_the_html_report_reads_in_words_outside_and_inside_its_charts(review):
    page = review_html(review)
    text = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)  # plotly.js itself, and each figure's data
    assert not _raw_in(re.sub(r"<[^>]+>", " ", text)), _raw_in(text)
    figures = re.findall(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", page, flags=re.S)
    assert len(figures) == len(review.sections)
    templates = re.findall(r'"hovertemplate":"((?:[^"\\]|\\.)*)"', " ".join(figures))
    assert templates and not [t for t in templates if re.search(r"\w=%\{", t)], templates
    assert "linkedin_message" not in " ".join(figures) and "00:00:00" not in " ".join(templates)
