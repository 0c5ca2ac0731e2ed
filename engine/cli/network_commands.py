"""``rapport feedback`` (marks that teach a goal's ranking) and ``rapport companies`` (industries
and tags set once per company, and the target companies nobody in the network works at)."""

from __future__ import annotations

from engine.records import printable
from engine.store import Store
from engine.vocabulary import FEEDBACK_LABELS

from .output import print_json, table


def cmd_feedback(args, store: Store) -> int:
    from engine.outreach.opportunities import feedback_status

    if args.fit == "clear":
        changed = store.feedback.clear(args.goal, args.contact)
        said = f"Cleared {changed} mark{'s' if changed != 1 else ''}"
    else:
        changed = store.feedback.mark(args.goal, args.contact, args.fit)
        said = f"Marked {changed} contact{'s' if changed != 1 else ''} {FEEDBACK_LABELS[args.fit]}"
    status = feedback_status(store, args.goal)
    if args.json:
        print_json({"goal_id": args.goal, "contact_ids": args.contact, "fit": args.fit, "changed": changed, **status})
    else:
        print(f"{said} for goal {args.goal}; {status['message']}")
    return 0


def cmd_companies_list(args, store: Store) -> int:
    from engine.outreach.companies import companies_in_network

    frame = companies_in_network(store).head(args.limit)
    if args.json:
        print_json({"companies": frame})
        return 0
    if frame.empty:
        print("No companies yet: import your contacts first.")
        return 0
    rows = [{"company": printable(r["company"]), "contacts": r["contacts"], "strongest tie": printable(r["strongest"]),
             "industry": (printable(r["industry"] or "") + (" (inferred)" if r["inferred"] and r["industry"] else ""))}
            for r in frame.to_dict("records")]
    print(table(rows, ["company", "contacts", "strongest tie", "industry"]))
    return 0


def cmd_companies_set(args, store: Store) -> int:
    from engine.outreach.companies import companies_in_network

    tags = None if args.tags is None else args.tags.split(",")
    key = store.companies.set(args.name, industry=args.industry, tags=tags)
    frame = companies_in_network(store)
    known = frame[frame["key"] == key]
    if args.json:
        print_json({"company": args.name, "key": key, "in_network": int(known["contacts"].sum()),
                    "industry": args.industry, "tags": tags})
    else:
        where = f"{int(known['contacts'].sum())} contacts there" if len(known) else "nobody there in your network yet"
        print(f"Saved {printable(args.name)} ({where})")
    return 0


def cmd_companies_gaps(args, store: Store) -> int:
    from engine.outreach.companies import company_gaps, way_in

    gaps = company_gaps(store)
    if args.json:
        print_json({"gaps": gaps})
        return 0
    if not gaps:
        print("Every target company of your active goals has someone in your network.")
    for gap in gaps:
        print(f"{printable(gap['company'])} (goal {gap['goal_id']}: {printable(gap['goal_title'])}): nobody there; "
              f"{printable(way_in(gap))}")
    return 0

