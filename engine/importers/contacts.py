"""Parse an uploaded contacts file into a ``ParsedFile``; nothing here touches the database.

The format is recognised from the content (a renamed ``Connections.csv`` is still LinkedIn):
``linkedin``, ``linkedin_2018``, ``google``, ``google_legacy``, ``outlook``, ``outlook_com``,
``vcard``, or ``csv`` for anything else, which is mapped by column-name aliases and, when those do
not find a name or an e-mail column, handed back with ``needs_mapping`` so the user can choose.
Values are kept as text, verbatim but trimmed: ``NA`` is a surname and ``+0044`` a phone number.
"""

from __future__ import annotations

from dataclasses import replace

from engine.bulk import gc_paused
from engine.records import CONTACT_FIELDS, ImportFileError, ParsedFile, RowRules

from .csvformats import check_duplicates, choose_plan, detect_format, header_key, suggest_mapping
from .dates import BAD, parse_column
from .decode import BROKEN, REPLACED, broken_reason, decode_text, find_header, replaced_warnings
from .rows import (
    NO_IDENTITY,
    bad_date_reason,
    build_records,
    read_table,
    reject_broken,
    replace_invalid,
    replaced_lines,
    split_tags,
)
from .vcard import looks_like_vcard, parse_vcards

__all__ = ["FORMATS", "header_key", "parse_contacts", "row_rules", "suggest_mapping", "tag_splitter"]

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


def row_rules(fmt: str) -> RowRules:
    """This importer's rules for a ``fmt`` export, for the store's direct path (``store.direct``)."""
    return RowRules(
        parse_dates=lambda values: [None if value is BAD else value for value in parse_column(values)],
        split_tags=tag_splitter(fmt),
        no_identity=NO_IDENTITY,
        bad_date=bad_date_reason,
    )


def parse_contacts(data: bytes, file_name: str, mapping: dict[str, str] | None = None) -> ParsedFile:
    """Parse contacts from the bytes of one file.

    ``mapping`` (canonical field -> header) overrides the built-in column choice of any CSV
    format. Raises ImportFileError when the file as a whole cannot be read; problems with single
    rows become ``rejects`` instead.
    """
    with gc_paused():
        return _parse(data, file_name, mapping)


def _parse(data: bytes, file_name: str, mapping: dict[str, str] | None) -> ParsedFile:
    text, encoding, replaced = decode_text(data, file_name)
    if looks_like_vcard(text):
        warnings = []
        if replaced:  # a few bytes that are not UTF-8: shown as U+FFFD, their lines named
            warnings = replaced_warnings(replaced_lines(text))
            text = text.replace(REPLACED, "\ufffd")
        records, lines, rejects, total = parse_vcards(text, broken_reason(encoding))
        return ParsedFile(
            file_name=file_name, format="vcard", encoding=encoding, delimiter=None, headers=[],
            fields=CONTACT_FIELDS, records=records, lines=lines, total=total, rejects=rejects, warnings=warnings,
        )
    header_line, offset, delimiter = find_header(text, file_name)
    body = text[offset:] if offset else text
    headers, rows, starts, read_rejects = read_table(body, delimiter, file_name, header_line)
    warnings = []
    if replaced:  # a few bytes that are not UTF-8: shown as U+FFFD, their rows kept and named
        places = [(header_line, [])] if any(REPLACED in header for header in headers) else []
        headers = [header.replace(REPLACED, "\ufffd") for header in headers]
        places += replace_invalid(rows, starts, headers)
        warnings = replaced_warnings(places)
        read_rejects = [replace(r, raw=r.raw.replace(REPLACED, "\ufffd")) for r in read_rejects]
    if BROKEN in body:
        if any(BROKEN in header for header in headers):
            raise ImportFileError(file_name, "the header row " + broken_reason(encoding).removeprefix("this value "),
                                  line=header_line)
        rows, starts, broken = reject_broken(rows, starts, headers, delimiter, broken_reason(encoding))
        read_rejects += broken
    check_duplicates(headers, file_name, header_line)
    fmt = detect_format(headers, body[:200])
    result = ParsedFile(
        file_name=file_name, format=fmt, encoding=encoding, delimiter=delimiter, headers=headers,
        fields=CONTACT_FIELDS, warnings=warnings,
    )
    chosen = choose_plan(headers, fmt, file_name, mapping)
    if chosen is None:
        result.needs_mapping = True
        result.mapping = suggest_mapping(headers)
        return result
    plan, used = chosen
    if not plan:
        raise ImportFileError(file_name, "no column maps to a contact field", line=header_line)
    records, lines, skipped, rejects = build_records(rows, starts, plan, headers, tag_splitter(fmt), delimiter)
    result.records, result.lines, result.skipped_blank, result.mapping = records, lines, skipped, used
    result.rejects = sorted(read_rejects + rejects, key=lambda reject: reject.line)
    if BROKEN in body:  # a lone surrogate cannot be stored: show the broken byte as U+FFFD
        result.rejects = [replace(r, raw=r.raw.replace(BROKEN, "\ufffd")) for r in result.rejects]
    result.total = len(records) + skipped + len(result.rejects)
    return result
