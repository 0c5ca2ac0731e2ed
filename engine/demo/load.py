"""Setting up a workspace: the demo data a first-time user can explore, or an empty start."""

from __future__ import annotations

from datetime import date

from engine.clock import workspace_today
from engine.store import Store


def load_demo_workspace(store: Store, today: date | None = None, seed: int = 7) -> dict[str, int]:
    """Fill ``store`` with the deterministic demo: contacts, goals, events, months of interactions.

    The contacts go through the real LinkedIn importer, so the demo exercises the same path a
    user's own export takes.
    """
    from engine.importers import parse_contacts
    from engine.importers.ics import parse_events_ics
    from engine.outreach.messages import workspace_templates

    from .content import build_demo

    today = today or workspace_today(store)
    demo = build_demo(today=today, seed=seed)
    with store.session():
        store.imports.save_contacts(parse_contacts(demo.connections_csv, "Connections.csv"), today=today)
        store.imports.save_events(parse_events_ics(demo.events_ics, "demo-events.ics"))
        goal_ids = {goal["title"]: store.goals.add(goal) for goal in demo.goals}
        urls = [d["contact_url"] for d in demo.contact_details] + [i["contact_url"] for i in demo.interactions]
        ids = store.contacts.ids_by_url(urls)
        for detail in demo.contact_details:
            if detail["contact_url"] in ids:
                changes = {k: detail[k] for k in ("tags", "strength", "relationship", "cadence_days", "notes")
                           if k in detail}
                store.contacts.update(ids[detail["contact_url"]], **changes)
        template_ids = {t["name"]: t["id"] for t in workspace_templates(store)}
        store.interactions.log_many([
            {**{k: v for k, v in item.items() if k not in ("contact_url", "goal_title", "template")},
             "contact_id": ids.get(item["contact_url"]), "goal_id": goal_ids.get(item.get("goal_title")),
             "template_id": template_ids.get(item.get("template"))}
            for item in demo.interactions if item["contact_url"] in ids
        ])
        return store.summary()
