"""What a user feels of the dashboard: click to page finished, in Chromium, against a minimal app.

Run: ``python -m benchmarks.pages_browser``; ``run(rows)`` returns the figures for
``benchmarks.run_all``. Environment: ``BENCH_ROWS`` (default 100,000; 5,000 runs in about a
minute), ``BENCH_ROUNDS`` (default 3), ``BENCH_WAIT_S`` (the longest wait for one page, default
180), ``BENCH_SCRIPTS=0`` (skip timing each page's script in AppTest on the side, which only
``main`` does), ``BENCH_PREPARE=0`` (start without the fitted ranker kept on disk, see below).

The workspace is ``benchmarks.workspace.pages_workspace``: a realistic LinkedIn export (real title
and company distributions), the demo's goals plus one naming companies present in the data and
one naming none, events, four months of history. The same run measures a baseline: a minimal
Streamlit app (written to a temporary folder) with the same navigation (``st.navigation``, the
same sections, titles and icons) whose every page is a title and one 25-row ``st.dataframe``.

Unless ``BENCH_PREPARE=0``, the workspace is then left as a dashboard session leaves it: the contact
ranker fitted for its data version and kept on disk (``engine.outreach.model_cache``), with the flags
Home showed (``engine.insights.kept_flags``) and the Goals page's figures (``engine.planning.goal_board``),
so the first load and the first clicks measure a restart of the dashboard; with ``BENCH_PREPARE=0`` the first
round's first load fits (the first start after the data changed outside the dashboard).

Each round starts each server afresh (``streamlit run``, headless, on a free 127.0.0.1 port; the
dashboard with ``RAPPORT_DB`` on the workspace) and opens it in a new browser context, Debian's
chromium driven by Playwright (never a downloaded browser):

- first load: from navigation start (``performance.timeOrigin``) until the page has finished: the
  server said the run finished (read off the WebSocket, ``tests.browser_runs.PAGE_TRACE_SCRIPT``),
  the app shows itself connected and not running, and nothing on it is stale, a skeleton, a chart
  not drawn or a table without its canvas;
- each page, twice: from the click on its sidebar link until the same (a first click, then again
  after a pass over all pages).

Rapport and the baseline take turns, round by round, so whatever else the machine does weighs on
both alike; the figures are medians over the rounds. A server's peak memory is its ``VmHWM``
(``/proc/<pid>/status``), read at the end of each round; the largest over the rounds is reported.
A second table says where Rapport's time goes: until the server's "run finished" reached the page,
until the app showed itself idle, and the rest, drawing (lazy-loaded element code, Plotly charts).
A page that shows an exception stops the benchmark with it: a broken page has no speed.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.streamlit_server import start_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
                 "--no-first-run", "--mute-audio"]
# The dashboard's navigation as in app.py: section -> (sidebar link text, page script, icon).
NAVIGATION = {
    "Plan": [("Home", "ui/home.py", ":material/home:"), ("Goals", "ui/goals.py", ":material/flag:"),
             ("Pitch & templates", "ui/messages.py", ":material/edit_note:")],
    "Act": [("Today", "ui/today.py", ":material/today:"), ("Outreach", "ui/outreach.py", ":material/send:"),
            ("Events", "ui/events.py", ":material/event:"), ("Contacts", "ui/contacts.py", ":material/contacts:"),
            ("Companies", "ui/companies.py", ":material/domain:")],
    "Improve": [("Review", "ui/review.py", ":material/insights:")],
    "Data": [("Import", "ui/imports.py", ":material/upload_file:"),
             ("Settings", "ui/settings.py", ":material/settings:")],
}
PAGES = [title for links in NAVIGATION.values() for title, _, _ in links]
SCRIPTS = {title: script for links in NAVIGATION.values() for title, script, _ in links}
# The order of a pass: the first load lands on Home, so Home comes last.
VISITS = PAGES[1:] + PAGES[:1]
PAGE_TARGET, LOAD_TARGET, MEMORY_TARGET_MB = 1.5, 2.0, 400
WAIT_MS = int(os.environ.get("BENCH_WAIT_S", "180")) * 1000

# When the page saw the last click (a capturing listener runs before the link's own handler).
CLICK_SCRIPT = ("window.__benchClick = null; document.addEventListener('click', "
                "() => { window.__benchClick = performance.now(); }, true);")
# Truthy (performance.now()) once the run started after ``before`` (wire counters) has finished and the page
# shows all of it: the server said a run started and finished (and not "early for rerun": another follows),
# the app is connected and not running, and no element is stale, a skeleton, an undrawn chart or a table
# without its canvas. Polled on every animation frame, so the time is that of the first frame showing it.
DONE = """before => {
  const app = document.querySelector('[data-testid="stApp"]'), w = window.__rapportWire;
  if (!app || !w || app.getAttribute('data-test-script-state') !== 'notRunning'
      || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (!(w.started > before.started && w.finished > before.finished && !w.running
        && w.lastFinished !== 'early for rerun')) return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]'))
    return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (chart.checkVisibility() && !chart.querySelector('.main-svg')) return false;
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]'))
    if (grid.checkVisibility() && !grid.querySelector('canvas')) return false;
  return performance.now();
}"""
WIRE = """() => ({...window.__rapportWire,
                 seq: (window.__rapportTrace || []).reduce((last, e) => Math.max(last, e[0] + 1), 0)})"""
# When, since ``before`` (a WIRE probe), the server's last "script finished" reached the page and when the app
# last showed itself not running (performance.now() ms; tests.browser_runs.PAGE_TRACE_SCRIPT's trace).
STEPS = """before => {
  const since = (window.__rapportTrace || []).filter(e => e[0] >= (before.seq || 0));
  const last = test => since.filter(test).reduce((t, e) => Math.max(t, e[1]), -1);
  return {run: last(e => e[2] === 'in script_finished'),
          idle: last(e => e[2] === 'dom' && e[3].startsWith('notRunning'))};
}"""
# What keeps a page from counting as finished (for a timeout's message).
PENDING = """() => ({
  state: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
  stale: document.querySelectorAll('[data-stale="true"]').length,
  skeletons: document.querySelectorAll('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]').length,
  undrawnCharts: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => c.checkVisibility() && !c.querySelector('.main-svg')).length,
  tablesWithoutCanvas: [...document.querySelectorAll('[data-testid="stDataFrame"]')]
    .filter(g => g.checkVisibility() && !g.querySelector('canvas')).length,
})"""
NO_RUNS = {"started": 0, "finished": 0, "seq": 0}

# The baseline: the same navigation shape, every page a title and one 25-row table.
BASELINE_APP = '''\
import streamlit as st

st.set_page_config(page_title="Baseline", page_icon=":material/hub:", layout="wide")
NAVIGATION = {navigation!r}
pages = {{section: [st.Page(f"pages/p{{i}}_{{j}}.py", title=title, icon=icon, default=(i == 0 and j == 0))
                   for j, (title, _, icon) in enumerate(links)]
         for i, (section, links) in enumerate(NAVIGATION.items())}}
st.navigation(pages).run()
'''
BASELINE_PAGE = '''\
import pandas as pd
import streamlit as st

st.title({title!r})
st.caption("A minimal page: one table.")
st.dataframe(pd.DataFrame({{
    "Name": [f"Person {{i}}" for i in range(25)],
    "Company": [f"Company {{i % 7}}" for i in range(25)],
    "Position": [f"Title {{i % 5}}" for i in range(25)],
    "Score": [round(1 - i / 25, 3) for i in range(25)],
}}), hide_index=True)
'''


def write_baseline(folder: Path) -> Path:
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    for i, links in enumerate(NAVIGATION.values()):
        for j, (title, _, _) in enumerate(links):
            (folder / "pages" / f"p{i}_{j}.py").write_text(BASELINE_PAGE.format(title=title), encoding="utf-8")
    app = folder / "baseline_app.py"
    app.write_text(BASELINE_APP.format(navigation=NAVIGATION), encoding="utf-8")
    return app


# -- the browser -----------------------------------------------------------------------------------------------
def _check_page(page, what: str) -> None:
    problem = page.get_by_test_id("stException")
    if problem.count():
        raise RuntimeError(f"{what} shows an exception:\n{problem.first.inner_text()}")


def _wait_done(page, before: dict, what: str, start_ms: float | None = None) -> dict[str, float]:
    """Seconds from ``start_ms`` (performance.now(); a click's time when None) to the first frame showing the
    finished run started after ``before`` (``total``), to the server's "run finished" reaching the page
    (``run``) and to the app showing itself not running (``idle``): what is left is drawing."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        done = page.wait_for_function(DONE, arg=before, polling="raf", timeout=WAIT_MS).json_value()
    except PlaywrightTimeoutError as error:
        raise RuntimeError(f"{what}: no finished page within {WAIT_MS / 1000:.0f} s "
                           f"(wire: {page.evaluate(WIRE)}; page: {page.evaluate(PENDING)})") from error
    _check_page(page, what)
    start = page.evaluate("window.__benchClick") if start_ms is None else start_ms
    steps = page.evaluate(STEPS, before)
    total = (float(done) - start) / 1000
    # A step the trace no longer holds (it keeps the last 300 events) counts as the whole.
    return {"total": total, **{step: (at - start) / 1000 if at >= 0 else total for step, at in steps.items()}}


def first_load(page, url: str) -> dict[str, float]:
    """From navigation start to the first page finished (see ``_wait_done``)."""
    page.goto(url, wait_until="commit")
    return _wait_done(page, NO_RUNS, "the first load", start_ms=0.0)


def sidebar_link(page, title: str):
    """The sidebar's link to ``title`` (its text beside the icon's name, e.g. "flag" "Goals")."""
    nav = page.get_by_test_id("stSidebarNav")
    more = nav.get_by_test_id("stSidebarNavViewButton")
    if more.count() and "more" in more.inner_text():
        more.click()
    return nav.get_by_test_id("stSidebarNavLink").filter(has=page.get_by_text(title, exact=True))


def click_to_page(page, title: str) -> dict[str, float]:
    """From the click on the sidebar link ``title`` to the page finished (see ``_wait_done``)."""
    link = sidebar_link(page, title)
    link.wait_for(state="visible")
    before = page.evaluate(WIRE)
    link.click()
    return _wait_done(page, before, f"page {title}")


def _keep(times: dict[str, float], key: str, steps: dict[str, float]) -> None:
    times[key] = steps["total"]
    times[key + ":run"], times[key + ":idle"] = steps["run"], steps["idle"]


def visit_all(browser, url: str) -> dict[str, float]:
    """One session: the first load, then two passes over the pages."""
    from tests.browser_runs import PAGE_TRACE_SCRIPT

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(PAGE_TRACE_SCRIPT)
    context.add_init_script(CLICK_SCRIPT)
    try:
        page = context.new_page()
        times: dict[str, float] = {}
        _keep(times, "first load", first_load(page, url))
        for n in ("first", "again"):
            for title in VISITS:
                _keep(times, f"{title}:{n}", click_to_page(page, title))
        return times
    finally:
        context.close()


def launch(playwright):
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (never a downloaded browser)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


# -- the benchmark -----------------------------------------------------------------------------------------------
def keep_ranker(store) -> None:
    """What a dashboard session that ranked leaves behind: the fitted ranker on disk, for this data version,
    the response model Home's preparation learned from the outcomes, the goals' readings its ranking of
    Outreach's list kept (``engine/ranking/readings.py``), the flags Home showed
    (engine.insights.kept_flags) and the Goals page's figures (its default view)."""
    from engine.clock import workspace_today
    from engine.insights.kept_flags import flags_file, home_flags
    from engine.kept import kept_file
    from engine.outreach import model_cache
    from engine.outreach.opportunities import contact_ranker, learning_ranker, rank_contacts
    from engine.planning.goal_board import goal_board

    contact_ranker(store)
    learning_ranker(store, store.goals.all())
    rank_contacts(store, reasons=False)  # as Home's preparation ranks Outreach's list: the readings are kept
    home_flags(store)
    goal_board(store, workspace_today(store), ("active",))
    model_cache.finish_writes()
    kept = (model_cache.cache_file(store.path), model_cache.learned_file(store.path),
            model_cache.readings_file(store.path), flags_file(store.path), kept_file(store.path, "goals"))
    if not all(path.is_file() for path in kept):
        raise RuntimeError("the ranker, its response model, the goals' readings, Home's flags or the Goals page's "
                           "figures were not kept on disk (RAPPORT_MODEL_CACHE=0?)")


def _median_of(rounds: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def run(rows: int, rounds: int | None = None, progress: Callable[[str], None] | None = None) -> dict:
    """Build the workspace, measure both apps ``rounds`` times in turn, and return the figures."""
    from playwright.sync_api import sync_playwright

    from benchmarks.workspace import pages_workspace

    rounds = rounds or int(os.environ.get("BENCH_ROUNDS", "3"))
    say = progress or (lambda text: None)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        store = pages_workspace(tmp, rows)
        contacts = store.contacts.count()
        say(f"workspace: {contacts:,} contacts in {time.perf_counter() - started:.1f} s")
        prepared = os.environ.get("BENCH_PREPARE", "1") != "0"
        if prepared:
            started = time.perf_counter()
            keep_ranker(store)
            say(f"ranker fitted and kept on disk in {time.perf_counter() - started:.1f} s")
        baseline_app = write_baseline(tmp / "baseline")
        apps = {
            "rapport": (ROOT / "app.py", ROOT, {"RAPPORT_DB": str(store.path)}),
            "baseline": (baseline_app, baseline_app.parent, {}),
        }
        times: dict[str, list[dict[str, float]]] = {name: [] for name in apps}
        peaks: dict[str, list[float]] = {name: [] for name in apps}
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                for n in range(rounds):
                    for name, (script, cwd, env) in apps.items():
                        server = start_server(script, cwd, tmp / f"{name}-{n}.log", env)
                        try:
                            times[name].append(visit_all(browser, server.url))
                            peaks[name].append(server.peak_mb())
                        except Exception as error:
                            raise RuntimeError(f"{name}, round {n + 1}: {error}\n"
                                               f"server log:\n{server.log()[-3000:]}") from error
                        finally:
                            server.stop()
                        say(f"round {n + 1}/{rounds}, {name}: first load {times[name][-1]['first load']:.2f} s, "
                            f"peak {peaks[name][-1]:.0f} MB")
            finally:
                browser.close()
    ours, base = times["rapport"], times["baseline"]
    result = {"rows": rows, "contacts": contacts, "rounds": rounds, "prepared": prepared,
              "load_average": (load_before, os.getloadavg()[0]),
              "first_load": {"rapport": _median_of(ours, "first load"), "baseline": _median_of(base, "first load"),
                             "rapport_rounds": [r["first load"] for r in ours],
                             "baseline_rounds": [r["first load"] for r in base]},
              "pages": {},
              "memory_mb": {"rapport": max(peaks["rapport"]), "baseline": max(peaks["baseline"]),
                            "rapport_rounds": peaks["rapport"], "baseline_rounds": peaks["baseline"]}}
    result["first_load"]["ratio"] = result["first_load"]["rapport"] / result["first_load"]["baseline"]
    result["memory_mb"]["ratio"] = result["memory_mb"]["rapport"] / result["memory_mb"]["baseline"]
    for step in ("run", "idle"):
        for name, measured in (("rapport", ours), ("baseline", base)):
            result["first_load"][f"{name}_{step}"] = _median_of(measured, f"first load:{step}")
    for title in PAGES:
        figures = {}
        for n in ("first", "again"):
            for name, measured in (("rapport", ours), ("baseline", base)):
                figures[f"{name}_{n}"] = _median_of(measured, f"{title}:{n}")
                for step in ("run", "idle"):
                    figures[f"{name}_{n}_{step}"] = _median_of(measured, f"{title}:{n}:{step}")
            figures[f"ratio_{n}"] = figures[f"rapport_{n}"] / figures[f"baseline_{n}"]
        result["pages"][title] = figures
    result["worst_page_ratio"] = max(max(p["ratio_first"], p["ratio_again"]) for p in result["pages"].values())
    return result


def _mark(ok: bool) -> str:
    return "yes" if ok else "NO"


def table(r: dict) -> list[str]:
    """The figures against the targets, as a Markdown table."""
    lines = ["| Page | Rapport s (first click / again) | Baseline s | Ratio | Target | Met |",
             "| --- | --- | --- | --- | --- | --- |"]
    load = r["first_load"]
    lines.append(f"| First load (new server, new session) | {load['rapport']:.2f} | {load['baseline']:.2f} | "
                 f"{load['ratio']:.1f}x | ≤ {LOAD_TARGET:.1f}x | {_mark(load['ratio'] <= LOAD_TARGET)} |")
    for title in PAGES:
        p = r["pages"][title]
        ok = max(p["ratio_first"], p["ratio_again"]) <= PAGE_TARGET
        lines.append(f"| {title} | {p['rapport_first']:.2f} / {p['rapport_again']:.2f} | "
                     f"{p['baseline_first']:.2f} / {p['baseline_again']:.2f} | "
                     f"{p['ratio_first']:.1f}x / {p['ratio_again']:.1f}x | ≤ {PAGE_TARGET:.1f}x | {_mark(ok)} |")
    mem = r["memory_mb"]
    lines.append(f"| Server peak memory (VmHWM) | {mem['rapport']:.0f} MB | {mem['baseline']:.0f} MB | "
                 f"{mem['ratio']:.1f}x | ≤ {MEMORY_TARGET_MB} MB | {_mark(mem['rapport'] <= MEMORY_TARGET_MB)} |")
    return lines


def breakdown(r: dict, scripts: dict[str, float] | None = None) -> list[str]:
    """Where Rapport's time goes, as a Markdown table: until the server's "run finished" reached the page,
    until the app showed itself idle, until all drawn (the total); beside it the baseline's "run finished",
    and each page's script run in AppTest (no browser, no server) when given."""
    extra = " Script run (AppTest) first / rerun |" if scripts else ""
    lines = ["| Page (first click / again, s) | Run finished (wire) | App idle | Drawn | Baseline run finished |"
             + extra, "| --- | --- | --- | --- | --- |" + (" --- |" if scripts else "")]
    load = r["first_load"]
    lines.append(f"| First load | {load['rapport_run']:.2f} | {load['rapport_idle']:.2f} | {load['rapport']:.2f} | "
                 f"{load['baseline_run']:.2f} |" + (" |" if scripts else ""))
    for title in PAGES:
        p = r["pages"][title]
        pair = functools.partial(_pair, p)
        script = f" {scripts[SCRIPTS[title] + ':first']:.2f} / {scripts[SCRIPTS[title]]:.2f} |" if scripts else ""
        lines.append(f"| {title} | {pair('rapport_{}_run')} | {pair('rapport_{}_idle')} | {pair('rapport_{}')} | "
                     f"{pair('baseline_{}_run')} |" + script)
    return lines


def _pair(figures: dict[str, float], key: str) -> str:
    return f"{figures[key.format('first')]:.2f} / {figures[key.format('again')]:.2f}"


def describe(r: dict) -> str:
    """What the table measured, and how much the figures varied from round to round."""
    load, mem = r["first_load"], r["memory_mb"]
    text = (f"Click to page finished in Chromium, {r['contacts']:,} contacts ({r['rows']:,} rows), medians of "
            f"{r['rounds']} rounds; baseline: a minimal Streamlit app with the same navigation and one 25-row "
            f"table per page, in the same run; "
            f"{'the fitted ranker' if r.get('prepared') else 'nothing'} kept on disk beforehand."
            f" First loads by round: Rapport {_rounds(load['rapport_rounds'])}, "
            f"baseline {_rounds(load['baseline_rounds'])}. Server peaks by round: Rapport "
            f"{_rounds(mem['rapport_rounds'], 'MB', 0)}, baseline {_rounds(mem['baseline_rounds'], 'MB', 0)}. "
            f"Load average (1 min) before / after: {r['load_average'][0]:.1f} / {r['load_average'][1]:.1f} "
            f"on {os.cpu_count()} cores.")
    return text


def _rounds(values: list[float], unit: str = "s", digits: int = 2) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values) + " " + unit


def main() -> None:
    rows = int(os.environ.get("BENCH_ROWS", "100000"))
    result = run(rows, progress=lambda text: print(text, file=sys.stderr, flush=True))
    scripts = None
    if os.environ.get("BENCH_SCRIPTS", "1") != "0":  # where the time goes: each page's script run, on the side
        from benchmarks.ranking_bench import page_run_seconds
        from benchmarks.workspace import pages_workspace

        with tempfile.TemporaryDirectory() as tmp:
            scripts = page_run_seconds(pages_workspace(Path(tmp), rows).path)
    print(textwrap.fill(describe(result), 110))
    print()
    print("\n".join(table(result)))
    print("\nWhere Rapport's time goes (medians; what follows \"app idle\" is drawing in the browser):\n")
    print("\n".join(breakdown(result, scripts)))


if __name__ == "__main__":
    main()
