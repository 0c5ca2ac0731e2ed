"""``rapport import`` of a 100,000-row LinkedIn export against DuckDB's own read_csv of the same file.

Run: ``python -m benchmarks.import_bench [--rows N]``. Every figure has its baseline measured in
the same run, the same way:

- in process: ``import_file`` on a fresh workspace against ``CREATE TABLE ... AS SELECT * FROM
  read_csv(...)`` on a fresh database file (connect and close included in both), run in turn,
  best and median of five;
- as commands: ``rapport import FILE`` (the installed console script) against a ``python -c``
  that does exactly that baseline, both paying interpreter start and ``import duckdb``, run in
  turn, best and median of seven (a command varies more from run to run than a call);
- the same import forced through the Python reader (what a file the direct path declines costs);
- an export with 1% of rows to reject (no name, e-mail or URL; a date that does not exist), which
  the direct path rejects itself.

Peak memory is the command's max RSS, and the baseline command's beside it. Each is read by a
small Python launcher as its child's RUSAGE_CHILDREN: a child forked straight from this process
would report this process's own RSS (a fork starts with the parent's pages), which had the
command at 450-480 MB when it never used more than 170 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.generate import linkedin_export
from engine.importers.files import import_file, parse_file, read_file, save_parsed
from engine.store import Store

# The quoting spelled out: DuckDB's sniffer (2.0), given a sample without a doubled quote, may guess
# no escape character and then refuse the row that has one ("senior auditor""Departmental ...").
_BASELINE = "CREATE TABLE t AS SELECT * FROM read_csv(?, skip=3, header=true, quote='\"', escape='\"')"
_CALL_RUNS = 5
_COMMAND_RUNS = 7  # a command's time varies more from run to run than a call's
# Runs a command and prints the largest RSS of its process: its own fork starts from this small one.
_LAUNCHER = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
# ``rapport`` as installed (the console script next to this interpreter), else ``python -m engine``.
_SCRIPT = Path(sys.executable).with_name("rapport")
_RAPPORT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "engine"]


def _compile_engine() -> None:
    """Leave Rapport's modules compiled, as pip leaves an installed package (duckdb's came so).

    Python writes the bytecode on a first import, unless PYTHONDONTWRITEBYTECODE is set, as it is
    on some machines (this one): then every run of the command would compile Rapport's modules
    from source (about 0.03 s) while the baseline's ``import duckdb`` loads compiled ones.
    """
    import compileall

    import engine

    compileall.compile_dir(str(Path(engine.__file__).parent), quiet=1)


def _timed(fn, i: int) -> float:
    start = time.perf_counter()
    fn(i)
    return time.perf_counter() - start


def _in_turn(baseline, ours, runs: int) -> tuple[list[float], list[float]]:
    """Each run times the baseline and then ours, so that whatever else the machine does at a
    moment weighs on both alike."""
    base, mine = [], []
    for i in range(runs):
        base.append(_timed(baseline, i))
        mine.append(_timed(ours, i))
    return base, mine


def _command(args: list[str]) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def baseline_command(csv_path: Path) -> list[str]:
    """The baseline as a command: ``python -c`` reading ``csv_path`` into a table of the database
    file given as its last argument."""
    return [sys.executable, "-c", "import sys, duckdb; conn = duckdb.connect(sys.argv[2]); "
            f"conn.execute({_BASELINE!r}, [sys.argv[1]]); conn.close()", str(csv_path)]


def _peak_mb(args: list[str]) -> float:
    """The largest resident memory of the command's own process, in MB (see the module's docstring)."""
    out = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024


def run(rows: int) -> dict[str, float]:
    # Every run imports into a new file, which would make that file's automatic copy of the day: a cost
    # paid once a day per workspace, not per import (benchmarks/health_bench.py measures it).
    os.environ["RAPPORT_AUTOBACKUP"] = "0"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv_path = linkedin_export(tmp / "Connections.csv", rows)
        with_rejects = linkedin_export(tmp / "WithRejects.csv", rows, rejects=0.01)

        def baseline(i):
            conn = duckdb.connect(str(tmp / f"baseline{i}.duckdb"))
            conn.execute(_BASELINE, [str(csv_path)])
            conn.close()

        def rapport(i):
            report = import_file(Store(tmp / f"rapport{i}.duckdb"), csv_path)
            assert report.inserted > rows * 0.9, report

        def python_reader(i):
            store = Store(tmp / f"python{i}.duckdb")
            report = save_parsed(store, parse_file(read_file(csv_path), csv_path.name, store=store))
            assert report.inserted > rows * 0.9, report

        def rejecting(i):
            report = import_file(Store(tmp / f"rejects{i}.duckdb"), with_rejects)
            assert report.rejected > rows * 0.005, report

        def best(fn) -> float:
            return min(_timed(fn, i) for i in range(3))

        rejects, python = best(rejecting), best(python_reader)
        bases, ours = _in_turn(baseline, rapport, _CALL_RUNS)
        _compile_engine()
        baseline_cmd = baseline_command(csv_path)

        def base_command(i):
            _command([*baseline_cmd, str(tmp / f"baseline-cmd{i}.duckdb")])

        def rapport_command(i):
            _command([*_RAPPORT, "import", str(csv_path), "--db", str(tmp / f"cli{i}.duckdb"), "--json"])

        base_cmds, cmds = _in_turn(base_command, rapport_command, _COMMAND_RUNS)
        peak_mb = _peak_mb([*_RAPPORT, "import", str(csv_path), "--db", str(tmp / "peak.duckdb"), "--json"])
        base_peak_mb = _peak_mb([*baseline_cmd, str(tmp / "baseline-peak.duckdb")])
        base, base_cmd, cli = min(bases), min(base_cmds), min(cmds)
        return {"rows": rows, "duckdb_read_csv_s": base, "rapport_import_s": min(ours), "ratio": min(ours) / base,
                "median_ratio": statistics.median(ours) / statistics.median(bases),
                "python_reader_s": python, "python_ratio": python / base,
                "rejects_s": rejects, "rejects_ratio": rejects / base,
                "duckdb_command_s": base_cmd, "cli_subprocess_s": cli, "cli_ratio": cli / base_cmd,
                "cli_median_ratio": statistics.median(cmds) / statistics.median(base_cmds),
                "cli_peak_mb": peak_mb, "duckdb_command_peak_mb": base_peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    result = run(parser.parse_args().rows)
    print(f"import of {result['rows']:,} LinkedIn rows (best of {_CALL_RUNS} calls, {_COMMAND_RUNS} commands; "
          "target <= 2.0x)")
    print(f"  in process: DuckDB read_csv into a table {result['duckdb_read_csv_s']:.3f} s, "
          f"rapport import {result['rapport_import_s']:.3f} s = {result['ratio']:.2f}x "
          f"(medians: {result['median_ratio']:.2f}x)")
    print(f"  in process, forced through the Python reader: {result['python_reader_s']:.3f} s = "
          f"{result['python_ratio']:.2f}x")
    print(f"  in process, an export with 1% of rows to reject: {result['rejects_s']:.3f} s = "
          f"{result['rejects_ratio']:.2f}x")
    print(f"  as commands: python -c <the same read_csv> {result['duckdb_command_s']:.3f} s, "
          f"rapport import {result['cli_subprocess_s']:.3f} s = {result['cli_ratio']:.2f}x "
          f"(medians: {result['cli_median_ratio']:.2f}x)")
    print(f"  command peak memory (max RSS): {result['cli_peak_mb']:.0f} MB, the read_csv command "
          f"{result['duckdb_command_peak_mb']:.0f} MB (target <= 600 MB)")


if __name__ == "__main__":
    main()
