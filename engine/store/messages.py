"""Communication: message templates and elevator pitch versions."""

from __future__ import annotations

import json

from engine.errors import UserError

from .base import Part, rows_as_dicts

TEMPLATE_FIELDS = ("name", "channel", "purpose", "subject", "body")


class Templates(Part):
    """``store.templates``: message templates per channel and purpose."""

    def all(self, channel: str | None = None) -> list[dict]:
        """All templates, the user's first, then the starter set."""
        with self._reading() as conn:
            sql = "SELECT * FROM templates" + (" WHERE channel = ?" if channel else "") + " ORDER BY builtin, name"
            return rows_as_dicts(conn.execute(sql, [channel] if channel else []))

    def add_starters(self, starters: list[dict]) -> int:
        """Add ``starters`` (the app's starter set) to a workspace that has no template yet; returns how many."""
        with self._reading() as conn:
            if conn.execute("SELECT count(*) FROM templates").fetchone()[0]:
                return 0
        with self._writing() as conn:
            if conn.execute("SELECT count(*) FROM templates").fetchone()[0]:  # another process was first
                return 0
            conn.executemany(
                "INSERT INTO templates (name, channel, purpose, subject, body, builtin) VALUES (?, ?, ?, ?, ?, true)",
                [[t["name"], t["channel"], t["purpose"], t.get("subject"), t["body"]] for t in starters],
            )
        return len(starters)

    def get(self, template_id: int) -> dict | None:
        with self._reading() as conn:
            rows = rows_as_dicts(conn.execute("SELECT * FROM templates WHERE id = ?", [template_id]))
        return rows[0] if rows else None

    def save(self, template: dict, template_id: int | None = None) -> int:
        values = {k: template.get(k) for k in TEMPLATE_FIELDS}
        if not (values["name"] or "").strip() or not (values["body"] or "").strip():
            raise UserError("a template needs a name and a text")
        if not values["channel"]:
            raise UserError("a template needs a channel")
        with self._writing() as conn:
            if template_id is None:
                return conn.execute(
                    f"INSERT INTO templates ({', '.join(TEMPLATE_FIELDS)}) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    list(values.values()),
                ).fetchone()[0]
            conn.execute(f"UPDATE templates SET {', '.join(f'{k} = ?' for k in TEMPLATE_FIELDS)} WHERE id = ?",
                         list(values.values()) + [template_id])
            return template_id

    def delete(self, template_id: int) -> None:
        with self._writing() as conn:
            conn.execute("DELETE FROM templates WHERE id = ?", [template_id])

    def usage(self) -> dict[int, int]:
        with self._reading() as conn:
            return dict(conn.execute(
                "SELECT template_id, count(*) FROM interactions WHERE template_id IS NOT NULL GROUP BY template_id"
            ).fetchall())

class Pitches(Part):
    """``store.pitches``: versions of the elevator pitch, per goal or general."""

    def save(self, goal_id: int | None, parts: dict[str, str], text: str) -> int:
        """Keep a new version of the pitch for a goal (or the general pitch, goal_id None)."""
        with self._writing() as conn:
            version = conn.execute(
                "SELECT coalesce(max(version), 0) + 1 FROM pitches WHERE goal_id IS NOT DISTINCT FROM ?", [goal_id]
            ).fetchone()[0]
            conn.execute("INSERT INTO pitches (goal_id, version, parts, text) VALUES (?, ?, ?, ?)",
                         [goal_id, version, json.dumps(parts), text])
        return version

    def all(self, goal_id: int | None) -> list[dict]:
        """Versions of a goal's pitch, newest first."""
        with self._reading() as conn:
            rows = rows_as_dicts(conn.execute(
                "SELECT id, goal_id, version, parts, text, created_at FROM pitches "
                "WHERE goal_id IS NOT DISTINCT FROM ? ORDER BY version DESC", [goal_id]))
        for row in rows:
            row["parts"] = json.loads(row["parts"]) if row["parts"] else {}
        return rows

    def latest(self, goal_id: int | None) -> str | None:
        """The goal's newest pitch, else the general one."""
        for candidate in (goal_id, None):
            versions = self.all(candidate)
            if versions:
                return versions[0]["text"]
        return None
