"""The workspace as a whole: its summary, a one-file backup, and restoring that backup."""

from __future__ import annotations

from .backup import write_backup
from .backup_restore import restore_backup
from .connection import StoreError


class WorkspaceMixin:
    def summary(self) -> dict[str, int]:
        """Counts for the Home page, in one round trip."""
        with self.reading() as conn:
            row = conn.execute(
                """
                SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM goals WHERE status = 'active'),
                       (SELECT count(*) FROM goals), (SELECT count(*) FROM events),
                       (SELECT count(*) FROM events WHERE starts_at >= current_date),
                       (SELECT count(*) FROM interactions), (SELECT count(*) FROM imports)
                """
            ).fetchone()
        keys = ("contacts", "active_goals", "goals", "events", "upcoming_events", "interactions", "imports")
        return dict(zip(keys, row))

    def is_empty(self) -> bool:
        s = self.summary()
        return not (s["contacts"] or s["goals"] or s["events"] or s["interactions"])

    def backup_zip(self) -> bytes:
        """The whole workspace as one zip: a manifest and one Parquet file per table (``backup``)."""
        with self.reading() as conn:
            return write_backup(conn, self.schema_version())

    def restore_zip(self, data: bytes) -> dict[str, int]:
        """Replace the workspace with a backup; the current file is kept as ``<name>.before-restore``.

        The backup is read as data only, into a new file that is swapped in once complete; a zip that
        is not a backup Rapport wrote is refused (``StoreError``, one line) and the workspace is untouched.
        """
        if getattr(self._local, "conn", None) is not None:
            raise StoreError("Cannot restore while a session is open on this workspace.")
        restore_backup(self.path, data)
        return self.summary()
