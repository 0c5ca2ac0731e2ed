"""Contact importers against files shaped like real exports (LinkedIn, Google, Outlook, vCard).

Every fixture is written here as bytes, saved to ``tmp_path`` and read back, so a quirk of a real
export (preamble, mixed line endings, BOMs, cp1252, ``;`` delimiters, folded vCard lines) is
spelled out next to the assertion that depends on it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.importers import FORMATS, header_key, parse_contacts, suggest_mapping  # noqa: E402
from engine.importers.dates import BAD, parse_date  # noqa: E402
from engine.model import CONTACT_FIELDS, ImportFileError  # noqa: E402

LINKEDIN_PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address using this setting."\r\n'
    "\r\n"
)
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


def load(tmp_path: Path, name: str, data: bytes, mapping: dict[str, str] | None = None):
    path = tmp_path / name
    path.write_bytes(data)
    return parse_contacts(path.read_bytes(), name, mapping=mapping)


def rows(parsed) -> list[dict]:
    return [dict(zip(CONTACT_FIELDS, record, strict=True)) for record in parsed.records]


# --- LinkedIn -----------------------------------------------------------------------------------


def test_linkedin_current_with_preamble_mixed_line_endings_and_real_name_quirks(tmp_path):
    body = "\n".join([
        LINKEDIN_HEADER,
        'James,"Tyler ""JT""",https://www.linkedin.com/in/jamestyler,,"Acme, Inc.",Engineer,30 May 2024',
        "Ken,O’Brien,https://www.linkedin.com/in/ken-o%E2%80%99brien-435896237,,Bank,Analyst,01 Jan 2020",
        ",,,,,,02 Jun 2022",
        'Ann,"Sandvig, CFP®, AAMS™",https://www.linkedin.com/in/ann,ann@example.com,Wealth Co,'
        '"VP, Sales",9 Feb 2019',
        "Sam (they/them) ,Lee  ,https://www.linkedin.com/in/samlee,,,,15 Mar 2023",
        ",,,,,,03 Jun 2022",
    ]) + "\n"
    parsed = load(tmp_path, "Connections.csv", (LINKEDIN_PREAMBLE + body).encode("utf-8"))

    assert parsed.format == "linkedin"
    assert parsed.encoding == "utf-8"
    assert parsed.delimiter == ","
    assert parsed.headers == LINKEDIN_HEADER.split(",")
    assert parsed.fields == CONTACT_FIELDS
    got = rows(parsed)
    assert [r["full_name"] for r in got] == [
        'James Tyler "JT"', "Ken O’Brien", "Ann Sandvig, CFP®, AAMS™", "Sam (they/them) Lee",
    ]
    assert got[0]["last_name"] == 'Tyler "JT"'
    assert got[0]["company"] == "Acme, Inc."
    assert got[0]["connected_on"] == "2024-05-30"
    assert got[1]["linkedin_url"] == "https://www.linkedin.com/in/ken-o%E2%80%99brien-435896237"
    assert got[2]["email"] == "ann@example.com"
    assert got[2]["position"] == "VP, Sales"
    assert got[2]["connected_on"] == "2019-02-09"
    assert got[3]["first_name"] == "Sam (they/them)"  # trimmed, pronouns kept
    assert got[3]["last_name"] == "Lee"
    assert got[3]["company"] is None and got[3]["email"] is None
    assert got[0]["tags"] == () and got[0]["phone"] is None
    # Header on line 4; records on 5, 6, 8 and 9 (line 7 is a blank-but-date row).
    assert parsed.lines == [5, 6, 8, 9]
    assert parsed.skipped_blank == 2
    assert parsed.rejects == []
    assert parsed.total == 6
    assert parsed.needs_mapping is False
    assert parsed.mapping["linkedin_url"] == "URL"
    assert parsed.mapping["connected_on"] == "Connected On"


def test_linkedin_header_is_found_by_scanning_not_a_fixed_skip(tmp_path):
    short = "Notes:\n" + LINKEDIN_HEADER + "\nAna,Lima,https://www.linkedin.com/in/ana,,,,30 May 2024\n"
    parsed = load(tmp_path, "export.txt", short.encode())
    assert parsed.format == "linkedin"
    assert [r["full_name"] for r in rows(parsed)] == ["Ana Lima"]
    assert parsed.lines == [3]


def test_linkedin_2018_export_without_preamble_or_url(tmp_path):
    data = (
        b"First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
        b'Maria,Garcia,maria@example.org,"Globex, Ltd",CTO,"1/8/18, 6:14 PM"\r\n'
        b'John,Doe,,Initech,Dev,"12/31/17, 11:02 AM"\r\n'
    )
    parsed = load(tmp_path, "Connections.csv", data)
    assert parsed.format == "linkedin_2018"
    got = rows(parsed)
    assert [r["connected_on"] for r in got] == ["2018-01-08", "2017-12-31"]
    assert got[0]["company"] == "Globex, Ltd"
    assert got[0]["email"] == "maria@example.org"
    assert got[0]["linkedin_url"] is None
    assert parsed.lines == [2, 3]


# --- Google -------------------------------------------------------------------------------------

GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
    "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
    "Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Address 1 - Formatted,Address 1 - City,"
    "Website 1 - Label,Website 1 - Value,Website 2 - Label,Website 2 - Value"
)


def test_google_contacts_current_csv(tmp_path):
    data = "\r\n".join([
        GOOGLE_HEADER,
        "Priya,K.,Natarajan,,,,,,,,Stark Industries,Head of Data,,,"
        '"Met at PyCon\nwants intro to Bob",,* myContacts ::: Friends ::: PyCon 2024,Work,'
        "priya@stark.com ::: priya@home.net,Mobile,+0044 20 7946 0000,,London,"
        "Blog,https://priya.dev,Profile,https://www.linkedin.com/in/priya-n",
        "Bob,,,,,,,,,,,,,,,,* myContacts,,,,,,,,,,",
        ",,,,,,,,,,,,,,,,* myContacts,,,Mobile,+1 555 0100,,,,,,",
    ]).encode()
    parsed = load(tmp_path, "contacts.csv", data)
    assert parsed.format == "google"
    got = rows(parsed)
    assert got[0]["full_name"] == "Priya K. Natarajan"
    assert got[0]["first_name"] == "Priya" and got[0]["last_name"] == "Natarajan"
    assert got[0]["company"] == "Stark Industries"
    assert got[0]["position"] == "Head of Data"
    assert got[0]["email"] == "priya@stark.com"
    assert got[0]["phone"] == "+0044 20 7946 0000"
    assert got[0]["location"] == "London"
    assert got[0]["notes"] == "Met at PyCon\nwants intro to Bob"
    assert got[0]["tags"] == ("Friends", "PyCon 2024")
    assert got[0]["linkedin_url"] == "https://www.linkedin.com/in/priya-n"  # not the blog
    assert got[1]["full_name"] == "Bob" and got[1]["tags"] == ()
    # The quoted note spans lines 2-3, so Bob starts on line 4 and the phone-only row on 5.
    assert parsed.lines == [2, 4]
    assert [(r.line, r.reason) for r in parsed.rejects] == [(5, "no name, e-mail or profile URL")]
    assert parsed.total == 3


def test_google_contacts_legacy_csv_with_multi_values(tmp_path):
    header = (
        "Name,Given Name,Additional Name,Family Name,Yomi Name,Nickname,Birthday,Notes,Location,"
        "Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
        "Organization 1 - Type,Organization 1 - Name,Organization 1 - Title"
    )
    data = (
        header + "\n"
        "Li Wei,Li,,Wei,,,,,Berlin,* My Contacts ::: Coworkers ::: Starred,* Work ::: Home,"
        "li@work.cn ::: li@home.cn,Mobile,+49 30 1234567,,Umbrella,Researcher\n"
        ",Dana,,Scully,,,,,,Coworkers,,dana@fbi.gov,,,,,\n"
    ).encode()
    parsed = load(tmp_path, "google.csv", data)
    assert parsed.format == "google_legacy"
    got = rows(parsed)
    assert got[0]["full_name"] == "Li Wei"
    assert got[0]["email"] == "li@work.cn"
    assert got[0]["company"] == "Umbrella" and got[0]["position"] == "Researcher"
    assert got[0]["tags"] == ("My Contacts", "Coworkers", "Starred")
    assert got[0]["location"] == "Berlin"
    assert got[1]["full_name"] == "Dana Scully"  # built from given/family when Name is empty
    assert got[1]["tags"] == ("Coworkers",)


# --- Outlook ------------------------------------------------------------------------------------


def test_outlook_desktop_csv_with_quoted_headers(tmp_path):
    header = (
        '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department","Job Title",'
        '"Business City","Business Phone","Mobile Phone","E-mail Address","E-mail Type",'
        '"E-mail Display Name","Categories","Notes","Web Page"'
    )
    data = (
        header + "\r\n"
        '"Dr.","Hans","","Müller","","Siemens AG","R&D","Leiter Entwicklung","München",'
        '"+49 89 636 00","","hans.mueller@siemens.com","SMTP","Hans Müller (hans.mueller@siemens.com)",'
        '"Kunden;Messe 2024","Trifft man auf der Hannover Messe","www.linkedin.com/in/hansmueller"\r\n'
    ).encode("utf-8")
    parsed = load(tmp_path, "outlook.CSV", data)
    assert parsed.format == "outlook"
    (got,) = rows(parsed)
    assert got["full_name"] == "Hans Müller"
    assert got["company"] == "Siemens AG"
    assert got["position"] == "Leiter Entwicklung"  # Job Title, not the honorific Title
    assert got["email"] == "hans.mueller@siemens.com"
    assert got["phone"] == "+49 89 636 00"
    assert got["location"] == "München"
    assert got["tags"] == ("Kunden", "Messe 2024")
    assert got["linkedin_url"] == "www.linkedin.com/in/hansmueller"
    assert got["notes"] == "Trifft man auf der Hannover Messe"


def test_outlook_com_csv(tmp_path):
    header = (
        "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,"
        "E-mail Address,E-mail 2 Address,E-mail 3 Address,Home Phone,Business Phone,Mobile Phone,"
        "Job Title,Department,Company,Web Page,Birthday,Notes"
    )
    data = (
        header + "\n"
        "Aiko,,Tanaka,Ms.,,,,,,aiko@private.jp,,,+81 3 1111,+81 90 2222,Designer,,Sony,"
        "https://aiko.design,,Likes typography\n"
    ).encode()
    parsed = load(tmp_path, "contacts.csv", data)
    assert parsed.format == "outlook_com"
    (got,) = rows(parsed)
    assert got["email"] == "aiko@private.jp"  # falls back to E-mail 2 Address
    assert got["phone"] == "+81 90 2222"  # outlook.com prefers the mobile number
    assert got["position"] == "Designer"
    assert got["company"] == "Sony"
    assert got["linkedin_url"] is None  # a personal site is not a LinkedIn profile
    assert got["notes"] == "Likes typography"


# --- vCard --------------------------------------------------------------------------------------


def test_vcard_30_folding_groups_escapes_and_card_without_fn(tmp_path):
    vcf = (
        "BEGIN:VCARD\r\n"  # line 1
        "VERSION:3.0\r\n"
        "FN:Grace Brewster Murray\r\n"
        "  Hopper\r\n"  # folded continuation: one leading space removed
        "N:Hopper;Grace;Brewster Murray;Rear Adm.;\r\n"
        "ORG:US Navy\\, Reserve;Computing\r\n"
        "TITLE:Rear Admiral\r\n"
        "EMAIL;TYPE=INTERNET;TYPE=WORK:grace@navy.mil\r\n"
        "TEL;TYPE=CELL:+1 202 555 0147\r\n"
        "item1.URL:https\\://www.linkedin.com/in/grace-hopper\r\n"
        "item1.X-ABLabel:LinkedIn\r\n"
        "item2.URL:https://grace.example\r\n"
        "ADR;TYPE=WORK:;;1 Navy Way;Arlington;VA;22202;USA\r\n"
        "NOTE:Invented the compiler\\nMet at\\; SIGPLAN\r\n"
        "CATEGORIES:Mentors,Pioneers\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\n"  # line 17: no FN
        "VERSION:3.0\r\n"
        "N:Nobody;Anon;;;\r\n"
        "EMAIL:anon@example.com\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\n"  # line 22, LF only
        "VERSION:3.0\n"
        "FN:Alan Turing\n"
        "EMAIL;type=pref:alan@bletchley.uk\n"
        "END:VCARD\n"
    )
    parsed = load(tmp_path, "contacts.vcf", vcf.encode())
    assert parsed.format == "vcard"
    assert parsed.delimiter is None
    got = rows(parsed)
    assert got[0]["full_name"] == "Grace Brewster Murray Hopper"
    assert got[0]["first_name"] == "Grace" and got[0]["last_name"] == "Hopper"
    assert got[0]["company"] == "US Navy, Reserve"
    assert got[0]["position"] == "Rear Admiral"
    assert got[0]["email"] == "grace@navy.mil"
    assert got[0]["phone"] == "+1 202 555 0147"
    assert got[0]["linkedin_url"] == "https://www.linkedin.com/in/grace-hopper"
    assert got[0]["location"] == "Arlington"
    assert got[0]["notes"] == "Invented the compiler\nMet at; SIGPLAN"
    assert got[0]["tags"] == ("Mentors", "Pioneers")
    assert got[1]["full_name"] == "Alan Turing" and got[1]["email"] == "alan@bletchley.uk"
    assert parsed.lines == [1, 22]
    assert [(r.line, r.column) for r in parsed.rejects] == [(17, "FN")]
    assert parsed.total == 3


def test_vcard_40_parameters_uris_and_label_group(tmp_path):
    vcf = (
        "BEGIN:VCARD\r\n"
        "VERSION:4.0\r\n"
        "FN:Margaret Hamilton\r\n"
        "N:Hamilton;Margaret;;;\r\n"
        'EMAIL;TYPE=work;PREF=1:margaret@mit.edu\r\n'
        "EMAIL;TYPE=home:mh@home.example\r\n"
        "TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+1-617-555-0199\r\n"
        "ROLE:Director of Software Engineering\r\n"
        "item3.URL:https://example.org/profiles/mhamilton\r\n"
        "item3.X-ABLabel:LinkedIn profile\r\n"
        "CATEGORIES:Apollo,NASA\\,MIT\r\n"
        "ORG:MIT Instrumentation Lab\r\n"
        "END:VCARD\r\n"
    )
    parsed = load(tmp_path, "m.vcf", vcf.encode())
    (got,) = rows(parsed)
    assert got["email"] == "margaret@mit.edu"
    assert got["phone"] == "+1-617-555-0199"
    assert got["position"] == "Director of Software Engineering"  # ROLE when there is no TITLE
    assert got["linkedin_url"] == "https://example.org/profiles/mhamilton"  # labelled LinkedIn
    assert got["tags"] == ("Apollo", "NASA,MIT")
    assert got["company"] == "MIT Instrumentation Lab"
    assert parsed.rejects == []


# --- Generic CSV and mapping --------------------------------------------------------------------


def test_generic_csv_needs_mapping_then_imports_with_mapping(tmp_path):
    data = b"Who,Works At,Reach,Since\nAda Lovelace,Analytical Engines,ada@example.com,2023-04-05\n"
    parsed = load(tmp_path, "crm.csv", data)
    assert parsed.format == "csv"
    assert parsed.needs_mapping is True
    assert parsed.records == []
    assert parsed.headers == ["Who", "Works At", "Reach", "Since"]
    assert "email" not in parsed.mapping and "full_name" not in parsed.mapping

    mapping = {"full_name": "Who", "company": "Works At", "email": "Reach", "connected_on": "Since"}
    mapped = load(tmp_path, "crm.csv", data, mapping=mapping)
    assert mapped.needs_mapping is False
    assert rows(mapped) == [{
        **dict.fromkeys(CONTACT_FIELDS), "full_name": "Ada Lovelace", "company": "Analytical Engines",
        "email": "ada@example.com", "connected_on": "2023-04-05", "tags": (),
    }]
    assert mapped.mapping == mapping
    assert mapped.lines == [2]
    same = header_key(["since", "WHO", "Works-At", "Reach "])
    assert header_key(["Who", "Works At", "Reach", "Since"]) == same
    assert header_key(["Who", "Reach"]) != header_key(["Who", "Works At"])


def test_generic_csv_aliases_are_suggested_and_used(tmp_path):
    headers = ["Full Name", "Organisation", "Title", "Mail", "Profile URL", "Tags", "Comments"]
    assert suggest_mapping(headers) == {
        "full_name": "Full Name", "company": "Organisation", "position": "Title", "email": "Mail",
        "linkedin_url": "Profile URL", "tags": "Tags", "notes": "Comments",
    }
    other = suggest_mapping(["Name", "Employer", "Role", "Email", "LinkedIn", "Groups"])
    assert other == {
        "full_name": "Name", "company": "Employer", "position": "Role", "email": "Email",
        "linkedin_url": "LinkedIn", "tags": "Groups",
    }
    row = 'Grace Hopper,Navy,Admiral,g@navy.mil,https://linkedin.com/in/g,"a; b",hi'
    data = (",".join(headers) + "\n" + row + "\n").encode()
    parsed = load(tmp_path, "people.csv", data)
    assert parsed.format == "csv" and parsed.needs_mapping is False
    (got,) = rows(parsed)
    assert got["full_name"] == "Grace Hopper" and got["position"] == "Admiral"
    assert got["tags"] == ("a", "b")
    assert got["linkedin_url"] == "https://linkedin.com/in/g"


def test_mapping_naming_a_missing_column_is_a_file_error(tmp_path):
    with pytest.raises(ImportFileError) as error:
        load(tmp_path, "crm.csv", b"Who,Reach\nAda,ada@x.org\n", mapping={"email": "E-mail"})
    assert error.value.column == "E-mail"


def test_mapping_overrides_a_known_format(tmp_path):
    data = (LINKEDIN_HEADER + "\nAna,Lima,https://www.linkedin.com/in/ana,,Acme,CEO,30 May 2024\n").encode()
    parsed = load(tmp_path, "c.csv", data, mapping={"full_name": "First Name", "company": "Position"})
    assert parsed.format == "linkedin"
    (got,) = rows(parsed)
    assert got["full_name"] == "Ana" and got["company"] == "CEO" and got["linkedin_url"] is None


def test_format_comes_from_content_not_file_name(tmp_path):
    data = (LINKEDIN_HEADER + "\nAna,Lima,https://www.linkedin.com/in/ana,,,,30 May 2024\n").encode()
    assert load(tmp_path, "google_contacts.vcf.csv", data).format == "linkedin"
    vcf = b"BEGIN:VCARD\nVERSION:3.0\nFN:Ana Lima\nEND:VCARD\n"
    assert load(tmp_path, "Connections.csv", vcf).format == "vcard"
    assert set(FORMATS) == {
        "linkedin", "linkedin_2018", "google", "google_legacy", "outlook", "outlook_com", "vcard", "csv",
    }


# --- Encodings, delimiters, verbatim values -----------------------------------------------------

ENCODED_CSV = "First Name,Last Name,Company,Email\nRenée,D’Arcy,Café € Co,renee@example.fr\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ENCODED_CSV.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ENCODED_CSV.encode("utf-8"), "utf-8-sig"),
        (ENCODED_CSV.encode("utf-16"), "utf-16"),  # BOM + native (little-endian) order
        (b"\xfe\xff" + ENCODED_CSV.encode("utf-16-be"), "utf-16"),
        (ENCODED_CSV.replace("\n", "\r\n").encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp1252"],
)
def test_encodings(tmp_path, data, encoding):
    parsed = load(tmp_path, "enc.csv", data)
    assert parsed.encoding == encoding
    assert parsed.headers[0] == "First Name"  # no '\ufeffFirst Name'
    (got,) = rows(parsed)
    assert (got["first_name"], got["last_name"], got["company"]) == ("Renée", "D’Arcy", "Café € Co")
    assert got["email"] == "renee@example.fr"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters(tmp_path, delimiter):
    text = delimiter.join(["Vorname", "Nachname", "Firma", "E-Mail-Adresse", "Notizen"]) + "\r\n"
    notes = "a;b" if delimiter == "\t" else '"a;b"'
    text += delimiter.join(["Jürgen", "Groß", "Bosch, GmbH", "j@bosch.de", notes])
    parsed = load(tmp_path, "kontakte.csv", (text + "\r\n").encode("cp1252"))
    assert parsed.delimiter == delimiter
    (got,) = rows(parsed)
    assert got["full_name"] == "Jürgen Groß"
    assert got["company"] == "Bosch, GmbH"
    assert got["email"] == "j@bosch.de"
    assert got["notes"] == "a;b"


def test_values_are_kept_verbatim_as_text(tmp_path):
    data = (
        b"First Name,Last Name,Email,Phone,Company,Notes\n"
        b"NA,None,null@example.com,+0044 20 7946 0000,null,  NaN  \n"
        b"True,0123,,007,1e3,\n"
    )
    got = rows(load(tmp_path, "v.csv", data))
    assert (got[0]["first_name"], got[0]["last_name"]) == ("NA", "None")
    assert got[0]["phone"] == "+0044 20 7946 0000"
    assert got[0]["company"] == "null"
    assert got[0]["notes"] == "NaN"
    assert (got[1]["first_name"], got[1]["last_name"], got[1]["phone"], got[1]["company"]) == (
        "True", "0123", "007", "1e3",
    )
    assert got[1]["notes"] is None  # empty -> None


def test_french_headers(tmp_path):
    data = (
        "Prénom;Nom;Entreprise;Poste;Adresse e-mail;Téléphone;Notes\n"
        "Amélie;Poulain;Café des 2 Moulins;Serveuse;amelie@example.fr;+33 1 42 00 00 00;Aime les ricochets\n"
    ).encode()
    parsed = load(tmp_path, "contacts.csv", data)
    assert parsed.mapping["first_name"] == "Prénom" and parsed.mapping["last_name"] == "Nom"
    (got,) = rows(parsed)
    assert got["full_name"] == "Amélie Poulain"
    assert got["company"] == "Café des 2 Moulins"
    assert got["position"] == "Serveuse"
    assert got["email"] == "amelie@example.fr"
    assert got["phone"] == "+33 1 42 00 00 00"
    courriel = load(tmp_path, "c.csv", b"Nom complet,Courriel\nJean Valjean,jv@example.fr\n")
    assert rows(courriel)[0]["email"] == "jv@example.fr"


def test_german_headers(tmp_path):
    data = (
        "Vorname,Nachname,Unternehmen,Position,E-Mail-Adresse,Telefon,Notizen\n"
        "Käthe,Kollwitz,Akademie der Künste,Professorin,kk@example.de,+49 30 000,Grafik\n"
    ).encode()
    (got,) = rows(load(tmp_path, "kontakte.csv", data))
    assert got["full_name"] == "Käthe Kollwitz"
    assert got["company"] == "Akademie der Künste"
    assert got["position"] == "Professorin"
    assert got["email"] == "kk@example.de" and got["phone"] == "+49 30 000"
    assert got["notes"] == "Grafik"
    titel = rows(load(tmp_path, "k.csv", b"Vorname,Firma,Titel\nOtto,Zeiss,Optiker\n"))
    assert (titel[0]["company"], titel[0]["position"]) == ("Zeiss", "Optiker")


# --- Bad files and bad rows ---------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n  \n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom-only"])
def test_empty_file_is_a_file_error(tmp_path, data):
    with pytest.raises(ImportFileError, match="empty"):
        load(tmp_path, "empty.csv", data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
        bytes(range(256)) * 4,
    ],
    ids=["png", "xlsx", "noise"],
)
def test_binary_file_named_csv_is_a_file_error(tmp_path, data):
    with pytest.raises(ImportFileError) as error:
        load(tmp_path, "Connections.csv", data)
    assert error.value.file_name == "Connections.csv"
    assert "binary" in error.value.reason or "Excel" in error.value.reason


def test_unterminated_quote_names_the_line_where_it_opened(tmp_path):
    data = (
        LINKEDIN_PREAMBLE + LINKEDIN_HEADER + "\r\n"
        "Ana,Lima,https://www.linkedin.com/in/ana,,Acme,CEO,30 May 2024\r\n"  # line 5
        'Bo,"Nilsson,https://www.linkedin.com/in/bo,,Acme,CTO,30 May 2024\r\n'  # line 6: quote opens
        "Cy,Young,https://www.linkedin.com/in/cy,,Acme,CFO,30 May 2024\r\n"
    ).encode()
    with pytest.raises(ImportFileError) as error:
        load(tmp_path, "Connections.csv", data)
    assert error.value.line == 6
    assert "quote" in error.value.reason
    assert "line 6" in str(error.value)


def test_unterminated_quote_after_a_multiline_field_names_its_own_line(tmp_path):
    data = b'Name,Email,Notes\nAna,a@x.org,"two\nlines"\nBo,b@x.org,ok\nCy,c@x.org,"never closed\nmore\n'
    with pytest.raises(ImportFileError) as error:
        load(tmp_path, "n.csv", data)
    assert error.value.line == 5


def test_exact_duplicate_header_is_a_file_error_naming_the_column(tmp_path):
    data = b"First Name,Last Name,Email,Email\nAna,Lima,a@x.org,b@x.org\n"
    with pytest.raises(ImportFileError) as error:
        load(tmp_path, "dup.csv", data)
    assert error.value.column == "Email"
    assert error.value.line == 1


def test_near_duplicate_headers_first_wins(tmp_path):
    data = b"First Name,Last Name,Email,E-mail\nAna,Lima,a@x.org,b@x.org\n"
    assert rows(load(tmp_path, "dup.csv", data))[0]["email"] == "a@x.org"


def test_ragged_row_is_rejected_with_its_line(tmp_path):
    data = (
        LINKEDIN_HEADER + "\n"
        "Ana,Lima,https://www.linkedin.com/in/ana,,Acme,CEO,30 May 2024\n"
        "Bo,Nilsson,https://www.linkedin.com/in/bo,,Acme,CTO,30 May 2024,surprise\n"  # line 3
        "Cy,Young,https://www.linkedin.com/in/cy,,Acme,CFO,30 May 2024,\n"  # trailing comma: fine
    ).encode()
    parsed = load(tmp_path, "c.csv", data)
    assert [r["first_name"] for r in rows(parsed)] == ["Ana", "Cy"]
    assert [r.line for r in parsed.rejects] == [3]
    assert "8 fields" in parsed.rejects[0].reason
    assert "surprise" in parsed.rejects[0].raw
    assert parsed.total == 3


def test_unparseable_date_rejects_the_row_naming_the_column(tmp_path):
    data = (
        LINKEDIN_PREAMBLE + LINKEDIN_HEADER + "\n"
        "Ana,Lima,https://www.linkedin.com/in/ana,,Acme,CEO,30 May 2024\n"
        "Bo,Nilsson,https://www.linkedin.com/in/bo,,Acme,CTO,yesterday\n"  # line 6
        "Cy,Young,https://www.linkedin.com/in/cy,,Acme,CFO,31 Feb 2024\n"  # line 7: no such day
    ).encode()
    parsed = load(tmp_path, "c.csv", data)
    assert [r["first_name"] for r in rows(parsed)] == ["Ana"]
    assert [(r.line, r.column) for r in parsed.rejects] == [(6, "Connected On"), (7, "Connected On")]
    assert "yesterday" in parsed.rejects[0].reason
    assert parsed.total == 3


def test_row_without_name_email_or_url_is_rejected_but_blank_rows_are_skipped(tmp_path):
    data = (
        LINKEDIN_HEADER + "\n"
        ",,,,Acme,CEO,30 May 2024\n"
        ",,,,,,30 May 2024\n"
        "  ,  ,,,,,\n"
        "\n"
        ",,,ghost@example.com,,,\n"
    ).encode()
    parsed = load(tmp_path, "c.csv", data)
    assert [(r.line, r.reason) for r in parsed.rejects] == [(2, "no name, e-mail or profile URL")]
    assert parsed.skipped_blank == 2
    assert rows(parsed)[0]["email"] == "ghost@example.com" and rows(parsed)[0]["full_name"] is None
    assert parsed.lines == [6]
    assert parsed.total == 4


def test_no_recognizable_header_is_a_file_error(tmp_path):
    with pytest.raises(ImportFileError, match="header"):
        load(tmp_path, "list.csv", b"ana@example.com,bo@example.com\n1,2\n")


def test_very_long_line_is_rejected_not_a_crash(tmp_path):
    huge = "x" * 1_200_000
    data = (
        f"First Name,Last Name,Email,Notes\nAna,Lima,a@x.org,{huge}\nBo,Nilsson,b@x.org,short\n"
    ).encode()
    parsed = load(tmp_path, "big.csv", data)
    assert [r["first_name"] for r in rows(parsed)] == ["Bo"]
    assert parsed.lines == [3]
    assert [r.line for r in parsed.rejects] == [2]
    assert "too long" in parsed.rejects[0].reason


# --- Dates and speed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("30 May 2024", "2024-05-30"),
        ("02 Jun 2022", "2022-06-02"),
        ("1/8/18, 6:14 PM", "2018-01-08"),
        ("12/31/17, 11:02 AM", "2017-12-31"),
        ("31/12/2017", "2017-12-31"),
        ("2024-05-30", "2024-05-30"),
        ("2024-05-30T10:00:00Z", "2024-05-30"),
        ("May 30, 2024", "2024-05-30"),
        ("30.05.2024", "2024-05-30"),
        ("30 mai 2024", "2024-05-30"),
        ("3. März 2024", "2024-03-03"),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["yesterday", "31 Feb 2024", "13/13/2020", "2024-13-01", "30 Foo 2024"])
def test_parse_date_rejects(text):
    assert parse_date(text) is BAD


def test_100k_row_linkedin_export_parses_quickly(tmp_path):
    lines = [LINKEDIN_PREAMBLE + LINKEDIN_HEADER]
    for i in range(100_000):
        if i % 33 == 0:
            lines.append(",,,,,,02 Jun 2022")
        else:
            lines.append(
                f'Person{i},"Surname, Jr.",https://www.linkedin.com/in/person-{i:07d},,'
                f'"Company {i % 700}, Inc.",Senior Engineer {i % 40},{1 + i % 28:02d} May {2010 + i % 15}'
            )
    data = ("\n".join(lines) + "\n").encode()
    start = time.perf_counter()
    parsed = load(tmp_path, "Connections.csv", data)
    elapsed = time.perf_counter() - start
    assert len(parsed.records) + parsed.skipped_blank == 100_000
    assert parsed.rejects == []
    assert parsed.records[-1][CONTACT_FIELDS.index("full_name")] == "Person99999 Surname, Jr."
    assert parsed.lines[-1] == 100_004
    assert elapsed < 1.5, f"100k rows took {elapsed:.2f}s"  # ~0.25 s measured; generous for CI noise


def test_columns_added_to_a_known_export_are_still_read(tmp_path):
    row = "Ana,Lima,https://www.linkedin.com/in/ana,,,,30 May 2024,mentor; fintech"
    data = (LINKEDIN_HEADER + ",Tags\n" + row + "\n").encode()
    parsed = load(tmp_path, "c.csv", data)
    assert parsed.format == "linkedin"
    assert rows(parsed)[0]["tags"] == ("mentor", "fintech")
    assert parsed.mapping["tags"] == "Tags"


def test_a_crm_export_with_google_like_names_is_not_taken_for_google(tmp_path):
    data = b"First Name,Last Name,Organization Name,Email\nAna,Lima,Acme,ana@acme.com\n"
    parsed = load(tmp_path, "crm.csv", data)
    assert parsed.format == "csv"
    assert rows(parsed)[0]["email"] == "ana@acme.com" and rows(parsed)[0]["company"] == "Acme"


def test_utf16_without_bom_tab_delimited(tmp_path):
    text = "First Name\tLast Name\tE-mail Address\r\nLéa\tSeydoux\tlea@example.fr\r\n"
    parsed = load(tmp_path, "unicode.txt", text.encode("utf-16-le"))
    assert (parsed.encoding, parsed.delimiter) == ("utf-16", "\t")
    assert rows(parsed)[0]["full_name"] == "Léa Seydoux" and rows(parsed)[0]["email"] == "lea@example.fr"


def test_vcard_21_quoted_printable_and_unclosed_card(tmp_path):
    vcf = (
        "BEGIN:VCARD\r\n"
        "VERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BC=\r\n"
        "ller\r\n"
        "TEL;CELL:+49 170 0000000\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\n"  # line 8, never closed
        "FN:Half Card\r\n"
    )
    parsed = load(tmp_path, "phone.vcf", vcf.encode("ascii"))
    (got,) = rows(parsed)
    assert (got["full_name"], got["first_name"], got["last_name"]) == ("Jürgen Müller", "Jürgen", "Müller")
    assert got["phone"] == "+49 170 0000000"
    assert [(r.line, "END:VCARD" in r.reason) for r in parsed.rejects] == [(8, True)]
    assert parsed.total == 2
