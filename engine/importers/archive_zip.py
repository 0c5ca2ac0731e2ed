"""The ZIP LinkedIn sends (``Basic_`` or ``Complete_LinkedInDataExport_*.zip``), opened warily.

Only the few CSVs Rapport reads are ever decompressed: ``Connections.csv``, ``messages.csv``,
``Invitations.csv`` and ``Profile.csv``, recognised by name whatever the year wrote (case, spaces
and underscores ignored; ``Messages.csv`` in 2018). Nothing is extracted to disk. A member is
refused before it is read when it is encrypted, not stored or deflated, a link, or larger than
``MAX_MEMBER_BYTES``; and it is read in chunks with the cap counted on what actually comes out,
so a zip bomb that lies about its sizes stops at the cap instead of filling memory.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib

from engine.records import ImportFileError

MAX_MEMBER_BYTES = 200 * 1024 * 1024  # one CSV; messages.csv reaches tens of MB
MAX_TOTAL_BYTES = 400 * 1024 * 1024  # all the CSVs read from one zip
MAX_MEMBERS = 20_000  # a real archive has a few dozen files
MAX_RATIO = 200  # text compresses 5-20x; a bomb compresses thousands of times
_CHUNK = 1 << 20

KNOWN = {"connections.csv": "connections", "messages.csv": "messages", "invitations.csv": "invitations",
         "profile.csv": "profile"}


def member_key(name: str) -> str:
    """``Company Follows.csv``, ``company_follows.csv`` -> ``companyfollows.csv`` (the last path part)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].replace(" ", "").replace("_", "").lower()


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _open(data: bytes, file_name: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ImportFileError(file_name, "this zip is damaged or not a zip archive; download the archive from "
                                         "LinkedIn again") from None
    return archive


def _known_members(archive: zipfile.ZipFile, file_name: str) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ImportFileError(file_name, f"this zip holds {len(infos):,} files; a LinkedIn data archive holds a "
                                         "few dozen")
    found: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        kind = KNOWN.get(member_key(info.filename))
        if kind is None or info.is_dir():
            continue
        depth = info.filename.replace("\\", "/").count("/")
        if kind not in found or depth < found[kind].filename.count("/"):  # the archive's own, not a copy in a folder
            found[kind] = info
    return found


def linkedin_members(data: bytes) -> bool:
    """Does this zip hold any of the archive's CSVs? False for a workbook, a damaged zip or anything else."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(_known_members(archive, ""))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, ImportFileError):
        return False


def _refusal(info: zipfile.ZipInfo) -> str | None:
    """Why this member is not read at all, or None."""
    if info.flag_bits & 0x1:
        return "is encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return "uses a compression LinkedIn does not use"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a link, not a file"
    if info.file_size > MAX_MEMBER_BYTES:
        return f"is larger than {MAX_MEMBER_BYTES // 2**20} MB"
    if info.compress_size and info.file_size > 1_000_000 and info.file_size / info.compress_size > MAX_RATIO:
        return "is compressed implausibly well (a zip bomb?)"
    return None


def read_members(data: bytes, file_name: str) -> dict[str, tuple[str, bytes]]:
    """{kind: (member name, bytes)} for the archive CSVs in the zip; ImportFileError for a zip that
    is damaged, hostile or holds none of them."""
    archive = _open(data, file_name)
    out: dict[str, tuple[str, bytes]] = {}
    with archive:
        members = _known_members(archive, file_name)
        if not members:
            if any(i.filename.startswith(("xl/", "word/", "[Content_Types]")) for i in archive.infolist()[:50]):
                raise ImportFileError(file_name, "this is an Excel or Word file, not a LinkedIn data archive")
            raise ImportFileError(file_name, "this zip holds none of a LinkedIn data archive's files "
                                             "(Connections.csv, messages.csv, Invitations.csv, Profile.csv)")
        total = 0
        for kind, info in sorted(members.items()):
            where = f"{file_name} > {info.filename}"
            reason = _refusal(info)
            if reason:
                raise ImportFileError(file_name, f"{info.filename} {reason}; nothing was imported")
            chunks, size = [], 0
            try:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                            raise ImportFileError(file_name, f"{info.filename} unpacks to more than it says "
                                                             "(a zip bomb?); nothing was imported")
                        chunks.append(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                    RuntimeError) as error:
                raise ImportFileError(where, "this member is damaged and cannot be unpacked; download the "
                                             "archive from LinkedIn again") from error
            out[kind] = (info.filename, b"".join(chunks))
    return out
