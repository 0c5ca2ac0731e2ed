"""Contact importers across encodings, delimiters, verbatim values and non-English headers."""

from __future__ import annotations

import pytest

from tests.importers_support import load, rows

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


def test_utf16_without_bom_tab_delimited(tmp_path):
    text = "First Name\tLast Name\tE-mail Address\r\nLéa\tSeydoux\tlea@example.fr\r\n"
    parsed = load(tmp_path, "unicode.txt", text.encode("utf-16-le"))
    assert (parsed.encoding, parsed.delimiter) == ("utf-16", "\t")
    assert rows(parsed)[0]["full_name"] == "Léa Seydoux" and rows(parsed)[0]["email"] == "lea@example.fr"
