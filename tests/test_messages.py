"""Message templates (safe substitution, gaps, channel limits, mailto) and the elevator pitch builder."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from engine.outreach.messages import (
    CHANNEL_LIMITS,
    PLACEHOLDER_HINTS,
    PURPOSES,
    SAMPLE_VALUES,
    STARTER_TEMPLATES,
    contact_values,
    mailto_link,
    placeholders,
    render,
)
from engine.outreach.pitch import (
    PITCH_HINTS,
    PITCH_LABELS,
    PITCH_PARTS,
    assemble_pitch,
    count_words,
    max_words,
    pitch_stats,
)
from engine.store import CHANNELS

VALUES = {"first_name": "Ada", "company": "Ledgerly", "position": "Head of Product", "event": "Fintech Week"}


# -- rendering ---------------------------------------------------------------------------------------
def test_render_fills_every_placeholder():
    out = render("Hi {first_name}, great to meet you at {event}. How is {company}?", VALUES, channel="email",
                 subject="Hello from {event}")
    assert out.text == "Hi Ada, great to meet you at Fintech Week. How is Ledgerly?"
    assert out.subject == "Hello from Fintech Week"
    assert out.missing == []
    assert out.length == len(out.text)
    assert (out.limit, out.over_limit) == (None, 0)


def test_missing_values_stay_visible_and_are_reported_in_order():
    values = {"first_name": None, "company": "   ", "position": ""}
    out = render("Hi {first_name}, how is {company}? {first_name} again, {role}.", values,
                 subject="About {position}")
    assert out.text == "Hi [first_name?], how is [company?]? [first_name?] again, [role?]."
    assert out.subject == "About [position?]"
    assert out.missing == ["position", "first_name", "company", "role"]


def test_nan_and_numbers_as_values():
    out = render("{a}|{b}|{c}", {"a": math.nan, "b": 3, "c": " x "})
    assert out.text == "[a?]|3|x"
    assert out.missing == ["a"]


def test_connection_note_over_limit_reports_exact_overage():
    over = render("{note}", {"note": "a" * 320}, channel="linkedin_connection")
    assert (over.length, over.limit, over.over_limit) == (320, 300, 20)
    exact = render("{note}", {"note": "a" * 300}, channel="linkedin_connection")
    assert (exact.length, exact.over_limit) == (300, 0)
    assert render("x" * 301, {}, channel="linkedin_connection").over_limit == 1


def test_length_counts_like_a_browser_counter():
    out = render("Hi {first_name} \N{PARTY POPPER}", {"first_name": "Zoë"}, channel="linkedin_connection")
    assert out.text == "Hi Zoë \N{PARTY POPPER}"
    assert out.length == 9  # the emoji is two UTF-16 units, "ë" one


def test_limits_cover_every_channel():
    assert set(CHANNELS) <= set(CHANNEL_LIMITS)
    assert CHANNEL_LIMITS["linkedin_connection"] == 300
    assert CHANNEL_LIMITS["email"] is None
    assert render("x" * 9000, {}, channel="linkedin_message").over_limit == 1000
    assert render("x" * 9000, {}, channel="no_such_channel").limit is None


@pytest.mark.parametrize("body", ["{x.__class__}", "{0}", "{a[1]}", "{}", "{first_name!r}", "{first_name:>10}",
                                  "{first_name.__init__.__globals__}", "{ 1x }", "{\nfirst_name}"])
def test_anything_but_a_simple_name_is_literal(body):
    out = render(body, {"first_name": "Ada", "x": "X", "a": "A", "0": "zero"})
    assert out.text == body
    assert out.missing == []
    assert placeholders(body) == []


def test_values_are_never_expanded_again():
    out = render("{first_name}", {"first_name": "{company} {x.__class__}", "company": "Evil"})
    assert out.text == "{company} {x.__class__}"


def test_doubled_braces_are_literal_braces():
    out = render("{{literal}} {{{first_name}}} }} {{", {"first_name": "Ada"})
    assert out.text == "{literal} {Ada} } {"
    assert placeholders("{{literal}} {{{first_name}}}") == ["first_name"]


def test_placeholders_in_order_and_unique():
    body = "{b} {a} {b} {{c}} { spaced } {a}"
    assert placeholders(body) == ["b", "a", "spaced"]
    assert render(body, {"a": "1", "b": "2", "spaced": "3"}).text == "2 1 2 {c} 3 1"


# -- starter templates --------------------------------------------------------------------------------
@pytest.mark.parametrize("template", STARTER_TEMPLATES, ids=[t["name"] for t in STARTER_TEMPLATES])
def test_starter_template_renders_with_typical_values(template):
    assert template["channel"] in CHANNELS
    assert template["purpose"] in PURPOSES
    assert (template["subject"] is not None) == (template["channel"] == "email")
    names = placeholders(template["body"]) + placeholders(template["subject"] or "")
    assert names and set(names) <= set(PLACEHOLDER_HINTS) <= set(SAMPLE_VALUES)
    out = render(template["body"], SAMPLE_VALUES, template["channel"], template["subject"])
    assert out.missing == []
    assert "{" not in out.text and "?]" not in out.text
    assert out.over_limit == 0
    assert not any("  " in line or line != line.strip() for line in out.text.splitlines())


def test_starter_set_covers_every_purpose_and_connection_notes_fit():
    assert {t["purpose"] for t in STARTER_TEMPLATES} == set(PURPOSES)
    assert len({t["name"] for t in STARTER_TEMPLATES}) == len(STARTER_TEMPLATES)
    notes = [t for t in STARTER_TEMPLATES if t["channel"] == "linkedin_connection"]
    assert notes
    for note in notes:
        length = render(note["body"], SAMPLE_VALUES, "linkedin_connection").length
        assert length <= CHANNEL_LIMITS["linkedin_connection_free"] < CHANNEL_LIMITS["linkedin_connection"]
    names = {t["name"] for t in STARTER_TEMPLATES}
    assert {"Referral ask", "Mentor coffee ask", "Industry learning chat", "Catch-up", "Follow-up nudge"} <= names


# -- contact values ------------------------------------------------------------------------------------
def test_contact_values():
    contact = {"full_name": "Grace Hopper", "first_name": None, "company": "Navy", "position": math.nan}
    values = contact_values(contact, goal={"title": "Find a mentor"}, pitch=" My pitch. ",
                            shared_context="we both like COBOL", custom={"event": "PyCon", "company": "US Navy"})
    assert values["first_name"] == "Grace"
    assert values["full_name"] == "Grace Hopper"
    assert values["company"] == "US Navy"  # custom wins
    assert values["position"] == ""
    assert (values["goal"], values["my_pitch"], values["event"]) == ("Find a mentor", "My pitch.", "PyCon")
    assert values["shared_context"] == "we both like COBOL"
    assert contact_values({"first_name": "Ada", "full_name": "Augusta Ada King"})["first_name"] == "Ada"
    empty = contact_values({})
    assert empty["first_name"] == "" and empty["goal"] == "" and empty["my_pitch"] == ""
    assert render("Hi {first_name}", empty).missing == ["first_name"]


# -- mailto ------------------------------------------------------------------------------------------
def test_mailto_round_trips_through_urllib():
    subject = "Coffee & chat? 50% = fun #1 + Zoë"
    body = "Hi Ada,\n\nLine two & more: a=b?c #x +y\r\nLast line, 100%."
    link = mailto_link("ada@example.org", subject, body)
    assert link.startswith("mailto:ada@example.org?")
    assert "%20" in link and "+" not in link and " " not in link and "%0D%0A" in link
    parts = urlsplit(link)
    assert (parts.scheme, parts.path, parts.fragment) == ("mailto", "ada@example.org", "")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert query == {"subject": [subject], "body": [body.replace("\r\n", "\n").replace("\n", "\r\n")]}


def test_mailto_has_no_header_injection():
    link = mailto_link("Ada <ada+news@example.org>, bob@example.org?bcc=eve@example.org",
                       "Hi\r\nBcc: eve@example.org", "x&bcc=eve@example.org&cc=eve@example.org")
    parts = urlsplit(link)
    query = parse_qs(parts.query, strict_parsing=True)
    assert set(query) == {"subject", "body"}
    assert query["subject"] == ["Hi Bcc: eve@example.org"]  # one header line: the break is gone
    assert query["body"] == ["x&bcc=eve@example.org&cc=eve@example.org"]
    recipients = unquote(parts.path).split(",")
    assert recipients == ["ada+news@example.org", "bob@example.org?bcc=eve@example.org"]
    assert "?" not in parts.path and "%3F" in parts.path


def test_mailto_keeps_only_addresses():
    link = mailto_link('"Doe, Jane" <jane@example.org>; bob@example.org', "Hi", "Hello")
    assert unquote(urlsplit(link).path).split(",") == ["jane@example.org", "bob@example.org"]


def test_mailto_without_recipient_or_body():
    assert mailto_link(None, "Hello there", "") == "mailto:?subject=Hello%20there"
    assert mailto_link("", "", "") == "mailto:"


# -- pitch --------------------------------------------------------------------------------------------
def test_pitch_parts_have_labels_and_hints():
    assert PITCH_PARTS == ("who", "what", "value", "looking_for", "ask")
    assert list(PITCH_LABELS) == list(PITCH_HINTS) == list(PITCH_PARTS)
    assert PITCH_LABELS["ask"] == "Your ask" and all(PITCH_HINTS.values())


def test_assemble_pitch_makes_sentences_in_order():
    parts = {"ask": "  could you introduce me to someone on the lending team?", "who": "i'm Sam,  a product manager",
             "what": "I build checkout flows.", "value": "", "looking_for": "I want a senior PM role in lending,",
             "unrelated": "ignored"}
    assert assemble_pitch(parts) == ("I'm Sam, a product manager. I build checkout flows. I want a senior PM role "
                                     "in lending. Could you introduce me to someone on the lending team?")
    assert assemble_pitch({"who": "iOS developer at \"Acme\""}) == "iOS developer at \"Acme\"."
    assert assemble_pitch({"who": "He said \"hi.\""}) == "He said \"hi.\""
    assert assemble_pitch({"who": "Wow!", "what": None}) == "Wow!"
    assert assemble_pitch({}) == ""


def test_word_count_is_robust():
    assert count_words("A state-of-the-art, hands-on PM — don't worry: 10x results!") == 8
    assert count_words("  \u2014 -- ... ") == 0
    assert count_words(None) == 0


def test_pitch_stats_at_130_words_a_minute():
    assert pitch_stats(" ".join(["word"] * 130)) == (130, 60, False)
    long = pitch_stats(" ".join(["word"] * 131))
    assert (long.words, long.seconds, long.too_long) == (131, 60, True)  # 60.46 s shows as 60 but is over
    assert pitch_stats(" ".join(["well-known"] * 65)).seconds == 30
    assert pitch_stats(" ".join(["w"] * 2)).seconds == 1  # 0.92 s rounds up
    assert pitch_stats("").seconds == 0
    assert max_words() == 130
