"""Word forms, folded in the text as the taxonomy folds them in titles (text.py reads them)."""

from __future__ import annotations

import re
from functools import lru_cache

# Word forms are folded in the text as the taxonomy folds them (roles.toml [word_forms], which a user
# can extend): "Recruitment Consultant" shares "recruiter" with a Recruiters segment and "Product
# Management" shares "manager" with "Product Manager". Before, the words met only in the taxonomy: 72
# of a network's 237 recruiters ("Recruitment Specialist", "Recruitment Manager") shared no word with
# "recruiter, talent partner, talent acquisition" and were left out of the Recruiters segment. Not
# "managing": a managing director or partner is no manager; nor "investment": an investment banker,
# analyst or officer is no investor (the taxonomy tells them apart by whole phrases, the text by words).
TEXT_FORMS_LEFT_OUT = frozenset({"managing", "investing", "investment", "investments"})
_ONE_WORD = re.compile(r"(?u)\w+")
_WORD = re.compile(r"(?u)\b\w+\b")  # the vectorizer's tokens, words of one character too


@lru_cache(maxsize=1)
def text_forms() -> dict[str, str]:
    """Word -> the form it is read as, for the text (one-word forms of the roles file)."""
    from .taxonomy import taxonomy  # the roles file, loaded once (taxonomy reads titles, which text does not)

    return {word: form for word, form in taxonomy().forms.items()
            if word != form and word not in TEXT_FORMS_LEFT_OUT and _ONE_WORD.fullmatch(word)
            and _ONE_WORD.fullmatch(form)}


def fold_forms(text: str) -> str:
    """The vectorizer's preprocessor: lower case, as its default one, and word forms folded."""
    forms = text_forms()
    return _WORD.sub(lambda m: forms.get(m.group(), m.group()), text.lower())
