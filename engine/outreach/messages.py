"""Message templates per channel and purpose, filled in safely for one contact.

Why a hand-written substitution instead of ``str.format``: template bodies are user text, and
``str.format`` evaluates ``{x.__class__}`` or ``{0[1]}`` (attribute and index access, positional
fields), raises on a stray brace and cannot leave a gap visible. Here only ``{simple_identifier}``
is a placeholder; anything else in braces is literal text, ``{{``/``}}`` are literal braces, and a
value is inserted as is, never re-read as a template. An empty value is shown as ``[name?]`` so the
user sees the gap before sending, instead of a message that says "Hi ,".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from engine.vocabulary import as_text

# Character limits per channel (None: no practical limit). Sources, checked 2026:
# - linkedin_connection: 300 characters for the note on an invitation (LinkedIn Help, "Add a note to
#   your invitation"; the counter under the box). Since 2023 free accounts get 200 characters and a
#   few personalised invitations a month, hence the separate free-account entry.
# - linkedin_message: 8,000 characters per message to a 1st-degree connection (LinkedIn messaging box).
# - linkedin_inmail: 1,900 characters of body (200 of subject) for InMail (LinkedIn Help, InMail).
# - email: RFC 5322 limits line length, not message length; mail clients wrap long lines themselves.
CHANNEL_LIMITS: dict[str, int | None] = {
    "linkedin_connection": 300,
    "linkedin_connection_free": 200,
    "linkedin_message": 8000,
    "linkedin_inmail": 1900,
    "email": None,
    "phone": None,
    "video_call": None,
    "in_person": None,
    "other": None,
}

PURPOSES = ("connection note", "intro request", "referral ask", "coffee chat", "follow-up", "thank-you",
            "reconnect")

# What each placeholder means, for the template editor. contact_values() fills the contact's fields, the
# goal, the pitch and the shared context; drafts.draft() adds the goal's role, company and job link, an
# event both attended and the user's own name and signature. Any other name is a custom field the user
# types into the draft.
PLACEHOLDER_HINTS: dict[str, str] = {
    "first_name": "Their first name", "last_name": "Their last name", "full_name": "Their full name",
    "company": "Their current company", "position": "Their current job title",
    "goal": "The title of the goal this message serves", "my_pitch": "Your elevator pitch",
    "shared_context": "What you have in common, as a phrase: \"we both studied at TU Munich\"",
    "event": "The event where you met", "role": "The role you are interested in",
    "topic": "What you talked about or want to learn", "target_name": "The person you want to be introduced to",
    "target_company": "Where that person works", "job_link": "A link to the job posting",
    "next_step": "What you are doing with their advice",
    "role_company": "The goal's target company (theirs, when they work at one)",
    "my_name": "Your name (Settings, your profile)", "my_first_name": "Your first name (Settings, your profile)",
    "signature": "How you sign (Settings, your profile); added under a closing line like \"Thank you,\"",
}

# Typical values: the template editor's preview, and the tests' proof that each starter fits its channel.
SAMPLE_VALUES: dict[str, str] = {
    "first_name": "Priya", "last_name": "Raman", "full_name": "Priya Raman", "company": "Ledgerly",
    "position": "Director of Product", "goal": "Referral into a product manager role at a fintech",
    "my_pitch": "I'm a product manager with six years in payments. At Paywise I led the checkout rebuild that "
                "cut failed payments by 18%, and I'm now looking for a senior PM role at a lending fintech.",
    "shared_context": "we both studied at TU Munich", "event": "Fintech Week Berlin",
    "role": "senior product manager", "topic": "how lending teams run discovery", "target_name": "Tom Becker",
    "target_company": "Finch Payments", "job_link": "https://jobs.example.com/senior-pm",
    "next_step": "I've rewritten my CV around outcomes, as you suggested",
    "role_company": "Ledgerly", "my_name": "Sam Lee", "my_first_name": "Sam", "signature": "Sam Lee",
}


def _template(name: str, channel: str, purpose: str, body: str, subject: str | None = None) -> dict:
    return {"name": name, "channel": channel, "purpose": purpose, "subject": subject, "body": body}


# Names that the demo workspace logs ("Referral ask", "Mentor coffee ask", "Industry learning chat",
# "Catch-up", "Follow-up nudge") are kept, so demo interactions can point at a starter template.
STARTER_TEMPLATES: list[dict] = [
    _template("LinkedIn connection note", "linkedin_connection", "connection note",
              "Hi {first_name}, I noticed {shared_context}. I'm exploring {role} roles and your work at {company} "
              "caught my eye. I'd be glad to connect and learn from your path."),
    _template("Met at an event", "linkedin_connection", "connection note",
              "Hi {first_name}, great meeting you at {event}! I enjoyed our chat about {topic} and would like to "
              "stay in touch."),
    _template("Mentor coffee ask", "linkedin_message", "coffee chat",
              "Hi {first_name},\n\nThanks for connecting. I noticed {shared_context}, so I thought I'd reach out.\n\n"
              "A little about me: {my_pitch}\n\nMy goal for the next few months: {goal}. I'd love to hear how you "
              "got to {position} at {company} and what you'd do in my shoes. Would you be open to a 20-minute "
              "coffee chat, virtual or in person, in the next couple of weeks? I'll work around your calendar.\n\n"
              "Thank you,"),
    _template("Industry learning chat", "email", "coffee chat",
              "Hi {first_name},\n\nI'm trying to learn how {company} and its peers think about {topic}, and your "
              "experience as {position} is exactly the perspective I'm missing.\n\nA little about me: {my_pitch}\n\n"
              "Would you have 20 minutes for a call in the next few weeks? I'll come with specific questions and "
              "keep it to time.\n\nBest regards,",
              subject="20 minutes on {topic}?"),
    _template("Intro request", "email", "intro request",
              "Hi {first_name},\n\nI hope you're well. I have a small favour to ask: I see you know {target_name} at "
              "{target_company}, and I'd love to learn from them about {topic}.\n\nWould you be comfortable "
              "introducing us? Below is a short note you can forward as is or edit. If the timing or fit isn't "
              "right, no problem at all.\n\n---\n{my_pitch} I'd be grateful for 20 minutes of {target_name}'s time "
              "to hear about {topic}.\n---\n\nThank you so much,",
              subject="Could you introduce me to {target_name}?"),
    _template("Referral ask", "email", "referral ask",
              "Hi {first_name},\n\nI hope things are going well at {company}. I'm applying for the {role} role "
              "there ({job_link}) and, since you know the team, I wanted to ask whether you'd be comfortable "
              "referring me.\n\nWhy I think it's a fit: {my_pitch}\n\nI'm happy to send a short summary and my CV "
              "for the referral form. If you'd rather not, I completely understand, and I'd still value any "
              "advice on the process.\n\nThank you,",
              subject="Referral for the {role} role at {company}?"),
    _template("Follow-up nudge", "linkedin_message", "follow-up",
              "Hi {first_name}, just bringing my note back to the top of your inbox in case it got buried. I know "
              "things get busy; if now isn't a good time, no worries at all. Would a short call in the next few "
              "weeks work?"),
    _template("Follow-up e-mail", "email", "follow-up",
              "Hi {first_name},\n\nI wanted to follow up on my note from last week about {topic}. I'd still value "
              "15 minutes of your perspective, whenever suits you.\n\nIf someone else at {company} would be better "
              "placed to talk to, a pointer would be just as helpful.\n\nBest regards,",
              subject="Following up: {topic}"),
    _template("Thank-you after a chat", "email", "thank-you",
              "Hi {first_name},\n\nThank you for taking the time to talk with me. Your advice on {topic} was "
              "genuinely useful, and I'm already acting on it: {next_step}.\n\nI'll let you know how it goes. And "
              "if I can ever return the favour, just say the word.\n\nWith thanks,",
              subject="Thank you, {first_name}"),
    _template("Reconnect after a job change", "linkedin_message", "reconnect",
              "Hi {first_name},\n\nI just saw the news: congratulations on becoming {position} at {company}! "
              "That's a great move.\n\nIt's been a while since {shared_context}, and I'd love to hear how the first "
              "weeks are going. On my side: {my_pitch}\n\nUp for a virtual coffee sometime this month?\n\nCheers,"),
    _template("Catch-up", "linkedin_message", "reconnect",
              "Hi {first_name},\n\nIt's been a while since {shared_context}, and I wanted to check in. How are "
              "things at {company}?\n\nMy current focus: {goal}. I'd love to swap notes if you have 20 minutes in "
              "the coming weeks.\n\nBest,"),
]

# "{{" and "}}" are literal braces; "{name}" (spaces inside tolerated) is a placeholder; any other
# brace is plain text, so "{0}", "{x.__class__}" and "{a[1]}" are never evaluated.
_TOKEN_RE = re.compile(r"\{\{|\}\}|\{[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\}")


@dataclass(frozen=True)
class Rendered:
    text: str
    subject: str | None
    missing: list[str] = field(default_factory=list)
    length: int = 0  # characters of text as LinkedIn counts them (UTF-16 units: an emoji is 2)
    limit: int | None = None
    over_limit: int = 0  # characters over the channel limit, 0 when it fits or there is no limit


def workspace_templates(store, channel: str | None = None) -> list[dict]:
    """The workspace's templates; a workspace without any gets the starter set first (so a new
    user has something to send, and one who deleted them all gets them back)."""
    store.templates.add_starters(STARTER_TEMPLATES)
    return store.templates.all(channel)


def placeholders(body: str | None) -> list[str]:
    """The placeholder names in ``body``, in order of first appearance, each once."""
    names = (m.group(1) for m in _TOKEN_RE.finditer(body or "") if m.group(1))
    return list(dict.fromkeys(names))


def _substitute(template: str, values: dict, missing: list[str]) -> str:
    def replace(match: re.Match) -> str:
        token, name = match.group(0), match.group(1)
        if name is None:
            return token[0]  # "{{" -> "{", "}}" -> "}"
        value = as_text(values.get(name))
        if value:
            return value
        if name not in missing:
            missing.append(name)
        return f"[{name}?]"

    return _TOKEN_RE.sub(replace, template)


def text_length(text: str) -> int:
    """Length as a browser's maxlength counts it (UTF-16 code units), which is what LinkedIn enforces."""
    return len(text.encode("utf-16-le")) // 2


def render(body: str, values: dict[str, str | None], channel: str | None = None,
           subject: str | None = None) -> Rendered:
    """Fill ``body`` (and ``subject``) from ``values``; report gaps and how far it runs over the limit."""
    missing: list[str] = []
    rendered_subject = _substitute(subject, values, missing) if subject else None
    text = _substitute(body or "", values, missing)
    length = text_length(text)
    limit = CHANNEL_LIMITS.get(channel) if channel else None
    return Rendered(text=text, subject=rendered_subject, missing=missing, length=length, limit=limit,
                    over_limit=max(0, length - limit) if limit else 0)


def contact_values(contact: dict, goal: dict | None = None, pitch: str | None = None,
                   shared_context: str | None = None, custom: dict | None = None) -> dict[str, str]:
    """The placeholder values for one contact; every standard key is present, empty when unknown.

    ``custom`` comes last so the user can override anything for one message (a nickname, say).
    """
    full_name = as_text(contact.get("full_name"))
    first_name = as_text(contact.get("first_name")) or (full_name.split()[0] if full_name else "")
    values = {
        "first_name": first_name,
        "last_name": as_text(contact.get("last_name")),
        "full_name": full_name or " ".join(filter(None, (first_name, as_text(contact.get("last_name"))))),
        "company": as_text(contact.get("company")),
        "position": as_text(contact.get("position")),
        "goal": as_text((goal or {}).get("title")),
        "my_pitch": as_text(pitch),
        "shared_context": as_text(shared_context),
    }
    values.update({str(k): as_text(v) for k, v in (custom or {}).items()})
    return values


def _encode(text: str) -> str:
    """Percent-encode everything but RFC 3986 unreserved characters, as UTF-8 (RFC 6068 section 2)."""
    return quote(text, safe="")


def mailto_link(to: str | None, subject: str, body: str) -> str:
    """A ``mailto:`` URI (RFC 6068) that opens a draft with this subject and body.

    Line breaks in the body become %0D%0A as the RFC requires; the subject is one header line, so
    its line breaks become spaces. Every ``&``, ``=``, ``?`` and ``#`` is encoded, so no text can add
    a header (``&bcc=``) or cut the URI short. ``to`` may be "Name <a@b.org>, c@d.org"; only the
    addresses are kept, because RFC 6068 allows addr-spec only.
    """
    addresses = []
    for entry in re.findall(r'(?:"[^"]*"|[^,;"])+', re.sub(r"[\x00-\x1f\x7f]", " ", to or "")):
        angle = re.search(r"<([^<>]*)>", entry)  # "Name <address>" -> address
        address = (angle.group(1) if angle else entry).strip()
        if address:
            addresses.append(quote(address, safe="@"))
    params = []
    subject_line = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", subject or "").split())
    if subject_line:
        params.append("subject=" + _encode(subject_line))
    if body:
        lines = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", body.replace("\r\n", "\n").replace("\r", "\n"))
        params.append("body=" + _encode(lines.replace("\n", "\r\n")))
    return "mailto:" + ",".join(addresses) + ("?" + "&".join(params) if params else "")
