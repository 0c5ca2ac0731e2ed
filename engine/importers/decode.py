"""Bytes to text, and where the table starts: encoding, delimiter and header line.

Real exports arrive as UTF-8 (with or without a BOM), UTF-16 from Windows tools and cp1252 from
Excel; LinkedIn puts a ``Notes:`` preamble above the header whose length has changed over the
years. So the encoding is sniffed from the bytes and the header is found by scanning for a row of
known column names, never by a fixed skip count or the file name.
"""

from __future__ import annotations

import csv
import io
import re

from ..model import ImportFileError
from .aliases import KNOWN_KEYS, norm

HEADER_SCAN_LINES = 30
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_QUOTED = re.compile(r'"[^"]*"')
_MAGIC = {
    b"PK\x03\x04": "this looks like an Excel workbook or a zip archive; save it as CSV first",
    b"%PDF": "this is a PDF, not a contacts file",
    b"\xd0\xcf\x11\xe0": "this looks like an old Excel (.xls) workbook; save it as CSV first",
}


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL (ASCII text in UTF-16), else None."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, file_name: str) -> tuple[str, str]:
    """(text, encoding name); raises ImportFileError for empty or binary content."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise ImportFileError(file_name, "the file is empty")
    for magic, reason in _MAGIC.items():
        if data.startswith(magic):
            raise ImportFileError(file_name, reason)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _decode(data, "utf-16", file_name), "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _decode(data, "utf-8-sig", file_name), "utf-8-sig"
    elif b"\x00" in data:
        codec = _utf16_without_bom(data[:4096])
        if codec is None:
            raise ImportFileError(file_name, "this is a binary file, not text (it contains NUL bytes)")
        text, encoding = _decode(data, codec, file_name), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:  # bytes cp1252 leaves undefined: latin-1 maps every byte
                text, encoding = data.decode("latin-1"), "latin-1"
    head = text[:65536]
    if "\x00" in head or len(_CONTROL.findall(head)) > 0.03 * len(head):
        raise ImportFileError(file_name, "this is a binary file, not text")
    if not text.strip():
        raise ImportFileError(file_name, "the file is empty")
    return text, encoding


def _decode(data: bytes, codec: str, file_name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise ImportFileError(file_name, f"the file is not valid {codec} text ({error.reason})") from error


def sniff_delimiter(line: str) -> str:
    """The most frequent of ``,`` ``;`` and tab outside quotes (comma on a tie or none)."""
    bare = _QUOTED.sub("", line)
    counts = {d: bare.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _plausible_header(cells: list[str], known: int) -> bool:
    """A first line that could be a header of an unknown CSV: names, not data."""
    named = [c.strip() for c in cells if c.strip()]
    if known and named:
        return True
    if len(named) < 2:
        return False
    return all(
        "@" not in c and "://" not in c and any(ch.isalpha() for ch in c) and len(c) <= 80 for c in named
    )


def find_header(text: str, file_name: str) -> tuple[int, int, str]:
    """(1-based header line, character offset of that line, delimiter).

    The header is the first line (of the first ``HEADER_SCAN_LINES``) with at least two known
    column names; failing that, the first line that looks like column names at all.
    """
    fallback = None
    offset = 0
    lines = io.StringIO(text[:1_000_000], newline="")
    for number, line in enumerate(lines, 1):
        if number > HEADER_SCAN_LINES:
            break
        if line.strip():
            delimiter = sniff_delimiter(line)
            cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
            known = sum(norm(cell) in KNOWN_KEYS for cell in cells)
            if known >= 2:
                return number, offset, delimiter
            if fallback is None and _plausible_header(cells, known):
                fallback = (number, offset, delimiter)
        offset += len(line)
    if fallback is None:
        raise ImportFileError(file_name, "no recognizable header row (column names) near the top of the file")
    return fallback
