"""``make bench``: every benchmark, one short table (benchmarks/results.md) that the README quotes.

Each figure stands next to a baseline measured in the same run (DuckDB's own read_csv, the bare
TF-IDF transform, a minimal Streamlit app in Chromium), so the ratios mean something on any
machine; the machine is named too. The browser benchmark (``benchmarks.pages_browser``) needs
Debian's chromium; when it cannot run, its row says why and the rest of the table stands.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

from benchmarks import import_bench, import_memory, pages_browser, rank_command, ranking_bench

OUT = Path(__file__).parent / "results.md"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}"


def page_rows(rows: int) -> list[str]:
    """The browser benchmark's rows: click to page finished against a minimal app, and server memory."""
    try:
        pages = pages_browser.run(rows, progress=lambda text: print(text, file=sys.stderr, flush=True))
    except Exception as error:  # no chromium, or a page that raised: say so, keep the other figures
        said = [line.strip() for line in str(error).splitlines() if line.strip()][:2]  # not the traceback
        reason = " ".join(said)[:240].replace("|", "/")
        return [f"| Pages in Chromium (benchmarks/pages_browser.py) | did not run: {reason} | | | |"]
    load, mem = pages["first_load"], pages["memory_mb"]
    lines = [f"| Dashboard first load in Chromium (new server, new session) | {load['rapport']:.2f} s | a minimal "
             f"Streamlit app, same navigation {load['baseline']:.2f} s | {load['ratio']:.1f}x | "
             f"≤ {pages_browser.LOAD_TARGET:.1f}x |"]
    for title in pages_browser.PAGES:
        p = pages["pages"][title]
        lines.append(f"| Click to page finished, {title}: first click / again | {p['rapport_first']:.2f} s / "
                     f"{p['rapport_again']:.2f} s | one 25-row table {p['baseline_first']:.2f} s / "
                     f"{p['baseline_again']:.2f} s | {p['ratio_first']:.1f}x / {p['ratio_again']:.1f}x | "
                     f"≤ {pages_browser.PAGE_TARGET:.1f}x |")
    lines.append(f"| Peak memory, the dashboard's server (VmHWM) | {mem['rapport']:.0f} MB | the minimal app's "
                 f"{mem['baseline']:.0f} MB | {mem['ratio']:.1f}x | ≤ {pages_browser.MEMORY_TARGET_MB} MB |")
    return lines


def main() -> None:
    rows = int(os.environ.get("BENCH_ROWS", "100000"))
    imp = import_bench.run(rows)
    memory = import_memory.run(int(os.environ.get("MEMORY_ROWS", "400000")),
                               progress=lambda text: print(text, file=sys.stderr, flush=True))
    rank = ranking_bench.run(rows)
    command = rank_command.run(rows, rounds=3)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = page_rows(rows)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"Measured {date.today()} on {machine()}, commit {commit}, {rows:,} contacts.",
        "",
        "| What | Time | Baseline (same run) | Ratio | Target |",
        "| --- | --- | --- | --- | --- |",
        f"| `rapport import` as a command, end to end | {imp['cli_subprocess_s']:.2f} s | the "
        f"same `read_csv` as a `python -c` command {imp['duckdb_command_s']:.2f} s | {imp['cli_ratio']:.2f}x "
        f"(medians {imp['cli_median_ratio']:.2f}x) | ≤ 2.0x |",
        f"| `rapport import` of a LinkedIn export, in process | {imp['rapport_import_s']:.2f} s | DuckDB `read_csv` "
        f"into a table {imp['duckdb_read_csv_s']:.2f} s | {imp['ratio']:.2f}x (medians {imp['median_ratio']:.2f}x) | |",
        f"| The same import through the Python reader (files the direct path declines) | "
        f"{imp['python_reader_s']:.2f} s | DuckDB `read_csv` {imp['duckdb_read_csv_s']:.2f} s | "
        f"{imp['python_ratio']:.1f}x | |",
        f"| An export with 1% of rows to reject (the direct path rejects them) | {imp['rejects_s']:.2f} s | "
        f"DuckDB `read_csv` {imp['duckdb_read_csv_s']:.2f} s | {imp['rejects_ratio']:.1f}x | |",
        f"| `rapport rank --top 20 --json`, cold: fits, ranks, keeps the model ({command['goals']} goals) | "
        f"{min(command['cold']):.2f} s | the bare TF-IDF ranking as a command {min(command['base']):.2f} s | "
        f"{min(command['cold']) / min(command['base']):.2f}x (CPU time "
        f"{min(command['cold_cpu']) / min(command['base_cpu']):.2f}x) | ≤ 1.2x |",
        f"| The same command, the model kept on disk | {min(command['warm']):.2f} s | the same TF-IDF command | "
        f"{min(command['warm']) / min(command['base']):.2f}x | |",
        f"| In process, the ranking from the kept model (a restart) | {command['kept']:.2f} s | | | ≤ 0.5 s |",
        f"| In process, re-rank after editing one goal (the first 250 places) | {command['rerank'] * 1000:.0f} ms | "
        f"| | ≤ 100 ms |",
        f"| In process, re-rank after a feedback mark (median of 5) | {command['marks'] * 1000:.0f} ms | | | "
        f"≤ 100 ms |",
        f"| In process, the first feedback mark of a goal (its features built) | {command['first_mark']:.2f} s | | | |",
        f"| Ranking in process, cold: fit + rank of every contact ({rank.get('goals', '?')} goals) | "
        f"{rank['cold']:.2f} s | TF-IDF {rank['tfidf']:.2f} s | {rank['cold'] / rank['tfidf']:.2f}x | ≤ 1.2x |",
        f"| Every contact re-ranked, with reasons, after editing one goal | {rank['rerank'] * 1000:.0f} ms | "
        f"TF-IDF {rank['tfidf']:.2f} s | {rank['rerank'] / rank['tfidf']:.2f}x | |",
    ]
    for page in ranking_bench.PAGES:
        lines.append(f"| Page script run, {page}: first visit / rerun | {rank[page + ':first']:.2f} s / "
                     f"{rank[page]:.2f} s | | | ≤ 1 s |")
    lines += [
        f"| Peak memory, `rapport import` | {imp['cli_peak_mb']:.0f} MB | the `read_csv` command "
        f"{imp['duckdb_command_peak_mb']:.0f} MB | {imp['cli_peak_mb'] / imp['duckdb_command_peak_mb']:.1f}x "
        "| ≤ 600 MB |",
        *import_memory.table_rows(memory),
        f"| Peak memory, this benchmark process (ranking and pages) | {peak:.0f} MB | | | |",
        *pages,
    ]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
