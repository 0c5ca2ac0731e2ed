"""Every ``rapport`` command over a table of bad arguments and bad paths, as a user runs it: a real
process on a real workspace. Each is refused with one line on stderr and exit status 2, without a
traceback, and the workspace (and the folder around it) is left exactly as it was.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from engine.cli import build_parser
from engine.importers.files import import_file
from engine.outreach.messages import workspace_templates
from engine.planning.agenda import follow_up_for
from engine.planning.goal_templates import GOAL_TEMPLATES, goal_from_template
from engine.store import CHANNELS, GOAL_STATUSES, INTERACTION_KINDS, OUTCOMES, Store
from tests.bad_input_support import ROOT, linkedin, linkedin_row

NEXT_YEAR = date.today() + timedelta(days=400)


def rapport(*args: str, db: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """``rapport ARGS --db DB``; a run that does not end within ``timeout`` fails the test (a hang)."""
    return subprocess.run([sys.executable, "-m", "engine", *args, "--db", str(db)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def snapshot(db: Path) -> dict[str, list]:
    """Every row of every table, read straight from the file (read-only)."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        tables = [t for (t,) in conn.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}
    finally:
        conn.close()


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Store:
    """A workspace with contacts, a goal, an event and an interaction, and a folder of bad paths beside it."""
    folder = tmp_path_factory.mktemp("cli-bad")
    store = Store(folder / "w.duckdb")
    seed = folder / "seed.csv"
    seed.write_bytes(linkedin([linkedin_row(i) for i in range(1, 4)]))
    assert import_file(store, seed).inserted == 3
    store.goals.add(goal_from_template("referral", role="Engineer"))
    store.events.add({"title": "Meetup", "starts_at": "2030-01-01T18:00:00"})
    store.interactions.log({"contact_id": 1, "occurred_on": date(2025, 1, 6), "notes": "first"})
    assert workspace_templates(store)  # the starter templates, written on first use as the dashboard writes them
    bad = folder / "bad"
    bad.mkdir()
    os.mkfifo(bad / "pipe")
    (bad / "loop").symlink_to(bad / "loop")
    (bad / "dangling").symlink_to(bad / "nowhere")
    (bad / "a folder").mkdir()
    (bad / "first\nsecond.csv").write_bytes(b"")
    (bad / "notes.txt").write_text("not a workspace\n")
    return store


def bad_arguments(bad: Path) -> list[tuple[str, list[str], str]]:
    """(case, arguments, words the one line must hold)."""
    missing = str(bad / "no-such-folder" / "out.csv")
    folder = str(bad / "a folder")
    cases = []
    for command in (["export", "contacts", "--out"], ["export", "calendar", "--out"], ["export", "interactions",
                                                                                        "--out"],
                    ["review", "--out"], ["rank", "--csv"]):
        name = " ".join(command[:-1])
        cases += [(f"{name}: missing folder", [*command, missing], "does not exist"),
                  (f"{name}: a folder", [*command, folder], "is a folder"),
                  (f"{name}: a device", [*command, "/dev/null"], "not a regular file"),
                  (f"{name}: a pipe", [*command, str(bad / "pipe")], "not a regular file")]
    cases += [
        ("contacts --limit -1", ["contacts", "--limit", "-1"], "--limit"),
        ("contacts --limit 0", ["contacts", "--limit", "0"], "from 1 to 100000"),
        ("contacts --limit huge", ["contacts", "--limit", "99999999999999999999999"], "--limit"),
        ("contacts --limit word", ["contacts", "--limit", "many"], "--limit"),
        ("contacts edit 999", ["contacts", "edit", "999", "--strength", "2"], "no contact with id 999"),
        ("contacts edit nothing", ["contacts", "edit", "1"], "nothing to change"),
        ("contacts edit --strength 9", ["contacts", "edit", "1", "--strength", "9"], "from 0 to 5"),
        ("contacts edit --relationship boss", ["contacts", "edit", "1", "--relationship", "boss"], "--relationship"),
        ("contacts edit --cadence 0", ["contacts", "edit", "1", "--cadence", "0"], "--cadence"),
        ("contacts edit --cadence-max < --cadence", ["contacts", "edit", "1", "--cadence", "30", "--cadence-max", "7"],
         "cannot be shorter"),
        ("goals add --outcome fame", ["goals", "add", "--title", "x", "--outcome", "fame"], "--outcome"),
        ("rank --top 0", ["rank", "--top", "0"], "--top"),
        ("rank --top -5", ["rank", "--top", "-5"], "from 1 to 10000"),
        ("rank --top huge", ["rank", "--top", "10001"], "--top"),
        ("rank --goal 999", ["rank", "--goal", "999"], "no goal with id 999 (see rapport goals list)"),
        ("rank --goal 0", ["rank", "--goal", "0"], "--goal"),
        ("rank --kind people", ["rank", "--kind", "people"], "--kind"),
        ("log --date 9999-12-31", ["log", "--contact", "1", "--date", "9999-12-31"], "out of range"),
        ("log --date next year", ["log", "--contact", "1", "--date", NEXT_YEAR.isoformat()], "out of range"),
        ("log --date 1899", ["log", "--contact", "1", "--date", "1899-12-31"], "out of range"),
        ("log --date 30 Feb", ["log", "--contact", "1", "--date", "2024-02-30"], "YYYY-MM-DD"),
        ("log --follow-up before --date", ["log", "--contact", "1", "--date", "2025-03-10", "--follow-up",
                                           "2025-03-01"], "before"),
        ("log to no contact", ["log", "--contact", "999"], "no contact with id 999"),
        ("log --contact 0", ["log", "--contact", "0"], "--contact"),
        ("log --contact past BIGINT", ["log", "--contact", str(2**63)], "--contact"),
        ("log to no goal", ["log", "--contact", "1", "--goal", "999"], "no goal with id 999"),
        ("log with no template id", ["log", "--contact", "1", "--template", "999"], "no template with id 999"),
        ("log with no template name", ["log", "--contact", "1", "--template", "Nonesuch"], "no template named"),
        ("log at no event", ["log", "--contact", "1", "--event", "999"], "no event with id 999"),
        ("log --channel pigeon", ["log", "--contact", "1", "--channel", "pigeon"], "--channel"),
        ("goals add --target 0", ["goals", "add", "--title", "x", "--target", "0"], "--target"),
        ("goals add --priority 6", ["goals", "add", "--title", "x", "--priority", "6"], "--priority"),
        ("goals add --due 2999", ["goals", "add", "--title", "x", "--due", "2999-01-01"], "out of range"),
        ("goals add --template nope", ["goals", "add", "--template", "nope"], "--template"),
        ("goals add without a title", ["goals", "add"], "a goal needs a title"),
        ("goals add --template mentor without a role", ["goals", "add", "--template", "mentor"], "needs --role"),
        ("goals add --template learn without an area", ["goals", "add", "--template", "learn", "--role", "pm"],
         "needs --area"),
        ("goals edit 999", ["goals", "edit", "999", "--title", "x"], "no goal with id 999"),
        ("goals edit --status nope", ["goals", "edit", "1", "--status", "nope"], "--status"),
        ("goals without a subcommand", ["goals"], "rapport goals needs a command: list, progress, add, edit"),
        ("companies without a subcommand", ["companies"], "needs a command: list, set, gaps"),
        ("review --month 2024-13", ["review", "--month", "2024-13"], "YYYY-MM"),
        ("review --month 1800-01", ["review", "--month", "1800-01"], "out of range"),
        ("export calendar --events 999", ["export", "calendar", "--out", str(bad / "c.ics"), "--events", "999"],
         "no event with id 999"),
        ("export contacts --events", ["export", "contacts", "--out", str(bad / "c.csv"), "--events", "1"],
         "--events"),
        ("demo on a workspace in use", ["demo"], "not empty"),
    ]
    for command in (["import"], ["events", "import"]):
        name = " ".join(command)
        cases += [
            (f"{name} /dev/zero", [*command, "/dev/zero"], "this is a device, not a file"),
            (f"{name} /dev/null", [*command, "/dev/null"], "this is a device, not a file"),
            (f"{name} a named pipe", [*command, str(bad / "pipe")], "named pipe"),
            (f"{name} a folder", [*command, folder], "this is a folder, not a file"),
            (f"{name} a symlink loop", [*command, str(bad / "loop")], "the link points to itself (a symlink loop)"),
            (f"{name} a dangling link", [*command, str(bad / "dangling")], "does not exist"),
            (f"{name} a missing file", [*command, str(bad / "missing.csv")], "no such file"),
            (f"{name} a name with a newline", [*command, str(bad / "first\nsecond.csv")], "first\\nsecond.csv"),
        ]
    return cases


CASES = bad_arguments(Path("/BAD"))


@pytest.mark.parametrize("case", range(len(CASES)), ids=[case for case, _, _ in CASES])
def test_a_bad_argument_is_one_line_exit_2_and_changes_nothing(ws, case):
    bad = ws.path.parent / "bad"
    name, args, words = bad_arguments(bad)[case]
    before, files = snapshot(ws.path), listing(ws.path.parent)
    result = rapport(*args, db=ws.path)
    assert result.returncode == 2, (name, result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert lines[0].startswith("rapport: ") and words in lines[0], lines[0]
    assert result.stdout == ""
    assert snapshot(ws.path) == before
    assert listing(ws.path.parent) == files  # nothing written, not even a temporary file


@pytest.mark.parametrize("db", ["pipe", "a folder", "loop", "notes.txt", "/dev/null"])
def test_a_workspace_that_cannot_be_one_is_refused_before_duckdb_opens_it(ws, db):
    """A named pipe would block DuckDB forever; a text file would open as an empty in-memory database."""
    bad = ws.path.parent / "bad"
    before = listing(bad)
    result = rapport("contacts", db=bad / db, timeout=30)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "--db" in result.stderr and "Traceback" not in result.stderr
    assert listing(bad) == before and (bad / "notes.txt").read_text() == "not a workspace\n"
    from_env = subprocess.run([sys.executable, "-m", "engine", "contacts"], capture_output=True, text=True,
                              timeout=30, cwd=ROOT, env={**os.environ, "RAPPORT_DB": str(bad / db)})
    assert from_env.returncode == 2 and len(from_env.stderr.splitlines()) == 1, from_env.stderr


def test_the_same_commands_with_good_arguments_work(ws, tmp_path):
    """The refusals above are refusals of the values, not of the commands."""
    out = tmp_path / "contacts.csv"
    out.write_text("old")
    assert rapport("export", "contacts", "--out", str(out), db=ws.path).returncode == 0
    assert out.read_text(encoding="utf-8-sig").startswith("id,")  # replaced whole
    assert listing(tmp_path) == ["contacts.csv"]  # no temporary file left beside it
    assert rapport("contacts", "--limit", "1", db=ws.path).stdout.count("\n") == 3  # header, a row, the count
    ranked = rapport("rank", "--top", "2", "--goal", "1", "--json", db=ws.path)
    assert ranked.returncode == 0 and len(json.loads(ranked.stdout)) == 2


def test_a_logged_outreach_gets_the_engines_follow_up(tmp_path):
    store = Store(tmp_path / "w.duckdb")
    seed = tmp_path / "seed.csv"
    seed.write_bytes(linkedin([linkedin_row(1)]))
    import_file(store, seed)
    day = date(2025, 3, 3)
    for kind, channel, outcome in (("outreach", "phone", None), ("outreach", "linkedin_message", "no_response"),
                                   ("outreach", "email", "replied"), ("meeting", "in_person", None)):
        extra = ["--outcome", outcome] if outcome else []
        done = rapport("log", "--contact", "1", "--kind", kind, "--channel", channel, "--date", day.isoformat(),
                       *extra, "--json", db=store.path)
        assert done.returncode == 0, done.stderr
        expected = follow_up_for(kind, channel, day, outcome)
        assert json.loads(done.stdout)["follow_up_on"] == (expected.isoformat() if expected else None)
    assert follow_up_for("outreach", "phone", day) == date(2025, 3, 6)
    assert follow_up_for("meeting", "in_person", day) is None


# -- the parser itself ----------------------------------------------------------------------------------------------
def _commands(parser, path=()) -> list[tuple[tuple[str, ...], object]]:
    """(words, parser) for every command and subcommand."""
    found = []
    for action in parser._actions:
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            for name, sub in action.choices.items():
                found.append(((*path, name), sub))
                found += _commands(sub, (*path, name))
    return found


def _option(parser, flag: str):
    return next(a for a in parser._actions if flag in a.option_strings or a.dest == flag)


def test_every_command_has_examples_in_its_help_and_they_parse(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # the examples' output files go to the current folder, which exists
    parser = build_parser()
    commands = _commands(parser)
    assert len(commands) >= 14
    for words, sub in [((), parser), *commands]:
        text = sub.format_help()
        assert "Examples:" in text, words
        examples = [line.strip() for line in text.split("Examples:", 1)[1].splitlines() if line.strip()]
        assert 1 <= len(examples) <= 3, (words, examples)
        for example in examples:
            assert example.startswith(" ".join(("rapport", *words))), (words, example)
            parser.parse_args(shlex.split(example)[1:])  # a real example: it parses (SystemExit otherwise)
    assert capsys.readouterr().err == ""


def test_each_subcommand_has_its_own_function():
    commands = [(words, sub) for words, sub in _commands(build_parser()) if sub.get_default("func")]
    functions = [sub.get_default("func") for _, sub in commands]
    assert len(set(functions)) == len(functions)
    assert {words for words, _ in commands} >= {("goals", "add"), ("goals", "list"), ("goals", "edit"),
                                                ("events", "import"), ("events", "list")}


def test_the_choices_are_the_engines():
    commands = dict(_commands(build_parser()))
    assert tuple(_option(commands["goals", "add"], "--template").choices) == tuple(GOAL_TEMPLATES)
    assert tuple(_option(commands["goals", "edit"], "--status").choices) == GOAL_STATUSES
    log = commands["log",]
    assert tuple(_option(log, "--channel").choices) == CHANNELS
    assert tuple(_option(log, "--kind").choices) == INTERACTION_KINDS
    assert tuple(_option(log, "--outcome").choices) == OUTCOMES


def test_a_usage_error_is_one_line():
    result = subprocess.run([sys.executable, "-m", "engine", "contacts", "--no-such-option"], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["rapport: error: unrecognized arguments: --no-such-option"]
