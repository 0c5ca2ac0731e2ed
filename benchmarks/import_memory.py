"""Peak memory of ``rapport import`` on each import path, at 400,000 rows (a 46 MB LinkedIn export).

Run: ``python -m benchmarks.import_memory [--rows N]`` (``make bench`` runs it through
``benchmarks.run_all``; ``MEMORY_ROWS`` sets the rows there). Each figure is the largest resident
memory (max RSS) of one ``rapport import`` command, a fresh process per path, read by a small
launcher as its child's RUSAGE_CHILDREN (see ``import_bench``). The baseline, measured the same
way in the same run, is a ``python -c`` that has DuckDB read the same export into a table.

The paths:

- first import of a clean export (DuckDB reads it itself: the direct path);
- re-import of the same file (every row matches a contact, none changed) and of the file with 10%
  of the people moved to another company and title (updates and job changes);
- an export with one ragged row (a field too many), which DuckDB refuses, so the Python reader
  reads it: first import and re-import;
- a Google Contacts CSV (the direct path, with labels to split) and a vCard file (the vCard
  reader), first import; the vCard file holds as many cards as fit in an upload (50 MB).

The daily automatic copy is off (``RAPPORT_AUTOBACKUP=0``): it is paid once a day, not per import,
and ``health_bench`` measures it.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
from pathlib import Path

from benchmarks.generate import linkedin_export
from benchmarks.import_bench import _peak_mb, baseline_command

TARGET_MB = 500
_GOOGLE_HEADER = ("First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
                  "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
                  "Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
                  "Phone 1 - Label,Phone 1 - Value\r\n")
_LABELS = ["* myContacts", "* myContacts ::: Friends", "* myContacts ::: Work", "Clients ::: * myContacts", ""]


def _people(export: Path):
    """(line index, cells) of each person in a generated LinkedIn export (after the header)."""
    with open(export, encoding="utf-8", newline="") as file:  # the export's own \r\n kept
        lines = file.read().splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if line.startswith("First Name,"))
    return lines, header


def _write(out: Path, pieces: list[str]) -> None:
    with open(out, "w", encoding="utf-8", newline="") as file:
        file.write("".join(pieces))


def changed_export(export: Path, out: Path, share: float = 0.10) -> tuple[Path, int]:
    """``export`` with ``share`` of its people moved to another company and title; (path, rows changed)."""
    lines, header = _people(export)
    rng, changed = random.Random(7), 0
    for i in range(header + 1, len(lines)):
        cells = next(csv.reader([lines[i]]))
        if cells[0] and rng.random() < share:
            cells[4], cells[5] = f"Newco {rng.randint(1, 5000)}", f"Head of Moving {rng.randint(1, 50)}"
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerow(cells)
            lines[i], changed = buffer.getvalue(), changed + 1
    _write(out, lines)
    return out, changed


def ragged_export(export: Path, out: Path) -> Path:
    """``export`` with one row in the middle holding a field too many: DuckDB refuses it, and the
    Python reader rejects that row and imports the rest."""
    lines, header = _people(export)
    middle = (header + len(lines)) // 2
    lines[middle] = lines[middle].rstrip("\r\n") + ",one field too many\r\n"
    _write(out, lines)
    return out


def google_export(export: Path, out: Path) -> Path:
    """The people of ``export`` as a Google Contacts CSV (labels, an e-mail now and then)."""
    lines, header = _people(export)
    rng, rows = random.Random(3), [_GOOGLE_HEADER]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for first, last, _url, email, company, title, _day in csv.reader(lines[header + 1 :]):
        if first:
            writer.writerow([first, "", last, "", "", "", "", "", "", "", company, title, "", "", "", "",
                             rng.choice(_LABELS), "* Work" if email else "", email, "", ""])
    rows.append(buffer.getvalue())
    _write(out, rows)
    return out


def vcard_export(export: Path, out: Path, limit: int = 50 * 2**20) -> tuple[Path, int]:
    """The people of ``export`` as vCard 3.0 cards, as many as fit in ``limit`` bytes; (path, cards)."""
    lines, header = _people(export)
    cards, size = [], 0
    for first, last, url, email, company, title, _day in csv.reader(lines[header + 1 :]):
        if not first:
            continue
        card = (f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{first} {last}\r\nN:{last};{first};;;\r\n"
                + (f"EMAIL:{email}\r\n" if email else "") + (f"ORG:{company}\r\n" if company else "")
                + (f"TITLE:{title}\r\n" if title else "") + f"URL:{url}\r\nEND:VCARD\r\n")
        size += len(card.encode("utf-8"))
        if size > limit:
            break
        cards.append(card)
    _write(out, cards)
    return out, len(cards)


# ``rapport`` as ``python -m engine`` run from this checkout (PYTHONPATH below), whichever copy is installed.
_ROOT = Path(__file__).resolve().parents[1]


def _import_peak(file: Path, db: Path) -> float:
    return _peak_mb([sys.executable, "-m", "engine", "import", str(file), "--db", str(db), "--json"])


# What the Import page does with an upload: the preview (kept in the session while the user looks),
# then the Import button, in one process as in the dashboard's.
_DASHBOARD = """
import sys
from pathlib import Path
from engine.importers.files import import_upload, preview_file
from engine.store import Store
data, store = Path(sys.argv[1]).read_bytes(), Store(sys.argv[2])
shown = preview_file(data, Path(sys.argv[1]).name, store=store)
import_upload(store, data, Path(sys.argv[1]).name)
"""


def _dashboard_peak(file: Path, db: Path) -> float:
    return _peak_mb([sys.executable, "-c", _DASHBOARD, str(file), str(db)])


def run(rows: int, progress=lambda text: None) -> dict:
    """Peak MB of each path and of the baseline: {"baseline": MB, "paths": [(what, MB), ...], ...}."""
    os.environ["RAPPORT_AUTOBACKUP"] = "0"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        progress(f"import_memory: writing the {rows:,}-row exports")
        clean = linkedin_export(tmp / "Connections.csv", rows)
        changed, moved = changed_export(clean, tmp / "Changed.csv")
        ragged = ragged_export(clean, tmp / "Ragged.csv")
        google = google_export(clean, tmp / "google.csv")
        vcard, cards = vcard_export(clean, tmp / "contacts.vcf")
        baseline_cmd = baseline_command(clean)
        steps = [
            ("first import, clean export (direct path)", clean, "a"),
            ("re-import of the same export (all unchanged)", clean, "a"),
            (f"re-import with {moved:,} people changed (10%, job changes)", changed, "a"),
            ("first import, one ragged row (Python reader)", ragged, "b"),
            ("re-import, one ragged row (Python reader)", ragged, "b"),
            ("first import, Google Contacts CSV", google, "c"),
            (f"first import, vCard ({cards:,} cards, all that fit in 50 MB)", vcard, "d"),
        ]
        paths = []
        progress("import_memory: baseline")
        baseline = _peak_mb([*baseline_cmd, str(tmp / "baseline.duckdb")])
        for what, file, db in steps:
            progress(f"import_memory: {what}")
            paths.append((what, _import_peak(file, tmp / f"{db}.duckdb")))
        for what, file, db in (("Import page: preview and import, clean export", clean, "e"),
                               ("Import page: preview and import, one ragged row (Python reader)", ragged, "f")):
            progress(f"import_memory: {what}")
            paths.append((what, _dashboard_peak(file, tmp / f"{db}.duckdb")))
        return {"rows": rows, "size_mb": clean.stat().st_size / 2**20, "baseline": baseline, "paths": paths}


def table_rows(result: dict) -> list[str]:
    """Rows for ``benchmarks/results.md``: | What | peak | baseline | ratio | target |."""
    base = result["baseline"]
    return [f"| Peak memory at {result['rows']:,} rows, {what} | {mb:.0f} MB | DuckDB `read_csv` of the "
            f"{result['size_mb']:.0f} MB export as a command {base:.0f} MB | {mb / base:.1f}x | < {TARGET_MB} MB |"
            for what, mb in result["paths"]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=400_000)
    result = run(parser.parse_args().rows, progress=lambda text: print(text, file=sys.stderr, flush=True))
    print(f"peak memory (max RSS) of `rapport import`, {result['rows']:,} rows ({result['size_mb']:.0f} MB export); "
          f"baseline: DuckDB read_csv into a table as a command, {result['baseline']:.0f} MB")
    width = max(len(what) for what, _ in result["paths"])
    for what, mb in result["paths"]:
        verdict = "ok" if mb < TARGET_MB else f"OVER {TARGET_MB} MB"
        print(f"  {what.ljust(width)}  {mb:6.0f} MB  {mb / result['baseline']:4.1f}x  {verdict}")


if __name__ == "__main__":
    main()
