"""Fitting ahead of need, started from a page that must not wait even for the ranking's imports.

Home is the first page of every start. Importing the ranking (scikit-learn, and SciPy's statistics
through it) costs more than drawing Home; its flags are kept on disk (engine.insights.kept_flags), so
nothing else on it needs the ranking. This module imports none of it: the thread it starts does.
"""

from __future__ import annotations

import logging
import threading

from engine.store import Store

log = logging.getLogger(__name__)


def prepare_in_background(store: Store) -> threading.Thread:
    """``engine.outreach.opportunities.prepare(store, outreach=True, then=...)`` from a thread of its
    own: the active goals' audiences, the response model, Outreach's full ranking, then Today's
    agenda and the Companies page's table, ahead of the pages that show them (a page opened
    meanwhile waits for what is left, ``wait_for_preparation``)."""

    def start() -> None:
        try:
            from engine.outreach.companies import companies_in_network, company_gaps
            from engine.outreach.opportunities import prepare
            from engine.planning.agenda import agenda

            def then(store: Store) -> None:
                agenda(store)  # Today's: its first places are read from Outreach's list
                companies_in_network(store)  # the Companies page's table and gaps (0.2-0.4 s at 100,000)
                company_gaps(store)

            prepare(store, outreach=True, then=then)
        except Exception:
            log.exception("preparing the ranking ahead of need failed")

    thread = threading.Thread(target=start, daemon=True, name="rapport-prepare")
    thread.start()
    return thread
