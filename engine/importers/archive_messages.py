"""A messages.csv of 100,000 messages, worked through column by column instead of row by row.

The same rules as ever (see ``archive_history``), applied to whole Arrow and NumPy columns: a
name, a URL or a pair of them is worked out once per distinct value (a thousand people write a
hundred thousand messages), dates of LinkedIn's usual form are read by NumPy from their bytes
(any other form by ``parse_moment``, one at a time), and who answered whom is one sort and two
running minima over the messages, not a loop per conversation.

Moments are whole seconds since 1970 as LinkedIn wrote them: UTC for a date with a zone, the
wall-clock time as written for one without (2018's), which is what ``moment_key`` compares.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.clock import local_now

from .archive_csv import Table, name_key, parse_moment, split_names, split_urls, text_length, unmangle
from .archive_history import (
    CHANNEL_MESSAGE,
    INCOMING,
    OUTGOING,
    REPLY_WINDOW,
    SPONSOR_NAMES,
    YES,
    History,
    Owner,
    moment_key,
    person_key,
    source_keys,
)

_EPOCH = datetime(1970, 1, 1)
_DAY = 86_400
_SEP = "\x1f"  # between the parts of a combined key: never in a name or a URL
_DIGITS = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
_FIXED = {4: ord("-"), 7: ord("-"), 10: ord(" "), 13: ord(":"), 16: ord(":"), 19: ord(" "), 20: ord("U"),
          21: ord("T"), 22: ord("C")}
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass
class Messages:
    """The kept messages (one other person each, not skipped), a column each."""

    conversation: pa.Array  # strings
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
    return Messages(strings, np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0, bool), strings, strings,
                    np.zeros(0, np.int32), strings)


# -- columns ---------------------------------------------------------------------------------------------
def raw(table: Table, key: str) -> pa.Array:
    column = table.columns.get(key)
    return column if column is not None else pa.repeat(pa.scalar("", pa.string()), table.num_rows)


def stripped(table: Table, key: str) -> pa.Array:
    """A column's values without surrounding blanks, as ``Row.get`` has them ("" for a missing column)."""
    if ("stripped", key) not in table.derived:
        table.derived["stripped", key] = pc.utf8_trim_whitespace(raw(table, key))
    return table.derived["stripped", key]


def lowered(table: Table, key: str) -> pa.Array:
    if ("lowered", key) not in table.derived:
        table.derived["lowered", key] = pc.utf8_lower(stripped(table, key))
    return table.derived["lowered", key]


def per_value(array: pa.Array, work, kind=None) -> np.ndarray:
    """``work`` of each value, worked out once per distinct value; a NumPy array (``kind`` its dtype)."""
    encoded = array.dictionary_encode()
    results = [work(v) for v in encoded.dictionary.to_pylist()]
    values = np.array(results, dtype=kind) if kind is not None else _objects(results)
    return values[encoded.indices.to_numpy(zero_copy_only=False)] if len(array) else values[:0]


def _objects(results: list) -> np.ndarray:
    values = np.empty(len(results), dtype=object)
    values[:] = results
    return values


def first_places(codes: np.ndarray, size: int) -> np.ndarray:
    """Where each code from 0 to ``size`` - 1 first appears in ``codes`` (each does)."""
    places = np.zeros(size, np.int64)
    places[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write, the first place, wins
    return places


def one_of(array: pa.Array, words) -> np.ndarray:
    return pc.is_in(array, value_set=pa.array(sorted(words), type=pa.string())).to_numpy(zero_copy_only=False)


def truth(array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


# -- dates -----------------------------------------------------------------------------------------------
def _fixed_width(dates: pa.Array, rows: np.ndarray, width: int) -> np.ndarray:
    """The bytes of the values at ``rows`` (each ``width`` long), a row each."""
    offsets = np.frombuffer(dates.buffers()[1], dtype=np.int32)[dates.offset:dates.offset + len(dates) + 1]
    buffer = dates.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    if len(rows) == len(dates) and offsets[-1] - offsets[0] == width * len(rows):  # all of them, back to back
        return data[offsets[0]:offsets[-1]].reshape(len(rows), width)
    return data[offsets[rows][:, None] + np.arange(width)]


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's ``days_from_civil``)."""
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    of_era = year - era * 400
    of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    of_cycle = of_era * 365 + of_era // 4 - of_era // 100 + of_year
    return era * 146_097 + of_cycle - 719_468


def _usual_dates(dates: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(seconds, readable) for LinkedIn's usual ``2024-05-01 09:30:00 UTC``, read from the bytes."""
    seconds, good = np.zeros(len(dates), np.int64), np.zeros(len(dates), bool)
    lengths = pc.binary_length(dates).to_numpy(zero_copy_only=False)
    rows = np.nonzero(lengths == 23)[0]
    if not len(rows):
        return seconds, good
    chars = _fixed_width(dates, rows, 23)
    digits = chars[:, _DIGITS].astype(np.int64) - ord("0")
    ok = (digits.max(axis=1) <= 9) & (digits.min(axis=1) >= 0)
    ok &= (chars[:, list(_FIXED)] == np.array(list(_FIXED.values()), dtype=np.uint8)).all(axis=1)
    d = digits * ok[:, None]
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month, day = d[:, 4] * 10 + d[:, 5], d[:, 6] * 10 + d[:, 7]
    hour, minute, second = d[:, 8] * 10 + d[:, 9], d[:, 10] * 10 + d[:, 11], d[:, 12] * 10 + d[:, 13]
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (hour < 24) & (minute < 60) & (second < 60)
    month = np.where(ok, month, 1)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    ok &= (day >= 1) & (day <= _MONTH_DAYS[month - 1] + ((month == 2) & leap))
    seconds[rows] = _days_from_civil(year, month, day) * _DAY + hour * 3600 + minute * 60 + second
    good[rows] = ok
    return seconds, good


def read_moments(dates: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array]:
    """(seconds as ``moment_key`` has them, aware, readable, ``moment_key(...).isoformat()``) of
    stripped date cells."""
    seconds, good = _usual_dates(dates)
    aware = good.copy()
    iso = pc.utf8_replace_slice(pc.utf8_slice_codeunits(dates, 0, 19), start=10, stop=11, replacement="T")
    others = np.nonzero(~good)[0]
    if len(others):
        spelled = iso.to_pylist()
        for row, value in zip(others, dates.take(pa.array(others)).to_pylist(), strict=True):
            at = parse_moment(value)
            if at is not None:
                seconds[row] = round((moment_key(at) - _EPOCH).total_seconds())
                aware[row], good[row] = at.tzinfo is not None, True
                spelled[row] = moment_key(at).isoformat()
        iso = pa.array(spelled, type=pa.string())
    return seconds, aware, good, iso


def local_seconds(moment: np.ndarray, aware: np.ndarray, tz: str | None) -> np.ndarray:
    """The wall-clock time in zone ``tz`` (``clock.local_now``) of aware moments; others as they are.

    A zone's offset changes a few times a year at most, so it is asked for at the start of each
    week the moments fall in and of the next: where the two agree, the whole week has that offset;
    in a week where they differ, day by day the same way, then hour by hour; in the hour the clocks
    change, moment by moment."""
    local = moment.copy()
    if not aware.any():
        return local
    rows = np.nonzero(aware)[0] if not aware.all() else np.arange(len(moment))
    offsets: dict[int, int] = {}

    def offset(second: int) -> int:
        if second not in offsets:
            start = _EPOCH + timedelta(seconds=second)
            offsets[second] = round((local_now(tz, start) - start).total_seconds())
        return offsets[second]

    seconds = moment[rows]
    shift = np.zeros(len(rows), np.int64)
    unsettled = np.ones(len(rows), bool)
    for span in (7 * _DAY, _DAY, 3600):
        at = np.nonzero(unsettled)[0]
        blocks = seconds[at] // span
        wanted = np.unique(blocks)
        found = np.array([offset(b * span) for b in wanted.tolist()], dtype=np.int64)
        settled = found == np.array([offset(b * span + span) for b in wanted.tolist()], dtype=np.int64)
        where = np.searchsorted(wanted, blocks)
        shift[at] = found[where]
        unsettled[at] = ~settled[where]
        if not unsettled.any():
            break
    local[rows] = seconds + shift
    for row in rows[unsettled]:
        when = _EPOCH + timedelta(seconds=int(moment[row]))
        local[row] = round((local_now(tz, when) - _EPOCH).total_seconds())
    return local


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
            encoded = _subset(array, rows).dictionary_encode()
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
    folder = lowered(table, "folder")
    draft = one_of(folder, ("draft", "drafts"))
    for key in ("ismessagedraft", "isconversationdraft"):
        if table.has(key):
            draft |= one_of(lowered(table, key), YES)
    spam = one_of(folder, ("spam",)) & ~draft
    content = stripped(table, "content")
    sponsored = (one_of(lowered(table, "from"), SPONSOR_NAMES)
                 | truth(pc.match_substring(lowered(table, "conversationtitle"), "sponsored"))
                 | truth(pc.starts_with(content, '<p class="spinmail'))
                 | truth(pc.match_substring(content, "%FIRSTNAME%", ignore_case=True)))
    if table.has("senderprofileurl"):
        no_url = truth(pc.equal(stripped(table, "senderprofileurl"), ""))
        sponsored |= no_url & ~per_value(sender, owner.is_me, bool)
    return draft, spam, sponsored & ~draft & ~spam


def _said(table: Table) -> tuple[np.ndarray, np.ndarray]:
    """(outgoing, incoming): what 2018's ``Direction`` column says (neither, in files without it)."""
    if not table.has("direction"):
        return np.zeros(table.num_rows, bool), np.zeros(table.num_rows, bool)
    said = lowered(table, "direction")
    return one_of(said, OUTGOING), one_of(said, INCOMING)


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


def _lengths(content: pa.Array, trimmed: pa.Array) -> np.ndarray:
    """``text_length`` of every content: Arrow's count of characters, Python's where there are entities."""
    lengths = pc.utf8_length(trimmed).to_numpy(zero_copy_only=False).astype(np.int32)
    entity = np.nonzero(truth(pc.match_substring(content, "&")))[0]
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
    conversation_id = stripped(table, "conversationid")
    fallback = pa.array([o[1] for o in others], type=pa.string()).take(codes)
    conversation = pc.if_else(pc.equal(conversation_id, ""), fallback, conversation_id)

    considered_rows = pa.array(np.nonzero(considered)[0])
    history.conversations += len(pc.unique(conversation.take(considered_rows)))
    group_rows = considered & (count > 1)
    history.skipped["group"] += int(group_rows.sum())
    nobody = considered & (count == 0)
    if nobody.any():
        history.skipped["no_one_else"] += int(nobody.sum())
    kept = considered & (count == 1)
    groups = pc.unique(conversation.filter(pa.array(group_rows)))
    if len(groups):
        in_group = truth(pc.is_in(conversation, value_set=groups)) & kept
        history.skipped["group"] += int(in_group.sum())
        kept &= ~in_group
    where = None if kept.all() else np.nonzero(kept)[0]
    kept_codes = _subset(codes, where)
    names = pa.array([o[2] for o in others], type=pa.string()).take(kept_codes)
    urls = pa.array([o[3] for o in others], type=pa.string()).take(kept_codes)
    kept_conversation = _subset(conversation, where)
    content = raw(table, "content")
    text = None
    if keep_text:
        text = _subset(content, where)
        text = pc.if_else(pc.equal(text, ""), pa.nulls(len(text), pa.string()), text)
    if where is not None:
        moment, aware, outbound = moment[where], aware[where], outbound[where]
    lengths = _lengths(content, stripped(table, "content"))
    return Messages(kept_conversation, moment, aware, outbound, names, _fill_urls(kept_conversation, names, urls),
                    lengths if where is None else lengths[where], _subset(iso, where), text)


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
    conv = messages.conversation.dictionary_encode().indices.to_numpy(zero_copy_only=False)
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


def _labels(codes: np.ndarray, labels: tuple[str, ...], missing: np.ndarray | None = None) -> pa.Array:
    """Strings from small integer codes (a label each), null where ``missing``."""
    indices = pa.array(codes.astype(np.int8), mask=missing)
    return pa.DictionaryArray.from_arrays(indices, pa.array(labels, type=pa.string())).cast(pa.string())


def _source_keys(conversation: pa.Array, when: pa.Array, outbound: np.ndarray, repeated: bool) -> pa.Array:
    """``li-msg:CONVERSATION|MOMENT|out`` (or ``in``), as ``source_keys`` numbers repeats (``repeated``:
    two messages of one conversation in the same second, the same way)."""
    way = _labels(outbound.astype(np.int8), ("in", "out"))
    keys = pc.binary_join_element_wise(pc.binary_join_element_wise("li-msg:", conversation, ""), when, way, "|")
    return pa.array(source_keys(keys.to_pylist()), type=pa.string()) if repeated else keys


def _subset(array: pa.Array, rows: np.ndarray | None) -> pa.Array:
    return array if rows is None else array.take(pa.array(rows))


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
    conversation = _subset(messages.conversation, rows)
    texts = _subset(messages.text, rows) if messages.text is not None else pa.nulls(len(moment), pa.string())
    return {
        "contact_id": pa.array(contact, type=pa.int64()),
        "kind": _labels(outbound.astype(np.int8), ("inbound", "outreach")),
        "channel": _labels(np.zeros(len(moment), np.int8), (CHANNEL_MESSAGE,)),
        "occurred_on": pa.array(np.floor_divide(local, _DAY).astype(np.int32), type=pa.date32()),
        "occurred_at": pa.array(local.astype("datetime64[s]")).cast(pa.timestamp("us")),
        "outcome": _labels(lapsed.astype(np.int8), ("replied", "no_response"), ~(replied | lapsed)),
        "notes": _labels(np.where(outbound, np.where(first, 0, 1), 2), _NOTES),
        "source_key": _source_keys(conversation, _subset(messages.iso, rows), outbound, repeated),
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
