"""Column names: the known export layouts and the aliases used to map an unknown CSV.

Headers are compared through ``norm`` (case, accents, spaces and punctuation removed) so that
``E-mail Address``, ``Email address`` and ``EMAIL_ADDRESS`` are one name, and ``Prénom`` matches
``Prenom``. Columns are always found by name, never by position: exports add, drop and reorder
columns between versions and locales.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from engine.records import MIDDLE_NAME


@lru_cache(maxsize=4096)
def norm(header: str) -> str:
    """Comparison key for a column name: casefolded letters and digits only, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", header.replace("\ufeff", "").casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


# Canonical field -> aliases in order of preference (the first alias present in a file wins).
GENERIC_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": (
        "First Name", "Firstname", "Given Name", "Forename", "First", "Prénom", "Vorname",
    ),
    "last_name": (
        "Last Name", "Lastname", "Surname", "Family Name", "Last", "Nom", "Nom de famille",
        "Nachname", "Familienname",
    ),
    "full_name": (
        "Full Name", "Name", "Display Name", "Contact Name", "Contact", "Person", "Nom complet",
        "Vollständiger Name", "Anzeigename",
    ),
    "email": (
        "Email", "E-mail", "Email Address", "E-mail Address", "Mail", "E-mail 1 - Value",
        "Primary Email", "Work Email", "Email 1", "Adresse e-mail", "Adresse électronique",
        "Courriel", "E-Mail-Adresse", "E-Mail Adresse",
    ),
    "company": (
        "Company", "Organisation", "Organization", "Employer", "Company Name", "Organization Name",
        "Organization 1 - Name", "Entreprise", "Société", "Employeur", "Firma", "Unternehmen",
        "Arbeitgeber",
    ),
    "position": (
        "Job Title", "Position", "Title", "Role", "Organization Title", "Organization 1 - Title",
        "Headline", "Poste", "Fonction", "Titre", "Titel", "Berufsbezeichnung", "Funktion",
    ),
    "linkedin_url": (
        "LinkedIn", "LinkedIn URL", "Profile URL", "LinkedIn Profile", "LinkedIn Profile URL",
        "Profil LinkedIn", "LinkedIn-Profil",
    ),
    "phone": (
        "Phone", "Phone Number", "Telephone", "Mobile", "Mobile Phone", "Cell", "Phone 1 - Value",
        "Téléphone", "Portable", "Telefon", "Telefonnummer", "Mobiltelefon", "Handy",
    ),
    "location": ("Location", "City", "Town", "Address", "Ville", "Lieu", "Ort", "Stadt", "Standort"),
    "connected_on": (
        "Connected On", "Connected", "Date Added", "Added", "Met On", "Date", "Date de connexion",
        "Verbunden am", "Datum",
    ),
    "notes": (
        "Notes", "Note", "Comments", "Comment", "Remarks", "Remarques", "Commentaire", "Notizen",
        "Notiz", "Bemerkungen", "Kommentar",
    ),
    "tags": (
        "Tags", "Tag", "Labels", "Groups", "Group", "Categories", "Category", "Group Membership",
        "Étiquettes", "Libellés", "Kategorien", "Gruppen", "Schlagwörter",
    ),
}

# Pseudo-field: a middle name only ever goes into full_name.
MIDDLE = MIDDLE_NAME
# Known layouts. A candidate starting with "~" is a pattern over normalized names (numbered groups).
_WEBSITES = "~website\\d+value"
_LINKEDIN = {
    "first_name": ("First Name",), "last_name": ("Last Name",), "email": ("Email Address",),
    "company": ("Company",), "position": ("Position",), "connected_on": ("Connected On",),
}
_OUTLOOK = {
    "first_name": ("First Name",), MIDDLE: ("Middle Name",), "last_name": ("Last Name",),
    "email": ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address"),
    "company": ("Company",), "position": ("Job Title",),
    "phone": ("Business Phone", "Mobile Phone", "Primary Phone", "Home Phone", "Other Phone"),
    "location": ("Business City", "Home City", "Other City"),
    "linkedin_url": ("Web Page", "Personal Web Page"), "notes": ("Notes",), "tags": ("Categories",),
}
FORMAT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "linkedin": {**_LINKEDIN, "linkedin_url": ("URL",)},
    "linkedin_2018": _LINKEDIN,
    "google": {
        "first_name": ("First Name",), MIDDLE: ("Middle Name",), "last_name": ("Last Name",),
        "email": ("E-mail 1 - Value", "E-mail 2 - Value", "E-mail 3 - Value"),
        "company": ("Organization Name", "Organization 1 - Name"),
        "position": ("Organization Title", "Organization 1 - Title"),
        "phone": ("Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value"),
        "location": ("Address 1 - City", "Address 1 - Region", "Address 1 - Country"),
        "linkedin_url": (_WEBSITES,), "notes": ("Notes",), "tags": ("Labels",),
    },
    "google_legacy": {
        "full_name": ("Name",), "first_name": ("Given Name",), MIDDLE: ("Additional Name",),
        "last_name": ("Family Name",),
        "email": ("E-mail 1 - Value", "E-mail 2 - Value", "E-mail 3 - Value"),
        "company": ("Organization 1 - Name",), "position": ("Organization 1 - Title",),
        "phone": ("Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value"),
        "location": ("Address 1 - City", "Location", "Address 1 - Region", "Address 1 - Country"),
        "linkedin_url": (_WEBSITES,), "notes": ("Notes",), "tags": ("Group Membership",),
    },
    "outlook": _OUTLOOK,
    "outlook_com": {**_OUTLOOK, "phone": ("Mobile Phone", "Business Phone", "Home Phone", "Other Phone")},
}

# Columns whose values are only kept when they point at LinkedIn (generic "website" columns).
LINKEDIN_ONLY = frozenset({"website", "webpage", "personalwebpage"})

KNOWN_KEYS: frozenset[str] = frozenset(
    norm(name)
    for table in (GENERIC_ALIASES, *FORMAT_COLUMNS.values())
    for names in table.values()
    for name in names
    if not name.startswith("~")
) | {"url"}
