"""Role families and seniority: what a job title *is*, read from the data file roles.toml.

``read_title("Sr. Mgr, Eng")`` -> Reading(family="engineering_leadership", families=..., level="manager").
A goal's target roles resolve the same way (``goal_families``), so fit can compare families and
levels first and fall back to text similarity only where a title names no known family.

The taxonomy is loaded once per process (``taxonomy()`` is cached); ``Taxonomy.load(path)``
reads another file (a user's own, or a test's).
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache, partial
from operator import is_not
from pathlib import Path
from typing import NamedTuple

from .titles import (
    LEVEL_WORDS,
    SENIORITY_LEVELS,
    _is_missing,
    _plain_title,
    first_part_words,
    seniority_of_normalized,
    title_forms,
)

ROLES_FILE = Path(__file__).with_name("roles.toml")
# Little words left out when matching, so "Head of HR" and "Head, HR" read alike.
_FILLER = frozenset("of the and for at in a an to".split())
_NOT_NONE = partial(is_not, None)
_NONE: frozenset[str] = frozenset()


class _MatchingWords(dict):
    """Word of a plain title -> the word matched (its word form folded), None for filler; filled as
    words are met."""

    def __init__(self, forms: dict[str, str]):
        super().__init__()
        self.forms = forms

    def __missing__(self, word: str) -> str | None:
        if len(self) > 1 << 18:  # bounded, whatever a process reads
            self.clear()
        folded = None if word in _FILLER else self.forms.get(word, word)
        self[word] = folded
        return folded


class Reading(NamedTuple):
    """What a title says: the family shown, every family it names, and the level."""

    family: str | None
    families: frozenset[str]
    level: str | None


@dataclass
class Family:
    name: str
    label: str
    phrases: list[tuple[str, ...]]
    priority: float = 0.0
    related: set[str] = field(default_factory=set)
    leads: str | None = None
    from_level: str | None = None
    at_industry: str | None = None
    industry_titles: set[tuple[str, ...]] = field(default_factory=set)
    industry_words: frozenset[str] = frozenset()
    industry_words_not: frozenset[str] = frozenset()


def _drop_nested(best: dict, spans: dict, found: list) -> None:
    """Forget a family whose phrase is only a part of a longer phrase of another family (any phrase
    found, ``found``: (family, start, end)): "Site Engineer" is a civil engineer, and its "engineer"
    does not also make it a software one; the "design" of "ASIC Design (Layout)Engineer" is inside
    "asic design" though its best phrase is "layout engineer"; "Co-founder & CTO" names two families
    in two places and keeps both."""
    for fam, (start, end) in list(spans.items()):
        if any(other != fam and s <= start and end <= e and e - s > end - start for other, s, e in found):
            del best[fam]


# Families a title's first part names by a level or a general word alone ("VP, Investment
# Strategy", "Consultant (Data Scientist | ...)", "Supervisor, Business Development", "Admin / HR
# Manager"): the part after it says the field.
GENERAL_FAMILIES = frozenset({"executives", "consulting", "operations"})


# A goal's misspelt role word ("sofware", "enginer") is put right to a taxonomy word this close
# (difflib's ratio), when it is at least this long (short words are abbreviations: "qa", "sre").
SPELLING_CUTOFF = 0.8
SPELLING_MIN_LENGTH = 5
# Trades a goal may name that are spelled like a family's word ("baker" like "banker")
NOT_MISSPELT = frozenset({"baker", "bakers", "trainees", "caterer", "tailor", "painter", "plumber", "farmer",
                          "driver", "writer", "dancer", "singer", "rider", "miner", "barber", "welder"})


class Taxonomy:
    """Families with their phrases, relations and the seniority ladder, ready for matching."""

    def __init__(self, data: dict):
        self.forms: dict[str, str] = {k.lower(): v.lower() for k, v in data.get("word_forms", {}).items()}
        self._word_of = _MatchingWords(self.forms)
        seniority = data.get("seniority", {})
        self.ladder: tuple[str, ...] = tuple(seniority.get("ladder", SENIORITY_LEVELS))
        unknown = [lvl for lvl in self.ladder if lvl not in SENIORITY_LEVELS]
        if unknown:
            raise ValueError(f"roles file: unknown seniority level(s) {unknown}; levels are {SENIORITY_LEVELS}")
        self.level_aliases: dict[str, str] = {k.strip().lower(): v for k, v in seniority.get("aliases", {}).items()}
        unknown = sorted({v for v in self.level_aliases.values() if v not in SENIORITY_LEVELS})
        if unknown:
            raise ValueError(f"roles file: seniority alias(es) to unknown level(s) {unknown}; levels are "
                             f"{SENIORITY_LEVELS}")
        self.families: dict[str, Family] = {}
        for name, spec in data.get("families", {}).items():
            self.families[name] = Family(
                name=name, label=str(spec.get("label", name)),
                phrases=[p for p in (self.words(t) for t in spec.get("titles", [])) if p],
                priority=float(spec.get("priority", 0)), related=set(spec.get("related", [])),
                leads=spec.get("leads"), from_level=spec.get("from_level"), at_industry=spec.get("at_industry"),
                industry_titles={p for p in (self.words(t) for t in spec.get("industry_titles", [])) if p},
                industry_words=frozenset(w for t in spec.get("industry_words", []) for w in self.words(t)),
                industry_words_not=frozenset(w for t in spec.get("industry_words_not", []) for w in self.words(t)),
            )
        for fam in list(self.families.values()):  # relations are read both ways
            for other in fam.related:
                if other not in self.families:
                    raise ValueError(f"roles file: family {fam.name!r} is related to unknown family {other!r}")
                self.families[other].related.add(fam.name)
            for ref in (fam.leads,):
                if ref is not None and ref not in self.families:
                    raise ValueError(f"roles file: family {fam.name!r} leads unknown family {ref!r}")
        for name, spec in data.get("families", {}).items():  # ... but for these, one way only
            for other in spec.get("related_one_way", []):
                if other not in self.families:
                    raise ValueError(f"roles file: family {name!r} is related to unknown family {other!r}")
                self.families[name].related.add(other)
        # first word -> (hits of the one-word phrase or None, [(length, {phrase: hits})] for longer ones),
        # hits [(order, family, length + the family's priority, length)]: at each word of a title, one
        # look-up per length of the phrases that start with it. ``order``
        # is the phrase's place in the file, the order in which matches at one word are taken.
        grouped: dict[str, dict[int, dict[tuple[str, ...], list]]] = {}
        order = 0
        for fam in self.families.values():
            for phrase in fam.phrases:
                by_length = grouped.setdefault(phrase[0], {}).setdefault(len(phrase), {})
                by_length.setdefault(phrase, []).append((order, fam.name, len(phrase) + fam.priority, len(phrase)))
                order += 1
        # The one-word phrase's hits apart (a word is its own phrase: no look-up), then the longer ones.
        self._index = {word: (by_length.get(1, {}).get((word,)), sorted(i for i in by_length.items() if i[0] > 1))
                       for word, by_length in grouped.items()}
        self._masks: dict[frozenset[str], int] = {}
        self._coded: dict[tuple[str, str | None], tuple[int, int, str | None]] = {}
        self._rungs = {level: i for i, level in enumerate(self.ladder)}
        # (family, the family it leads, the ladder rung it leads from, its priority)
        self._leading = [(f.name, f.leads, self._rungs[f.from_level], f.priority) for f in self.families.values()
                         if f.leads is not None and f.from_level in self._rungs]
        self.names: list[str] = list(self.families)
        self.index: dict[str, int] = {f: i for i, f in enumerate(self.names)}
        if len(self.names) > 62:
            raise ValueError("roles file: at most 62 families")
        self._industries: dict[str, frozenset[str]] = {}  # industry -> families it qualifies titles for
        for fam in self.families.values():
            if fam.at_industry:
                self._industries[fam.at_industry] = self._industries.get(fam.at_industry, frozenset()) | {fam.name}
        self._read = lru_cache(maxsize=1 << 17)(self._read_uncached)
        self._first_part = lru_cache(maxsize=1 << 16)(self._first_part_uncached)

    @property
    def deciding_industries(self):
        """Industries at whose companies some ambiguous titles belong to a family (at_industry)."""
        return self._industries.keys()

    def coded(self, reading: Reading) -> tuple[int, int, str | None]:
        """(index of the family shown or -1, bit mask of its families, level) of a reading."""
        mask = self._masks.get(reading.families)
        if mask is None:
            mask = self._masks[reading.families] = self.mask_of(reading.families)
        return self.index.get(reading.family, -1), mask, reading.level

    def mask_of(self, families) -> int:
        """Bit mask of families (by their order in the file)."""
        return sum(1 << self.index[f] for f in families if f in self.index)

    @classmethod
    def load(cls, path: Path | str = ROLES_FILE) -> Taxonomy:
        with open(path, "rb") as fh:
            return cls(tomllib.load(fh))

    def words(self, text) -> tuple[str, ...]:
        """A title or phrase as matching words: normalized, word forms folded, filler left out."""
        if _is_missing(text):
            return ()
        return self._words(_plain_title(str(text)))

    def _words(self, plain: str) -> tuple[str, ...]:
        return tuple(filter(_NOT_NONE, map(self._word_of.__getitem__, plain.split())))

    def read_title(self, title, industry: str | None = None) -> Reading:
        """Family and level of a title; ``industry`` (the company's) decides ambiguous titles
        such as "Partner", never the company's name."""
        if _is_missing(title):
            return Reading(None, frozenset(), None)
        _, plain, level, first = title_forms(str(title))
        return self.read_plain(plain, industry, level, first)

    def read_plain(self, plain: str, industry: str | None, level: str | None, first: str | None = None) -> Reading:
        """``read_title`` of a title already normalized (titles.title_forms' plain form, level and
        first part)."""
        reading = self._read(plain, level, first)
        if industry is not None and industry in self._industries and not reading.families & self._industries[industry]:
            return self._read_at_industry(plain, level, industry, reading)
        return reading

    def coded_plain(self, plain: str, level: str | None, first: str | None = None) -> tuple[int, int, str | None]:
        """``coded(read_plain(plain, None, level, first))``, kept per title: what fitting needs of
        each distinct title, without a Reading in between."""
        key = (plain, level, first)
        coded = self._coded.get(key)
        if coded is None:
            if len(self._coded) > 1 << 17:  # bounded, whatever a process reads
                self._coded.clear()
            best, starts, before = self._matches(plain, level, first)
            if not best:
                coded = (-1, 0, level)
            else:
                index = self.index
                family = next(iter(best)) if len(best) == 1 else self._shown(best, starts, before)
                coded = (index[family], sum(1 << index[f] for f in best), level)
            self._coded[key] = coded
        return coded

    def _read_uncached(self, plain: str, level: str | None, first: str | None = None) -> Reading:
        best, starts, before = self._matches(plain, level, first)
        if not best:
            return Reading(None, _NONE, level)
        return Reading(self._shown(best, starts, before), frozenset(best), level)

    def _before(self, plain: str, first: str) -> int | None:
        """How many matching words a title's first part has (None: the part is the whole title)."""
        words, matching = self._first_part(first)
        return matching if 0 < words < plain.count(" ") + 1 else None

    def _first_part_uncached(self, first: str) -> tuple[int, int]:
        """(plain words, matching words) of a title's first part: many titles share one."""
        words = first_part_words(first)
        return (words.count(" ") + 1 if words else 0), len(self._words(words))

    @staticmethod
    def _shown(best: dict, starts: dict, before: int | None) -> str:
        """The family a title is shown as: its best phrase's, from the title's lead part when that
        part names one ("Recruitment Specialist - Cybersecurity" is a recruiter in cybersecurity,
        not an engineer; the later part's family still counts among its families); when the lead
        part names none ("Head" of "Head, Human Resources | AI"), the first family named."""
        if len(best) == 1:
            return next(iter(best))
        if before is not None:
            leading = [f for f in best if starts[f][0] < before and f not in GENERAL_FAMILIES]
            named = [f for f in best if f not in GENERAL_FAMILIES]
            if leading or (named and min(starts[f][0] for f in best) >= before):
                return max(leading, key=best.__getitem__) if leading else min(named, key=lambda f: starts[f][0])
        return max(best, key=best.__getitem__)

    def _matches(self, plain: str, level: str | None,
                 first: str | None = None) -> tuple[dict[str, tuple[float, int]], dict, int | None]:
        """(family -> (phrase length + priority, end position) of its best phrase in a title,
        family -> (start, end) of its first phrase (of its best, in a title of one part), how many
        matching words the title's first part has: None when it is one part or names one family);
        ``first`` as in titles.title_forms."""
        words = self._words(plain)
        best: dict[str, tuple[float, int]] = {}  # family -> (phrase length + priority, end position)
        spans: dict[str, tuple[int, int]] = {}  # family -> (start, end) of that phrase
        firsts: dict[str, tuple[int, int]] = {}  # family -> (start, end) of its first phrase (a title in parts)
        parted = first is not None
        every: list[tuple[str, int, int]] = []  # every phrase found: (family, start, end)
        index = self._index
        for start, word in enumerate(words):
            entry = index.get(word)
            if entry is None:
                continue
            found, longer = entry  # the one-word phrases' hits, and the longer phrases by length
            for length, phrases in longer:
                hits = phrases.get(words[start:start + length])
                if hits is not None:
                    found = hits if found is None else sorted(found + hits)
            for _, fam, weight, length in found or ():
                rank = (weight, start + length)
                every.append((fam, start, start + length))
                held = best.get(fam)
                if held is None and parted:
                    firsts[fam] = (start, start + length)
                if held is None or rank > held:
                    best[fam] = rank
                    spans[fam] = (start, start + length)
        if len(best) > 1:
            _drop_nested(best, spans, every)
        rung = self._rungs.get(level)
        # A level leads a family its own part names: "VP HR - Cybersecurity" leads HR, not the
        # engineering its last part names ("cybersecurity"); a first part naming none ("Director,
        # Software Engineering") leads the next part's.
        if not parted:  # one part: where phrases start does not matter
            firsts = spans
        before = self._before(plain, first) if parted and len(best) > 1 else None
        leads_any = before is None or not any(firsts[f][0] < before for f in best)
        for name, leads, from_rung, priority in self._leading if best and rung is not None else ():
            if leads in best and rung >= from_rung and (leads_any or firsts[leads][0] < before):
                length, end = best[leads]
                best[name] = max(best.get(name, (0, 0)), (length + 0.5 + priority, end))
                firsts.setdefault(name, firsts[leads])
        return best, firsts, before

    def _read_at_industry(self, plain: str, level: str | None, industry: str, reading: Reading) -> Reading:
        """An ambiguous title ("Partner") at a company of the industry that makes it a role."""
        words = self._words(plain)
        for name in self._industries[industry]:
            family = self.families[name]
            if words in family.industry_titles or (not family.industry_words.isdisjoint(words)
                                                   and family.industry_words_not.isdisjoint(words)):
                return Reading(name, reading.families | {name}, level)
        return reading

    def level_of(self, value) -> str | None:
        """A goal's seniority word as a level: a level itself, an alias of one (the file's
        [seniority.aliases]), else the word read as a title is; None when blank."""
        if _is_missing(value):
            return None
        word = str(value).strip().lower()
        if word in SENIORITY_LEVELS:
            return word
        if word in self.level_aliases:
            return self.level_aliases[word]
        return seniority_of_normalized(_plain_title(word)) if word else None

    def spelled(self, role: str) -> str:
        """A goal's role with its misspelt words put right ("sofware enginer" -> "software
        engineer"), only where the role as typed names no family and the corrected one does: a
        word the taxonomy does not know is otherwise left as typed (it may be the user's field)."""
        if not isinstance(role, str) or self.read_title(role).family is not None:
            return role
        vocabulary, known = self._vocabulary(), self._known()
        fixed = []
        for word in role.split():
            low = word.lower()
            close = difflib.get_close_matches(low, vocabulary, n=1, cutoff=SPELLING_CUTOFF) \
                if len(low) >= SPELLING_MIN_LENGTH and low.isalpha() and low not in known else []
            fixed.append(close[0] if close else word)
        corrected = " ".join(fixed)
        return corrected if corrected != role and self.read_title(corrected).family is not None else role

    def _vocabulary(self) -> list[str]:
        if not hasattr(self, "_known_words"):
            self._known_words = sorted({w for f in self.families.values() for p in f.phrases for w in p
                                        if len(w) >= SPELLING_MIN_LENGTH})
        return self._known_words

    def _known(self) -> frozenset[str]:
        """Words that are no misspelling, though no family's phrase holds them: the families' words, the
        levels' ("trainee" was put right as "trainer", and a graduate trainee goal ranked fitness trainers
        first), the word forms, the titles a firm's industry decides and a few trades no family lists."""
        if not hasattr(self, "_known_set"):
            words = set(self._vocabulary()) | set(LEVEL_WORDS) | set(self.forms) | set(self.forms.values())
            words |= {w for f in self.families.values() for p in f.industry_titles for w in p}
            words |= {w for f in self.families.values() for w in f.industry_words}
            words |= {w for alias in self.level_aliases for w in alias.split()}
            self._known_set = frozenset(words | NOT_MISSPELT)
        return self._known_set

    def role_families(self, roles, industries=()) -> frozenset[str]:
        """Families a goal's target roles ask for ("Investor", "engineering leadership", "CTO"); a
        role that names none is read at the goal's ``industries`` (canonical names) as a title is at
        its company's: "partner" for a goal in the legal industry asks for lawyers. Roles typed together
        describe one kind of person: a role another role's industry makes one of theirs takes that
        family instead of its own (``_beside``: "Investment Analyst" beside a VC associate)."""
        readings = []
        for role in roles or ():
            reading = self.read_title(role)
            if not reading.family:
                reading = next((r for r in (self.read_title(role, i) for i in sorted(industries)) if r.family),
                               reading)
            readings.append((role, reading))
        return frozenset(self._beside(role, reading, readings) for role, reading in readings if reading.family)

    def _beside(self, role, reading: Reading, readings: list) -> str:
        """A role's family, read at the industry of the goal's other roles where that makes it one
        of theirs: "Investment Analyst" beside "Venture Capital Associate" is an analyst at a VC firm,
        as a contact's title is at its company (read as finance, a meet-VC-associates goal ranked
        investment analysts at a software firm and a power company above a VC firm's associates)."""
        others = {r.family for _, r in readings if r.family} - {reading.family}
        for industry, families in self._industries.items():
            if families & others and reading.family not in families:
                at = self._read_at_industry(title_forms(str(role))[1], reading.level, industry, reading)
                if at.family in families & others:
                    return at.family
        return reading.family

    def related(self, families) -> frozenset[str]:
        return frozenset(r for f in families for r in self.families[f].related) - frozenset(families)

    def leaders(self, families) -> frozenset[str]:
        """Families that lead one of ``families`` (engineering leadership for engineering)."""
        return frozenset(f.name for f in self.families.values() if f.leads in families) - frozenset(families)

    def label(self, family: str | None) -> str:
        return self.families[family].label if family in self.families else ""


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """The taxonomy of roles.toml, loaded once per process."""
    return Taxonomy.load(ROLES_FILE)


def read_title(title, industry: str | None = None) -> Reading:
    return taxonomy().read_title(title, industry)
