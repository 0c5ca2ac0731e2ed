"""Elevator pitch builder: five short answers become one pitch you can say in under a minute.

Why these five parts: a networking pitch works when the listener learns, in order, who you are,
what you do, why it matters to them, what you are after and what they can do about it. Asking for
the parts separately keeps each one short and makes the missing one obvious; the assembled text is
what the user rehearses and what message templates insert as ``{my_pitch}``.

Why 130 words a minute: conversational English is spoken at roughly 120-150 words a minute; 130
is a calm pace that still leaves a pause or two, so a pitch timed at 60 seconds here is not rushed
when said aloud. Pure functions only: the store keeps versions, the page shows them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PITCH_PARTS: tuple[str, ...] = ("who", "what", "value", "looking_for", "ask")
PITCH_LABELS: dict[str, str] = {
    "who": "Who you are",
    "what": "What you do",
    "value": "The value you bring",
    "looking_for": "What you are looking for",
    "ask": "Your ask",
}
PITCH_HINTS: dict[str, str] = {
    "who": "Your name and current role in a few words, e.g. \"I'm Sam, a product manager at a payments start-up.\"",
    "what": "What you work on day to day, in plain words a non-specialist would follow.",
    "value": "One concrete result or strength, ideally with a number: what changed because of you.",
    "looking_for": "The role, people or kind of opportunity you want next, as specifically as you can.",
    "ask": "One small, easy thing the listener can do: an intro, a 20-minute chat, a pointer.",
}

WORDS_PER_MINUTE = 130
MAX_SECONDS = 60

# A word is a run of letters/digits, optionally joined by hyphens or apostrophes ("hands-on",
# "don't", "B2B", "10x"), so "state-of-the-art" counts once and a lone dash or emoji counts never.
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019\u2010\u2011-][^\W_]+)*")
_END_PUNCTUATION = ".!?\u2026"
_CLOSERS = "\"'\u201d\u2019)]"


class PitchStats(NamedTuple):
    words: int
    seconds: int  # spoken duration at WORDS_PER_MINUTE, rounded half up
    too_long: bool  # the exact duration is over MAX_SECONDS


def _sentence(text: str) -> str:
    """One part as a sentence: whitespace collapsed, first letter capitalised, closing punctuation."""
    text = " ".join(str(text).split())
    if not text:
        return ""
    # Capitalise "i'm sam" but leave "iOS developer" and "eBay" alone.
    if text[0].islower() and not (len(text) > 1 and text[1].isupper()):
        text = text[0].upper() + text[1:]
    core = text.rstrip(_CLOSERS)
    if core and core[-1] in _END_PUNCTUATION:
        return text
    if core and core[-1] in ",;:-\u2013\u2014":  # a dangling separator: replace it rather than add to it
        return core[:-1].rstrip() + "." + text[len(core):]
    return text + "."


def assemble_pitch(parts: dict[str, str | None]) -> str:
    """The non-empty parts, in PITCH_PARTS order, as sentences separated by single spaces.

    Keys outside PITCH_PARTS are ignored, so a stored parts dict with extra metadata is safe.
    """
    sentences = (_sentence(parts.get(key) or "") for key in PITCH_PARTS)
    return " ".join(s for s in sentences if s)


def count_words(text: str | None) -> int:
    """Words as a listener hears them: hyphenated and apostrophised words once, punctuation never."""
    return len(_WORD_RE.findall(text or ""))


def pitch_stats(text: str | None, words_per_minute: int = WORDS_PER_MINUTE) -> PitchStats:
    """Word count, spoken seconds and whether it runs over a minute.

    ``too_long`` uses the exact duration, not the rounded one: 131 words is 60.46 s, shown as 60 s
    but still over a minute, so it is flagged.
    """
    words = count_words(text)
    seconds = (words * 60 * 2 + words_per_minute) // (2 * words_per_minute)  # round half up, in integers
    return PitchStats(words=words, seconds=seconds, too_long=words * 60 > MAX_SECONDS * words_per_minute)


def max_words(seconds: int = MAX_SECONDS, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """The most words that fit in ``seconds`` (130 for a minute), for a "words left" counter."""
    return seconds * words_per_minute // 60
