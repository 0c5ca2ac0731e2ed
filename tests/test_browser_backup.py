"""Restoring backups on the Settings page in a real browser: every hostile zip is refused in one line, writes
nothing anywhere and leaves the workspace as it was; a genuine backup restores the whole workspace.

The dashboard runs as ``streamlit run`` on its own workspace file; the file is only read back once the server
has stopped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.backup_support import PWNED, REASONS, demo_store, hostile_backup, legacy_backup, table_rows
from tests.browser import goto
from tests.browser_runs import prepare_page, rerun_done, runs_started
from tests.faults_support import digest

pytestmark = pytest.mark.browser


@pytest.fixture
def backups(tmp_path) -> dict:
    """The demo workspace (checkpointed and closed), its backup and the backup the previous version wrote."""
    db = tmp_path / "source.duckdb"
    store = demo_store(db)
    store.templates.all()  # the starter templates are written on first use
    return {"db": db, "backup": store.backup_zip(), "legacy": legacy_backup(db), "rows": table_rows(db)}


def restore_on_settings(page, name: str, data: bytes) -> None:
    """Upload ``data`` as the backup zip ``name`` and press 'Restore this backup'; returns once that run is done."""
    before = runs_started(page)
    page.locator("input[type=file]").set_input_files({"name": name, "mimeType": "application/zip", "buffer": data})
    rerun_done(page, before)
    button = page.get_by_role("button", name="Restore this backup")
    expect(button).to_be_visible()
    before = runs_started(page)
    button.click()
    rerun_done(page, before)


def test_each_hostile_backup_is_refused_on_the_settings_page_in_one_line_and_changes_nothing(
        dashboard, page, tmp_path, backups):
    db = tmp_path / "workspace.duckdb"
    shutil.copyfile(backups["db"], db)
    outside = tmp_path / "outside"
    outside.mkdir()
    files_before, workspace_before = sorted(p.name for p in tmp_path.iterdir()), digest(db)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    app = dashboard(db)
    prepare_page(page)
    goto(page, app, "settings", "Settings")
    shown = {}
    for case, reason in REASONS.items():
        restore_on_settings(page, f"{case.replace(' ', '-').replace('/', '')}.zip",
                            hostile_backup(case, backups["backup"], backups["legacy"], outside))
        error = page.get_by_test_id("stAlertContentError")
        expect(error).to_have_count(1)
        shown[case] = error.get_by_test_id("stMarkdownContainer").inner_text().strip()  # not the icon
        assert reason in shown[case], f"{case}: the page said {shown[case]!r}"
        assert len(shown[case].splitlines()) == 1, f"{case}: not one line: {shown[case]!r}"
        expect(page.get_by_test_id("stAlertContentSuccess")).to_have_count(0)
        assert list(outside.iterdir()) == [], f"{case} wrote {list(outside.iterdir())}"
        assert page.locator("[data-testid=stAlertContentError] img, [data-testid=stAlertContentError] a").count() == 0
    app.stop()

    assert dialogs == []
    assert not Path("/tmp", PWNED).exists()
    assert digest(db) == workspace_before, "a refused backup changed the workspace file"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*files_before, "streamlit-0.log"]), \
        "a refused backup left a file next to the workspace"
    assert "passwd" not in table_rows(db)


def test_a_genuine_backup_restores_the_whole_workspace_through_the_settings_page(dashboard, page, tmp_path, backups):
    app = dashboard()  # a fresh, empty workspace
    prepare_page(page)
    goto(page, app, "settings", "Settings")
    restore_on_settings(page, "rapport-backup.zip", backups["backup"])
    contacts = len(backups["rows"]["contacts"])
    expect(page.get_by_test_id("stAlertContentSuccess")).to_have_text(
        f"Restored: {contacts:,} contacts, {len(backups['rows']['goals'])} goals, "
        f"{len(backups['rows']['interactions']):,} interactions.")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    app.stop()

    restored = table_rows(app.db)
    for table, rows in backups["rows"].items():
        if table != "meta":
            assert restored[table] == rows, f"table {table} differs after the restore"
    assert app.db.with_name(app.db.name + ".before-restore").exists()
