"""An honest labeled set for the contact ranking: 2,000 generated contacts, 12 goals a user would
type, every (contact, goal) graded 0-3 by the RULES below, split into a tuning part and a held-out
part.

The rules were written and committed before the scorer was tuned against them, and they do not
import the engine: they read titles with their own small patterns (``GRADER_FAMILIES``), so the
scorer is judged by an independent reading, not by its own taxonomy.

Contacts
--------
Titles follow the distribution of two real LinkedIn exports (benchmarks/data/titles_sample.csv:
distinct titles with counts, no names), companies likewise (companies_sample.csv), with 15% blank
companies. Because those two networks are HR- and software-heavy, a third of the contacts are
drawn from ``PLANTED``: people the goals are about (investors at VC firms, HR leaders at banks,
engineering leaders, designers, ...) *and* the near misses a word matcher confuses (a Partner at
a law firm, a Financial Advisor, a Political Science Tutor, anyone at a "... Health & Science
University"), written as people write titles ("GP", "Sr. Mgr, Eng", "Co-founder & CTO").
Names carry credentials and emoji; relationship strength and last contact vary.

Grading RULES (per goal)
------------------------
A goal names core families (who it is about), related families (people who are some help), an
optional seniority floor, and optional target companies / industries.

1. The contact's family is read from the title by GRADER_FAMILIES (first matching pattern wins).
   A company name never decides the family, except that "partner / principal / associate" at an
   investing firm (GRADER_INVESTING_FIRMS or a company name with Ventures / Capital Partners /
   VC) is an investor, and elsewhere is not.
2. Core family: grade 2. It becomes 3 when every condition the goal states holds: the level is at
   or above the seniority floor (if any), and the contact is at a target company or in a target
   industry (if the goal names any). A core person that misses a condition stays at 2.
3. Related family: grade 1.
4. Anyone else at a target company or in a target industry: grade 1 (they can introduce),
   unless already higher.
5. Everyone else: 0. Blank titles are 0 (a contact at a target company still gets 1).

Split
-----
Contacts whose id is odd form the tuning part; even ids form the held-out part, which tuning
never reads (``load(part="tuning")`` is all the tuning loop calls).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
N_CONTACTS = 2000
SEED = 16
NOW = pd.Timestamp("2026-06-01 09:00")

# -- goals, as a user types them into ``rapport goals add`` -----------------------------------------
GOALS: list[dict] = [
    dict(id=1, title="Referral for a product manager job in fintech", outcome="referral",
         target_roles=["Product Manager"], industries=["fintech", "payments"],
         companies=["Stripe", "Paystack", "Flutterwave", "Interswitch Group"]),
    dict(id=2, title="Find a mentor in data science", outcome="mentorship",
         target_roles=["Data Scientist"], seniority=["senior", "lead", "manager", "director"]),
    dict(id=3, title="Meet investors for our seed round", outcome="other",
         target_roles=["Investor", "General Partner", "Angel Investor"],
         companies=["Sequoia Capital", "Ventures Platform", "TLcom Capital", "Y Combinator"]),
    dict(id=4, title="Sell our HR software to banks", outcome="clients",
         target_roles=["HR Director", "Head of Human Resources"], industries=["banking"],
         seniority=["manager", "director", "vp", "executive"]),
    dict(id=5, title="Hire senior backend engineers", outcome="hiring",
         target_roles=["Backend Engineer", "Software Engineer"], seniority=["senior", "lead"]),
    dict(id=6, title="Learn about machine learning engineering", outcome="learn",
         target_roles=["Machine Learning Engineer"]),
    dict(id=7, title="Talk to engineering leaders about our developer tool", outcome="clients",
         target_roles=["engineering leadership", "CTO"]),
    dict(id=8, title="Get in front of tech recruiters", outcome="referral",
         target_roles=["Recruiter", "Talent Acquisition"]),
    dict(id=9, title="Hire a product designer", outcome="hiring", target_roles=["Product Designer"]),
    dict(id=10, title="Advice from CFOs on fundraising", outcome="mentorship",
         target_roles=["CFO", "Finance Director"]),
    dict(id=11, title="Learn growth marketing from practitioners", outcome="learn",
         target_roles=["Growth Marketing Manager"]),
    dict(id=12, title="Find a startup lawyer", outcome="other", target_roles=["Lawyer", "Legal Counsel"]),
]
GOAL_DEFAULTS = dict(description="", seniority=[], industries=[], companies=[], locations=[], priority=3,
                     status="active", segments=[])

# Grading spec per goal: core families, related families, seniority floor (grader levels), and
# target industries (grader industries) and companies.
SPECS: dict[int, dict] = {
    1: dict(core={"product"}, related={"product_lead"}, industries={"fintech"},
            companies={"stripe", "paystack", "flutterwave", "interswitch group"}),
    2: dict(core={"data"}, related={"data_analyst", "ml"}, floor=2),
    3: dict(core={"investor"}, related={"founder"},
            companies={"sequoia capital", "ventures platform", "tlcom capital", "y combinator"}),
    4: dict(core={"hr_lead"}, related={"hr"}, industries={"banking"}, floor=3),
    5: dict(core={"software"}, related={"eng_lead", "recruiter"}, floor=2),
    6: dict(core={"ml"}, related={"data"}),
    7: dict(core={"eng_lead"}, related={"software"}),
    8: dict(core={"recruiter"}, related={"hr", "hr_lead"}),
    9: dict(core={"designer"}, related={"product"}),
    10: dict(core={"finance_lead"}, related={"finance", "investor"}),
    11: dict(core={"marketing"}, related={"sales"}),
    12: dict(core={"legal"}),
}

# -- the grader's own reading of titles --------------------------------------------------------------
# (family, pattern) in order; the first match wins. Written for the grader only.
GRADER_FAMILIES: list[tuple[str, str]] = [
    ("blank", r"^\s*$"),
    ("eng_lead", r"\b(cto|chief technology officer|vp,? (of )?eng\w*|vice president,? (of )?eng\w*|"
                 r"head,? (of )?eng\w*|director,? (of )?(software )?eng\w*|engineering director|"
                 r"engineering manager|eng(ineering)? mgr|mgr,? eng|manager,? (software )?engineering|"
                 r"software (development|engineering) manager|head of technology|vp technology)\b"),
    ("founder", r"\b(co-?\s?founder|founder|owner|proprietor)\b"),
    ("investor", r"\b(general partner|gp|venture partner|angel investor|angel|investor|"
                 r"venture capital\w*|vc)\b"),
    ("hr_lead", r"\b(chro|chief (human resources|people) officer|head,? (of )?(human resources|hr|people)|"
                r"hr director|director,? (of )?(human resources|hr|people)|human resources director|"
                r"vp,? (of )?(hr|people|human resources)|hr manager|human resources manager|"
                r"people (and|&) culture (lead|manager|director)|head of people)\b"),
    ("recruiter", r"\b(recruit\w*|talent acquisition|talent partner|sourcer|headhunter|ta partner)\b"),
    ("hr", r"\b(hr\w*|human resources?|people (partner|operations)|hrbp|talent management|payroll)\b"),
    ("finance_lead", r"\b(cfo|chief financial officer|finance director|director,? (of )?finance|"
                     r"head,? (of )?finance|vp,? (of )?finance|financial controller|group controller)\b"),
    ("ml", r"\b(machine learning|ml engineer|mle|ai engineer|deep learning|computer vision|nlp)\b"),
    ("data", r"\b(data scien\w*|head of data|director,? data|chief data officer)\b"),
    ("data_analyst", r"\b(data analy\w*|business intelligence|bi (analyst|developer)|analytics)\b"),
    ("designer", r"\b(designer|ux|ui/ux|user experience|design lead|head of design|design director|"
                 r"product design\w*)\b"),
    ("product_lead", r"\b(head,? (of )?product|vp,? (of )?product|cpo|chief product officer|"
                     r"director,? (of )?product( management)?|product director|group product manager)\b"),
    ("product", r"\b(product manager|product owner|pm|apm|senior pm|product management|product lead)\b"),
    ("legal", r"\b(lawyer|legal|counsel|attorney|solicitor|barrister|paralegal)\b"),
    ("marketing", r"\b(market\w*|growth|brand|seo|content strateg\w*|communications)\b"),
    ("sales", r"\b(sales|business development|account executive|bdr|sdr)\b"),
    ("software", r"\b(software|developer|backend|back-end|frontend|front-end|full ?stack|swe|sde|"
                 r"devops|sre|programmer|(associate |senior |staff |principal )?engineer)\b"),
    ("finance", r"\b(financ\w*|accountant|accounting|audit\w*|controller|treasury|tax)\b"),
]
_GRADER_RES = [(f, re.compile(p, re.I)) for f, p in GRADER_FAMILIES]
# Grader levels: 0 junior/intern, 1 plain, 2 senior/lead/staff/principal, 3 manager/head/director+.
_LEVEL_RES = [
    (3, re.compile(r"\b(chief|c[a-z]o|vp|vice president|head|director|manager|mgr|partner|founder|"
                   r"president|gm|general manager|managing)\b", re.I)),
    (2, re.compile(r"\b(senior|sr|lead|staff|principal|expert)\b", re.I)),
    (0, re.compile(r"\b(intern|trainee|junior|jr|graduate|student|assistant)\b", re.I)),
]
GRADER_INVESTING_FIRMS = {"sequoia capital", "ventures platform", "tlcom capital", "y combinator",
                          "partech africa", "a16z", "accel", "benchmark capital", "future africa"}
_INVESTING_NAME = re.compile(r"\b(ventures|venture capital|capital partners|vc)\b", re.I)
_FINTECH = {"stripe", "paystack", "flutterwave", "interswitch group", "moniepoint", "kuda", "opay",
            "plaid", "ramp", "chipper cash"}
_BANK_NAME = re.compile(r"\b(bank|banking|bancorp)\b", re.I)


def grader_family(title: str, company: str) -> str | None:
    text = str(title or "")
    firm = str(company or "").strip().lower()
    investing_firm = firm in GRADER_INVESTING_FIRMS or bool(_INVESTING_NAME.search(firm))
    if investing_firm and re.search(r"\b(partner|principal|associate|analyst)\b", text, re.I):
        return "investor"
    for family, pattern in _GRADER_RES:
        if pattern.search(text):
            return family
    return None


def grader_level(title: str) -> int:
    for level, pattern in _LEVEL_RES:
        if pattern.search(str(title or "")):
            return level
    return 1


def grader_industries(company: str) -> set[str]:
    name = str(company or "").strip().lower()
    out = set()
    if name in _FINTECH:
        out.add("fintech")
    if _BANK_NAME.search(name):
        out.add("banking")
    return out


def grade(spec: dict, title: str, company: str) -> int:
    family = grader_family(title, company)
    key = str(company or "").strip().lower()
    at_target = key in spec.get("companies", set()) or bool(grader_industries(company) & spec.get("industries", set()))
    targets = bool(spec.get("companies") or spec.get("industries"))
    if family in spec["core"]:
        ok = grader_level(title) >= spec.get("floor", 0) and (at_target or not targets)
        return 3 if ok else 2
    if family in spec.get("related", set()):
        return 2 if at_target else 1
    return 1 if at_target and family != "blank" else 0


# -- planted people: the goals' targets and their near misses -----------------------------------------
PLANTED: list[tuple[list[str], list[str]]] = [  # (titles written many ways, companies)
    (["Product Manager", "Senior Product Manager", "Sr. PM", "Product Owner", "Group Product Manager",
      "PM, Payments", "Associate Product Manager", "Product Lead"],
     ["Stripe", "Paystack", "Flutterwave", "Interswitch Group", "Moniepoint", "Jumia", "Andela", "",
      "Konga"]),
    (["Data Scientist", "Senior Data Scientist", "Lead Data Scientist", "Data Science Manager",
      "Principal Data Scientist", "Data Scientist II", "Head of Data Science"],
     ["Microsoft", "Andela", "Kuda", "Accenture", "", "Tata Consultancy Services"]),
    (["General Partner", "GP", "Partner", "Venture Partner", "Principal", "Investment Associate",
      "Angel Investor", "Managing Partner", "Founding Partner"],
     ["Sequoia Capital", "Ventures Platform", "TLcom Capital", "Y Combinator", "Partech Africa",
      "Future Africa", "Accel", "Lagos Angel Network", ""]),
    (["Partner", "Managing Partner", "Senior Associate", "Associate", "Principal Consultant",
      "Financial Advisor", "VP of Finance", "Management Consultant", "Wealth Manager"],
     ["Aluko & Oyebode", "Templars", "KPMG Nigeria", "PwC", "Human Capital Partners (HCP)",
      "Stanbic IBTC Capital Limited", "United Capital Plc", "Deloitte"]),
    (["Head, Human Resources", "HR Director", "Human Resources Manager", "HRBP", "Chief People Officer",
      "HR Business Partner", "Head of People", "Director, Human Resources", "HR Generalist"],
     ["Sterling Bank Plc", "Access Bank Plc", "FirstBank Nigeria", "Zenith Bank", "MTN", "Nestle", "",
      "Guaranty Trust Bank"]),
    (["Senior Software Engineer", "Backend Engineer", "Sr. Backend Developer", "Staff Engineer",
      "Software Engineer II", "Full Stack Developer", "Senior SWE", "Lead Backend Engineer"],
     ["Andela", "Microsoft", "Amazon", "Paystack", "Infosys", "", "Wipro"]),
    (["Machine Learning Engineer", "ML Engineer", "Senior Machine Learning Engineer", "AI Engineer",
      "Computer Vision Engineer", "NLP Scientist"],
     ["Microsoft", "Amazon", "InstaDeep", "", "Bosch Global Software Technologies"]),
    (["CTO", "Co-founder & CTO", "VP Engineering", "Head of Engineering", "Director of Engineering",
      "Engineering Manager", "Sr. Mgr, Eng", "Chief Technology Officer", "VP, Engineering"],
     ["Paystack", "Andela", "Kuda", "Microsoft", "", "Cowrywise", "Piggyvest"]),
    (["Technical Recruiter", "Senior Recruiter", "Talent Acquisition Specialist", "Talent Partner",
      "Recruitment Consultant", "Tech Recruiter", "Head of Talent Acquisition", "Sourcer"],
     ["Andela", "Jobberman Nigeria", "Michael Page", "Amazon", "", "Hays"]),
    (["Product Designer", "Senior Product Designer", "UX Designer", "UI/UX Designer", "Design Lead",
      "Graphic Designer", "Interior Designer"],
     ["Paystack", "Andela", "Jumia", "", "Konga", "Studio 6"]),
    (["CFO", "Chief Financial Officer", "Finance Director", "Head of Finance", "Financial Controller",
      "Accountant", "Senior Accountant", "Financial Analyst"],
     ["Dangote Group", "Nestle", "MTN", "Flour Mills of Nigeria Plc", "", "Jumia"]),
    (["Growth Marketing Manager", "Head of Growth", "Marketing Manager", "Digital Marketing Specialist",
      "Brand Manager", "SEO Specialist", "Content Marketing Lead"],
     ["Jumia", "Konga", "Paystack", "Unilever", "", "Coca-Cola Hellenic Bottling Company"]),
    (["Legal Counsel", "Senior Associate, Corporate Law", "Lawyer", "General Counsel", "Barrister & Solicitor",
      "Company Secretary/Legal Adviser"],
     ["Aluko & Oyebode", "Templars", "Banwo & Ighodalo", "", "MTN", "Access Bank Plc"]),
    (["Political Science Tutor", "Research Scientist", "Science Teacher", "Lecturer", "Nurse",
      "Medical Doctor", "Pharmacist", "Health Science Researcher"],
     ["Oregon Health & Science University", "University of Lagos", "Lagos University Teaching Hospital",
      "", "Covenant University", "Data Science Nigeria"]),
]
PLANTED_SHARE = 1 / 3
FIRST = ["Ada", "Chinedu", "Priya", "Rahul", "Funke", "Tunde", "Ngozi", "Arjun", "Sade", "Emeka", "Zainab",
         "Vikram", "Bisi", "Kemi", "Ananya", "Obinna", "李", "José", "Zoë"]
LAST = ["Okafor", "Sharma", "Adeyemi", "Iyer", "Balogun", "Nwosu", "Reddy", "Eze", "Bello", "Menon", "王"]
DECOR = ["", "", "", ", MBA", ", PhD", " (she/her)", " 🚀", " ✨", ", CIPM, SPHRi", ", ACA"]


@lru_cache(maxsize=1)
def _samples() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (pd.read_csv(DATA / "titles_sample.csv", keep_default_na=False),
            pd.read_csv(DATA / "companies_sample.csv", keep_default_na=False))


def contacts(n: int = N_CONTACTS, seed: int = SEED) -> pd.DataFrame:
    """The whole labeled contact table (both parts), deterministic for a seed."""
    rng = np.random.default_rng(seed)
    titles, companies = _samples()
    t_p = titles["count"].to_numpy(float) / titles["count"].sum()
    c_p = companies["count"].to_numpy(float) / companies["count"].sum()
    rows = []
    for i in range(n):
        if rng.random() < PLANTED_SHARE:
            pool_titles, pool_companies = PLANTED[int(rng.integers(len(PLANTED)))]
            title = pool_titles[int(rng.integers(len(pool_titles)))]
            company = pool_companies[int(rng.integers(len(pool_companies)))]
        else:
            title = str(titles["title"].iloc[rng.choice(len(titles), p=t_p)])
            company = "" if rng.random() < 0.15 else str(companies["company"].iloc[rng.choice(len(companies), p=c_p)])
        name = f"{FIRST[int(rng.integers(len(FIRST)))]} {LAST[int(rng.integers(len(LAST)))]}"
        rows.append({
            "id": i + 1, "full_name": name + DECOR[int(rng.integers(len(DECOR)))],
            "company": company or None, "position": title,
            "strength": float(rng.integers(0, 6)) if rng.random() < 0.4 else np.nan,
            "relationship": None, "tags": None, "notes": None,
            "connected_on": NOW - pd.Timedelta(days=int(rng.integers(30, 3000))),
            "last_interaction": (NOW - pd.Timedelta(days=int(rng.integers(1, 900))))
            if rng.random() < 0.3 else pd.NaT,
            "replies": int(rng.integers(0, 3)) if rng.random() < 0.2 else 0,
            "outreach_count": 0, "cadence_days": np.nan, "job_changed_on": pd.NaT, "times_recommended": 0,
        })
    frame = pd.DataFrame(rows)
    for col in ("connected_on", "last_interaction", "job_changed_on"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def goals() -> list[dict]:
    return [{**GOAL_DEFAULTS, **g} for g in GOALS]


def labels(frame: pd.DataFrame) -> dict[int, dict[int, int]]:
    """goal id -> contact id -> grade 0..3, by the RULES above."""
    out: dict[int, dict[int, int]] = {}
    pairs = list(zip(frame["id"].tolist(), frame["position"].fillna("").tolist(), frame["company"].fillna("").tolist()))
    for goal_id, spec in SPECS.items():
        out[goal_id] = {cid: grade(spec, t, c) for cid, t, c in pairs}
    return out


def load(part: str) -> tuple[pd.DataFrame, list[dict], dict[int, dict[int, int]]]:
    """(contacts, goals, labels) of one part: "tuning" (odd ids) or "held-out" (even ids)."""
    if part not in ("tuning", "held-out"):
        raise ValueError(f"unknown part {part!r}")
    frame = contacts()
    keep = frame["id"] % 2 == (1 if part == "tuning" else 0)
    frame = frame[keep].reset_index(drop=True)
    return frame, goals(), labels(frame)
