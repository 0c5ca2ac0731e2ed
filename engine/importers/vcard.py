"""vCard (.vcf) files from phones, Apple Contacts, Google and Outlook: versions 2.1, 3.0 and 4.0.

A card is a block of ``NAME;PARAMS:VALUE`` lines between ``BEGIN:VCARD`` and ``END:VCARD``.
Long lines are folded (a continuation line starts with a space or tab), Google and Apple group
properties (``item1.URL`` labelled by ``item1.X-ABLabel``), and text values escape ``\\,``
``\\;`` and ``\\n``. A card without ``FN`` is rejected on its own, naming the line of its
``BEGIN:VCARD``, so one bad card does not lose the rest of the address book.
"""

from __future__ import annotations

import quopri
import re

from engine.records import CONTACT_FIELDS, ParsedFile, Reject

from . import rows
from .decode import BROKEN
from .rows import MAX_VALUE, visible

_BREAK = re.compile(r"\r\n|\r|\n")
# The property each contact field is read from, to name it when a card is rejected.
_PROPERTY = {"first_name": "N", "last_name": "N", "full_name": "FN", "email": "EMAIL", "company": "ORG",
             "position": "TITLE", "linkedin_url": "URL", "phone": "TEL", "location": "ADR", "notes": "NOTE",
             "tags": "CATEGORIES"}
_ESCAPE = re.compile(r"\\(.)", re.S)


def looks_like_vcard(text: str) -> bool:
    return text.lstrip()[:11].upper() == "BEGIN:VCARD"


def _unescape(value: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], value)


def _split(value: str, separator: str) -> list[str]:
    """Split on separators not escaped by a backslash, then unescape each part."""
    parts, current, i = [], [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            current.append(value[i : i + 2])
            i += 2
            continue
        if ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [_unescape(part).strip() for part in parts]


def _physical_lines(text: str | bytes, start: int = 0):
    """``_BREAK.split(text[start:])`` a piece at a time (``rows.text_pieces``): a 50 MB address book
    is never a list of its two million lines, nor, from valid UTF-8 bytes, one string."""
    carry = ""
    for piece in rows.text_pieces(text, start):
        lines = _BREAK.split(piece)
        lines[0] = carry + lines[0]
        carry = lines.pop()
        yield from lines
    yield carry


def _logical_lines(text: str | bytes, start: int = 0):
    """(first physical line number, unfolded line), joining folded and quoted-printable soft breaks.

    The pieces of a folded line are collected and joined once: a 3 MB value folded every 75
    characters is 40,000 pieces, and adding them one by one to a string would copy it 40,000 times.
    """
    parts: list[str] | None = None
    start = 0
    for number, line in enumerate(_physical_lines(text, start), 1):
        if parts is not None and line[:1] in (" ", "\t"):
            parts.append(line[1:])
            continue
        if parts is not None and parts[-1].endswith("=") and "QUOTED-PRINTABLE" in parts[0].split(":", 1)[0].upper():
            parts[-1] = parts[-1][:-1]
            parts.append(line)
            continue
        if parts is not None:
            yield start, "".join(parts)
        parts, start = [line], number
    if parts is not None:
        yield start, "".join(parts)


def _property(line: str):
    """(group, NAME, [PARAMS upper-cased], raw value) or None for a line that is not a property."""
    colon = line.find(":")
    if colon <= 0:
        return None
    if '"' in line[:colon]:  # a quoted parameter value may contain ':'
        quoted = False
        for i, ch in enumerate(line):
            if ch == '"':
                quoted = not quoted
            elif ch == ":" and not quoted:
                colon = i
                break
    name, *params = line[:colon].split(";")
    group, _, name = name.rpartition(".")
    params = [p.upper() for p in params]
    value = line[colon + 1 :]
    if "ENCODING=QUOTED-PRINTABLE" in params or "QUOTED-PRINTABLE" in params:
        charset = next((p.split("=", 1)[1] for p in params if p.startswith("CHARSET=")), "UTF-8")
        try:
            value = quopri.decodestring(value.encode("latin-1")).decode(charset.strip('"'), "replace")
        except (LookupError, UnicodeEncodeError):
            pass
    return group.upper(), name.strip().upper(), params, value


def _preferred(props: list[tuple]) -> str | None:
    """Value of the PREF-marked property if any, else the first non-empty one."""
    best = None
    for _group, params, value in props:
        text = _unescape(value).strip()
        if text and any("PREF" in p for p in params):
            return text
        best = best or text or None
    return best


def _card(props: list[tuple]) -> tuple | None:
    """Record tuple in CONTACT_FIELDS order, or None when the card has no FN."""
    by_name: dict[str, list[tuple]] = {}
    labels: dict[str, str] = {}
    for group, name, params, value in props:
        by_name.setdefault(name, []).append((group, params, value))
        if name == "X-ABLABEL" and group:
            labels[group] = value.casefold()
    full = _preferred(by_name.get("FN", []))
    if not full or not visible(full):
        return None
    n = _split(by_name["N"][0][2], ";") + [""] * 5 if "N" in by_name else [""] * 5
    last, first = " ".join(n[0].split(",")).strip(), " ".join(n[1].split(",")).strip()
    org = _split(by_name["ORG"][0][2], ";")[0] if "ORG" in by_name else ""
    position = _preferred(by_name.get("TITLE", [])) or _preferred(by_name.get("ROLE", []))
    email = _preferred(by_name.get("EMAIL", []))
    phone = _preferred(by_name.get("TEL", []))
    linkedin = None
    for group, params, value in by_name.get("URL", []) + by_name.get("X-SOCIALPROFILE", []):
        url = _unescape(value).strip()
        if url and ("linkedin." in url.casefold() or "linkedin" in labels.get(group, "")
                    or any("LINKEDIN" in p for p in params)):
            linkedin = url
            break
    location = None
    if "ADR" in by_name:
        adr = _split(by_name["ADR"][0][2], ";") + [""] * 7
        location = adr[3] or adr[4] or adr[6] or None
    notes = "\n".join(_unescape(v).strip() for _g, _p, v in by_name.get("NOTE", []) if v.strip()) or None
    tags: list[str] = []
    for _group, _params, value in by_name.get("CATEGORIES", []):
        tags += [t for t in _split(value, ",") if t and t not in tags]
    email = email.removeprefix("mailto:") if email else None
    phone = phone.removeprefix("tel:") if phone else None
    values = {
        "first_name": first or None, "last_name": last or None, "full_name": full, "email": email,
        "company": org or None, "position": position, "linkedin_url": linkedin, "phone": phone,
        "location": location, "connected_on": None, "notes": notes, "tags": tuple(tags),
    }
    return tuple(values[field] for field in CONTACT_FIELDS)


def _problem(record: tuple, broken_reason: str) -> tuple[str, str] | None:
    """(property, reason) when a card's values cannot be stored as they are, else None."""
    for name, value in zip(CONTACT_FIELDS, record):
        for text in value if isinstance(value, tuple) else (value,):
            if text and BROKEN in text:
                return _PROPERTY[name], broken_reason
            if text and len(text) > MAX_VALUE:
                return _PROPERTY[name], f"the value is too long: {len(text):,} characters (at most {MAX_VALUE:,})"
    return None


def vcard_chunks(text: str | bytes, broken_reason: str, parsed: ParsedFile, chunk_rows: int | None = None,
                 start: int = 0):
    """The cards of a .vcf file as chunks of (records, lines), at most ``chunk_rows`` (default
    ``rows.CHUNK_ROWS``) each; ``parsed``'s rejects and total are complete once they are exhausted.

    ``text`` is the file's text, or the bytes of a file that is valid UTF-8 throughout (its BOM,
    if any, skipped by ``start``), decoded a piece at a time."""
    chunk_rows = chunk_rows or rows.CHUNK_ROWS
    records: list[tuple] = []
    lines: list[int] = []
    rejects: list[Reject] = []
    total = 0
    props: list[tuple] | None = None
    begin = 0
    for number, line in _logical_lines(text, start):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if props is not None:
                rejects.append(Reject(begin, "vCard is not closed (END:VCARD missing)"))
            props, begin, total = [], number, total + 1
        elif upper == "END:VCARD" and props is not None:
            record = _card(props)
            problem = None if record is None else _problem(record, broken_reason)
            if record is None:
                rejects.append(Reject(begin, "vCard has no FN (formatted name)", column="FN"))
            elif problem is not None:
                rejects.append(Reject(begin, problem[1], column=problem[0]))
            else:
                records.append(record)
                lines.append(begin)
                if len(records) >= chunk_rows:
                    chunk, records, lines = (records, lines), [], []
                    yield chunk
                    del chunk
            props = None
        elif props is not None and (prop := _property(line)) is not None:
            props.append(prop)
    if props is not None:
        rejects.append(Reject(begin, "vCard is not closed (END:VCARD missing)"))
    parsed.rejects, parsed.total = rejects, total
    yield records, lines
