"""Word forms folded in the text as the taxonomy folds them in titles (text.py reads them)."""

from __future__ import annotations

import re
from functools import lru_cache

# The text folds the word forms of roles.toml [word_forms] whose form is one of these: "Recruitment
# Consultant" shares "recruiter" with a Recruiters segment, "Head of Data Science" shares "scientist"
# with "data scientist", a call for "speakers" meets a goal to "speak", a "Barrister & Solicitor" shares
# "lawyer" with a goal asking for lawyers. Before, those words met only
# in the taxonomy: 72 of a network's 237 recruiters ("Recruitment Specialist", "Recruitment Manager")
# shared no word with "recruiter, talent partner, talent acquisition" and were left out of the
# Recruiters segment.
# Not every form: folding them all ("engg" and "engineers" as "engineer", "management" as "manager",
# "analytics" as "analyst") moved the text fit of many titles a little, and with it whom the
# learning simulation's user wrote to: its seniority truth's mean lift over ten seeds fell from 1.41x
# to 1.02-1.23x, under the 1.25x the learning issue asks (tests/test_learning_eval.py). The taxonomy
# still reads every form, so those titles keep their role family.
TEXT_FORM_TARGETS = frozenset({"recruiter", "scientist", "speaker", "lawyer"})
_ONE_WORD = re.compile(r"(?u)\w+")
_WORD = re.compile(r"(?u)\b\w+\b")  # the vectorizer's tokens, words of one character too


@lru_cache(maxsize=1)
def text_forms() -> dict[str, str]:
    """Word -> the form it is read as, for the text (TEXT_FORM_TARGETS' forms in the roles file)."""
    from .taxonomy import taxonomy  # the roles file, loaded once (taxonomy reads titles, which text does not)

    return {word: form for word, form in taxonomy().forms.items()
            if form in TEXT_FORM_TARGETS and word != form and _ONE_WORD.fullmatch(word)}


def fold_forms(text: str) -> str:
    """The vectorizer's preprocessor: lower case, as its default one, and word forms folded."""
    forms = text_forms()
    return _WORD.sub(lambda m: forms.get(m.group(), m.group()), text.lower())
