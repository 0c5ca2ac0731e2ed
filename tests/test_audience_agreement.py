"""One audience definition: Goals, Outreach, Today, Review, Home, the CSV and the CLI count the same
people in a segment (issue 16: Goals said 3 recruiters, Review 2, the CSV labelled 226 rows).

The workspace is built from a LinkedIn export with blank companies, and goals whose segments name
companies that are in it."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest

from engine.exports import csv_bytes
from engine.importers.files import import_file
from engine.insights.review import build_review, current_flags
from engine.outreach.audience import memberships, segment_coverage, segment_of
from engine.outreach.opportunities import OUTREACH_COLUMNS, rank_contacts
from engine.planning.agenda import agenda
from tests.browser import linkedin_export, person
from tests.test_cli import rapport

TODAY = date(2025, 6, 1)
PEOPLE = (
    [person(f"Rec{i}", "Ruit", "" if i % 3 == 0 else "Globex", "Technical Recruiter") for i in range(4)]
    + [person("Tal", "Ent", "Initech", "Talent Acquisition Partner")]
    + [person(f"Pm{i}", "Stripe", "Stripe, Inc." if i % 2 else "", "Product Manager") for i in range(6)]
    + [person(f"Pm{i}", "Plaid", "Plaid", "Senior Product Manager") for i in range(3)]
    + [person(f"Eng{i}", "Neer", "" if i % 2 else "Globex", "Software Engineer") for i in range(8)]
    + [person(f"Other{i}", "Person", "" if i % 4 == 0 else "Umbrella", "Accountant") for i in range(8)]
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from engine.store import Store

    folder = tmp_path_factory.mktemp("audience")
    export = folder / "Connections.csv"
    export.write_bytes(linkedin_export(PEOPLE))
    store = Store(folder / "w.duckdb")
    import_file(store, str(export))
    store.goals.add({"title": "Fintech product role", "outcome": "referral", "target_roles": ["Product Manager"],
                     "companies": ["Stripe", "Plaid"], "priority": 4, "segments": [
                         {"name": "Payments PMs", "roles": ["Product Manager"], "companies": ["Stripe"]},
                         {"name": "Recruiters", "roles": ["Recruiter"]}]})
    store.goals.add({"title": "Hire engineers", "outcome": "hiring", "target_roles": ["Software Engineer"],
                     "companies": ["Globex"], "priority": 2, "segments": [
                         {"name": "Globex engineers", "roles": ["Software Engineer"], "companies": ["Globex"]},
                         {"name": "Recruiters", "roles": ["Recruiter"]}]})
    return store


def test_every_front_end_counts_the_same_audience(workspace):
    store = workspace
    goals = store.goals.all(statuses=("active",))
    members = memberships(store, now=TODAY)
    truth = members.groupby("segment_id")["contact_id"].apply(set).to_dict()
    segments = {s["id"]: s["name"] for g in goals for s in g["segments"]}
    assert set(truth) == set(segments)  # every segment has people: the counts below are not all zero
    assert len(truth[next(i for i, n in segments.items() if n == "Payments PMs")]) >= 2

    # Goals: the segment counts.
    coverage = {s["id"]: s["count"] for g in goals for s in segment_coverage(store, g, today=TODAY)}
    assert coverage == {i: len(ids) for i, ids in truth.items()}

    # Outreach: a segment filter lists exactly its members.
    for goal in goals:
        for segment in goal["segments"]:
            listed = rank_contacts(store, goal_id=goal["id"], segment_id=segment["id"], now=TODAY)
            assert set(listed["contact_id"]) == truth[segment["id"]], segment["name"]
            assert set(listed["segment_name"]) == {segment["name"]}

    # Outreach's full list, its CSV and the CLI: a row is labelled with a segment only when the contact
    # belongs to it, and every member of a goal's segments is labelled under that goal.
    ranked = rank_contacts(store, now=TODAY)
    for row in ranked.itertuples():
        in_goal = members[(members["contact_id"] == row.contact_id) & (members["goal_id"] == row.goal_id)]
        assert (row.segment_name is None) == in_goal.empty, row
        if not in_goal.empty:
            assert row.segment_id in set(in_goal["segment_id"])
    exported = list(csv.DictReader(io.StringIO(csv_bytes(ranked.to_dict("records"), OUTREACH_COLUMNS)
                                               .decode("utf-8-sig"))))
    assert [r["segment_name"] for r in exported] == [r or "" for r in ranked["segment_name"]]
    cli = json.loads(rapport("rank", "--top", "1000", "--json", db=store.path).stdout)
    rows = cli if isinstance(cli, list) else cli["rows"]
    assert sorted((r["name"], r.get("segment_name") or "") for r in rows) == \
        sorted((n, s or "") for n, s in zip(ranked["full_name"], ranked["segment_name"]))

    # Today: its next best outreach are Outreach's rows, labelled alike.
    nxt = agenda(store, TODAY, next_count=10).next_outreach
    labels = dict(zip(ranked["contact_id"], ranked["segment_name"]))
    assert len(nxt) and all(labels[c] == s for c, s in zip(nxt["contact_id"], nxt["segment_name"]))

    # Review (and Home, which shows its flags): the few-contacts flags and the network.takeaway.
    for flags in (current_flags(store, today=TODAY), build_review(store, TODAY.replace(day=1), TODAY,
                                                                    today=TODAY).flags):
        for flag in [f for f in flags if f["kind"] == "segment_without_coverage"]:
            segment_id = int(flag["key"].rsplit(":", 1)[1])
            said = re.search(r"only (\d+) matching|no matching", flag["evidence"])
            assert int(said.group(1) or 0) == len(truth.get(segment_id, ())), flag
    review = build_review(store, TODAY.replace(day=1), TODAY, today=TODAY)
    network = next(s for s in review.sections if s.title == "Network")
    in_segments = int(re.match(r"(\d+) of", network.takeaway).group(1))
    assert in_segments == len(set().union(*truth.values())) == len(segment_of(members))


def test_editing_one_goal_scores_only_its_segments_again(workspace):
    from engine.outreach import opportunities, results

    store = workspace
    goals = store.goals.all(statuses=("active",))
    before = memberships(store, goals, TODAY)

    def per_goal():
        return [k for k in results._results if k[0] == "audience of a goal"]

    kept = per_goal()
    assert len(kept) >= 2
    edited = [{**goals[0], "updated_at": "edited", "segments": [{**goals[0]["segments"][0], "roles": ["Engineer"]},
                                                                goals[0]["segments"][1]]}, goals[1]]
    after = memberships(store, edited, TODAY)
    new = [k for k in per_goal() if k not in kept]
    # only the edited goal's audience is new
    assert len(new) == 1 and new[0][2] == opportunities.goals_fingerprint([{**edited[0], "status": "active"}])
    unchanged = before[before["goal_id"] == goals[1]["id"]].reset_index(drop=True)
    assert after[after["goal_id"] == goals[1]["id"]].reset_index(drop=True).equals(unchanged)
    assert not after[after["goal_id"] == goals[0]["id"]].equals(before[before["goal_id"] == goals[0]["id"]])
