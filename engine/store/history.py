"""History the user already has, written into the interaction log: a LinkedIn data archive's
messages and invitations (``engine.importers.archive`` reads them; this part saves them).

Each imported interaction carries a ``source_key`` (its conversation, moment and direction), so
importing the same archive again, or a newer one, adds only what is new; a row seen before may
only gain what it lacked (the contact, once that person is a contact; the outcome, once the
reply window has passed). Everything of one import is written in one transaction.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import duckdb

from .base import Part

# The columns an imported interaction fills, with their Arrow types.
COLUMNS = {"contact_id": "int64", "kind": "string", "channel": "string", "occurred_on": "date32",
           "occurred_at": "timestamp", "outcome": "string", "notes": "string", "source_key": "string",
           "conversation_id": "string", "message_length": "int32", "message_text": "string"}


ARCHIVE_SOURCE = "linkedin_archive"  # ``contacts.source`` of a correspondent added from an archive


@dataclass(frozen=True)
class Saved:
    import_id: int
    inserted: int
    updated: int
    unchanged: int


def _arrow(columns: dict[str, list]):
    import pyarrow as pa  # loads slowly: only when an archive is saved

    def kind(name: str):
        return pa.timestamp("us") if name == "timestamp" else getattr(pa, name)()

    def array(values, rows: int, kind):
        if isinstance(values, pa.Array | pa.ChunkedArray):  # already columnar (a large messages.csv)
            return values if values.type == kind else values.cast(kind)
        # A column a source never fills (a calendar has no message texts) may be left out or empty.
        return pa.array(values or [None] * rows, type=kind)

    rows = len(columns["source_key"])
    return pa.table({name: array(columns.get(name), rows, kind(t)) for name, t in COLUMNS.items()})


def _distinct_keys(table) -> bool:
    import pyarrow.compute as pc

    keys = table.column("source_key")
    return keys.null_count == 0 and pc.count_distinct(keys).as_py() == len(keys)


class History(Part):
    """``store.history``: imported history (the LinkedIn archive) in the interaction log."""

    def contact_names(self) -> list[tuple[int, str]]:
        """(id, full name) of every contact with a name: what correspondents are matched against."""
        with self._reading() as conn:
            return conn.execute("SELECT id, full_name FROM contacts WHERE full_name IS NOT NULL ORDER BY id").fetchall()

    def unconnected_contacts(self) -> frozenset[int]:
        """Contacts added from an archive's correspondents that no connections export has dated since."""
        with self._reading() as conn:
            rows = conn.execute("SELECT id FROM contacts WHERE source = ? AND connected_on IS NULL",
                                [ARCHIVE_SOURCE]).fetchall()
        return frozenset(row[0] for row in rows)

    def save_archive(self, columns: dict[str, list], file_name: str, fmt: str, total: int,
                     rejected: int = 0, distinct: bool = False, new_contacts: list[dict] | None = None) -> Saved:
        """Insert the interactions not imported before, fill in what earlier ones lacked, and record
        the import; one transaction, so a failure leaves the log as it was. ``columns``: a list per
        name in ``COLUMNS`` (or an Arrow array), all as long. ``distinct``: the caller vouches that
        no source key is given twice (``source_keys`` numbers repeats); else the store makes sure.
        ``new_contacts``: people to add first, in the same transaction (id from ``reserve_ids``,
        first_name, last_name, full_name, linkedin_url), whom the rows may refer to."""
        table = _arrow(columns)
        rows = table.num_rows
        names = ", ".join(COLUMNS)
        with self._writing() as conn:
            import_id = conn.execute(
                "INSERT INTO imports (file_name, kind, format, encoding, delimiter) "
                "VALUES (?, 'history', ?, 'utf-8', ',') RETURNING id", [file_name, fmt]).fetchone()[0]
            if new_contacts:
                fields = ("id", "first_name", "last_name", "full_name", "linkedin_url")
                conn.execute(
                    f"INSERT INTO contacts ({', '.join(fields)}, source, import_id) "
                    f"SELECT {', '.join(f'unnest(?::{kind}[])' for kind in ('BIGINT', *['VARCHAR'] * 4))}, ?, ?",
                    [*([person[field] for person in new_contacts] for field in fields), ARCHIVE_SOURCE, import_id])
                self._bump_data_version(conn)
            conn.register("incoming_history", table)
            try:
                # Keys as importers give them (``source_keys``) are distinct: the rows are read where
                # they are; else each key's first row is copied aside.
                source = "incoming_history" if distinct or _distinct_keys(table) else "history_in"
                if source == "history_in":
                    conn.execute("CREATE OR REPLACE TEMP TABLE history_in AS SELECT * FROM incoming_history "
                                 "QUALIFY row_number() OVER (PARTITION BY source_key ORDER BY occurred_at) = 1")
                updated = conn.execute(
                    "UPDATE interactions SET contact_id = coalesce(interactions.contact_id, h.contact_id), "
                    "outcome = coalesce(interactions.outcome, h.outcome), "
                    f"message_text = coalesce(interactions.message_text, h.message_text) FROM {source} h "
                    "WHERE interactions.source_key = h.source_key "
                    "AND ((interactions.contact_id IS NULL AND h.contact_id IS NOT NULL) "
                    "OR (interactions.outcome IS NULL AND h.outcome IS NOT NULL) "
                    "OR (interactions.message_text IS NULL AND h.message_text IS NOT NULL))").fetchone()[0]
                inserted = conn.execute(
                    f"INSERT INTO interactions ({names}) SELECT {names} FROM {source} h "
                    "WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.source_key = h.source_key) "
                    "ORDER BY h.occurred_at, h.source_key").fetchone()[0]
            finally:
                with contextlib.suppress(duckdb.Error):  # never hide the error that got us here
                    conn.execute("DROP TABLE IF EXISTS history_in")
                    conn.unregister("incoming_history")
            unchanged = rows - inserted - updated
            conn.execute("UPDATE imports SET total = ?, inserted = ?, updated = ?, unchanged = ?, skipped_blank = 0, "
                         "rejected = ? WHERE id = ?", [total, inserted, updated, unchanged, rejected, import_id])
            if inserted or updated:
                self._bump_data_version(conn)
        return Saved(import_id, int(inserted), int(updated), int(unchanged))

    def imported(self) -> int:
        """How many interactions came from imported history."""
        with self._reading() as conn:
            return conn.execute("SELECT count(*) FROM interactions WHERE source_key IS NOT NULL").fetchone()[0]
