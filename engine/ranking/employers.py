"""A contact's employer as the ranking matches it: company keys, their offices and units, and the
other names a company goes by, fitted once per network (``fit_employers``) and looked up for a
goal's target companies (``target_company_codes``). Companies' gaps read the same rules
(company_names.units_prefix, company_names.company_aliases)."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
import pandas as pd

from .company_names import company_aliases, company_keys_of, normalize_company, run_together, units_prefix


def fit_employers(raw_companies: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict]:
    """(per contact the code of its distinct raw company, each distinct raw company's key, the
    ranker's fitted employer state: company_codes_ (per contact, -1 for none), company_keys_,
    company_index_, company_order_, company_aliases_, company_names_)."""
    n = len(raw_companies)
    codes, uniques = pd.factorize(raw_companies)
    company_keys = np.array([normalize_company(u) for u in uniques], dtype=object)
    # the other names of each distinct raw name: an aside's (few names have one), else only its key
    # run together (company_names.company_aliases gives the same, at a call per name)
    aliases = [company_aliases(u) if "(" in u else run_together(k) for u, k in zip(uniques, company_keys)]
    # Distinct raw company -> distinct key; a blank key is no company (code -1) and gets no
    # number, so the keys are numbered 0..k-1 and arrays sized by them hold every code.
    key_codes, keys = pd.factorize(np.where(company_keys == "", None, company_keys))
    company_codes = key_codes[codes] if len(key_codes) else np.full(n, -1, dtype=np.int64)
    company_keys_ = np.asarray(keys, dtype=object)
    first_raw = pd.Series(raw_companies).groupby(company_codes).first()
    first_raw = first_raw[first_raw.index >= 0]  # code -1: no company
    names = np.array(keys, dtype=object)
    names[first_raw.index.to_numpy(dtype=np.int64)] = first_raw.to_numpy(dtype=object)
    return codes, company_keys, {
        "company_codes_": np.asarray(company_codes, dtype=np.int32),  # (see text.ContactText's codes)
        "company_keys_": company_keys_,
        "company_index_": {k: i for i, k in enumerate(company_keys_)},
        # the keys in sorted order, where a target company's offices and units ("KPMG Nigeria") are
        # found by bisection (target_company_codes)
        "company_order_": np.argsort(company_keys_, kind="stable").astype(np.int32),
        "company_aliases_": alias_index(aliases, key_codes),  # "bcg" -> Boston Consulting Group (BCG)
        "company_names_": names,
    }


def alias_index(aliases: list[tuple[str, ...]], key_codes: np.ndarray) -> dict[str, list[int]]:
    """alias key -> the codes of the companies going by it (``company_names.company_aliases`` of each
    distinct raw name, ``key_codes`` its company code)."""
    out: dict[str, list[int]] = {}
    for found, code in zip(aliases, key_codes):
        for alias in found if code >= 0 else ():
            codes = out.setdefault(alias, [])
            if int(code) not in codes:
                codes.append(int(code))
    return out


def target_company_codes(target_keys, model) -> list[int]:
    """Codes of the network's companies that are one of ``target_keys``: the same key, a key
    whose first words are a target's, an office or unit of it ("Interswitch Group", "KPMG
    Nigeria" for Interswitch, KPMG), as real exports write one employer many ways, or a company
    whose name gives the key in parentheses ("Boston Consulting Group (BCG)" for BCG)."""
    index, keys, order = model.company_index_, model.company_keys_, model.company_order_
    out = []
    for key in target_keys:
        if key in index:
            out.append(index[key])
        out += model.company_aliases_.get(key, ())
        prefix = units_prefix(key)
        if prefix:  # the keys that begin with it sort together
            lo = bisect_left(order, prefix, key=keys.__getitem__)
            hi = bisect_left(order, prefix + "\U0010ffff", lo=lo, key=keys.__getitem__)
            out += order[lo:hi].tolist()
    return out


def works_at(model, companies) -> np.ndarray:
    """Per fitted contact: whether they work at one of ``companies`` (names as typed), by the rules
    the ranking's target companies follow."""
    keys = {k for name in companies or () for k in company_keys_of(name)}
    codes = target_company_codes(keys, model)
    return np.isin(model.company_codes_, np.asarray(codes, dtype=np.int64)) if codes else \
        np.zeros(len(model.company_codes_), dtype=bool)
