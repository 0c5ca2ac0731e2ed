"""The CSVs of LinkedIn's data archive, read by column name in every era they were written in.

``messages.csv`` has changed shape five times (see ../shared/formats.md): 7 columns in 2018 (names
only, dates like ``10/16/18, 8:36 AM``, an explicit ``Direction``), 9 columns without recipient
URLs, 10 with them, extra draft and attachment columns in 2024-2025, and since 2026 every field
quoted, contents spanning lines. So a column is always found by its name (case, spaces and
underscores ignored), never by its position. Nothing here keeps a message's text: only its length.

A file is read column by column by Arrow's CSV reader (in C++, on every core; quoted contents may
span lines); one it declines (a row with a cell too many or too few) by Python's csv reader, as
before, into the same columns. The lines rows start on are only worked out when a message must be
named by its line (an unreadable date).
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import unquote

from engine.records import ImportFileError

from .decode import BROKEN, REPLACED, decode_text, decode_utf8_head


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
_TITLES = ("dr", "prof", "mr", "mrs", "ms")  # said before a name, not part of it


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
    while len(words) > 2 and words[0] in _TITLES:
        words.pop(0)
    return " ".join(words)


def display_name(name: str | None) -> str:
    """A correspondent's name as a contact's: mojibake repaired, credentials after a comma and words
    in brackets dropped, spaces tidied (``Jane Doe, Ph.D. (she/her)`` reads ``Jane Doe``)."""
    parts = re.sub(r"\([^)]*\)", " ", unmangle(name or "")).split(",")
    while len(parts) > 1 and _credential(parts[-1]):
        parts.pop()
    words = ",".join(parts).split()
    while len(words) > 2 and words[0].rstrip(".").lower() in _TITLES:
        words.pop(0)
    return " ".join(words).strip(" ,")


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
    """One row of a (small) archive CSV: its cells, the line it starts on, and its table's column
    index, shared by every row."""

    __slots__ = ("cells", "index", "line")

    def __init__(self, line: int, cells: list[str], index: dict[str, int]):
        self.line, self.cells, self.index = line, cells, index

    def get(self, key: str) -> str:
        try:
            return self.cells[self.index[key]].strip()
        except (KeyError, IndexError):
            return ""


@dataclass
class Table:
    """An archive CSV read column by column: ``columns`` maps each column's ``column_key`` (the
    first column of that name) to an Arrow string array, one value per row that is not blank.
    The lines rows start on are only worked out when asked for (``lines``): a message with an
    unreadable date, a small invitations file."""

    file_name: str
    kind: str  # messages, invitations, profile
    headers: list[str]
    columns: dict  # column_key -> pyarrow StringArray
    num_rows: int
    encoding: str
    text: Callable[[], str]  # the decoded text again, for ``lines``
    replaced: bool = False  # some bytes were not UTF-8 and became U+FFFD
    _lines: list[int] | None = None
    derived: dict = field(default_factory=dict)  # columns worked out from ``columns``, kept for reuse

    def has(self, key: str) -> bool:
        return key in self.columns

    def lines(self) -> list[int]:
        """The line each row starts on (rows as ``columns`` has them: blank ones left out)."""
        if self._lines is None:
            reader = csv.reader(io.StringIO(self.text(), newline=""))
            next(reader, None)
            lines, start = [], reader.line_num + 1
            for cells in reader:
                if any(cells):
                    lines.append(start)
                start = reader.line_num + 1
            self._lines = lines
        return self._lines

    @property
    def rows(self) -> list[Row]:
        """The rows one by one (for the small files: invitations, the profile)."""
        index = {key: at for at, key in enumerate(self.columns)}
        values = [column.to_pylist() for column in self.columns.values()]
        return [Row(line, list(cells), index) for line, *cells in zip(self.lines(), *values, strict=True)]


_UTF8_BOM = b"\xef\xbb\xbf"


def _text_source(data: bytes, file_name: str) -> tuple[bytes, str, bool, Callable[[], str]]:
    """(UTF-8 bytes to parse, encoding, replaced, the text again): a large UTF-8 file as it is, any
    other decoded (``decode_text``: UTF-16, cp1252, a few broken bytes shown as U+FFFD)."""
    head = decode_utf8_head(data, file_name)
    if head is not None:
        return data, head[1], False, lambda: data.decode(head[1])
    text, encoding, replaced = decode_text(data, file_name)
    text = text.replace(REPLACED, "\ufffd").replace(BROKEN, "\ufffd")
    return text.encode("utf-8"), encoding, replaced, lambda: text


def _header(utf8: bytes) -> list[str]:
    head = utf8[:65536].decode("utf-8", "ignore").lstrip("\ufeff")
    try:
        return next(csv.reader(io.StringIO(head, newline="")), [])
    except csv.Error:
        return []


def _read_arrow(utf8: bytes, headers: list[str]):
    """The columns as Arrow strings, by Arrow's CSV reader (threaded, in C++); None when the
    file is not regular enough for it (a row with more or fewer cells than the header ...):
    the Python reader then reads it as it always has."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        table = pcsv.read_csv(
            pa.py_buffer(utf8),
            read_options=pcsv.ReadOptions(block_size=1 << 22),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(column_types={h: pa.string() for h in headers},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    if table.column_names != headers or any(not pa.types.is_string(t) for t in table.schema.types):
        return None
    columns = [column.combine_chunks() if column.num_chunks != 1 else column.chunk(0) for column in table.columns]
    del table
    pa.default_memory_pool().release_unused()  # the blocks just combined: not kept for reuse, off the peak
    return columns


def _read_python(text: str, file_name: str, width: int) -> list:
    """The columns as Arrow strings, by Python's csv reader (any row shape: missing cells read "")."""
    import pyarrow as pa

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        next(reader, None)
        rows = [cells for cells in reader if any(cells)]
    except csv.Error as error:
        raise ImportFileError(file_name, f"the file cannot be read as CSV ({error})", line=reader.line_num) from None
    columns = []
    for at in range(width):
        columns.append(pa.array([cells[at] if at < len(cells) else "" for cells in rows], type=pa.string()))
    return columns


def read_table(data: bytes, file_name: str) -> Table:
    """Read one archive CSV by its column names; ImportFileError if it is none of them or is broken."""
    import numpy as np
    import pyarrow as pa

    utf8, encoding, replaced, text = _text_source(data, file_name)
    headers = _header(utf8)
    kind = kind_of_header(headers)
    if kind is None:
        shown = ", ".join(headers[:8])
        raise ImportFileError(file_name, "this is not a messages, invitations or profile file of a LinkedIn "
                                         f"data archive (its columns are: {shown or 'none'})", line=1)
    arrays = _read_arrow(utf8, headers)
    if arrays is None:
        arrays = _read_python(text(), file_name, len(headers))
    else:  # rows whose every cell is empty are blank (Python's reader leaves them out above)
        filled = np.zeros(len(arrays[0]) if arrays else 0, dtype=bool)
        for array in arrays:
            offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset:array.offset + len(array) + 1]
            filled |= offsets[1:] > offsets[:-1]
        if not filled.all():
            arrays = [array.filter(pa.array(filled)) for array in arrays]
    columns: dict = {}
    for header, array in zip(headers, arrays, strict=True):
        columns.setdefault(column_key(header), array)
    rows = len(arrays[0]) if arrays else 0
    return Table(file_name, kind, headers, columns, rows, encoding, text, replaced)


def profile_owner(table: Table) -> str | None:
    """The owner's name from Profile.csv (its one row)."""
    for row in table.rows:
        name = " ".join(p for p in (row.get("firstname"), row.get("lastname")) if p)
        if name:
            return unmangle(name)
    return None
