"""The byte-level checks that decide whether DuckDB may read a file itself (``importers.direct``).

Each check works on the UTF-8 bytes for speed; here each is compared with the plain way of
asking the same question of the decoded text, on random tables built from the characters that
matter (quotes, spaces, delimiters, every kind of line break, whitespace DuckDB does not trim,
and look-alikes that share their first byte).
"""

from __future__ import annotations

import random
import re

import pytest

from engine.importers import decode, direct
from engine.records import WHITESPACE, ImportFileError

_OTHER = [c for c in WHITESPACE if c not in " \r\n"]
# Characters whose UTF-8 form starts like a whitespace character's but is not one (’ – … · é).
_LOOK_ALIKES = ["\u2019", "\u2013", "\u2026", "\u00b7", "\u00e9", "\u1681", "\u3001", "\u2030"]
_PIECES = ["a", "Zoë", '"', '""', " ", "  ", ",", ";", "\t", "\r\n", "\n", "\r", *_LOOK_ALIKES]


def _table(rng: random.Random, whitespace: bool) -> str:
    pieces = [rng.choice(_PIECES) for _ in range(rng.randint(0, 40))]
    if whitespace:
        pieces.insert(rng.randint(0, len(pieces)), rng.choice(_OTHER))
    return "".join(pieces)


def _spaced_quote(table: str, delimiter: str) -> bool:
    """The plain question: spaces between a quote and the edge of a value (a delimiter, a line, the table)."""
    edge = "[" + re.escape(delimiter) + "\r\n]"
    return re.search(f'(?:^|{edge}) +"|" +(?:{edge}|$)', table) is not None


@pytest.mark.parametrize("seed", range(300))
def test_the_byte_checks_answer_as_the_text_does(seed):
    rng = random.Random(seed)
    table = _table(rng, whitespace=rng.random() < 0.3)
    delimiter = rng.choice([",", ";", "\t"])
    utf8 = table.encode()
    assert direct._line_breaks(utf8, len(utf8)) == len(re.findall("\r\n|\r|\n", table))
    assert direct._quote_beside_spaces(utf8, delimiter, len(utf8)) == _spaced_quote(table, delimiter)
    assert direct._other_whitespace(utf8) == any(c in table for c in _OTHER)


def test_the_checks_find_what_they_look_for_at_the_very_edges():
    assert direct._quote_beside_spaces(b' "a"', ",", 4) and direct._quote_beside_spaces(b'"a" ', ",", 4)
    assert not direct._quote_beside_spaces(b'" a "', ",", 5)
    assert direct._line_breaks(b"a\r\r\nb\n\rc", 9) == 4
    for ch in _OTHER:
        assert direct._other_whitespace(ch.encode()), repr(ch)
    assert not direct._other_whitespace("".join(_LOOK_ALIKES).encode())


def test_a_text_full_of_one_lead_byte_is_searched_for_each_character(monkeypatch):
    """Past ``_LEAD_BYTE_LOOKS`` places of one lead byte the check searches for each character
    instead; it must still find one that comes after them, and not find one that is not there."""
    monkeypatch.setattr(direct, "_LEAD_BYTE_LOOKS", 3)
    crowded = "O\u2019Brien," * 10
    assert direct._other_whitespace((crowded + "\u2009").encode())
    assert not direct._other_whitespace(crowded.encode())


# --- a large UTF-8 file is decoded only as far as its head ---------------------------------------

_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
_ROW = "Siobhán,O’Brien,https://www.linkedin.com/in/s-{i},,\"Acme, Inc.\",CTO,05 Oct 2016\r\n"


def _large(preamble: str = "Notes:\r\n\r\n", tail: bytes = b"", bom: bool = False, rows: int = 12_000) -> bytes:
    body = (preamble + _HEADER + "".join(_ROW.format(i=i) for i in range(rows))).encode()
    return (b"\xef\xbb\xbf" if bom else b"") + body + tail


@pytest.mark.parametrize(("data", "why"), [
    (_large(), "a LinkedIn export"),
    (_large(bom=True), "with a byte-order mark"),
    (_large(preamble="x\r\n" * 25), "the header on line 26"),
    (_large(preamble="x" * 300_000 + "\r\n"), "a first line longer than the head"),
    (_large(preamble="x\r\n" * 40), "no header among the lines scanned"),
    (_large(tail=b"Ren\xe9,K\xfchn,,,,,\r\n"), "a cp1252 row at the end"),
    (_large(tail=b"Ana,\xff,,,,,\r\n", bom=True), "a broken character after a byte-order mark"),
    (_large(tail=b"\x01" * 20), "control characters past the head"),
    (_large(tail="Zoë,Ng\u2009,,,,,\r\n".encode()), "a thin space at the end"),
])
def test_reading_only_the_head_vets_a_large_file_as_reading_it_whole(data, why):
    def vet(head_only):
        try:
            return direct._vet(data, "Connections.csv", None, None, head_only=head_only)
        except Exception as error:  # the same refusal is what is compared
            return type(error), str(error)

    assert len(data) > decode._HEAD_BYTES
    assert vet(True) == vet(False), why


def test_the_head_is_what_decoding_the_whole_file_gives_and_refusals_are_the_same():
    data = _large(bom=True)
    head, encoding = decode.decode_utf8_head(data, "a.csv")
    text, whole_encoding = decode.decode_bytes(data, "a.csv")
    assert encoding == whole_encoding == "utf-8-sig" and text.startswith(head) and len(head) >= 65536
    binary = b"a,b\n" + bytes(range(1, 9)) * 40_000
    with pytest.raises(ImportFileError, match="binary") as by_head:
        decode.decode_utf8_head(binary, "b.csv")
    with pytest.raises(ImportFileError, match="binary") as by_whole:
        decode.decode_bytes(binary, "b.csv")
    assert str(by_head.value) == str(by_whole.value)
    assert decode.decode_utf8_head(_large(tail=b"\xe9"), "c.csv") is None  # not UTF-8: decided on the whole
    assert decode.decode_utf8_head(b"a,b\n1,2\n", "d.csv") is None  # small: decoded whole
