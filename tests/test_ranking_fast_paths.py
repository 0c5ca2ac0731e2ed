"""The cold fit's shortcuts give what the slow way gives: contact terms counted at once equal
CountVectorizer's, and every rule skipped for want of its words could not have matched."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from engine.ranking import company_names, industries, seniority, titles
from engine.ranking.text import _SEPARATOR, NGRAMS, STOP_WORDS, count_terms

SAMPLE = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "titles_sample.csv"
HOSTILE = [
    "", "   ", "the of and", "Ünïcödé Çafé — naïve résumé", "ΟΔΟΣ ΣΟΦΟΣ Σ", "数据科学家 产品经理",
    "🚀 Growth 🚀 hacker", "<b>Head</b> of <script>alert(1)</script> People", "a b c d", "C++ / C# dev_ops 42 x2",
    "Straße STRASSE İstanbul", "ﬁnance ﬂow", "product  manager\tproduct\nmanager", "don't won't it's",
    "Senior Software Engineer", "senior software engineer senior software engineer", "x" * 5_000,
]


def _sample_titles() -> list[str]:
    """The committed sample of real titles, also written the ways LinkedIn members vary them."""
    with open(SAMPLE, newline="", encoding="utf-8") as fh:
        base = [row["title"] for row in csv.DictReader(fh) if row["title"]]
    varied = [f"{b}{t}{a}" for t in base[:400] for b in ("Sr. ", "Head of ", "VP ") for a in (" & Co-Founder", " II")]
    return base + varied


def _count_vectorizer(docs):
    counter = CountVectorizer(ngram_range=NGRAMS, stop_words=STOP_WORDS, dtype=np.float64)
    return counter.fit_transform(docs).tocsr(), counter.get_feature_names_out()


@pytest.mark.parametrize("docs", [
    HOSTILE, _sample_titles(), [titles.normalize_title(t) for t in _sample_titles()],
    ["ΣΟΦΟΣ", "Σοφία data", f"notes {_SEPARATOR.upper()} here", "data science"],  # a document holds the separator
])
def test_terms_counted_at_once_equal_count_vectorizer(docs):
    expected, expected_terms = _count_vectorizer(docs)
    counts, terms = count_terms(np.array(docs, dtype=object))
    assert list(terms) == list(expected_terms)
    assert counts.shape == expected.shape
    assert (counts != expected).nnz == 0
    assert counts.dtype == np.float64


@pytest.mark.parametrize("docs", [
    HOSTILE, _sample_titles(), [titles.normalize_title(t) for t in _sample_titles()],
    ["Recruitment Consultant", "recruiter", "Data Science Manager", "data scientist", "Managing Director",
     "Product Management Lead", "investment banker", "RECRUITING recruit", "management management"],
])
def test_terms_counted_with_word_forms_folded_equal_the_vectorizers_preprocessor(docs):
    """The contacts' terms are counted with word forms folded, as the vectorizer that reads the
    goals' queries folds them (make_vectorizer's preprocessor): a title and a query meet either way."""
    from engine.ranking.text import make_vectorizer
    from engine.ranking.word_forms import fold_forms

    counter = CountVectorizer(ngram_range=NGRAMS, stop_words=STOP_WORDS, dtype=np.float64, preprocessor=fold_forms)
    expected = counter.fit_transform(docs).tocsr()
    counts, terms = count_terms(np.array(docs, dtype=object), fold=True)
    assert list(terms) == list(counter.get_feature_names_out())
    assert counts.shape == expected.shape and (counts != expected).nnz == 0
    assert make_vectorizer().preprocessor is fold_forms


def test_the_text_folds_the_taxonomys_recruiter_scientist_and_speaker_forms_only():
    from engine.ranking.word_forms import fold_forms

    assert fold_forms("Recruitment Consultant") == "recruiter consultant"
    assert fold_forms("Head of Data Science") == "head of data scientist"
    assert fold_forms("Speakers Night") == "speaker night"
    assert fold_forms("Product Management") == "product management"  # the taxonomy reads it; the text not
    assert fold_forms("Managing Director") == "managing director"


def test_no_terms_at_all_is_none_where_count_vectorizer_raises():
    docs = ["", "the of", "a", "   "]
    with pytest.raises(ValueError):
        _count_vectorizer(docs)
    assert count_terms(np.array(docs, dtype=object)) is None


@pytest.mark.parametrize("docs", [
    HOSTILE + ["a b c d", "x", "C# / F# and R", "Stripe A B Testing"], _sample_titles(),
    [titles.normalize_title(t) for t in _sample_titles()] + ["a", "ab c d"],
    ["ΣΟΦΟΣ", "Σοφία data", f"notes {_SEPARATOR.upper()} here", "a data science"],
])
def test_terms_with_words_of_one_character_and_no_stop_words_equal_count_vectorizer(docs):
    """The feedback features' configuration (engine.outreach.feedback.goal_features)."""
    counter = CountVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", dtype=np.float64)
    expected = counter.fit_transform(docs).tocsr()
    counts, terms = count_terms(np.array(docs, dtype=object), words_of_one=True, stop_words=frozenset())
    assert list(terms) == list(counter.get_feature_names_out())
    assert counts.shape == expected.shape and (counts != expected).nnz == 0
    assert any(len(t) == 1 for t in terms)  # words of one character are kept


def _plain_titles() -> list[str]:
    extra = ["Open to work", "Looking for a role", "Career break", "Chief of Staff", "Vice President, Sales",
             "Founding Engineer", "Group PM", "Entry level analyst", "Working student", "Partner", "Head, HR"]
    return sorted({titles.normalize_title(t, hints=False) for t in _sample_titles() + extra} - {""})


def test_each_seniority_rule_match_contains_one_of_its_words():
    """A rule is only run on a title holding one of its words: so none may match without one."""
    matched = 0
    for plain in _plain_titles():
        words = set(plain.split())
        for level, pattern, sure, maybe in seniority._SENIORITY_RULES:
            text = seniority._IC_MANAGER.sub(" ", plain) if level == "manager" else plain
            for match in pattern.finditer(text):
                matched += 1
                assert (sure | maybe) & set(match.group(0).split()), (level, plain)
            if sure & words:  # a word marked sure matches on its own
                assert pattern.search(text), (level, plain)
        if seniority._NOT_A_ROLE.match(plain):
            assert plain.split()[0] in seniority._NOT_A_ROLE_FIRST, plain
        assert words  # a plain title has words
    assert matched > 1_000
    for level, pattern, sure, _ in seniority._SENIORITY_RULES:
        for word in sure:
            assert pattern.search(f"x {word} y") and pattern.search(word), (level, word)


def test_each_function_leader_match_contains_a_leader_word():
    matched = 0
    for plain in _plain_titles():
        for match in titles._FUNCTION_LEADER.finditer(plain):
            matched += 1
            assert titles._LEADER_WORDS & set(match.group(0).split()), plain
    assert matched > 100


def test_seniority_of_titles_equals_running_every_rule():
    def every_rule(normalized):
        if not normalized or seniority._NOT_A_ROLE.match(normalized):
            return None
        for level, pattern, _, _ in seniority._SENIORITY_RULES:
            text = seniority._IC_MANAGER.sub(" ", normalized) if level == "manager" else normalized
            if pattern.search(text):
                return level
        return "mid"

    plains = _plain_titles()
    assert [titles.seniority_of_normalized(p) for p in plains] == [every_rule(p) for p in plains]


def test_industry_of_companies_equals_trying_every_cue():
    with open(SAMPLE.with_name("companies_sample.csv"), newline="", encoding="utf-8") as fh:
        names = [row[next(iter(row))] for row in csv.DictReader(fh)]
    names += ["Acme Pharmaceuticals", "Recruitify", "Telecoms Ltd", "The Angel Network", "State of Lagos"]

    def every_cue(company):
        key = company_names.normalize_company(company)
        if not key:
            return None
        known = industries._known(key)  # a well-known name, also with a place after it ("MTN Nigeria")
        if not known and "(" in company:  # or outside an aside ("Amazon Web Services (AWS)")
            known = industries._known(company_names.normalize_company(re.sub(r"\([^()]*\)", " ", company)))
        if known:
            return known
        return next((industry for industry, cue in industries.CUES if cue.search(key)), None)

    inferred = [industries.infer_industry(n) for n in names]
    assert inferred == [every_cue(n) for n in names]
    assert sum(i is not None for i in inferred) > 200


def test_terms_counted_by_parts_equal_count_vectorizer_of_them_all():
    plain = [titles.normalize_title(t) for t in _sample_titles()[:300]] + ["", "ab c", "data  science"]
    companies = [company_names.normalize_company(t) for t in ("Stripe, Inc.", "Acme Bank Plc", "", "The Data Co")]
    notes = HOSTILE
    expected, expected_terms = _count_vectorizer(plain + companies + [] + notes)
    parts = [np.array(p, dtype=object) for p in (plain, companies, [], notes)]
    counts, terms = count_terms(*parts)
    assert list(terms) == list(expected_terms)
    assert counts.shape == expected.shape and (counts != expected).nnz == 0


def test_a_titles_coded_reading_is_its_reading_coded():
    from engine.ranking.taxonomy import Taxonomy

    t = Taxonomy.load()
    forms = [titles.title_forms(title) for title in _sample_titles()]
    coded = [t.coded_plain(plain, level, first) for _, plain, level, first in forms if plain]
    assert coded == [t.coded(t.read_plain(plain, None, level, first)) for _, plain, level, first in forms if plain]
    assert sum(first is not None for *_, first in forms) > 100  # titles in parts are among them
    assert sum(c[0] >= 0 for c in coded) > 0.8 * len(coded)
    assert sum(bin(c[1]).count("1") > 1 for c in coded) > 50  # titles naming two families are among them


def _role_values_condition_by_condition(option, model, words):
    """Role fit as first written: every condition over every contact, the first that holds."""
    from engine.ranking import scoring
    from engine.ranking.taxonomy import taxonomy
    from engine.ranking.title_parts import later_only

    t = taxonomy()
    wanted, leaders = t.mask_of(option.families), t.mask_of(t.leaders(option.families))
    related = t.mask_of(t.related(option.families))
    led = t.mask_of({t.families[f].leads for f in option.families if t.families[f].leads} - set(option.families))
    bit, masks = model.family_bits_, model.family_masks_
    conditions = [(bit & wanted) != 0, (masks & wanted) != 0, (bit & leaders) != 0, (bit & related) != 0]
    family = np.select(conditions[:3] + [(bit & led) != 0, conditions[3], model.family_codes_ < 0],
                       [scoring.FAMILY_PRIMARY, scoring.FAMILY_SECONDARY, scoring.FAMILY_LEADER, scoring.FAMILY_LED,
                        scoring.FAMILY_RELATED, scoring.FAMILY_UNKNOWN], default=scoring.FAMILY_OTHER)
    # a second family named only in the title's last part, after another role (title_parts)
    shown_around = conditions[0] | conditions[2] | conditions[3]
    later = later_only(model, wanted, wanted | leaders | related, conditions[1], shown_around)
    family = np.where(later, scoring.FAMILY_LATER, family)
    floor = scoring.WORDS_FLOOR
    return family * np.where(np.logical_or.reduce(conditions), floor + (1 - floor) * words, words)


def test_role_fit_looked_up_per_family_equals_every_condition_over_every_contact():
    import pandas as pd

    from engine.ranking import OpportunityRanker
    from engine.ranking.goals import goal_options
    from engine.ranking.scoring import role_values
    from engine.ranking.taxonomy import taxonomy

    sample = _sample_titles()
    contacts = pd.DataFrame({"id": range(len(sample) + 1), "full_name": "x", "position": [*sample, None]})
    model = OpportunityRanker().fit(contacts)
    words = np.random.default_rng(3).random(len(contacts))
    t = taxonomy()
    goals = [{"id": i, "title": f, "status": "active", "target_roles": [t.label(f)], "segments": []}
             for i, f in enumerate(t.names)]
    goals.append({"id": 99, "title": "two", "status": "active", "target_roles": ["CTO", "Product Manager"],
                  "segments": []})
    options = [o for o in goal_options(goals) if o.families]
    assert len(options) >= 15
    for option in options:
        np.testing.assert_array_equal(role_values(option, model, words),
                                      _role_values_condition_by_condition(option, model, words))


def test_a_days_signals_are_kept_read_only_and_not_pickled():
    import dataclasses
    import pickle

    import pandas as pd

    from engine.ranking.signals import ContactSignals

    frame = pd.DataFrame({"strength": [1, 4, None], "replies": [0, 2, 1], "outreach_count": [3, 2, 1],
                          "cadence_days": [30, None, 7], "last_interaction": ["2026-01-01", None, "2026-11-30"],
                          "connected_on": ["2025-01-01", "2026-11-20", None], "job_changed_on": [None] * 3,
                          "times_recommended": [5, 0, 3]})
    signals = ContactSignals.from_frame(frame)
    day = 20_792.0  # 2026-12-05
    first = signals.at(day)
    assert signals.at(day) is first  # the same day: kept
    fresh = ContactSignals.from_frame(frame)._at(day)
    for name, values in first.items():
        np.testing.assert_array_equal(values, fresh[name])
        assert not values.flags.writeable, name
    assert signals.at(day + 40) is not first
    assert not np.array_equal(signals.at(day + 40)["warmth"], first["warmth"])
    per_row = signals.at(np.array([day, day + 1, day + 2]))  # a day per contact: computed, not kept
    assert per_row["warmth"].flags.writeable
    restored = pickle.loads(pickle.dumps(signals))
    assert "_kept_at" not in restored.__dict__
    for field in dataclasses.fields(ContactSignals):
        np.testing.assert_array_equal(getattr(restored, field.name), getattr(signals, field.name))


def test_the_engine_asks_numpy_for_ordinary_pages_unless_the_environment_says():
    import os
    import subprocess
    import sys

    check = ("import engine, numpy; "
             "print(numpy._core.multiarray._set_madvise_hugepage(True))")  # returns the setting it replaces
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    root = Path(__file__).resolve().parents[1]
    ours = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=env, cwd=root)
    assert ours.stdout.strip() == "False", ours.stderr
    told = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          env={**env, "NUMPY_MADVISE_HUGEPAGE": "1"}, cwd=root)
    assert told.stdout.strip() == "True", told.stderr


def test_generic_terms_looked_up_equal_every_term_read():
    """text.generic_terms looks up the one- and two-word terms made of level and job words, not every
    term: the same mask as reading each term's words."""
    from engine.ranking import OpportunityRanker
    from engine.ranking.text import GENERIC_WORDS, generic_terms
    from tests.ranking_support import contacts_frame

    model = OpportunityRanker().fit(contacts_frame([{"position": t} for t in _sample_titles()]))
    every = np.array([all(w in GENERIC_WORDS for w in str(t).split()) for t in model.terms_])
    assert every.sum() > 10
    np.testing.assert_array_equal(generic_terms(model), every)


def test_text_fit_over_the_queries_terms_equals_it_over_every_row():
    """The contact text is kept by term (column-major): the products over a query's own terms' columns
    give what the products over every row of the same matrix give, to the bit (text fit, the
    generic-words question and the best term a reason quotes alike)."""
    from engine.ranking import OpportunityRanker
    from engine.ranking.goals import goal_options
    from engine.ranking.scoring import generic_only
    from engine.ranking.taxonomy import taxonomy
    from engine.ranking.text import best_term, generic_terms, query_matrix, text_fit
    from tests.ranking_support import contacts_frame

    sample = _sample_titles()
    companies = ["Acme Bank", "Stripe", "", "Data Ventures"] * len(sample)
    model = OpportunityRanker().fit(contacts_frame([{"position": t, "company": c} for t, c in zip(sample, companies)]))
    by_term, by_row = model.contact_matrix_, model.contact_matrix_.tocsr()
    assert by_term.format == "csc"
    t = taxonomy()
    goals = [{"id": i, "title": f, "status": "active", "target_roles": [t.label(f)], "industries": ["fintech"],
              "segments": []} for i, f in enumerate(t.names)]
    options = goal_options(goals)
    role_q = query_matrix(model.vectorizer_, [o.role_fields for o in options])
    context_q = query_matrix(model.vectorizer_, [o.context_fields for o in options])
    assert role_q.nnz > 50 and context_q.nnz > 0
    np.testing.assert_array_equal(text_fit(by_term, role_q, context_q), text_fit(by_row, role_q, context_q))
    generic, rows = 0, np.arange(0, by_row.shape[0], 7)
    boost = np.random.default_rng(5).random(by_row.shape[1])
    for row in range(role_q.shape[0]):
        query = role_q[row]
        columns = np.zeros((query.shape[1], 2))
        columns[query.indices, 0] = query.data != 0
        columns[query.indices, 1] = (query.data != 0) & ~generic_terms(model)[query.indices]
        hits = by_row @ columns  # over every row
        every_row = (hits[:, 0] > 0) & ~(hits[:, 1] > 0)
        np.testing.assert_array_equal(generic_only(model, query), every_row)
        generic += int(every_row.sum())
        np.testing.assert_array_equal(best_term(by_term, rows, query, boost), best_term(by_row, rows, query, boost))
    assert generic > 0
