"""A demo workspace with twins: two goals with the same title (and the same segments), two templates
with the same name, two events with the same title, two contacts with the same name, all written in
hostile text (HTML, Markdown, quotes, an umlaut). Pages must key their widgets by ids, and reports must
show such text exactly as typed."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

from engine.demo.load import load_demo_workspace
from engine.importers import parse_contacts
from engine.store import Store

HOSTILE = '<script>alert(1)</script> & Co "Ü" [x](javascript:alert(1)) &amp; *bold*'
SEGMENT = "<b>Leads</b> & \"Ü\""
TEMPLATE = "<i>Intro</i> & Co"
EVENT = "<img src=x onerror=alert(1)> Meetup & Co"
TWIN_NAME = "Ada <Lovelace>"


def build_twins(path, today: date | None = None) -> Store:
    today = today or date.today()
    store = Store(path)
    load_demo_workspace(store, today=today)
    with store.session():
        store.imports.save_contacts(parse_contacts(
            (b"First Name,Last Name,Email Address,Company,Position,Connected On\n"
             b"Ada,<Lovelace>,ada1@example.org,Analytical & Co,Engineer,01 Jan 2024\n"
             b"Ada,<Lovelace>,ada2@example.org,Analytical & Co,Engineer,01 Jan 2024\n"),
            "Connections.csv"), today=today)
        for goal in store.goals.all():  # every demo goal gets a twin with the same title and segments
            store.goals.add({k: v for k, v in goal.items() if k not in ("id", "created_at", "updated_at")}
                            | {"segments": [{k: v for k, v in s.items() if k not in ("id", "goal_id", "created_at")}
                                            for s in goal["segments"]]})
        hostile = {"title": HOSTILE, "outcome": "referral", "metric": "conversations", "target": 10,
                   "due_date": today + timedelta(weeks=8), "priority": 5, "target_roles": ["engineer"],
                   "segments": [{"name": SEGMENT, "roles": ["engineer"]}, {"name": SEGMENT, "roles": ["founder"]}]}
        goal_ids = [store.goals.add(hostile), store.goals.add(hostile)]
        template_ids = [store.templates.save({"name": TEMPLATE, "channel": "email", "purpose": "coffee chat",
                                              "subject": "Hi", "body": "Hello {first_name}"}) for _ in range(2)]
        event_ids = [store.events.add({"title": EVENT, "kind": "meetup", "online": True, "topics": ["data"],
                                       "starts_at": datetime.combine(today - timedelta(days=2), datetime.min.time())})
                     for _ in range(2)]
        contacts, _ = store.contacts.find()
        ids = [int(i) for i in contacts["id"][:12]]
        store.interactions.log_many([
            {"contact_id": contact_id, "event_id": event_ids[n % 2], "goal_id": goal_ids[n % 2], "kind": "event",
             "occurred_on": today - timedelta(days=2), "notes": HOSTILE}
            for n, contact_id in enumerate(ids[:4])])
        store.interactions.log_many([
            {"contact_id": contact_id, "goal_id": goal_ids[n % 2], "template_id": template_ids[n % 2],
             "kind": "outreach", "channel": "email", "occurred_on": today - timedelta(days=3 + n % 5),
             "outcome": "replied", "notes": HOSTILE}
            for n, contact_id in enumerate(ids)])
    return store


_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def visible(markdown: str) -> str:
    """What Markdown shows for inline text: a backslash before punctuation shows the punctuation, an
    entity reference shows its character (CommonMark). Enough for the plain text pages write."""
    return _ESCAPE.sub(lambda m: m.group(1) if m.group(1) is not None else html.unescape(m.group(0)), markdown)
