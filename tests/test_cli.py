"""``rapport`` on the command line, run as a user runs it: a real process on a real file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LINKEDIN = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Analytical Engines,Head of Product,30 May 2024\r\n"
    'James,"""Tyler""",https://www.linkedin.com/in/james-tyler,,"Acme, Inc.",Group PM,02 Jun 2022\r\n'
    ",,,,,,02 Jun 2022\r\n"
)


def rapport(*args: str, db: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(db)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_import_prints_a_json_report_and_reimport_adds_nobody(tmp_path):
    export = tmp_path / "Connections.csv"
    export.write_text(LINKEDIN, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    first = rapport("import", str(export), "--json", db=db)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert {k: report[k] for k in ("format", "total", "inserted", "updated", "unchanged", "skipped_blank",
                                   "rejected")} == {"format": "linkedin", "total": 3, "inserted": 2, "updated": 0,
                                                    "unchanged": 0, "skipped_blank": 1, "rejected": 0}
    again = json.loads(rapport("import", str(export), "--json", db=db).stdout)
    assert (again["inserted"], again["unchanged"]) == (0, 2)
    listed = json.loads(rapport("contacts", "--json", db=db).stdout)
    assert listed["total"] == 2
    assert {c["full_name"] for c in listed["contacts"]} == {"Ada Lovelace", 'James "Tyler"'}


def test_an_unreadable_file_is_one_line_and_a_nonzero_exit(tmp_path):
    missing = rapport("import", str(tmp_path / "nope.csv"), db=tmp_path / "w.duckdb")
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0
    assert "nope.csv" in missing.stderr and "no such file" in missing.stderr
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    result = rapport("import", str(binary), db=tmp_path / "w.duckdb")
    assert result.returncode == 2 and "photo.csv" in result.stderr and "Traceback" not in result.stderr


def test_rapport_db_environment_variable_sets_the_default(tmp_path):
    export = tmp_path / "Connections.csv"
    export.write_text(LINKEDIN, encoding="utf-8")
    target = tmp_path / "from-env.duckdb"
    done = subprocess.run([sys.executable, "-m", "engine", "import", str(export)], capture_output=True, text=True,
                          env={**os.environ, "RAPPORT_DB": str(target)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert target.exists()
    assert "2 new" in done.stdout


def test_the_cli_works_while_another_process_has_the_dashboard_open(tmp_path):
    """The dashboard keeps no connection open, so a CLI run on the same file succeeds."""
    export = tmp_path / "Connections.csv"
    export.write_text(LINKEDIN, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    code = (f"from engine.store import Store; import time; s = Store({str(db)!r}); print(s.summary(), flush=True); "
            "time.sleep(20)")
    dashboard = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                                 cwd=Path(__file__).parents[1])
    try:
        assert "contacts" in dashboard.stdout.readline()
        result = rapport("import", str(export), "--json", db=db)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["inserted"] == 2
    finally:
        dashboard.kill()
        dashboard.wait()
