"""TF-IDF text fit between contacts and goal queries, built to stay fast at 100,000 contacts.

The contact text is position (normalized, see titles.py) + company + tags + notes. ``vectorizer``
is ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")``, word forms
folded (``fold_forms``: "recruitment" is read as "recruiter", "science" as "scientist"), with the
vocabulary and idf of the *distinct* contact texts; goal queries are vectorized with it, so a term
that is rare in the user's network weighs more in a query.

The fit of a contact to a query is *query coverage*: the sum of the query's tf-idf weights over
the terms the contact's text contains (each term once; a term only in the notes counts half).
Cosine similarity would divide by the contact's own length, so "Senior Product Manager" would fit
a "product manager" goal worse than "Product Manager", and seniority is for another component to
judge. Coverage does not punish extra words, and a contact with every query term covers it all.

Two things make fitting fast:

* Contacts share texts (same title at the same company), so only distinct texts get a row of
  the matrix; ``text_index`` maps every contact to its row (the inverse of np.unique).
* Tokenizing is the slow, pure-Python part of TfidfVectorizer. Each *field* has far fewer
  distinct values than there are distinct texts (a few thousand titles, companies, tag sets),
  so each distinct field value is tokenized once and a text's counts are the sum of its fields'
  counts. The only difference from tokenizing the joined text is that no bigram spans two
  fields ("manager stripe"), which is noise anyway.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from .word_forms import fold_forms, text_forms

NGRAMS = (1, 2)
STOP_WORDS = "english"
CONTACT_FIELDS = ("position", "company", "tags", "notes")
# Text coverage is divided by the best coverage any contact reaches for that query, so the best
# match scores 1; but never by less than this share of the query's whole weight, so that when
# nobody fits well, the best of the weak matches still scores low.
TEXT_SIM_FLOOR = 0.25
CONTEXT_SHARE = 0.3  # share of text fit from industries, companies, keywords and description
QUALIFIER_WEIGHT = 0.3  # weight of a role's qualifier words against its job word and phrase
# How much a term counts towards coverage by the field it is found in (at most 1 in all). A
# company's name is never evidence of a role: it is scored against target companies and
# industries (scoring.py), not against the goal's words.
FIELD_WEIGHTS = {"position": 1.0, "company": 0.0, "tags": 1.0, "notes": 0.5}
_EMPTY_TERM = "__no_terms__"
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's token_pattern
_TOKEN_ANY = re.compile(r"(?u)\b\w+\b")  # the same with words of one character
_SEPARATOR = "zqxjdocumentendzqxj"
_NOT_PLAIN = re.compile(r"[^a-z0-9 ]")


@dataclass
class ContactText:
    """Learned text state: vectorizer, distinct-text matrix and per-field term matrices."""

    vectorizer: TfidfVectorizer
    # (n distinct texts, n terms), term presence weighted by field (0..1), by term: a goal's query
    # names a dozen of a network's 36,000 terms, and a product over their columns reads a hundredth of
    # the matrix (at 100,000 contacts 0.2-1.1 ms a product against 1.5-3 ms over every row)
    matrix: sp.csc_matrix
    text_index: np.ndarray  # contact -> row of ``matrix``
    field_codes: dict[str, np.ndarray]  # field -> contact -> distinct value of that field
    field_values: dict[str, np.ndarray]  # field -> distinct values
    field_terms: dict[str, sp.csr_matrix]  # field -> (distinct values, n terms) counts
    terms: np.ndarray  # term of each column
    bigram: np.ndarray  # whether each term is a bigram


def make_vectorizer(**kwargs) -> TfidfVectorizer:
    """The one tf-idf configuration used for contacts, events and goal queries: word forms folded
    (``fold_forms``), so that a query and a title meet whichever form each uses."""
    return TfidfVectorizer(ngram_range=NGRAMS, stop_words=STOP_WORDS, sublinear_tf=True, preprocessor=fold_forms,
                           **kwargs)


def fit_contact_text(fields: dict[str, np.ndarray | tuple], max_features: int | None) -> ContactText:
    """Fit tf-idf on the contact fields (each an array of str, "" when missing, or a field already
    factorized: (codes, value of each code), codes never -1)."""
    codes: dict[str, np.ndarray] = {}
    uniques: dict[str, np.ndarray] = {}
    for name, values in fields.items():
        if isinstance(values, tuple):  # (codes, values): the field factorized already, values maybe not distinct
            given, values = values
            codes[name], distinct = pd.factorize(np.asarray(values, dtype=object))
            codes[name] = codes[name][given] if len(given) else np.zeros(0, dtype=np.int64)
        else:
            codes[name], distinct = pd.factorize(np.asarray(values, dtype=object))
        uniques[name] = np.array([v if isinstance(v, str) else str(v) for v in distinct], dtype=object)
    key = _text_key(codes, uniques, max_features)
    with _kept_lock:
        kept = _kept.get(key)
    if kept is not None:
        return kept
    text = _fit_factorized(codes, uniques, max_features)
    with _kept_lock:
        _kept.clear()  # the newest only: a refit after the data changed asks for it again
        _kept[key] = text
    return text


# The last contact text fitted, by what it was fitted from: a workspace refits its ranker whenever its
# data changes (an outreach logged, a strength set), and those changes leave every title, company,
# tag and note as it was; the text is then the same to the bit, and counting the words of 100,000
# contacts again took 0.3 s of each such refit. Read-only once made (scoring only reads it).
_kept: dict[tuple, ContactText] = {}
_kept_lock = threading.Lock()


def forget_fits() -> None:
    """Forget the contact text kept, as in a fresh process (benchmarks of the cold path)."""
    with _kept_lock:
        _kept.clear()


def _text_key(codes: dict[str, np.ndarray], uniques: dict[str, np.ndarray], max_features: int | None) -> tuple:
    """What a contact text is fitted from, digested: each field's distinct values (their lengths,
    then the values joined, so that two lists joining alike are told apart) and each contact's code
    into them."""
    digest = hashlib.blake2b(digest_size=20)
    for name in codes:
        digest.update(name.encode())
        values = uniques[name].tolist()
        digest.update(np.fromiter(map(len, values), dtype=np.int64, count=len(values)).tobytes())  # where each ends
        digest.update("\x00\x1f".join(values).encode("utf-8", "surrogatepass"))
        digest.update(np.ascontiguousarray(codes[name], dtype=np.int64).tobytes())
    return max_features, digest.hexdigest()


def _fit_factorized(codes: dict[str, np.ndarray], uniques: dict[str, np.ndarray], max_features: int | None
                    ) -> ContactText:
    fields = list(codes)
    n = len(next(iter(codes.values())))
    docs = np.concatenate([np.asarray(uniques[name], dtype=object) for name in fields])
    counted = count_terms(*(uniques[name] for name in fields), fold=True)
    if counted is None:  # nothing but stop words or blanks: keep a vocabulary nothing matches
        counts_all, terms = sp.csr_matrix((len(docs), 1)), np.array([_EMPTY_TERM], dtype=object)
    else:
        counts_all, terms = counted

    # Distinct contact texts = distinct combinations of field values.
    key = np.zeros(n, dtype=np.int64)
    for name in fields:
        key = pd.factorize(key * max(len(uniques[name]), 1) + codes[name])[0].astype(np.int64)
    _, first, text_index = np.unique(key, return_index=True, return_inverse=True)

    field_terms: dict[str, sp.csr_matrix] = {}
    start = 0
    for name in fields:
        stop = start + len(uniques[name])
        field_terms[name] = counts_all[start:stop]
        start = stop
    counts = sum(field_terms[name][codes[name][first]] for name in fields).tocsr()
    presence = sum(
        (field_terms[name] > 0).astype(np.float64)[codes[name][first]] * FIELD_WEIGHTS.get(name, 1.0)
        for name in fields
    ).tocsr()

    if max_features is not None and len(terms) > max_features:
        df = np.bincount(counts.indices, minlength=len(terms))
        keep = np.sort(np.argsort(-df, kind="stable")[:max_features])
        counts, presence, terms = counts[:, keep], presence[:, keep].tocsr(), terms[keep]
        field_terms = {name: m[:, keep].tocsr() for name, m in field_terms.items()}

    # No contacts at all: fit on one blank text, so the vectorizer still works for queries.
    transformer = TfidfTransformer(sublinear_tf=True).fit(counts if n else sp.csr_matrix((1, len(terms))))
    vectorizer = make_vectorizer(vocabulary={t: i for i, t in enumerate(terms)})
    vectorizer.idf_ = transformer.idf_
    np.minimum(presence.data, 1.0, out=presence.data)
    bigram = np.array([" " in t for t in terms], dtype=bool)
    # Codes as 32-bit integers (a network has far fewer than 2**31 distinct values): the kept ranker holds
    # a code per contact for every field, 0.4 MB less each at 100,000 contacts than 64-bit ones.
    return ContactText(
        vectorizer, presence.tocsc(), text_index.astype(np.int32), {k: v.astype(np.int32) for k, v in codes.items()},
        uniques, field_terms, terms, bigram
    )


def count_terms(*parts, words_of_one: bool = False, stop_words: frozenset[str] = ENGLISH_STOP_WORDS,
                fold: bool = False) -> tuple[sp.csr_matrix, np.ndarray] | None:
    """What ``CountVectorizer(ngram_range=NGRAMS, stop_words=STOP_WORDS, dtype=float64)``'s
    ``fit_transform`` and ``get_feature_names_out`` give for the documents (str) of ``parts`` (one
    or more arrays, one after the other), or None where that raises for an empty vocabulary: the
    same terms (sorted), the same counts. A part whose documents are all lower-case words (the
    normalized titles, the company keys) is tokenized faster, so fields are best passed apart.

    Only the tokenizing is done per document (the same lower case and token pattern); stop words,
    bigrams and the vocabulary are worked out once per distinct token and token pair over all
    documents at once, rather than per token in Python.

    ``words_of_one``: words of one character count too (a token pattern of one or more word
    characters, not two);
    ``stop_words``: the words left out (none: an empty set);
    ``fold``: word forms folded (``preprocessor=fold_forms``, as ``make_vectorizer`` reads), once per
    distinct token.
    """
    n_docs = sum(len(part) for part in parts)
    shortest = 1 if words_of_one else 2
    doc, flat = _tokens(parts[0], shortest) if len(parts) == 1 else _tokens_of_parts(parts, shortest)
    codes, words = pd.factorize(flat)
    forms = text_forms() if fold else {}
    if any(w in forms for w in words):
        folded, words = pd.factorize(np.array([forms.get(w, w) for w in words], dtype=object))
        codes = folded[codes]
    keep = ~np.fromiter((w in stop_words for w in words), dtype=bool, count=len(words))[codes]
    doc = doc[keep]
    codes = codes[keep]
    # A bigram joins two kept tokens that follow each other in one document.
    pairs = np.flatnonzero(doc[1:] == doc[:-1]) if len(doc) else np.zeros(0, dtype=np.int64)
    pair_codes, pairs_distinct = pd.factorize(codes[pairs] * len(words) + codes[pairs + 1])
    unigrams = np.unique(codes)  # the kept tokens, by code
    unigram_of = np.full(len(words), -1, dtype=np.int64)
    unigram_of[unigrams] = np.arange(len(unigrams))
    first, second = np.divmod(pairs_distinct, max(len(words), 1))
    terms = np.concatenate([words[unigrams], words[first] + " " + words[second]]).astype(object)
    if not len(terms):
        return None
    listed = terms.tolist()
    order = np.array(sorted(range(len(listed)), key=listed.__getitem__))  # as CountVectorizer sorts
    column = np.empty(len(order), dtype=np.int64)
    column[order] = np.arange(len(order))
    rows = np.concatenate([doc, doc[pairs]])
    cols = column[np.concatenate([unigram_of[codes], len(unigrams) + pair_codes])]
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_docs, len(terms)))
    counts.sum_duplicates()
    return counts, terms[order]


def _tokens_of_parts(parts, shortest: int = 2) -> tuple[np.ndarray, np.ndarray]:
    docs_of, tokens_of, offset = [], [], 0
    for part in parts:
        doc, flat = _tokens(part, shortest)
        docs_of.append(doc + offset)
        tokens_of.append(flat)
        offset += len(part)
    return np.concatenate(docs_of), np.concatenate(tokens_of)


def _tokens(docs, shortest: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """(document of each token, the tokens) of ``docs`` in order, lower-cased and found by
    TfidfVectorizer's token pattern (words of ``shortest`` word characters or more: 2 as by
    default, or 1). All documents are tokenized in one pass, joined by a word
    found in none of them; that word then marks where each document ends."""
    token = _TOKEN if shortest == 2 else _TOKEN_ANY
    joined = f" {_SEPARATOR} ".join(docs)
    plain = _NOT_PLAIN.search(joined) is None  # lower-case words and spaces (normalized titles, company keys)
    if not plain:
        joined = joined.lower()
    if joined.count(_SEPARATOR) == len(docs) - 1:
        # In plain text the pattern's tokens are the words of ``shortest`` characters or more.
        flat = np.array([w for w in joined.split() if len(w) >= shortest] if plain else token.findall(joined),
                        dtype=object)
        ends = flat == _SEPARATOR
        doc = np.cumsum(ends)
        return doc[~ends], flat[~ends]
    findall = token.findall  # a document holds the separator: one at a time
    tokens = [findall(doc.lower()) for doc in docs]
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    flat = np.fromiter(chain.from_iterable(tokens), dtype=object, count=int(lengths.sum()))
    return np.repeat(np.arange(len(docs)), lengths), flat


def query_matrix(vectorizer: TfidfVectorizer, field_lists) -> sp.csr_matrix:
    """One l2-normalized query row per item of ``field_lists`` (each a list of (text, weight)).

    Each field is vectorized on its own and the weighted vectors are summed, so a goal's target
    roles can count more than its free-text description whatever their lengths.
    """
    texts, rows, weights = [], [], []
    for row, fields in enumerate(field_lists):
        for text, weight in fields:
            if text and weight:
                texts.append(text)
                rows.append(row)
                weights.append(weight)
    n_terms = len(vectorizer.vocabulary_)
    if not texts:
        return sp.csr_matrix((len(field_lists), n_terms))
    field_vectors = vectorizer.transform(texts)
    mix = sp.csr_matrix((weights, (rows, np.arange(len(texts)))), shape=(len(field_lists), len(texts)))
    return normalize(mix @ field_vectors).tocsr()


# Words that name a level or a kind of job, not a role: a title sharing only these with a goal's roles
# names nothing of them ("Senior HR Business Partner" for "partner", "IT Specialist" for "comp and
# ben specialist").
GENERIC_WORDS = frozenset(
    "manager lead leader head director officer president executive associate specialist partner member staff "
    "team leadership senior junior principal chief vice assistant deputy group global regional".split()
)


def generic_terms(model) -> np.ndarray:
    """Which of a fitted ranker's terms are made of GENERIC_WORDS only, computed once per fit (kept
    on the ranker, which a refit replaces)."""
    mask = model.__dict__.get("_generic_terms")
    if mask is None:  # terms are one or two words (NGRAMS): look up each such term, not every term
        vocabulary = model.vectorizer_.vocabulary_
        candidates = [*GENERIC_WORDS, *(f"{a} {b}" for a in GENERIC_WORDS for b in GENERIC_WORDS)]
        mask = np.zeros(len(model.terms_), dtype=bool)
        mask[[vocabulary[t] for t in candidates if t in vocabulary]] = True
        model._generic_terms = mask
    return mask


def phrase_columns(vectorizer: TfidfVectorizer, phrases) -> list[int]:
    """The vocabulary columns of ``phrases`` as whole terms ("real estate" the bigram, not "real"
    and "estate"), read as the vectorizer reads text ("oil and gas" is "oil gas"); a phrase
    longer than the n-grams or not in the network's vocabulary has none."""
    analyze = vectorizer.build_analyzer()
    columns = []
    for phrase in phrases:
        terms = analyze(phrase)
        words = [t for t in terms if " " not in t]
        whole = " ".join(words)
        if words and whole in terms and whole in vectorizer.vocabulary_:
            columns.append(int(vectorizer.vocabulary_[whole]))
    return columns


def similarity(matrix: sp.csr_matrix | sp.csc_matrix, queries: sp.csr_matrix) -> np.ndarray:
    """Dot products of the rows with each query, dense (n rows, n queries): the coverage of each
    query by term-presence rows, or the cosine when the rows are l2-normalized tf-idf (events). A
    matrix by term (the contacts', ``ContactText.matrix``) is read at the queries' terms only."""
    if queries.shape[0] == 0:
        return np.zeros((matrix.shape[0], 0))
    if matrix.format == "csc":
        used = np.unique(queries.indices)
        return matrix[:, used] @ queries[:, used].T.toarray()
    return matrix @ queries.T.toarray()  # sparse @ dense: a few times faster than sparse @ sparse


def shared_terms(matrix: sp.csr_matrix, row: int, query: sp.csr_matrix) -> list[tuple[int, float]]:
    """Terms that one text row shares with ``query``, as (term column, contribution), largest
    first. The contributions sum to :func:`similarity` of the row and the query."""
    vec = matrix[row].multiply(query.tocsr()).tocsr()
    vec.eliminate_zeros()
    order = np.argsort(-vec.data, kind="stable")
    return [(int(vec.indices[j]), float(vec.data[j])) for j in order]


def best_term(matrix: sp.csr_matrix, rows: np.ndarray, query: sp.csr_matrix, boost: np.ndarray):
    """For each of ``rows``, the shared term with ``query`` that adds most to the similarity.

    Vectorized over rows (this runs for every contact shown). ``boost`` multiplies each term's
    weight for the choice only (e.g. so that "product manager" is shown rather
    than "product"). Returns term columns (-1 when nothing is shared).
    """
    query = query.tocsr()
    cols, qvals = query.indices, query.data
    best = np.full(len(rows), -1, dtype=np.int64)
    if len(cols) == 0 or len(rows) == 0:
        return best
    sub = (matrix[:, cols][rows] if matrix.format == "csc" else matrix[rows][:, cols]).tocsr()
    sub.eliminate_zeros()
    if sub.nnz == 0:
        return best
    counts = np.diff(sub.indptr)
    row_of = np.repeat(np.arange(len(rows)), counts)
    term_of = cols[sub.indices]
    weights = sub.data * qvals[sub.indices] * boost[term_of]
    order = np.lexsort((-weights, row_of))
    nonempty = counts > 0
    best[nonempty] = term_of[order[sub.indptr[:-1][nonempty]]]
    return best


def weigh_qualifiers(role_q, options, model):
    """Scale down single words of a role query that are not its job words and name another
    family of roles ("product" in "product designer"): they are shared with other jobs ("Head of
    Product"), while the job word and the phrase itself ("designer", "product designer") are what
    make the role. A word that specializes the role within its family ("frontend" in "frontend
    engineer", "react" in "react developer") keeps its weight: it is what tells a frontend
    developer from a system engineer."""
    q = role_q.tocsr(copy=True)
    vocabulary = model.vectorizer_.vocabulary_
    for row, option in enumerate(options):
        lo, hi = q.indptr[row], q.indptr[row + 1]
        cols = q.indices[lo:hi]
        heads = [vocabulary[h] for h in option.heads if h in vocabulary]
        qualifier = ~model.term_is_bigram_[cols] & ~np.isin(cols, heads)
        if qualifier.any() and option.families and heads:  # (with no job word, "CFO", all are qualifiers)
            qualifier[qualifier] = [_names_another_family(str(model.terms_[c]), option.families)
                                    for c in cols[qualifier]]
        q.data[lo:hi][qualifier] *= QUALIFIER_WEIGHT
    return q


@lru_cache(maxsize=1 << 14)
def _family_of_word(word: str) -> str | None:
    from .taxonomy import read_title

    return read_title(word).family


def _names_another_family(word: str, families) -> bool:
    family = _family_of_word(word)
    return family is None or family not in families


def _coverage(sim: np.ndarray, queries) -> np.ndarray:
    """Coverage of each query (``sim``: n texts, n queries), divided by the best any text reaches.
    ``sim`` is divided in place and returned."""
    mass = np.asarray(queries.sum(axis=1)).ravel()
    sim /= np.maximum(sim.max(axis=0, initial=0.0), np.maximum(TEXT_SIM_FLOOR * mass, 1e-12))
    return sim


def text_fit(matrix, role_queries, context_queries) -> np.ndarray:
    """Text fit in [0, 1] of every text row to every option, (n texts, n options).

    Mostly the role: (1 - CONTEXT_SHARE) * role + CONTEXT_SHARE * context * role, so industry,
    company and keyword terms add to a fitting role but do not stand in for one. An option that
    names no role at all (an industry-only goal) is fitted on its context alone.

    Computed in place, operand for operand as written above (so the values are the same to the
    bit): at 100,000 contacts and 28 options each (texts x options) array is 20 MB, and the
    temporaries of the written-out formula made this the ranking's largest allocation (117 MB).
    """
    role = _coverage(similarity(matrix, role_queries), role_queries)
    context = _coverage(similarity(matrix, context_queries), context_queries)
    no_role = np.diff(role_queries.indptr) == 0
    context_only = context[:, no_role] if no_role.any() else None  # a copy (boolean index)
    context *= CONTEXT_SHARE
    context *= role
    role *= 1 - CONTEXT_SHARE
    role += context
    del context
    if context_only is not None:
        role[:, no_role] = context_only
    return role
