"""`rapport rank`: the contacts or events to reach first, as text (suggestions, stopping where
nothing fits), JSON or CSV."""

from __future__ import annotations

from engine.exports import csv_bytes, write_atomically
from engine.records import printable
from engine.store import Store
from engine.vocabulary import plural

from .commands import READ_COLUMNS, existing_goal, with_readings
from .output import print_json


def _rank_contacts(store: Store, goal_id: int | None, top: int):
    from engine.outreach.opportunities import rank_contacts
    from engine.outreach.table import with_identity

    columns = ["contact_id", "first_name", "last_name", "full_name", "linkedin_url", "profile_url", "email",
               "company", "position", *READ_COLUMNS, "score", "goal_id", "goal_title", "segment_name", "reasons",
               "next_step", "to_learn"]
    with store.session():  # the ranking and who the people are, from one opening of the workspace
        return with_identity(store, with_readings(rank_contacts(store, goal_id=goal_id, top=top))), columns


def _rank_events(store: Store, goal_id: int | None, top: int):
    from engine.outreach.event_suggestions import rank_events

    columns = ["event_id", "title", "starts_at", "score", "goal_id", "goal_title", "reasons", "next_step"]
    return rank_events(store, goal_id=goal_id, top=top), columns


RANKINGS = {"contacts": _rank_contacts, "events": _rank_events}


def _nothing_ranked(store: Store, kind: str, goal: dict | None) -> str:
    """Why the ranking is empty, in words that are true of this workspace."""
    counts = store.summary()
    if goal is not None and goal["status"] != "active":
        return (f"Nothing to rank: goal {goal['id']} is {goal['status']}, and only active goals are ranked "
                f"(rapport goals edit {goal['id']} --status active).")
    if not counts["goals"]:
        return "Nothing to rank yet: add a goal (rapport goals add --template referral --role \"product manager\")."
    if not counts["active_goals"]:
        return "Nothing to rank: no goal is active (rapport goals edit ID --status active)."
    if kind == "contacts" and not counts["contacts"]:
        return "Nothing to rank yet: import your contacts (rapport import Connections.csv)."
    if kind == "events" and not counts["upcoming_events"]:
        return "Nothing to rank: no upcoming events (rapport events import events.ics)."
    return f"No {kind} fit {'this goal' if goal else 'the active goals'} yet."


def cmd_rank(args, store: Store) -> int:
    goal = existing_goal(store, args.goal) if args.goal is not None else None
    frame, columns = RANKINGS[args.kind](store, args.goal, args.top)
    rows = [{c: r.get(c) for c in columns} for r in frame.to_dict("records")]
    for row in rows:
        row["id"] = row.get("contact_id", row.get("event_id"))
        row["name"] = row.get("full_name", row.get("title"))
        row["goal"] = row.get("goal_title")
        row["score"] = round(float(row["score"]), 4)
        row["reasons"] = list(row["reasons"] or [])
    if args.csv:
        written = ["id", "name"] + [c for c in columns if c not in ("contact_id", "event_id")]
        write_atomically(args.csv, csv_bytes(rows, written))
        print(f"Wrote {len(rows)} rows to {printable(str(args.csv))}")
    elif args.json:
        print_json(rows)
    else:
        # Read as suggestions, the list stops where nothing fits: a contact scoring 0 has nothing for the goal
        # (--json and --csv keep every row asked for).
        suggested = [row for row in rows if row["score"] > 0] if args.kind == "contacts" else rows
        for i, row in enumerate(suggested, 1):
            works = " at ".join(str(row[k]) for k in ("position", "company") if row.get(k) not in (None, "")
                                and row.get(k) == row.get(k))  # a contact's title and employer, when known
            print(f"{i:>3}. {row['name']}{f' ({works})' if works else ''}  "
                  f"({row['score']:.3f}, {row.get('goal_title') or 'no goal'})")
            print(f"     {row['next_step']}: {'; '.join(row['reasons'])}")
        if len(suggested) < len(rows):
            print(f"\n{plural(len(rows) - len(suggested), 'more contact')} scored 0: nothing in them fits "
                  f"{'this goal' if goal else 'your goals'} (--json lists them).")
        if not rows:
            print(_nothing_ranked(store, args.kind, goal))
        elif args.kind == "contacts":
            from engine.outreach.audience import goals_without_audience, nobody_fits_message

            unfit = goals_without_audience(store, args.goal)
            if unfit:
                print("\nNote: " + nobody_fits_message(unfit, one_goal=args.goal is not None))
    return 0
