"""Contact importers against vCard files (2.1, 3.0 and 4.0) shaped like real exports."""

from __future__ import annotations

from tests.importers_support import load, rows

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
