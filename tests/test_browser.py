"""Rapport in a real browser: the dashboard runs as ``streamlit run`` on its own workspace file and
Debian's chromium clicks through it as a user would.

Tables are canvases (glide-data-grid), so rows are checked through what the page writes as text
(captions, metrics) or through the CSV the page offers for download.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser import (
    ROOT,
    Dashboard,
    choose,
    goto,
    linkedin_export,
    metric_value,
    person,
    rapport_cli,
    wait_until_idle,
)

# The fixtures live in tests/browser.py; naming them here makes pytest use them in this module.
pytestmark = pytest.mark.browser

CSV = "text/csv"


def upload(page, name: str, data: bytes) -> None:
    page.locator("input[type=file]").set_input_files({"name": name, "mimeType": CSV, "buffer": data})


def import_contacts(page, name: str, data: bytes, count: int) -> None:
    """On the Import page: upload, press 'Import N contacts', see the report say N inserted."""
    upload(page, name, data)
    expect(page.get_by_text(re.compile(r"Detected:\s*linkedin"))).to_be_visible()
    page.get_by_role("button", name=f"Import {count} contacts").click()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Inserted")).to_contain_text(str(count))
    assert metric_value(page, "Inserted") == str(count)
    assert metric_value(page, "Rejected") == "0"


def download_csv(page, label: str) -> list[dict[str, str]]:
    """Press a download button and read the CSV it serves (UTF-8 with a BOM)."""
    with page.expect_download() as started:
        page.get_by_role("button", name=label).click()
    data = open(started.value.path(), "rb").read().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(data)))


def open_first_row(page, heading: str) -> None:
    """Select the first row of the Contacts table (its row marker, drawn on the canvas) and wait for the
    contact it opens. The grid may still be laying itself out, so try the click a few times."""
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    for _ in range(5):
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # row marker column, first row under the header
        try:
            expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            continue
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=1_000)


def search_contacts(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Search", exact=True)
    box.fill(text)
    box.press("Enter")


def test_import_a_linkedin_export_then_find_the_people_on_contacts(dashboard, page):
    app = dashboard()
    rows = [
        person("Siobhán", "O’Brien", "Acme, Inc.", "Head of Product", "30 May 2024"),
        person("Kwame", "Mensah", "Globex", "Data Engineer", "02 Jun 2022"),
        person("Ingrid", "Larsen", "Initech", "Recruiter", "15 Jan 2023"),
    ]
    goto(page, app, "imports", "Import")
    import_contacts(page, "Connections.csv", linkedin_export(rows), len(rows))

    goto(page, app, "contacts", "Contacts")
    expect(page.get_by_text(re.compile(r"^3 contacts ·"))).to_be_visible()
    search_contacts(page, "O’Brien")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()
    search_contacts(page, "nobody-like-this")
    expect(page.get_by_text(re.compile(r"^0 of 3 contacts"))).to_be_visible()
    search_contacts(page, "Acme, Inc.")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()


def test_a_new_user_imports_sets_a_referral_goal_and_sees_the_best_fit_first(dashboard, page):
    app = dashboard()
    goto(page, app, "", "Rapport")
    expect(page.get_by_role("button", name="Load demo workspace")).to_be_visible()
    page.get_by_role("button", name="Start empty").click()
    expect(page).to_have_url(re.compile(r"/imports$"))
    rows = [
        person("Priya", "Raman", "Stripe", "Head of Product", "12 Mar 2024"),
        person("Tom", "Baker", "Baker & Sons", "Accountant", "01 Feb 2021"),
        person("Maria", "Lopez", "City Hospital", "Nurse", "19 Aug 2020"),
        person("Sven", "Olsen", "Fjord Logistics", "Warehouse Supervisor", "07 Nov 2019"),
        person("Lena", "Weber", "Bakery Weber", "Baker", "23 Apr 2022"),
    ]
    import_contacts(page, "Connections.csv", linkedin_export(rows), len(rows))
    expect(page.get_by_text("Next: say what you want from networking.")).to_be_visible()
    page.get_by_text("Create a goal", exact=True).click()  # the link under the import report
    expect(page).to_have_url(re.compile(r"/goals$"))

    expect(page.get_by_text("No goals yet: start from a template above.")).to_be_visible()
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Create goal"))
    choose(page, "I want...", "A referral into a role", scope=form)
    form.get_by_role("textbox", name="Role", exact=True).fill("product manager")
    form.get_by_role("textbox", name="Target companies (comma-separated, optional)").fill("Stripe")
    form.get_by_role("button", name="Create goal").click()
    expect(page.get_by_text("Goal created: Referral into a product manager role")).to_be_visible()

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Outreach").click()
    expect(page).to_have_url(re.compile(r"/outreach$"))
    expect(page.get_by_text(re.compile(r"^5 contacts ranked"))).to_be_visible()
    ranked = download_csv(page, "Download the prioritized list (CSV)")
    assert [row["rank"] for row in ranked] == ["1", "2", "3", "4", "5"]
    best = ranked[0]
    assert best["full_name"] == "Priya Raman", ranked
    assert best["company"] == "Stripe"
    assert best["reasons"].strip(), best
    assert best["next_step"].strip(), best
    assert best["goal_title"] == "Referral into a product manager role"
    assert 0 <= int(best["fit"]) <= 100 and int(best["fit"]) > max(int(row["fit"]) for row in ranked[1:])


HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_COMPANY = "[x](javascript:alert(1))"
HOSTILE_POSITION = "<script>alert(2)</script> **bold**"
HOSTILE_NOTES = "<img src=x onerror=alert(3)> [y](javascript:alert(3))"


def assert_inert(page, dialogs: list[str]) -> None:
    assert dialogs == [], f"user text ran as script: {dialogs}"
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert not page.evaluate("[...document.scripts].some(s => s.textContent.includes('alert('))")


def test_user_text_is_shown_as_typed_and_never_runs(dashboard, page):
    app = dashboard()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    goto(page, app, "imports", "Import")
    rows = [person(HOSTILE_NAME, "Mallory", HOSTILE_COMPANY, HOSTILE_POSITION),
            person("Tom", "Baker", "Baker & Sons", "Accountant")]
    import_contacts(page, f"{HOSTILE_NAME}.csv", linkedin_export(rows), len(rows))
    expect(page.get_by_text(f"Imported {HOSTILE_NAME}.csv", exact=False)).to_be_visible()
    assert_inert(page, dialogs)

    goto(page, app, "contacts", "Contacts")
    expect(page.get_by_text(re.compile(r"^2 contacts ·"))).to_be_visible()
    search_contacts(page, "Mallory")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()
    open_first_row(page, f"{HOSTILE_NAME} Mallory")
    expect(page.get_by_text(f"{HOSTILE_POSITION} · {HOSTILE_COMPANY}", exact=True)).to_be_visible()
    assert_inert(page, dialogs)

    page.get_by_role("textbox", name="Notes").fill(HOSTILE_NOTES)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    page.reload()
    search_contacts(page, "Mallory")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()
    open_first_row(page, f"{HOSTILE_NAME} Mallory")
    expect(page.get_by_role("textbox", name="Notes")).to_have_value(HOSTILE_NOTES)
    assert_inert(page, dialogs)


def screenshot_outreach(app: Dashboard, page, target) -> None:
    goto(page, app, "outreach", "Outreach")
    expect(page.get_by_text(re.compile(r"^\d[\d,]* contacts ranked"))).to_be_visible()
    expect(page.get_by_role("button", name="Download the prioritized list (CSV)")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").locator("canvas").first).to_be_visible()
    wait_until_idle(page)
    page.wait_for_function("document.fonts.status === 'loaded'")
    page.mouse.move(0, 0)
    page.screenshot(path=str(target))


def test_readme_screenshot_of_outreach_on_the_demo_workspace(dashboard, page, tmp_path):
    db = tmp_path / "demo.duckdb"
    rapport_cli("demo", db=db)
    app = dashboard(db, extra_env={"STREAMLIT_CLIENT_TOOLBAR_MODE": "viewer"})
    target = ROOT / "docs" / "screenshot.png"
    target.parent.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 900})
    screenshot_outreach(app, page, target)
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000, len(data)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 900)


def test_a_20000_row_export_uploaded_on_the_import_page_is_all_there_on_contacts(dashboard, page):
    """A real-size export (2 MB: more than the head that the import decodes, the rest checked as
    bytes) imports whole from the Import page, and every person is then on the Contacts page."""
    app = dashboard()
    rows = [person(f"Siobhán{i}", "O’Brien", "Acme, Inc.", "Head of Product", "30 May 2024") for i in range(20_000)]
    goto(page, app, "imports", "Import")
    upload(page, "Connections.csv", linkedin_export(rows))
    expect(page.get_by_text(re.compile(r"Detected:\s*linkedin"))).to_be_visible()
    page.get_by_role("button", name="Import 20,000 contacts").click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Inserted")).to_contain_text("20")
    assert metric_value(page, "Inserted").replace(",", "") == "20000"
    assert metric_value(page, "Rejected") == "0"

    goto(page, app, "contacts", "Contacts")
    expect(page.get_by_text(re.compile(r"^20,?000 contacts ·"))).to_be_visible()
    search_contacts(page, "Siobhán19999")
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ contacts"))).to_be_visible()
