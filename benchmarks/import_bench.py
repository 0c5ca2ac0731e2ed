"""``rapport import`` of a 100,000-row LinkedIn export against DuckDB's own read_csv of the same file.

Run: ``python -m benchmarks.import_bench [--rows N]``. Both run in this process on fresh database
files; the CLI is also timed as a subprocess (what a user waits for, interpreter start included).
Peak memory is the child process's max RSS.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.generate import linkedin_export
from engine.importing import import_file
from engine.store import Store


def _best(fn, repeat: int = 3) -> float:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return min(times)


def run(rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv_path = linkedin_export(tmp / "Connections.csv", rows)

        def baseline(i):
            conn = duckdb.connect(str(tmp / f"baseline{i}.duckdb"))
            conn.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, skip=3, header=true)", [str(csv_path)])
            conn.close()

        def rapport(i):
            report = import_file(Store(tmp / f"rapport{i}.duckdb"), csv_path)
            assert report.inserted > rows * 0.9, report

        base = _best(baseline)
        ours = _best(rapport)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "engine", "import", str(csv_path), "--db",
                               str(tmp / "cli.duckdb"), "--json"], capture_output=True, text=True)
        cli = time.perf_counter() - start
        assert done.returncode == 0, done.stderr
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {"rows": rows, "duckdb_read_csv_s": base, "rapport_import_s": ours, "ratio": ours / base,
                "cli_subprocess_s": cli, "cli_ratio": cli / base, "cli_peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    result = run(parser.parse_args().rows)
    print(f"import of {result['rows']:,} LinkedIn rows")
    print(f"  DuckDB read_csv into a table : {result['duckdb_read_csv_s']:.3f} s (baseline)")
    print(f"  rapport import (in process)  : {result['rapport_import_s']:.3f} s  = {result['ratio']:.2f}x "
          "(target <= 2.0x)")
    print(f"  rapport import CLI (process) : {result['cli_subprocess_s']:.3f} s  = {result['cli_ratio']:.2f}x "
          "(includes interpreter start)")
    print(f"  CLI peak memory (max RSS)    : {result['cli_peak_mb']:.0f} MB (target <= 600 MB)")


if __name__ == "__main__":
    main()
