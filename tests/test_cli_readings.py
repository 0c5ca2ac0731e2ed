"""``rapport rank --json`` and ``rapport contacts --json`` rows carry what the engine read of each
contact: role family, seniority level and industry (inferred or not)."""

from __future__ import annotations

from tests.test_cli_json import run, workspace  # noqa: F401  (the module's workspace fixture)

READ = ("role_family", "seniority", "industry", "industry_inferred")


def test_rank_and_contacts_rows_carry_the_engines_reading(capsys, workspace):  # noqa: F811
    run(capsys, workspace, "demo")
    ranked = run(capsys, workspace, "rank", "--top", "20")
    assert ranked and all(all(k in row for k in READ) for row in ranked)
    assert any(row["role_family"] for row in ranked)
    assert all(row["seniority"] is None or isinstance(row["seniority"], str) for row in ranked)
    contacts = run(capsys, workspace, "contacts", "--limit", "50")["contacts"]
    assert contacts and all(all(k in row for k in READ) for row in contacts)
    engineers = [r for r in contacts if "engineer" in str(r.get("position") or "").lower()
                 and "manager" not in str(r.get("position") or "").lower()]
    assert engineers and all(r["role_family"] in ("engineering", "engineering_leadership", "ml", "engineering_other")
                             for r in engineers)
    assert all(isinstance(r["industry_inferred"], bool) for r in contacts)


def test_rank_as_text_stops_where_nothing_fits(capsys, tmp_path):
    """Read as suggestions, `rapport rank` lists no contact that scored 0 (a probe's cybersecurity
    goal filled its top 10 with three of them, without a reason); it says how many it left out,
    and --json still has every row asked for."""
    from engine.cli import main

    csv = tmp_path / "Connections.csv"
    csv.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                   "Ada,One,,,Initech,Security Engineer,01 Jan 2024\n"
                   "Bo,Two,,,Globex,Accountant,01 Jan 2024\n"
                   "Cy,Three,,,Hooli,Nurse,01 Jan 2024\n", encoding="utf-8")
    db = ["--db", str(tmp_path / "w.duckdb")]
    assert main(["import", str(csv), *db]) == 0
    assert main(["goals", "add", "--template", "learn", "--area", "cybersecurity", *db]) == 0
    capsys.readouterr()
    assert main(["rank", "--goal", "1", "--top", "3", *db]) == 0
    out = capsys.readouterr().out
    assert "Ada One" in out and "Bo Two" not in out and "Cy Three" not in out, out
    assert "2 more contacts scored 0" in out, out
    assert len(run(capsys, tmp_path, "rank", "--goal", "1", "--top", "3")) == 3
