"""The words Rapport's method is written in, defined once: channels, outcomes, statuses, relationships.

The store checks values against these, the pages offer them as choices, the ranking and the review
read them; a value or a label changes here and nowhere else. Also the two helpers every stage needs
to read a cell of a frame: ``as_date`` and ``as_text``.
"""

from __future__ import annotations

from datetime import date, datetime

# -- tracking: what was done, how, and what came of it --------------------------------------------------
CHANNELS: tuple[str, ...] = ("email", "linkedin_message", "linkedin_connection", "phone", "video_call", "in_person",
                               "other")
CHANNEL_LABELS: dict[str, str] = {
    "email": "E-mail", "linkedin_message": "LinkedIn message", "linkedin_connection": "LinkedIn invitation",
    "phone": "Phone", "video_call": "Video call", "in_person": "In person", "other": "Other",
}
INTERACTION_KINDS: tuple[str, ...] = ("outreach", "inbound", "meeting", "event")
KIND_LABELS: dict[str, str] = {
    "outreach": "Outreach (I wrote)", "inbound": "They wrote", "meeting": "Meeting", "event": "Event attended",
}
KIND_PHRASES: dict[str, str] = {  # "follow up on ..." (Today)
    "outreach": "your message", "inbound": "their message", "meeting": "your meeting", "event": "the event you met at",
}
OUTCOMES: tuple[str, ...] = ("no_response", "replied", "meeting", "referral", "opportunity", "declined")
OUTCOME_LABELS: dict[str, str] = {
    "no_response": "No response yet", "replied": "Replied", "meeting": "Meeting", "referral": "Referral",
    "opportunity": "Opportunity", "declined": "Declined",
}
REPLY_OUTCOMES: tuple[str, ...] = ("replied", "meeting", "referral", "opportunity")  # an answer worth having
NO_REPLY_OUTCOMES: tuple[str, ...] = ("no_response", "declined")

# -- goals: what the user wants from networking, and how its progress is counted ----------------------------
GOAL_STATUSES: tuple[str, ...] = ("active", "paused", "completed", "archived")
GOAL_OUTCOMES: tuple[str, ...] = ("referral", "mentorship", "learn", "clients", "hiring", "visibility", "other")
GOAL_METRICS: tuple[str, ...] = ("conversations", "meetings", "referrals", "new_contacts", "events")

# -- the audience: who a contact is to the user ---------------------------------------------------------
RELATIONSHIPS: tuple[str, ...] = (
    "mentor", "referral source", "hiring manager", "recruiter", "peer", "client", "friend",
)
# Ordered from least to most senior; the position in this tuple is the seniority code.
SENIORITY_LEVELS: tuple[str, ...] = (
    "intern", "junior", "mid", "senior", "lead", "manager", "director", "vp", "executive", "founder",
)

# The user's mark on a contact for a goal (Outreach, ``rapport feedback``), and how each reads.
# The setting that keeps the texts of messages (logged from a draft, imported from the LinkedIn
# archive): "1" keeps them; anything else keeps only their length. Private by default.
KEEP_TEXTS_SETTING = "keep_message_texts"
FEEDBACK_FITS: tuple[str, ...] = ("good", "bad")
FEEDBACK_LABELS: dict[str, str] = {"good": "good fit", "bad": "not a fit"}

# Message lengths as Review and the response model group them: short under 300 characters (a
# LinkedIn invitation's room), medium to 800, long beyond.
MESSAGE_LENGTH_CHARS: tuple[int, int] = (300, 800)
MESSAGE_LENGTH_LABELS: tuple[str, str, str] = ("Short (under 300 characters)", "Medium (300 to 800)",
                                               "Long (over 800)")
# When an outreach was sent, in the user's own time: hours that start each part of the day.
TIME_OF_DAY_HOURS: tuple[int, int, int, int] = (6, 12, 17, 22)
TIME_OF_DAY_LABELS: tuple[str, str, str, str] = ("Morning (6 am to noon)", "Afternoon (noon to 5 pm)",
                                                 "Evening (5 to 10 pm)", "Night (10 pm to 6 am)")

# -- planning: follow-ups and keep-in-touch cadences as Today shows them ------------------------------------------
DUE_LABELS: dict[str, str] = {"ok": "On time", "due": "Due", "overdue": "Overdue", "never": "Never contacted"}

# -- opportunities: events --------------------------------------------------------------------------------
EVENT_KINDS: tuple[str, ...] = ("conference", "meetup", "webinar", "online group", "job fair", "other")


def label(value: str | None, labels: dict[str, str]) -> str:
    """The label a person reads for ``value`` (the value itself when it has none)."""
    return labels.get(value, value) if value else ""


def as_date(value: object) -> date | None:
    """A calendar date from a date, datetime, pandas Timestamp or ISO text; None for None, NaT, NaN and ""."""
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10]) if value.strip() else None
    if type(value) is date:
        return value
    if type(value) is datetime:
        return value.date()
    import pandas as pd  # only for what pandas hands over (Timestamp, NaT, NaN, numpy dates): it loads slowly

    if pd.isna(value):
        return None
    return value.date() if isinstance(value, datetime) else pd.Timestamp(value).date()


def as_text(value: object) -> str:
    """A value as trimmed text; None, NaN, NaT and pandas.NA are empty (frames hand over all four)."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN
            return ""
    except TypeError:  # pandas.NA refuses to be a bool
        return ""
    return str(value).strip()


_IRREGULAR_PLURALS = {"reply": "replies", "company": "companies", "opportunity": "opportunities", "person": "people"}


def plural(n: float, word: str, many: str | None = None) -> str:
    """``n`` and ``word`` as a person writes them: "1 contact", "2 contacts", "1,581 contacts", "1 reply"."""
    count = int(n) if float(n).is_integer() else n
    if count == 1:
        return f"1 {word}"
    return f"{count:,} {many or _IRREGULAR_PLURALS.get(word) or word + 's'}"

# -- the ranking's factors (OpportunityRanker.explain contributions), as a person reads them -------------------
FACTOR_LABELS: dict[str, str] = {
    "text": "Role fit", "company": "Target company or industry", "seniority": "Seniority",
    "relationship": "Relationship type", "warmth": "Warmth of the relationship",
    "timing": "Good timing", "fatigue": "Suggested before without action", "response": "Learned chance of a reply",
}


def blank_missing(frame):
    """``frame`` with missing values in its text columns blank: st.dataframe draws a missing text as a
    grey "None", which a person reads as a value (a contact's relationship "None"). Dates and lists
    keep their type."""
    import pandas as pd  # here: the command line reads this module without needing pandas

    def missing(value) -> bool:  # None, NaN, NaT or pd.NA; never a list or an array (a contact's tags)
        return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)

    text = [c for c in frame.columns if (pd.api.types.is_object_dtype(frame[c].dtype)
                                         or pd.api.types.is_string_dtype(frame[c].dtype)) and frame[c].isna().any()
            and all(isinstance(v, str) for v in frame[c].dropna())]
    return frame.assign(**{c: frame[c].map(lambda v: "" if missing(v) else v).astype(object) for c in text}) if text \
        else frame
