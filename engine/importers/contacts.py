"""Parse an uploaded contacts file into a ``ParsedFile``; nothing here touches the database.

The format is recognised from the content (a renamed ``Connections.csv`` is still LinkedIn):
``linkedin``, ``linkedin_2018``, ``google``, ``google_legacy``, ``outlook``, ``outlook_com``,
``vcard``, or ``csv`` for anything else, which is mapped by column-name aliases and, when those do
not find a name or an e-mail column, handed back with ``needs_mapping`` so the user can choose.
Values are kept as text, verbatim but trimmed: ``NA`` is a surname and ``+0044`` a phone number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from engine.bulk import gc_paused
from engine.records import CONTACT_FIELDS, ImportFileError, ParsedFile, RowRules

from .csvformats import check_duplicates, choose_plan, detect_format, header_key, suggest_mapping
from .dates import BAD, parse_column
from .decode import BROKEN, REPLACED, broken_reason, decode_text, find_header, replaced_warnings, scannable_head
from .rows import (
    NO_IDENTITY,
    bad_date_reason,
    build_records,
    open_table,
    reject_broken,
    replace_invalid,
    replaced_lines,
    split_tags,
    undated_warnings,
)
from .vcard import looks_like_vcard, vcard_chunks

__all__ = ["FORMATS", "UndatedRows", "header_key", "parse_contacts", "row_rules", "stream_contacts", "suggest_mapping",
           "tag_splitter"]

FORMATS = ("linkedin", "linkedin_2018", "google", "google_legacy", "outlook", "outlook_com", "vcard", "csv")

_TAG_SEPARATORS = {
    "google": (":::",),
    "google_legacy": (":::",),
    "outlook": (";", ","),
    "outlook_com": (";", ","),
}


def tag_splitter(fmt: str):
    """The function that turns one labels cell of a ``fmt`` export into tags."""
    separators = _TAG_SEPARATORS.get(fmt, (":::", ";", ","))
    return lambda value: split_tags(value, separators)


class UndatedRows(Exception):
    """Raised by the direct path's date rule at a date it cannot read: the direct path would reject
    the row, so the file is imported the careful way instead, which keeps the contact undated."""


def _direct_dates(values: list) -> list:
    parsed = parse_column(values)
    if any(value is BAD for value in parsed):
        raise UndatedRows
    return parsed


def row_rules(fmt: str) -> RowRules:
    """This importer's rules for a ``fmt`` export, for the store's direct path (``store.direct``)."""
    return RowRules(
        parse_dates=_direct_dates,
        split_tags=tag_splitter(fmt),
        no_identity=NO_IDENTITY,
        bad_date=bad_date_reason,
    )


Chunks = Iterator[tuple[list[tuple], list[int]]]


def parse_contacts(data: bytes, file_name: str, mapping: dict[str, str] | None = None) -> ParsedFile:
    """Parse contacts from the bytes of one file.

    ``mapping`` (canonical field -> header) overrides the built-in column choice of any CSV
    format. Raises ImportFileError when the file as a whole cannot be read; problems with single
    rows become ``rejects`` instead.
    """
    with gc_paused():
        parsed, chunks = stream_contacts(data, file_name, mapping)
        for records, lines in chunks:
            parsed.records += records
            parsed.lines += lines
        return parsed


def stream_contacts(data: bytes, file_name: str, mapping: dict[str, str] | None = None,
                    chunk_rows: int | None = None) -> tuple[ParsedFile, Chunks]:
    """``parse_contacts`` a chunk of rows at a time: (parsed, chunks of (records, lines)).

    ``parsed`` says at once what the header says (format, columns, mapping, ``needs_mapping``);
    its records are left out, and its total, blank rows, rejects and warnings are complete once
    ``chunks`` is exhausted. A file that cannot be read at all raises ImportFileError, from here
    if its header says so and otherwise from ``chunks`` (a quote never closed, say).
    """
    head = scannable_head(data, file_name)  # a large file, valid UTF-8: never decoded whole
    if head is not None:
        (text, encoding), replaced, utf8 = head, False, (data, head[1])
        if looks_like_vcard(text):  # read from the bytes, past the BOM if any
            return _vcards(data, encoding, False, file_name, chunk_rows, 3 if encoding == "utf-8-sig" else 0)
    else:
        (text, encoding, replaced), utf8 = decode_text(data, file_name), None
    if looks_like_vcard(text):
        return _vcards(text, encoding, replaced, file_name, chunk_rows)
    header_line, offset, delimiter = find_header(text, file_name)
    headers, row_chunks = open_table(text, offset, delimiter, file_name, header_line, chunk_rows, utf8)
    header_replaced = replaced and any(REPLACED in header for header in headers)
    headers = [header.replace(REPLACED, "\ufffd") for header in headers] if replaced else headers
    broken = text.find(BROKEN, offset) >= 0
    if broken and any(BROKEN in header for header in headers):
        raise ImportFileError(file_name, "the header row " + broken_reason(encoding).removeprefix("this value "),
                              line=header_line)
    check_duplicates(headers, file_name, header_line)
    fmt = detect_format(headers, text[offset : offset + 200])
    result = ParsedFile(
        file_name=file_name, format=fmt, encoding=encoding, delimiter=delimiter, headers=headers,
        fields=CONTACT_FIELDS,
    )
    chosen = choose_plan(headers, fmt, file_name, mapping)
    if chosen is None:
        result.needs_mapping = True
        result.mapping = suggest_mapping(headers)
        return result, _read_through(result, row_chunks, [(header_line, [])] if header_replaced else None, replaced)
    plan, used = chosen
    if not plan:
        raise ImportFileError(file_name, "no column maps to a contact field", line=header_line)
    result.mapping = used
    reasons = (broken_reason(encoding) if broken else None, [(header_line, [])] if header_replaced else None)
    return result, _records(result, row_chunks, plan, reasons, replaced)


def _vcards(text: str | bytes, encoding: str, replaced: bool, file_name: str, chunk_rows: int | None,
            start: int = 0):
    warnings = []
    if replaced:  # a few bytes that are not UTF-8: shown as U+FFFD, their lines named
        warnings = replaced_warnings(replaced_lines(text))
        text = text.replace(REPLACED, "\ufffd")
    parsed = ParsedFile(file_name=file_name, format="vcard", encoding=encoding, delimiter=None, headers=[],
                        fields=CONTACT_FIELDS, warnings=warnings)
    return parsed, vcard_chunks(text, broken_reason(encoding), parsed, chunk_rows, start)


def _read_through(result: ParsedFile, row_chunks, header_place, replaced: bool) -> Chunks:
    """No records (the columns are not mapped yet), but the file read to its end: a file that cannot
    be read still says so now, not once it is mapped, and rows with bytes replaced are named."""
    places = list(header_place or [])
    for rows, starts, _rejects in row_chunks:
        if replaced:
            places += replace_invalid(rows, starts, result.headers)
    if replaced:
        result.warnings = replaced_warnings(places)
    yield from ()


def _records(result: ParsedFile, row_chunks, plan, reasons, replaced: bool) -> Chunks:
    """The records of each chunk of rows; fills in ``result``'s counts, rejects and warnings as it goes.

    ``reasons``: (why a row with a broken character is rejected, or None if none has one;
    the header's place if the header held bytes that are not UTF-8, else None).
    """
    broken, header_place = reasons
    headers, delimiter, split = result.headers, result.delimiter, tag_splitter(result.format)
    places = list(header_place or [])
    rejects = []
    undated: list[tuple[int, str]] = []
    for rows, starts, read_rejects in row_chunks:
        with gc_paused():
            if replaced:  # a few bytes that are not UTF-8: shown as U+FFFD, their rows kept and named
                places += replace_invalid(rows, starts, headers)
                read_rejects = [replace(r, raw=r.raw.replace(REPLACED, "\ufffd")) for r in read_rejects]
            if broken:
                rows, starts, more = reject_broken(rows, starts, headers, delimiter, broken)
                read_rejects += more
            records, lines, skipped, built = build_records(rows, starts, plan, headers, split, delimiter, undated)
            del rows, starts
        rejects += read_rejects + built
        result.skipped_blank += skipped
        result.total += len(records) + skipped
        yield records, lines
        del records, lines
    rejects.sort(key=lambda reject: reject.line)
    if broken:  # a lone surrogate cannot be stored: show the broken byte as U+FFFD
        rejects = [replace(r, raw=r.raw.replace(BROKEN, "\ufffd")) for r in rejects]
    result.rejects = rejects
    result.total += len(rejects)
    if replaced:
        result.warnings = replaced_warnings(places)
    if undated:
        result.warnings += undated_warnings(result.file_name, headers[plan["connected_on"][0][0]], undated)
