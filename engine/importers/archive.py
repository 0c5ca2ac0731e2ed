"""Import a LinkedIn data archive: the history the user already has, into the interaction log.

Takes the ZIP LinkedIn sends (``Basic_`` or ``Complete_LinkedInDataExport_*.zip``, recognised by
the files inside, not its name) or one of its CSVs: ``messages.csv``, ``Invitations.csv``,
``Profile.csv``. A ``Connections.csv`` in the zip is imported first, by the contacts importer, so
that the people in the messages can be matched to contacts: by profile URL, else by a full name
that only one contact has. Each message of a one-to-one conversation becomes an interaction on
the ``linkedin_message`` channel (outbound: ``outreach``, with "replied" when the person answered
within the reply window; inbound: ``inbound``), each invitation one on ``linkedin_connection``.
Message texts are never stored: only who, when, which way, the conversation and the length.

The report (``ArchiveReport.to_dict``) is what ``rapport import ARCHIVE.zip --json`` prints.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from engine.bulk import gc_paused
from engine.clock import local_now
from engine.records import ImportFileError
from engine.store.history import COLUMNS
from engine.vocabulary import KEEP_TEXTS_SETTING

from .archive_csv import Table, display_name, header_kind, name_key, profile_owner, read_table, url_key
from .archive_history import (
    CHANNEL_INVITATION,
    REPLY_WINDOW,
    SPONSOR_NAMES,
    History,
    Owner,
    moment_key,
    owner_from_invitations,
    person_key,
    read_invitations,
    source_keys,
)
from .archive_zip import is_zip, linkedin_members, read_members

OWNER_SETTING = "linkedin_owner"  # who the archive belongs to, for a messages.csv imported alone later
NEW_CONTACT_FIELDS = ("id", "first_name", "last_name", "full_name", "linkedin_url")
MAX_LISTED = 200  # unmatched people listed in a report (all are counted)
_EPOCH = datetime(1970, 1, 1)


@dataclass
class ArchiveReport:
    """What an archive import did; ``to_dict`` is the CLI's JSON contract."""

    file_name: str
    format: str
    owner: str = ""
    contacts: dict | None = None  # the contacts import report, when the zip holds Connections.csv
    messages_read: int = 0
    invitations_read: int = 0
    conversations: int = 0
    interactions_inserted: int = 0
    interactions_updated: int = 0
    matched_people: int = 0
    contacts_added: int = 0  # correspondents added as contacts (``add_unmatched``)
    addable_people: int = 0  # of the unmatched, those ``add_unmatched`` would add
    unmatched_count: int = 0
    unmatched_people: list[dict] = field(default_factory=list)  # name, profile_url, messages
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None
    kind: str = "archive"

    def to_dict(self) -> dict:
        return asdict(self)


def archive_kind(data: bytes, file_name: str) -> str | None:
    """"zip", "messages", "invitations" or "profile" when this upload is (part of) a LinkedIn data
    archive, else None. A zip counts when it is named .zip or holds an archive CSV, so an Excel
    workbook saved as .csv still gets the contacts importer's advice."""
    if is_zip(data):
        return "zip" if file_name.lower().endswith(".zip") or linkedin_members(data) else None
    return header_kind(data)


@dataclass
class _Parts:
    tables: dict[str, Table] = field(default_factory=dict)
    connections: tuple[str, bytes] | None = None


def _read_parts(data: bytes, file_name: str) -> tuple[str, _Parts]:
    parts = _Parts()
    if is_zip(data):
        members = read_members(data, file_name)
        for kind, (member, content) in members.items():
            if kind == "connections":
                parts.connections = (member.replace("\\", "/").rsplit("/", 1)[-1], content)
                continue
            table = read_table(content, f"{file_name} > {member}")
            if table.kind != kind:
                raise ImportFileError(f"{file_name} > {member}", f"its columns are not those of a {kind} file")
            parts.tables[kind] = table
        return "linkedin_archive", parts
    table = read_table(data, file_name)
    parts.tables[table.kind] = table
    return f"linkedin_{table.kind}", parts


def read_history(parts: _Parts, known: Owner | None = None, contact_keys: frozenset[str] = frozenset(),
                 keep_text: bool = False) -> History:
    """The owner, the messages and the invitations of an archive, not yet matched to anyone.

    ``known``: the owner an earlier import found (a messages.csv alone does not say who it is);
    ``contact_keys``: the folded names of the contacts, which the owner is not; ``keep_text``: keep
    the messages' texts (only when the user chose so in Settings: private by default)."""
    history = History()
    owner = Owner()
    if "profile" in parts.tables:
        owner.name = profile_owner(parts.tables["profile"]) or ""
    if not owner.name and known is not None:
        owner = Owner(known.name, known.url)
    if "invitations" in parts.tables:
        found = owner_from_invitations(parts.tables["invitations"])
        owner = Owner(owner.name or found.name, found.url if name_key(found.name) in ("", owner.key) else "")
    if "messages" in parts.tables:
        from .archive_messages import owner_from_messages, read_messages

        owner = owner_from_messages(parts.tables["messages"], owner, contact_keys)
        history.messages = read_messages(parts.tables["messages"], owner, history, keep_text)
    history.owner = owner
    if "invitations" in parts.tables:
        read_invitations(parts.tables["invitations"], owner, history)
    for table in parts.tables.values():
        if table.replaced:
            history.warnings.append(f"{table.file_name}: some bytes were not UTF-8 and show as \ufffd")
    if history.problems:
        lines = ", ".join(str(n) for n in history.problems[:10]) + (", ..." if len(history.problems) > 10 else "")
        many = len(history.problems) > 1
        history.warnings.append(f"{len(history.problems)} {'rows have' if many else 'row has'} a date that cannot "
                                f"be read and {'were' if many else 'was'} left out (line{'s' if many else ''} {lines})")
    return history


class _People:
    """Who in the archive is which contact: by profile URL, else by a full name only one contact has.

    ``unconnected``: contacts an earlier import added from the archive's correspondents and that no
    Connections.csv has listed since; an invitation to one of them was not seen accepted."""

    def __init__(self, store, history: History, contact_names: list[tuple[int, str]],
                 unconnected: frozenset[int] = frozenset()):
        urls = {i.url for i in history.invitations if i.url}
        if history.messages is not None and len(history.messages):
            import pyarrow.compute as pc

            urls.update(u for u in pc.unique(history.messages.url).to_pylist() if u)
        urls = sorted(urls)
        self.by_url = {url_key(u): cid for u, cid in store.contacts.ids_by_url(urls).items()} if urls else {}
        names: dict[str, set[int]] = {}
        for contact_id, full_name in contact_names:
            names.setdefault(name_key(full_name), set()).add(contact_id)
        self.by_name = names
        self.matched: set[int] = set()
        self.unmatched: dict[str, dict] = {}
        self.unconnected = set(unconnected)

    def contact(self, name: str, url: str) -> int | None:
        found = self.by_url.get(url_key(url)) if url else None
        if found is None:
            ids = self.by_name.get(name_key(name), set())
            found = next(iter(ids)) if len(ids) == 1 else None
        if found is None:
            self.unmatched.setdefault(person_key(name, url), {"name": name, "profile_url": url or None,
                                                                       "messages": 0, "invitations": 0})
            return None
        self.matched.add(found)
        return found

    def count_unmatched(self, name: str, url: str, what: str, times: int = 1) -> None:
        self.unmatched[person_key(name, url)][what] += times

    def newcomers(self) -> list[dict]:
        """The unmatched people who can become contacts: those the user exchanged messages with
        (an invitation alone, often a stranger's, is not enough), under a name, and not a name
        that two contacts share with no profile URL to tell which. One per person: a name-only
        mention of someone who also came with a URL is that person."""
        chosen: list[dict] = []
        names = {key for key, ids in self.by_name.items() if ids}
        for person in sorted(self.unmatched.values(), key=lambda p: (p["profile_url"] is None, p["name"])):
            name, key = display_name(person["name"]), name_key(person["name"])
            if not person["messages"] or not key or key in SPONSOR_NAMES:
                continue
            if person["profile_url"] is None and key in names:
                continue
            names.add(key)
            first, _, last = name.partition(" ")
            chosen.append({"first_name": first, "last_name": last or None, "full_name": name,
                           "linkedin_url": person["profile_url"], "key": key})
        return chosen

    def welcome(self, newcomers: list[dict]) -> None:
        """Match the ``newcomers`` (with their new ids) from now on, and count afresh."""
        for person in newcomers:
            if person["linkedin_url"]:
                self.by_url[url_key(person["linkedin_url"])] = person["id"]
            self.by_name.setdefault(person["key"], set()).add(person["id"])
            self.unconnected.add(person["id"])
        self.matched, self.unmatched = set(), {}


def _local(at: datetime, tz: str | None) -> datetime:
    return local_now(tz, at) if at.tzinfo else at


def horizon_of(history: History) -> int:
    """The archive's last moment (seconds, as ``moment_key`` has them)."""
    moments = [round((moment_key(i.at) - _EPOCH).total_seconds()) for i in history.invitations]
    if history.messages is not None and len(history.messages):
        moments.append(int(history.messages.moment.max()))
    return max(moments) if moments else -(2**62)


def interaction_rows(history: History, people: _People, tz: str | None) -> dict[str, list]:
    """The interactions to save, column by column (``store.history.COLUMNS``): one per kept message
    and invitation whose person is a contact. Messages as Arrow arrays, worked out column by column
    (``archive_messages``); invitations, a few hundred, one by one."""
    horizon = horizon_of(history)
    columns: dict[str, list] = {name: [] for name in COLUMNS if name != "source_key"}
    keys: list[str] = []

    def add(contact_id, kind, channel, local, outcome, note, conversation, length, text=None) -> None:
        for name, value in (("contact_id", contact_id), ("kind", kind), ("channel", channel),
                            ("occurred_on", local.date()), ("occurred_at", local), ("outcome", outcome),
                            ("notes", note), ("conversation_id", conversation), ("message_length", length),
                            ("message_text", text)):
            columns[name].append(value)

    messages = None
    if history.messages is not None and len(history.messages):
        from .archive_messages import message_columns

        messages = message_columns(history.messages, people, horizon, tz)
    for invitation in history.invitations:
        contact_id = people.contact(invitation.name, invitation.url)
        if contact_id is None:
            people.count_unmatched(invitation.name, invitation.url, "invitations")
            continue
        accepted = invitation.outbound and contact_id not in people.unconnected  # a connection: it was accepted
        add(contact_id, "outreach" if invitation.outbound else "inbound", CHANNEL_INVITATION,
            _local(invitation.at, tz), "replied" if accepted else None,
            "LinkedIn archive: invitation " + ("sent" if invitation.outbound else "received"), None,
            invitation.length)
        keys.append(f"li-inv:{'out' if invitation.outbound else 'in'}|"
                    f"{person_key(invitation.name, invitation.url)}|{moment_key(invitation.at).isoformat()}")
    columns["source_key"] = source_keys(keys)
    if messages is None:
        return columns
    from .archive_messages import joined

    return joined(messages, columns)


def _release_memory() -> None:
    """Hand the memory the messages' columns held back to the system before DuckDB saves: Arrow's
    allocator keeps freed memory for reuse, which would add to the import's peak."""
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()


def _import_connections(store, connections: tuple[str, bytes], today: date | None) -> dict:
    from .files import import_directly, parse_file, save_parsed

    name, content = connections
    report = import_directly(store, content, name, today=today)
    if report is None:
        report = save_parsed(store, parse_file(content, name, store=store), today=today)
    return report.to_dict()


def import_archive(store, data: bytes, file_name: str, today: date | None = None,
                   add_unmatched: bool = False) -> ArchiveReport:
    """Import an archive ZIP or one of its CSVs; ImportFileError (one line) for a file that cannot be.

    ``add_unmatched``: the people the user exchanged messages with who are not contacts become
    contacts (name and profile URL), with their history, in the same transaction."""
    fmt, parts = _read_parts(data, file_name)
    report = ArchiveReport(file_name=file_name, format=fmt)
    if parts.connections is not None:
        report.contacts = _import_connections(store, parts.connections, today)
    if not parts.tables:
        report.skipped = {}
        return report
    with store.session():
        saved_owner = json.loads(store.settings.get(OWNER_SETTING) or "{}")
        known = Owner(saved_owner.get("name") or "", saved_owner.get("url") or "") if saved_owner else None
        names = store.history.contact_names()
        with gc_paused():
            history = read_history(parts, known, frozenset(name_key(n) for _, n in names),
                                   keep_text=store.settings.get(KEEP_TEXTS_SETTING) == "1")
        parts.tables.clear()  # the rows (and the message texts in them) are not needed any more
        _release_memory()
        people = _People(store, history, names, store.history.unconnected_contacts())
        timezone = store.settings.get("timezone")
        with gc_paused():
            rows = interaction_rows(history, people, timezone)
        newcomers = people.newcomers() if add_unmatched else []
        if newcomers:  # matched again with them among the contacts: their messages become interactions
            for person, contact_id in zip(newcomers, store.contacts.reserve_ids(len(newcomers))):
                person["id"] = contact_id
            people.welcome(newcomers)
            with gc_paused():
                rows = interaction_rows(history, people, timezone)
        total = history.messages_read + history.invitations_read
        saved = store.history.save_archive(rows, file_name, fmt, total, rejected=len(history.problems),
                                           distinct=True,  # ``source_keys`` numbers repeats
                                           new_contacts=[{k: p[k] for k in NEW_CONTACT_FIELDS} for p in newcomers])
        if history.owner.name and (history.owner.name, history.owner.url) != (saved_owner.get("name"),
                                                                               saved_owner.get("url")):
            store.settings.set(OWNER_SETTING, json.dumps({"name": history.owner.name, "url": history.owner.url}))
    report.owner = history.owner.name
    report.messages_read, report.invitations_read = history.messages_read, history.invitations_read
    report.conversations = history.conversations
    report.interactions_inserted, report.interactions_updated = saved.inserted, saved.updated
    report.import_id = saved.import_id
    report.matched_people = len(people.matched)
    report.contacts_added = len(newcomers)
    report.addable_people = 0 if add_unmatched else len(people.newcomers())
    unmatched = sorted(people.unmatched.values(), key=lambda p: (-p["messages"] - p["invitations"], p["name"]))
    report.unmatched_count = len(unmatched)
    report.unmatched_people = unmatched[:MAX_LISTED]
    report.skipped = {reason: history.skipped.get(reason, 0) for reason in ("group", "sponsored", "draft", "spam")}
    report.skipped.update({k: v for k, v in history.skipped.items() if k not in report.skipped})
    report.warnings = history.warnings
    if not history.owner.name and history.messages_read:
        report.warnings.append("the archive's owner could not be told from the files; directions may be wrong")
    if unmatched:
        report.warnings.append(f"{len(unmatched)} people in the archive are not among your contacts; their "
                               "messages were left out (import Connections.csv, then this archive again"
                               + (", or add the people you wrote with as contacts)" if report.addable_people
                                  else ")"))
    return report


__all__ = ["REPLY_WINDOW", "ArchiveReport", "archive_kind", "import_archive", "read_history"]
