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

from engine.importers import direct
from engine.model import WHITESPACE

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
    assert direct._other_whitespace(table, utf8) == any(c in table for c in _OTHER)


def test_the_checks_find_what_they_look_for_at_the_very_edges():
    assert direct._quote_beside_spaces(b' "a"', ",", 4) and direct._quote_beside_spaces(b'"a" ', ",", 4)
    assert not direct._quote_beside_spaces(b'" a "', ",", 5)
    assert direct._line_breaks(b"a\r\r\nb\n\rc", 9) == 4
    for ch in _OTHER:
        assert direct._other_whitespace(ch, ch.encode()), repr(ch)
    assert not direct._other_whitespace("".join(_LOOK_ALIKES), "".join(_LOOK_ALIKES).encode())


def test_a_text_full_of_one_lead_byte_is_searched_as_text(monkeypatch):
    """Past ``_LEAD_BYTE_LOOKS`` places of one lead byte the check searches the text instead; it
    must still find a character that comes after them, and not find one that is not there."""
    monkeypatch.setattr(direct, "_LEAD_BYTE_LOOKS", 3)
    crowded = "O\u2019Brien," * 10
    assert direct._other_whitespace(crowded + "\u2009", (crowded + "\u2009").encode())
    assert not direct._other_whitespace(crowded, crowded.encode())
