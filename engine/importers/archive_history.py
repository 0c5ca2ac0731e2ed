"""From the archive's rows to the interaction log: who, when, which way, and who answered.

Pure functions over the tables ``archive_csv`` reads; matching people to contacts and saving are
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

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from .archive_csv import Table, name_key, parse_moment, split_names, split_urls, text_length, unmangle, url_key

REPLY_WINDOW = timedelta(days=30)
SPONSOR_NAMES = frozenset({"linkedin member", "linkedin"})
OUTGOING = frozenset({"outgoing", "sent", "outbound"})
INCOMING = frozenset({"incoming", "received", "inbound"})
YES = frozenset({"yes", "true", "1"})
MAX_PROBLEM_LINES = 10


@dataclass(frozen=True, slots=True)
class Message:
    line: int
    conversation: str
    at: datetime  # as LinkedIn wrote it: aware (UTC) or naive (no zone given)
    outbound: bool
    name: str  # the person on the other side
    url: str  # their profile URL, "" when the file has none
    length: int
    text: str | None = None  # only when the user keeps message texts (Settings); else never held


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
    messages: list[Message] = field(default_factory=list)
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


def owner_from_messages(table: Table, owner: Owner, contact_keys: frozenset[str] = frozenset()) -> Owner:
    """Fill in what ``owner`` lacks from the messages: the name most often on either side (on a tie,
    one who is not a contact: the owner is not their own connection), and the sender URL the
    owner's own messages carry."""
    if not owner.name:
        seen, spelled = Counter(), {}
        for row in table.rows:
            said = row.get("direction").lower()  # 2018: the owner is FROM when outgoing, TO when incoming
            names = ([row.get("from")] if said in OUTGOING else [row.get("to")] if said in INCOMING
                     else [row.get("from"), *split_names(row.get("to"))])
            for name in names:
                key = name_key(name)
                if key:
                    seen[key] += 1
                    spelled.setdefault(key, unmangle(name))
        if seen:
            best = max(seen, key=lambda key: (seen[key], key not in contact_keys))
            owner = Owner(spelled[best], owner.url)
    if not owner.url and owner.name:
        urls = Counter(row.get("senderprofileurl") for row in table.rows
                       if row.get("senderprofileurl") and name_key(row.get("from")) == owner.key)
        if urls:
            owner = Owner(owner.name, urls.most_common(1)[0][0])
    return owner


# -- messages ------------------------------------------------------------------------------------------
def _skip_reason(row, has_sender_urls: bool, owner: Owner) -> str | None:
    folder = row.get("folder").lower()
    if folder in ("draft", "drafts") or row.get("ismessagedraft").lower() in YES \
            or row.get("isconversationdraft").lower() in YES:
        return "draft"
    if folder == "spam":
        return "spam"
    sender, content = row.get("from"), row.get("content")
    if (sender.lower() in SPONSOR_NAMES or "sponsored" in row.get("conversationtitle").lower()
            or content.startswith('<p class="spinmail') or "%FIRSTNAME%" in content.upper()
            or (has_sender_urls and not row.get("senderprofileurl") and not owner.is_me(sender))):
        return "sponsored"
    return None


def _direction(row, owner: Owner) -> bool:
    said = row.get("direction").lower()
    if said in OUTGOING or said in INCOMING:
        return said in OUTGOING
    return owner.is_me(row.get("from"), row.get("senderprofileurl"))


def _others(row, owner: Owner, outbound: bool) -> list[tuple[str, str]]:
    """The people on the other side of one message, as (name, url)."""
    urls = split_urls(row.get("recipientprofileurls"))
    names = split_names(row.get("to"), len(urls) if urls else None)
    if len(urls) == len(names):
        recipients = list(zip(names, urls))
    elif urls:  # names that do not split as the URLs do: trust the URLs' count
        recipients = [(names[0] if len(urls) == 1 and names else "", u) for u in urls]
    else:
        recipients = [(n, "") for n in names]
    recipients = [(n, u) for n, u in recipients if not owner.is_me(n, u)]
    if outbound:
        return recipients
    return [(row.get("from"), row.get("senderprofileurl")), *recipients]


def read_messages(table: Table, owner: Owner, history: History, keep_text: bool = False) -> None:
    """Add ``table``'s messages to ``history``: kept ones to ``messages``, the rest counted.
    ``keep_text``: hold each message's text too (the user chose to keep texts)."""
    has_sender_urls = bool(table.rows) and table.rows[0].has("senderprofileurl")
    kept: list[tuple[str, Message]] = []
    group, conversations = set(), set()
    for row in table.rows:
        history.messages_read += 1
        at = _read_date(row.get("date"), row.line, history)
        if at is None:
            continue
        reason = _skip_reason(row, has_sender_urls, owner)
        if reason:
            history.skipped[reason] += 1
            continue
        outbound = _direction(row, owner)
        others = _others(row, owner, outbound)
        people = sorted({person_key(n, u) for n, u in others})
        conversation = row.get("conversationid") or "people:" + "|".join(people)
        conversations.add(conversation)
        if len(people) > 1:
            group.add(conversation)
            history.skipped["group"] += 1
            continue
        if not people:
            history.skipped["no_one_else"] += 1
            continue
        name, url = others[0]
        kept.append((conversation, Message(row.line, conversation, at, outbound, unmangle(name), url,
                                           text_length(row.raw("content")),
                                           (row.raw("content") or None) if keep_text else None)))
    urls: dict[tuple[str, str], str] = {}  # the URL a name has in its conversation (9 columns: senders' only)
    for conversation, message in kept:
        if message.url:
            urls.setdefault((conversation, name_key(message.name)), message.url)
    for conversation, message in kept:
        if conversation in group:
            history.skipped["group"] += 1
            continue
        if not message.url and (conversation, name_key(message.name)) in urls:
            message = replace(message, url=urls[conversation, name_key(message.name)])
        history.messages.append(message)
    history.conversations += len(conversations)


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


# -- interactions --------------------------------------------------------------------------------------
def message_outcomes(messages: list[Message], horizon: datetime, window: timedelta = REPLY_WINDOW) -> list[tuple]:
    """(message, outcome, first) for every message: the outcome of an outbound one ("replied",
    "no_response" or None while its window is open), and whether it was the owner's first in its
    conversation."""
    by_conversation: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        by_conversation[message.conversation].append(message)
    out = []
    for thread in by_conversation.values():  # one other person per conversation: groups are kept out
        keyed = sorted(((moment_key(m.at), not m.outbound, i) for i, m in enumerate(thread)))
        answered: datetime | None = None  # the next inbound moment, walking backwards
        marked = []
        for moment, _, i in reversed(keyed):
            message = thread[i]
            if not message.outbound:
                answered = moment
                marked.append((message, None))
                continue
            if answered is not None and answered - moment <= window:
                outcome = "replied"
            elif horizon - moment > window:
                outcome = "no_response"
            else:
                outcome = None
            marked.append((message, outcome))
        written = False
        for message, outcome in reversed(marked):
            out.append((message, outcome, message.outbound and not written))
            written = written or message.outbound
    return out


def source_keys(parts: list[str]) -> list[str]:
    """The keys as given, with ``#2``, ``#3`` ... after a repeat: two messages in the same second
    stay two, and the same archive imported again gives the same keys."""
    seen: Counter = Counter()
    out = []
    for key in parts:
        seen[key] += 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out
