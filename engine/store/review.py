"""What the monthly review keeps: the flags a user dismissed, and why."""

from __future__ import annotations

from engine.errors import UserError

from .base import Part


class Flags(Part):
    """``store.flags``: the refinement flags a user dismissed, and why."""

    def dismiss(self, flag_key: str, reason: str) -> None:
        """Hide a refinement flag from now on; the reason is kept (shown in the review's history)."""
        if not reason.strip():
            raise UserError("say why you dismiss this flag (it is kept for your next review)")
        with self._writing() as conn:
            conn.execute("DELETE FROM flag_dismissals WHERE flag_key = ?", [flag_key])
            conn.execute("INSERT INTO flag_dismissals VALUES (?, ?, current_timestamp)", [flag_key, reason.strip()])

    def dismissed(self) -> dict[str, str]:
        with self._reading() as conn:
            return dict(conn.execute("SELECT flag_key, reason FROM flag_dismissals ORDER BY dismissed_at").fetchall())

    def restore(self, flag_key: str) -> None:
        with self._writing() as conn:
            conn.execute("DELETE FROM flag_dismissals WHERE flag_key = ?", [flag_key])
