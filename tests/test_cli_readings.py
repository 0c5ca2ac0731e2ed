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
