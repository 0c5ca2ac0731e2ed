"""A LinkedIn data archive uploaded on the Import page, in a real browser: the history shows at once.

Before the upload, the workspace knows its contacts (Connections.csv, imported by the CLI) but no
history: Jane, whose keep-in-touch cadence is a week, has not been in touch since she connected.
After uploading the ZIP LinkedIn sends (generated here for invented people, its messages dated in
the last three weeks), Today counts her days since contact from her last message, her timeline on
the Contacts page lists the conversation, and Review counts the interactions of the last 30 days.
The workspace is read back only once the server has stopped.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from engine.planning.agenda import agenda
from engine.store import Store
from tests.archive_support import (
    JANE,
    NOOR,
    OWNER,
    SAM,
    ZED,
    Msg,
    archive_zip,
    connections_csv,
    messages_csv,
    profile_csv,
)
from tests.browser import goto, metric_value, rapport_cli, search_contacts, select_first_row, table, table_csv
from tests.browser_runs import prepare_page

pytestmark = pytest.mark.browser


def recent_messages(now: datetime) -> list[Msg]:
    """Six messages with contacts in the last three weeks: Jane's conversation (she answered), Sam's, Noor's."""
    day = timedelta(days=1)
    return [
        Msg("c-jane", OWNER, [JANE], now - 20 * day, content="Hi Jane, coffee soon?"),
        Msg("c-jane", JANE, [OWNER], now - 18 * day, content="Gladly, Thursday?"),
        Msg("c-jane", OWNER, [JANE], now - 17 * day, content="Thursday it is."),
        Msg("c-sam", SAM, [OWNER], now - 15 * day, content="Saw your talk"),
        Msg("c-sam", OWNER, [SAM], now - 14 * day, content="Thank you!"),
        Msg("c-noor", OWNER, [NOOR], now - 13 * day, content="Hello Noor"),
    ]


def test_upload_the_archive_then_today_the_timeline_and_review_show_the_history(dashboard, page, tmp_path):
    db = tmp_path / "w.duckdb"
    connections = tmp_path / "Connections.csv"
    connections.write_bytes(connections_csv([JANE, SAM, NOOR], connected_on="08 Jan 2020"))
    assert rapport_cli("import", str(connections), db=db).returncode == 0
    store = Store(db)
    jane_id = next(c["id"] for c in store.contacts.export().to_dict("records") if c["full_name"] == JANE[0])
    store.contacts.update(jane_id, cadence_days=7)
    before = agenda(store).losing_touch.set_index("full_name")
    assert before.loc[JANE[0], "days_since"] > 1000  # nothing since she connected in 2020
    del store
    now = datetime.now(UTC).replace(microsecond=0)
    archive = archive_zip(tmp_path / "Basic_LinkedInDataExport_01-01-2026.zip", {
        "Connections.csv": connections_csv([JANE, SAM, NOOR], connected_on="08 Jan 2020"),
        "messages.csv": messages_csv("2025", recent_messages(now)), "Profile.csv": profile_csv()})

    app = dashboard(db)
    prepare_page(page)
    goto(page, app, "imports", "Import")
    page.locator("input[type=file]").set_input_files(
        {"name": archive.name, "mimeType": "application/zip", "buffer": archive.read_bytes()})
    expect(page.get_by_text(re.compile(r"Detected:\s*LinkedIn data archive"))).to_be_visible()
    page.get_by_role("button", name="Import the archive").click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Interactions added")).to_contain_text("6")
    assert metric_value(page, "Messages read") == "6"
    assert metric_value(page, "People matched") == "3"

    # Today: Jane is still due (a week's cadence), but counted from her last message, not from 2020.
    goto(page, app, "today", "Today")
    expect(page.get_by_role("heading", name="Losing touch")).to_be_visible()
    rows = {row["full_name"]: row for row in table_csv(page, table(page, 0))}  # nothing else is due: no follow-ups
    assert JANE[0] in rows, rows
    shown_days = int(rows[JANE[0]]["days_since"])
    assert 17 <= shown_days <= 18, rows[JANE[0]]  # her last message, 17 days ago (18 across midnight in UTC)

    # Contacts: Jane's timeline holds her conversation, newest first.
    goto(page, app, "contacts", "Contacts")
    search_contacts(page, "Jane")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()
    select_first_row(page, table(page), page.get_by_role("heading", name=JANE[0], exact=True))
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    timeline = table_csv(page, table(page, 1))
    assert [(row["kind"], row["channel"]) for row in timeline] == [
        ("Outreach (I wrote)", "LinkedIn message"), ("They wrote", "LinkedIn message"),
        ("Outreach (I wrote)", "LinkedIn message")]
    assert timeline[-1]["outcome"] == "Replied"  # she answered within the reply window

    # Review: the last 30 days hold the six interactions, one of them a reply.
    goto(page, app, "review", "Review")
    expect(page.get_by_test_id("stMetric").filter(has_text="Interactions")).to_contain_text("6")
    assert metric_value(page, "Interactions") == "6"
    page.screenshot(path=str(tmp_path / "archive-journey.png"), full_page=True)
    assert (tmp_path / "archive-journey.png").stat().st_size > 10_000

    app.stop()
    after = Store(db)
    assert len(after.interactions.frame()) == 6
    assert agenda(after).losing_touch.set_index("full_name").loc[JANE[0], "days_since"] == shown_days


def test_people_written_with_who_are_not_contacts_are_added_from_the_import_page(dashboard, page, tmp_path):
    """Zed wrote and was answered but is no contact: one click adds him, with his two messages."""
    db = tmp_path / "w.duckdb"
    now = datetime.now(UTC).replace(microsecond=0)
    day = timedelta(days=1)
    msgs = recent_messages(now) + [Msg("c-zed", ZED, [OWNER], now - 9 * day, content="Hello from Zed"),
                                   Msg("c-zed", OWNER, [ZED], now - 8 * day, content="Hi Zed")]
    archive = archive_zip(tmp_path / "Basic_LinkedInDataExport_02-01-2026.zip", {
        "Connections.csv": connections_csv([JANE, SAM, NOOR]), "messages.csv": messages_csv("2025", msgs),
        "Profile.csv": profile_csv()})
    app = dashboard(db)
    prepare_page(page)
    goto(page, app, "imports", "Import")
    page.locator("input[type=file]").set_input_files(
        {"name": archive.name, "mimeType": "application/zip", "buffer": archive.read_bytes()})
    page.get_by_role("button", name="Import the archive").click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Not contacts")).to_contain_text("1")
    expect(page.get_by_text("1 person you exchanged messages with is not among your contacts.")).to_be_visible()
    page.get_by_role("button", name="Add them as contacts, with their messages").click()
    expect(page.get_by_text("Added 1 person you exchanged messages with as contacts.")).to_be_visible()
    assert metric_value(page, "Interactions added") == "2"
    assert metric_value(page, "Not contacts") == "0"
    expect(page.get_by_role("button", name="Add them as contacts, with their messages")).to_have_count(0)

    goto(page, app, "contacts", "Contacts")
    search_contacts(page, "Zed")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()
    app.stop()
    zed = Store(db).interactions.frame().query("full_name == @ZED[0]")
    assert sorted(zed["kind"]) == ["inbound", "outreach"]
