"""The Review page's charts: plotly figures built from plain frames, each with a one-line takeaway.

Figures are made here, not in ui/, so the same charts go into the HTML report and are testable
without Streamlit. Every builder returns ``(figure, takeaway)``; the takeaway is a sentence a
user can act on, computed from the same numbers the chart shows.

Escaping: plotly.js reads a little HTML in titles, axis labels, legends and hover text and decodes
entities once, so user text placed in a figure goes through ``_label`` (escaped once). A takeaway is
plain text, as typed: whoever shows it (the HTML report, Markdown, the Review page) escapes it for
its own format.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from engine.vocabulary import CHANNEL_LABELS as CHANNEL_NAMES
from engine.vocabulary import REPLY_OUTCOMES, plural

# plotly_white's look, kept to what these charts use. The full template (every trace type, every
# colour scale) is deep-copied into each figure: 13-30 ms a figure, half of building the review.
_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "zerolinewidth": 2, "ticks": "",
         "automargin": True, "title": {"standoff": 15}}
_TEMPLATE = go.layout.Template(layout={
    "paper_bgcolor": "white", "plot_bgcolor": "white", "font": {"color": "#2a3f5f"}, "title": {"x": 0.05},
    "colorway": px.colors.qualitative.Plotly, "hovermode": "closest", "hoverlabel": {"align": "left"},
    "xaxis": _AXIS, "yaxis": _AXIS,
})
_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "height": 340, "template": _TEMPLATE}


def _label(text: str) -> str:
    """User text as a plotly label: shown as typed, never as markup. For figures only."""
    return html.escape(text, quote=False)


def _hover(fig: go.Figure, template: str) -> go.Figure:
    """Every trace's hover text in words (plotly's default is ``column=value`` and raw numbers);
    ``%{fullData.name}`` is the trace's (already escaped) name."""
    return fig.update_traces(hovertemplate=template + "<extra></extra>")


def _empty(title: str, message: str) -> tuple[go.Figure, str]:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(title=title, xaxis_visible=False, yaxis_visible=False, **_LAYOUT)
    return fig, message


def activity_by_channel(interactions: pd.DataFrame) -> tuple[go.Figure, str]:
    title = "Activity per week, by channel"
    if interactions.empty:
        return _empty(title, "Nothing logged in this period yet.")
    frame = interactions.assign(week=pd.to_datetime(interactions["occurred_on"]).dt.to_period("W").dt.start_time,
                                channel=interactions["channel"].fillna("other").map(lambda c: CHANNEL_NAMES.get(c, c)))
    counts = frame.groupby(["week", "channel"]).size().reset_index(name="interactions")
    fig = px.bar(counts.assign(channel=counts["channel"].astype(str).map(_label)), x="week", y="interactions",
                 color="channel", title=title, template=_TEMPLATE, labels={"week": "week of"})
    fig.update_layout(legend_title_text="Channel", **_LAYOUT)
    fig.update_xaxes(tickformat="%d %b %Y", hoverformat="%d %b %Y")  # a week's day, not "00:00:00 Nov 30, 2026"
    _hover(fig, "%{fullData.name}, week of %{x|%d %b %Y}<br>Interactions: %{y}")
    weeks = counts.groupby("week")["interactions"].sum()
    busiest = frame["channel"].value_counts()
    return fig, (f"{plural(len(frame), 'interaction')} over {plural(len(weeks), 'week')} "
                 f"({weeks.mean():.1f} a week); "
                 f"most on {busiest.index[0]} ({busiest.iloc[0]}).")


def funnel(interactions: pd.DataFrame) -> tuple[go.Figure, str]:
    title = "From outreach to results"
    outreach = interactions[interactions["kind"] == "outreach"] if not interactions.empty else interactions
    if outreach.empty:
        return _empty(title, "No outreach logged in this period.")
    stages = {
        "Outreach": len(outreach),
        "Reply": int(outreach["outcome"].isin(REPLY_OUTCOMES).sum()),
        "Meeting": int(outreach["outcome"].isin(("meeting", "referral", "opportunity")).sum()),
        "Referral or opportunity": int(outreach["outcome"].isin(("referral", "opportunity")).sum()),
    }
    fig = go.Figure(go.Funnel(y=list(stages), x=list(stages.values()), textinfo="value+percent initial"))
    fig.update_layout(title=title, **_LAYOUT)
    _hover(fig, "%{y}: %{x} (%{percentInitial:.0%} of the outreach)")
    rate = stages["Reply"] / stages["Outreach"]
    return fig, (f"{rate:.0%} of {plural(stages['Outreach'], 'message')} got a reply; "
                 f"{stages['Meeting']} led to a meeting and {stages['Referral or opportunity']} to a referral or "
                 "opportunity.")


def reply_rates(table: pd.DataFrame, dimension: str) -> tuple[go.Figure, str]:
    """``table`` from refine.reply_rate_table: one row per value with attempts, replies, mean, low, high."""
    title = f"Reply rate by {dimension} (90% credible interval)"
    table = table[table["attempts"] > 0] if not table.empty else table
    if table.empty:
        return _empty(title, f"No outreach with a {dimension} in this period.")
    table = table.sort_values("mean")
    # user-named templates, goals and segments: as typed in the takeaway, escaped once in the figure
    values = table[dimension].astype(object)  # all missing arrives as float64, which text cannot fill
    names = values.where(values.notna(), f"(no {dimension})").astype(str).map(lambda c: CHANNEL_NAMES.get(c, c))
    fig = go.Figure(go.Bar(
        x=table["mean"], y=names.map(_label), orientation="h",
        error_x={"type": "data", "symmetric": False, "array": table["high"] - table["mean"],
                 "arrayminus": table["mean"] - table["low"]},
        text=[f"{int(r)}/{int(a)}" for r, a in zip(table["replies"], table["attempts"])], textposition="inside",
        hovertext=[f"{_label(n)}: {plural(r, 'reply')} from {plural(a, 'message')}; likely rate {m:.0%} "
                   f"({lo:.0%} to {hi:.0%})" for n, r, a, m, lo, hi in
                   zip(names, table["replies"], table["attempts"], table["mean"], table["low"], table["high"])],
    ))
    fig.update_layout(title=title, xaxis_tickformat=".0%", xaxis_hoverformat=".0%", **_LAYOUT)
    _hover(fig, "%{hovertext}")
    best, worst = table.iloc[-1], table.iloc[0]
    best_label, worst_label = names.iloc[-1], names.iloc[0]
    if len(table) == 1:
        return fig, (f"{best_label}: {plural(best['replies'], 'reply')} from "
                     f"{plural(best['attempts'], 'message')}.")
    return fig, (f"Best: {best_label} ({int(best['replies'])}/{int(best['attempts'])}); weakest: {worst_label} "
                 f"({int(worst['replies'])}/{int(worst['attempts'])}). Wide bars mean too few messages to be sure.")


def goal_progress(title: str, series: pd.DataFrame, pace_status: str, needed_per_week: float | None
                  ) -> tuple[go.Figure, str]:
    """``series`` from pace.progress_series: date, actual, needed."""
    chart_title = f"Progress: {_label(title)}"
    if series.empty:
        return _empty(chart_title, "No target or dates set for this goal.")
    fig = go.Figure([
        go.Scatter(x=series["date"], y=series["needed"], name="pace needed", line={"dash": "dot"}),
        go.Scatter(x=series["date"], y=series["actual"], name="done", mode="lines+markers"),
    ])
    fig.update_layout(title=chart_title, **_LAYOUT)
    fig.update_xaxes(tickformat="%d %b %Y", hoverformat="%d %b %Y")
    _hover(fig, "%{x|%d %b %Y}<br>%{fullData.name}: %{y:.1~f}")
    need = f"; {needed_per_week:.1f} a week needed from now" if needed_per_week else ""
    return fig, f"{pace_status.capitalize()}{need}."


def network_composition(contacts: pd.DataFrame) -> tuple[go.Figure, str]:
    """``contacts`` with columns segment and strength (0-5 or missing)."""
    title = "Your network by segment and relationship strength"
    if contacts.empty:
        return _empty(title, "No contacts yet.")
    # Counted first, labelled after: a label per group, not per contact (100,000 of them).
    frame = contacts.assign(segment=contacts["segment"].fillna("no segment").astype(str),
                            strength=contacts["strength"].fillna(-1).astype(int))
    counts = frame.groupby(["segment", "strength"]).size().reset_index(name="contacts")
    counts = counts.assign(segment=counts["segment"].map(_label),
                           strength=counts["strength"].map(lambda s: "not rated" if s < 0 else f"{s}/5"),
                           ).sort_values(["segment", "strength"], ignore_index=True)  # as grouping the labels sorts
    fig = px.bar(counts, x="contacts", y="segment", color="strength", orientation="h", title=title,
                 template=_TEMPLATE)
    fig.update_layout(legend_title_text="Strength", **_LAYOUT)
    _hover(fig, "%{y}, strength %{fullData.name}<br>Contacts: %{x}")
    in_segments = int((frame["segment"] != "no segment").sum())
    strong = int((contacts["strength"].fillna(0) >= 4).sum())
    return fig, (f"{in_segments:,} of {plural(len(frame), 'contact')} fit one of your goals' segments; "
                 f"{plural(strong, 'relationship')} {'is' if strong == 1 else 'are'} strong (4-5).")


def new_contacts(dates: pd.Series, since: date | None = None) -> tuple[go.Figure, str]:
    """Connections per month from ``since`` on, out of every contact's Connected On date (``dates``)."""
    title = "New connections per month"
    every = pd.to_datetime(dates).dropna()
    if every.empty:
        return _empty(title, "No contact has a Connected On date (LinkedIn's Connections.csv carries one).")
    dates = every[every >= pd.Timestamp(since)] if since is not None else every
    if dates.empty:
        return _empty(title, f"None of your {plural(len(every), 'connection date')} falls after {since:%d %b %Y}; "
                             f"the latest is {every.max():%d %b %Y}.")
    monthly = dates.dt.to_period("M").dt.start_time.value_counts().sort_index()
    fig = px.bar(x=monthly.index, y=monthly.values, labels={"x": "month", "y": "new connections"}, title=title,
                 template=_TEMPLATE)
    fig.update_layout(**_LAYOUT)
    fig.update_xaxes(tickformat="%b %Y", hoverformat="%b %Y")
    _hover(fig, "%{x|%b %Y}<br>New connections: %{y}")
    recent = monthly.tail(3).sum()
    return fig, (f"{plural(recent, 'new connection')} in the last three months shown; "
                 f"{int(monthly.max()):,} in the best month.")


def events_yield(events: pd.DataFrame) -> tuple[go.Figure, str]:
    """``events``: one row per attended event with title, met (people logged) and replies (follow-on)."""
    title = "Events attended and what they yielded"
    if events.empty:
        return _empty(title, "No events attended in this period.")
    titles = events["title"].astype(str).map(_label)
    fig = go.Figure([go.Bar(name="people met", x=titles, y=events["met"]),
                     go.Bar(name="follow-on replies or meetings", x=titles, y=events["replies"])])
    fig.update_layout(title=title, barmode="group", **_LAYOUT)
    _hover(fig, "%{x}<br>%{fullData.name}: %{y}")
    best = events.sort_values(["replies", "met"], ascending=False).iloc[0]
    return fig, (f"{plural(len(events), 'event')}, {plural(int(events['met'].sum()), 'person', 'people')} met; "
                 f"best: {best['title']} ({plural(int(best['replies']), 'follow-on conversation')}).")
