"""``rapport``: the command line. It parses arguments, calls the engine and prints; nothing more.

Every command takes ``--db PATH`` (default ``data/rapport.duckdb``, overridden by ``RAPPORT_DB``).
A problem the user can fix ends in one line on stderr and exit status 2, never a traceback: a bad
argument is refused before the workspace is touched, a refused change leaves it as it was.
"""

from __future__ import annotations

import re
import sys

from engine.errors import RapportError
from engine.records import printable
from engine.store import Store, default_db_path

from .arguments import workspace_problem
from .parser import build_parser

__all__ = ["build_parser", "main"]

# Where to look up the ids that exist, for "no goal with id 999".
_SEE = {"contact": "rapport contacts", "goal": "rapport goals list", "event": "rapport events list",
        "template": "the Pitch & templates page"}
_MISSING = re.compile(r"no (?P<what>contact|goal|event|template) with id \d+")


def _refuse(message: str) -> int:
    found = _MISSING.fullmatch(message)
    if found:
        message += f" (see {_SEE[found['what']]})"
    print(f"rapport: {printable(message)}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    path = args.db or default_db_path()  # --db was checked as it was parsed; $RAPPORT_DB is checked here
    problem = None if args.db else workspace_problem(path)
    if problem:
        return _refuse(problem)
    store = Store(path)
    try:
        return args.func(args, store)
    except RapportError as error:
        return _refuse(str(error))
    except BrokenPipeError:  # `rapport today | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
