"""Contact importers against bad files (empty, binary, broken quoting, bad headers) and bad rows."""

from __future__ import annotations

import pytest

from engine.records import ImportFileError
from tests.importers_support import LINKEDIN_HEADER, LINKEDIN_PREAMBLE, load, rows

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


def test_unparseable_date_keeps_the_contact_undated_and_warns_naming_the_place(tmp_path):
    data = (
        LINKEDIN_PREAMBLE + LINKEDIN_HEADER + "\n"
        "Ana,Lima,https://www.linkedin.com/in/ana,,Acme,CEO,30 May 2024\n"
        "Bo,Nilsson,https://www.linkedin.com/in/bo,,Acme,CTO,yesterday\n"  # line 6
        "Cy,Young,https://www.linkedin.com/in/cy,,Acme,CFO,31 Feb 2024\n"  # line 7: no such day
    ).encode()
    parsed = load(tmp_path, "c.csv", data)
    assert [(r["first_name"], r["connected_on"]) for r in rows(parsed)] == [
        ("Ana", "2024-05-30"), ("Bo", None), ("Cy", None)]
    assert parsed.rejects == []
    assert [w.split(":")[0] for w in parsed.warnings] == ["c.csv line 6, column 'Connected On'",
                                                          "c.csv line 7, column 'Connected On'"]
    assert "yesterday" in parsed.warnings[0] and "without this date" in parsed.warnings[0]
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
