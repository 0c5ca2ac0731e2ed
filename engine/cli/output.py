"""What ``rapport`` prints: strict JSON for scripts, plain tables for people.

``--json`` output is JSON a strict parser accepts: a missing value (None, NaN, NaT, pandas.NA) is
``null``, never a bare ``NaN``; dates and times are ISO 8601; lists (tags, reasons) are arrays,
numpy numbers are numbers. Scripts can rely on it: ``tests/test_cli_json.py`` parses every
command's output with a parser that refuses ``NaN``.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time

from engine.vocabulary import as_text


def json_ready(value):
    """``value`` with every part made of what JSON has: dicts, lists, str, int, float, bool, null."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_ready(v) for v in value]
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a DataFrame: its rows
        return [json_ready(row) for row in value.to_dict("records")]
    if hasattr(value, "tolist") and not isinstance(value, (int, float)):  # numpy arrays and scalars
        return json_ready(value.tolist())
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int):
        return value
    if isinstance(value, (datetime, date, time)):
        if isinstance(value, datetime) and value != value:  # NaT
            return None
        text = value.isoformat()
        return text[:10] if isinstance(value, datetime) and text.endswith("T00:00:00") else text
    try:
        if value != value:  # NaN-like: pandas.NA, NaT
            return None
    except TypeError:  # pandas.NA refuses to be a bool
        return None
    return str(value)


def print_json(value) -> None:
    print(json.dumps(json_ready(value), ensure_ascii=False, indent=2, allow_nan=False))


def cell(value) -> str:
    """One table cell: empty for a missing value, lists joined, dates as dates."""
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and not isinstance(value, (str, int, float))):
        return ", ".join(cell(v) for v in (value.tolist() if hasattr(value, "tolist") else value))
    ready = json_ready(value)
    return "" if ready is None else as_text(ready)


def table(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return "(none)"
    cells = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [min(max(len(c), *(len(row[i]) for row in cells)), 40) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines += ["  ".join(v[:w].ljust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)
