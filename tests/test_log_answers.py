"""A reply or a meeting logged with a contact answers the outreach to them it follows: the command line
logs replies as their own rows (`rapport log --kind inbound`), and the review counted none of them
("Replies: 0", "0% of 4 messages got a reply") while Today read the follow-up as answered."""

from __future__ import annotations

from datetime import date

import pandas as pd

from engine.insights.review import build_review
from tests.conftest import parsed_contacts

PEOPLE = [{"full_name": f"Person {i}", "linkedin_url": f"https://www.linkedin.com/in/p{i}"} for i in range(3)]


def _outcomes(store) -> dict[int, object]:
    frame = store.interactions.frame()
    outreach = frame[frame["kind"] == "outreach"]
    return {i: (None if pd.isna(o) else o) for i, o in zip(outreach["id"], outreach["outcome"])}


def test_a_reply_logged_answers_the_outreach_it_follows_and_the_review_counts_it(store):
    store.imports.save_contacts(parsed_contacts(PEOPLE))
    ids = list(store.contacts.for_ranking()["id"])
    first = store.interactions.log({"contact_id": ids[0], "kind": "outreach", "channel": "email",
                                    "occurred_on": date(2026, 11, 2)})
    latest = store.interactions.log({"contact_id": ids[0], "kind": "outreach", "channel": "email",
                                     "occurred_on": date(2026, 11, 20), "outcome": "no_response"})
    other = store.interactions.log({"contact_id": ids[1], "kind": "outreach", "channel": "linkedin_message",
                                    "occurred_on": date(2026, 11, 21)})
    old = store.interactions.log({"contact_id": ids[2], "kind": "outreach", "channel": "email",
                                  "occurred_on": date(2026, 6, 1)})
    store.interactions.log({"contact_id": ids[0], "kind": "inbound", "channel": "email",
                            "occurred_on": date(2026, 11, 25)})
    store.interactions.log({"contact_id": ids[1], "kind": "meeting", "channel": "video_call",
                            "occurred_on": date(2026, 11, 28), "outcome": "referral"})
    store.interactions.log({"contact_id": ids[2], "kind": "inbound", "occurred_on": date(2026, 11, 28)})
    outcomes = _outcomes(store)
    assert outcomes[latest] == "replied" and outcomes[first] is None  # the latest open one it follows
    assert outcomes[other] == "referral"  # the meeting's own outcome
    assert outcomes[old] is None  # six months before: no answer to it
    review = build_review(store, date(2026, 11, 1), date(2026, 11, 30), today=date(2026, 12, 1))
    assert review.totals["replies"] == 2


def test_a_reply_logged_before_an_outreach_answers_none(store):
    store.imports.save_contacts(parsed_contacts(PEOPLE[:1]))
    contact = int(store.contacts.for_ranking()["id"].iloc[0])
    store.interactions.log({"contact_id": contact, "kind": "inbound", "occurred_on": date(2026, 11, 1)})
    later = store.interactions.log({"contact_id": contact, "kind": "outreach", "occurred_on": date(2026, 11, 5)})
    assert _outcomes(store)[later] is None
