"""Company names as the ranking matches them: one key per employer however an export or a goal
writes it ("Stripe, Inc." and "stripe.com" are "stripe"), the other names a company goes by (an
aside in parentheses, a short name run together, a well-known short name), and where its offices
and units begin. Read by the ranking's employers, the industries and the Companies view.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .titles import _is_missing

_DOMAIN = re.compile(r"\.(com|io|ai|co)\b")
_COMPANY_WORD = re.compile(r"[^\W_]+")
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}")
_LEGAL_SUFFIXES = frozenset(
    "inc incorporated llc l l c ltd limited corp corporation co company gmbh plc sa ag bv nv pty llp lp "
    "srl sas spa oy ab as kk pte pcl bhd sdn".split()
)


def units_prefix(key: str) -> str | None:
    """How every office or unit of company ``key`` begins ("kpmg " for "kpmg nigeria", "interswitch "
    for "interswitch group"), or None when its first word is a single letter, too short to say."""
    return f"{key} " if len(key.split(" ", 1)[0]) > 1 else None


@lru_cache(maxsize=1 << 16)
def normalize_company(name) -> str:
    """Case-, punctuation- and legal-suffix-insensitive company key: "Stripe, Inc." -> "stripe".
    Kept per name: fitting reads each distinct company's key, then its industry from the key."""
    if _is_missing(name):
        return ""
    text = str(name).lower().replace("&", " and ")
    if not text.isascii():  # "Nestlé" is Nestle, as typed in a goal; letters of any script are words
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if "." in text:  # "S.A.", "N.V.": one word, which the legal suffixes know; "stripe.com": Stripe
        text = _DOMAIN.sub(" ", _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text))
    tokens = _COMPANY_WORD.findall(text)
    while len(tokens) > 1 and tokens[-1] in _LEGAL_SUFFIXES:
        tokens.pop()
        if len(tokens) > 1 and tokens[-1] == "and":  # "McKinsey & Company" is McKinsey
            tokens.pop()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
    return " ".join(tokens)


# A name with an aside in parentheses: what is outside and what is inside.
_ASIDE = re.compile(r"^([^()]*)\(([^()]*)\)([^()]*)$")
# Words that open an aside naming the company otherwise: "(formerly Facebook)", "(fka Square)".
_ASIDE_LEAD = re.compile(r"^\s*(?:formerly|previously|now|ex|fka|f/k/a|aka|a/k/a|also|acquired by)\b[\s:.-]*",
                         re.IGNORECASE)
ALIAS_WORDS = 4  # an aside of more words is a description ("(contract, via an agency)"), not a name


_INITIALS_SKIP = frozenset({"of", "and", "the", "for", "de"})


def _initials(key: str) -> set[str]:
    """A key's initials, with and without its small words: "bank of america" -> {"boa", "ba"}."""
    words = key.split()
    return {"".join(w[0] for w in words), "".join(w[0] for w in words if w not in _INITIALS_SKIP)}


@lru_cache(maxsize=1 << 14)
def company_aliases(name) -> tuple[str, ...]:
    """The other keys a company goes by when its name says so in parentheses:
    "Boston Consulting Group (BCG)" -> ("boston consulting group", "bcg"), "Meta (formerly
    Facebook)" -> ("meta", "facebook"); () for a name without one.

    Why: real exports write one employer as "BCG", "Boston Consulting Group" and "The Boston
    Consulting Group (BCG)", and a goal naming either should find people at the third. The name
    outside the parentheses always counts; the aside only when it is the outside's initials or
    says it is another name ("formerly", "fka", ...): "KPMG (Nigeria)" is KPMG, not a company
    called Nigeria. Initials are not guessed where the name does not give them ("IBM" is not read
    into every "International B... M...")."""
    if _is_missing(name):
        return ()
    found = _ASIDE.match(str(name)) if "(" in str(name) else None
    if not found:
        return run_together(normalize_company(name))
    outside = normalize_company(f"{found.group(1)} {found.group(3)}")
    named = _ASIDE_LEAD.match(found.group(2))
    inside = normalize_company(_ASIDE_LEAD.sub("", found.group(2)))
    if not named and not (len(outside.split()) > 1 and inside.replace(" ", "") in _initials(outside)):
        inside = ""
    whole = normalize_company(name)
    keys = [k for k in (outside, inside if len(inside.split()) <= ALIAS_WORDS else "") if k and k != whole]
    keys += [k for key in keys for k in run_together(key)]
    return tuple(dict.fromkeys(keys))


RUN_TOGETHER_WORDS = 3  # "J.P. Morgan" is "JPMorgan", "First Bank" "FirstBank"; longer names are not so written


def run_together(key: str) -> tuple[str, ...]:
    """A short name's key with its words written together ("first bank" -> "firstbank"), as
    exports and goals write one employer both ways; () for one word or a long name."""
    words = key.split()
    return ("".join(words),) if 1 < len(words) <= RUN_TOGETHER_WORDS else ()


def company_keys_of(name) -> frozenset[str]:
    """Every key ``name`` is matched by: its own, its aliases (``company_aliases``) and the other
    name of a well-known company (``WELL_KNOWN_NAMES``: "TCS" is Tata Consultancy Services)."""
    key = normalize_company(name)
    keys = {k for k in (key, *company_aliases(name)) if k}
    return frozenset(keys.union(*(OTHER_NAMES.get(k, ()) for k in list(keys))))


# Well-known companies' short and long names, both ways, as goals and exports write them: a
# goal naming one finds people listed under the other. Initials are never guessed from a name
# ("IBM" is not read into every "International B... M..."): only these are known.
WELL_KNOWN_NAMES: tuple[tuple[str, ...], ...] = (
    ("tcs", "tata consultancy services"), ("p and g", "pandg", "procter and gamble"),
    ("ibm", "international business machines"), ("ey", "ernst and young"), ("pwc", "pricewaterhousecoopers"),
    ("bcg", "boston consulting group"), ("bat", "british american tobacco"), ("ge", "general electric"),
    ("hp", "hewlett packard"), ("gtbank", "gtco", "guaranty trust bank", "guaranty trust"),
    ("uba", "united bank for africa"), ("fcmb", "first city monument bank"), ("aws", "amazon web services"),
    ("jnj", "johnson and johnson"), ("bofa", "bank of america"), ("lafargeholcim", "lafarge"),
)
OTHER_NAMES: dict[str, frozenset[str]] = {
    name: frozenset(names) - {name} for names in WELL_KNOWN_NAMES for name in names
}
