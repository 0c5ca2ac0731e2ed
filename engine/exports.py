"""CSV exports that are safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or NUL is a formula to
Excel and LibreOffice (OWASP CSV injection; ASVS 5.0 V1.2.10). We store the raw value and prefix
such a cell with ``'`` only on the way out.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


def escape_cell(value) -> str:
    if hasattr(value, "tolist") and not isinstance(value, str):  # DuckDB lists arrive as numpy arrays
        value = value.tolist()
    if value is None:
        return ""
    if not isinstance(value, str | list | tuple):
        import pandas as pd  # loads slowly: only once a cell needs it

        if pd.isna(value):  # NaN, NaT
            return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(rows: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([escape_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    """UTF-8 with a BOM, so Excel shows accents and curly apostrophes correctly."""
    return ("\ufeff" + csv_text(rows, columns)).encode("utf-8")


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    path.write_bytes(csv_bytes(rows, columns))
