"""The CSVs of LinkedIn's data archive, read by column name in every era they were written in.

``messages.csv`` has changed shape five times (see ../shared/formats.md): 7 columns in 2018 (names
only, dates like ``10/16/18, 8:36 AM``, an explicit ``Direction``), 9 columns without recipient
URLs, 10 with them, extra draft and attachment columns in 2024-2025, and since 2026 every field
quoted, contents spanning lines. So a column is always found by its name (case, spaces and
underscores ignored), never by its position. Nothing here keeps a message's text: only its length.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import unquote

from engine.records import ImportFileError

from .decode import decode_text


def column_key(name: str) -> str:
    """``CONVERSATION ID``, ``Conversation_Id`` and ``conversationId`` all read ``conversationid``."""
    return re.sub(r"[\s_]+", "", name.strip().lstrip("\ufeff")).lower()


# The columns that tell each file apart (by ``column_key``).
MESSAGE_COLUMNS = {"from", "to", "date", "content"}
INVITATION_COLUMNS = {"from", "to", "sentat", "direction"}
PROFILE_COLUMNS = {"firstname", "lastname", "headline"}


def kind_of_header(headers: list[str]) -> str | None:
    """"messages", "invitations" or "profile" for a header row of one of those files, else None."""
    keys = {column_key(h) for h in headers}
    if INVITATION_COLUMNS <= keys:
        return "invitations"
    if MESSAGE_COLUMNS <= keys:
        return "messages"
    if PROFILE_COLUMNS <= keys and not keys & {"connectedon", "url", "emailaddress"}:
        return "profile"
    return None


def header_kind(data: bytes) -> str | None:
    """What kind of archive CSV these bytes start with (a cheap look at the first line), or None."""
    head = data[:8192]
    try:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = head.decode("utf-16", "ignore")
        else:
            text = head.decode("utf-8", "ignore")
    except (UnicodeError, LookupError):
        return None
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if not first or "," not in first:
        return None
    try:
        headers = next(csv.reader([first]))
    except csv.Error:
        return None
    return kind_of_header(headers)


# -- values --------------------------------------------------------------------------------------------
_MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                       "\u0192\u02c6\u02dc\u20ac\u2122]")


@lru_cache(maxsize=1 << 16)  # the same few names and URLs come back in every row: each is worked out once
def unmangle(text: str) -> str:
    """``JosÃ©`` back to ``José``: a UTF-8 name that was decoded as cp1252 somewhere on the way."""
    if not _MOJIBAKE.search(text):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


# Degrees, certifications and suffixes people put after their name ("Jane Doe, Ph.D.", "Bo Li MBA").
_CREDENTIALS = frozenset(
    "phd md mba cpa pmp cfa cspo pe shrm cissp msc bsc ms ma ba bs mphil frm acca cma jd llm dds rn np pa "
    "esq jr sr ii iii iv mbe obe faia aia leed ap cfp cfe cia cisa cism csm psm scrum pmi acp itil "
    "dr mr mrs ms prof".split()
)
_NOT_WORD = re.compile(r"[^\w]+")


def _credential(part: str) -> bool:
    """Is this comma-separated part of a name a credential (``Ph.D.``, ``MBA``, ``CPA, PMP``)?"""
    words = [w for w in _NOT_WORD.split(part.replace(".", "").lower()) if w]
    return bool(words) and all(w in _CREDENTIALS for w in words)


@lru_cache(maxsize=1 << 16)
def name_key(name: str | None) -> str:
    """A name folded for matching: mojibake repaired, credentials, accents, case and punctuation
    dropped, so that ``Jane Doe, Ph.D.``, ``JANE DOE`` and ``Jane Doé`` all read ``jane doe``."""
    if not name:
        return ""
    text = unmangle(name)
    parts = [p for p in text.split(",")]
    while len(parts) > 1 and _credential(parts[-1]):
        parts.pop()
    text = ",".join(parts)
    text = re.sub(r"\([^)]*\)", " ", text)  # (she/her), (MBA)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = [w for w in _NOT_WORD.split(text.lower()) if w and w != "_"]
    while len(words) > 2 and words[-1] in _CREDENTIALS:  # "Bo Li MBA" but never "Ma" alone
        words.pop()
    while len(words) > 2 and words[0] in ("dr", "prof", "mr", "mrs", "ms"):
        words.pop(0)
    return " ".join(words)


@lru_cache(maxsize=1 << 16)
def split_names(to: str, count: int | None = None) -> tuple[str, ...]:
    """The names in a ``TO`` cell: joined by ``, `` though a name can hold one ("Jane Doe, Ph.D.")."""
    names: list[str] = []
    for part in (to or "").split(", "):
        if names and (_credential(part) or not part.strip()):
            names[-1] = f"{names[-1]}, {part}"
        elif part.strip():
            names.append(part.strip())
    if count is not None and count == 1 and len(names) > 1:
        return (to.strip(),)
    return tuple(names)


@lru_cache(maxsize=1 << 16)
def url_key(url: str | None) -> str:
    """A LinkedIn profile URL reduced to its path (``in/jane-doe``), as the store's ``rapport_url_key``."""
    text = unquote((url or "").strip().lower()).split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return re.sub(r"^(https?://)?([a-z]{2,3}\.)?(www\.)?linkedin\.com/", "", text)


def split_urls(cell: str) -> list[str]:
    return [u.strip() for u in (cell or "").split(",") if u.strip()]


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(UTC|Z|GMT)?$")


def parse_moment(value: str) -> datetime | None:
    """A message or invitation date: ``2024-05-01 09:30:00 UTC`` (aware, UTC) or ``10/16/18, 8:36 AM``
    (naive: LinkedIn wrote it without a zone); None if it is neither."""
    text = (value or "").strip()
    if len(text) == 23 and text[19:] == " UTC" and text[10] == " " and text[:4].isdigit():  # the usual form
        try:
            return datetime.fromisoformat(text[:19] + "+00:00")
        except ValueError:
            pass  # read below, as any other form
    found = _ISO_DATE.match(text)
    try:
        if found:
            y, mo, d, h, mi, s, zone = found.groups()
            moment = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
            return moment.replace(tzinfo=UTC) if zone else moment
        found = _US_DATE.match(text)
        if found:
            mo, d, y, h, mi, s, half = found.groups()
            year = int(y) + (2000 if len(y) == 2 else 0)
            hour = int(h)
            if half:
                if not 1 <= hour <= 12:
                    return None
                hour = hour % 12 + (12 if half.lower() == "pm" else 0)
            return datetime(year, int(mo), int(d), hour, int(mi), int(s or 0))
    except ValueError:
        return None
    return None


def text_length(content: str) -> int:
    """How long a message reads: entities (``&rsquo;``) as one character, surrounding blanks left out."""
    if "&" in content:
        content = html.unescape(content)
    return len(content.strip())


# -- rows ----------------------------------------------------------------------------------------------
class Row:
    """One row of an archive CSV: its cells, the line it starts on, and its table's column index
    (shared by every row: a dict per row cost 100,000 dicts for a large messages.csv)."""

    __slots__ = ("cells", "index", "line")

    def __init__(self, line: int, cells: list[str], index: dict[str, int]):
        self.line, self.cells, self.index = line, cells, index

    def raw(self, key: str) -> str:
        try:
            return self.cells[self.index[key]]
        except (KeyError, IndexError):
            return ""

    def get(self, key: str) -> str:
        try:
            return self.cells[self.index[key]].strip()
        except (KeyError, IndexError):
            return ""

    def has(self, key: str) -> bool:
        return key in self.index


@dataclass
class Table:
    file_name: str
    kind: str  # messages, invitations, profile
    headers: list[str]
    rows: list[Row]
    encoding: str
    replaced: bool = False  # some bytes were not UTF-8 and became U+FFFD


def read_table(data: bytes, file_name: str) -> Table:
    """Read one archive CSV by its column names; ImportFileError if it is none of them or is broken."""
    text, encoding, replaced = decode_text(data, file_name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = next(reader, None)
        kind = kind_of_header(headers or [])
        if kind is None:
            shown = ", ".join((headers or [])[:8])
            raise ImportFileError(file_name, "this is not a messages, invitations or profile file of a LinkedIn "
                                             f"data archive (its columns are: {shown or 'none'})", line=1)
        index: dict[str, int] = {}
        for at, header in enumerate(headers):
            index.setdefault(column_key(header), at)
        rows, start = [], reader.line_num + 1
        for cells in reader:
            if any(cells):
                rows.append(Row(start, cells, index))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(file_name, f"the file cannot be read as CSV ({error})", line=reader.line_num) from None
    return Table(file_name, kind, headers, rows, encoding, replaced)


def profile_owner(table: Table) -> str | None:
    """The owner's name from Profile.csv (its one row)."""
    for row in table.rows:
        name = " ".join(p for p in (row.get("firstname"), row.get("lastname")) if p)
        if name:
            return unmangle(name)
    return None
