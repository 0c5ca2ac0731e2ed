"""Every contact of a network read at once: the family and level of each title and the industry
of each company, each distinct value read once (the taxonomy reads one title, taxonomy.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .industries import canonical, infer_industry
from .taxonomy import taxonomy
from .titles import title_forms


@dataclass
class ContactReadings:
    """Per contact: the family index shown (-1 none), a bit mask of every family its title names,
    the effective industry and whether it was inferred (see industries.py)."""

    family: np.ndarray  # int64, index into taxonomy().names, -1 when unknown
    mask: np.ndarray  # int64 bit mask over taxonomy().names
    industry: np.ndarray  # object: str or None
    inferred: np.ndarray  # bool
    level: np.ndarray  # object: seniority level or None


def read_contacts(positions, companies, user_industries=None, forms=None, coded=None) -> ContactReadings:
    """Read every contact's title and company. ``forms`` may give (codes per contact, the (plain
    title, level, first part) of each distinct title) that titles.title_forms already computed, and
    ``coded`` the taxonomy's coded reading of each (title_reading.read_titles); each distinct value
    is read once."""
    t = taxonomy()
    positions = np.asarray(positions, dtype=object)
    n = len(positions)
    if not n:
        empty = np.zeros(0, np.int64)
        return ContactReadings(empty, empty, np.array([], object), np.array([], bool), np.array([], object))
    companies = np.asarray(companies, dtype=object)
    users = np.full(n, None, dtype=object) if user_industries is None else np.asarray(user_industries, dtype=object)
    user_codes, user_values = pd.factorize(users)  # a missing value is coded -1
    user_set = np.array([str(u).strip() != "" for u in user_values] + [False], dtype=bool)[user_codes]
    company_codes, distinct_companies = pd.factorize(pd.Series(companies, dtype=object))
    inferred_of = np.array([infer_industry(c) for c in distinct_companies] + [None], dtype=object)
    industry = inferred_of[company_codes]
    inferred = industry != None  # noqa: E711 (element-wise)
    if user_set.any():
        industry = industry.copy()
        industry[user_set] = [canonical(u) for u in users[user_set]]
        inferred = inferred & ~user_set
    if forms is None:
        pos_codes, distinct = pd.factorize(pd.Series(positions, dtype=object))
        forms_of = [title_forms(p)[1:] if isinstance(p, str) else ("", None, None) for p in distinct]
    else:
        pos_codes, forms_of = forms
    # Each distinct title is read once, without its company's industry; index 0 is "no title".
    pos_codes = np.asarray(pos_codes, dtype=np.int64)
    nothing = (-1, 0, None)
    if coded is None:
        coded = [t.coded_plain(plain_title, lvl, first) if plain_title else nothing
                 for plain_title, lvl, first in forms_of]
    fams, masks, levels = zip(nothing, *coded)
    fam = np.array(fams, dtype=np.int64)[pos_codes + 1]
    mask = np.array(masks, dtype=np.int64)[pos_codes + 1]
    level = np.array(levels, dtype=object)[pos_codes + 1]
    # A title at a company of an industry that decides ambiguous titles ("Partner" at a VC firm) is
    # read again with it, once per distinct title and industry.
    ind_codes, industries = pd.factorize(pd.Series(industry, dtype=object))
    deciding = np.array([i in t.deciding_industries for i in industries] + [False], dtype=bool)
    again = np.flatnonzero(deciding[ind_codes] & (pos_codes >= 0))
    if len(again):
        key_codes, keys = pd.factorize(pos_codes[again] * len(industries) + ind_codes[again])
        coded = [(-1, 0, None)] * len(keys)
        for k, code in enumerate(keys.tolist()):
            p, i = divmod(code, len(industries))
            plain_title, lvl, first = forms_of[p]
            if plain_title:
                coded[k] = t.coded(t.read_plain(plain_title, industries[i], lvl, first))
        fam[again] = np.array([c[0] for c in coded], dtype=np.int64)[key_codes]
        mask[again] = np.array([c[1] for c in coded], dtype=np.int64)[key_codes]
        level[again] = np.array([c[2] for c in coded] + [None], dtype=object)[:-1][key_codes]
    return ContactReadings(fam, mask, industry, inferred, level)


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
