"""``rapport``: the command line. It parses arguments, calls the engine and prints; nothing more.

Every command takes ``--db PATH`` (default ``data/rapport.duckdb``, overridden by ``RAPPORT_DB``).
A problem the user can fix ends in one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from .exports import write_csv
from .records import ImportFileError
from .store import (
    CHANNELS,
    GOAL_STATUSES,
    INTERACTION_KINDS,
    OUTCOMES,
    ContactQuery,
    Store,
    StoreError,
    default_db_path,
    restore_copy,
)


def _list(text: str | None) -> list[str] | None:
    return None if text is None else [p.strip() for p in text.split(",") if p.strip()]


def _json(value) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, indent=2)


def _table(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return "(none)"
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [min(max(len(c), *(len(row[i]) for row in cells)), 40) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines += ["  ".join(v[:w].ljust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


# -- commands ----------------------------------------------------------------------------------------
def cmd_import(args, store: Store) -> int:
    from engine.importers.files import import_file

    report = import_file(store, args.file, events=args.events)
    data = report.to_dict()
    if args.json:
        data["rejected_rows"] = data.pop("rejects")
        print(_json(data))
        return 0
    print(f"Imported {args.file} ({report.format}, {report.encoding}): {report.total} rows, "
          f"{report.inserted} new, {report.updated} updated, {report.unchanged} unchanged, "
          f"{report.skipped_blank} blank, {report.rejected} rejected.")
    for reject in report.rejects[:20]:
        column = f", column {reject.column}" if reject.column else ""
        print(f"  line {reject.line}{column}: {reject.reason}")
    if report.rejected > 20:
        print(f"  ... and {report.rejected - 20} more (see the Import page for the full list)")
    return 0


def cmd_contacts(args, store: Store) -> int:
    frame, total = store.find_contacts(ContactQuery(search=args.search or "", page_size=args.limit))
    rows = frame.to_dict("records")
    if args.json:
        print(_json({"total": total, "contacts": rows}))
    else:
        print(_table(rows, ["id", "full_name", "company", "position", "email"]))
        print(f"{len(rows)} of {total} contacts")
    return 0


def cmd_goals(args, store: Store) -> int:
    if args.goals_command == "add":
        from engine.planning.goal_templates import goal_from_template

        goal = (goal_from_template(args.template, role=args.role or "", area=args.area or "",
                                   companies=_list(args.companies)) if args.template else {"segments": []})
        for key, value in (("title", args.title), ("outcome", args.outcome), ("description", args.description),
                           ("metric", args.metric), ("target", args.target), ("priority", args.priority),
                           ("due_date", args.due)):
            if value is not None:
                goal[key] = value
        for key, value in (("target_roles", args.roles), ("seniority", args.seniority),
                           ("industries", args.industries), ("companies", args.companies)):
            if value is not None:
                goal[key] = _list(value)
        goal_id = store.add_goal(goal)
        print(_json({"id": goal_id}) if args.json else f"Added goal {goal_id}: {goal.get('title')}")
        return 0
    if args.goals_command == "edit":
        changes = {k: v for k, v in (("title", args.title), ("status", args.status), ("priority", args.priority),
                                      ("target", args.target), ("due_date", args.due),
                                      ("description", args.description)) if v is not None}
        for key, value in (("target_roles", args.roles), ("companies", args.companies)):
            if value is not None:
                changes[key] = _list(value)
        store.update_goal(args.id, changes)
        print(f"Updated goal {args.id}")
        return 0
    goals = store.goals()
    if args.json:
        print(_json(goals))
    else:
        print(_table(goals, ["id", "title", "outcome", "status", "priority", "metric", "target", "due_date"]))
    return 0


def cmd_events(args, store: Store) -> int:
    if args.events_command == "import":
        args.events = True
        return cmd_import(args, store)
    rows = store.events_frame().to_dict("records")
    print(_json(rows) if args.json else _table(rows, ["id", "title", "kind", "starts_at", "location"]))
    return 0


def cmd_rank(args, store: Store) -> int:
    from engine.outreach.opportunities import rank_contacts, rank_events

    from .exports import write_csv

    if args.kind == "events":
        frame = rank_events(store, goal_id=args.goal, top=args.top)
        columns = ["event_id", "title", "starts_at", "score", "goal_id", "goal_title", "reasons", "next_step"]
    else:
        frame = rank_contacts(store, goal_id=args.goal, top=args.top)
        columns = ["contact_id", "full_name", "company", "position", "score", "goal_id", "goal_title",
                   "segment_name", "reasons", "next_step"]
    rows = [{c: r.get(c) for c in columns} for r in frame.to_dict("records")]
    for row in rows:
        row["id"] = row.get("contact_id", row.get("event_id"))
        row["name"] = row.get("full_name", row.get("title"))
        row["goal"] = row.get("goal_title")
        row["score"] = round(float(row["score"]), 4)
        row["reasons"] = list(row["reasons"] or [])
    if args.csv:
        write_csv(Path(args.csv), rows, ["id", "name"] + [c for c in columns if c not in ("contact_id", "event_id")])
        print(f"Wrote {len(rows)} rows to {args.csv}")
    elif args.json:
        print(_json(rows))
    else:
        for i, row in enumerate(rows, 1):
            print(f"{i:>3}. {row['name']}  ({row['score']:.3f}, {row.get('goal_title') or ''})")
            print(f"     {row['next_step']}: {'; '.join(row['reasons'])}")
        if not rows:
            print("Nothing to rank yet: add an active goal and import contacts or events.")
    return 0


def cmd_demo(args, store: Store) -> int:
    from engine.demo.load import load_demo_workspace

    if not store.is_empty() and not args.force:
        print("This workspace is not empty; use --force to add the demo data anyway.", file=sys.stderr)
        return 2
    summary = load_demo_workspace(store, today=date.today())
    print(_json(summary) if args.json else f"Demo workspace loaded: {summary}")
    return 0


def cmd_log(args, store: Store) -> int:
    from engine.planning.agenda import default_follow_up

    when = args.date or date.today()
    follow = args.follow_up or (default_follow_up(args.channel, when) if args.kind == "outreach" and
                                args.outcome in (None, "no_response") else None)
    template_id = None
    if args.template:
        names = {t["name"].lower(): t["id"] for t in store.templates()}
        template_id = int(args.template) if args.template.isdigit() else names.get(args.template.lower())
        if template_id is None:
            raise ValueError(f"no template named {args.template!r}; see the Pitch & templates page")
    if store.contact(args.contact) is None:
        raise ValueError(f"no contact with id {args.contact}")
    new_id = store.log_interaction({"contact_id": args.contact, "goal_id": args.goal, "template_id": template_id,
                                    "kind": args.kind, "channel": args.channel, "occurred_on": when,
                                    "outcome": args.outcome, "follow_up_on": follow, "notes": args.notes})
    if args.json:
        print(_json({"id": new_id, "follow_up_on": follow}))
    else:
        print(f"Logged interaction {new_id}" + (f"; follow up on {follow}" if follow else ""))
    return 0


def cmd_today(args, store: Store) -> int:
    from engine.planning.agenda import agenda

    plan = agenda(store)
    sections = {"due": plan.due, "upcoming": plan.upcoming, "losing_touch": plan.losing_touch,
                "next_outreach": plan.next_outreach}
    if args.json:
        print(_json({"today": plan.today, **{k: v.to_dict("records") for k, v in sections.items()}}))
        return 0
    print(f"Today, {plan.today:%A %d %B %Y}")
    for title, frame, columns in (("Follow-ups due", plan.due, ["id", "full_name", "channel", "follow_up_on",
                                                                  "status"]),
                                  ("Next 7 days", plan.upcoming, ["id", "full_name", "channel", "follow_up_on"]),
                                  ("Losing touch", plan.losing_touch, ["id", "full_name", "status", "days_since"]),
                                  ("Next best outreach", plan.next_outreach, ["contact_id", "full_name", "company",
                                                                              "next_step"])):
        print(f"\n{title}:")
        print(_table(frame.to_dict("records"), columns) if not frame.empty else "(none)")
    return 0


def cmd_export(args, store: Store) -> int:
    from engine.outreach.opportunities import OUTREACH_COLUMNS, rank_contacts
    from engine.planning.agenda import calendar_file

    out = Path(args.out)
    if args.what == "calendar":
        events = [int(e) for e in _list(args.events) or []]
        out.write_text(calendar_file(store, events), encoding="utf-8", newline="")
        print(f"Wrote {out}")
        return 0
    if args.what == "contacts":
        frame = store.contacts_export()
    elif args.what == "interactions":
        frame = store.interactions_frame()
    else:
        frame = rank_contacts(store)[["contact_id", *OUTREACH_COLUMNS]]
    write_csv(out, frame.to_dict("records"), list(frame.columns))
    print(f"Wrote {len(frame)} rows to {out}")
    return 0


def cmd_review(args, store: Store) -> int:
    from engine.insights.report import review_html, review_markdown
    from engine.insights.review import build_review, month_bounds
    from engine.planning.agenda import workspace_today

    today = workspace_today(store)
    start, end = month_bounds(args.month, today)
    review = build_review(store, start, end, today=today)
    if args.out:
        out = Path(args.out)
        text = review_html(review) if out.suffix.lower() in (".html", ".htm") else review_markdown(review)
        out.write_text(text, encoding="utf-8")
        print(f"Wrote the review of {start} to {end} to {out}")
    elif args.json:
        print(_json({"start": start, "end": end, "totals": review.totals, "flags": review.flags,
                     "takeaways": {s.title: s.takeaway for s in review.sections}}))
    else:
        print(review_markdown(review))
    return 0


def cmd_restore(args, store: Store) -> int:
    source = Path(args.file)
    if source.suffix.lower() == ".zip":
        try:
            data = source.read_bytes()
        except OSError as error:
            raise StoreError(f"Cannot read {source}: {error.strerror or error}") from error
        summary = store.restore_zip(data)
    else:
        restore_copy(store.path, source)
        summary = store.summary()
    before = store.path.with_name(store.path.name + ".before-restore")
    print(_json(summary) if args.json else f"Restored {source} into {store.path} ({summary['contacts']:,} contacts, "
          f"{summary['goals']} goals, {summary['interactions']:,} interactions); the file it replaced is {before}.")
    return 0


# -- parser ------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rapport", description=__doc__.splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=None, help="database file (default: $RAPPORT_DB or "
                        "data/rapport.duckdb)")
    common.add_argument("--json", action="store_true", help="print JSON")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", parents=[common], help="import contacts (CSV, vCard) or events (.ics)")
    p.add_argument("file")
    p.add_argument("--events", action="store_true", help="the file is an events CSV")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("contacts", parents=[common], help="list contacts")
    p.add_argument("--search", default="")
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(func=cmd_contacts)

    goals = sub.add_parser("goals", help="add, list and edit goals")
    goal_sub = goals.add_subparsers(dest="goals_command", required=True)
    goal_sub.add_parser("list", parents=[common]).set_defaults(func=cmd_goals)
    for name in ("add", "edit"):
        g = goal_sub.add_parser(name, parents=[common])
        if name == "edit":
            g.add_argument("id", type=int)
            g.add_argument("--status", choices=GOAL_STATUSES)
        else:
            g.add_argument("--template", choices=["referral", "mentor", "learn", "clients", "hiring"])
            g.add_argument("--role")
            g.add_argument("--area")
            g.add_argument("--outcome")
            g.add_argument("--seniority", help="comma-separated")
            g.add_argument("--industries", help="comma-separated")
            g.add_argument("--metric")
        g.add_argument("--title")
        g.add_argument("--description")
        g.add_argument("--roles", help="comma-separated target roles")
        g.add_argument("--companies", help="comma-separated target companies")
        g.add_argument("--target", type=int)
        g.add_argument("--priority", type=int, choices=range(1, 6))
        g.add_argument("--due", type=date.fromisoformat, help="YYYY-MM-DD")
        g.set_defaults(func=cmd_goals)

    events = sub.add_parser("events", help="import and list events")
    event_sub = events.add_subparsers(dest="events_command", required=True)
    e = event_sub.add_parser("import", parents=[common])
    e.add_argument("file")
    e.set_defaults(func=cmd_events)
    event_sub.add_parser("list", parents=[common]).set_defaults(func=cmd_events)

    p = sub.add_parser("rank", parents=[common], help="the best outreach: contacts or events, with reasons")
    p.add_argument("--goal", type=int)
    p.add_argument("--kind", choices=["contacts", "events"], default="contacts")
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--csv", help="write the list to this CSV file")
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser("log", parents=[common], help="log an outreach, a reply, a meeting or an event attended")
    p.add_argument("--contact", type=int, required=True, help="contact id (see rapport contacts)")
    p.add_argument("--kind", choices=INTERACTION_KINDS, default="outreach")
    p.add_argument("--channel", choices=CHANNELS, default="email")
    p.add_argument("--template", help="template name or id")
    p.add_argument("--goal", type=int)
    p.add_argument("--outcome", choices=OUTCOMES)
    p.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (default today)")
    p.add_argument("--follow-up", type=date.fromisoformat, help="YYYY-MM-DD (default: per channel)")
    p.add_argument("--notes")
    p.set_defaults(func=cmd_log)

    p = sub.add_parser("today", parents=[common], help="follow-ups due, people losing touch, next best outreach")
    p.set_defaults(func=cmd_today)

    p = sub.add_parser("export", parents=[common], help="export as CSV (formulas escaped) or .ics")
    p.add_argument("what", choices=["contacts", "interactions", "outreach", "calendar"])
    p.add_argument("--out", required=True)
    p.add_argument("--events", help="calendar: comma-separated event ids to include")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("review", parents=[common], help="the monthly review: progress, what works, what to refine")
    p.add_argument("--month", help="YYYY-MM (default: the last 30 days)")
    p.add_argument("--out", help="write it to FILE (.html: interactive report; otherwise Markdown)")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("restore", parents=[common], help="replace the workspace with a backup zip or an automatic "
                       "copy (data/backups/*.duckdb); the current file is kept as .before-restore")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("demo", parents=[common], help="load the demo workspace")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    store = Store(args.db or default_db_path())
    try:
        return args.func(args, store)
    except (ImportFileError, StoreError) as error:
        print(f"rapport: {error}", file=sys.stderr)
        return 2
    except (KeyError, ValueError) as error:
        message = error.args[0] if error.args else str(error)
        print(f"rapport: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `rapport today | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
