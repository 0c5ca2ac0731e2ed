"""Events (conferences, meetups, groups ...) a user may attend."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from engine.errors import UserError

if TYPE_CHECKING:  # pandas loads in a quarter of a second: only where a frame is made
    import pandas as pd


from .base import Part

_EVENT_COLUMNS = ("uid", "title", "kind", "starts_at", "ends_at", "online", "location", "cost", "topics",
                  "audience", "url", "description")


class Events(Part):
    """``store.events``: events to attend (their imports are ``store.imports.save_events``)."""

    def add(self, event: dict) -> int:
        if not str(event.get("title") or "").strip():
            raise UserError("an event needs a title")
        values = {k: event.get(k) for k in _EVENT_COLUMNS if k in event}
        values["topics"] = [t for t in (values.get("topics") or []) if t]
        names = list(values)
        with self._writing() as conn:
            return conn.execute(
                f"INSERT INTO events ({', '.join(names)}, source) VALUES ({', '.join('?' for _ in names)}, 'manual') "
                "RETURNING id",
                list(values.values()),
            ).fetchone()[0]


    def frame(self, upcoming_from: date | None = None) -> pd.DataFrame:
        """All events (or those starting on/after ``upcoming_from``), soonest first."""
        with self._reading() as conn:
            if upcoming_from is None:
                return conn.execute("SELECT * FROM events ORDER BY starts_at NULLS LAST, id").df()
            return conn.execute(
                "SELECT * FROM events WHERE starts_at >= ? ORDER BY starts_at, id", [upcoming_from]
            ).df()

    def fingerprint(self) -> tuple:
        """(count, highest id, latest import) of the events: changes when one is added or (re)imported
        (adding events does not change the data version, which the contact ranker is kept by)."""
        with self._reading() as conn:
            return conn.execute("SELECT count(*), max(id), max(import_id) FROM events").fetchone()

    def delete(self, event_id: int) -> None:
        """Remove an event; interactions that name it keep their date and lose the link."""
        with self._writing() as conn:
            conn.execute("UPDATE interactions SET event_id = NULL WHERE event_id = ?", [event_id])
            conn.execute("DELETE FROM events WHERE id = ?", [event_id])
            self._bump_data_version(conn)
