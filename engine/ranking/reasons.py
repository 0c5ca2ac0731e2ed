"""Human-readable reasons and the suggested next step for ranked contacts.

The UI shows a short list of *why* next to every contact ("title matches 'product manager'",
"changed jobs 3 weeks ago") and one concrete action. Both are derived from the same component
values as the score, so they never disagree with the ranking.

A full ranking has a row per contact (100,000 of them), so nothing here loops over rows in
Python: each kind of reason is a small table of phrases plus a code per row, and the lists are
built once per distinct combination of codes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .company_names import normalize_company
from .scoring import GoalScores, asked_levels, far_below_named_level
from .taxonomy import taxonomy
from .text import GENERIC_WORDS, best_term
from .titles import SENIORITY_LEVELS, quoted, role_hints, title_forms

TEXT_REASON_MIN = 0.2  # normalized text fit from which the match is worth quoting
BIGRAM_PREFERENCE = 100.0  # quote "product manager" rather than "product" whenever a bigram matches
OUTCOME_PHRASES = {
    "referral": "a referral", "mentorship": "mentorship", "learn": "learning", "clients": "finding clients",
    "hiring": "hiring", "visibility": "visibility", "other": "this goal",
}
# Where a matched term came from; later entries win when a term is in several fields.
FIELD_LABELS = (
    ("company", "company matches"), ("notes", "notes mention"), ("tags", "tagged"),
    ("position", "title matches"),
)
# Next step for a warm contact, by goal outcome.
WARM_STEPS = {
    "referral": "Ask for a referral", "mentorship": "Ask for mentorship", "learn": "Request a coffee chat",
    "clients": "Ask for an introduction", "hiring": "Ask for candidate recommendations",
    "visibility": "Invite to an event", "other": "Request a coffee chat",
}
# Next step for a contact you have no warm line to yet.
COLD_STEPS = {
    "referral": "Request a coffee chat", "mentorship": "Request a coffee chat",
    "learn": "Request a coffee chat", "clients": "Invite to an event", "hiring": "Send a connection note",
    "visibility": "Engage with their posts", "other": "Send a connection note",
}
FOLLOW_UP = "Follow up on your last message"
FOLLOW_UP_DAYS = 60  # an unanswered message younger than this calls for a follow-up, not a new ask
TARGET_COMPANY = 1.0  # the company component's value at a target company (less: a target industry)


def ago(days: float) -> str:
    """3 -> "3 days ago", 21 -> "3 weeks ago", 75 -> "2 months ago"."""
    d = int(round(days))
    if d <= 0:
        return "today"
    if d < 14:
        return f"{d} day{'s' if d != 1 else ''} ago"
    if d < 60:
        return f"{round(d / 7)} weeks ago"
    return f"{round(d / 30)} months ago"


def _table(keys: np.ndarray, mask: np.ndarray, phrase) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 where ``mask`` is off) into a table of ``phrase(key)`` for the distinct keys."""
    codes = np.full(len(keys), -1, dtype=np.int64)
    if not mask.any():
        return codes, []
    codes[mask], distinct = pd.factorize(keys[mask])
    return codes, [phrase(k) for k in distinct]


def _reads_as(code: int) -> str | None:
    """"title reads as Sales and business development": a title's family (code), or None."""
    from .taxonomy import taxonomy

    if code < 0:
        return None
    t = taxonomy()
    return f"title reads as {t.label(t.names[code])}"


def _role_phrase(roles: list[str], plain: str) -> str | None:
    """The reason a goal role gives a title (its plain form, ``_plain_title``): found in the title as
    written ("title matches 'talent acquisition'"), else only among the roles it implies ("title reads
    as 'recruiter'")."""
    found = next((r for r in roles if f" {r} " in f" {plain} "), None)
    if found:
        return f"title matches '{found}'"
    hinted = f" {role_hints(plain)} "
    implied = next((r for r in roles if f" {r} " in hinted), None)
    return f"title reads as '{implied}'" if implied else None


def _plain_title(model, row: int) -> str:
    """What reasons quote of the title of the contact at ``row``: its plain form, read from the raw
    title. Not from the text the ranker matched, which holds the roles the title implies and then
    the employer a title names ("Lead Data Entry Officer at Connect Health"): past the employer's
    words its hints could not be told apart from the title, which then "matched 'data … science'"."""
    code = int(model.position_codes_[row])
    raw = model.position_titles_[code] if code >= 0 else ""
    return title_forms(raw if isinstance(raw, str) else str(raw))[1]


def _text_reasons(model, scores: GoalScores, rows, option, strong, company_hit):
    """Quote the goal role found in the title, else the shared term that adds most to the fit
    (unless that is just the company's name and the company reason says it already)."""
    codes = np.full(len(rows), -1, dtype=np.int64)
    table: dict[str, int] = {}

    def code_of(phrase: str | None) -> int:
        return -1 if phrase is None else table.setdefault(phrase, len(table))

    pos_codes = model.field_codes_["position"][rows]
    labels = ["profile mentions"] + [label for _, label in FIELD_LABELS]
    boost = np.where(model.term_is_bigram_, BIGRAM_PREFERENCE, 1.0)
    for oi in np.unique(option[strong]):
        sel = np.flatnonzero(strong & (option == oi))
        far = far_below_named_level(scores.options[oi], model.seniority_codes_[rows[sel]])
        if far is not None:  # their words did not count ("Legal Counsel" for "general counsel"): say their family
            sel = sel[~far]
        roles = [r for r in scores.options[oi].role_phrases if r]
        if roles:
            distinct, first, inverse = np.unique(pos_codes[sel], return_index=True, return_inverse=True)
            phrases = (_role_phrase(roles, _plain_title(model, rows[sel[i]])) for i in first)
            found = np.array([code_of(p) for p in phrases], dtype=np.int64)[inverse]
            codes[sel] = found
            sel = sel[found < 0]
        if len(sel) == 0:
            continue
        text_rows, inverse = np.unique(model.text_index_[rows[sel]], return_inverse=True)
        terms = best_term(model.contact_matrix_, text_rows, scores.queries[oi], boost)[inverse]
        sel, terms = sel[terms >= 0], terms[terms >= 0]
        if len(sel) == 0:
            continue
        label = np.zeros(len(sel), dtype=np.int64)
        for k, (field, _) in enumerate(FIELD_LABELS, start=1):
            field_codes = model.field_codes_[field][rows[sel]]
            label[np.asarray(model.field_terms_[field][field_codes, terms]).ravel() > 0] = k
        keep = ~((label == 1) & company_hit[sel])  # 1: the company field
        sel, terms, label = sel[keep], terms[keep], label[keep]
        # a term in the title is quoted as the title writes it, so per title: (label, term, title)
        n_terms, n_titles = len(model.terms_), len(model.field_values_["position"])
        in_title = label == len(FIELD_LABELS)
        title_of = np.where(in_title, model.field_codes_["position"][rows[sel]], 0)
        pairs, inverse = np.unique((label * n_terms + terms) * n_titles + title_of, return_inverse=True)

        # per title quoted: its family, and a contact with it (to read the title)
        family_of = dict(zip(title_of[in_title].tolist(), model.family_codes_[rows[sel[in_title]]].tolist()))
        row_of = dict(zip(title_of[in_title].tolist(), rows[sel[in_title]].tolist()))

        def phrase(key: int, n_terms: int = n_terms, n_titles: int = n_titles,
                   family_of: dict = family_of, row_of: dict = row_of) -> str | None:
            pair, title = divmod(int(key), n_titles)
            k, term = divmod(pair, n_terms)
            words = str(model.terms_[term])
            if k == len(FIELD_LABELS):
                words = quoted(words, _plain_title(model, row_of[title]))
                # a term among what the taxonomy reads into the title, not in it, or a level or job
                # word alone ("senior"): say what the title reads as
                if words is None or all(w in GENERIC_WORDS for w in words.split()):
                    return _reads_as(family_of.get(title, -1))
            return f"{labels[k]} '{words}'"

        codes[sel] = np.array([code_of(phrase(p)) for p in pairs], dtype=np.int64)[inverse]
    # a fit by the title's family with no term to quote ("Investment Analyst" for angel investors), in a
    # goal that asks for roles (in one about an industry alone, the fit is working there, said elsewhere)
    asks_roles = np.array([bool(o.families) for o in scores.options] or [False])
    unsaid = np.flatnonzero(strong & (codes < 0) & (model.family_codes_[rows] >= 0) & asks_roles[option])
    if len(unsaid):
        families, inverse = np.unique(model.family_codes_[rows[unsaid]], return_inverse=True)
        codes[unsaid] = np.array([code_of(_reads_as(int(f))) for f in families], dtype=np.int64)[inverse]
    return codes, list(table)


def reasons_and_steps(model, scores: GoalScores, rows: np.ndarray, goals: np.ndarray, picked: bool = False):
    """Reasons (list of str per row) and next step (array of str) for (contact row, goal) pairs.
    ``picked``: ``scores.option`` and ``scores.values`` already hold just these pairs, in order."""
    wanted = ("job_change_days", "overdue_days", "new_connection_days", "warm", "stale", "since_last_days")
    sig = {k: scores.signals[k][rows] for k in wanted}
    # as int64: the option index is stored in the smallest integer type, and feeds arithmetic here
    option = (scores.option if picked else scores.option[rows, goals]).astype(np.int64)
    vals = scores.values if picked else {k: v[rows, goals] for k, v in scores.values.items()}
    kinds = sorted(OUTCOME_PHRASES)
    outcome_of = np.array([kinds.index(o.outcome) for o in scores.options] or [0], dtype=np.int64)
    from_segment = np.array([o.segment_id is not None for o in scores.options] or [0], dtype=np.int64)
    asks_roles = np.array([bool(o.families) for o in scores.options] or [False])
    outcomes = outcome_of[option]  # index into ``kinds``
    strength = model.signals_.strength[rows]
    replies = model.signals_.replies[rows]
    company = model.company_codes_[rows]
    relationship = model.relationship_codes_[rows]
    spelled = [{normalize_company(n): n for n in o.company_names} for o in scores.options]

    def company_phrase(key):
        oi, code = divmod(int(key), len(model.company_keys_) + 1)
        name = spelled[oi].get(model.company_keys_[code], model.company_names_[code])
        return f"works at target company {name}"

    def industry_phrase(key):
        code, inferred = divmod(int(key), 2)
        return f"in a target industry: {model.industries_[code]}{' (inferred)' if inferred else ''}"

    def relationship_phrase(key):
        rel, how = divmod(int(key), len(kinds) + 1)
        if how == 0:
            return f"{model.relationships_[rel]}, as the segment asks"
        return f"{model.relationships_[rel]}: often helps with {OUTCOME_PHRASES[kinds[how - 1]]}"

    def replies_phrase(k):
        return "replied before" if k == 1 else f"replied {k} times before"

    def overdue_phrase(d):
        return "keep-in-touch overdue by over a year" if d > 365 else f"keep-in-touch overdue by {d} days"

    how = np.where(vals["relationship"] >= 1, 0, 1 + outcomes)
    rel_keys = relationship * (len(kinds) + 1) + how
    with np.errstate(invalid="ignore"):
        tables = [
            _text_reasons(model, scores, rows, option, vals["text"] >= TEXT_REASON_MIN,
                          vals["company"] >= TARGET_COMPANY),
            # a fit too weak to quote a term, away from a target company: what the title reads as
            _table(model.family_codes_[rows], (vals["text"] > 0) & (vals["text"] < TEXT_REASON_MIN)
                   & (np.nan_to_num(vals["company"]) <= 0) & (model.family_codes_[rows] >= 0) & asks_roles[option],
                   _reads_as),
            _table(option * (len(model.company_keys_) + 1) + company, vals["company"] >= TARGET_COMPANY,
                   company_phrase),
            _table(model.industry_codes_[rows] * 2 + model.industry_inferred_[rows],
                   (vals["company"] > 0) & (vals["company"] < TARGET_COMPANY) & (model.industry_codes_[rows] >= 0),
                   industry_phrase),
            # the level a segment asks ("Hiring managers": manager and up) is the segment's, not the user's
            _table(model.seniority_codes_[rows] * 2 + from_segment[option], vals["seniority"] >= 1,
                   lambda c: f"{SENIORITY_LEVELS[c // 2]}-level, as the {'segment' if c % 2 else 'goal'} asks"),
            _table(rel_keys, (vals["relationship"] > 0) & (relationship >= 0), relationship_phrase),
            _table(np.nan_to_num(strength).astype(int), strength >= 3,
                   lambda s: f"{'strong' if s >= 4 else 'good'} relationship ({s}/5)"),
            _table(replies.astype(int), replies >= 1, replies_phrase),
            _table(np.nan_to_num(np.round(sig["job_change_days"])).astype(int),
                   ~np.isnan(sig["job_change_days"]), lambda d: f"changed jobs {ago(d)}"),
            _table(np.nan_to_num(np.minimum(np.round(sig["overdue_days"]), 366)).astype(int),
                   ~np.isnan(sig["overdue_days"]), overdue_phrase),
            _table(np.zeros(len(rows), dtype=int), ~np.isnan(sig["new_connection_days"]),
                   lambda _: "new connection"),
            _table(np.nan_to_num(np.round(sig["since_last_days"] / 30)).astype(int),
                   sig["warm"] & sig["stale"] & np.isnan(sig["overdue_days"]),
                   lambda m: f"last in touch {m} months ago"),
        ]
    sig["unanswered"] = model.signals_.outreach[rows] > replies
    return _combine(tables, len(rows)), next_steps(outcomes, vals, sig)


def _combine(tables, n: int) -> list[list[str]]:
    """Per row, the phrases of every table whose code is set, built once per distinct combination."""
    key = np.zeros(n, dtype=np.int64)
    for codes, phrases in tables:  # after each factorize, key numbers the combinations so far 0..k-1
        key = pd.factorize(key * (len(phrases) + 1) + codes + 1)[0].astype(np.int64)
    n_combos = int(key.max()) + 1 if n else 0
    first = np.zeros(n_combos, dtype=np.int64)
    first[key[::-1]] = np.arange(n - 1, -1, -1)
    lists = np.empty(n_combos, dtype=object)
    columns = [codes[first].tolist() for codes, _ in tables]
    lists[:] = [[tables[k][1][c] for k, c in enumerate(row) if c >= 0] for row in zip(*columns)]
    return list(map(list.copy, lists[key].tolist()))  # own lists: a caller may edit one row's


def next_steps(outcomes: np.ndarray, vals: dict[str, np.ndarray], sig: dict[str, np.ndarray]) -> np.ndarray:
    """One action per contact: a timely occasion first, then what the goal needs given warmth.

    A job change is the most natural reason to write; a recent message still unanswered calls
    for a follow-up, not a new ask; an overdue keep-in-touch or a stale warm relationship calls
    for reconnecting before asking; a new connection gets a note. Otherwise a warm contact can
    be asked for what the goal needs (a referral only where they work at a target company, an
    introduction elsewhere; candidates for hiring; an event invitation for visibility) and a
    cold one is first engaged lightly (a coffee chat, an event invitation for prospects).
    ``outcomes`` holds each row's goal outcome as an index into sorted(OUTCOME_PHRASES).
    """
    steps = ["Congratulate on the new role", "Reconnect", "Send a connection note", "Ask for an introduction",
             FOLLOW_UP]
    steps += sorted((set(WARM_STEPS.values()) | set(COLD_STEPS.values())) - set(steps))
    index = {s: i for i, s in enumerate(steps)}
    kinds = sorted(OUTCOME_PHRASES)
    warm = np.array([index[WARM_STEPS[k]] for k in kinds])[outcomes]
    cold = np.array([index[COLD_STEPS[k]] for k in kinds])[outcomes]
    referral_elsewhere = (outcomes == kinds.index("referral")) & (vals["company"] < TARGET_COMPANY)
    warm = np.where(referral_elsewhere, index["Ask for an introduction"], warm)
    unanswered = sig.get("unanswered", np.zeros(len(outcomes), dtype=bool))
    with np.errstate(invalid="ignore"):
        follow_up = unanswered & (sig["since_last_days"] <= FOLLOW_UP_DAYS)
    conditions = [
        ~np.isnan(sig["job_change_days"]),
        follow_up,
        ~np.isnan(sig["overdue_days"]) | (sig["warm"] & sig["stale"]),
        ~np.isnan(sig["new_connection_days"]),
        sig["warm"],
    ]
    code = np.select(conditions, [0, index[FOLLOW_UP], 1, 2, warm], default=cold)
    return np.array(steps, dtype=object)[code]


def _family_phrase(model, i: int, option) -> str:
    t = taxonomy()
    code = model.family_codes_[i]
    read = f"reads as {t.label(t.names[code])}" if code >= 0 else "title names no known role family"
    asked = ", ".join(sorted(t.label(f) for f in option.families))
    return f"{read}; goal asks {asked}" if asked else read


def _company_phrase(model, i: int, value: float) -> str:
    code = model.industry_codes_[i]
    industry = f"{model.industries_[code]}{' (inferred)' if model.industry_inferred_[i] else ''}" if code >= 0 \
        else "industry unknown"
    where = "a target company" if value >= 1 else "a target industry" if value > 0 else "not a target"
    return f"{where}; {industry}"


def _on_ladder(levels) -> list[str]:
    """Levels in the ladder's order, lowest first."""
    return sorted(levels, key=SENIORITY_LEVELS.index)


def _far_below(option, code: int) -> bool:
    far = far_below_named_level(option, np.array([code]))
    return far is not None and bool(far[0])


def contribution_details(model, i, g, s, option, terms) -> dict[str, str]:
    """What each component of contact ``i``'s score for goal ``g`` read, in words (``explain``)."""
    sig = {k: v[i] for k, v in s.signals.items()}
    code = model.seniority_codes_[i]
    level = SENIORITY_LEVELS[code] if code >= 0 else "unknown"
    company = model.company_names_[model.company_codes_[i]] if model.company_codes_[i] >= 0 else "no company"
    rel = model.relationship_codes_[i]
    return {
        "text": f"role fit {s.values['text'][i, g]:.2f}: {_family_phrase(model, i, option)}"
                + (f"; shares {', '.join(terms[:5])}" if terms else "; no shared terms")
                + (f"; {level} level, too far below the {_on_ladder(asked_levels(option))[0]} level "
                   f"{'its roles name' if option.level_named else 'the goal asks'} for the words to count"
                   if _far_below(option, code) else ""),
        "company": f"{company} ({_company_phrase(model, i, s.values['company'][i, g])})",
        "seniority": f"{level} level; goal asks {', '.join(_on_ladder(option.seniority)) or 'any'}",
        "relationship": model.relationships_[rel] if rel >= 0 else "no relationship noted",
        "warmth": f"warmth {sig['warmth']:.2f} (strength, replies, recent contact)",
        "timing": f"timing {sig['timing']:.2f} (cadence, job change, new connection)",
        "fatigue": f"suggested {int(model.signals_.times_recommended[i])} times without action",
        "response": "learned chance of a response",
    }
