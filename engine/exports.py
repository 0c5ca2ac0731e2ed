"""CSV exports that are safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or NUL is a formula to
Excel and LibreOffice (OWASP CSV injection; ASVS 5.0 V1.2.10). We store the raw value and prefix
such a cell with ``'`` only on the way out.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
import tempfile
from datetime import datetime, time
from pathlib import Path

from engine.errors import FileError
from engine.records import printable

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
        if isinstance(value, datetime) and value.time() == time(0):  # a date stored as a timestamp
            value = value.date()
        elif isinstance(value, float) and value.is_integer():  # 2.0 messages read as 2
            value = int(value)
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


def output_problem(path: str | Path) -> str | None:
    """Why a file cannot be written at ``path`` (one line naming it), or None if it can.

    The folder must exist and be a folder we may write in; the path itself must be new or a
    regular file we may write (not a folder, a device or a pipe).
    """
    shown = printable(str(path))
    if not str(path).strip():
        return "the file name is empty"
    folder = os.path.dirname(os.path.abspath(path))
    try:
        folder_mode = os.stat(folder).st_mode
    except FileNotFoundError:
        return f"folder {printable(folder)} does not exist"
    except (OSError, ValueError) as error:
        return f"folder {printable(folder)} cannot be used ({getattr(error, 'strerror', None) or error})"
    if not stat.S_ISDIR(folder_mode):
        return f"{printable(folder)} is not a folder"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except (OSError, ValueError) as error:
        return f"{shown} cannot be written ({getattr(error, 'strerror', None) or error})"
    if mode is not None and stat.S_ISDIR(mode):
        return f"{shown} is a folder; give a file name"
    if mode is not None and not stat.S_ISREG(mode):
        return f"{shown} is not a regular file (a device or a pipe)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"folder {printable(folder)} is not writable"
    if mode is not None and not os.access(path, os.W_OK):
        return f"{shown} is read-only"
    return None


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary file beside it, then a rename.

    A failed write (a full disk, a folder removed meanwhile) leaves no half-written file and the
    previous file, if any, as it was; it raises ValueError with one line naming the file.
    """
    problem = output_problem(path)
    if problem:
        raise FileError(problem)
    path = Path(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    temp = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                         delete=False) as file:
            temp = file.name
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
        temp = None
    except OSError as error:
        raise FileError(f"{printable(str(path))}: cannot be written ({error.strerror or error})") from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    write_atomically(path, csv_bytes(rows, columns))


# ``rapport export interactions``: the columns, in order, and where each comes from in
# ``store.interactions.frame()``. Channels and outcomes are written as their labels.
INTERACTION_COLUMNS = ("id", "occurred_on", "time", "full_name", "email", "company", "kind", "channel", "outcome",
                       "follow_up_on", "goal", "template", "event", "conversation_id", "message_length", "source",
                       "notes")


def interaction_rows(frame) -> list[dict]:
    """The interaction log as rows a person reads: labels for channels and outcomes, the time of day
    where it is known, and whether each was logged by hand or imported (an archive, a calendar)."""
    from engine.vocabulary import CHANNEL_LABELS, OUTCOME_LABELS, as_date, label

    def cell(row: dict, name: str):
        value = row.get(name)
        return None if value is None or (not isinstance(value, str) and value != value) else value  # NaN, NaT

    rows = []
    for row in frame.to_dict("records"):
        moment = cell(row, "occurred_at")
        length = cell(row, "message_length")
        rows.append({
            **{name: cell(row, name) for name in ("id", "full_name", "email", "company", "kind", "goal", "template",
                                                  "event", "conversation_id", "notes")},
            "occurred_on": as_date(cell(row, "occurred_on")), "follow_up_on": as_date(cell(row, "follow_up_on")),
            "time": f"{moment:%H:%M}" if moment is not None else None,
            "channel": label(cell(row, "channel"), CHANNEL_LABELS),
            "outcome": label(cell(row, "outcome"), OUTCOME_LABELS),
            "message_length": int(length) if length is not None else None,
            "source": "imported" if cell(row, "source_key") else "logged",
        })
    return rows


def interactions_csv(frame) -> bytes:
    """The interaction log as the CSV the command line and Settings both hand out."""
    return csv_bytes(interaction_rows(frame), list(INTERACTION_COLUMNS))
