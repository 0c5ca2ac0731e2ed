"""Large, realistic inputs for benchmarks and fault tests (deterministic for a given seed)."""

from __future__ import annotations

import random
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


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if ("," in value or '"' in value) else value


def linkedin_export(path: Path, rows: int, seed: int = 1, rejects: float = 0.0) -> Path:
    """A current-format LinkedIn Connections.csv with ``rows`` data rows (3% blank but for the date).

    With ``rejects``, that share of rows is one to reject: half of them name a company but nobody,
    half have a date that does not exist.
    """
    rng = random.Random(seed)
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
        first, last = rng.choice(FIRST), rng.choice(LAST)
        slug = f"{first}-{last}-{i:x}".lower().replace("’", "%E2%80%99")
        email = f"{first}.{last}{i}@example.com".lower() if rng.random() < 0.05 else ""
        company, position = rng.choice(COMPANIES), rng.choice(POSITIONS)
        lines.append(",".join([first, _quote(last), f"https://www.linkedin.com/in/{slug}", email, _quote(company),
                               _quote(position), day]) + "\r\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path
