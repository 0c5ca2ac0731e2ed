"""A draft worth sending: a template filled from what Rapport knows, with the gaps named and where to fill them.

What fills a draft, besides the contact's own fields (``messages.contact_values``):
- the goal: its first target role ("product manager"), the target company the message is about (the
  contact's own company when it is one of the goal's, else the goal's companies: "Stripe or Adyen")
  and a link to the job posting (the first web address in the goal's description);
- the user's pitch for that goal (else their general pitch);
- what the user and the contact have in common: a company on both CVs, a school or group of the
  user's among the contact's tags, an event both attended (see ``shared_contexts``);
- the user's profile from Settings: their name and how they sign. A template that ends on a closing
  line ("Thank you,") and never names the sender gets the signature on the line below, so a
  starter template kept from an older version still ends with a name.

A placeholder still empty is listed with the page where the user fills it (``where_to_fill``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from engine.vocabulary import KEEP_TEXTS_SETTING, as_text

from .messages import Rendered, contact_values, render, text_length

# Settings keys of the user's profile, and of the privacy choice about message texts.
PROFILE_SETTINGS: dict[str, str] = {"name": "profile_name", "sign_off": "profile_sign_off",
                                    "companies": "profile_companies", "schools": "profile_schools",
                                    "groups": "profile_groups"}

# Where the user fills each placeholder Rapport can fill, in the words of the page that does it.
WHERE_TO_FILL: dict[str, str] = {
    "first_name": "their first name: edit the contact on Contacts",
    "last_name": "their last name: edit the contact on Contacts",
    "full_name": "their name: edit the contact on Contacts",
    "company": "their company: edit the contact on Contacts",
    "position": "their job title: edit the contact on Contacts",
    "goal": "the goal: choose one above, or add one on Goals",
    "role": "the role: add a target role to the goal on Goals",
    "role_company": "the company: add target companies to the goal on Goals",
    "job_link": "job link: paste the posting's link into the goal's description on Goals",
    "my_pitch": "your pitch: write it on Pitch & templates",
    "shared_context": "what you have in common: type it above, or add your companies and schools to your "
                      "profile in Settings",
    "my_name": "your name: add it to your profile in Settings",
    "my_first_name": "your name: add it to your profile in Settings",
    "signature": "your sign-off: add your name to your profile in Settings",
}
SENDER_PLACEHOLDERS = ("my_name", "my_first_name", "signature")

_URL_RE = re.compile(r"https?://[^\s<>()\"']+")
_CLOSING_RE = re.compile(r",\s*\Z")  # a body whose last line is a closing: "Thank you," / "Best regards,"


@dataclass(frozen=True)
class Profile:
    """Who the user is, as their messages sign and as they share a past with their contacts."""

    name: str = ""
    sign_off: str = ""  # what goes under the closing line; the name when empty
    companies: tuple[str, ...] = ()  # where they worked, the current one first
    schools: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # communities, clubs, programmes: matched against the contacts' tags

    @classmethod
    def typed(cls, name: str = "", sign_off: str = "", companies: str = "", schools: str = "",
              groups: str = "") -> Profile:
        """A profile from a form's fields, lists given comma-separated."""
        return cls(name=name.strip(), sign_off=sign_off.strip(), companies=_split(companies),
                   schools=_split(schools), groups=_split(groups))

    @property
    def signature(self) -> str:
        return self.sign_off or self.name


@dataclass(frozen=True)
class Draft:
    """A rendered template and the gaps left in it, each with where to fill it."""

    message: Rendered
    to_fill: list[tuple[str, str]] = field(default_factory=list)  # (placeholder, where to fill it)
    shared: list[str] = field(default_factory=list)  # what the user and the contact have in common
    has_pitch: bool = False


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def read_profile(store) -> Profile:
    """The profile saved in Settings; the name falls back to the owner of an imported LinkedIn archive."""
    from engine.importers.archive import OWNER_SETTING

    with store.session():
        saved = {field_: store.settings.get(key) or "" for field_, key in PROFILE_SETTINGS.items()}
        owner = store.settings.get(OWNER_SETTING)
    name = saved["name"].strip()
    if not name and owner:
        try:
            name = as_text(json.loads(owner).get("name"))
        except (ValueError, AttributeError):  # an unreadable setting is no name, not a broken page
            name = ""
    return Profile(name=name, sign_off=saved["sign_off"].strip(), companies=_split(saved["companies"]),
                   schools=_split(saved["schools"]), groups=_split(saved["groups"]))


def save_profile(store, profile: Profile) -> None:
    values = {"name": profile.name, "sign_off": profile.sign_off, "companies": ", ".join(profile.companies),
              "schools": ", ".join(profile.schools), "groups": ", ".join(profile.groups)}
    with store.session():
        for field_, key in PROFILE_SETTINGS.items():
            store.settings.set(key, values[field_].strip() or None)


def keeps_texts(store) -> bool:
    """Whether the user chose to keep the texts of the messages they log (off unless chosen)."""
    return store.settings.get(KEEP_TEXTS_SETTING) == "1"


def set_keeps_texts(store, keep: bool) -> None:
    store.settings.set(KEEP_TEXTS_SETTING, "1" if keep else None)


def _fold(text: str) -> str:
    return " ".join(as_text(text).casefold().split())


def _join(words: list[str]) -> str:
    """"Stripe", "Stripe or Adyen", "Stripe, Adyen or Monzo"."""
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def goal_values(goal: dict | None, contact: dict) -> dict[str, str]:
    """The role, the target company and the job link a goal gives a message to ``contact``."""
    goal = goal or {}
    roles = [as_text(r) for r in goal.get("target_roles") or [] if as_text(r)]
    companies = [as_text(c) for c in goal.get("companies") or [] if as_text(c)]
    theirs = _fold(contact.get("company"))
    same = [c for c in companies if theirs and re.search(rf"\b{re.escape(_fold(c))}\b", theirs)]
    link = _URL_RE.search(as_text(goal.get("description")))
    return {"role": roles[0] if roles else "", "role_company": same[0] if same else _join(companies),
            "job_link": link.group(0).rstrip(".,;:") if link else ""}


def shared_contexts(contact: dict, profile: Profile, events: list[str] = ()) -> list[str]:
    """What the user and the contact have in common, as phrases for "I noticed {shared_context}".

    A company on the user's profile that is the contact's company ("we both work at Globex" for the
    user's current one, the first listed; "we both worked at" otherwise); a school, company or group of
    the user's found among the contact's tags ("we both studied at TU Munich", "we're both part of
    Women in Product"); an event both attended.
    """
    phrases: list[str] = []
    company = _fold(contact.get("company"))
    tags = {_fold(t): as_text(t) for t in contact.get("tags") or [] if as_text(t)}
    for i, mine in enumerate(profile.companies):
        if company and _fold(mine) == company:
            phrases.append(f"we both {'work' if i == 0 else 'worked'} at {mine}")
        elif _fold(mine) in tags:
            phrases.append(f"we both worked at {mine}")
    phrases += [f"we both studied at {school}" for school in profile.schools if _fold(school) in tags]
    phrases += [f"we're both part of {group}" for group in profile.groups if _fold(group) in tags]
    phrases += [f"we were both at {event}" for event in events if as_text(event)]
    return list(dict.fromkeys(phrases))


def _signed(body: str) -> str:
    """``body`` with a ``{signature}`` line after its closing, unless it names the sender already."""
    if any("{" + name in body for name in SENDER_PLACEHOLDERS) or not _CLOSING_RE.search(body):
        return body
    return body.rstrip() + "\n{signature}"


def draft(template: dict, contact: dict, channel: str | None = None, goal: dict | None = None,
          pitch: str | None = None, profile: Profile | None = None, shared_context: str | None = None,
          events: list[str] = ()) -> Draft:
    """Fill ``template`` for ``contact`` from everything known; name each gap and where to fill it.

    ``shared_context``: the phrase the user chose or typed; the first found in common when None.
    """
    profile = profile or Profile()
    shared = shared_contexts(contact, profile, events)
    if shared_context is None:
        shared_context = shared[0] if shared else ""
    name = profile.name
    values = {
        **goal_values(goal, contact),
        "my_name": name, "my_first_name": name.split()[0] if name else "", "signature": profile.signature,
        "event": next((as_text(e) for e in events if as_text(e)), ""),
    }
    values.update(contact_values(contact, goal=goal, pitch=pitch, shared_context=shared_context))
    message = render(_signed(template.get("body") or ""), values, channel=channel, subject=template.get("subject"))
    to_fill = [(m, WHERE_TO_FILL.get(m, f"{m.replace('_', ' ')}: type it into the draft")) for m in message.missing]
    return Draft(message=message, to_fill=to_fill, shared=shared, has_pitch=bool(as_text(pitch)))


@dataclass(frozen=True)
class Known:
    """What the workspace knows for a draft to ``contact`` serving ``goal``: read once, used for every template."""

    pitch: str | None
    profile: Profile
    events: list[str]


def known_for(store, contact: dict, goal: dict | None) -> Known:
    """The goal's pitch (else the general one), the profile and the events the contact attended."""
    with store.session():
        pitch = store.pitches.latest(goal["id"] if goal else None)
        profile = read_profile(store)
        events: list[str] = []
        if contact.get("id") is not None:
            timeline = store.interactions.timeline(int(contact["id"]))
            events = [as_text(e) for e in timeline["event"].dropna().unique()] if len(timeline) else []
    return Known(pitch=pitch, profile=profile, events=events)


def build_draft(store, template: dict, contact: dict, channel: str | None = None, goal: dict | None = None,
                shared_context: str | None = None, known: Known | None = None) -> Draft:
    """``draft`` with the pitch, the profile and the events read from ``store`` (or given as ``known``)."""
    known = known or known_for(store, contact, goal)
    return draft(template, contact, channel=channel, goal=goal, pitch=known.pitch, profile=known.profile,
                 shared_context=shared_context, events=known.events)


def sent_record(text: str, keep_text: bool) -> dict:
    """What the log keeps of a message sent: its length always, its text only when the user keeps texts."""
    text = (text or "").strip()
    return {"message_length": text_length(text) if text else None, "message_text": text if keep_text and text
            else None}
