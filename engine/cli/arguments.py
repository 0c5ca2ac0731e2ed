"""What ``rapport`` accepts: the engine's vocabularies, argument types with ranges, one-line refusals.

Every refusal here is one line on stderr and exit status 2, named after the argument, before the
command touches the workspace. The ranges are stated in each option's help.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import stat
from datetime import date, timedelta
from pathlib import Path

from engine.clock import local_today
from engine.exports import output_problem
from engine.planning.goal_templates import GOAL_TEMPLATES
from engine.records import printable
from engine.vocabulary import CHANNELS, GOAL_STATUSES, INTERACTION_KINDS, OUTCOMES

__all__ = [
    "CHANNELS", "GOAL_STATUSES", "GOAL_TEMPLATE_NAMES", "INTERACTION_KINDS", "OUTCOMES", "Parser", "calendar_date",
    "id_list", "log_date", "month", "output_file", "record_id", "whole_number", "workspace_file", "workspace_problem",
]

GOAL_TEMPLATE_NAMES = tuple(GOAL_TEMPLATES)
MAX_ID = 2**63 - 1  # ids are DuckDB BIGINTs
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose refusals are one line (``rapport: error: ...``), never usage plus error."""

    def error(self, message: str):
        commands = [a for a in self._actions if isinstance(a, argparse._SubParsersAction)]
        if commands and message.startswith("the following arguments are required: COMMAND"):
            # a command given without its subcommand ("rapport companies"): say which there are
            message = (f"{self.prog} needs a command: {', '.join(commands[0].choices)} "
                       f"(see {self.prog} --help)")
        self.exit(2, f"rapport: error: {printable(message)}\n")


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def whole_number(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, not {_shown(text)}")
        return value

    return parse


def record_id(text: str) -> int:
    """An argparse type: the id of a contact, goal, template or event (a whole number from 1)."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 1 <= value <= MAX_ID:
        raise argparse.ArgumentTypeError(f"an id is a whole number from 1 up, not {_shown(text)}")
    return value


def id_list(text: str) -> list[int]:
    """An argparse type: comma-separated ids."""
    return [record_id(part.strip()) for part in text.split(",") if part.strip()]


def calendar_date(earliest: date = EARLIEST, latest: date = LATEST):
    """An argparse type: a YYYY-MM-DD date from ``earliest`` to ``latest``."""

    def parse(text: str) -> date:
        try:
            value = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
        except ValueError:
            value = None
        if value is None:
            raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {_shown(text)}")
        if not earliest <= value <= latest:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({earliest} to {latest})")
        return value

    return parse


def latest_log_date() -> date:
    """An interaction may be logged ahead (a meeting planned), but not more than a year ahead."""
    return local_today() + timedelta(days=365)


def log_date(text: str) -> date:
    """An argparse type: when an interaction happened, from 1900-01-01 to a year from today."""
    return calendar_date(EARLIEST, latest_log_date())(text)


def month(text: str) -> str:
    """An argparse type: a month YYYY-MM from 1900-01 to 2100-12."""
    if not re.fullmatch(r"\d{4}-\d{2}", text) or not 1 <= int(text[5:]) <= 12:
        raise argparse.ArgumentTypeError(f"not a month in the form YYYY-MM: {_shown(text)}")
    if not EARLIEST.year <= int(text[:4]) <= LATEST.year:
        raise argparse.ArgumentTypeError(f"{text} is out of range ({EARLIEST:%Y-%m} to {LATEST:%Y-%m})")
    return text


def _path_checked_by(problem_of):
    """An argparse type: a path, refused with the one line ``problem_of(path)`` gives, if any."""

    def parse(text: str) -> Path:
        problem = problem_of(text)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return Path(text)

    return parse


def workspace_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot be a workspace (one line), or None: a new file, or a DuckDB database file.

    Checked before DuckDB sees the path: DuckDB blocks forever on a named pipe, and opens a CSV
    file as an in-memory database, where whatever is imported would silently be lost.
    """
    shown = printable(str(path))
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None  # a new workspace (its folder is made if need be)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"{shown}: the link points to itself (a symlink loop)"
        if error.errno == errno.ENOTDIR:
            return f"{shown}: a folder on the way is a file"
        return f"{shown} cannot be opened ({error.strerror})"
    if stat.S_ISDIR(mode):
        return f"{shown} is a folder; give a workspace file, e.g. {printable(os.path.join(path, 'rapport.duckdb'))}"
    if not stat.S_ISREG(mode):
        return f"{shown} is not a regular file (a device or a pipe), so it cannot be a workspace"
    try:
        with open(path, "rb") as file:
            head = file.read(12)
    except OSError as error:
        return f"{shown} cannot be read ({error.strerror})"
    if head and head[8:12] != b"DUCK":  # an empty file is an interrupted first start: the store starts afresh
        return f"{shown} is not a Rapport workspace (not a DuckDB database file); it was left as it is"
    return None


# A file to write, in a folder that exists; ``--db``, a workspace file.
output_file = _path_checked_by(output_problem)
workspace_file = _path_checked_by(workspace_problem)
