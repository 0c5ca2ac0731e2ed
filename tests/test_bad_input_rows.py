"""Bad input, row by row: bad rows inside good files, and files in unusual or broken encodings.

When only some rows are bad, the good rows import and each rejected row is reported and stored with
its line, its column where it applies, and the reason.
"""

from __future__ import annotations

import pytest

from engine.store import Store
from tests import bad_input_support
from tests.bad_input_support import (
    MB,
    import_and_check,
    linkedin,
    linkedin_row,
    rapport,
    stored_contacts,
)

ws = bad_input_support.ws  # the shared workspace fixture, made visible to this module's tests


def full_names(store: Store) -> set[str]:
    return set(store.contacts.export()["full_name"])


# --- (c): row-level problems in an otherwise good file --------------------------------------------------------


def test_ragged_rows_are_rejected_by_line_and_the_rest_imports(ws, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin([
        linkedin_row(10),  # line 5
        linkedin_row(11) + ",surprise,more",  # line 6: two cells too many
        "Cy,Young,https://www.linkedin.com/in/cy,,Acme",  # line 7: short, padded (the rest is blank)
        linkedin_row(12) + ",",  # line 8: a trailing comma is not a problem
    ]))
    report = import_and_check(ws, path)
    assert report.inserted == 3 and report.total == 4
    assert [(r.line, r.column) for r in report.rejects] == [(6, None)]
    assert report.rejects[0].reason == "the row has 9 fields but the header has 7"
    assert "surprise" in report.rejects[0].raw
    assert {"Person10 Surname10", "Cy Young", "Person12 Surname12"} <= full_names(ws)
    assert "Person11 Surname11" not in full_names(ws)


def test_text_after_a_closing_quote_rejects_that_row_naming_the_column(ws, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(linkedin([
        linkedin_row(20),  # line 5
        'Bo,"Nilsson" Jr,https://www.linkedin.com/in/bo,,Acme,CTO,30 May 2024',  # line 6
        linkedin_row(21),  # line 7
    ]))
    report = import_and_check(ws, path)
    assert report.inserted == 2
    assert [(r.line, r.column) for r in report.rejects] == [(6, "Last Name")]
    assert "quote" in report.rejects[0].reason
    assert "Nilsson" in report.rejects[0].raw


def _three_mb_rows(kind: str) -> tuple[bytes, int, str | None, str]:
    """(file, line of the bad row, column named, words in the reason) for each shape of a 3 MB line."""
    header = "First Name,Last Name,Email,Notes\n"
    good = "Ana,Lima,ana@example.org,short\n"
    after = "Bo,Nilsson,bo@example.org,short\n"
    if kind == "one-value":
        bad = "Cy,Young,cy@example.org," + "x" * (3 * MB) + "\n"
        return (header + good + bad + after).encode(), 3, "Notes", "too long"
    if kind == "quoted-value":
        bad = 'Cy,Young,cy@example.org,"' + 'say ""x"", ' * (3 * MB // 10) + '"\n'
        return (header + good + bad + after).encode(), 3, "Notes", "too long"
    if kind == "quoted-multiline-value":
        bad = 'Cy,Young,cy@example.org,"' + "line\n" * (3 * MB // 5) + '"\n'
        return (header + good + bad + after).encode(), 3, "Notes", "too long"
    assert kind == "many-cells"
    bad = "Cy,Young,cy@example.org," + "a," * (3 * MB // 2) + "\n"
    return (header + good + bad + after).encode(), 3, None, "fields but the header has 4"


@pytest.mark.parametrize("kind", ["one-value", "quoted-value", "quoted-multiline-value", "many-cells"])
def test_a_3_mb_line_rejects_its_row_and_the_rest_imports(ws, tmp_path, kind):
    data, line, column, words = _three_mb_rows(kind)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    report = import_and_check(ws, path)
    assert [(r.line, r.column) for r in report.rejects] == [(line, column)]
    assert words in report.rejects[0].reason
    assert len(report.rejects[0].raw) <= 500
    assert report.inserted == 2
    assert {"Ana Lima", "Bo Nilsson"} <= full_names(ws) and "Cy Young" not in full_names(ws)


def test_a_3_mb_line_above_the_header_does_not_hide_the_header(ws, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (3 * MB) + b"\n" + linkedin([linkedin_row(30)], preamble=""))
    report = import_and_check(ws, path)
    assert (report.format, report.inserted) == ("linkedin", 1)


def test_a_contacts_file_with_only_a_header_imports_nothing_and_says_so(ws, tmp_path):
    before = ws.contacts.count()
    for name, data in (("Connections.csv", linkedin([])), ("people.csv", b"First Name,Last Name,Email\r\n")):
        path = tmp_path / name
        path.write_bytes(data)
        report = import_and_check(ws, path)
        assert (report.total, report.inserted, report.updated, report.rejected, report.rejects) == (0, 0, 0, 0, [])
    assert ws.contacts.count() == before
    path = tmp_path / "Connections.csv"
    result = rapport("import", str(path), db=ws.path)
    assert result.returncode == 0, result.stderr
    assert "0 rows, 0 new" in result.stdout


def test_an_events_csv_with_only_a_header_imports_nothing(ws, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"Title,Start,Location\r\n")
    report = import_and_check(ws, path, events=True)
    assert (report.total, report.inserted, report.rejects) == (0, 0, [])
    assert [i["kind"] for i in ws.imports.history() if i["id"] == report.import_id] == ["events"]


def _calendar(events: list[list[str]]) -> tuple[bytes, list[int]]:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"]
    starts = []
    for props in events:
        starts.append(len(lines) + 1)
        lines += ["BEGIN:VEVENT", *props, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(line + "\r\n" for line in lines).encode("utf-8"), starts


def test_an_ics_with_broken_dates_rejects_those_events_by_line_and_property(ws, tmp_path):
    data, starts = _calendar([
        ["UID:good-1", "SUMMARY:Good meetup", "DTSTART:20261015T180000Z"],
        ["UID:tbd", "SUMMARY:Date to be announced", "DTSTART:TBD"],
        ["UID:feb30", "SUMMARY:Leap confusion", "DTSTART:20260230T100000Z"],
        ["UID:far", "SUMMARY:The end of time", "DTSTART;TZID=America/New_York:99991231T230000"],
        ["UID:early", "SUMMARY:Year one", "DTSTART;TZID=Asia/Tokyo:00010101T000000"],
        ["UID:badend", "SUMMARY:Ends whenever", "DTSTART:20261016T180000Z", "DTEND:whenever"],
        ["UID:longdur", "SUMMARY:Forever", "DTSTART:20261017T180000Z", "DURATION:P99999999999W"],
        ["UID:pastend", "SUMMARY:Runs off the calendar", "DTSTART:99991231T180000Z", "DURATION:P2D"],
        ["UID:month13", "SUMMARY:Month 13", "DTSTART;VALUE=DATE:20261301"],
        ["UID:nodate", "SUMMARY:No start at all"],
        ["UID:good-2", "SUMMARY:Second good", "DTSTART:20261101T180000Z", "DTEND:20261101T200000Z"],
    ])
    path = tmp_path / "broken.ics"
    path.write_bytes(data)
    report = import_and_check(ws, path)
    assert (report.total, report.inserted) == (11, 2)
    assert [(r.line, r.column) for r in report.rejects] == [
        (starts[1], "DTSTART"), (starts[2], "DTSTART"), (starts[3], "DTSTART"), (starts[4], "DTSTART"),
        (starts[5], "DTEND"), (starts[6], "DURATION"), (starts[7], "DURATION"), (starts[8], "DTSTART"),
        (starts[9], "DTSTART")]
    assert report.rejects[0].reason == "DTSTART 'TBD' is not a date"
    assert "whenever" in report.rejects[4].reason
    titles = set(ws.events.frame()["title"])
    assert titles == {"Good meetup", "Second good"}


def test_a_3_mb_folded_value_rejects_its_event_or_card_quickly(ws, tmp_path):
    """RFC 5545 and vCard fold long lines every 75 characters: 3 MB is 40,000 pieces to join."""
    folded = "DESCRIPTION:" + "\r\n ".join(["y" * 74] * (3 * MB // 74))
    ics, starts = _calendar([["UID:big", "SUMMARY:Big", "DTSTART:20261015T180000Z", folded],
                             ["UID:ok", "SUMMARY:Fine", "DTSTART:20261016T180000Z"]])
    vcf = ("BEGIN:VCARD\r\nFN:Big Note\r\n" + folded.replace("DESCRIPTION", "NOTE") + "\r\nEND:VCARD\r\n"
           "BEGIN:VCARD\r\nFN:Small Note\r\nNOTE:fine\r\nEND:VCARD\r\n").encode()
    (tmp_path / "big.ics").write_bytes(ics)
    (tmp_path / "big.vcf").write_bytes(vcf)
    events = import_and_check(ws, tmp_path / "big.ics")
    cards = import_and_check(ws, tmp_path / "big.vcf")
    assert [(r.line, r.column) for r in events.rejects] == [(starts[0], "DESCRIPTION")]
    assert [(r.line, r.column) for r in cards.rejects] == [(1, "NOTE")]
    assert "too long" in events.rejects[0].reason and "too long" in cards.rejects[0].reason
    assert (events.inserted, cards.inserted) == (1, 1)
    assert "Small Note" in full_names(ws) and "Big Note" not in full_names(ws)


def test_an_events_csv_with_bad_rows_rejects_them_by_line_and_column(ws, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes((
        "Title,Start,End,Location\r\n"
        "Good event,2026-10-15 18:00,2026-10-15 20:00,Berlin\r\n"  # 2
        "Bad start,2026-02-30,,Berlin\r\n"  # 3
        "Bad end,2026-10-16,whenever,Berlin\r\n"  # 4
        "Ragged,2026-10-17,,Berlin,surprise\r\n"  # 5
        ",2026-10-18,,Berlin\r\n"  # 6
        "Long,2026-10-19,," + "x" * (3 * MB) + "\r\n"  # 7
        "Trailing comma,2026-10-20,,Berlin,\r\n"  # 8
    ).encode())
    report = import_and_check(ws, path, events=True)
    assert [(r.line, r.column) for r in report.rejects] == [
        (3, "Start"), (4, "End"), (5, None), (6, "Title"), (7, "Location")]
    assert "5 fields" in report.rejects[2].reason and "too long" in report.rejects[4].reason
    assert all(len(r.raw) <= 500 and len(r.reason) < 200 for r in report.rejects)
    assert set(ws.events.frame()["title"]) == {"Good event", "Trailing comma"}


def test_a_vcard_without_fn_is_rejected_by_line_and_the_other_cards_import(ws, tmp_path):
    vcf = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n"  # line 1
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Nilsson;Bo;;;\r\nEMAIL:bo@example.org\r\nEND:VCARD\r\n"  # line 6
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy Young\r\nEND:VCARD\r\n"  # line 11
    )
    path = tmp_path / "phone.vcf"
    path.write_bytes(vcf.encode())
    report = import_and_check(ws, path)
    assert (report.total, report.inserted) == (3, 2)
    assert [(r.line, r.column) for r in report.rejects] == [(6, "FN")]
    assert "FN" in report.rejects[0].reason
    assert {"Ana Lima", "Cy Young"} <= full_names(ws)
    assert "bo@example.org" not in set(ws.contacts.export()["email"])


def test_a_vcard_file_where_no_card_has_fn_imports_nothing_but_reports_each(ws, tmp_path):
    path = tmp_path / "phone.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nN:Lima;Ana;;;\r\nEND:VCARD\r\nBEGIN:VCARD\r\nN:Nilsson;Bo;;;\r\nEND:VCARD\r\n")
    before = ws.contacts.count()
    report = import_and_check(ws, path)
    assert report.inserted == 0 and [(r.line, r.column) for r in report.rejects] == [(1, "FN"), (4, "FN")]
    assert ws.contacts.count() == before


# --- encodings ------------------------------------------------------------------------------------------------


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def test_utf16_with_a_broken_surrogate_rejects_that_row_only(ws, tmp_path):
    data = (b"\xff\xfe" + _utf16("First Name,Last Name,Email\r\nAna,Lima,ana@example.org\r\nBo,")
            + b"\x00\xd8"  # a high surrogate with no low one after it: line 3, in the Last Name
            + _utf16("Nilsson,bo@example.org\r\nLéa,Seydoux,lea@example.org\r\n"))
    path = tmp_path / "unicode.csv"
    path.write_bytes(data)
    report = import_and_check(ws, path)
    assert report.encoding == "utf-16"
    assert [(r.line, r.column) for r in report.rejects] == [(3, "Last Name")]
    assert "UTF-16" in report.rejects[0].reason
    assert {"Ana Lima", "Léa Seydoux"} <= full_names(ws)


def test_utf16_cut_off_in_the_middle_of_a_character_keeps_the_complete_rows(ws, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes(b"\xff\xfe" + _utf16("First Name,Last Name,Email\r\nAna,Lima,ana@example.org\r\nBo,N") + b"i")
    report = import_and_check(ws, path)
    assert report.inserted == 1 and [(r.line, r.column) for r in report.rejects] == [(3, "Last Name")]


def test_utf16_without_bom_and_a_broken_surrogate(ws, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(_utf16("First Name\tLast Name\tE-mail Address\r\nLéa\tSeydoux\tlea@example.fr\r\nBo\t")
                     + b"\x00\xdc" + _utf16("x\tbo@example.fr\r\n"))
    report = import_and_check(ws, path)
    assert [(r.line, r.column) for r in report.rejects] == [(3, "Last Name")]
    assert "Léa Seydoux" in full_names(ws)


def test_utf8_with_bom_and_an_invalid_byte_keeps_that_row_and_names_it(ws, tmp_path):
    """A BOM says UTF-8: a byte that is not is replaced with U+FFFD and its row named in a warning,
    as in a UTF-8 file without a BOM (test_encoding_evidence), rather than the row rejected."""
    path = tmp_path / "people.csv"
    path.write_bytes(b"\xef\xbb\xbfFirst Name,Last Name,Email\r\n"
                     b"Ana,Li\xffma,ana@example.org\r\nBo,Nilsson,bo@x.org\r\n")
    report = import_and_check(ws, path)
    assert (report.encoding, report.inserted, report.rejects) == ("utf-8-sig", 2, [])
    assert len(report.warnings) == 1 and report.warnings[0].startswith("line 2, column 'Last Name'")
    assert {"Ana Li\ufffdma", "Bo Nilsson"} <= full_names(ws)


def test_a_cp1252_file_imports_with_its_accents(ws, tmp_path):
    text = ("First Name,Last Name,Email,Company\r\n"
            "René,Müller,rene@example.org,Café “Zur Post” – 5 €\r\n"
            "Zoë,Ødegård,zoe@example.org,Œuvre\r\n")
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))
    report = import_and_check(ws, path)
    assert (report.encoding, report.inserted, report.rejects) == ("cp1252", 2, [])
    stored = {c["email"]: c for c in stored_contacts(ws.path)}
    assert stored["rene@example.org"]["full_name"] == "René Müller"
    assert stored["rene@example.org"]["company"] == "Café “Zur Post” – 5 €"
    assert stored["zoe@example.org"]["full_name"] == "Zoë Ødegård"


def test_bytes_that_cp1252_leaves_undefined_do_not_crash(ws, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"First Name,Last Name,Email\r\nRen\x81,M\x8dller,r@example.org\r\n")
    assert import_and_check(ws, path).inserted == 1


def test_a_utf16_calendar_is_read_as_a_calendar_and_a_broken_character_rejects_its_event(ws, tmp_path):
    text, starts = _calendar([["UID:a", "SUMMARY:Café meetup", "DTSTART:20261015T180000Z"],
                              ["UID:b", "SUMMARY:Broken \x01", "DTSTART:20261016T180000Z"]])
    encoded = b"\xff\xfe" + _utf16(text.decode())
    broken = encoded.replace(_utf16("\x01"), b"\x00\xd8")
    path = tmp_path / "cal.ics"
    path.write_bytes(broken)
    report = import_and_check(ws, path)
    assert (report.format, report.inserted) == ("ics", 1)
    assert [(r.line, r.column) for r in report.rejects] == [(starts[1], "SUMMARY")]
    assert set(ws.events.frame()["title"]) == {"Café meetup"}
