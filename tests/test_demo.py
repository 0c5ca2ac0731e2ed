"""The demo workspace must look like a real LinkedIn export and be reproducible byte for byte."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from engine.demo.content import COMPANIES, PREAMBLE_NOTE, build_demo, write_demo_files
from engine.importers.ics import parse_events_ics
from engine.records import EVENT_FIELDS
from engine.vocabulary import EVENT_KINDS

TODAY = date(2026, 11, 25)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


@pytest.fixture(scope="module")
def demo():
    return build_demo(TODAY)


def data_rows(demo) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(demo.connections_csv.decode("utf-8"), newline="")))
    assert rows[3] == HEADER.split(",")
    return rows[4:]


def test_deterministic(demo):
    again = build_demo(TODAY)
    assert again.connections_csv == demo.connections_csv and again.events_ics == demo.events_ics
    assert again.interactions == demo.interactions and again.contact_details == demo.contact_details
    assert again.goals == demo.goals
    other = build_demo(TODAY, seed=8)
    assert other.connections_csv != demo.connections_csv and other.interactions != demo.interactions


def test_preamble_and_header_exactly_as_the_real_export(demo):
    text = demo.connections_csv.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "Notes:"
    assert lines[1] == f'"{PREAMBLE_NOTE}"'
    assert PREAMBLE_NOTE.startswith("When exporting your connection data, you may notice that some")
    assert PREAMBLE_NOTE.endswith("You can learn more here https://www.linkedin.com/help/linkedin/answer/261")
    assert lines[2] == "" and lines[3] == HEADER
    assert text.count("\n") == text.count("\r\n") and text.endswith("\r\n")  # CRLF only
    assert not demo.connections_csv.startswith(b"\xef\xbb\xbf")


def test_rows(demo):
    rows = data_rows(demo)
    assert len(rows) == 500 and all(len(row) == 7 for row in rows)
    blank = [row for row in rows if not any(row[:6])]
    assert len(blank) == 15  # 3 %
    assert all(datetime.strptime(row[6], "%d %b %Y").date() <= TODAY for row in rows)
    dates = [datetime.strptime(row[6], "%d %b %Y").date() for row in rows]
    assert dates == sorted(dates, reverse=True) and (TODAY - dates[-1]).days > 5 * 365
    people = [row for row in rows if any(row[:6])]
    urls = [row[2] for row in people]
    assert len(set(urls)) == len(urls) and all(u.startswith("https://www.linkedin.com/in/") for u in urls)
    emails = [row for row in people if row[3]]
    assert 0.02 < len(emails) / len(people) < 0.09 and all("@" in row[3] for row in emails)
    companies = {row[4] for row in people}
    assert len(companies) > 40 and {"Acme, Inc.", "Sterling, Hart & Co."} & companies
    assert any("’" in row[1] for row in people) and any("%E2%80%99" in row[2] for row in people)
    positions = {row[5] for row in people}
    assert {"Sr. Software Engineer", "Head of Product", "Technical Recruiter"} <= positions


def test_small_workspace_and_other_day():
    small = build_demo(date(2025, 1, 31), seed=3, n_contacts=100)
    rows = data_rows(small)
    assert len(rows) == 100 and sum(not any(row[:6]) for row in rows) == 3
    assert max(datetime.strptime(row[6], "%d %b %Y").date() for row in rows) <= date(2025, 1, 31)
    assert small.interactions and small.contact_details


def test_interactions_reference_real_contacts(demo):
    urls = {row[2] for row in data_rows(demo) if row[2]}
    goal_titles = {goal["title"] for goal in demo.goals}
    assert 100 <= len(demo.interactions) <= 130
    for item in demo.interactions:
        assert item["contact_url"] in urls
        assert item["goal_title"] is None or item["goal_title"] in goal_titles
        assert item["kind"] in ("outreach", "inbound", "meeting", "event")
        assert item["channel"] in ("email", "linkedin_message", "linkedin_connection", "phone", "in_person")
        outcomes = ("no_response", "replied", "meeting", "referral", "opportunity", "declined", None)
        assert item["outcome"] in outcomes
        assert (TODAY - item["occurred_on"]).days <= 130 and item["occurred_on"] <= TODAY
    assert all(detail["contact_url"] in urls for detail in demo.contact_details)
    assert 35 <= len(demo.contact_details) <= 45
    assert all(0 <= d["strength"] <= 5 for d in demo.contact_details)


def test_linkedin_messages_get_more_replies_than_email(demo):
    def reply_rate(channel):
        sent = [i for i in demo.interactions if i["kind"] == "outreach" and i["channel"] == channel]
        return sum(i["outcome"] != "no_response" for i in sent) / len(sent)

    assert reply_rate("linkedin_message") > reply_rate("email") + 0.15


def test_goals_use_companies_from_the_contacts(demo):
    people_companies = {row[4] for row in data_rows(demo) if row[4]}
    all_companies = {c for names in COMPANIES.values() for c in names}
    assert len(demo.goals) == 3
    for goal in demo.goals:
        assert goal["status"] == "active" and goal["due_date"] > TODAY and goal["segments"]
        assert set(goal["companies"]) <= people_companies
        for segment in goal["segments"]:
            assert set(segment) == {"name", "roles", "seniority", "companies", "industries", "keywords",
                                    "relationship"}
            assert set(segment["companies"]) <= all_companies


def test_events_span_past_and_future(demo, tmp_path):
    paths = write_demo_files(demo, tmp_path / "demo")
    assert paths["connections"].read_bytes() == demo.connections_csv
    parsed = parse_events_ics(paths["events"].read_bytes(), "events.ics")
    assert not parsed.rejects and 10 <= len(parsed.records) <= 14
    events = [dict(zip(EVENT_FIELDS, r, strict=True)) for r in parsed.records]
    starts = [datetime.fromisoformat(e["starts_at"]).date() for e in events]
    assert min(starts) < TODAY < max(starts)
    assert (TODAY - min(starts)).days <= 62 and (max(starts) - TODAY).days <= 124
    kinds = {e["kind"] for e in events}
    assert {"conference", "meetup", "webinar", "job fair", "online group"} <= kinds <= set(EVENT_KINDS)
    topics = {t for e in events for t in e["topics"]}
    assert {"fintech", "climate tech", "mentorship"} <= topics
