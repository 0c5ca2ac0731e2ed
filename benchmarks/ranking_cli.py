"""The labeled set's held-out part through the command line, as the issue's separate held-out set is
measured: its contacts written as a LinkedIn Connections.csv and imported with `rapport import`, the
twelve goals typed with `rapport goals add`, each ranked with `rapport rank --goal ID --json`, and the
rows matched back to the labels by profile URL. NDCG@20 per goal, next to the in-process figure of
``benchmarks.ranking_quality`` (which also reads the set's relationship strengths and past
exchanges, which an export does not carry).

    python -m benchmarks.ranking_cli
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks import labeled_set
from benchmarks.ranking_quality import evaluate
from engine.ranking import ndcg_for_ranking

URL = "https://www.linkedin.com/in/labeled-{}"
FLAGS = (("target_roles", "--roles"), ("seniority", "--seniority"), ("industries", "--industries"),
         ("companies", "--companies"))


def write_export(frame, path: Path) -> None:
    """The contacts as LinkedIn writes Connections.csv: its notes lines first, dates as "01 Jan 2024"."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        file.write('Notes:\n"When exporting your connection data, you may notice that some of the email '
                   'addresses are missing."\n\n')
        out = csv.writer(file)
        out.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for row in frame.itertuples():
            first, _, last = row.full_name.partition(" ")
            out.writerow([first, last, URL.format(row.id), "", row.company or "", row.position,
                          row.connected_on.strftime("%d %b %Y")])


def goal_arguments(goal: dict) -> list[str]:
    """`rapport goals add` flags that type ``goal`` field by field."""
    args = ["--title", goal["title"], "--outcome", goal["outcome"]]
    for key, flag in FLAGS:
        if goal.get(key):
            args += [flag, ",".join(goal[key])]
    return args


def run(part: str = "held-out") -> dict[int, float]:
    """goal id -> NDCG@20 of the command line's ranking on ``part``."""
    frame, goals, labels = labeled_set.load(part)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = str(folder / "labeled.duckdb")
        env = {**os.environ, "RAPPORT_AUTOBACKUP": "0"}

        def rapport(*args: str) -> str:
            done = subprocess.run([sys.executable, "-m", "engine", *args, "--db", db],
                                  capture_output=True, text=True, env=env)
            if done.returncode:
                raise SystemExit(f"rapport {' '.join(args)} failed: {done.stderr.strip()}")
            return done.stdout

        write_export(frame, folder / "Connections.csv")
        rapport("import", str(folder / "Connections.csv"))
        out = {}
        for goal in goals:
            goal_id = json.loads(rapport("goals", "add", "--json", *goal_arguments(goal)))["id"]
            rows = json.loads(rapport("rank", "--goal", str(goal_id), "--top", str(len(frame)), "--json"))
            order = [int(r["profile_url"].rsplit("-", 1)[1]) for r in rows if r.get("profile_url")]
            out[goal["id"]] = ndcg_for_ranking(order, labels[goal["id"]], 20)
    return out


def main() -> None:
    cli, inside = run(), evaluate("held-out")
    titles = {g["id"]: g["title"] for g in labeled_set.GOALS}
    print("held-out part, NDCG@20: through the command line | in process")
    for goal_id, value in cli.items():
        print(f"  {goal_id:2d} {titles[goal_id][:48]:48s} {value:.3f} | {inside[goal_id][20]:.3f}")
    print(f"  mean {' ' * 48}{np.mean(list(cli.values())):.3f} | {np.mean([v[20] for v in inside.values()]):.3f}")


if __name__ == "__main__":
    main()
