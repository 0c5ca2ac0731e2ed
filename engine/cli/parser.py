"""The ``rapport`` argument parser: every command, its options with their ranges, and examples.

Each command's ``--help`` ends with a few real examples, the way sqlite-utils shows them.
"""

from __future__ import annotations

import argparse

from engine.vocabulary import FEEDBACK_FITS, GOAL_OUTCOMES, RELATIONSHIPS

from . import commands, network_commands, rank_commands, workspace_commands
from .arguments import (
    CHANNELS,
    GOAL_STATUSES,
    GOAL_TEMPLATE_NAMES,
    INTERACTION_KINDS,
    OUTCOMES,
    Parser,
    calendar_date,
    id_list,
    log_date,
    month,
    output_file,
    record_id,
    whole_number,
    workspace_file,
)

DESCRIPTION = "rapport: your professional network as a networking strategy, on the command line."
EPILOG = """\
Every command takes --db FILE (default: $RAPPORT_DB, else data/rapport.duckdb) and --json.
A problem you can fix is one line on stderr and exit status 2.

Examples:

    rapport import Connections.csv
    rapport goals add --template referral --role "product manager" --companies Stripe,Adyen
    rapport rank --top 10
"""


def _examples(*lines: str) -> str:
    return "Examples:\n\n" + "".join(f"    {line}\n" for line in lines)


def _command(sub, name: str, common: argparse.ArgumentParser, help: str, examples: tuple[str, ...], func,
             description: str | None = None) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, parents=[common], help=help, description=description or help[0].upper() + help[1:],
                            epilog=_examples(*examples), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=func)
    return parser


def _group(sub, name: str, help: str, examples: tuple[str, ...], common: argparse.ArgumentParser):
    """A command with subcommands of its own (``goals``, ``events``): it takes ``common`` (--db,
    --json) before its subcommand too (``rapport goals --db FILE list``), and its subcommands take
    them quietly (given after the subcommand they count; not given, they leave the group's)."""
    parser = sub.add_parser(name, help=help, description=help[0].upper() + help[1:], epilog=_examples(*examples),
                            formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common])
    return parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", required=True)


def _goal_fields(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title")
    parser.add_argument("--description")
    parser.add_argument("--outcome", choices=GOAL_OUTCOMES, help="what the goal brings, as on the Goals page")
    parser.add_argument("--metric", help="what to count, e.g. referrals, meetings, conversations")
    parser.add_argument("--roles", help="comma-separated target roles")
    parser.add_argument("--seniority", help="comma-separated, e.g. manager,director")
    parser.add_argument("--industries", help="comma-separated")
    parser.add_argument("--companies", help="comma-separated target companies")
    parser.add_argument("--target", type=whole_number(1, 100_000), metavar="N", help="how many, 1 to 100000")
    parser.add_argument("--priority", type=whole_number(1, 5), metavar="1-5", help="1 (low) to 5 (high)")
    parser.add_argument("--due", type=calendar_date(), metavar="YYYY-MM-DD", help="due date, 1900 to 2100")
    parser.add_argument("--status", choices=GOAL_STATUSES)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="rapport", description=DESCRIPTION, epilog=EPILOG,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    common = Parser(add_help=False)
    common.add_argument("--db", type=workspace_file, default=None, metavar="FILE",
                        help="workspace file (default: $RAPPORT_DB, else data/rapport.duckdb)")
    common.add_argument("--json", action="store_true", help="print JSON")
    # The same options for a subcommand of a command that has them (``contacts edit``): given after the
    # subcommand they count; not given, they leave what the command before it was given.
    quiet = Parser(add_help=False)
    quiet.add_argument("--db", type=workspace_file, default=argparse.SUPPRESS, metavar="FILE",
                       help="workspace file (default: $RAPPORT_DB, else data/rapport.duckdb)")
    quiet.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = _command(sub, "import", common, "import contacts (LinkedIn, Google, Outlook CSV, vCard) or events (.ics)",
                 ("rapport import Connections.csv --json", "rapport import calendar.ics --as meetings",
                  "rapport import Basic_LinkedInDataExport.zip --add-unmatched"), commands.cmd_import)
    p.add_argument("file", help="a regular file of at most 50 MB")
    p.add_argument("--events", action="store_true", help="the file is an events CSV")
    p.add_argument("--as", dest="as_kind", choices=("events", "meetings"), default=None,
                   help="read the file as events to attend, or (a calendar .ics) as meetings with your contacts")
    p.add_argument("--add-unmatched", action="store_true",
                   help="a LinkedIn data archive: add the people you exchanged messages with who are not "
                        "among your contacts as contacts, with their history")

    p = _command(sub, "contacts", common, "list contacts",
                 ("rapport contacts --search stripe", "rapport contacts --limit 500 --json"), commands.cmd_contacts)
    p.add_argument("--search", default="", help="part of a name, company, position or e-mail")
    p.add_argument("--limit", type=whole_number(1, 100_000), default=100, metavar="N",
                   help="how many to list, 1 to 100000 (default 100)")
    contacts = p.add_subparsers(dest="contacts_command", metavar="COMMAND")
    p = _command(contacts, "edit", quiet, "set what the Contacts page sets: strength, relationship, tags, cadence, "
                 "notes", ("rapport contacts edit 12 --strength 4 --relationship mentor",
                           "rapport contacts edit 12 --tags \"Work,Berlin\" --cadence 30",
                           "rapport contacts edit 12 --tags ''"),
                 commands.cmd_contacts_edit)
    p.add_argument("id", type=record_id, help="the contact's id (see rapport contacts)")
    p.add_argument("--strength", type=whole_number(0, 5), metavar="0-5", help="how close you are, 0 to 5")
    p.add_argument("--relationship", choices=("", *RELATIONSHIPS), metavar="|".join(RELATIONSHIPS),
                   help="who they are to you ('' clears it)")
    p.add_argument("--tags", metavar="A,B", help="comma-separated tags, replacing the current ones ('' clears them)")
    p.add_argument("--cadence", type=whole_number(1, 3650), metavar="DAYS", help="keep in touch every DAYS days")
    p.add_argument("--cadence-max", type=whole_number(1, 3650), metavar="DAYS",
                   help="the longest gap before they count as losing touch")
    p.add_argument("--notes", help="your notes on them (replacing the current ones)")
    p = _command(contacts, "merge", quiet, "fold a duplicate contact into another: its interactions, job changes, "
                 "tags and marks move along, missing fields are filled, the duplicate is removed",
                 ("rapport contacts merge 31 12",), commands.cmd_contacts_merge)
    p.add_argument("duplicate", type=record_id, help="the id of the contact to fold in (it is removed)")
    p.add_argument("keep", type=record_id, help="the id of the contact to keep")


    goals = _group(sub, "goals", "add, list and edit goals",
                   ("rapport goals list", "rapport goals add --template mentor --role \"director of product\"",
                    "rapport goals edit 2 --status paused"), common)
    p = _command(goals, "list", quiet, "list goals, highest priority first",
                 ("rapport goals list", "rapport goals list --json"), commands.cmd_goals_list)
    _command(goals, "progress", quiet, "the active goals' progress, due date and pace, as Home shows them",
             ("rapport goals progress", "rapport goals progress --json"), commands.cmd_goals_progress)
    p = _command(goals, "add", quiet, "add a goal, from a template or field by field",
                 ("rapport goals add --template referral --role \"product manager\" --companies Stripe,Adyen",
                  "rapport goals add --template learn --area fintech --priority 3",
                  "rapport goals add --title \"Speak at a meetup\" --outcome visibility --target 1 --due 2030-06-30"),
                 commands.cmd_goals_add)
    p.add_argument("--template", choices=GOAL_TEMPLATE_NAMES, help="start from a template")
    p.add_argument("--role", help="the role the template is about, e.g. \"product manager\" (the referral, mentor "
                                  "and hiring templates need one)")
    p.add_argument("--area", help="the industry or field, e.g. fintech (the learn and clients templates need one: for "
                                  "clients, the industry they work in; with --role, the goal's target industry)")
    _goal_fields(p)
    p = _command(goals, "edit", quiet, "change a goal's fields",
                 ("rapport goals edit 2 --status paused", "rapport goals edit 1 --priority 5 --due 2030-03-31"),
                 commands.cmd_goals_edit)
    p.add_argument("id", type=record_id, help="the goal's id (see rapport goals list)")
    _goal_fields(p)

    events = _group(sub, "events", "import and list events",
                    ("rapport events import meetups.ics", "rapport events list"), common)
    p = _command(events, "import", quiet, "import events from an .ics calendar or an events CSV",
                 ("rapport events import meetups.ics", "rapport events import conferences.csv --json"),
                 commands.cmd_events_import)
    p.add_argument("file", help="a regular file of at most 50 MB")
    _command(events, "list", quiet, "list events", ("rapport events list", "rapport events list --json"),
             commands.cmd_events_list)

    p = _command(sub, "rank", common, "the best outreach: contacts or events, with reasons",
                 ("rapport rank --top 10", "rapport rank --goal 2 --kind events",
                  "rapport rank --top 50 --csv outreach.csv"), rank_commands.cmd_rank)
    p.add_argument("--goal", type=record_id, metavar="ID", help="only this goal (see rapport goals list)")
    p.add_argument("--kind", choices=tuple(rank_commands.RANKINGS), default="contacts")
    p.add_argument("--top", type=whole_number(1, 10_000), default=20, metavar="N",
                   help="how many, 1 to 10000 (default 20)")
    p.add_argument("--csv", type=output_file, metavar="FILE", help="write the list to this CSV file")

    _command(sub, "learning", common, "whether the ranking learns from your outcomes yet, and from how many",
             ("rapport learning", "rapport learning --json"), commands.cmd_learning)

    p = _command(sub, "feedback", common, "mark contacts a good fit or not a fit for a goal: the goal's ranking "
                 "learns from the marks", ("rapport feedback --goal 1 --contact 12 --fit good",
                                           "rapport feedback --goal 1 --contact 12,15,19 --fit bad",
                                           "rapport feedback --goal 1 --contact 12 --fit clear"),
                 network_commands.cmd_feedback)
    p.add_argument("--goal", type=record_id, required=True, metavar="ID", help="the goal (see rapport goals list)")
    p.add_argument("--contact", type=id_list, required=True, metavar="IDS",
                   help="comma-separated contact ids (see rapport contacts)")
    p.add_argument("--fit", choices=(*FEEDBACK_FITS, "clear"), required=True, help="clear removes the marks")

    companies = _group(sub, "companies", "companies in your network: set an industry and tags once for everyone "
                       "there; see target companies nobody works at",
                       ("rapport companies list", "rapport companies set \"Acme Health\" --industry healthcare",
                        "rapport companies gaps"), common)
    p = _command(companies, "list", quiet, "every company with its contacts, strongest tie and industry",
                 ("rapport companies list --limit 20", "rapport companies list --json"),
                 network_commands.cmd_companies_list)
    p.add_argument("--limit", type=whole_number(1, 100_000), default=100, metavar="N",
                   help="how many to list, 1 to 100000 (default 100)")
    p = _command(companies, "set", quiet, "set a company's industry and tags, for everyone who works there",
                 ("rapport companies set Stripe --industry fintech", "rapport companies set \"Acme\" --tags b2b,saas",
                  "rapport companies set Acme --industry ''"), network_commands.cmd_companies_set)
    p.add_argument("name", help="the company's name, any spelling (\"Stripe, Inc.\" is Stripe)")
    p.add_argument("--industry", help="its industry ('' clears it)")
    p.add_argument("--tags", metavar="A,B", help="comma-separated tags, replacing the current ones ('' clears them)")
    _command(companies, "gaps", quiet, "target companies of your active goals with nobody in your network, and "
             "the closest way in", ("rapport companies gaps", "rapport companies gaps --json"),
             network_commands.cmd_companies_gaps)

    p = _command(sub, "log", common, "log an outreach, a reply, a meeting or an event attended",
                 ("rapport log --contact 12 --channel linkedin_message --template \"Referral ask\" --goal 1",
                  "rapport log --contact 12 --kind meeting --channel in_person --outcome meeting --date 2025-03-04",
                  "rapport log --contact 7 --follow-up 2025-04-01 --notes \"sent the deck\""), commands.cmd_log)
    p.add_argument("--contact", type=record_id, required=True, metavar="ID", help="contact id (see rapport contacts)")
    p.add_argument("--kind", choices=INTERACTION_KINDS, default="outreach")
    p.add_argument("--channel", choices=CHANNELS, default="email")
    p.add_argument("--template", metavar="NAME|ID", help="the template used, by name or id")
    p.add_argument("--goal", type=record_id, metavar="ID", help="the goal it serves (see rapport goals list)")
    p.add_argument("--event", type=record_id, metavar="ID", help="the event it happened at (see rapport events list)")
    p.add_argument("--outcome", choices=OUTCOMES)
    p.add_argument("--date", type=log_date, metavar="YYYY-MM-DD",
                   help="when it happened: from 1900-01-01 to a year from today (default today)")
    p.add_argument("--follow-up", type=calendar_date(), metavar="YYYY-MM-DD",
                   help="when to follow up: on or after --date (default: the channel's wait after an outreach "
                        "awaiting its answer)")
    p.add_argument("--notes")

    _command(sub, "today", common, "follow-ups due, people losing touch, next best outreach",
             ("rapport today", "rapport today --json"), commands.cmd_today)

    p = _command(sub, "follow-up", common, "answer a follow-up as Today does: how an outreach went, or a "
                 "meeting's (an event's, a message from them) follow-up done or moved",
                 ("rapport follow-up 12 --outcome replied", "rapport follow-up 14 --done",
                  "rapport follow-up 14 --later 7"), commands.cmd_follow_up)
    p.add_argument("id", type=record_id, help="the interaction's id (see rapport today)")
    answer = p.add_mutually_exclusive_group(required=True)
    answer.add_argument("--outcome", choices=OUTCOMES, help="how an outreach went")
    answer.add_argument("--done", action="store_true", help="the follow-up was done: it no longer comes due")
    answer.add_argument("--later", type=whole_number(1, 365), metavar="DAYS", help="move it DAYS after today (1-365)")

    p = _command(sub, "export", common, "export as CSV (formulas escaped) or .ics",
                 ("rapport export contacts --out contacts.csv", "rapport export outreach --out outreach.csv",
                  "rapport export calendar --out follow-ups.ics --events 3,4"), commands.cmd_export)
    p.add_argument("what", choices=tuple(commands.EXPORTS))
    p.add_argument("--out", type=output_file, required=True, metavar="FILE",
                   help="the file to write, in a folder that exists (replaced whole, never half-written)")
    p.add_argument("--events", type=id_list, metavar="IDS", help="calendar: comma-separated event ids to include")

    p = _command(sub, "review", common, "the monthly review: progress, what works, what to refine",
                 ("rapport review", "rapport review --month 2025-02 --out review.html",
                  "rapport review --month 2025-02 --out review.md"), commands.cmd_review)
    p.add_argument("--month", type=month, metavar="YYYY-MM", help="1900-01 to 2100-12 (default: the last 30 days)")
    p.add_argument("--out", type=output_file, metavar="FILE",
                   help="write it to FILE (.html: interactive report; otherwise Markdown)")

    p = _command(sub, "demo", common, "load the demo workspace",
                 ("rapport demo --db demo.duckdb", "rapport demo --force"), commands.cmd_demo)
    p.add_argument("--force", action="store_true", help="add the demo data to a workspace that is not empty")

    p = _command(sub, "backup", common, "back up the whole workspace as one zip",
                 ("rapport backup --out rapport-backup.zip",), workspace_commands.cmd_backup)
    p.add_argument("--out", type=output_file, required=True, metavar="FILE", help="the zip file to write")
    p = _command(sub, "restore", common, "replace the workspace with a backup zip or an automatic copy "
                 "(data/backups/*.duckdb); the current file is kept as .before-restore",
                 ("rapport restore rapport-backup.zip", "rapport restore data/backups/rapport-2026-12-01.duckdb"),
                 workspace_commands.cmd_restore)
    p.add_argument("file", help="a backup zip or an automatic .duckdb copy")
    return parser
