"""``rapport import`` of a 100,000-row LinkedIn export against DuckDB's own read_csv of the same file.

Run: ``python -m benchmarks.import_bench [--rows N]``. Every figure has its baseline measured in
the same run, the same way:

- in process: ``import_file`` on a fresh workspace against ``CREATE TABLE ... AS SELECT * FROM
  read_csv(...)`` on a fresh database file (connect and close included in both), best of three;
- as commands: ``rapport import FILE`` (the installed console script) against a ``python -c``
  that does exactly that baseline, both paying interpreter start and ``import duckdb``, run in
  turn, best of five;
- the same import forced through the Python reader (what a file the direct path declines costs);
- an export with 1% of rows to reject (no name, e-mail or URL; a date that does not exist), which
  the direct path rejects itself.

Peak memory is the command's max RSS.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.generate import linkedin_export
from engine.importing import import_file, parse_file, read_file, save_parsed
from engine.store import Store

_BASELINE = "CREATE TABLE t AS SELECT * FROM read_csv(?, skip=3, header=true)"
_COMMAND_RUNS = 5  # a command's time varies more from run to run than a call's
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


def _best(fn, repeat: int = 3) -> float:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return min(times)


def _command(args: list[str]) -> tuple[float, float]:
    """(seconds, peak memory in MB) of one command, its own max RSS (not the largest of all children)."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    assert os.waitstatus_to_exitcode(status) == 0, process.stderr.read()
    process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


def run(rows: int) -> dict[str, float]:
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

        base = _best(baseline)
        rejects = _best(rejecting)
        ours = _best(rapport)
        python = _best(python_reader)
        _compile_engine()
        baseline_cmd = [sys.executable, "-c", "import sys, duckdb; conn = duckdb.connect(sys.argv[2]); "
                        f"conn.execute({_BASELINE!r}, [sys.argv[1]]); conn.close()", str(csv_path)]
        # Alternated, so that whatever else the machine does at a moment weighs on both alike.
        base_runs, runs = [], []
        for i in range(_COMMAND_RUNS):
            base_runs.append(_command([*baseline_cmd, str(tmp / f"baseline-cmd{i}.duckdb")])[0])
            runs.append(_command([*_RAPPORT, "import", str(csv_path), "--db", str(tmp / f"cli{i}.duckdb"), "--json"]))
        base_cmd = min(base_runs)
        cli, peak_mb = min(t for t, _ in runs), max(m for _, m in runs)
        return {"rows": rows, "duckdb_read_csv_s": base, "rapport_import_s": ours, "ratio": ours / base,
                "python_reader_s": python, "python_ratio": python / base,
                "rejects_s": rejects, "rejects_ratio": rejects / base,
                "duckdb_command_s": base_cmd, "cli_subprocess_s": cli, "cli_ratio": cli / base_cmd,
                "cli_peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    result = run(parser.parse_args().rows)
    print(f"import of {result['rows']:,} LinkedIn rows (best of 3 calls, 5 commands; target <= 2.0x)")
    print(f"  in process: DuckDB read_csv into a table {result['duckdb_read_csv_s']:.3f} s, "
          f"rapport import {result['rapport_import_s']:.3f} s = {result['ratio']:.2f}x")
    print(f"  in process, forced through the Python reader: {result['python_reader_s']:.3f} s = "
          f"{result['python_ratio']:.2f}x")
    print(f"  in process, an export with 1% of rows to reject: {result['rejects_s']:.3f} s = "
          f"{result['rejects_ratio']:.2f}x")
    print(f"  as commands: python -c <the same read_csv> {result['duckdb_command_s']:.3f} s, "
          f"rapport import {result['cli_subprocess_s']:.3f} s = {result['cli_ratio']:.2f}x")
    print(f"  command peak memory (max RSS): {result['cli_peak_mb']:.0f} MB (target <= 600 MB)")


if __name__ == "__main__":
    main()
