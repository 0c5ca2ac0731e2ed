"""Bytes to text, and where the table starts: encoding, delimiter and header line.

Real exports arrive as UTF-8 (with or without a BOM), UTF-16 from Windows tools and cp1252 from
Excel; LinkedIn puts a ``Notes:`` preamble above the header whose length has changed over the
years. So the encoding is sniffed from the bytes and the header is found by scanning for a row of
known column names, never by a fixed skip count or the file name.
"""

from __future__ import annotations

import codecs
import csv
import re
import sys
from typing import NamedTuple

from engine.records import ImportFileError

from .aliases import KNOWN_KEYS, norm

HEADER_SCAN_LINES = 30
# Bytes that are not valid text in a file's own encoding (a UTF-16 surrogate without its pair, a
# UTF-16 file cut off mid-character) decode to this lone surrogate. Strict decoding never yields
# one otherwise, so a value holding it is exactly a value with broken bytes:
# that row is rejected, naming its line and column, and the rest of the file still imports.
BROKEN = "\udfff"
BROKEN_ERRORS = "rapport.broken"
codecs.register_error(BROKEN_ERRORS, lambda error: (BROKEN, error.end))
# A file without a BOM that is UTF-8 but for a few bytes (a stray byte, a character cut off) is read
# as UTF-8 (see ``mostly_utf8``), each invalid sequence decoding to this other lone surrogate; so is
# any file with a UTF-8 BOM, which says what it is. The
# importer shows it as U+FFFD, keeps its row and names the row in a warning: decoding the whole
# file as cp1252 instead would garble every name in it.
REPLACED = "\udffe"
REPLACED_ERRORS = "rapport.replaced"
codecs.register_error(REPLACED_ERRORS, lambda error: (REPLACED, error.end))
_HIGH_BYTES = bytes(range(128, 256))
_CODEC_NAMES = {"utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-8-sig": "UTF-8"}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0e-\x1f]")
# "Is there anything but blanks?" by finding the first byte or character that is not one (usually
# the first), instead of stripping a copy of a 10 MB file to see whether anything is left.
_NOT_BLANK_BYTE = re.compile(rb"[^ \t\r\n\xef\xbb\xbf\xff\xfe\x00]")
_NOT_SPACE = re.compile(r"\S")  # \s is what str.strip() removes (both use Python's isspace)
_QUOTED = re.compile(r'"[^"]*"')
_TEXT_HEAD = 65536  # characters looked at to tell text from binary content
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


def mostly_utf8(data: bytes) -> bool:
    """Is ``data``, which is not valid UTF-8, UTF-8 but for a few bytes? Decided on the whole file.

    It is when its valid multi-byte UTF-8 characters outnumber the bytes that are not UTF-8. A
    cp1252 or Latin-1 file has (almost) no valid multi-byte sequences, since an accented letter
    there is one byte followed by an ASCII one; a UTF-8 file with a stray byte or a character cut
    off has many and a few invalid bytes. Counted at C speed (12 ms for a 10 MB cp1252 export):
    decoding with ``ignore`` drops the invalid bytes, so it leaves the ASCII bytes and the valid
    characters; each valid character takes 2 to 4 of the non-ASCII bytes, and whatever is left
    of them is invalid, which settles most files; only if that leaves it open are the invalid
    bytes counted exactly (``surrogateescape`` decodes each to one character).
    """
    characters = len(data.decode("utf-8", "ignore"))
    ascii_bytes = len(data.translate(None, _HIGH_BYTES))
    multibyte, other = characters - ascii_bytes, len(data) - ascii_bytes
    if multibyte == 0 or other - 4 * multibyte >= multibyte:  # at least that many invalid bytes
        return False
    if other - 2 * multibyte < multibyte:  # at most that many
        return True
    return multibyte > len(data.decode("utf-8", "surrogateescape")) - characters


class Decoded(NamedTuple):
    text: str
    encoding: str
    replaced: bool  # bytes that are not valid UTF-8 decoded to REPLACED (only ever for "utf-8" or "utf-8-sig")


def decode_bytes(data: bytes, file_name: str) -> tuple[str, str]:
    """(text, encoding name); raises ImportFileError for empty or binary content.

    The text may hold REPLACED (see ``decode_text``, which says whether it does).
    """
    text, encoding, _replaced = decode_text(data, file_name)
    return text, encoding


def decode_text(data: bytes, file_name: str) -> Decoded:
    """(text, encoding name, whether invalid bytes became REPLACED); raises ImportFileError for
    empty or binary content."""
    _refuse_binary(data, file_name)
    replaced = False
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16", BROKEN_ERRORS), "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:  # the BOM says UTF-8: a few bytes that are not are replaced, as without one
            text, encoding, replaced = data.decode("utf-8-sig", REPLACED_ERRORS), "utf-8-sig", True
    elif b"\x00" in data:
        codec = _utf16_without_bom(data[:4096])
        if codec is None:
            nul = data.index(b"\x00")
            # A file that reads as lines of text up to a stray NUL: say where, so it can be found.
            before = data[max(0, nul - 65536):nul]
            textual = b"\n" in before and not _CONTROL_BYTES.search(before)
            line = data.count(b"\n", 0, nul) + 1 if textual else None
            raise ImportFileError(file_name, "this is a binary file, not text (it contains NUL bytes)", line=line)
        text, encoding = data.decode(codec, BROKEN_ERRORS), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if mostly_utf8(data):
                text, encoding, replaced = data.decode("utf-8", REPLACED_ERRORS), "utf-8", True
            else:
                try:
                    text, encoding = data.decode("cp1252"), "cp1252"
                except UnicodeDecodeError:  # bytes cp1252 leaves undefined: latin-1 maps every byte
                    text, encoding = data.decode("latin-1"), "latin-1"
    _refuse_non_text(text, encoding, file_name)
    return Decoded(text, encoding, replaced)


# A UTF-8 head this long holds at least the _TEXT_HEAD characters the checks look at.
_HEAD_BYTES = 4 * _TEXT_HEAD + 8
_CHUNK = 1 << 18


def decode_utf8_head(data: bytes, file_name: str) -> tuple[str, str] | None:
    """(the head of the text, encoding) as ``decode_bytes`` reads a large UTF-8 file, or None.

    Only the head is decoded; the whole is checked to be valid UTF-8 a chunk at a time by the same
    strict decoder: 5 ms for a 10 MB export, where decoding it whole takes 13 ms (a few ’ make it
    a 20 MB string of two bytes a character). The head holds at least the characters
    ``decode_bytes`` checks for binary content, so a file it refuses is refused here too. None for
    a file that is small, UTF-16, has a NUL byte, is not valid UTF-8 (a BOM'd file with a broken
    character, a cp1252 export, a UTF-8 one with a stray byte), or is blank throughout its head:
    ``decode_bytes`` then decides, on the whole text.
    """
    if len(data) <= _HEAD_BYTES or data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return None
    _refuse_binary(data, file_name)
    check, whole = codecs.getincrementaldecoder("utf-8")(), memoryview(data)
    try:
        for start in range(0, len(data), _CHUNK):
            check.decode(whole[start : start + _CHUNK])
        check.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    text = codecs.getincrementaldecoder(encoding)().decode(whole[:_HEAD_BYTES])  # a character cut off waits
    if not _NOT_SPACE.search(text):
        return None
    _refuse_non_text(text, encoding, file_name)
    return text, encoding


def scannable_head(data: bytes, file_name: str) -> tuple[str, str] | None:
    """``decode_utf8_head``, when the head it decodes holds every line ``find_header`` scans: then
    the header is found in it as in the whole text, and the rest can be decoded a piece at a time."""
    head = decode_utf8_head(data, file_name)
    if head is None:
        return None
    text = head[0]
    return head if text.count("\r") + text.count("\n") - text.count("\r\n") >= HEADER_SCAN_LINES else None


def _refuse_binary(data: bytes, file_name: str) -> None:
    """What the bytes alone say: nothing but blanks, or a workbook, archive or PDF."""
    if not _NOT_BLANK_BYTE.search(data):
        raise ImportFileError(file_name, "the file is empty")
    for magic, reason in _MAGIC.items():
        if data.startswith(magic):
            raise ImportFileError(file_name, reason)


def _refuse_non_text(text: str, encoding: str, file_name: str) -> None:
    """What the decoded text says: binary content, garbage, or nothing but whitespace."""
    head = text[:_TEXT_HEAD]
    if "\x00" in head or len(_CONTROL.findall(head)) > 0.03 * len(head):
        raise ImportFileError(file_name, "this is a binary file, not text")
    broken = head.count(BROKEN)
    if broken > 16 and broken > 0.03 * len(head):  # garbage, not a text file with a few broken characters
        raise ImportFileError(file_name, f"this is not {codec_name(encoding)} text (too many invalid bytes)")
    if not _NOT_SPACE.search(text):
        raise ImportFileError(file_name, "the file is empty")


def allow_long_fields() -> None:
    """Let the ``csv`` module read a value of any length an upload can hold.

    Its default limit (128 KB) raises mid-record, and inside a quoted value spanning lines the
    reader then resumes in the middle of that value and misreads the rest of the file. With no
    limit every record is read whole, and a value over ``MAX_VALUE`` is rejected with its row.
    """
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)


def codec_name(encoding: str) -> str:
    """'UTF-16' for 'utf-16-le' and the like: the name a user knows the encoding by."""
    return _CODEC_NAMES.get(encoding, encoding)


# Warnings name at most this many lines with invalid bytes, then say how many more there are.
WARNED_LINES = 50


def replaced_warnings(places: list[tuple[int, list[str]]]) -> list[str]:
    """Warnings for the lines where bytes that are not valid UTF-8 became U+FFFD.

    ``places`` holds (line, names of the columns concerned, possibly none) in file order.
    """
    warnings = []
    for line, columns in places[:WARNED_LINES]:
        where = f"line {line}"
        if columns:
            where += f", column{'s' if len(columns) > 1 else ''} {', '.join(map(repr, columns))}"
        warnings.append(f"{where}: bytes that are not valid UTF-8 were replaced with \ufffd "
                        "(the rest of the file is UTF-8)")
    if len(places) > WARNED_LINES:
        warnings.append(f"... and {len(places) - WARNED_LINES:,} more lines with bytes that are not valid UTF-8")
    return warnings


def broken_reason(encoding: str) -> str:
    return f"this value has bytes that are not valid {codec_name(encoding)} text (a broken character)"


def first_lines(text: str, count: int):
    """(1-based number, character offset, line with its line break) for the first ``count`` lines.

    Matches lines in place, so a 3 MB first line costs one slice, not a copy of the whole text.
    """
    pos, end = 0, len(text)
    for number in range(1, count + 1):
        if pos >= end:
            return
        line = _LINE.match(text, pos).group()
        yield number, pos, line
        pos += len(line)


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
    allow_long_fields()
    fallback = None
    for number, offset, line in first_lines(text, HEADER_SCAN_LINES):
        if line.strip():
            delimiter = sniff_delimiter(line)
            try:
                cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
            except csv.Error:  # not a header, whatever it is
                continue
            known = sum(len(cell) <= 100 and norm(cell) in KNOWN_KEYS for cell in cells)
            if known >= 2:
                return number, offset, delimiter
            if fallback is None and _plausible_header(cells, known):
                fallback = (number, offset, delimiter)
    if fallback is None:
        raise ImportFileError(file_name, "no recognizable header row (column names) near the top of the file")
    return fallback
