"""Match keys: how two rows from different exports are recognised as the same person.

Re-importing a file must add nobody, and the same person exported from LinkedIn and from Google
must become one contact. We match on the normalized LinkedIn profile URL first (unique per
person), then on e-mail (case-insensitive), then on name + company.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

_URL_PREFIX = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?(?:www\.)?linkedin\.com/", re.IGNORECASE)
_COMPANY_SUFFIX = re.compile(
    r"[,.\s]+(?:inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|bv|plc|corp|corporation|co)\.?$", re.IGNORECASE
)
_NON_WORD = re.compile(r"[^\w]+")


def url_key(url: str | None) -> str | None:
    """``https://www.linkedin.com/in/Ken-O%E2%80%99Brien/`` -> ``in/ken-o’brien``."""
    if not url:
        return None
    text = unquote(url.strip()).split("?", 1)[0].split("#", 1)[0].rstrip("/")
    text = _URL_PREFIX.sub("", text)
    return text.lower() or None


def email_key(email: str | None) -> str | None:
    if not email:
        return None
    # Google's older export joins several addresses with " ::: "; the first is the primary one.
    first = email.split(":::", 1)[0].strip().lower()
    return first or None


def fold(text: str | None) -> str:
    """Lower-case, accents removed, punctuation collapsed: 'O’Brien' and 'OBrien' stay distinct
    but 'José' and 'Jose' agree, which is how people retype names."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", plain.lower()).strip()


def company_key(company: str | None) -> str:
    if not company:
        return ""
    return fold(_COMPANY_SUFFIX.sub("", company.strip()))


def name_key(full_name: str | None, company: str | None) -> str | None:
    name = fold(full_name)
    if not name:
        return None
    return f"{name}|{company_key(company)}"
