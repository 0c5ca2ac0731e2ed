"""The review as one self-contained HTML file (interactive charts included) or as Markdown.

Everything a user or their contacts wrote (goal titles, template names, event titles, flag
evidence) is escaped exactly once, here: the review hands over plain text (only its plotly figures
carry their own, already escaped, labels), so the HTML file is safe to open even if a contact is
named ``<img src=x onerror=alert(1)>``, and reads ``<img ...>`` and ``AT&T``, never ``&lt;img``.
"""

from __future__ import annotations

import html
import re

import plotly.io as pio

from .review import TOTAL_HELP, TOTAL_LABELS, Review

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2rem auto;
padding:0 1rem;color:#222}h1{margin-bottom:0}.period{color:#666;margin-top:.2rem}
.totals{display:flex;gap:2rem;margin:1rem 0}.totals div{font-size:1.6rem}.totals span{display:block;
font-size:.8rem;color:#666}.flag{border-left:4px solid #c77;padding:.4rem .8rem;margin:.6rem 0;background:#fdf6f6}
.section{margin:2rem 0}.takeaway{font-weight:600}
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def review_html(review: Review) -> str:
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Rapport review "
             f"{review.start} to {review.end}</title><style>{_STYLE}</style></head><body>",
             "<h1>Networking review</h1>",
             f"<p class='period'>{review.start:%d %b %Y} to {review.end:%d %b %Y}</p><div class='totals'>"]
    parts += [f"<div title='{_e(TOTAL_HELP.get(name, ''))}'>{value:,}"
              f"<span>{_e(TOTAL_LABELS.get(name, name))}</span></div>" for name, value in review.totals.items()]
    parts.append("</div><h2>What to refine</h2>")
    if not review.flags:
        parts.append("<p>No strategy needs refining right now.</p>")
    for flag in review.flags:
        parts.append(f"<div class='flag'><strong>{_e(flag['title'])}</strong><br>{_e(flag['evidence'])}<br>"
                     f"<em>Suggestion:</em> {_e(flag['suggestion'])}</div>")
    first = True
    for section in review.sections:
        figure = pio.to_html(section.figure, full_html=False, include_plotlyjs=True if first else False,
                             config={"displaylogo": False})
        first = False
        parts.append(f"<div class='section'><h2>{_e(section.title)}</h2><p class='takeaway'>{_e(section.takeaway)}"
                     f"</p>{figure}</div>")
    parts.append("</body></html>")
    return "\n".join(parts)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def _m(text) -> str:
    """Markdown-escaped, so a name like ``[x](javascript:alert(1))`` stays literal text, and one
    that contains ``&lt;`` shows ``&lt;`` (Markdown would show an unescaped entity as ``<``)."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def review_markdown(review: Review) -> str:
    lines = [f"# Networking review, {review.start:%d %b %Y} to {review.end:%d %b %Y}", ""]
    lines += [f"- **{_m(TOTAL_LABELS.get(name, name))}:** {value:,} ({_m(TOTAL_HELP.get(name, ''))})"
              for name, value in review.totals.items()]
    lines += ["", "## What to refine", ""]
    lines += [f"- **{_m(f['title'])}** {_m(f['evidence'])} *Suggestion:* {_m(f['suggestion'])}" for f in review.flags]
    if not review.flags:
        lines.append("No strategy needs refining right now.")
    for section in review.sections:
        lines += ["", f"## {_m(section.title)}", "", _m(section.takeaway)]
    return "\n".join(lines) + "\n"
