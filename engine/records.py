"""Plain data types shared by the importers, the store and the ranking.

They live apart from any of those modules so that each can be read and tested alone: the
importers produce these, the store persists them, nothing here touches a file or a database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from engine.errors import FileError

# The canonical contact columns, in the order importers emit record tuples. The order is part of
# the contract: ``ParsedFile.records[i][CONTACT_FIELDS.index("email")]`` is that row's e-mail.
CONTACT_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "company",
    "position",
    "linkedin_url",
    "phone",
    "location",
    "connected_on",  # ISO date string "YYYY-MM-DD" or None
    "notes",
    "tags",  # a tuple of strings (possibly empty)
)

# Every character Python's ``str.strip()`` removes (``str.isspace()``), written out because finding
# them means scanning all of Unicode (50 ms at import); a test checks it against Python's own.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")

# A plan's pseudo-field for a middle name, which only ever goes into full_name.
MIDDLE_NAME = "_middle"

# What a generic CSV may be mapped onto on the Import page.
MAPPABLE_FIELDS: tuple[str, ...] = tuple(f for f in CONTACT_FIELDS)

# Event columns, in the order the event importers emit record tuples.
EVENT_FIELDS: tuple[str, ...] = (
    "uid",
    "title",
    "kind",  # conference, meetup, webinar, online group, job fair, other
    "starts_at",  # ISO datetime "YYYY-MM-DDTHH:MM:SS" (UTC, naive) or None
    "ends_at",
    "online",  # bool
    "location",
    "cost",  # float or None
    "topics",  # tuple of strings
    "audience",
    "url",
    "description",
)



def printable(text: str) -> str:
    """``text`` on one line for a message: a control or invisible character (a line break, an escape,
    a zero-width space) is written as its escape (``\\n``, ``\\x1b``, ``\\u200b``), the rest as is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ImportFileError(FileError):
    """A file that cannot be imported at all (empty, binary, unterminated quote, ...).

    The message names the file and, where known, the line and column, so a user can open the
    file and find the problem.
    """

    def __init__(self, file_name: str, reason: str, line: int | None = None, column: str | None = None):
        self.file_name = file_name
        self.reason = reason
        self.line = line
        self.column = column
        where = printable(file_name)
        if line is not None:
            where += f", line {line}"
        if column:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Reject:
    """One row that was not imported, and why (line numbers are 1-based physical lines)."""

    line: int
    reason: str
    column: str | None = None
    raw: str = ""


@dataclass
class ParsedFile:
    """What an importer made of one uploaded file, before anything is written.

    ``records`` are tuples in ``fields`` order (CONTACT_FIELDS or EVENT_FIELDS) and ``lines`` holds
    the physical line each record started on, for messages.
    """

    file_name: str
    format: str
    encoding: str
    delimiter: str | None
    headers: list[str]
    fields: tuple[str, ...]
    records: list[tuple] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    total: int = 0
    skipped_blank: int = 0
    rejects: list[Reject] = field(default_factory=list)
    needs_mapping: bool = False
    mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> header used
    warnings: list[str] = field(default_factory=list)  # e.g. the lines whose invalid bytes became U+FFFD


@dataclass(frozen=True)
class DirectCsv:
    """A contacts CSV that DuckDB can read itself, and how its columns become contact fields.

    Made by ``importers.direct`` only for files where DuckDB's reader and ours agree on every
    value (see there); the store then parses, keys and saves it without a Python row loop.
    ``path`` is a UTF-8 copy of the table whose first line is the header; ``rows`` the number of
    physical lines after it, each of which must be exactly one row; ``plan`` maps a contact field
    (or the middle-name helper) to the column indices to take it from, in order of preference,
    and whether only LinkedIn addresses count.
    """

    file_name: str
    format: str
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    mapping: dict[str, str]
    path: str
    header_line: int
    rows: int
    plan: dict[str, tuple[tuple[int, ...], bool]]
    date_column: int  # the first column dates come from, or -1 (it does not count towards "blank")
    other_whitespace: bool = True  # any whitespace but spaces and line breaks (tabs, NBSP ...) in the table


@dataclass(frozen=True)
class RowRules:
    """How the Python importer judges a row, handed to the store's direct path so that both agree.

    The store cannot import the importers (they are above it), so the importers lend it their
    rules: the same date parser, the same tag splitter and the same words for a rejected row.
    """

    parse_dates: Callable[[list[str]], list[str | None]]  # an ISO date per distinct value, None if it is none
    split_tags: Callable[[str], Sequence[str]]  # one labels cell -> tags
    no_identity: str  # why a row without a name, an e-mail or a profile URL is rejected
    bad_date: Callable[[str], str]  # why a row whose date (this stripped value) does not parse is rejected
