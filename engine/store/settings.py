"""Workspace settings (time zone, keep-texts ...) and keep-in-touch cadences per tag."""

from __future__ import annotations

from engine.errors import UserError

from .base import Part


class Settings(Part):
    """``store.settings``: key-value settings and the cadence of each tag."""

    def tag_cadences(self) -> dict[str, tuple[int, int | None]]:
        with self._reading() as conn:
            return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT tag, ideal_days, max_days FROM tag_cadences")
                    .fetchall()}

    def set_tag_cadence(self, tag: str, ideal_days: int | None, max_days: int | None = None) -> None:
        """Set (or, with ideal_days None, remove) the keep-in-touch cadence of everyone with ``tag``."""
        if ideal_days is not None and ideal_days < 1:
            raise UserError("a cadence must be at least one day")
        if ideal_days is not None and max_days is not None and max_days < ideal_days:
            raise UserError("the maximum gap cannot be shorter than the ideal one")
        with self._writing() as conn:
            conn.execute("DELETE FROM tag_cadences WHERE tag = ?", [tag])
            if ideal_days is not None:
                conn.execute("INSERT INTO tag_cadences VALUES (?, ?, ?)", [tag, ideal_days, max_days])

    def get(self, key: str, default: str | None = None) -> str | None:
        with self._reading() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set(self, key: str, value: str | None) -> None:
        with self._writing() as conn:
            conn.execute("DELETE FROM settings WHERE key = ?", [key])
            if value is not None:
                conn.execute("INSERT INTO settings VALUES (?, ?)", [key, value])
