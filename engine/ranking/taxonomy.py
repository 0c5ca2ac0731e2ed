"""Role families and seniority: what a job title *is*, read from the data file roles.toml.

``read_title("Sr. Mgr, Eng")`` -> Reading(family="engineering_leadership", families=..., level="manager").
A goal's target roles resolve the same way (``goal_families``), so fit can compare families and
levels first and fall back to text similarity only where a title names no known family.

The taxonomy is loaded once per process (``taxonomy()`` is cached); ``Taxonomy.load(path)``
reads another file (a user's own, or a test's).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .industries import industry_of
from .titles import SENIORITY_LEVELS, _is_missing, _plain_title, seniority_of_normalized

ROLES_FILE = Path(__file__).with_name("roles.toml")
# Little words left out when matching, so "Head of HR" and "Head, HR" read alike.
_FILLER = frozenset("of the and for at in a an to".split())


@dataclass(frozen=True)
class Reading:
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


class Taxonomy:
    """Families with their phrases, relations and the seniority ladder, ready for matching."""

    def __init__(self, data: dict):
        self.forms: dict[str, str] = {k.lower(): v.lower() for k, v in data.get("word_forms", {}).items()}
        seniority = data.get("seniority", {})
        self.ladder: tuple[str, ...] = tuple(seniority.get("ladder", SENIORITY_LEVELS))
        unknown = [lvl for lvl in self.ladder if lvl not in SENIORITY_LEVELS]
        if unknown:
            raise ValueError(f"roles file: unknown seniority level(s) {unknown}; levels are {SENIORITY_LEVELS}")
        self.level_aliases: dict[str, str] = {k.lower(): v for k, v in seniority.get("aliases", {}).items()}
        self.families: dict[str, Family] = {}
        for name, spec in data.get("families", {}).items():
            self.families[name] = Family(
                name=name, label=str(spec.get("label", name)),
                phrases=[p for p in (self.words(t) for t in spec.get("titles", [])) if p],
                priority=float(spec.get("priority", 0)), related=set(spec.get("related", [])),
                leads=spec.get("leads"), from_level=spec.get("from_level"), at_industry=spec.get("at_industry"),
                industry_titles={p for p in (self.words(t) for t in spec.get("industry_titles", [])) if p},
            )
        for fam in list(self.families.values()):  # relations are read both ways
            for other in fam.related:
                if other not in self.families:
                    raise ValueError(f"roles file: family {fam.name!r} is related to unknown family {other!r}")
                self.families[other].related.add(fam.name)
            for ref in (fam.leads,):
                if ref is not None and ref not in self.families:
                    raise ValueError(f"roles file: family {fam.name!r} leads unknown family {ref!r}")
        self._index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for fam in self.families.values():
            for phrase in fam.phrases:
                self._index.setdefault(phrase[0], []).append((phrase, fam.name))
        self.names: list[str] = list(self.families)
        self.index: dict[str, int] = {f: i for i, f in enumerate(self.names)}
        if len(self.names) > 62:
            raise ValueError("roles file: at most 62 families")
        self._read = lru_cache(maxsize=1 << 17)(self._read_uncached)

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
        return tuple(self.forms.get(w, w) for w in _plain_title(str(text)).split() if w not in _FILLER)

    def read_title(self, title, industry: str | None = None) -> Reading:
        """Family and level of a title; ``industry`` (the company's) decides ambiguous titles
        such as "Partner", never the company's name."""
        if _is_missing(title):
            return Reading(None, frozenset(), None)
        return self._read(str(title), industry)

    def _read_uncached(self, title: str, industry: str | None) -> Reading:
        level = seniority_of_normalized(_plain_title(title))
        words = self.words(title)
        best: dict[str, tuple[float, int]] = {}  # family -> (phrase length + priority, end position)
        for start, word in enumerate(words):
            for phrase, fam in self._index.get(word, ()):
                end = start + len(phrase)
                if words[start:end] == phrase:
                    rank = (len(phrase) + self.families[fam].priority, end)
                    best[fam] = max(best.get(fam, rank), rank)
        for fam in self.families.values():
            if fam.leads in best and level in self.ladder and fam.from_level in self.ladder \
                    and self.ladder.index(level) >= self.ladder.index(fam.from_level):
                length, end = best[fam.leads]
                best[fam.name] = max(best.get(fam.name, (0, 0)), (length + 0.5 + fam.priority, end))
            if fam.at_industry and industry == fam.at_industry and words in fam.industry_titles:
                best[fam.name] = (len(words) + 10.0, len(words))
        if not best:
            return Reading(None, frozenset(), level)
        family = max(best, key=lambda f: best[f])
        return Reading(family, frozenset(best), level)

    def role_families(self, roles) -> frozenset[str]:
        """Families a goal's target roles ask for ("Investor", "engineering leadership", "CTO")."""
        out: set[str] = set()
        for role in roles or ():
            reading = self.read_title(role)
            if reading.family:
                out.add(reading.family)
        return frozenset(out)

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


@dataclass
class ContactReadings:
    """Per contact: the family index shown (-1 none), a bit mask of every family its title names,
    the effective industry and whether it was inferred (see industries.py)."""

    family: np.ndarray  # int64, index into taxonomy().names, -1 when unknown
    mask: np.ndarray  # int64 bit mask over taxonomy().names
    industry: np.ndarray  # object: str or None
    inferred: np.ndarray  # bool
    level: np.ndarray  # object: seniority level or None


def read_contacts(positions, companies, user_industries=None) -> ContactReadings:
    """Read every contact's title and company, each distinct (title, industry) once."""
    t = taxonomy()
    positions = np.asarray(positions, dtype=object)
    n = len(positions)
    companies = np.asarray(companies, dtype=object)
    users = np.full(n, None, dtype=object) if user_industries is None else np.asarray(user_industries, dtype=object)
    pair_codes, pairs = pd.factorize(pd.Series(list(zip(companies, users)), dtype=object)) if n else ([], [])
    per_pair = [industry_of(c, u) for c, u in pairs]
    industry = np.array([p[0] for p in per_pair] + [None], dtype=object)[pair_codes] if n else np.array([], object)
    inferred = np.array([p[1] for p in per_pair] + [False], dtype=bool)[pair_codes] if n else np.array([], bool)
    title_codes, titles = pd.factorize(pd.Series(list(zip(positions, industry)), dtype=object)) if n else ([], [])
    fam = np.full(len(titles), -1, dtype=np.int64)
    mask = np.zeros(len(titles), dtype=np.int64)
    level = np.full(len(titles), None, dtype=object)
    for k, (title, ind) in enumerate(titles):
        reading = t.read_title(title if isinstance(title, str) and title.strip() else None, ind)
        fam[k] = t.index.get(reading.family, -1)
        mask[k] = t.mask_of(reading.families)
        level[k] = reading.level
    if not n:
        return ContactReadings(np.zeros(0, np.int64), np.zeros(0, np.int64), industry, inferred,
                               np.array([], dtype=object))
    return ContactReadings(fam[title_codes], mask[title_codes], industry, inferred, level[title_codes])


def describe_contacts(frame: pd.DataFrame) -> pd.DataFrame:
    """What the engine reads of each contact, for front ends: role_family (key), role_family_label,
    seniority, industry and industry_inferred, in the rows' order (index kept)."""
    def col(name):
        return frame[name].to_numpy(dtype=object) if name in frame else np.full(len(frame), None, dtype=object)

    r = read_contacts(col("position"), col("company"), col("industry"))
    t = taxonomy()
    names = np.array(t.names + [None], dtype=object)
    family = names[r.family]
    return pd.DataFrame({
        "role_family": family,
        "role_family_label": [t.label(f) or None for f in family],
        "seniority": r.level,
        "industry": r.industry,
        "industry_inferred": r.inferred,
    }, index=frame.index)
