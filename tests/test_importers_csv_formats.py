"""Contact importers against CSV exports shaped like LinkedIn, Google and Outlook, and generic CSV mapping."""

from __future__ import annotations

import pytest

from engine.importers import FORMATS, header_key, suggest_mapping
from engine.records import CONTACT_FIELDS, ImportFileError
from tests.importers_support import LINKEDIN_HEADER, LINKEDIN_PREAMBLE, load, rows

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
