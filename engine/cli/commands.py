"""What each ``rapport`` command does, one function per command and subcommand.

Each reads its parsed arguments (never changing them), calls the engine and prints. A problem the
user can fix is raised (ValueError, KeyError, ImportFileError, StoreError) and ``main`` prints it
as one line.
"""

from __future__ import annotations

import sys

from engine.clock import workspace_today
from engine.errors import NotFound, UserError
from engine.exports import csv_bytes, write_atomically
from engine.records import printable
from engine.store import ContactQuery, Store

from .output import print_json, table

MAX_SHOWN_REJECTS = 20


def split_list(text: str | None) -> list[str] | None:
    return None if text is None else [p.strip() for p in text.split(",") if p.strip()]


# -- import -------------------------------------------------------------------------------------------
def _import(store: Store, file: str, events: bool, as_json: bool, meetings: bool = False,
            add_unmatched: bool = False) -> int:
    from engine.importers.files import import_file

    report = import_file(store, file, events=events, meetings=meetings, add_unmatched=add_unmatched)
    if getattr(report, "kind", None) == "archive":
        return _print_archive(report, file, as_json)
    if getattr(report, "kind", None) == "meetings":
        return _print_meetings(report, file, as_json)
    if as_json:
        data = report.to_dict()
        data["rejected_rows"] = data.pop("rejects")
        print_json(data)
        return 0
    print(f"Imported {printable(file)} ({report.format}, {report.encoding}): {report.total} rows, "
          f"{report.inserted} new, {report.updated} updated, {report.unchanged} unchanged, "
          f"{report.skipped_blank} blank, {report.rejected} rejected.")
    for reject in report.rejects[:MAX_SHOWN_REJECTS]:
        column = f", column {reject.column}" if reject.column else ""
        print(f"  line {reject.line}{column}: {reject.reason}")
    if report.rejected > MAX_SHOWN_REJECTS:
        print(f"  ... and {report.rejected - MAX_SHOWN_REJECTS} more (see the Import page for the full list)")
    for warning in report.warnings:
        print(f"  warning: {warning}")
    return 0


def _print_archive(report, file: str, as_json: bool) -> int:
    """The report of a LinkedIn data archive (``engine.importers.archive.ArchiveReport``)."""
    data = report.to_dict()
    if as_json:
        print_json(data)
        return 0
    if report.contacts:
        contacts = report.contacts
        print(f"Contacts from {printable(contacts['file_name'])}: {contacts['inserted']} new, "
              f"{contacts['updated']} updated, {contacts['unchanged']} unchanged, {contacts['rejected']} rejected.")
    skipped = ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in report.skipped.items() if n)
    print(f"Imported {printable(file)} ({report.format}): {report.messages_read} messages and "
          f"{report.invitations_read} invitations read in {report.conversations} conversations; "
          f"{report.interactions_inserted} interactions added, {report.interactions_updated} updated; "
          f"{report.matched_people} people matched, {report.unmatched_count} not among your contacts"
          + (f"; skipped: {skipped}." if skipped else "."))
    if report.contacts_added:
        print(f"Added {report.contacts_added} people you exchanged messages with as contacts.")
    elif report.addable_people:
        print(f"{report.addable_people} of them exchanged messages with you: add them as contacts with "
              "--add-unmatched.")
    return _print_unmatched(report, lambda person: person["name"] or person["profile_url"] or "?")


def _print_unmatched(report, who) -> int:
    """The people not among the contacts (``who`` names one) and the warnings of a history import."""
    for person in report.unmatched_people[:MAX_SHOWN_REJECTS]:
        print(f"  not a contact: {printable(who(person))}")
    for warning in report.warnings:
        print(f"  warning: {printable(warning)}")
    return 0


def _print_meetings(report, file: str, as_json: bool) -> int:
    """The report of a calendar read as meetings (``engine.importers.calendar.MeetingsReport``)."""
    if as_json:
        print_json(report.to_dict())
        return 0
    skipped = ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in report.skipped.items() if n)
    print(f"Imported {printable(file)} as meetings: {report.meetings_read} meetings read; "
          f"{report.interactions_inserted} interactions added; {report.matched_people} people matched, "
          f"{report.unmatched_count} addresses not among your contacts"
          + (f"; skipped: {skipped}." if skipped else "."))
    return _print_unmatched(report, lambda person: person["email"])


def cmd_import(args, store: Store) -> int:
    return _import(store, args.file, events=args.events or args.as_kind == "events", as_json=args.json,
                   meetings=args.as_kind == "meetings", add_unmatched=args.add_unmatched)


def cmd_events_import(args, store: Store) -> int:
    return _import(store, args.file, events=True, as_json=args.json)


def cmd_events_list(args, store: Store) -> int:
    rows = store.events.frame().to_dict("records")
    print_json(rows) if args.json else print(table(rows, ["id", "title", "kind", "starts_at", "location"]))
    return 0


READ_COLUMNS = ["role_family", "seniority", "industry", "industry_inferred"]


def with_readings(frame):
    """Contact rows with what the ranking engine reads of them: role family, seniority level and
    industry (the contact's own, else inferred from the company, with ``industry_inferred``)."""
    from engine.ranking.contact_readings import describe_contacts

    readings = describe_contacts(frame)[READ_COLUMNS]
    return frame.drop(columns=[c for c in READ_COLUMNS if c in frame]).join(readings)


# -- contacts and goals -------------------------------------------------------------------------------
def cmd_contacts(args, store: Store) -> int:
    frame, total = store.contacts.find(ContactQuery(search=args.search, page_size=args.limit), every_field=args.json)
    left_out = total - len(frame)
    if args.json:
        rows = with_readings(frame)
        if "linkedin_url" in rows:  # by the name a script may ask for too, as `rapport rank --json` gives it
            rows.insert(rows.columns.get_loc("linkedin_url") + 1, "profile_url", rows["linkedin_url"])
        print_json({"total": total, "shown": len(frame), "left_out": left_out, "contacts": rows})
        return 0
    print(table(frame.to_dict("records"), ["id", "full_name", "company", "position", "email"]))
    more = f"; {left_out:,} left out (raise --limit or narrow --search)" if left_out else ""
    print(f"{len(frame):,} of {total:,} {'contact' if total == 1 else 'contacts'}{more}")
    return 0


def _contact_changes(args) -> dict:
    """The fields ``rapport contacts edit`` was given (an empty --tags clears the tags)."""
    changes = {"strength": args.strength, "relationship": args.relationship, "cadence_days": args.cadence,
               "cadence_max_days": args.cadence_max, "notes": args.notes}
    changes = {k: v for k, v in changes.items() if v is not None}
    if args.tags is not None:
        changes["tags"] = split_list(args.tags)
    if args.relationship == "":
        changes["relationship"] = None
    return changes


def cmd_contacts_edit(args, store: Store) -> int:
    changes = _contact_changes(args)
    if not changes:
        raise UserError("nothing to change: give --strength, --relationship, --tags, --cadence, --cadence-max "
                        "or --notes")
    store.contacts.update(args.id, **changes)
    if args.json:
        print_json({"id": args.id, **changes})
    else:
        said = ", ".join(f"{k.replace('_', ' ')} {', '.join(v) if isinstance(v, list) else v}" for k, v in
                         changes.items())
        print(f"Updated contact {args.id}: {said}")
    return 0


def cmd_contacts_merge(args, store: Store) -> int:
    store.contacts.merge(args.duplicate, args.keep)
    if args.json:
        print_json({"merged": args.duplicate, "into": args.keep})
    else:
        print(f"Merged contact {args.duplicate} into {args.keep}")
    return 0


def cmd_learning(args, store: Store) -> int:
    """Whether the ranking learns, from how many outcomes, and how well it predicted replies it had
    not seen: a time-split backtest (engine.outreach.learning_backtest) with its AUC and calibration."""
    from engine.clock import workspace_now
    from engine.outreach.learning import auc_words
    from engine.outreach.opportunities import learning_status

    status = {"backtest": None, "backtest_reason": "no backtest: no contacts yet",
              **learning_status(store, workspace_now(store))}
    if args.json:
        print_json(status)
        return 0
    print(status.get("message") or ("learning from outcomes" if status.get("learning") else "not learning yet"))
    result = status["backtest"]
    if result:
        print(f"backtest: trained on {result['train']} outcomes before {result['split_on']}, AUC {result['auc']:.2f} "
              f"on the {result['test']} after ({auc_words(result['auc'])}); Brier {result['brier']:.3f} "
              f"(the reply rate alone: {result['brier_base']:.3f})")
    else:
        print(status["backtest_reason"])
    return 0


def cmd_goals_list(args, store: Store) -> int:
    goals = store.goals.all()
    if args.json:
        print_json(goals)
    else:
        print(table(goals, ["id", "title", "outcome", "status", "priority", "metric", "target", "due_date"]))
    return 0


def cmd_goals_progress(args, store: Store) -> int:
    """What Home shows of the active goals: progress, due date, pace and what keeping pace asks."""
    from engine.planning.glance import goals_at_a_glance

    rows = goals_at_a_glance(store, workspace_today(store))
    if args.json:
        print_json(rows)
    else:
        print(table(rows, ["id", "goal", "progress", "done", "due", "pace", "next"]))
    return 0


def _goal_changes(args) -> dict:
    """The goal fields given on the command line (``goals add`` and ``goals edit`` take the same)."""
    changes = {key: value for key, value in (
        ("title", args.title), ("description", args.description), ("outcome", args.outcome),
        ("metric", args.metric), ("target", args.target), ("priority", args.priority), ("due_date", args.due),
        ("status", args.status)) if value is not None}
    for key, value in (("target_roles", args.roles), ("seniority", args.seniority),
                       ("industries", args.industries), ("companies", args.companies)):
        if value is not None:
            changes[key] = split_list(value)
    return changes


def cmd_goals_add(args, store: Store) -> int:
    from engine.planning.goal_templates import NEEDS, goal_from_template

    needed = NEEDS.get(args.template or "")
    if needed and not (getattr(args, needed) or "").strip():
        example = '"product manager"' if needed == "role" else "fintech"
        raise UserError(f"--template {args.template} needs --{needed}, e.g. --{needed} {example}")
    goal = (goal_from_template(args.template, role=args.role or "", area=args.area or "",
                               companies=split_list(args.companies)) if args.template else {"segments": []})
    goal.update(_goal_changes(args))
    goal_id = store.goals.add(goal)
    print_json({"id": goal_id}) if args.json else print(f"Added goal {goal_id}: {goal.get('title')}")
    return 0


def cmd_goals_edit(args, store: Store) -> int:
    store.goals.update(args.id, _goal_changes(args))
    print_json({"id": args.id}) if args.json else print(f"Updated goal {args.id}")
    return 0


def existing_goal(store: Store, goal_id: int) -> dict:
    goal = store.goals.get(goal_id)
    if goal is None:
        raise NotFound(f"no goal with id {goal_id}")
    return goal


# -- log, today (rank: rank_commands.py) ---------------------------------------------------------------
def template_id(store: Store, name_or_id: str) -> int:
    """A template's id from its id or its name (any case)."""
    text = name_or_id.strip()
    if text.isdecimal():
        return int(text)  # the store refuses an id that does not exist
    from engine.outreach.messages import workspace_templates

    templates = workspace_templates(store)
    names = {t["name"].casefold(): t["id"] for t in templates}
    if text.casefold() not in names:
        known = ", ".join(sorted(t["name"] for t in templates))
        raise UserError(f"no template named {text!r}; the templates are: {known} (edit them on the Pitch & "
                        "templates page)")
    return names[text.casefold()]


def cmd_log(args, store: Store) -> int:
    from engine.planning.agenda import follow_up_for

    when = args.date or workspace_today(store)
    follow = args.follow_up or follow_up_for(args.kind, args.channel, when, args.outcome)
    new_id = store.interactions.log({
        "contact_id": args.contact, "goal_id": args.goal, "event_id": args.event,
        "template_id": template_id(store, args.template) if args.template is not None else None,
        "kind": args.kind, "channel": args.channel, "occurred_on": when, "outcome": args.outcome,
        "follow_up_on": follow, "notes": args.notes})
    if args.json:
        print_json({"id": new_id, "follow_up_on": follow})
    else:
        print(f"Logged interaction {new_id}" + (f"; follow up on {follow}" if follow else ""))
    return 0


def cmd_follow_up(args, store: Store) -> int:
    """What Today's buttons do: an outreach's outcome, or a meeting's (an event's, a message from
    them) follow-up done or moved."""
    from engine.planning.agenda import follow_up_done, follow_up_later

    interaction = store.interactions.get(args.id)
    if args.outcome is not None:
        store.interactions.set_outcome(args.id, args.outcome)
        follow, said = interaction.get("follow_up_on"), f"outcome {args.outcome}"
    elif args.done:
        follow_up_done(store, args.id)
        follow, said = None, "follow-up done"
    else:
        follow = follow_up_later(store, args.id, workspace_today(store), args.later)
        said = f"follow up on {follow}"
    if args.json:
        print_json({"id": args.id, "outcome": args.outcome or interaction.get("outcome"), "follow_up_on": follow})
    else:
        print(f"Interaction {args.id}: {said}")
    return 0


def cmd_today(args, store: Store) -> int:
    from engine.planning.agenda import agenda

    plan = agenda(store)
    sections = {"due": plan.due, "upcoming": plan.upcoming, "losing_touch": plan.losing_touch,
                "next_outreach": plan.next_outreach}
    if args.json:
        print_json({"today": plan.today, **sections})
        return 0
    print(f"Today, {plan.today:%A %d %B %Y}")
    for title, frame, columns in (("Follow-ups due", plan.due, ["id", "full_name", "kind", "channel", "follow_up_on",
                                                                  "status"]),
                                  ("Next 7 days", plan.upcoming, ["id", "full_name", "kind", "channel",
                                                                  "follow_up_on"]),
                                  ("Losing touch", plan.losing_touch, ["id", "full_name", "status", "days_since"]),
                                  ("Next best outreach", plan.next_outreach, ["contact_id", "full_name", "company",
                                                                              "next_step"])):
        print(f"\n{title}:")
        print(table(frame.to_dict("records"), columns) if not frame.empty else "(none)")
    return 0


# -- export, review, demo -----------------------------------------------------------------------------
def _frame_csv(frame) -> tuple[bytes, str]:
    return csv_bytes(frame.to_dict("records"), list(frame.columns)), f"{len(frame)} rows"


def _export_contacts(store: Store, args) -> tuple[bytes, str]:
    return _frame_csv(store.contacts.export())


def _export_interactions(store: Store, args) -> tuple[bytes, str]:
    from engine.exports import interactions_csv

    frame = store.interactions.frame()
    return interactions_csv(frame), f"{len(frame)} interactions"


def _export_outreach(store: Store, args) -> tuple[bytes, str]:
    from engine.outreach.opportunities import rank_contacts
    from engine.outreach.table import TABLE_COLUMNS, csv_rows

    rows = csv_rows(store, rank_contacts(store))  # as the Outreach page's CSV: the fit 0-100, profile, e-mail
    return csv_bytes(rows, ["contact_id", *TABLE_COLUMNS]), f"{len(rows)} rows"


def _export_calendar(store: Store, args) -> tuple[bytes, str]:
    from engine.planning.agenda import calendar_file

    wanted = args.events or []
    known = set(store.events.frame()["id"].tolist()) if wanted else set()
    missing = next((e for e in wanted if e not in known), None)
    if missing is not None:
        raise NotFound(f"no event with id {missing}")
    return calendar_file(store, wanted).encode("utf-8"), "the calendar"


EXPORTS = {"contacts": _export_contacts, "interactions": _export_interactions, "outreach": _export_outreach,
           "calendar": _export_calendar}


def cmd_export(args, store: Store) -> int:
    if args.events is not None and args.what != "calendar":
        raise UserError("--events is for `rapport export calendar` only")
    data, what = EXPORTS[args.what](store, args)
    write_atomically(args.out, data)
    print(f"Wrote {what} to {printable(str(args.out))}")
    return 0


def cmd_review(args, store: Store) -> int:
    from engine.insights.report import review_html, review_markdown
    from engine.insights.review import build_review, month_bounds

    today = workspace_today(store)
    start, end = month_bounds(args.month, today)
    review = build_review(store, start, end, today=today)
    if args.out:
        html = args.out.suffix.lower() in (".html", ".htm")
        write_atomically(args.out, (review_html(review) if html else review_markdown(review)).encode("utf-8"))
        print(f"Wrote the review of {start} to {end} to {printable(str(args.out))}")
    elif args.json:
        print_json({"start": start, "end": end, "totals": review.totals, "flags": review.flags,
                    "takeaways": {s.title: s.takeaway for s in review.sections}})
    else:
        print(review_markdown(review))
    return 0


def cmd_demo(args, store: Store) -> int:
    from engine.demo.load import load_demo_workspace

    if not store.is_empty() and not args.force:
        print("rapport: this workspace is not empty; use --force to add the demo data anyway", file=sys.stderr)
        return 2
    summary = load_demo_workspace(store, today=workspace_today(store))
    print_json(summary) if args.json else print(f"Demo workspace loaded: {summary}")
    return 0
