"""Which export a CSV header belongs to, and which columns feed which contact field.

Detection looks only at the header names (the file name says nothing reliable: people rename
``Connections.csv``). The result of this module is a *plan*: for each canonical field, the column
indices to take it from, in order of preference, so the row loop never looks at a name again.
"""

from __future__ import annotations

import hashlib
import re

from engine.records import CONTACT_FIELDS, ImportFileError

from .aliases import FORMAT_COLUMNS, GENERIC_ALIASES, MIDDLE, norm

NAME_FIELDS = ("first_name", "last_name", "full_name")


def detect_format(headers: list[str], header_line_raw: str = "") -> str:
    """One of linkedin, linkedin_2018, google, google_legacy, outlook, outlook_com or csv."""
    keys = {norm(h) for h in headers}
    if {"firstname", "lastname", "connectedon"} <= keys:
        return "linkedin" if "url" in keys else "linkedin_2018"
    if {"firstname", "lastname", "jobtitle"} <= keys and ("emailaddress" in keys or "company" in keys):
        desktop = {"emailtype", "emaildisplayname"} & keys or header_line_raw.lstrip().startswith('"')
        return "outlook" if desktop else "outlook_com"
    if "firstname" in keys and {"labels", "phoneticfirstname", "fileas"} & keys:
        return "google"
    if {"givenname", "familyname"} <= keys or "groupmembership" in keys:
        return "google_legacy"
    return "csv"


def header_key(headers: list[str]) -> str:
    """Stable key for a set of column names (order, case and punctuation do not matter).

    A mapping the user confirmed for one file is saved under this key and offered again for the
    next file with the same columns, e.g. next month's export from the same CRM.
    """
    keys = sorted({norm(h) for h in headers if norm(h)})
    return hashlib.sha1("\x1f".join(keys).encode("utf-8")).hexdigest()


def _index(headers: list[str]) -> dict[str, int]:
    """Normalized name -> first column index having it (first wins for near-duplicates)."""
    index: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = norm(header)
        if key:
            index.setdefault(key, i)
    return index


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """Canonical field -> header, from the alias lists; each header is used at most once."""
    index = _index(headers)
    used: set[int] = set()
    mapping: dict[str, str] = {}
    for field, aliases in GENERIC_ALIASES.items():
        for alias in aliases:
            i = index.get(norm(alias))
            if i is not None and i not in used:
                mapping[field] = headers[i]
                used.add(i)
                break
    return mapping


def needs_mapping(mapping: dict[str, str]) -> bool:
    """A generic file can only be imported blind if some column names or reaches the person."""
    return not any(field in mapping for field in (*NAME_FIELDS, "email"))


def check_duplicates(headers: list[str], file_name: str, line: int) -> None:
    """Two columns with exactly the same name make "map by name" ambiguous: refuse the file."""
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise ImportFileError(
                file_name, "two columns have the same name; rename one", line=line, column=header
            )
        seen.add(header)


def _is_website(header: str) -> bool:
    key = norm(header)
    return key.startswith("website") or key in ("webpage", "personalwebpage")


Plan = dict[str, tuple[tuple[int, ...], bool]]  # field -> (column indices, keep only LinkedIn URLs)


def format_plan(headers: list[str], fmt: str) -> tuple[Plan, dict[str, str]]:
    """Columns for a known export layout, plus the canonical field -> header mapping it implies."""
    index = _index(headers)
    plan: Plan = {}
    used: dict[str, str] = {}
    for field, candidates in FORMAT_COLUMNS[fmt].items():
        columns: list[int] = []
        for name in candidates:
            if name.startswith("~"):
                pattern = re.compile(name[1:])
                columns += [i for i, h in enumerate(headers) if pattern.fullmatch(norm(h))]
            elif norm(name) in index:
                columns.append(index[norm(name)])
        if columns:
            filtered = field == "linkedin_url" and _is_website(headers[columns[0]])
            plan[field] = (tuple(columns), filtered)
            if not field.startswith("_"):
                used[field] = headers[columns[0]]
    # Columns a user added to an export (say "Tags" next to LinkedIn's columns) still count.
    taken = {i for columns, _ in plan.values() for i in columns}
    for field, header in suggest_mapping(headers).items():
        i = index[norm(header)]
        if field not in plan and i not in taken:
            plan[field] = ((i,), False)
            used[field] = header
    return plan, used


def mapping_plan(headers: list[str], mapping: dict[str, str], file_name: str) -> tuple[Plan, dict[str, str]]:
    """Columns for a user (or suggested) mapping: canonical field -> header name."""
    exact = {h: i for i, h in reversed(list(enumerate(headers)))}
    index = _index(headers)
    plan: Plan = {}
    used: dict[str, str] = {}
    for field, header in mapping.items():
        if field not in CONTACT_FIELDS and field != MIDDLE:
            raise ValueError(f"unknown contact field {field!r} in mapping")
        if not header:
            continue
        i = exact.get(header, index.get(norm(header)))
        if i is None:
            reason = "the mapping names a column that is not in this file"
            raise ImportFileError(file_name, reason, column=header)
        plan[field] = ((i,), False)
        used[field] = headers[i]
    return plan, used


def choose_plan(headers: list[str], fmt: str, file_name: str,
                mapping: dict[str, str] | None) -> tuple[Plan, dict[str, str]] | None:
    """(plan, mapping used) for a file: the given mapping, the known layout, or the suggested aliases.

    None for a generic CSV whose columns name neither a person nor an e-mail: the user maps them.
    """
    if mapping is not None:
        return mapping_plan(headers, mapping, file_name)
    if fmt != "csv":
        return format_plan(headers, fmt)
    suggestion = suggest_mapping(headers)
    return None if needs_mapping(suggestion) else mapping_plan(headers, suggestion, file_name)
