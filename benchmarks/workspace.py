"""A large workspace for benchmarks: a generated LinkedIn export plus the demo's goals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from benchmarks.generate import linkedin_export
from engine.demo.content import build_demo
from engine.importers.files import import_file
from engine.store import Store


def large_workspace(folder: Path, rows: int = 100_000) -> Store:
    store = Store(folder / "large.duckdb")
    import_file(store, linkedin_export(folder / "Connections.csv", rows))
    demo = build_demo(today=date.today())
    for goal in demo.goals:
        store.goals.add(goal)
    store.goals.add({**demo.goals[0], "title": "Hire a data scientist", "outcome": "hiring",
                    "target_roles": ["data scientist"], "segments": []})
    store.goals.add({**demo.goals[0], "title": "Clients for a payments API", "outcome": "clients",
                    "target_roles": ["CTO", "VP Engineering"], "segments": []})
    return store


# Companies frequent in shared/data/real-companies.csv, so present in a realistic export of any size.
TARGET_COMPANIES = ["Accenture", "KPMG Nigeria", "Tata Consultancy Services", "Deloitte", "Infosys", "EY"]


def pages_workspace(folder: Path, rows: int = 100_000, seed: int = 1) -> Store:
    """``large_workspace`` (a realistic export, the demo's goals) lived in: two more goals, one naming
    target companies present in the data and one naming no company, the demo's events, and four
    months of history (about 600 interactions on 400 contacts, some with details and follow-ups),
    so that Today, Outreach and Review have something to show. Deterministic for a seed.
    About 10% of the contacts have no company, as in real exports."""
    import random
    from datetime import timedelta

    store = large_workspace(folder, rows)
    today = date.today()
    demo = build_demo(today=today)
    store.goals.add({"title": "Clients at the big consultancies", "outcome": "clients",
                    "description": "Win HR advisory work at the large consulting and audit firms.",
                    "target_roles": ["Head, Human Resources", "HR Business Partner", "Partner"],
                    "seniority": ["senior", "director"], "industries": ["consulting"],
                    "companies": TARGET_COMPANIES, "metric": "meetings", "target": 6,
                    "due_date": today + timedelta(days=90), "priority": 4, "status": "active"})
    store.goals.add({"title": "Grow a network in HR", "outcome": "learn",
                    "description": "Meet HR leaders anywhere: no company in mind.",
                    "target_roles": ["Human Resources Manager", "HR Business Partner"], "seniority": ["lead"],
                    "metric": "conversations", "target": 10, "due_date": today + timedelta(days=120),
                    "priority": 3, "status": "active"})
    with store.session():  # one connection for the lot: an update on a fresh one costs ~0.1 s
        _live_in(store, demo, today, random.Random(seed))
    return store


def _live_in(store: Store, demo, today: date, rng) -> None:
    """The events and the history of ``pages_workspace``."""
    from datetime import timedelta

    from engine.importers.ics import parse_events_ics

    store.imports.save_events(parse_events_ics(demo.events_ics, "demo-events.ics"))
    frame = store.contacts.for_ranking()
    ids = [int(i) for i in rng.sample(list(frame["id"]), min(400, len(frame)))]
    goal_ids = [g["id"] for g in store.goals.all()] + [None]
    items = []
    for contact_id in ids:
        goal_id, when = rng.choice(goal_ids), today - timedelta(days=rng.randint(1, 120))
        for step in range(rng.choice([1, 1, 2, 3])):
            replied = rng.random() < 0.35
            items.append({"contact_id": contact_id, "goal_id": goal_id,
                          "kind": "outreach" if step < 2 else "meeting",
                          "channel": rng.choice(["linkedin_message", "linkedin_connection", "email"]),
                          "occurred_on": when,
                          "outcome": rng.choice(["replied", "meeting", "declined"]) if replied else "no_response",
                          "follow_up_on": None if replied else when + timedelta(days=7), "notes": ""})
            when += timedelta(days=rng.randint(3, 14))
            if when > today:
                break
    store.interactions.log_many(items)
    for contact_id in ids[:150]:
        store.contacts.update(contact_id, strength=rng.randint(0, 5), cadence_days=rng.choice([30, 60, 90]),
                             relationship=rng.choice(["peer", "client", "mentor", "friend"]))
