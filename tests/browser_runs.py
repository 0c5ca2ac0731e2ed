"""Following Streamlit's script runs in a real browser: what a click started, and whether it has finished.

A test that clicks and then checks the page must wait for the run the click started, not for a page
that merely looks idle. The scripts here are added to a page before it loads: one keeps what the page
and the server say to each other (read off the WebSocket), one counts the runs the page shows as
running. ``rerun_done`` waits on the first, because a run sent in one burst is never shown as running.
Split from ``tests.browser`` (servers, fixtures, widgets), which is large enough on its own.
"""

from __future__ import annotations

from tests.browser import UI_TIMEOUT_MS

# A table's toolbar offers "Download as CSV". Chromium has the File System Access API, so Streamlit would open
# a native "Save as" dialog that a headless browser cannot answer; without the API it falls back to an
# ordinary download, which Playwright catches. Add this to a page or context before it loads the app.
PLAIN_DOWNLOADS_SCRIPT = "delete window.showSaveFilePicker; delete Window.prototype.showSaveFilePicker;"

# Counts the script runs a page has seen start (``stApp``'s ``data-test-script-state`` turning to
# ``running``). Not enough on its own to wait for a run: when the server's "run started" and "run finished"
# messages reach the page back to back (it sends a whole run at once when its event loop was busy, e.g. serving
# another session's page), React renders only the end state, the attribute never turns to "running", and this
# counter never sees the run. ``rerun_done`` therefore reads the run off the wire (``PAGE_TRACE_SCRIPT``); this
# counter remains to tell how often the page never showed a run as running.
RUN_COUNTER_SCRIPT = """
(() => {
  window.__rapportRuns = 0;
  const watch = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) { requestAnimationFrame(watch); return; }
    if (app.getAttribute('data-test-script-state') === 'running') window.__rapportRuns += 1;
    new MutationObserver(records => {
      for (const record of records) {
        if (app.getAttribute('data-test-script-state') === 'running' && record.oldValue !== 'running') {
          window.__rapportRuns += 1;
        }
      }
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state'], attributeOldValue: true});
  };
  watch();
})();
"""


# What the page and the server said to each other, for a test that has to tell "the click was lost" from "the
# server never answered" from "the answer came but the page did not show it". Wraps the page's WebSocket (the
# connection Streamlit opens is otherwise untouched) and keeps, in ``window.__rapportTrace`` (the last 300
# events, [sequence number, ms since load, what, detail]): the socket opening and closing, every message the page sends
# (BackMsg field numbers: 11 = rerun_script), the run lifecycle messages it receives (new_session,
# session_status running/stopped, script_finished and its status), and every change of ``stApp``'s
# script-state and connection-state attributes. ``window.__rapportWire`` counts them: ``reruns`` (rerun_script
# sent), ``started``/``stopped`` (session_status running/not running received; ``running``: the last one said
# running), ``finished`` (script_finished received), ``opened``, ``closed``. Field numbers are those of
# streamlit/proto/ForwardMsg.proto and BackMsg.proto.
PAGE_TRACE_SCRIPT = """
(() => {
  const trace = window.__rapportTrace = [];
  const wire = window.__rapportWire = {sent: 0, reruns: 0, received: 0, started: 0, stopped: 0, finished: 0,
                                       running: false, lastFinished: null, opened: 0, closed: 0};
  let seq = 0;
  const note = (what, detail) => { trace.push([seq++, Math.round(performance.now()), what, detail ?? '']);
                                   if (trace.length > 300) trace.shift(); };
  const varint = (b, p) => { let r = 0, s = 1, x; do { x = b[p++]; r += (x & 0x7f) * s; s *= 128; } while (x & 0x80);
                             return [r, p]; };
  const fields = b => {  // the top-level fields of one protobuf message: [[number, value or bytes], ...]
    const out = []; let p = 0;
    while (p < b.length) {
      let k, v; [k, p] = varint(b, p); const f = Math.floor(k / 8), w = k & 7;
      if (w === 0) { [v, p] = varint(b, p); out.push([f, v]); }
      else if (w === 2) { [v, p] = varint(b, p); out.push([f, b.subarray(p, p + v)]); p += v; }
      else if (w === 1) p += 8; else if (w === 5) p += 4; else break;
    }
    return out;
  };
  const FINISHED = ['successfully', 'compile error', 'early for rerun', 'fragment'];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      wire.opened += 1; note('ws open', String(args[0]).replace(/^.*\\/_stcore/, ''));
      this.addEventListener('close', e => {
        wire.closed += 1; note('ws close', `${e.code} ${e.reason} clean=${e.wasClean}`);
      });
      this.addEventListener('error', () => note('ws error'));
      this.addEventListener('message', e => {
        if (!(e.data instanceof ArrayBuffer)) return;
        wire.received += 1;
        try {
          for (const [f, v] of fields(new Uint8Array(e.data))) {
            if (f === 4) note('in new_session');
            else if (f === 6) {
              wire.finished += 1; wire.lastFinished = FINISHED[v] ?? String(v);
              note('in script_finished', wire.lastFinished);
            }
            else if (f === 9) {
              const running = fields(v).some(([g, x]) => g === 2 && x === 1);
              running ? wire.started += 1 : wire.stopped += 1;
              wire.running = running;
              note('in session_status', running ? 'running' : 'stopped');
            } else if (f === 10) note('in session_event');
            else if (f === 15) note('in page_not_found');
          }
        } catch (err) { note('trace error', String(err)); }
      });
    }
    send(data) {
      wire.sent += 1;
      try {
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        const kinds = fields(bytes).map(([f]) => f);
        if (kinds.includes(11)) wire.reruns += 1;
        if (!kinds.includes(17)) note('out', kinds.join(','));  // 17 = heartbeat: not worth a line
      } catch (err) { note('trace error', String(err)); }
      return super.send(data);
    }
  };
  const watch = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) { requestAnimationFrame(watch); return; }
    const state = () => [app.getAttribute('data-test-script-state'),
                         app.getAttribute('data-test-connection-state')].join(' ');
    note('dom', state());
    new MutationObserver(() => note('dom', state())).observe(app, {attributes: true,
      attributeFilter: ['data-test-script-state', 'data-test-connection-state']});
  };
  watch();
})();
"""


def prepare_page(page) -> None:
    """Let ``table_csv`` download and ``rerun_done`` follow runs on this page (call before the first goto)."""
    page.add_init_script(PLAIN_DOWNLOADS_SCRIPT)
    page.add_init_script(PAGE_TRACE_SCRIPT)
    page.add_init_script(RUN_COUNTER_SCRIPT)


# -- waiting for the script run a click started (sync here; the load test awaits the same scripts) --------------
# The page's counters: ``runs`` from RUN_COUNTER_SCRIPT, the rest from PAGE_TRACE_SCRIPT.
RUN_PROBE = """() => ({runs: window.__rapportRuns || 0, ...(window.__rapportWire || {}),
                       seq: (window.__rapportTrace || []).reduce((last, e) => Math.max(last, e[0] + 1), 0)})"""
# True (the counters) once, since ``before`` (a RUN_PROBE taken before the click), the page has sent a rerun
# request, the server has started a run and finished it (not "early for a rerun": then another run follows), and
# the page shows the app connected and not running. Without PAGE_TRACE_SCRIPT (or with a bare number from
# an old ``runs_started``): the DOM counter alone, which can miss a run (see RUN_COUNTER_SCRIPT).
RUN_DONE = """before => {
  const app = document.querySelector('[data-testid="stApp"]'), w = window.__rapportWire;
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning'
      || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (!w || before.reruns === undefined) return (window.__rapportRuns || 0) > before.runs;
  const done = w.reruns > before.reruns && w.started > before.started && w.finished > before.finished
    && !w.running && w.lastFinished !== 'early for rerun';
  return done && {runs: window.__rapportRuns || 0, ...w};
}"""


def run_stall(before: dict, now: dict) -> str:
    """Which step of a rerun never came, from a RUN_PROBE before the click and one after the wait."""
    if "reruns" not in before or "reruns" not in now:
        return "no run seen (the page has no PAGE_TRACE_SCRIPT to tell more)"
    if now["reruns"] <= before["reruns"]:
        return "the page never sent a rerun request: the click did not reach the app"
    if now["started"] <= before["started"]:
        return "the page sent a rerun request, but the server never said a run started"
    if now["finished"] <= before["finished"] or now["running"]:
        return "the server started a run but never said it finished"
    return "the server said the run finished, but the page does not show it as finished and connected"


def runs_started(page) -> dict:
    """The page's run counters (RUN_PROBE): read them before a click, then ``rerun_done(page, before)``."""
    return page.evaluate(RUN_PROBE)


def rerun_done(page, before: dict | int, timeout_ms: int = UI_TIMEOUT_MS) -> dict:
    """Wait until the script run started after ``before = runs_started(page)`` has finished and the page shows
    it; returns the counters then. On a timeout, say which step never came."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    before = {"runs": before} if isinstance(before, int) else before
    try:
        return page.wait_for_function(RUN_DONE, arg=before, timeout=timeout_ms).json_value()
    except PlaywrightTimeoutError as error:
        stall = run_stall(before, page.evaluate(RUN_PROBE))
        raise AssertionError(f"no finished script run within {timeout_ms / 1000:.0f} s: {stall}") from error
