"""Job titles and seniority, normalized so that TF-IDF can match them (company names: company_names.py).

Titles in a LinkedIn export are written for humans: "Sr. PM @ Stripe (she/her)", "VP Eng",
"Group PM". TF-IDF only sees tokens, so "PM" and "product manager" would never meet. Everything
here turns such text into plain, expanded, lower-case words, and adds a hint where a title
implies a role it does not spell out ("Head of Product" leads product managers, so it should
match a goal that targets product managers).

All functions are pure and cheap; callers apply them to *distinct* values only.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from engine.vocabulary import SENIORITY_LEVELS  # noqa: F401 (ranker, scoring and taxonomy read it from here)

# (taxonomy and others read these from here too)
from .seniority import _SENIORITY_WORDS, LEVEL_WORDS, level_beside_side_seats, seniority_of_normalized  # noqa: F401

# Abbreviations expanded token by token (after punctuation is stripped). Not 'de' (French 'of' or a
# country in every real title that has it) nor 'ic' ('IC Design Engineer': integrated circuits).
_ABBREVIATIONS: dict[str, str] = {
    "sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior",
    "vp": "vice president", "svp": "senior vice president", "evp": "executive vice president",
    "avp": "assistant vice president", "vps": "vice president",
    "swe": "software engineer", "swes": "software engineer", "sde": "software development engineer",
    "pm": "product manager", "pms": "product manager", "apm": "associate product manager",
    "tpm": "technical program manager", "em": "engineering manager", "ems": "engineering manager",
    "mgr": "manager", "mngr": "manager", "dir": "director",
    "cto": "chief technology officer", "ceo": "chief executive officer", "cfo": "chief financial officer",
    "coo": "chief operating officer", "cpo": "chief product officer", "cmo": "chief marketing officer",
    "cio": "chief information officer", "ciso": "chief information security officer",
    "cro": "chief revenue officer", "cdo": "chief data officer", "chro": "chief human resources officer",
    "ctos": "chief technology officer", "ceos": "chief executive officer",
    "ml": "machine learning", "ai": "artificial intelligence", "nlp": "natural language processing",
    "ux": "user experience", "ui": "user interface", "qa": "quality assurance",
    "hr": "human resources", "bd": "business development", "it": "information technology",
    "dev": "developer", "devs": "developer", "devrel": "developer relations",
    "sre": "site reliability engineer", "ops": "operations", "mktg": "marketing", "gtm": "go to market",
    "acct": "account", "assoc": "associate", "asst": "assistant", "admin": "administrator",
    "exec": "executive", "pres": "president", "ae": "account executive",
    "sdr": "sales development representative", "bdr": "business development representative",
    "ta": "talent acquisition", "gm": "general manager", "md": "managing director",
    "mts": "member technical staff", "sw": "software", "hw": "hardware", "fe": "frontend",
    "be": "backend", "ds": "data scientist", "pmm": "product marketing manager",
    "cs": "customer success", "csm": "customer success manager", "vc": "venture capital",
    "r&d": "research and development", "rnd": "research and development", "mgmt": "management",
    "eng": "engineering", "engr": "engineer", "engs": "engineer",
    "rep": "representative", "reps": "representative",
}

# Plurals of role nouns, so "Product Managers" (a goal or an event audience) meets "product manager".
_PLURALS: dict[str, str] = {
    w + "s": w
    for w in (
        "manager", "engineer", "designer", "founder", "recruiter", "developer", "leader", "director",
        "executive", "scientist", "analyst", "marketer", "investor", "consultant", "officer", "architect",
        "researcher", "student", "partner", "owner", "head", "lead", "intern", "president", "associate",
        "accountant", "writer", "strategist", "specialist", "mentor", "coach", "advisor", "operator",
    )
}

# Credentials and badges that say nothing about the role.
_NOISE_TOKENS = frozenset(
    "phd mba cpa pmp cfa cspo pe shrm cissp msc bsc mphil frm acca cma ex former "
    "opentowork she her hers he him his they them theirs".split()
)
_PRONOUNS = re.compile(r"\(?\b(she|he|they)\s*/\s*(her|him|them|hers|his|theirs)\b\)?")
# (text every match contains, pattern, replacement): a pattern is only run on text that has it,
# which skips nearly all of them for nearly every title.
_COMPOUNDS = (
    ("front", re.compile(r"\bfront[\s-]?end\b"), "frontend"),
    ("back", re.compile(r"\bback[\s-]?end\b"), "backend"),
    ("full", re.compile(r"\bfull[\s-]?stack\b"), "fullstack"),
    ("founder", re.compile(r"\bco[\s-]?founder\b"), "founder"),
    ("commerce", re.compile(r"\be[\s-]?commerce\b"), "ecommerce"),
    ("cyber", re.compile(r"\bcyber[\s-]security\b"), "cybersecurity"),
    ("c+", re.compile(r"\bc\+\+"), "cpp"),
    ("c#", re.compile(r"\bc#"), "csharp"),
    ("r&d", re.compile(r"\br&d\b"), "research and development"),
    # "L&D Manager", "C&B Specialist", "Comp & Ben": the initials of a field, before "&" is "and"
    ("&", re.compile(r"\bl\s?&\s?d\b"), "learning and development"),
    ("&", re.compile(r"\b(?:c\s?&\s?b|comp(?:ensation)?\s?&\s?ben(?:efits?)?)\b"), "compensation and benefits"),
    ("&", re.compile(r"&"), " and "),
    ("chief finance", re.compile(r"\bchief finance officer\b"), "chief financial officer"),
)
# What sends a first part through the plain title's rewrites: a compound's text ("&" only where it
# joins initials: "L&D", "C&B"), or a dot ("C.E.O").
_COMPOUND_NEEDLE = re.compile("|".join(map(re.escape, [needle for needle, _, _ in _COMPOUNDS if needle != "&"]
                                                       + [".", "l&d", "l & d", "c&b", "c & b", "comp &", "comp&"])))
# Initials written with dots ("C.E.O", "M.D."): one word, as typed without them.
_DOTTED_WORD = re.compile(r"\b((?:[a-z]\.){1,}[a-z])\b\.?")
_WORD = re.compile(r"[a-z0-9]+")
# "eng" is "engineering" before manager/lead/director or after vp/of, otherwise "engineer".
_ENG_AS_FIELD_NEXT = frozenset({"manager", "mgr", "lead", "director", "dir", "team", "management", "leader"})
_ENG_AS_FIELD_PREV = frozenset({"vp", "of", "president", "director", "head", "svp", "evp", "mgr", "manager"})

# Leaders of a function also match that function's role ("Head of Product" ~ "product manager").
# Design leaders are designers themselves, so they also get the IC role.
_FUNCTION_ROLES: dict[str, tuple[str, ...]] = {
    "product": ("product manager",), "engineering": ("engineering manager",),
    "design": ("designer", "design manager"), "marketing": ("marketing manager",),
    "sales": ("sales manager",), "data": ("data science manager",),
    "people": ("human resources manager",), "talent": ("recruiter",),
    "growth": ("growth manager",), "operations": ("operations manager",), "finance": ("finance manager",),
    "research": ("researcher", "research manager"),
    # the people function's leaders by its other name ("Chief Human Resources Officer", "HR Director")
    "human resources": ("human resources manager",),
}
# the leadership hint of a function named two ways: one hint, so that either name meets the other
_LEADERSHIP_OF = {"human resources": "people"}
# what "talent" leads when it is no recruiting: the people already hired
_TALENT_KEPT = ("management", "development", "and", "engagement", "performance", "strategy", "transformation")
_LEADER = r"(?:head|director|vice president|chief|lead|leader|svp|evp)"
_FUNCTION_LEADER = re.compile(
    rf"\b{_LEADER}(?: of)? ({'|'.join(_FUNCTION_ROLES)})\b|\b({'|'.join(_FUNCTION_ROLES)}) {_LEADER}\b"
)
_LEADER_WORDS = frozenset("head director vice chief lead leader svp evp".split())  # one is in every match
# A company's financial controller runs its books, as a finance director does (a deputy assists one)
_FINANCE_CONTROLLER = re.compile(r"(?<!deputy )(?<!assistant )\b(financial|finance|group|corporate) controller\b"
                                 r"|\bcomptroller\b")
# Recruiting's words: a recruiter, a recruitment consultant, a sourcer and a talent acquisition
# specialist do one job, and a goal names it either way ("Recruiter", "Talent Acquisition")
_RECRUITING_WORDS = frozenset({"recruiter", "recruiters", "recruitment", "recruiting", "sourcer", "headhunter"})
# Learning and development by its other names: a training manager and a talent development lead do an
# L&D manager's job ("Training Manager" shared only "manager" with "Learning and Development Manager",
# and came after human resources managers: a fifteenth probe). "Learning" is L&D only in these phrases:
# a machine learning researcher or a learning scientist is not.
_LEARNING_DEVELOPMENT = re.compile(r"\b(training|learning (and )?development|head of learning|learning "
                                   r"(specialist|manager|officer|partner|lead|consultant|coordinator|experience|director)|"
                                   r"talent development|capability development)\b")
# Teaching by its names: a professor, a tutor and an educator teach as a teacher and a lecturer do; an
# education family's student, coach or campus ambassador does not ("Learn about teaching careers" ranked
# MBA candidates and a fitness trainer level with assistant professors: a fifteenth probe)
_TEACHING_WORDS = frozenset({"teacher", "teachers", "lecturer", "lecturers", "professor", "professors", "tutor",
                             "tutors", "educator", "educators"})  # (a teaching assistant is mostly a student)
# DevOps by its names: cloud, platform and site reliability engineers keep systems running
# as DevOps engineers do ("Meet DevOps engineers" ranked "Cloud Engineer 1" 53rd, after senior software
# engineers who shared as much: "engineer"; a fifteenth probe)
_DEVOPS = re.compile(r"\b(devops|cloud (engineer|engineering|architect|operations|ops|administrator)|"
                     r"site reliability|platform engineer(ing)?)\b")  # ("SRE" is spelled out by then)
_CYBERSECURITY = re.compile(r"\b(information|information technology|network|cloud|application|data) security\b|"
                            r"\bsecurity (engineer|analyst|architect|operations|specialist)\b")
_GROUP_PM = re.compile(r"\b(group|principal|senior director|director) product manager\b")
# A product designer by another name (not an interior or a layout designer).
_DIGITAL_DESIGNER = re.compile(r"\b(user experience|user interface|interaction|experience|ux|ui) design(er)?\b")
_DEVELOPER = re.compile(r"\b(backend|back end|frontend|front end|full stack|fullstack|software|mobile|ios|android|"
                        r"web|platform|data|machine learning) developer\b")
# In a tech network a bare "Staff Engineer" or "Principal Engineer" is a software engineer.
_BARE_ENGINEER = re.compile(
    r"^(?:(?:staff|principal|senior|lead|founding|distinguished) )?engineer(?: i{1,3}| iv)?$"
)

def _is_missing(text) -> bool:
    return text is None or (isinstance(text, float) and math.isnan(text))


def normalize_title(text, hints: bool = True) -> str:
    """Lower-case, de-noised, abbreviation-expanded title, with role hints appended (unless not
    ``hints``: the plain form is what reasons quote).

    >>> normalize_title("Sr. PM @ Stripe (she/her)")
    'senior product manager stripe'
    >>> normalize_title("Head of Product")
    'head of product manager product leadership'
    """
    if _is_missing(text):
        return ""
    role, company = _role_and_company(str(text))
    plain = _plain_title(role)
    return " ".join(filter(None, (_with_hints(plain), company))) if hints else plain


def _role_and_company(text: str) -> tuple[str, str]:
    """(the role part of a raw title, the employer it names in plain words, or ""): "Business Analyst @
    AIM Group (Owners of Coolfm)" is read before the "@", so the company's words ("owners") are never
    the person's role or level; the hinted text keeps them."""
    at = _AT_COMPANY.search(text)
    if at is None or not _LETTER.search(text, 0, at.start()):
        return text, ""
    return text[:at.start()], _plain_title(text[at.end():])


@lru_cache(maxsize=1 << 18)
def title_forms(text: str) -> tuple[str, str, str | None, str | None]:
    """(hinted title, plain title, seniority, first part) of one raw title, from one normalizing
    pass: what fitting needs of each distinct title. ``first part``: the raw text before a
    separator (" - ", " | ", ", ", ...) that starts another part ("Recruitment Specialist" of
    "Recruitment Specialist - Cybersecurity"), else None; ``first_part_words`` reads it when a
    reading needs it. Kept per title across fits, so refitting after an edit only normalizes
    titles it has not seen."""
    role, company = _role_and_company(text)
    plain = _plain_title(role)
    present = _CUE_WORDS.intersection(plain.split())
    hinted = " ".join(filter(None, (_with_hints(plain, present), company)))
    parted = _PART_SEPARATOR.search(role)
    level = seniority_of_normalized(plain, present)
    if parted and level == "executive":  # a board seat beside the job is not its level
        level = level_beside_side_seats(plain, first_part_words(role[:parted.start()]), level)
    return hinted, plain, level, role[:parted.start()] if parted else None


# Where a title's first part ends and another begins: "Software Engineer | Speaker", "Head of Sales
# - Cybersecurity", "Data Scientist, Marketing Analytics", "CTO • Angel".
_PART_SEPARATOR = re.compile(r"\s[-–—/]\s|[|•·;,]")
# Where a title names the employer: "Data Engineer at Credit Direct", "Sr. PM @ Stripe".
_AT_COMPANY = re.compile(r"\s(?:at|AT|At)\s|\s?@\s?")
_LETTER = re.compile(r"[^\W\d_]")


def first_part_words(first: str) -> str:
    """A title's first part (``title_forms``) in the plain title's words: its tokens as
    _plain_title maps them, "&" read as "and", without its other rewrites (compounds, pronouns), at
    a third of the cost; the same words for all but a few titles."""
    lower = first.lower()
    if _COMPOUND_NEEDLE.search(lower) or "office of " in lower:  # "Full-stack Developer": as the plain title reads
        return _plain_title(first)
    words = [w for w in map(_TOKEN_WORDS.__getitem__, _WORD.findall(lower)) if w]
    return " ".join(words + ["and"] * lower.count("&"))


def clear_caches() -> None:
    """Forget every title read so far, as in a fresh process (benchmarks of the cold path)."""
    title_forms.cache_clear()
    _TOKEN_WORDS.clear()
    from .company_names import company_aliases, normalize_company
    from .goals import forget_options
    from .industries import infer_industry  # these read titles and companies with this module
    from .taxonomy import taxonomy
    from .text import forget_fits

    normalize_company.cache_clear()
    company_aliases.cache_clear()
    infer_industry.cache_clear()
    taxonomy()._read.cache_clear()
    taxonomy()._first_part.cache_clear()
    taxonomy()._coded.clear()  # each distinct title's coded reading (it had been kept: a second cold fit read none)
    forget_fits()
    forget_options()


# Whom an assistant assists is not their role: "Executive Assistant to the MD/CEO" is an assistant,
# not an executive (20 of the real titles), up to the next part of the title.
_WHOM = re.compile(r"\b(assistant|secretary|pa|aide|advis[eo]r|chief of staff)\s+to\s+[^/|,;()•]*"
                   r"(?:/\s*(?:ceo|md|coo|cfo|cto|gmd|chairman|president|founder|managing director)\b[^/|,;()•]*)*")


# Whose assistant they are is not their role either: "MD/CEO's Secretary", "Chief Executive Officer's
# Assistant" (the part of the title up to the possessive goes).
_WHOSE = re.compile(r"(^|[|,;(•]\s*)[^|,;()•]*?['’]s\s+(secretary|assistant|aide|pa)\b")


# Whose office one works in is not one's role either: "Executive Support, Office of the Group Executive
# Director", "Chief of Staff, Office of the CEO" (up to the next part of the title).
_OFFICE_OF = re.compile(r"\boffice of (the )?[^/|,;()•]*")


def _rewrite(text: str) -> str:
    """Lower case, pronouns out, whom an assistant assists out, compounds joined ("front-end" ->
    "frontend")."""
    text = text.lower()
    if "." in text:
        text = _DOTTED_WORD.sub(lambda m: m.group(1).replace(".", ""), text)
    if "/" in text:
        text = _PRONOUNS.sub(" ", text)
    if " to " in text:
        text = _WHOM.sub(r"\1 ", text)
    if "office of " in text:
        text = _OFFICE_OF.sub(" ", text)
    if "s " in text and ("'s " in text or "’s " in text):
        text = _WHOSE.sub(r"\1\2", text)
    for needle, pattern, replacement in _COMPOUNDS:
        if needle in text:
            text = pattern.sub(replacement, text)
    return text


# What a person was is not what they are: "HR Business Partner | Ex-Founder" is no founder, "Ex-Google
# Engineer" is an engineer: the word after "ex" or "former" goes with it (after the compounds, so that
# "Ex-Co-founder" goes whole).
_FORMER_WORDS = frozenset({"ex", "former", "formerly"})


def _without_former(tokens: list[str]) -> list[str]:
    kept, skip = [], False
    for token in tokens:
        if token in _FORMER_WORDS:
            skip = True
        elif skip:
            skip = False
        else:
            kept.append(token)
    return kept


class _TokenWords(dict):
    """Raw title token -> its word(s) in a plain title ("" for noise), filled as tokens are met."""

    def __missing__(self, token: str) -> str:
        if len(self) > 1 << 18:  # bounded, whatever a process reads
            self.clear()
        word = "" if token in _NOISE_TOKENS else _PLURALS.get(token) or _ABBREVIATIONS.get(token, token)
        self[token] = word
        return word


_TOKEN_WORDS = _TokenWords()


def _plain_title(text: str) -> str:
    tokens = _WORD.findall(_rewrite(str(text)))
    if not _FORMER_WORDS.isdisjoint(tokens):
        tokens = _without_former(tokens)
    if "eng" not in tokens:  # nearly every title: each token on its own
        return " ".join(filter(None, map(_TOKEN_WORDS.__getitem__, tokens)))
    return _plain_title_eng([t for t in tokens if t not in _NOISE_TOKENS])


def _plain_title_eng(tokens: list[str]) -> str:
    """A title with "eng", read by its neighbours."""
    words: list[str] = []
    for i, token in enumerate(tokens):
        if token == "eng":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            prev = tokens[i - 1] if i else ""
            as_field = nxt in _ENG_AS_FIELD_NEXT or prev in _ENG_AS_FIELD_PREV or not nxt and not prev
            words.append("engineering" if as_field else "engineer")
        else:
            words.append(_PLURALS.get(token) or _ABBREVIATIONS.get(token, token))
    return " ".join(words)


@lru_cache(maxsize=1 << 14)
def role_hints(plain: str) -> str:
    """A plain title (``title_forms``) with the roles it implies but does not spell out appended."""
    return _with_hints(plain)


def quoted(term: str, plain: str) -> str | None:
    """A matched term as the plain title writes it: its words in the title's order, with the small
    words between them ("head of tax" for the term "head tax"), else only the words that matched
    ("chief … officer" for "officer chief", a bigram across "Chief Financial Officer (CFO)");
    None when the title does not hold its words (they are in its hints only)."""
    words, found = plain.split(), []
    for w in term.split():
        if w not in words:
            return None
        found.append(words.index(w))
    lo, hi = min(found), max(found)
    between = words[lo + 1:hi]
    if hi - lo < 4 and all(w in _SMALL_WORDS or i + lo + 1 in found for i, w in enumerate(between)):
        return " ".join(words[lo:hi + 1])  # "head of tax": only small words between
    return " … ".join(words[i] for i in sorted(set(found)))  # "chief … officer": what matched, in order


# Words that join a title's words and name nothing by themselves ("head of tax")
_SMALL_WORDS = frozenset("of and the for in at to a an".split())


def _with_hints(out: str, present: frozenset[str] | set[str] | None = None) -> str:
    """A plain normalized title with the roles it implies but does not spell out appended.
    ``present``: the title's words among _CUE_WORDS, when the caller has them."""
    extra: list[str] = []
    if present is None:
        present = _CUE_WORDS.intersection(out.split())
    for match in _FUNCTION_LEADER.finditer(out) if not _LEADER_WORDS.isdisjoint(present) else ():
        function = match.group(1) or match.group(2)
        if function == "talent" and out.startswith(_TALENT_KEPT, match.end() + 1):
            continue  # "Head, Talent Management": developing people, not recruiting them
        extra += [*_FUNCTION_ROLES[function], f"{_LEADERSHIP_OF.get(function, function)} leadership"]
    if "product manager" in out and _GROUP_PM.search(out) or "chief product officer" in out:
        extra += ["product manager", "product leadership"]
    if ("chief financial officer" in out or "financial director" in out  # finance's leaders, written "financial"
            or "troller" in out and _FINANCE_CONTROLLER.search(out)):  # controller, comptroller
        extra += ["finance manager", "finance leadership"]
    if "chief operating officer" in out:  # operations' leader, written "operating"
        extra += ["operations manager", "operations leadership"]
    if "security" in out and _CYBERSECURITY.search(out):  # the field by its other names
        extra.append("cybersecurity")
    if "engineer" in out and _BARE_ENGINEER.match(out):
        extra.append("software engineer")
    if _RECRUITING_WORDS.intersection(out.split()) or "talent acquisition" in out:
        extra += ["recruiter", "talent acquisition"]  # one job by its two names (and a sourcer's)
    if ("devops" in out or "cloud" in out or "reliab" in out or "platform" in out) and _DEVOPS.search(out):
        extra += ["devops engineer", "cloud engineer", "site reliability engineer"]
    if _TEACHING_WORDS.intersection(out.split()):
        extra += ["teacher", "lecturer"]
    if ("train" in out or "learning" in out or "development" in out) and _LEARNING_DEVELOPMENT.search(out):
        extra += ["learning and development", "training"]
    if "design" in out and _DIGITAL_DESIGNER.search(out):
        extra.append("product designer")
    if "developer" in out:  # a "Backend Developer" is a backend engineer by another name
        extra += [f"{match.group(1)} engineer" for match in _DEVELOPER.finditer(out)]
    if not extra:
        return out
    for hint in dict.fromkeys(extra):
        if hint not in out:
            # "head of product" + "product manager" -> "head of product manager": no "product product".
            first, _, rest = hint.partition(" ")
            out += " " + (rest if rest and out.endswith(" " + first) else hint)
    return out


# Words one of which a leader hint or a seniority rule needs: a title's words among these, found
# once, say which of them to try.
_CUE_WORDS = _LEADER_WORDS | _SENIORITY_WORDS


def parse_seniority(title) -> str | None:
    """Seniority level of a raw title, one of SENIORITY_LEVELS, or None when there is no title.

    "Product manager" is an individual-contributor role, so it is "mid" unless qualified; an
    "Engineering Manager" manages people, so it is "manager".
    """
    plain = normalize_title(title, hints=False)
    level = seniority_of_normalized(plain)
    if level == "executive":  # a board seat beside the job is not its level (title_forms)
        role, _ = _role_and_company(str(title))
        parted = _PART_SEPARATOR.search(role)
        if parted:
            level = level_beside_side_seats(plain, first_part_words(role[:parted.start()]), level)
    return level


def normalize_seniority(value) -> str | None:
    """Map a goal's seniority word ("Staff", "C-level", "VP") onto SENIORITY_LEVELS, or None:
    a level, an alias of one in roles.toml, else the word read as a title is."""
    from .taxonomy import taxonomy  # which reads titles with this module

    return taxonomy().level_of(value)
