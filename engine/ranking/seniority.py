"""Seniority read from a normalized job title (titles.normalize_title without hints): the rules, in
order, and the words one of which each needs. Apart from titles.py, which reads the rest of a title."""

from __future__ import annotations

import re

# Seniority rules on the normalized title; the first that matches wins, so order matters.
_IC_MANAGER = re.compile(
    r"\b(product|program|project|account|community|success|relationship|partner|content|media|"
    r"brand|office|case|portfolio|category|channel|campaign)\s+manager\b"
)
# Each rule with the words one of which any of its matches contains, so that a rule is only run on
# a title that has one (most titles have none: they are "mid" without running a rule). Words
# marked "!" match the rule on their own (a whole word is all the rule asks of them): a title
# with one needs no run at all.
_SENIORITY_RULES: tuple[tuple[str, re.Pattern, frozenset[str], frozenset[str]], ...] = tuple(
    (level, re.compile(pattern), frozenset(w[1:] for w in words.split() if w[0] == "!"),
     frozenset(w for w in words.split() if w[0] != "!"))
    for level, pattern, words in (
        ("founder", r"\bfounder\b|\bfounding (partner|engineer)\b", "!founder founding"),
        # An owner of a business is one; a product's, a process's or a risk's owner is not a level
        # ("Product Owner" is a product role). A board's chair or member is an executive.
        ("executive", r"\bchief \w+( \w+)? officer\b|(?<!vice )\bpresident\b|\bmanaging (director|partner)\b|"
                      r"\bgeneral partner\b|(?<!product )(?<!process )(?<!service )(?<!data )(?<!risk )"
                      r"(?<!control )(?<!platform )(?<!feature )(?<!system )(?<!content )\bowner\b|^partner\b|"
                      r"\bchair(man|woman|person)?\b(?! of (the )?(department|committee|session|panel))|"
                      r"\bboard (member|director)\b|\bmember of the board\b|\b(vice )?chancellor\b|"
                      # a company's general counsel is its chief lawyer; a deputy or an associate is not
                      r"(?<!deputy )(?<!associate )(?<!assistant )\bgeneral counsel\b",
         "chief president managing partner owner chair chairman chairwoman chairperson board chancellor counsel"),
        ("vp", r"\bvice president\b|\bdeputy general counsel\b", "vice counsel"),
        # "head" anywhere ("Group Head, Human Resources", "Company Secretary/Head, Legal"), but not
        # a deputy's or an assistant's, nor a place ("Head Office") or a head hunter.
        ("director", r"\bdirector\b|(?<!deputy )(?<!assistant )\bhead\b(?! office| hunter| quarters)|"
                     r"\bchief\b(?! of staff)|"  # a chief who is no officer: "Chief Pharmacist", "Chief Accountant"
                     r"\b(associate|assistant) general counsel\b|"  # a general counsel's senior lawyers
                     # a financial controller runs a company's accounting (a credit, cost or stock one does not)
                     r"(?<!deputy )(?<!assistant )\b(financial|finance|group|corporate) controller\b|"
                     r"\bcomptroller\b|^controller$",
         "!director head chief counsel controller !comptroller"),
        ("intern", r"\bintern(ship)?\b|\btrainee\b|\bapprentice\b|\bstudent\b|\bworking student\b",
         "!intern !internship !trainee !apprentice !student"),
        # on the title without its IC "... manager" roles (_IC_MANAGER): "manager" may be gone
        # "management" is a level as a body of people ("Management Team") or alone ("Senior
        # Management"), not as a field: before a role ("Data Management Analyst", "Management
        # Consultant") or after one ("Consultant - Infrastructure Management", "Risk Management").
        ("manager", r"\b(deputy|assistant) head\b|\bmanager\b|"
                    r"\b(deputy|assistant) ((financial|finance|group|corporate) )?controller\b|"
                    r"\bmanagement(?= (team|board|committee|member|level|role|position)\b)|"
                    r"^((senior|middle|top|upper|executive|general) )?management$|\bsupervisor\b",
         "manager management !supervisor head controller"),
        # "staff" is a level in technical ladders ("Staff Engineer", "Staff Data Scientist"), not in
        # "Staff Nurse", "Staff Accountant" or "Member of Technical Staff"
        ("lead", r"\blead(er)?\b|\bprincipal\b|\bgroup product manager\b|\barchitect\b|"
                 r"^(senior )?staff (\w+ ){0,3}(engineer|developer|scientist|designer|researcher|architect|manager|"
                 r"engineering)\b",
         "!lead !leader !principal staff group !architect"),
        ("junior", r"\bjunior\b", "!junior"),  # before a grade: "Junior Software Developer IV" is junior
        ("senior", r"\bsenior\b|\biii\b|\biv\b", "!senior !iii !iv"),
        ("junior", r"\bentry level\b|\bgraduate\b|\bassociate\b|\bassistant\b",
         "entry !graduate !associate !assistant"),
    )
)
_SENIORITY_WORDS = frozenset().union(*(sure | maybe for _, _, sure, maybe in _SENIORITY_RULES))
LEVEL_WORDS = frozenset(w.lstrip("!") for w in _SENIORITY_WORDS)  # the words a level is read from
_NOT_A_ROLE = re.compile(r"^(open to work|seeking|looking for|unemployed|retired|career break)\b")
_NOT_A_ROLE_FIRST = frozenset({"open", "seeking", "looking", "unemployed", "retired", "career"})


# A seat on a board, a committee's chair or a club's presidency held beside one's job ("Software
# Engineer | Board Member", "Senior Manager, Global Business Services | Global Co-Chair, Black at
# Uber", "Associate Software Engineer | President"): a side role (a nonprofit's board, an employee
# group, an association), not the level of the job the title leads with.
_SIDE_SEAT = re.compile(r"\b(co )?chair(man|woman|person)?\b|\bboard (member|director)\b|\bmember of the board\b|"
                        r"(?<!vice )\bpresident\b")  # a club's or an association's ("... | President")
_BELOW_LEADERS = frozenset({"intern", "junior", "mid", "senior", "lead", "manager"})


def level_beside_side_seats(plain: str, first_words: str, level: str | None) -> str | None:
    """The level of a title in parts whose board seat, chair or presidency is only in a later part: the level the
    title reads without the seat, when that is below a leader's; else ``level`` as read. A leader
    with a board seat ("Managing Director | Board Member") stays an executive; so does a title that
    leads with the seat ("Chairman | Investor")."""
    if level != "executive" or not first_words or _SIDE_SEAT.search(first_words) or not _SIDE_SEAT.search(plain):
        return level
    own = seniority_of_normalized(" ".join(_SIDE_SEAT.sub(" ", plain).split()))
    return own if own in _BELOW_LEADERS else level


def seniority_of_normalized(normalized: str, present: frozenset[str] | set[str] | None = None) -> str | None:
    """Seniority of a title normalized without hints (hints such as "design manager" for a
    "Design Lead" would read as a level); see titles.parse_seniority. ``present``: the title's
    words among the cue words (titles._CUE_WORDS: these and the leader words), when the caller has them."""
    if not normalized:
        return None
    if normalized.partition(" ")[0] in _NOT_A_ROLE_FIRST and _NOT_A_ROLE.match(normalized):
        return None
    if present is None:
        present = _SENIORITY_WORDS.intersection(normalized.split())
    for level, pattern, sure, maybe in _SENIORITY_RULES if present else ():
        if not sure.isdisjoint(present):
            return level
        if maybe.isdisjoint(present):
            continue
        if pattern.search(_IC_MANAGER.sub(" ", normalized) if level == "manager" else normalized):
            return level
    return "mid"
