"""The shape of the code, kept by tests: each rule is read from the source, not from memory.

- ``engine/`` never imports Streamlit (it is importable and testable without it);
- SQL is written only in ``engine/store/`` (the one place that talks to DuckDB);
- a word of the method (a channel, an outcome, a status...) is defined once, in ``engine.vocabulary``;
- "today" and "now" come from ``engine.clock`` only, so the time-zone setting holds everywhere;
- user-fixable errors are ``RapportError``s, and the front ends catch nothing broader.

Each rule's checker is also run on a small bad example, so a checker that can never fail fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from engine import vocabulary

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "engine"
UI_FILES = [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py"))]
ENGINE_FILES = sorted(ENGINE.rglob("*.py"))
STORE = ENGINE / "store"

SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
                 r"|CREATE\s+(TABLE|INDEX|SEQUENCE|VIEW)|ALTER\s+TABLE|DROP\s+TABLE|COPY\s*\(|ATTACH\s|PRAGMA\s)", re.S)
NOW_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow")}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


# -- the checkers ------------------------------------------------------------------------------------------
def streamlit_imports(tree: ast.Module) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "streamlit" for a in node.names):
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit":
            lines.append(node.lineno)
    return lines


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def sql_strings(tree: ast.Module) -> list[int]:
    """Lines of string constants (and f-strings) that read as SQL statements, docstrings aside."""
    docs = _docstrings(tree)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        else:
            continue
        if SQL.search(text) and not text.lstrip().startswith(("#", "--")):
            lines.append(node.lineno)
    return lines


def execute_calls(tree: ast.Module) -> list[int]:
    """Lines calling ``.execute``/``.sql``/``.query`` on something: a database call."""
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr in {"execute", "executemany", "sql"}]


def clock_calls(tree: ast.Module) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) in NOW_CALLS]


def _vocabulary_values() -> dict[tuple, str]:
    values = {}
    for name in dir(vocabulary):
        value = getattr(vocabulary, name)
        if name.isupper() and isinstance(value, (tuple, dict)):
            values[tuple(sorted(value))] = name
    return values


def vocabulary_copies(tree: ast.Module) -> list[tuple[int, str]]:
    """Module-level names the vocabulary defines, or literal collections holding the same words."""
    words = _vocabulary_values()
    names = {name for name in dir(vocabulary) if name.isupper()} | {"as_date", "as_text"}
    found = []
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            found.append((node.lineno, node.name))
            continue
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in names:
                found.append((node.lineno, target.id))
        if isinstance(value, ast.Call) and getattr(value.func, "id", "") in {"frozenset", "set", "tuple"} \
                and value.args:
            value = value.args[0]
        literal = None
        if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
            literal = [e.value for e in value.elts if isinstance(e, ast.Constant)]
        elif isinstance(value, ast.Dict) and any(re.search("LABEL|NAME", getattr(t, "id", "")) for t in targets):
            literal = [k.value for k in value.keys if isinstance(k, ast.Constant)]  # labels, not data keyed by words
        if literal and len(literal) >= 3 and tuple(sorted(literal)) in words:
            found.append((node.lineno, f"a copy of vocabulary.{words[tuple(sorted(literal))]}"))
    return found


# -- each checker catches what it is for ------------------------------------------------------------------
@pytest.mark.parametrize("checker, bad", [
    (streamlit_imports, "import streamlit as st\n"),
    (streamlit_imports, "from streamlit.testing.v1 import AppTest\n"),
    (sql_strings, "q = 'SELECT id FROM contacts WHERE id = ?'\n"),
    (sql_strings, "q = f'DELETE FROM {table} WHERE id = ?'\n"),
    (execute_calls, "conn.execute(q, [1])\n"),
    (clock_calls, "from datetime import date\nx = date.today()\n"),
    (clock_calls, "from datetime import datetime\nx = datetime.now()\n"),
    (vocabulary_copies, "REPLY = ('replied', 'meeting', 'referral', 'opportunity')\n"),
    (vocabulary_copies, "CHANNELS = ('a', 'b')\n"),
    (vocabulary_copies, "CHANNEL_NAMES = {'email': 'Mail', 'linkedin_message': 'DM', 'linkedin_connection': 'Invite', "
                        "'phone': 'Call', 'video_call': 'Video', 'in_person': 'Met', 'other': 'Else'}\n"),
    (vocabulary_copies, "def as_date(v):\n    return v\n"),
])
def test_each_checker_finds_what_it_is_for(checker, bad):
    assert checker(ast.parse(bad))


def test_the_checkers_leave_ordinary_code_alone():
    fine = ast.parse('"""Select the best contacts from the network."""\nfrom engine.clock import workspace_today\n'
                     "words = ('select', 'from')\nx = workspace_today(store)\n")
    assert not sql_strings(fine) and not clock_calls(fine) and not vocabulary_copies(fine)


# -- the rules on the code --------------------------------------------------------------------------------
def test_the_engine_never_imports_streamlit():
    found = {_name(p): streamlit_imports(_tree(p)) for p in ENGINE_FILES}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_sql_is_written_only_in_the_store():
    outside = [p for p in ENGINE_FILES + UI_FILES if STORE not in p.parents]
    found = {_name(p): sql_strings(_tree(p)) + execute_calls(_tree(p)) for p in outside}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_ui_holds_no_sql_and_no_scoring_imports():
    for path in UI_FILES:
        tree = _tree(path)
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not {m for m in modules if m and (m.startswith("duckdb") or m.startswith("sklearn"))}, _name(path)
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import) and
                    any(a.name.split(".")[0] in {"duckdb", "sklearn"} for a in n.names)], _name(path)


def test_each_word_of_the_method_is_defined_once_in_the_vocabulary():
    others = [p for p in ENGINE_FILES + UI_FILES if p != ENGINE / "vocabulary.py"]
    found = {_name(p): vocabulary_copies(_tree(p)) for p in others}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_today_and_now_come_from_the_clock_only():
    others = [p for p in ENGINE_FILES + UI_FILES if p != ENGINE / "clock.py"]
    found = {_name(p): clock_calls(_tree(p)) for p in others}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_user_fixable_errors_are_one_family_that_the_front_ends_catch_whole():
    from engine.errors import FileError, NotFound, RapportError, UserError
    from engine.records import ImportFileError
    from engine.store import StoreDamaged, StoreError, StoreLocked

    for error in (UserError, NotFound, FileError, ImportFileError, StoreError, StoreLocked, StoreDamaged):
        assert issubclass(error, RapportError)
    assert str(NotFound("no goal with id 9")) == "no goal with id 9"  # not KeyError's quoted repr
    broad = []
    for path in [*UI_FILES, *sorted((ENGINE / "cli").glob("*.py"))]:
        tree = _tree(path)
        boundary = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name == "error_boundary"
                    for n in ast.walk(f)}  # the one place that catches a bug, to show it as one
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None and id(node) not in boundary:
                caught = [node.type] if not isinstance(node.type, ast.Tuple) else node.type.elts
                names = {getattr(c, "id", getattr(c, "attr", "")) for c in caught}
                if names & {"KeyError", "Exception", "BaseException"}:
                    broad.append(f"{_name(path)}:{node.lineno}")
    assert broad == []
