"""Tables on a 1,366 px laptop screen (issue 18): the columns that matter are in view without
scrolling sideways (Outreach "Why", Contacts "Strength", Today "Follow up on"), in a real browser on
the demo workspace. glide-data-grid keeps an accessible table of the rows and columns it has drawn,
so the headers found there are the ones on screen. A screenshot of each page is saved in the test's
tmp folder (``laptop-outreach.png``...).
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from engine.demo import load_demo_workspace
from engine.store import Store
from tests.browser import UI_TIMEOUT_MS, goto, table, wait_until_idle
from tests.browser_runs import prepare_page

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}


@pytest.mark.parametrize(("path", "title", "needed"), [
    ("outreach", "Outreach", ["Name", "Why", "Next step"]),
    ("contacts", "Contacts", ["Name", "Company", "Strength"]),
    ("today", "Today", ["Name", "Follow up on"]),
])
def test_the_columns_that_matter_fit_a_laptop_screen(dashboard, browser, tmp_path, path, title, needed):
    db = tmp_path / "demo.duckdb"
    load_demo_workspace(Store(db), today=date.today())
    app = dashboard(db)
    context = browser.new_context(viewport=LAPTOP)
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    try:
        prepare_page(page)
        goto(page, app, path, title)
        wait_until_idle(page)
        grid = table(page)
        expect(grid).to_be_visible()
        headers = grid.locator("table[role=grid] th[role=columnheader]")
        expect(headers.first).to_be_attached()
        shown = [h.strip() for h in headers.all_text_contents()]
        page.screenshot(path=str(tmp_path / f"laptop-{path}.png"))
        missing = [c for c in needed if c not in shown]
        assert not missing, f"{title}: {missing} not in view at 1,366 px; in view: {shown}"
        box = grid.bounding_box()
        assert box["x"] + box["width"] <= LAPTOP["width"]
    finally:
        context.close()
