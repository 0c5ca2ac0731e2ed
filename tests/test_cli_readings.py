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

    db = _workspace(capsys, tmp_path, ["Ada,One,,,Initech,Security Engineer", "Bo,Two,,,Globex,Accountant",
                                       "Cy,Three,,,Hooli,Nurse"], "--template", "learn", "--area", "cybersecurity")
    assert main(["rank", "--goal", "1", "--top", "3", *db]) == 0
    out = capsys.readouterr().out
    assert "Ada One" in out and "Bo Two" not in out and "Cy Three" not in out, out
    assert "2 more contacts scored 0" in out, out
    assert len(run(capsys, tmp_path, "rank", "--goal", "1", "--top", "3")) == 3


def test_rank_rows_say_who_each_person_is(capsys, tmp_path):
    """The contract of `rapport rank --json`: each row carries the contact's id, first and last name,
    profile URL and e-mail as imported, so that a script can match the people it ranks (it had the
    full name only)."""
    _workspace(capsys, tmp_path, ["Ada,Lovelace,https://www.linkedin.com/in/ada-l,ada@example.com,Initech,"
                                  "Product Manager", "Bo,Two,,,Globex,Accountant"],
               "--template", "referral", "--role", "product manager")
    rows = {row["name"]: row for row in run(capsys, tmp_path, "rank", "--top", "5")}
    ada, bo = rows["Ada Lovelace"], rows["Bo Two"]
    assert (ada["first_name"], ada["last_name"], ada["email"]) == ("Ada", "Lovelace", "ada@example.com")
    assert ada["linkedin_url"] == ada["profile_url"] == "https://www.linkedin.com/in/ada-l"
    assert ada["id"] == ada["contact_id"] and ada["score"] > bo["score"]
    assert bo["email"] is None and bo["profile_url"] is None and bo["first_name"] == "Bo"
    contact = run(capsys, tmp_path, "contacts")["contacts"]
    assert {c["first_name"]: c["profile_url"] for c in contact} == {"Ada": "https://www.linkedin.com/in/ada-l",
                                                                    "Bo": None}


def _workspace(capsys, folder, people: list[str], *goal: str) -> list[str]:
    """A workspace of ``people`` (LinkedIn rows without their date) and one goal; its --db arguments."""
    from engine.cli import main

    csv = folder / "Connections.csv"
    csv.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                   + "".join(f"{person},01 Jan 2024\n" for person in people), encoding="utf-8")
    db = ["--db", str(folder / "w.duckdb")]
    assert main(["import", str(csv), *db]) == 0
    assert main(["goals", "add", *goal, *db]) == 0
    capsys.readouterr()
    return db
