"""A messages.csv of 100,000 messages, worked through column by column instead of row by row.

The same rules as ever (see ``archive_history``), applied to whole Arrow and NumPy columns
(``archive_columns``): a name, a URL or a pair of them is worked out once per distinct value (a
thousand people write a hundred thousand messages), and who answered whom is one sort and two
running minima over the messages, not a loop per conversation.

Moments are whole seconds since 1970 as LinkedIn wrote them: UTC for a date with a zone, the
wall-clock time as written for one without (2018's), which is what ``moment_key`` compares.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .archive_columns import (
    DAY,
    first_places,
    holding,
    labels,
    local_seconds,
    per_value,
    raw,
    read_moments,
    said,
    stripped,
    subset,
    truth,
)
from .archive_csv import Table, name_key, split_names, split_urls, text_length, unmangle
from .archive_history import (
    CHANNEL_MESSAGE,
    INCOMING,
    OUTGOING,
    REPLY_WINDOW,
    SPONSOR_NAMES,
    YES,
    History,
    Owner,
    person_key,
    source_keys,
)

_SEP = "\x1f"  # between the parts of a combined key: never in a name or a URL
_DRAFT_FOLDERS, _SPAM_FOLDER = frozenset({"draft", "drafts"}), frozenset({"spam"})


@dataclass
class Messages:
    """The kept messages (one other person each, not skipped), a column each."""

    conversation: pa.Array  # strings
    conversation_code: np.ndarray  # the same, as a number per conversation
    moment: np.ndarray  # int64 seconds, as ``moment_key`` has them
    aware: np.ndarray  # bool: the date had a zone (UTC), so it is shown in the user's zone
    outbound: np.ndarray  # bool
    name: pa.Array  # the person on the other side, mangling undone
    url: pa.Array  # their profile URL, "" when the file has none
    length: np.ndarray  # int32
    iso: pa.Array  # the moment as ``moment_key(...).isoformat()`` spells it, for the source keys
    text: pa.Array | None = None  # only when the user keeps message texts

    def __len__(self) -> int:
        return len(self.moment)


def empty_messages() -> Messages:
    strings = pa.array([], type=pa.string())
    return Messages(strings, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0, bool),
                    strings, strings, np.zeros(0, np.int32), strings)


# -- the owner -------------------------------------------------------------------------------------------
def owner_from_messages(table: Table, owner: Owner, contact_keys: frozenset[str] = frozenset()) -> Owner:
    """Fill in what ``owner`` lacks from the messages (as ``archive_history`` always has): the name
    most often on either side (on a tie, one who is not a contact, then the first seen), and the
    sender URL the owner's own messages carry."""
    sender = stripped(table, "from")
    if not owner.name and table.num_rows:
        outgoing, incoming = _said(table)
        to = stripped(table, "to")
        seen: Counter = Counter()
        first: dict[str, tuple[int, int, str]] = {}  # key -> (row, place in the row, the name as spelled)

        def count(array: pa.Array, mask: np.ndarray, split: bool, place: int) -> None:
            if not mask.any():
                return
            rows = None if mask.all() else np.nonzero(mask)[0]
            encoded = subset(array, rows).dictionary_encode()
            codes = encoded.indices.to_numpy(zero_copy_only=False)
            counts = np.bincount(codes, minlength=len(encoded.dictionary))
            firsts = first_places(codes, len(encoded.dictionary))
            if rows is not None:
                firsts = rows[firsts]
            for code, value in enumerate(encoded.dictionary.to_pylist()):
                names = split_names(value) if split else (value,)
                for offset, name in enumerate(names):
                    key = name_key(name)
                    if key:
                        seen[key] += int(counts[code])
                        where = (int(firsts[code]), place + offset, unmangle(name))
                        if key not in first or where < first[key]:
                            first[key] = where

        count(sender, ~incoming, False, 0)
        count(to, incoming, False, 1)
        count(to, ~incoming & ~outgoing, True, 1)
        if seen:
            best = max(seen, key=lambda key: (seen[key], key not in contact_keys, -first[key][0], -first[key][1]))
            owner = Owner(first[best][2], owner.url)
    if not owner.url and owner.name and table.has("senderprofileurl"):
        urls = stripped(table, "senderprofileurl")
        mine = per_value(sender, lambda name: name_key(name) == owner.key, bool) & truth(
            pc.greater(pc.binary_length(urls), 0))
        rows = np.nonzero(mine)[0]
        if len(rows):
            encoded = urls.take(pa.array(rows)).dictionary_encode()
            codes = encoded.indices.to_numpy(zero_copy_only=False)
            counts = np.bincount(codes)
            owner = Owner(owner.name, encoded.dictionary[int(np.argmax(counts))].as_py())  # a tie: the first seen
    return owner


# -- messages --------------------------------------------------------------------------------------------
def _skip_reasons(table: Table, sender: pa.Array, owner: Owner) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(draft, spam, sponsored) for every row, as ``archive_history`` tells them apart, in that order."""
    draft = said(table, "folder", _DRAFT_FOLDERS) | said(table, "ismessagedraft", YES) | said(
        table, "isconversationdraft", YES)
    spam = said(table, "folder", _SPAM_FOLDER) & ~draft
    content = stripped(table, "content")
    sponsored = (said(table, "from", SPONSOR_NAMES)
                 | per_value(stripped(table, "conversationtitle"), lambda title: "sponsored" in title.lower(), bool)
                 | truth(pc.starts_with(content, '<p class="spinmail'))
                 | _mail_merge(raw(table, "content")))
    if table.has("senderprofileurl"):
        no_url = truth(pc.equal(stripped(table, "senderprofileurl"), ""))
        sponsored |= no_url & ~per_value(sender, owner.is_me, bool)
    return draft, spam, sponsored & ~draft & ~spam


def _said(table: Table) -> tuple[np.ndarray, np.ndarray]:
    """(outgoing, incoming): what 2018's ``Direction`` column says (neither, in files without it)."""
    return said(table, "direction", OUTGOING), said(table, "direction", INCOMING)


def _outbound(table: Table, sender: pa.Array, sender_url: pa.Array, owner: Owner) -> np.ndarray:
    outgoing, incoming = _said(table)
    mine = per_value(sender, lambda name: owner.is_me(name), bool)
    if owner.url:
        by_url = per_value(sender_url, lambda url: owner.is_me("", url), bool)
        mine = np.where(truth(pc.greater(pc.binary_length(sender_url), 0)), by_url, mine)
    return np.where(outgoing | incoming, outgoing, mine)


def _recipients(to: str, urls_cell: str, owner: Owner) -> list[tuple[str, str]]:
    """The people a message went to but the owner, as (name, URL)."""
    urls = split_urls(urls_cell)
    names = split_names(to, len(urls) if urls else None)
    if len(urls) == len(names):
        recipients = list(zip(names, urls))
    elif urls:  # names that do not split as the URLs do: trust the URLs' count
        recipients = [(names[0] if len(urls) == 1 and names else "", u) for u in urls]
    else:
        recipients = [(n, "") for n in names]
    return [(n, u) for n, u in recipients if not owner.is_me(n, u)]


def _others(combined: str, owner: Owner, seen: dict) -> tuple[int, str, str, str]:
    """(how many people, the conversation's key by its people, the other's name and URL) of one
    message (its TO, recipient URLs, sender, sender URL and direction, joined). ``seen``: the
    recipients of each TO and URLs already worked out."""
    to, urls_cell, sender, sender_url, way = combined.split(_SEP)
    recipients = seen.get((to, urls_cell))
    if recipients is None:
        recipients = seen[to, urls_cell] = _recipients(to, urls_cell, owner)
    others = recipients if way == "1" else [(sender, sender_url), *recipients]
    people = sorted({person_key(n, u) for n, u in others})
    name, url = others[0] if others else ("", "")
    return len(people), "people:" + "|".join(people), unmangle(name), url


def _mail_merge(content: pa.Array) -> np.ndarray:
    """Which contents hold ``%FIRSTNAME%`` (any case): looked for only where there is a ``%``."""
    found = holding(content, "%")
    if found.any():
        rows = np.nonzero(found)[0]
        found[rows] = truth(pc.match_substring(content.take(pa.array(rows)), "%FIRSTNAME%", ignore_case=True))
    return found


def _lengths(content: pa.Array, trimmed: pa.Array) -> np.ndarray:
    """``text_length`` of every content: Arrow's count of characters, Python's where there are entities."""
    lengths = pc.utf8_length(trimmed).to_numpy(zero_copy_only=False).astype(np.int32)
    entity = np.nonzero(holding(content, "&"))[0]
    if len(entity):
        lengths[entity] = [text_length(c) for c in content.take(pa.array(entity)).to_pylist()]
    return lengths


def read_messages(table: Table, owner: Owner, history: History, keep_text: bool = False) -> Messages:
    """The kept messages of ``table``; the rest counted in ``history`` (skipped, problems)."""
    rows = table.num_rows
    history.messages_read += rows
    if not rows:
        return empty_messages()
    moment, aware, good, iso = read_moments(stripped(table, "date"))
    bad = np.nonzero(~good)[0]
    if len(bad):
        history.skipped["unreadable_date"] += len(bad)
        lines = table.lines()
        history.problems.extend(lines[r] for r in bad)
    sender, sender_url = stripped(table, "from"), stripped(table, "senderprofileurl")
    draft, spam, sponsored = _skip_reasons(table, sender, owner)
    for reason, mask in (("draft", draft), ("spam", spam), ("sponsored", sponsored)):
        if (mask & good).any():
            history.skipped[reason] += int((mask & good).sum())
    considered = good & ~draft & ~spam & ~sponsored
    outbound = _outbound(table, sender, sender_url, owner)
    way = pa.array(np.where(outbound, "1", "0"), type=pa.string())
    combined = pc.binary_join_element_wise(stripped(table, "to"), stripped(table, "recipientprofileurls"),
                                           sender, sender_url, way, _SEP).dictionary_encode()
    seen: dict = {}
    others = [_others(value, owner, seen) for value in combined.dictionary.to_pylist()]
    codes = combined.indices
    count = np.array([o[0] for o in others], dtype=np.int64)[codes.to_numpy(zero_copy_only=False)]
    conversation = stripped(table, "conversationid")
    unnamed = pc.equal(conversation, "")
    if pc.any(unnamed).as_py():  # no conversation id (2018): the conversation is its people
        conversation = pc.if_else(unnamed, pa.array([o[1] for o in others], type=pa.string()).take(codes),
                                  conversation)
    encoded = conversation.dictionary_encode()
    conversation_code = encoded.indices.to_numpy(zero_copy_only=False)
    history.conversations += int(np.count_nonzero(np.bincount(conversation_code[considered],
                                                              minlength=len(encoded.dictionary))))
    group_rows = considered & (count > 1)
    history.skipped["group"] += int(group_rows.sum())
    nobody = considered & (count == 0)
    if nobody.any():
        history.skipped["no_one_else"] += int(nobody.sum())
    kept = considered & (count == 1)
    if group_rows.any():
        group = np.zeros(len(encoded.dictionary), bool)
        group[conversation_code[group_rows]] = True
        in_group = group[conversation_code] & kept
        history.skipped["group"] += int(in_group.sum())
        kept &= ~in_group
    where = None if kept.all() else np.nonzero(kept)[0]
    kept_codes = subset(codes, where)
    names = pa.array([o[2] for o in others], type=pa.string()).take(kept_codes)
    urls = pa.array([o[3] for o in others], type=pa.string()).take(kept_codes)
    kept_conversation = subset(conversation, where)
    content = raw(table, "content")
    text = None
    if keep_text:
        text = subset(content, where)
        text = pc.if_else(pc.equal(text, ""), pa.nulls(len(text), pa.string()), text)
    if where is not None:
        moment, aware, outbound = moment[where], aware[where], outbound[where]
        conversation_code = conversation_code[where]
    lengths = _lengths(content, stripped(table, "content"))
    return Messages(kept_conversation, conversation_code, moment, aware, outbound, names,
                    _fill_urls(kept_conversation, names, urls), lengths if where is None else lengths[where],
                    subset(iso, where), text)


def _fill_urls(conversation: pa.Array, names: pa.Array, urls: pa.Array) -> pa.Array:
    """A message without the other person's URL (9 columns: senders' URLs only) takes the URL the
    same name has in the same conversation."""
    missing = truth(pc.equal(urls, ""))
    if not missing.any() or missing.all():
        return urls
    keys = pc.binary_join_element_wise(conversation, pa.array(per_value(names, name_key), type=pa.string()), _SEP)
    known: dict[str, str] = {}
    have = pa.array(~missing)
    pairs = pc.binary_join_element_wise(keys.filter(have), urls.filter(have), _SEP)
    for pair in pc.unique(pairs).to_pylist():  # in the order first seen
        key, url = pair.rsplit(_SEP, 1)
        known.setdefault(key, url)
    encoded = keys.dictionary_encode()
    filled = pa.array([known.get(k, "") for k in encoded.dictionary.to_pylist()], type=pa.string())
    return pc.if_else(pa.array(missing), filled.take(encoded.indices), urls)


# -- outcomes --------------------------------------------------------------------------------------------
def message_outcomes(messages: Messages, horizon: int, window: timedelta = REPLY_WINDOW) -> tuple[np.ndarray, ...]:
    """(order, replied, no_response, first, repeated). ``order``: the messages by conversation (as
    first seen), then moment, a message before the answer of the same second. Then, for each
    message in its own place: the outcome of an outbound one ("replied" when the other person
    writes within ``window``, "no_response" once the window has passed by ``horizon``, neither
    while it is open) and whether it was the owner's first in its conversation. ``repeated``:
    whether two messages share a conversation, a second and a direction (so a source key)."""
    n = len(messages)
    if not n:
        return np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0, bool), np.zeros(0, bool), False
    codes = messages.conversation_code
    size = int(codes.max()) + 1
    ranks = np.empty(size, np.int64)  # the conversations numbered as first seen among these messages
    ranks[np.argsort(first_places(codes, size), kind="stable")] = np.arange(size)
    conv = ranks[codes]
    order = np.lexsort((np.arange(n), ~messages.outbound, messages.moment, conv))
    conv, moment, outbound = conv[order], messages.moment[order], messages.outbound[order]
    place = np.arange(n)
    start = np.r_[True, conv[1:] != conv[:-1]]
    # the first inbound at or after each place (places only grow): a running minimum from the end
    nxt = np.minimum.accumulate(np.where(~outbound, place, n)[::-1])[::-1]
    answered = (nxt < n) & (conv[np.minimum(nxt, n - 1)] == conv)
    gap = moment[np.minimum(nxt, n - 1)] - moment
    limit = int(window.total_seconds())
    replied = outbound & answered & (gap <= limit)
    lapsed = outbound & ~replied & (horizon - moment > limit)
    # the owner's first: no outbound message before it in its conversation
    group_start = np.maximum.accumulate(np.where(start, place, 0))
    last_out = np.maximum.accumulate(np.where(outbound, place, -1))
    first = outbound & (np.r_[-1, last_out[:-1]] < group_start)
    repeated = bool(((conv[1:] == conv[:-1]) & (moment[1:] == moment[:-1]) & (outbound[1:] == outbound[:-1])).any())
    results = []
    for sorted_values in (replied, lapsed, first):  # back to each message's own place
        values = np.empty(n, bool)
        values[order] = sorted_values
        results.append(values)
    return order, *results, repeated


# -- interactions ----------------------------------------------------------------------------------------
_NOTES = ("LinkedIn archive: your first message in the conversation", "LinkedIn archive: follow-up message",
          "LinkedIn archive: their message")


def _source_keys(conversation: pa.Array, when: pa.Array, outbound: np.ndarray, repeated: bool) -> pa.Array:
    """``li-msg:CONVERSATION|MOMENT|out`` (or ``in``), as ``source_keys`` numbers repeats (``repeated``:
    two messages of one conversation in the same second, the same way)."""
    way = labels(outbound.astype(np.int8), ("in", "out"))
    keys = pc.binary_join_element_wise(pc.binary_join_element_wise("li-msg:", conversation, ""), when, way, "|")
    return pa.array(source_keys(keys.to_pylist()), type=pa.string()) if repeated else keys


def message_columns(messages: Messages, people, horizon: int, tz: str | None) -> dict[str, pa.Array]:
    """The interactions of the kept messages whose person is a contact, a column each (the names of
    ``store.history.COLUMNS``), in the messages' order (the store orders them as it saves them)."""
    order, replied, lapsed, first, repeated = message_outcomes(messages, horizon, REPLY_WINDOW)
    pairs = pc.binary_join_element_wise(messages.name, messages.url, _SEP).dictionary_encode()
    codes = pairs.indices.to_numpy(zero_copy_only=False)
    counts = np.bincount(codes, minlength=len(pairs.dictionary))
    ids = np.full(len(pairs.dictionary), -1, dtype=np.int64)
    met = first_places(codes[order], len(pairs.dictionary))  # each person's first message, conversation by conversation
    spelled = pairs.dictionary.to_pylist()
    for at in np.argsort(met):
        name, url = spelled[at].split(_SEP)
        found = people.contact(name, url)
        if found is None:
            people.count_unmatched(name, url, "messages", int(counts[at]))
        else:
            ids[at] = found
    contact = ids[codes]
    matched = contact >= 0
    rows = None if matched.all() else np.nonzero(matched)[0]
    if rows is not None:
        contact, replied, lapsed, first = contact[rows], replied[rows], lapsed[rows], first[rows]
    outbound = messages.outbound if rows is None else messages.outbound[rows]
    moment = messages.moment if rows is None else messages.moment[rows]
    local = local_seconds(moment, messages.aware if rows is None else messages.aware[rows], tz)
    conversation = subset(messages.conversation, rows)
    texts = subset(messages.text, rows) if messages.text is not None else pa.nulls(len(moment), pa.string())
    return {
        "contact_id": pa.array(contact, type=pa.int64()),
        "kind": labels(outbound.astype(np.int8), ("inbound", "outreach")),
        "channel": labels(np.zeros(len(moment), np.int8), (CHANNEL_MESSAGE,)),
        "occurred_on": pa.array(np.floor_divide(local, DAY).astype(np.int32), type=pa.date32()),
        "occurred_at": pa.array(local.astype("datetime64[s]")).cast(pa.timestamp("us")),
        "outcome": labels(lapsed.astype(np.int8), ("replied", "no_response"), ~(replied | lapsed)),
        "notes": labels(np.where(outbound, np.where(first, 0, 1), 2), _NOTES),
        "source_key": _source_keys(conversation, subset(messages.iso, rows), outbound, repeated),
        "conversation_id": conversation,
        "message_length": pa.array(messages.length if rows is None else messages.length[rows], type=pa.int32()),
        "message_text": texts,
    }


def joined(messages: dict[str, pa.Array], others: dict[str, list]) -> dict[str, pa.Array]:
    """The message columns followed by the invitations' (lists of Python values)."""
    out = {}
    for name, column in messages.items():
        values = others.get(name) or [None] * len(others["source_key"])
        out[name] = pa.concat_arrays([column, pa.array(values, type=column.type)])
    return out
