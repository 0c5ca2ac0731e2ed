"""A company's industry: the one the user set, or one inferred from a well-known name or a clear
cue in the name ("... Ventures", "... Bank Plc", "University of ..."), else unknown.

Contract with the Companies view: the contacts frame may carry a nullable column ``industry``, an
industry the user set for the contact's company. The effective industry is that value when it is
non-empty, else :func:`infer_industry` of the company. An inferred industry is always shown as
inferred (``industry_of`` says which it is).

Goals name industries as people type them ("fintech", "payments", "banks", "VC"): ``canonical``
folds those onto the same names, so a goal and a company meet whatever the spelling.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .company_names import OTHER_NAMES, normalize_company
from .titles import _is_missing

# canonical industry -> words a user or a company name may use for it
ALIASES: dict[str, tuple[str, ...]] = {
    "venture capital": ("venture capital", "vc", "venture", "ventures", "investors", "investor",
                        "angel investing", "startup investing", "seed", "private equity"),
    "fintech": ("fintech", "payments", "payment", "financial technology", "neobank", "digital banking",
                "mobile money"),
    "banking": ("banking", "bank", "banks", "commercial banking", "retail banking", "investment banking"),
    "financial services": ("financial services", "finance", "asset management", "wealth management",
                           "capital markets"),
    # its own industry: "learn the insurance industry" is about insurers, not every finance title
    "insurance": ("insurance", "insurer", "insurers", "reinsurance", "insurtech", "assurance"),
    "consulting": ("consulting", "professional services", "audit", "advisory", "accounting"),
    "software": ("software", "saas", "technology", "tech", "it services", "information technology",
                 "developer tools", "cloud", "internet"),
    "education": ("education", "edtech", "university", "universities", "school", "schools", "academia",
                  "higher education", "higher ed", "e-learning", "elearning"),
    "healthcare": ("healthcare", "health", "hospital", "hospitals", "medical", "pharma", "pharmaceutical",
                   "biotech", "healthtech"),
    "legal": ("legal", "law", "law firm", "law firms", "legal services"),
    "telecommunications": ("telecommunications", "telecom", "telecoms", "telco"),
    "energy": ("energy", "oil and gas", "oil", "gas", "power", "electricity", "utilities"),
    "climate tech": ("climate tech", "climate", "climatetech", "cleantech", "clean tech", "clean energy",
                     "renewable energy", "renewables", "solar", "wind energy", "green energy", "sustainability",
                     "climate change", "carbon"),
    "logistics": ("logistics", "supply chain", "shipping", "freight", "transportation", "transport", "courier",
                  "delivery", "mobility"),
    "real estate": ("real estate", "property", "properties", "proptech", "realty"),
    "media": ("media", "publishing", "news", "entertainment", "advertising", "journalism", "broadcasting"),
    "manufacturing": ("manufacturing", "industrial", "industry 4.0", "factories", "production"),
    "agriculture": ("agriculture", "agritech", "agtech", "farming", "agribusiness", "food production"),
    "consumer goods": ("consumer goods", "fmcg", "cpg", "food and beverage", "beverages", "consumer products"),
    "retail": ("retail", "ecommerce", "e-commerce", "online retail", "marketplace", "marketplaces", "retailers",
               "supermarkets", "shops"),
    "public sector": ("public sector", "government", "nonprofit", "ngo", "non-profit", "international development"),
    "hospitality": ("hospitality", "hotels", "hotel", "travel", "restaurants"),
    "recruiting": ("recruiting", "recruitment", "staffing", "executive search", "hr services"),
    "cybersecurity": ("cybersecurity", "cyber security", "information security", "infosec", "security"),
}

# A goal that names the broader industry meets the narrower one too: renewables are energy, while a
# goal for climate tech does not want oil and gas.
NARROWER: dict[str, tuple[str, ...]] = {"energy": ("climate tech",), "financial services": ("insurance",)}

# Words that, in a job title, say the person works in the industry ("Property Manager", "Realtor",
# "Oil and Gas Engineer"): a goal naming the industry looks for them in titles besides the words
# typed. Fewer than ALIASES: an alias such as "power", "health", "media" or "retail" would meet "Power
# BI Developer", "Health and Safety Officer", "Social Media Manager" or "Retail Banking Officer".
TITLE_WORDS: dict[str, tuple[str, ...]] = {
    "venture capital": ("venture capital", "venture partner"),
    "fintech": ("fintech",),
    "banking": ("banking", "banker"),
    "financial services": ("asset management", "wealth management", "capital markets"),
    "insurance": ("insurance", "reinsurance", "actuary", "actuarial", "underwriter", "claims adjuster",
                  "loss adjuster", "insurtech"),
    "healthcare": ("healthcare", "clinical", "medical", "pharmaceutical", "pharma", "hospital", "biotech"),
    "education": ("education", "school", "academic"),
    "legal": ("legal", "law"),
    "telecommunications": ("telecommunications", "telecom", "telecoms"),
    "energy": ("oil and gas", "petroleum", "upstream", "downstream", "drilling", "reservoir", "energy"),
    "climate tech": ("climate", "renewable", "renewables", "solar", "sustainability", "carbon"),
    "logistics": ("logistics", "supply chain", "freight", "shipping", "fleet"),
    "real estate": ("real estate", "property", "properties", "realtor", "realty", "estate surveyor", "proptech"),
    "media": ("journalist", "journalism", "broadcast", "broadcasting", "publishing", "reporter"),
    "manufacturing": ("manufacturing", "plant manager"),
    "agriculture": ("agriculture", "agricultural", "agronomist", "agribusiness", "agritech", "farm"),
    "consumer goods": ("fmcg", "consumer goods", "cpg"),
    "retail": ("ecommerce", "e commerce", "merchandising", "merchandiser", "store manager", "retail store"),
    "public sector": ("government", "public sector", "civil service", "public policy", "nonprofit", "ngo"),
    "hospitality": ("hospitality", "hotel", "restaurant"),
    "recruiting": ("recruitment", "recruiting", "staffing"),
    "cybersecurity": ("cybersecurity", "cyber security", "information security", "security engineer",
                      "security analyst", "security architect", "penetration tester", "soc analyst"),
}


# Industry names that in a title mostly say something else ("Social Media Manager", "Retail Banking
# Officer"): a title naming them is not read as working in the industry.
NOT_IN_TITLES = frozenset({"media", "retail"})


def title_words(industries) -> tuple[str, ...]:
    """The TITLE_WORDS of a goal's typed industries (as ``goal_industries`` reads them)."""
    return tuple(dict.fromkeys(w for i in sorted(goal_industries(industries)) for w in TITLE_WORDS.get(i, ())))


# Well-known companies (normalized names) and their industry.
KNOWN: dict[str, str] = {
    **dict.fromkeys(("sequoia capital", "sequoia", "andreessen horowitz", "a16z", "accel", "y combinator",
                     "benchmark", "index ventures", "tlcom capital", "partech africa", "ventures platform",
                     "future africa", "lightspeed venture partners", "greylock", "kleiner perkins",
                     "founders fund", "general catalyst", "techstars", "500 startups", "tiger global"),
                    "venture capital"),
    **dict.fromkeys(("stripe", "paystack", "flutterwave", "interswitch group", "interswitch", "moniepoint",
                     "kuda", "opay", "plaid", "ramp", "chipper cash", "paypal", "square", "block", "wise",
                     "revolut", "adyen", "klarna", "palmpay", "cowrywise", "piggyvest", "paga", "brex"),
                    "fintech"),
    **dict.fromkeys(("jpmorgan chase", "goldman sachs", "citi", "citibank", "hsbc", "barclays",
                     "standard chartered", "firstbank nigeria", "capital one"), "banking"),
    **dict.fromkeys(("accenture", "deloitte", "kpmg", "pwc", "ey", "mckinsey and company", "bain and company",
                     "boston consulting group", "kpmg nigeria", "pwc nigeria", "capgemini", "cognizant"),
                    "consulting"),
    **dict.fromkeys(("microsoft", "google", "amazon", "amazon web", "aws", "meta", "apple", "ibm", "oracle", "sap",
                     "infosys",
                     "tata consultancy services", "wipro", "hcltech", "tech mahindra", "andela", "salesforce",
                     "bosch global software technologies"), "software"),
    **dict.fromkeys(("mtn", "airtel", "glo", "9mobile", "vodafone", "ihs towers"), "telecommunications"),
    **dict.fromkeys(("nestle", "unilever", "coca cola hellenic bottling company", "anheuser busch inbev",
                     "nigerian breweries", "flour mills of nigeria", "dangote group"), "consumer goods"),
    **dict.fromkeys(("jumia", "konga", "shoprite", "walmart", "target", "carrefour", "spar", "tesco", "ikea",
                     "zara", "h and m", "ebay", "etsy", "shopify"), "retail"),
    **dict.fromkeys(("marriott international", "hilton"), "hospitality"),
    # a fourth probe's network: consumer goods, banks, telecoms and industry under names with no cue
    **dict.fromkeys(("diageo", "guinness nigeria", "guinness", "british american tobacco", "procter and gamble",
                     "pz cussons", "coca cola", "nestle nigeria", "unilever nigeria"), "consumer goods"),
    **dict.fromkeys(("stanbic ibtc", "guaranty trust", "gtbank", "gtco", "ecobank", "firstbank of nigeria",
                     "fidelity bank", "fcmb"), "banking"),
    **dict.fromkeys(("globacom", "mtn nigeria", "airtel nigeria"), "telecommunications"),
    **dict.fromkeys(("lafarge", "lafargeholcim", "lafarge africa", "dangote cement", "indorama",
                     "indorama ventures"), "manufacturing"),
    **dict.fromkeys(("michael page", "hays", "jobberman nigeria", "randstad", "adecco"), "recruiting"),
    # fintechs known by name
    **dict.fromkeys(("systemspecs", "kudi", "renmoney", "credit direct", "etranzact", "teamapt", "payu", "zebpay",
                     "paysense", "easypay", "venture garden group", "remita", "carbon", "fairmoney", "palmcredit"),
                    "fintech"),
    # a fifth probe's: a bank and health companies known by a short name
    **dict.fromkeys(("uba", "uba group", "uba plc"), "banking"),
    **dict.fromkeys(("siemens healthineers", "gsk", "glaxosmithkline", "pfizer", "hygeia", "hygeia hmo",
                     "novartis", "sanofi", "roche", "johnson and johnson", "emzor pharmaceutical"), "healthcare"),
    **dict.fromkeys(("axa mansard", "leadway", "aiico", "allianz", "axa", "prudential", "old mutual",
                     "sanlam", "metlife"), "insurance"),
    **dict.fromkeys(("world bank", "world bank group", "the world bank", "african development bank",
                     "international monetary fund", "imf"), "public sector"),
}

# Clear cues in a company's name, first match wins.
CUES: tuple[tuple[str, re.Pattern], ...] = (
    # "Ventures", not a lone "Venture" ("Venture Garden Group" is a payments company)
    ("venture capital", re.compile(r"\b(ventures|venture partners|vc|angels?|angel network|venture capital)\b")),
    # banks that lend no money: a food bank, a blood bank; a development bank is an institution
    ("public sector", re.compile(r"\b(food bank|blood bank|development bank|world bank)\b")),
    ("banking", re.compile(r"\b(bank|bancorp|banking)\b")),
    # a teaching hospital is a hospital first ("Lagos University Teaching Hospital")
    ("healthcare", re.compile(r"\b(hospitals?)\b")),
    ("education", re.compile(r"\b(university|college|schools?|academy|polytechnic|institute of technology)\b")),
    ("healthcare", re.compile(r"\b(hospital|clinic|health|healthcare|medical|pharma\w*|teaching hospital)\b")),
    ("fintech", re.compile(r"\b(pay|payments?|fintech)\b")),
    ("recruiting", re.compile(r"\b(human capital|staffing|recruit\w*|manpower|talent)\b")),
    # investment firms named as such, whose partners are investors ("Sahel Capital Partners"); after
    # recruiting: "Human Capital Partners" is a recruiter
    ("venture capital", re.compile(r"\b(capital partners|investment partners|private equity|equity partners)\b")),
    ("insurance", re.compile(r"\b(insurance|reinsurance|assurance|insurers?|insurtech)\b")),
    # before "Investment": "Propertylink Real Estate Investment" is real estate
    ("real estate", re.compile(r"\b(real estate|realtors?|realties)\b")),
    ("financial services", re.compile(r"\b(capital|asset management|securities|investments?|finance|financial)\b")),
    ("legal", re.compile(r"\b(law|legal|chambers|solicitors|attorneys|barristers)\b")),
    ("consulting", re.compile(r"\b(consulting|consultants?|advisory)\b")),
    ("software", re.compile(r"\b(software)\b")),
    ("telecommunications", re.compile(r"\b(telecom\w*|communications)\b")),
    # Before energy: "Renewable Energy", "Solar Power" are climate tech first.
    ("climate tech", re.compile(r"\b(solar|renewables?|wind power|clean energy|cleantech|climate|green energy|"
                                r"sustainab\w*)\b")),
    ("energy", re.compile(r"\b(oil|gas|energy|petroleum|power|electric)\b")),
    ("logistics", re.compile(r"\b(logistics|shipping|freight|haulage|courier|cargo|transport\w*|supply chain)\b")),
    ("real estate", re.compile(r"\b(real estate|realty|properties|property)\b")),
    ("media", re.compile(r"\b(media|news|publishing|studios?|entertainment|broadcasting|advertising|"
                         r"marketing agency|digital agency|creative agency|digital marketing agency)\b")),
    ("retail", re.compile(r"\b(retail\w*|supermarkets?|superstores?|stores|mart|ecommerce|e commerce|marketplace)\b")),
    ("manufacturing", re.compile(r"\b(manufactur\w*|industries|industrial|steel|cement)\b")),
    ("agriculture", re.compile(r"\b(farms?|agro\w*|agri\w*|agricultur\w*)\b")),
    # before the public sector's "Federal": "Federal Palace Hotel" is a hotel
    ("hospitality", re.compile(r"\b(hotels?|resorts?|hospitality|restaurants?|suites|catering|eatery)\b")),
    ("public sector", re.compile(r"\b(ministry|government|federal|state of|commission|agency|foundation|"
                                 r"united nations|unicef|undp)\b")),
    # words any company may use, last: "BusyBees Logistics Solutions" is logistics, "Aspire Power
    # Solutions" energy, "Bizsoft Solutions" software
    ("software", re.compile(r"\b(technologies|tech|labs|digital|systems|solutions)\b")),
)



def _cue_words() -> tuple[frozenset[str], re.Pattern]:
    """The first words of every cue's alternatives (both forms of "ventures?"), and a pattern for
    those written as a word's start ("pharma\\w*"): a name with none of them has no cue."""
    words, starts = set(), []
    for _, cue in CUES:
        assert cue.pattern.startswith(r"\b(") and cue.pattern.endswith(r")\b"), cue.pattern
        for alternative in cue.pattern[3:-3].split("|"):
            first = alternative.split(" ")[0]
            if first.endswith(r"\w*"):
                starts.append(first[:-3])
            elif first.endswith("s?"):
                words |= {first[:-2], first[:-1]}
            else:
                words.add(first)
            assert re.fullmatch("[a-z0-9]+", starts[-1] if first.endswith(r"\w*") else first.rstrip("?")), first
    return frozenset(words), re.compile(rf"\b(?:{'|'.join(starts)})")


# Most names have no cue at all, and their words say so at once.
_CUE_FIRST_WORDS, _CUE_STARTS = _cue_words()
_ALIAS_OF = {alias: name for name, aliases in ALIASES.items() for alias in (name, *aliases)}


def goal_industries(values) -> frozenset[str]:
    """A goal's typed industries as canonical names, with the narrower ones they include (NARROWER)."""
    named = {i for i in map(canonical, values) if i}
    return frozenset(named.union(*(NARROWER.get(i, ()) for i in named)))


def canonical(industry) -> str | None:
    """A typed industry ("Payments", "banks", "VC") as a canonical name; unknown words are kept
    (lower case), so a user's own industry still meets the same words set on a company."""
    if _is_missing(industry):
        return None
    text = " ".join(str(industry).lower().replace("&", " and ").split()).strip(" .,;")
    if not text:
        return None
    return _ALIAS_OF.get(text, text)


def industry_named_in(text) -> str | None:
    """The known industry a field's words name ("healthcare" of "healthcare administration", "banking"
    of "banking operations"), the longest alias first; None when they name none."""
    canon = canonical(text)
    if canon is None:
        return None
    words = canon.split()
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            found = _ALIAS_OF.get(" ".join(words[start:start + size]))
            if found:
                return found
    return None


def is_known(industry) -> bool:
    """Whether a typed industry is one the engine knows (an alias of ``ALIASES``), not only a
    user's own word ("machine learning" is a field of work: its people are read from titles)."""
    return canonical(industry) in ALIASES


# The keys as names are read ("mckinsey and company" is "mckinsey": a legal suffix goes).
KNOWN = {normalize_company(name): industry for name, industry in KNOWN.items()}
# A place or a group after a well-known name is the same company ("MTN Nigeria", "Unilever Ghana").
_PLACE_WORDS = frozenset(
    "nigeria nig ghana kenya africa west east south north uk usa us india canada germany france egypt global "
    "international group holdings holding "
    # a firm's units and offices as real exports write them: "Accenture in India", "KPMG Professional
    # Services", "PwC Acceleration Centers", "Deloitte Cayman Islands", "Deloitte & Touche", "Accenture AI"
    "in cayman islands professional services acceleration center centers centre centres ai touche and "
    "lagos abuja london toronto dubai bangalore bengaluru hyderabad pune chennai mumbai delhi".split()
)


def _known(key: str) -> str | None:
    """KNOWN's industry of ``key`` or of its other well-known name ("p and g"), or of the key
    without its trailing places and groups."""
    if key in KNOWN:
        return KNOWN[key]
    for other in OTHER_NAMES.get(key, ()):
        if other in KNOWN:
            return KNOWN[other]
    words = key.split()
    while len(words) > 1 and words[-1] in _PLACE_WORDS:
        words.pop()
        found = KNOWN.get(" ".join(words))
        if found:
            return found
    return None


@lru_cache(maxsize=1 << 16)
def infer_industry(company) -> str | None:
    """Industry of a company from a well-known name or a clear name cue, else None."""
    key = normalize_company(company)
    if not key:
        return None
    known = _known(key)
    if not known and "(" in str(company):  # "Guinness Nigeria Plc (Diageo)": the name outside the aside
        known = _known(normalize_company(re.sub(r"\([^()]*\)", " ", str(company))))
    if known:
        return known
    if _CUE_FIRST_WORDS.isdisjoint(key.split()) and _CUE_STARTS.search(key) is None:
        return None
    for industry, cue in CUES:
        if cue.search(key):
            return industry
    return None


def industry_of(company, user_industry=None) -> tuple[str | None, bool]:
    """(effective industry, inferred?) of a contact's company: the user's industry when set,
    else the inferred one."""
    user = canonical(user_industry) if not _is_missing(user_industry) else None
    if user:
        return user, False
    inferred = infer_industry(company)
    return inferred, inferred is not None


def label(industry: str | None, inferred: bool) -> str:
    """How an industry is shown: "banking (inferred)" or "banking"; "" when unknown."""
    if not industry:
        return ""
    return f"{industry} (inferred)" if inferred else industry
