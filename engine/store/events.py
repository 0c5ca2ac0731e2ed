"""Events (conferences, meetups, groups ...) and the interaction log."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas loads in a quarter of a second: only where a frame is made
    import pandas as pd


from engine.records import EVENT_FIELDS, ParsedFile

from .imports import ImportReport

_EVENT_COLUMNS = ("uid", "title", "kind", "starts_at", "ends_at", "online", "location", "cost", "topics",
                  "audience", "url", "description")


class EventsMixin:
    def add_event(self, event: dict) -> int:
        if not str(event.get("title") or "").strip():
            raise ValueError("an event needs a title")
        values = {k: event.get(k) for k in _EVENT_COLUMNS if k in event}
        values["topics"] = [t for t in (values.get("topics") or []) if t]
        names = list(values)
        with self._writing() as conn:
            return conn.execute(
                f"INSERT INTO events ({', '.join(names)}, source) VALUES ({', '.join('?' for _ in names)}, 'manual') "
                "RETURNING id",
                list(values.values()),
            ).fetchone()[0]

    def save_event_import(self, parsed: ParsedFile) -> ImportReport:
        """Insert new events and refresh known ones (matched on the calendar UID), in one transaction."""
        assert parsed.fields == EVENT_FIELDS
        columns = ", ".join(EVENT_FIELDS)
        with self._writing() as conn:
            report = self._begin_import(conn, "events", parsed)
            for record in parsed.records:
                row = dict(zip(EVENT_FIELDS, record))
                row["topics"] = list(row.get("topics") or [])
                existing = conn.execute("SELECT id FROM events WHERE uid = ?", [row["uid"]]).fetchone()
                if existing is None:
                    conn.execute(
                        f"INSERT INTO events ({columns}, source, import_id) "
                        f"VALUES ({', '.join('?' for _ in EVENT_FIELDS)}, ?, ?)",
                        [row[f] for f in EVENT_FIELDS] + [parsed.format, report.import_id],
                    )
                    report.inserted += 1
                    continue
                before = conn.execute(f"SELECT {columns} FROM events WHERE id = ?", [existing[0]]).fetchone()
                conn.execute(
                    f"UPDATE events SET {', '.join(f'{f} = ?' for f in EVENT_FIELDS)}, import_id = ? WHERE id = ?",
                    [row[f] for f in EVENT_FIELDS] + [report.import_id, existing[0]],
                )
                after = conn.execute(f"SELECT {columns} FROM events WHERE id = ?", [existing[0]]).fetchone()
                if before == after:
                    report.unchanged += 1
                else:
                    report.updated += 1
            self._finish_import(conn, report)
        return report

    def events_frame(self, upcoming_from: date | None = None) -> pd.DataFrame:
        """All events (or those starting on/after ``upcoming_from``), soonest first."""
        with self._reading() as conn:
            if upcoming_from is None:
                return conn.execute("SELECT * FROM events ORDER BY starts_at NULLS LAST, id").df()
            return conn.execute(
                "SELECT * FROM events WHERE starts_at >= ? ORDER BY starts_at, id", [upcoming_from]
            ).df()

    def delete_event(self, event_id: int) -> None:
        with self._writing() as conn:
            conn.execute("DELETE FROM events WHERE id = ?", [event_id])
