"""Review: the monthly look back. What moved, what did not, and what to change."""


import streamlit as st

from engine.clock import workspace_today
from engine.insights.report import review_html, review_markdown
from engine.insights.review import TOTAL_HELP, TOTAL_LABELS, build_review, month_bounds
from ui.common import friendly_errors, page_header, plain, store, widget_key

page_header("Review", "Ten minutes a month: progress against your goals, what works, and the strategies to refine.")
workspace = store()
with friendly_errors():
    today = workspace_today(workspace)
default_start, default_end = month_bounds(None, today)
period = st.date_input("Period", (default_start, default_end), max_value=today, key="review_period")
if not isinstance(period, tuple) or len(period) != 2:
    st.info("Choose the last day of the period.")
    st.stop()
start, end = period
with st.spinner("Building your review..."), friendly_errors():
    review = build_review(workspace, start, end, today=today)

cols = st.columns(len(review.totals))
for col, (name, value) in zip(cols, review.totals.items()):
    col.metric(TOTAL_LABELS.get(name, name), f"{value:,}", help=TOTAL_HELP.get(name))

st.subheader("What to refine", anchor=False)
if not review.flags:
    st.success("No strategy needs refining right now.", icon=":material/task_alt:")


def show_flag(flag: dict) -> None:
    with st.container(border=True):
        st.markdown(f"**{plain(flag['title'])}**")
        st.text(flag["evidence"])
        st.caption("Suggestion: " + plain(flag["suggestion"]))
        # Keyed with on_change="rerun", a popover or an expander draws its content only while open: a
        # month's flags with a form each were half of this page's elements.
        dismiss = st.popover("Dismiss", key=widget_key("dismiss_open", flag["key"]), on_change="rerun")
        with dismiss:
            if not dismiss.open:
                return
            reason = st.text_input("Why?", key=widget_key("why", flag["key"]))
            if st.button("Dismiss this flag", key=widget_key("dismiss", flag["key"])):
                with friendly_errors():
                    workspace.flags.dismiss(flag["key"], reason)
                st.rerun()


for flag in review.flags[:3]:
    show_flag(flag)
if len(review.flags) > 3:
    more_flags = st.expander(f"{len(review.flags) - 3} more to refine", key="review_more_flags", on_change="rerun")
    with more_flags:
        for flag in review.flags[3:] if more_flags.open else ():
            show_flag(flag)
if review.dismissed:
    dismissed = st.expander(f"Dismissed flags ({len(review.dismissed)})", key="review_dismissed", on_change="rerun")
    with dismissed:
        for key, reason in review.dismissed.items() if dismissed.open else ():
            left, right = st.columns([4, 1])
            left.text(f"{key}: {reason}")
            if right.button("Restore", key=widget_key("restore", key)):
                with friendly_errors():
                    workspace.flags.restore(key)
                st.rerun()

# A first view draws the headline charts only, what was done and what came of it (activity by channel,
# the funnel); the rest are drawn when the user opens "More charts". Each plotly chart costs the browser
# 25-35 ms to draw: with four, the page took 1.9x a minimal app's time. Charts are keyed by their place
# in the review: a section's title names a goal, and two goals may share a title.
HEADLINE_CHARTS = 2


def show_charts(numbers: range) -> None:
    for row in range(numbers.start, numbers.stop, 2):
        cols = st.columns(2)
        for col, number in zip(cols, range(row, min(row + 2, numbers.stop))):
            section = review.sections[number]
            with col:
                st.plotly_chart(section.figure, width="stretch", key=f"chart_{number}")
                st.caption(plain(section.takeaway))


show_charts(range(min(HEADLINE_CHARTS, len(review.sections))))
if len(review.sections) > HEADLINE_CHARTS:
    more = st.expander(f"More charts ({len(review.sections) - HEADLINE_CHARTS})", key="review_more_charts",
                       on_change="rerun", icon=":material/bar_chart:")
    with more:
        if more.open:
            show_charts(range(HEADLINE_CHARTS, len(review.sections)))

st.subheader("Report", anchor=False)
left, right = st.columns(2)
left.download_button("Download the review (HTML, interactive)", lambda: review_html(review),
                     file_name=f"rapport-review-{start}-{end}.html", mime="text/html", icon=":material/download:")
right.download_button("Download the review (Markdown)", lambda: review_markdown(review),
                      file_name=f"rapport-review-{start}-{end}.md", mime="text/markdown", icon=":material/download:")
st.caption(f"Built on {today:%d %b %Y}.")
