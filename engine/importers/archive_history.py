"""From the archive's rows to the interaction log: who, when, which way, and who answered.

Pure functions over the tables ``archive_csv`` reads (the messages, being many, are worked
through column by column in ``archive_messages``); matching people to contacts and saving are
the caller's. What is kept of a message: the conversation, the moment, the direction, the person
on the other side and the length of the text, never the text itself.

- The owner is named by Profile.csv, else by the invitations they sent and received, else by the
  messages themselves (the one person in nearly every conversation).
- A message is outbound when the owner sent it (``Direction`` in 2018, the sender's URL or name
  later). A group conversation (more than one other person), a sponsored message or InMail
  campaign (no sender URL, "LinkedIn Member", spinmail HTML, "Sponsored Conversation"), a draft
  and a message in the spam folder are counted as skipped and kept out.
- An outbound message is answered ("replied") when the person it went to writes in the same
  conversation within ``REPLY_WINDOW``; "no_response" once the window has passed by the archive's
  last date without an answer; no outcome yet while it is still open.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .archive_csv import Table, name_key, parse_moment, text_length, unmangle, url_key

if TYPE_CHECKING:  # NumPy and Arrow load slowly: only once messages are read
    from .archive_messages import Messages

REPLY_WINDOW = timedelta(days=30)
CHANNEL_MESSAGE, CHANNEL_INVITATION = "linkedin_message", "linkedin_connection"
SPONSOR_NAMES = frozenset({"linkedin member", "linkedin"})
OUTGOING = frozenset({"outgoing", "sent", "outbound"})
INCOMING = frozenset({"incoming", "received", "inbound"})
YES = frozenset({"yes", "true", "1"})
MAX_PROBLEM_LINES = 10


@dataclass(frozen=True, slots=True)
class Invitation:
    at: datetime
    outbound: bool
    name: str
    url: str
    length: int  # of the note, 0 without one


@dataclass
class Owner:
    name: str = ""
    url: str = ""

    @property
    def key(self) -> str:
        return name_key(self.name)

    def is_me(self, name: str, url: str = "") -> bool:
        if url and self.url:
            return url == self.url or url_key(url) == url_key(self.url)
        return bool(name) and (name == self.name or name_key(name) == name_key(self.name))


@dataclass
class History:
    """What the archive says happened, before anyone is matched to a contact."""

    owner: Owner = field(default_factory=Owner)
    messages: Messages | None = None  # the kept messages, column by column (``archive_messages``)
    invitations: list[Invitation] = field(default_factory=list)
    messages_read: int = 0
    invitations_read: int = 0
    conversations: int = 0
    skipped: Counter = field(default_factory=Counter)
    problems: list[int] = field(default_factory=list)  # lines whose date cannot be read
    warnings: list[str] = field(default_factory=list)


def person_key(name: str, url: str) -> str:
    """One person in the archive: by profile URL where there is one, else by folded name."""
    return f"url:{url_key(url)}" if url else f"name:{name_key(name)}"


def moment_key(at: datetime) -> datetime:
    """Moments as one comparable kind: an aware one in UTC without its zone, a naive one as is."""
    if at.tzinfo is None:
        return at
    return at.replace(tzinfo=None) if at.tzinfo is UTC else at.astimezone(UTC).replace(tzinfo=None)


# -- the owner -----------------------------------------------------------------------------------------
def owner_from_invitations(table: Table) -> Owner:
    names, urls = Counter(), Counter()
    for row in table.rows:
        direction = row.get("direction").lower()
        if direction in OUTGOING:
            names[unmangle(row.get("from"))] += 1
            if row.get("inviterprofileurl"):
                urls[row.get("inviterprofileurl")] += 1
        elif direction in INCOMING:
            names[unmangle(row.get("to"))] += 1
            if row.get("inviteeprofileurl"):
                urls[row.get("inviteeprofileurl")] += 1
    names.pop("", None)
    return Owner(names.most_common(1)[0][0] if names else "", urls.most_common(1)[0][0] if urls else "")


# -- invitations ---------------------------------------------------------------------------------------
def read_invitations(table: Table, owner: Owner, history: History) -> None:
    for row in table.rows:
        history.invitations_read += 1
        at = _read_date(row.get("sentat"), row.line, history)
        if at is None:
            continue
        direction = row.get("direction").lower()
        if direction not in OUTGOING and direction not in INCOMING:
            history.skipped["unknown_direction"] += 1
            continue
        outbound = direction in OUTGOING
        name = row.get("to") if outbound else row.get("from")
        url = row.get("inviteeprofileurl") if outbound else row.get("inviterprofileurl")
        history.invitations.append(Invitation(at, outbound, unmangle(name), url, text_length(row.get("message"))))


def _read_date(value: str, line: int, history: History) -> datetime | None:
    at = parse_moment(value)
    if at is None:
        history.skipped["unreadable_date"] += 1
        history.problems.append(line)
    return at


def source_keys(parts: list[str]) -> list[str]:
    """The keys as given, with ``#2``, ``#3`` ... after a repeat: two messages in the same second
    stay two, and the same archive imported again gives the same keys."""
    seen: Counter = Counter()
    out = []
    for key in parts:
        seen[key] += 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out
