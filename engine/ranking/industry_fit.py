"""Role fit for a goal about an industry alone ("Learn the cybersecurity industry", "Find clients
in hospitals"): naming no role, working in the industry is the fit itself.

Who works there: people at a target company or at a company of the industry (scoring's company
values), and people whose title names the industry (``titles_naming``), unless it names it only
as a team tag ("Head, HR - Healthcare" at a bus company: ``team_tags``). Among them, those whose
title names it and the experienced come first.
"""

from __future__ import annotations

import numpy as np

from .goals import GoalOption, industry_words
from .industries import NOT_IN_TITLES, title_words
from .taxonomy import taxonomy
from .text import phrase_columns
from .title_parts import last_part
from .titles import normalize_title

# A goal about an industry alone ("Learn the real estate industry"): working there is most of the
# fit, and within it the people who know it best come first: those whose title names it ("Real
# Estate Consultant", "Property Manager") and the experienced (a founder or a director before a
# trainee). Someone whose title names it elsewhere ("Real Estate Officer" at a hotel) counts too.
IN_INDUSTRY_FLOOR = 0.55
IN_INDUSTRY_WORDS = 0.3
IN_INDUSTRY_EXPERIENCE = 0.15
OUTSIDE_WORDS = 0.5
TAGGED = 0.5  # a team tag naming the industry ("Finance Manager - Cybersecurity"): half of working in it
# Experience by seniority code + 1 (no title: as a junior): SENIORITY_LEVELS, intern ... founder.
EXPERIENCE = np.array([0.2, 0.0, 0.2, 0.4, 0.6, 0.65, 0.7, 0.85, 0.9, 1.0, 1.0])


def industry_only(option: GoalOption) -> bool:
    """A goal about where people work, naming no role: working there is the fit itself."""
    return not option.families and not any(text for text, _ in option.role_fields)


def titles_naming(option: GoalOption, model) -> tuple[np.ndarray, np.ndarray] | None:
    """(named, tagged): where a contact's title names one of the option's industries, as named
    ("Real Estate Consultant") or in its own words (industries.TITLE_WORDS: "Property Manager",
    "Realtor"), not as the name of the contact's own company ("HR Partner at Landmark Realty");
    ``tagged`` where it does so only as a team tag (``team_tags``), ``named`` elsewhere. None when
    none of those words is in the network's vocabulary."""
    phrases = [normalize_title(w, hints=False) for w in
               [*filter(None, (industry_words(i) for i in option.industries if i not in NOT_IN_TITLES)),
                *title_words(option.industries)]]
    columns = phrase_columns(model.vectorizer_, phrases)
    if not columns:
        return None
    in_title = (model.field_terms_["position"][:, columns] > 0).toarray()[model.field_codes_["position"]]
    in_company = (model.field_terms_["company"][:, columns] > 0).toarray()[model.field_codes_["company"]]
    named = (in_title & ~in_company).any(axis=1)
    tagged = team_tags(model, phrases, named, elsewhere=option.outcome == "clients")
    return named & ~tagged, tagged


# Functions every industry has: "Finance Manager - Cybersecurity", "Head, HR - Healthcare", "Sr Talent
# Advisor | Cybersecurity" and "Facility Supervisor - Cybersecurity" serve a team or a sector, and the
# title's last part is not their field. "Consultant - Cybersecurity" or "Analyst - Healthcare" name no
# such function: the tag is their field.
TAG_FUNCTIONS = frozenset({"people", "recruiting", "finance", "legal", "operations", "supply_chain", "learning"})


def team_tags(model, phrases: list[str], named: np.ndarray, elsewhere: bool = False) -> np.ndarray:
    """Per contact, among ``named``: the title holds ``phrases`` only in its last part, and what
    comes before reads as one of TAG_FUNCTIONS or, ``elsewhere`` (whom to sell to: a buyer works
    in the industry), anything, at a company known to be in another industry: "Business Development
    Director, Oil & Gas Team" at a consumer-goods maker sells to oil and gas, and buys nothing for
    it (a probe's "Find clients in oil and gas" had such titles above the CEOs of energy firms)."""
    codes, titles = getattr(model, "position_codes_", None), getattr(model, "position_titles_", None)
    if codes is None or titles is None or not named.any():
        return np.zeros(len(named), dtype=bool)
    t = taxonomy()
    tags, later = [], []
    for code in np.unique(codes[named]).tolist():
        parts = last_part(titles[code])
        if parts is None:
            continue
        words = f" {normalize_title(parts[0], hints=False)} "
        if not any(f" {p} " in words for p in phrases):
            later.append(code)
            if t.read_title(parts[0]).family in TAG_FUNCTIONS:
                tags.append(code)
    tagged = np.isin(codes, tags)
    if elsewhere and later:  # (a company in a target industry counts as working there: in_industry_fit)
        tagged |= np.isin(codes, later) & (model.industry_codes_ >= 0)
    return named & tagged


def in_industry_fit(company: np.ndarray, words: np.ndarray, seniority_codes: np.ndarray,
                    named: np.ndarray | None = None, tagged: np.ndarray | None = None) -> np.ndarray:
    """Role fit for a goal naming no role. For the people who work in its industry, at a target
    company or in a target industry (``company`` > 0) or with a title that names the industry
    (``named``): IN_INDUSTRY_FLOOR, plus how far the title names the industry (``words``, the
    text fit; 1 where ``named``) and the person's experience (EXPERIENCE). For others, a title
    sharing a word of the industry as typed ("Energy Trader" for "renewable energy") counts
    OUTSIDE_WORDS of its text fit: after the people working in it. A title naming it only as a
    team tag (``tagged``: "Head, HR - Healthcare") counts TAGGED of working in it where nothing
    else says they do: after the people working there, before those who merely share a word."""
    inside = company > 0
    if named is not None:  # named where the title is not just its company's name ("... at Landmark Realty")
        inside |= named
        words_in = named
    else:
        words_in = words
    fit = IN_INDUSTRY_FLOOR + IN_INDUSTRY_WORDS * words_in + IN_INDUSTRY_EXPERIENCE * EXPERIENCE[seniority_codes + 1]
    if tagged is not None:
        fit = np.where(tagged & ~inside, TAGGED * fit, fit)
        inside = inside | tagged
    return np.where(inside, fit, OUTSIDE_WORDS * words)
