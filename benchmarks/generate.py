"""Large, realistic inputs for benchmarks and fault tests (deterministic for a given seed).

By default the titles and companies follow real networks: they are drawn, weighted by count, from
``shared/data/real-titles.csv`` and ``shared/data/real-companies.csv`` (beside the clone, else the
committed samples benchmarks/data/titles_sample.csv and companies_sample.csv; see
``SHARED_DATA``), and varied the way people write them on LinkedIn (seniority words, a team, a
region, " | Fintech", " at <company>", two roles in one), so that 100,000 rows hold 30,000+
distinct titles. About 3% of the people have no title and about 10% no company. The names come
from the demo's lists of common first and last names, drawn independently (nobody real).

``realistic=False`` gives the earlier export: 14 titles, 18 companies, 20 first and last names.
"""

from __future__ import annotations

import bisect
import csv
import functools
import itertools
import random
import unicodedata
from pathlib import Path

PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. You will '
    "only see email addresses for connections who have allowed their connections to see or download their email "
    'address using this setting https://www.linkedin.com/psettings/privacy/email."\r\n'
    "\r\n"
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
FIRST = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Ken", "Sofia", "Wei", "Amara", "José", "Siobhán",
         "Hiroshi", "Fatima", "Olu", "Priya", "Lars", "Chloé", "Mateo", "Zanele"]
LAST = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Liskov", "O’Brien", "García", "Zhang", "Okafor",
        "Müller", "Kowalski", "Nakamura", "Haddad", "Adeyemi", "Iyer", "Nilsson", "Dubois", "Rossi", "Dlamini"]
COMPANIES = ["Stripe", "Acme, Inc.", "Globex", "Initech", "Monzo", "Klarna", "Spotify", "Shopify", "Datadog",
             "Snowflake", "Accenture", "Deloitte", "Pfizer", "Siemens", "Adyen", "Revolut", "Wise", "N26"]
POSITIONS = ["Sr. Software Engineer", "Group PM", "Head of Product", "VP Engineering", "Eng Mgr",
             "Technical Recruiter", "Director of Data Science", "Founder & CEO", "Product Designer",
             "Account Executive", "Data Analyst", "CTO", "Talent Partner", "Product Manager, Payments"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# ``shared/`` sits beside the clone (here /work/shared; in CI a copy of it, the same way).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SAMPLE_DATA = Path(__file__).resolve().parent / "data"
_SAMPLES = {"real-titles.csv": "titles_sample.csv", "real-companies.csv": "companies_sample.csv"}
BLANK_TITLE = 0.03
BLANK_COMPANY = 0.10

# How people vary a title on LinkedIn. A prefix is added only to a title that has no seniority word yet.
_SENIORITY = ["Senior", "Sr.", "Sr", "Lead", "Junior", "Jr.", "Principal", "Staff", "Associate", "Assistant",
              "Deputy", "Chief", "Head", "Acting", "Interim", "Trainee", "Intern", "Graduate", "Executive",
              "Global", "Regional", "Group", "Manager", "Director", "VP", "Vice"]
_PREFIXES = ["Senior ", "Sr. ", "Sr ", "Lead ", "Junior ", "Principal ", "Staff ", "Associate ", "Assistant ",
             "Deputy ", "Acting ", "Interim ", "Trainee ", "Graduate ", "Regional ", "Global ", "Group "]
_LEVELS = [" I", " II", " III", " IV", " 2", " 3"]
_TEAMS = ["Payments", "Core Banking", "Lending", "Risk", "Fraud", "Identity", "Onboarding", "Growth", "Platform",
          "Data Platform", "Mobile", "Web", "Infrastructure", "Cloud", "Security", "Compliance", "Treasury",
          "Talent Acquisition", "People Operations", "Employee Relations", "Learning & Development", "Rewards",
          "Payroll", "Finance", "Tax", "Audit", "Advisory", "Operations", "Supply Chain", "Procurement", "Sales",
          "Marketing", "Partnerships", "Customer Success", "Support", "Product", "Design", "Research",
          "Analytics", "Machine Learning", "AI", "Search", "Checkout", "Billing", "Merchant Services",
          "Retail Banking", "Wealth", "Insurance", "Claims", "Energy", "Oil & Gas", "Healthcare", "Public Sector"]
_DOMAINS = ["Fintech", "FinTech", "SaaS", "B2B SaaS", "HR Tech", "EdTech", "HealthTech", "Banking", "Telecoms",
            "FMCG", "Oil & Gas", "Consulting", "E-commerce", "AI/ML", "Cloud", "Cybersecurity", "Web3", "Startups"]
_REGIONS = ["EMEA", "APAC", "LATAM", "North America", "Africa", "West Africa", "Nigeria", "India", "Canada",
            "UK & Ireland", "DACH", "Nordics", "Middle East", "Global", "Remote", "Lagos", "Bangalore", "Toronto"]
_EXTRAS = ["Open to work", "Hiring!", "Speaker", "Mentor", "Author", "Investor", "Advisor", "Board Member",
           "PhD", "MBA", "CIPD", "SHRM-CP", "PMP", "AWS Certified", "Ex-Founder", "Volunteer"]
_COMPANY_SUFFIXES = [" Ltd", " Ltd.", " Limited", ", Inc.", " Inc", " LLC", " Group", " plc", " GmbH",
                     " Nigeria", " India", " Canada", " (Contract)", " - Lagos", " - Bangalore"]


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if ("," in value or '"' in value) else value


@functools.lru_cache(maxsize=4)
def _distribution(name: str, column: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Values and cumulative counts of ``shared/data/<name>``, without values that look like a web or
    e-mail address (a company column sometimes holds a personal site)."""
    path = SHARED_DATA / name
    if not path.exists():  # a clone without shared/data: the committed real-distribution sample
        path = SAMPLE_DATA / _SAMPLES[name]
    values, counts = [], []
    with open(path, encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            value = " ".join((row[column] or "").split())
            low = value.lower()
            if not value or "@" in low or "www." in low or "http" in low or ".com" in low:
                continue
            values.append(value)
            counts.append(int(row["count"]))
    return tuple(values), tuple(itertools.accumulate(counts))


def _draw(rng: random.Random, distribution: tuple[tuple[str, ...], tuple[int, ...]]) -> str:
    values, cumulative = distribution
    return values[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def _vary_title(rng: random.Random, title: str, company: str) -> str:
    """Most titles as they are in real exports; the rest written the ways people vary them."""
    roll = rng.random()
    if roll < 0.52:
        return title
    words = title.replace(",", " ").split()
    if roll < 0.62 and not any(word.rstrip(".") in _SENIORITY or word in _SENIORITY for word in words[:2]):
        title = rng.choice(_PREFIXES) + title
    elif roll < 0.66:
        title += rng.choice(_LEVELS)
    kind = rng.random()
    if kind < 0.22:
        title += rng.choice([", ", " - ", " – ", " | "]) + rng.choice(_TEAMS)
    elif kind < 0.34:
        title += rng.choice([", ", " - ", " | "]) + rng.choice(_TEAMS) + rng.choice([" Team", " team", ""])
    elif kind < 0.46:
        title += rng.choice([" | ", " • ", " - "]) + rng.choice(_DOMAINS)
    elif kind < 0.56:
        separator = rng.choice([", ", " - ", " (", " | "])
        title += separator + rng.choice(_REGIONS) + (")" if separator == " (" else "")
    elif kind < 0.66 and company:
        title += rng.choice([" at ", " @ ", " at "]) + company
    elif kind < 0.74:
        title += " | " + rng.choice(_EXTRAS)
    elif kind < 0.80:
        title += " | " + _draw(rng, _distribution("real-titles.csv", "title"))
    case = rng.random()
    if case < 0.02:
        title = title.lower()
    elif case < 0.03:
        title = title.upper()
    return title


def _vary_company(rng: random.Random, company: str) -> str:
    return company + rng.choice(_COMPANY_SUFFIXES) if rng.random() < 0.06 else company


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c for c in part if c.isalnum()) for part in ascii_text.lower().split())


def _realistic_row(rng: random.Random, i: int, first_names: list[str], last_names: list[str]) -> list[str]:
    first, last = rng.choice(first_names), rng.choice(last_names)
    url = f"https://www.linkedin.com/in/{_slug(first)}-{_slug(last)}-{i:x}"
    email = f"{_slug(first)}.{_slug(last).replace('-', '')}{i}@example.com" if rng.random() < 0.05 else ""
    company = "" if rng.random() < BLANK_COMPANY else _vary_company(
        rng, _draw(rng, _distribution("real-companies.csv", "company")))
    title = "" if rng.random() < BLANK_TITLE else _vary_title(
        rng, _draw(rng, _distribution("real-titles.csv", "title")), company)
    return [first, last, url, email, company, title]


def linkedin_export(path: Path, rows: int, seed: int = 1, rejects: float = 0.0, realistic: bool = True) -> Path:
    """A current-format LinkedIn Connections.csv with ``rows`` data rows (3% blank but for the date).

    With ``rejects``, that share of rows is one to reject: half of them name a company but nobody,
    half have a date that does not exist. ``realistic`` (the default) draws titles and companies
    from real networks (see the module's docstring); ``False`` from the earlier short lists.
    """
    rng = random.Random(seed)
    if realistic:
        from engine.demo.content import FIRST_NAMES, LAST_NAMES

    lines = [PREAMBLE, HEADER]
    for i in range(rows):
        day = f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {rng.randint(2015, 2025)}"
        if rng.random() < 0.03:
            lines.append(f",,,,,,{day}\r\n")
            continue
        if rejects and rng.random() < rejects:
            nobody = rng.random() < 0.5
            lines.append(f",,,,{_quote(rng.choice(COMPANIES))},,{day}\r\n" if nobody else
                         f"Bo,Chen,,,,,31 Feb {day[-4:]}\r\n")
            continue
        if realistic:
            lines.append(",".join(_quote(v) for v in _realistic_row(rng, i, FIRST_NAMES, LAST_NAMES))
                         + f",{day}\r\n")
            continue
        first, last = rng.choice(FIRST), rng.choice(LAST)
        slug = f"{first}-{last}-{i:x}".lower().replace("’", "%E2%80%99")
        email = f"{first}.{last}{i}@example.com".lower() if rng.random() < 0.05 else ""
        company, position = rng.choice(COMPANIES), rng.choice(POSITIONS)
        lines.append(",".join([first, _quote(last), f"https://www.linkedin.com/in/{slug}", email, _quote(company),
                               _quote(position), day]) + "\r\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def main() -> None:
    """``python -m benchmarks.generate [ROWS]``: write an export to a temporary folder and describe it."""
    import collections
    import sys
    import tempfile
    import time

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = linkedin_export(Path(tmp) / "Connections.csv", rows)
        took = time.perf_counter() - started
        with open(path, encoding="utf-8", newline="") as file:
            data = list(csv.DictReader(file.readlines()[3:]))
    people = [r for r in data if r["First Name"]]
    titles = collections.Counter(r["Position"] for r in people)
    companies = collections.Counter(r["Company"] for r in people)
    print(f"{rows:,} rows in {took:.2f} s: {len(people):,} people, {len(titles):,} distinct titles, "
          f"{len(companies):,} distinct companies, blank titles {titles[''] / len(people):.1%}, "
          f"blank companies {companies[''] / len(people):.1%}")
    print("most common titles:", ", ".join(f"{t or '(blank)'} ({n})" for t, n in titles.most_common(8)))
    print("a sample:", " / ".join(random.Random(0).sample(sorted(t for t in titles if t), 12)))


if __name__ == "__main__":
    main()
