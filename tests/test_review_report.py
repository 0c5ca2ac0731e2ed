"""The review reports show what users wrote exactly as typed: escaped once, never twice (``&amp;lt;``
on screen), never not at all (a live tag). Checked with the stdlib's HTML parser, as a browser reads
the file, and on the charts' own labels (plotly reads a little HTML and decodes entities once)."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from engine.insights.report import review_html, review_markdown
from engine.insights.review import build_review, month_bounds
from tests.twins_support import EVENT, HOSTILE, TEMPLATE, build_twins, visible

TODAY = date.today()


class _Page(HTMLParser):
    """The visible text per element, the tags, and the plotly figures a report embeds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, str]] = []  # (enclosing tag, text)
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "meta"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        where = self.stack[-1] if self.stack else ""
        if where == "script":
            self.scripts.append(data)
        elif data.strip():
            self.texts.append((where, data))


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    store = build_twins(tmp_path_factory.mktemp("report") / "twins.duckdb", today=TODAY)
    start, end = month_bounds(None, TODAY)
    return build_review(store, start, end, today=TODAY)


@pytest.fixture(scope="module")
def page(review) -> _Page:
    parser = _Page()
    parser.feed(review_html(review))
    parser.close()
    return parser


def test_the_review_carries_the_hostile_text(review):
    """The fixture is what the other tests need: hostile goal titles, template names and segment
    names reach section titles, takeaways and flags."""
    assert sum(s.title == f"Goal: {HOSTILE}" for s in review.sections) == 2
    takeaways = " ".join(s.takeaway for s in review.sections)
    assert TEMPLATE in takeaways and HOSTILE in takeaways and EVENT in takeaways, takeaways
    assert any(HOSTILE in f["title"] for f in review.flags)


def test_html_shows_user_text_as_typed_once_escaped(review, page):
    text = "\n".join(t for _, t in page.texts)
    headings = [t for tag, t in page.texts if tag == "h2"]
    assert headings.count(f"Goal: {HOSTILE}") == 2, headings
    for section in review.sections:  # every takeaway, as the model has it, is a paragraph's visible text
        assert section.takeaway in text, section.takeaway
    for flag in review.flags:
        for part in ("title", "evidence", "suggestion"):
            assert flag[part] in text, flag[part]
    assert "&lt;" not in text and "&amp;" not in text.replace("&amp; *bold*", ""), \
        [t for t in text.splitlines() if "&lt;" in t or "&amp;" in t]


def test_html_has_no_live_tag_from_user_text(page):
    tags = {tag for tag, _ in page.tags}
    assert not {"b", "i", "img"} & tags, tags
    plotly_scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert all("alert" not in s for s in page.scripts if "Plotly.newPlot" not in s)
    assert len(plotly_scripts) == len(page.scripts)  # every script is one the report wrote
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)


def _figures(page: _Page) -> list[dict]:
    """Each chart's data and layout, from the Plotly.newPlot call the report embeds."""
    figures = []
    for script in page.scripts:
        for call in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", script):
            decoder = json.JSONDecoder()
            rest = script[call.end():]
            data, end = decoder.raw_decode(rest)
            layout, _ = decoder.raw_decode(rest[end:].lstrip(", \n"))
            figures.append({"data": data, "layout": layout})
    return figures


def _plotly_shows(label: str) -> str:
    """What plotly.js draws for a label: tags it knows are markup, entities are decoded once."""
    return html.unescape(re.sub(r"</?(b|i|em|sup|sub|br|span|a)\b[^>]*>", "", label))


def test_chart_labels_read_as_typed(page):
    figures = _figures(page)
    assert figures, "no chart found in the report"
    titles = [_plotly_shows(f["layout"].get("title", {}).get("text", "")) for f in figures]
    assert titles.count(f"Progress: {HOSTILE}") == 2, titles
    labels = [_plotly_shows(str(v)) for f in figures for trace in f["data"] for axis in ("x", "y")
              for v in (trace.get(axis) if isinstance(trace.get(axis), list) else [])]
    assert TEMPLATE in labels and HOSTILE in labels and EVENT in labels, sorted(set(labels))[:30]
    assert not any("&lt;" in v or "&amp;" in v.replace("&amp; *bold*", "") for v in labels + titles)


def test_markdown_shows_user_text_as_typed(review):
    markdown = review_markdown(review)
    shown = visible(markdown)
    assert shown.count(f"## Goal: {HOSTILE}") == 2
    for section in review.sections:
        assert section.takeaway in shown, section.takeaway
    for flag in review.flags:
        assert flag["title"] in shown
    assert "&lt;" not in shown
    assert "[x](javascript" not in markdown and "<script>" not in markdown  # escaped, not live
