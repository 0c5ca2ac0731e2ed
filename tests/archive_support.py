"""LinkedIn data archives written as LinkedIn writes them, in every era, for invented people.

Nobody here is a real person: the owner and the correspondents are made-up names. A scenario is a
list of ``Msg``; ``messages_csv(era, msgs)`` renders it the way that era's ``messages.csv`` looked
(see ../shared/formats.md), and ``archive_zip`` packs the CSVs into the ZIP LinkedIn sends.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ERAS = ("2018", "2019", "2023", "2025", "2026")
PROFILE = "https://www.linkedin.com/in/"
OWNER = ("Olive Owner", PROFILE + "olive-owner-1a2b")
JANE = ("Jane Doe, Ph.D.", PROFILE + "jane-doe-phd")
SAM = ("Sam Rayburn-Quist", PROFILE + "sam-rq")
NOOR = ("Noor Ëlvenstad", PROFILE + "noor-elvenstad")  # written with mojibake in some exports
ZED = ("Zed Strangeway", PROFILE + "zed-strangeway")  # not a contact
SECRET = "xyzzy-private-words"  # in message bodies: must never reach the workspace

LINKEDIN_PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    'missing."\r\n'
    "\r\n"
)


@dataclass
class Msg:
    conversation: str
    sender: tuple[str, str]
    to: list[tuple[str, str]]
    at: datetime  # UTC
    content: str = f"Hello there, {SECRET}"
    title: str = ""
    folder: str = "INBOX"
    draft: bool = False
    sponsored: bool = False
    extra: dict = field(default_factory=dict)


def connections_csv(people: list[tuple[str, str]], connected_on: str = "08 Jan 2023") -> bytes:
    """Connections.csv of these (name, url): the name split into First and Last Name as LinkedIn does."""
    out = io.StringIO()
    out.write(LINKEDIN_PREAMBLE + "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    for name, url in people:
        first, last = name.split(" ", 1)
        writer.writerow([first, last, url, "", "Acme Widgets", "Engineer", connected_on])
    return out.getvalue().encode("utf-8")


def scenario(base: datetime = datetime(2024, 3, 1, 9, 30)) -> list[Msg]:
    """The conversations every era is tested with (what each one exercises is said beside it)."""
    from datetime import timedelta

    day = timedelta(days=1)
    return [
        # Jane: the owner writes first, she answers within two days; the owner's follow-up is never answered.
        Msg("c-jane", OWNER, [JANE], base, content=f"Hi Jane &rsquo; 👋 {SECRET}"),
        Msg("c-jane", JANE, [OWNER], base + 2 * day, content=f"<b>Great</b> to hear, {SECRET} 🎉"),
        Msg("c-jane", OWNER, [JANE], base + 3 * day, content=f"Thanks!\nTalk soon, \"{SECRET}\""),
        # Sam writes first; the owner answers.
        Msg("c-sam", SAM, [OWNER], base + 5 * day),
        Msg("c-sam", OWNER, [SAM], base + 6 * day),
        # Noor: a message that is never answered (and the horizon is months later).
        Msg("c-noor", OWNER, [NOOR], base + 7 * day),
        # A group: the owner writes to Jane and Sam at once; both answer. Kept out.
        Msg("c-group", OWNER, [JANE, SAM], base + 8 * day),
        Msg("c-group", JANE, [OWNER, SAM], base + 9 * day),
        # Sponsored InMail: no sender URL, "LinkedIn Member", spinmail HTML. Kept out.
        Msg("c-ad", ("LinkedIn Member", ""), [OWNER], base + 10 * day, sponsored=True,
            title="Sponsored Conversation",
            content='<p class="spinmail-quill-editor__spin-break">Hi %FIRSTNAME%, grow your team</p>'),
        # A stranger (not a contact): counted and listed, not logged.
        Msg("c-zed", ZED, [OWNER], base + 11 * day),
        # A draft the owner never sent. Kept out.
        Msg("c-draft", OWNER, [SAM], base + 12 * day, draft=True),
        # The latest message: months later, so the window of every other one has passed.
        Msg("c-sam", SAM, [OWNER], base + 120 * day),
    ]


def _us_date(at: datetime) -> str:
    """``10/16/18, 8:36 AM``: 2018's dates (and every era's invitations)."""
    hour = at.hour % 12 or 12
    return f"{at.month}/{at.day}/{at.strftime('%y')}, {hour}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def _row(era: str, m: Msg) -> dict:
    names = ", ".join(n for n, _ in m.to)
    row = {
        "CONVERSATION ID": m.conversation, "CONVERSATION TITLE": m.title,
        "FROM": m.sender[0], "SENDER PROFILE URL": "" if m.sponsored else m.sender[1],
        "TO": names, "RECIPIENT PROFILE URLS": ",".join(u for _, u in m.to),
        "DATE": m.at.strftime("%Y-%m-%d %H:%M:%S UTC"), "SUBJECT": "", "CONTENT": m.content,
        "FOLDER": "DRAFT" if m.draft and era != "2025" else m.folder,
        "ATTACHMENTS": "", "IS MESSAGE DRAFT": "Yes" if m.draft else "No", "IS CONVERSATION DRAFT": "No",
        **m.extra,
    }
    if era == "2018":
        outgoing = m.sender == OWNER
        return {"From": m.sender[0], "To": names, "Date": _us_date(m.at), "Subject": "", "Content": m.content,
                "Direction": "OUTGOING" if outgoing else "INCOMING", "Folder": row["FOLDER"]}
    return row


_HEADERS = {
    "2018": ["From", "To", "Date", "Subject", "Content", "Direction", "Folder"],
    "2019": ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO", "DATE", "SUBJECT",
             "CONTENT", "FOLDER"],
    "2023": ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS",
             "DATE", "SUBJECT", "CONTENT", "FOLDER"],
    # 2024-2025: extra columns, here also in another order (columns are found by name).
    "2025": ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS",
             "DATE", "SUBJECT", "CONTENT", "FOLDER", "ATTACHMENTS", "IS MESSAGE DRAFT", "IS CONVERSATION DRAFT"],
    "2026": ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS",
             "DATE", "SUBJECT", "CONTENT", "FOLDER", "ATTACHMENTS", "IS MESSAGE DRAFT", "IS CONVERSATION DRAFT"],
}


def messages_csv(era: str, msgs: list[Msg]) -> bytes:
    """messages.csv as that era wrote it (newest first, as LinkedIn lists them)."""
    headers = _HEADERS[era]
    out = io.StringIO()
    quoting = csv.QUOTE_ALL if era == "2026" else csv.QUOTE_MINIMAL
    writer = csv.writer(out, lineterminator="\n" if era == "2026" else "\r\n", quoting=quoting)
    writer.writerow(headers)
    for m in sorted(msgs, key=lambda m: m.at, reverse=True):
        row = _row(era, m)
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode("utf-8")


def invitations_csv(rows: list[tuple[tuple[str, str], tuple[str, str], datetime, str, str]],
                    urls: bool = True) -> bytes:
    """Invitations.csv: (from, to, sent at, note, direction) rows; with the profile URL columns of late 2023."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["From", "To", "Sent At", "Message", "Direction"]
                    + (["inviterProfileUrl", "inviteeProfileUrl"] if urls else []))
    for sender, to, at, note, direction in rows:
        writer.writerow([sender[0], to[0], _us_date(at), note, direction] + ([sender[1], to[1]] if urls else []))
    return out.getvalue().encode("utf-8")


def profile_csv(name: str = OWNER[0]) -> bytes:
    first, last = name.split(" ", 1)
    return ("First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,"
            f"Twitter Handles,Websites,Instant Messengers\r\n{first},{last},,,,Engineer at Acme,,Software,,"
            "Lisbon,,,\r\n").encode()


def archive_zip(path: Path, files: dict[str, bytes]) -> Path:
    """The ZIP LinkedIn sends, with these members (and a few others Rapport does not read)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr("Company Follows.csv", "Organization,Followed On\r\nAcme,2020-01-01\r\n")
        zf.writestr("Jobs/Job Applications.csv", "Application Date,Company Name\r\n")
    return path


def standard_archive(path: Path, era: str, msgs: list[Msg] | None = None, profile: bool = True) -> Path:
    """An archive of ``era`` with the contacts Jane, Sam and Noor, the scenario's messages and Profile.csv."""
    files = {"Connections.csv": connections_csv([JANE, SAM, NOOR]),
             ("Messages.csv" if era == "2018" else "messages.csv"): messages_csv(era, msgs or scenario())}
    if profile:
        files["Profile.csv"] = profile_csv()
    return archive_zip(path, files)
