"""Importing a LinkedIn data archive of 100,000 messages against DuckDB's read_csv of its messages.csv.

Run: ``python -m benchmarks.archive_bench [--messages N]``. Invented people only (1,000 contacts,
one conversation each, messages alternating with a few replies missing), in the 10-column form of
2019-2023. Both figures are measured in the same run, in turn, best and median of three:

- ours: ``import_archive`` of the messages.csv on a workspace that already holds the contacts
  (a copy of one prepared file, so every run starts the same);
- the baseline: ``CREATE TABLE t AS SELECT * FROM read_csv(...)`` of the same file into a fresh
  DuckDB file, which only reads the text and stores it (no matching, no outcomes).

Peak memory is the largest RSS of a ``rapport import`` command run of the same file on a copy of
that workspace, read by a small launcher as its child's RUSAGE_CHILDREN (see import_bench).

The daily automatic copy is off (``RAPPORT_AUTOBACKUP=0``), as in import_bench: every run imports
into a new file, which would make that file's copy of the day, a cost paid once a day per
workspace, not per import (health_bench measures it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from engine.importers.archive import import_archive
from engine.importers.files import import_file
from engine.store import Store

_BASELINE = "CREATE TABLE t AS SELECT * FROM read_csv(?, header=true)"
_RUNS = 3
_LAUNCHER = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
_HEADER = ("CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,"
           "CONTENT,FOLDER\r\n")
_OWNER = ("Olive Owner", "https://www.linkedin.com/in/olive-owner")


def write_files(folder: Path, messages: int, people: int = 1000) -> tuple[Path, Path]:
    """(Connections.csv, messages.csv) for ``people`` invented contacts and ``messages`` messages."""
    contacts = ["Notes:\r\n\"x\"\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"]
    for p in range(people):
        contacts.append(f"Person{p},Surname{p},https://www.linkedin.com/in/person-{p},,Acme {p % 50},Engineer,"
                        "08 Jan 2020\r\n")
    lines = [_HEADER]
    start = datetime(2021, 1, 1, 9, 0)
    for i in range(messages):
        p = i % people
        other = (f"Person{p} Surname{p}", f"https://www.linkedin.com/in/person-{p}")
        mine = (i // people) % 2 == 0 or i % 7 == 0
        sender, to = (_OWNER, other) if mine else (other, _OWNER)
        at = start + timedelta(minutes=37 * i)
        lines.append(f"conv-{p},,{sender[0]},{sender[1]},{to[0]},{to[1]},{at:%Y-%m-%d %H:%M:%S} UTC,,"
                     f"\"Hello {to[0]}, about the project, message {i}.\",INBOX\r\n")
    (folder / "Connections.csv").write_text("".join(contacts), encoding="utf-8")
    (folder / "messages.csv").write_text("".join(lines), encoding="utf-8")
    return folder / "Connections.csv", folder / "messages.csv"


def _peak_mb(args: list[str]) -> float:
    out = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def run(messages: int) -> dict[str, float]:
    os.environ["RAPPORT_AUTOBACKUP"] = "0"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        connections, csv_path = write_files(folder, messages)
        prepared = folder / "prepared.duckdb"
        import_file(Store(prepared), connections)
        data = csv_path.read_bytes()
        ours, base = [], []
        for i in range(_RUNS):
            db = folder / f"ours{i}.duckdb"
            shutil.copy(prepared, db)
            began = time.perf_counter()
            report = import_archive(Store(db), data, "messages.csv")
            ours.append(time.perf_counter() - began)
            assert report.interactions_inserted == messages, report
            began = time.perf_counter()
            with duckdb.connect(str(folder / f"base{i}.duckdb")) as conn:
                conn.execute(_BASELINE, [str(csv_path)])
            base.append(time.perf_counter() - began)
        db = folder / "command.duckdb"
        shutil.copy(prepared, db)
        peak = _peak_mb([sys.executable, "-m", "engine", "import", str(csv_path), "--db", str(db)])
        base_peak = _peak_mb([sys.executable, "-c", f"import duckdb; duckdb.connect({str(folder / 'b.duckdb')!r})"
                              f".execute({_BASELINE!r}, [{str(csv_path)!r}])"])
    return {"messages": messages, "ours_best": min(ours), "ours_median": statistics.median(ours),
            "read_csv_best": min(base), "read_csv_median": statistics.median(base),
            "ratio_best": min(ours) / min(base), "ratio_median": statistics.median(ours) / statistics.median(base),
            "peak_mb": peak, "read_csv_peak_mb": base_peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    figures = run(parser.parse_args().messages)
    print(f"{figures['messages']:,} messages: import_archive {figures['ours_best']:.2f} s "
          f"(median {figures['ours_median']:.2f} s), DuckDB read_csv {figures['read_csv_best']:.2f} s "
          f"(median {figures['read_csv_median']:.2f} s): {figures['ratio_best']:.1f}x "
          f"(medians {figures['ratio_median']:.1f}x); peak memory {figures['peak_mb']:.0f} MB "
          f"(read_csv command {figures['read_csv_peak_mb']:.0f} MB)")


if __name__ == "__main__":
    main()
