"""A deterministic demo workspace: a LinkedIn Connections.csv, an events calendar, goals,
interaction history and contact details, all made from one seeded ``random.Random``.

Why: a first-time user (and every test and benchmark) needs a realistic network without
uploading their own data. The CSV reproduces the quirks of the real current export (preamble,
blank rows, curly apostrophes, quoted commas, CRLF) so the demo exercises the real importer,
and the history is biased (LinkedIn messages get more replies than cold e-mail) so analytics
have a signal to find. Same seed and same ``today`` give byte-identical output.
"""

from __future__ import annotations

import csv
import io
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote

from engine.importers.ics import write_ics

PREAMBLE_NOTE = (
    "When exporting your connection data, you may notice that some of the email addresses are missing. "
    "You will only see email addresses for connections who have allowed their connections to see or "
    "download their email address using this setting https://www.linkedin.com/psettings/privacy/email. "
    "You can learn more here https://www.linkedin.com/help/linkedin/answer/261"
)
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()  # %b depends on the locale

FIRST_NAMES = (
    "James|Mary|Liam|Olivia|Noah|Emma|Sophia|Lucas|Mia|Ethan|Aisha|Omar|Fatima|Yusuf|Priya|Arjun|Ananya|"
    "Rohan|Wei|Mei|Jun|Hiroshi|Yuki|Sakura|Min-jun|Ji-woo|Seo-yeon|Linh|Minh|Carlos|Sofía|Mateo|Valentina|"
    "José|Lucía|Diego|Camila|Lukas|Anna|Jonas|Lena|Felix|Hannah|Jürgen|Søren|Ingrid|Astrid|Björn|Freya|"
    "Chiara|Giulia|Marco|Luca|Chloé|Léa|Hugo|Théo|Amélie|Siobhán|Niamh|Ciarán|Aoife|Seán|Oluwaseun|"
    "Chinedu|Ngozi|Kwame|Ama|Thabo|Zanele|Dmitri|Olga|Piotr|Agnieszka|Łukasz|Katarzyna|Mohammed|Layla|"
    "Nour|David|Sarah|Michael|Jennifer|Chris|Jessica|Daniel|Emily|Ryan|Lauren|Kevin|Rachel|Alex|Sam|Jordan"
).split("|")
LAST_NAMES = (
    "Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Wilson|Anderson|Taylor|Thomas|Moore|Martin|Jackson|"
    "Thompson|White|Harris|Clark|Lewis|Walker|Hall|Young|King|Wright|Scott|Green|Baker|Adams|Hill|Campbell|"
    "Mitchell|Roberts|Carter|Evans|Turner|Parker|Collins|Murphy|O’Brien|O’Connor|O’Neill|D’Souza|McCarthy|"
    "Kelly|Byrne|Patel|Sharma|Gupta|Singh|Iyer|Reddy|Nair|Chen|Wang|Li|Zhang|Liu|Huang|Tanaka|Suzuki|Sato|"
    "Kim|Park|Lee|Choi|Nguyen|Tran|Pham|García|Martínez|Rodríguez|López|González|Pérez|da Silva|Santos|"
    "Oliveira|Müller|Schmidt|Schneider|Fischer|Weber|Wagner|Hoffmann|van der Berg|de Vries|Jansen|Dubois|"
    "Lefèvre|Moreau|Rossi|Russo|Bianchi|Kowalski|Nowak|Wiśniewski|Ivanov|Petrova|Okafor|Adeyemi|Mensah|"
    "Nkosi|Haddad|Khan|Hussain|Rahman|Ali|Andersson|Johansson|Nielsen|Hansen|Virtanen|Novák"
).split("|")
_COMPANY_TEXT = {  # industry -> companies, "|"-separated because names hold commas
    "fintech": "Ledgerly|Finch Payments|Paywise|Coinrail|Northstar Neobank|Clearline Lending|Vaultly|"
    "Brightpay|Open Ledger Labs|Monetra",
    "finance": "Meridian Bank|Harbor & Lane Asset Management|Granite Peak Partners, LLC|Atlas Capital|"
    "First Coastal Credit Union|Bluewater Insurance|Sterling Securities",
    "tech": "Acme, Inc.|Nimbus Cloud|Brightwave Software|Quantix Labs|Orbital Data|Pixelforge|Helio Systems|"
    "Tandem AI|Vantage Analytics|Kestrel Security|Lumen Robotics|Globex Corporation|Initech|Cobalt Commerce|"
    "Stackwise|Hirewell Talent",
    "health": "CareBridge Health|Medisync|Helix Genomics|Oakridge Hospital|Vital Signs Clinics|"
    "Pulse Digital Health|NovaCura Pharmaceuticals",
    "consulting": "Baxter & Moore Consulting|Keystone Advisory Group|Sterling, Hart & Co.|"
    "Bridgeview Partners|Northwind Strategy|Clarity Consulting, Inc.",
    "climate tech": "Verdant Grid|Carbonloop|SolarArc Energy|Tidewater Renewables|"
    "Greenfield Climate Ventures|Hydra Hydrogen|Terra Carbon Capture|Windward Power",
    "other": "Self-employed|Freelance|Stealth Startup|University of Amsterdam|TU Munich|City of Berlin",
}
COMPANIES: dict[str, list[str]] = {industry: names.split("|") for industry, names in _COMPANY_TEXT.items()}
_INDUSTRY_WEIGHT = {"fintech": 2.0, "climate tech": 1.4, "other": 0.6}
_POSITION_TEXT = {  # function -> (titles, weight)
    "engineering": ("Software Engineer|Sr. Software Engineer|Senior Software Engineer|Staff Engineer|"
                    "Principal Engineer|Eng Mgr|Engineering Manager|VP Engineering|CTO|Backend Developer|"
                    "Frontend Engineer|DevOps Engineer|SRE|ML Engineer", 24),
    "product": ("Product Manager|Senior Product Manager|Sr. PM|Group PM|Principal Product Manager|"
                "Head of Product|Director of Product|Director of Product Management|VP Product|"
                "Chief Product Officer|Associate Product Manager|Technical Product Manager", 18),
    "design": ("Product Designer|Senior UX Designer|UX Researcher|Design Lead|Head of Design", 6),
    "data": ("Data Scientist|Senior Data Analyst|Director of Data Science|Analytics Lead|Data Engineer", 8),
    "recruiting": ("Technical Recruiter|Talent Partner|Sr. Talent Acquisition Partner|Head of Talent|"
                   "Recruiting Coordinator|People Partner", 9),
    "sales": ("Account Executive|Enterprise Account Executive|SDR|Customer Success Manager|Head of Sales|"
              "Sales Director, EMEA|Partnerships Lead", 10),
    "leadership": ("Founder & CEO|Co-Founder|COO|General Manager|Managing Director|Partner", 7),
    "other": ("Marketing Manager|Growth Lead|Operations Manager|Consultant|Senior Consultant|"
              "Financial Analyst|Investment Associate|Risk Manager|Research Scientist|"
              "Sustainability Manager|Energy Analyst|Open to work", 18),
}
POSITIONS: dict[str, tuple[list[str], int]] = {
    function: (titles.split("|"), weight) for function, (titles, weight) in _POSITION_TEXT.items()
}
_QUIRKS = (" (she/her)", " (he/him)", ", CFA", ", MBA", ", PMP", ", CFP®")

FINTECH_TARGETS = ["Ledgerly", "Finch Payments", "Paywise", "Coinrail"]
CLIMATE_TARGETS = ["Verdant Grid", "Carbonloop", "SolarArc Energy", "Tidewater Renewables"]
PRODUCT_LEADERS = ["Head of Product", "Director of Product", "Director of Product Management", "VP Product",
                   "Chief Product Officer"]
RECRUITERS = ["Technical Recruiter", "Talent Partner", "Sr. Talent Acquisition Partner", "Head of Talent"]
TEMPLATES = {"referral": "Referral ask", "mentorship": "Mentor coffee ask", "learn": "Industry learning chat"}
# Reply chances by channel: the signal later analytics should find.
NOTES = ["", "Worked together on the payments launch", "Met via alumni network", "Knows the hiring manager",
         "Introduced by a friend"]
REPLY_RATE = {"linkedin_message": 0.5, "linkedin_connection": 0.3, "email": 0.15}


@dataclass
class Demo:
    today: date
    seed: int
    connections_csv: bytes
    events_ics: bytes
    goals: list[dict]
    interactions: list[dict]
    contact_details: list[dict]
    company_industries: dict[str, str] = field(default_factory=dict)  # the CSV has no industry column


def _slug(first: str, last: str) -> str:
    """LinkedIn-like vanity slug: accents folded, other non-ASCII percent-encoded (o%E2%80%99brien)."""
    text = unicodedata.normalize("NFKD", f"{first} {last}".lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return quote("-".join(text.replace("-", " ").split()), safe="-")


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return "".join(c for c in folded if c.isalnum())


def _contacts(rng: random.Random, today: date, n: int) -> list[dict]:
    industries = list(COMPANIES)
    ind_weights = [_INDUSTRY_WEIGHT.get(i, 1.0) * len(COMPANIES[i]) for i in industries]
    functions = list(POSITIONS)
    fn_weights = [POSITIONS[f][1] for f in functions]
    contacts, seen = [], set()
    for _ in range(n):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        industry = rng.choices(industries, ind_weights)[0]
        company = rng.choice(COMPANIES[industry])
        position = rng.choice(POSITIONS[rng.choices(functions, fn_weights)[0]][0])
        suffix = f"{rng.getrandbits(32):08x}"
        while suffix in seen:
            suffix = f"{rng.getrandbits(32):08x}"
        seen.add(suffix)
        url = f"https://www.linkedin.com/in/{_slug(first, last)}-{suffix}"
        email = ""
        if rng.random() < 0.05:
            domain = rng.choice(["gmail.com", "outlook.com", _ascii(company)[:14] + ".com"])
            email = f"{_ascii(first)}.{_ascii(last)}@{domain}"
        shown_first, shown_last = first, last
        quirk = rng.random()
        if quirk < 0.03:
            shown_last += rng.choice(_QUIRKS)
        elif quirk < 0.04:
            shown_first += " "  # trailing space, as typed into the profile
        elif quirk < 0.045:
            shown_first = f'{first} "{rng.choice(["Jim", "Bex", "Kat", "Max"])}"'
        contacts.append({"first": shown_first, "last": shown_last, "url": url, "email": email,
                         "company": company, "industry": industry, "position": position,
                         "connected": today - timedelta(days=rng.randint(0, 6 * 365))})
    contacts.sort(key=lambda c: c["connected"], reverse=True)  # the export lists newest first
    for i in rng.sample(range(n), round(n * 0.03)):
        contacts[i] = {"connected": contacts[i]["connected"], "blank": True}
    return contacts


def _connections_csv(contacts: list[dict]) -> bytes:
    out = io.StringIO()
    out.write("Notes:\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([PREAMBLE_NOTE])
    out.write("\r\n")
    writer.writerow(HEADER)
    for c in contacts:
        when = c["connected"]
        day = f"{when.day:02d} {_MONTHS[when.month - 1]} {when.year}"
        if c.get("blank"):
            writer.writerow(["", "", "", "", "", "", day])
        else:
            writer.writerow([c["first"], c["last"], c["url"], c["email"], c["company"], c["position"], day])
    return out.getvalue().encode("utf-8")


_EVENTS = (  # (days from today, hour UTC, hours long or None for all-day, title, location, price, topics)
    (-55, 17, 3, "Product Management Meetup Berlin", "Factory Berlin, Rheinsberger Str. 76", "Free",
     ["product management", "careers"]),
    (-40, 8, 9, "Payments Conf Europe", "Beurs van Berlage, Amsterdam", "Tickets from €399",
     ["payments", "fintech", "open banking"]),
    (-21, 16, 1, "Webinar: Breaking into Fintech Product", "Online (Zoom)", "Free",
     ["fintech", "product management", "careers"]),
    (-9, 18, 2, "Climate Tech Founders Meetup", "Impact Hub, London", "£10", ["climate tech", "startups"]),
    (4, 17, 2, "Women in Product Meetup: Finding a Mentor", "Betahaus, Berlin", "Free",
     ["mentorship", "product management"]),
    (12, 15, 1, "Online Session: Intro to Carbon Markets", "https://meet.google.com/abc-defg-hij", "Free",
     ["climate tech", "carbon markets"]),
    (20, 9, None, "Tech Career Fair Berlin", "Station Berlin, Luckenwalder Str. 4-6", "Free",
     ["careers", "hiring", "fintech"]),
    (33, 8, 8, "Fintech Forward Summit", "ExCeL London", "Early bird €249",
     ["fintech", "payments", "product management"]),
    (47, 0, None, "Climate Product People (Slack community)", "", "Free",
     ["climate tech", "product management", "community"]),
    (68, 17, 2, "Open Banking Meetup London", "WeWork Moorgate, London", "Free", ["open banking", "fintech"]),
    (90, 8, 9, "ClimateTech Summit Europe", "Messe Berlin", "€180", ["climate tech", "energy", "investing"]),
    (115, 16, 1, "Webinar: Director of Product, what changes", "Online", "$25",
     ["product leadership", "mentorship"]),
)


def _events(today: date) -> tuple[list[dict], bytes]:
    items = []
    for i, (offset, hour, hours, title, location, price, topics) in enumerate(_EVENTS, start=1):
        day = today + timedelta(days=offset)
        if hours is None:  # all-day; the community "event" runs for a week of onboarding
            start, end = day, day + timedelta(days=7 if "community" in topics else 1)
        else:
            start = datetime.combine(day, time(hour, 30 if i % 2 else 0), tzinfo=UTC)
            end = start + timedelta(hours=hours)
        description = f"{title}. Topics: {', '.join(topics)}. Admission: {price}."
        page = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        items.append({"uid": f"demo-event-{i:02d}@rapport", "summary": title, "start": start, "end": end,
                      "location": location, "description": description, "categories": topics,
                      "url": f"https://events.example.org/{page}"})
    stamp = datetime.combine(today, time(9, 0), tzinfo=UTC)
    return items, write_ics(items, prodid="-//Rapport//Demo//EN", dtstamp=stamp).encode("utf-8")


HISTORY_DAYS = 120  # how far back the demo's outreach goes


def _goals(today: date) -> list[dict]:
    def goal(title, outcome, description, metric, target, days, priority, segments, **targets):
        base = {"target_roles": [], "seniority": [], "industries": [], "companies": [], "locations": []}
        return {"title": title, "outcome": outcome, "description": description, **base, **targets,
                "metric": metric, "target": target, "due_date": today + timedelta(days=days),
                "priority": priority, "status": "active", "segments": segments,
                # Begun when the demo's history begins, so its months of outreach count toward it.
                "created_at": today - timedelta(days=HISTORY_DAYS)}

    def segment(name, relationship=None, **lists):
        base = {"roles": [], "seniority": [], "companies": [], "industries": [], "keywords": []}
        return {"name": name, **base, **lists, "relationship": relationship}

    return [
        goal("Referral into a product manager role at a fintech", "referral",
             "Get referred for a senior PM role at a payments or lending fintech.", "referrals", 6, 90, 5,
             [segment("Product leaders at target companies", roles=PRODUCT_LEADERS + ["Group PM"],
                      seniority=["senior", "lead", "director", "vp"], companies=FINTECH_TARGETS,
                      industries=["fintech"], keywords=["product", "payments"]),
              segment("Fintech recruiters", roles=RECRUITERS, industries=["fintech"],
                      keywords=["recruiter", "talent"]),
              segment("Referral sources", "referral source", companies=FINTECH_TARGETS, industries=["fintech"])],
             target_roles=["Product Manager", "Senior Product Manager", "Group PM"],
             seniority=["senior", "lead"], industries=["fintech"], companies=FINTECH_TARGETS,
             locations=["Berlin", "London", "Remote"]),
        goal("Find a mentor: director of product", "mentorship",
             "A director-level product leader to meet monthly about the step up to leading PMs.",
             "conversations", 20, 120, 4,
             [segment("Product directors and VPs", roles=PRODUCT_LEADERS,
                      seniority=["director", "vp", "executive"], keywords=["product"]),
              segment("Former colleagues in product leadership", "peer", roles=PRODUCT_LEADERS,
                      keywords=["product"])],
             target_roles=PRODUCT_LEADERS, seniority=["director", "vp"], industries=["fintech", "tech"]),
        goal("Learn the climate-tech industry", "learn",
             "Understand business models and hiring in climate tech before a possible move.", "meetings", 12,
             180, 3,
             [segment("People at climate-tech companies", companies=CLIMATE_TARGETS,
                      industries=["climate tech"], keywords=["climate", "energy", "sustainability"]),
              segment("Climate investors", roles=["Partner", "Investment Associate"],
                      companies=["Greenfield Climate Ventures"], keywords=["climate", "ventures"])],
             industries=["climate tech"], companies=CLIMATE_TARGETS),
    ]


def _interactions(rng: random.Random, today: date, people: list[dict], goals: list[dict]) -> list[dict]:
    """About 120 items over ~4 months, as threads: outreach, maybe a nudge, maybe a meeting."""
    pools = {
        goals[0]["title"]: [c for c in people if c["industry"] == "fintech"
                             and c["position"] in POSITIONS["product"][0] + RECRUITERS],
        goals[1]["title"]: [c for c in people if c["position"] in PRODUCT_LEADERS],
        goals[2]["title"]: [c for c in people if c["industry"] == "climate tech"],
    }
    past_events = [(today + timedelta(days=e[0]), e[3]) for e in _EVENTS if e[0] < 0]
    items: list[dict] = []

    def add(c, goal, kind, channel, template, when, outcome, follow_up=None, notes=""):
        if when <= today:
            items.append({"contact_url": c["url"], "goal_title": goal, "kind": kind, "channel": channel,
                          "template": template, "occurred_on": when, "outcome": outcome,
                          "follow_up_on": follow_up, "notes": notes})

    while len(items) < 120:
        goal = rng.choices([g["title"] for g in goals] + [None], [4, 3, 3, 1])[0]
        contact = rng.choice(pools.get(goal) or people)
        outcome_key = next((g["outcome"] for g in goals if g["title"] == goal), None)
        when = today - timedelta(days=rng.randint(3, HISTORY_DAYS))
        start = rng.random()
        if start < 0.08:
            when, title = rng.choice(past_events)
            add(contact, goal, "event", "in_person", None, when, None, when + timedelta(days=3),
                f"Met at {title}")
            continue
        if start < 0.18:
            add(contact, goal, "inbound", rng.choice(["linkedin_message", "email"]), None, when, "replied",
                None, "They reached out first")
            continue
        channel = rng.choices(list(REPLY_RATE), [45, 25, 30])[0]
        template = TEMPLATES.get(outcome_key, "Catch-up") if rng.random() < 0.8 else None
        replied = rng.random() < REPLY_RATE[channel]
        outcome = rng.choices(["replied", "meeting", "declined"], [6, 3, 1])[0] if replied else "no_response"
        add(contact, goal, "outreach", channel, template, when, outcome,
            None if replied else when + timedelta(days=7), "First message")
        if not replied and rng.random() < 0.5:
            when += timedelta(days=7)
            replied = rng.random() < REPLY_RATE[channel] * 0.6
            add(contact, goal, "outreach", channel, "Follow-up nudge", when,
                "replied" if replied else "no_response", None, "Gentle follow-up")
        if replied and outcome != "declined":
            when += timedelta(days=rng.randint(2, 10))
            result = rng.choices(["meeting", "referral", "opportunity"], [5, 4, 1])[0] \
                if outcome_key == "referral" else "meeting"
            follow_up = when + timedelta(days=30) if rng.random() < 0.5 else None
            add(contact, goal, "meeting", rng.choice(["phone", "in_person"]), None, when, result, follow_up,
                "Coffee chat; promised to share notes")
    items.sort(key=lambda i: (i["occurred_on"], i["contact_url"]))
    return items


def _details(rng: random.Random, people: list[dict], interactions: list[dict]) -> list[dict]:
    by_url = {c["url"]: c for c in people}
    urls = list(dict.fromkeys(i["contact_url"] for i in interactions))[:30]
    chosen = set(urls)
    others = [c["url"] for c in people if c["url"] not in chosen]
    urls += rng.sample(others, min(40 - len(urls), len(others)))
    met = {i["contact_url"] for i in interactions if i["kind"] in ("meeting", "event")}
    details = []
    for url in urls:
        c = by_url[url]
        warm = (c["company"] in FINTECH_TARGETS or c["position"] in PRODUCT_LEADERS) and rng.random() < 0.5
        relationship = "peer" if warm else "recruiter" if c["position"] in RECRUITERS else \
            rng.choice(["friend", "client", "referral source", "mentor", "peer"])
        target = c["company"] in FINTECH_TARGETS + CLIMATE_TARGETS
        tags = [c["industry"], *(["target company"] if target else [])]
        details.append({"contact_url": url, "tags": tags,
                        "strength": rng.randint(3, 5) if url in met or warm else rng.randint(0, 3),
                        "relationship": relationship, "cadence_days": rng.choice([14, 30, 60, 90, 180]),
                        "notes": rng.choice(NOTES)})
    return details


def build_demo(today: date, seed: int = 7, n_contacts: int = 500) -> Demo:
    """Build the whole demo workspace in memory; nothing is written (see write_demo_files)."""
    rng = random.Random(seed)
    contacts = _contacts(rng, today, n_contacts)
    people = [c for c in contacts if not c.get("blank")]
    _items, events_ics = _events(today)
    goals = _goals(today)
    interactions = _interactions(rng, today, people, goals)
    return Demo(today=today, seed=seed, connections_csv=_connections_csv(contacts), events_ics=events_ics,
                goals=goals, interactions=interactions, contact_details=_details(rng, people, interactions),
                company_industries={c: ind for ind, names in COMPANIES.items() for c in names})


def write_demo_files(demo: Demo, folder: Path) -> dict[str, Path]:
    """Write Connections.csv and events.ics into ``folder`` (created if needed), as a user would upload."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"connections": folder / "Connections.csv", "events": folder / "events.ics"}
    paths["connections"].write_bytes(demo.connections_csv)
    paths["events"].write_bytes(demo.events_ics)
    return paths
