"""Communication: message templates, elevator pitch versions, tag cadences and settings."""

from __future__ import annotations

import json

from .base import rows_as_dicts

TEMPLATE_FIELDS = ("name", "channel", "purpose", "subject", "body")


class MessagesMixin:
    # -- templates -----------------------------------------------------------------------------------
    def templates(self, channel: str | None = None) -> list[dict]:
        """All templates (the starter set is added the first time a workspace asks for them)."""
        self._seed_templates()
        with self._reading() as conn:
            sql = "SELECT * FROM templates" + (" WHERE channel = ?" if channel else "") + " ORDER BY builtin, name"
            return rows_as_dicts(conn.execute(sql, [channel] if channel else []))

    def _seed_templates(self) -> None:
        from engine.outreach.messages import STARTER_TEMPLATES

        with self._reading() as conn:
            if conn.execute("SELECT count(*) FROM templates").fetchone()[0]:
                return
        with self._writing() as conn:
            conn.executemany(
                "INSERT INTO templates (name, channel, purpose, subject, body, builtin) VALUES (?, ?, ?, ?, ?, true)",
                [[t["name"], t["channel"], t["purpose"], t.get("subject"), t["body"]] for t in STARTER_TEMPLATES],
            )

    def template(self, template_id: int) -> dict | None:
        with self._reading() as conn:
            rows = rows_as_dicts(conn.execute("SELECT * FROM templates WHERE id = ?", [template_id]))
        return rows[0] if rows else None

    def save_template(self, template: dict, template_id: int | None = None) -> int:
        values = {k: template.get(k) for k in TEMPLATE_FIELDS}
        if not (values["name"] or "").strip() or not (values["body"] or "").strip():
            raise ValueError("a template needs a name and a text")
        if not values["channel"]:
            raise ValueError("a template needs a channel")
        with self._writing() as conn:
            if template_id is None:
                return conn.execute(
                    f"INSERT INTO templates ({', '.join(TEMPLATE_FIELDS)}) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    list(values.values()),
                ).fetchone()[0]
            conn.execute(f"UPDATE templates SET {', '.join(f'{k} = ?' for k in TEMPLATE_FIELDS)} WHERE id = ?",
                         list(values.values()) + [template_id])
            return template_id

    def delete_template(self, template_id: int) -> None:
        with self._writing() as conn:
            conn.execute("DELETE FROM templates WHERE id = ?", [template_id])

    def template_usage(self) -> dict[int, int]:
        with self._reading() as conn:
            return dict(conn.execute(
                "SELECT template_id, count(*) FROM interactions WHERE template_id IS NOT NULL GROUP BY template_id"
            ).fetchall())

    # -- pitches ---------------------------------------------------------------------------------------
    def save_pitch(self, goal_id: int | None, parts: dict[str, str], text: str) -> int:
        """Keep a new version of the pitch for a goal (or the general pitch, goal_id None)."""
        with self._writing() as conn:
            version = conn.execute(
                "SELECT coalesce(max(version), 0) + 1 FROM pitches WHERE goal_id IS NOT DISTINCT FROM ?", [goal_id]
            ).fetchone()[0]
            conn.execute("INSERT INTO pitches (goal_id, version, parts, text) VALUES (?, ?, ?, ?)",
                         [goal_id, version, json.dumps(parts), text])
        return version

    def pitches(self, goal_id: int | None) -> list[dict]:
        """Versions of a goal's pitch, newest first."""
        with self._reading() as conn:
            rows = rows_as_dicts(conn.execute(
                "SELECT id, goal_id, version, parts, text, created_at FROM pitches "
                "WHERE goal_id IS NOT DISTINCT FROM ? ORDER BY version DESC", [goal_id]))
        for row in rows:
            row["parts"] = json.loads(row["parts"]) if row["parts"] else {}
        return rows

    def latest_pitch(self, goal_id: int | None) -> str | None:
        """The goal's newest pitch, else the general one."""
        for candidate in (goal_id, None):
            versions = self.pitches(candidate)
            if versions:
                return versions[0]["text"]
        return None

    # -- keep-in-touch cadences per tag, and workspace settings ------------------------------------------
    def tag_cadences(self) -> dict[str, tuple[int, int | None]]:
        with self._reading() as conn:
            return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT tag, ideal_days, max_days FROM tag_cadences")
                    .fetchall()}

    def set_tag_cadence(self, tag: str, ideal_days: int | None, max_days: int | None = None) -> None:
        """Set (or, with ideal_days None, remove) the keep-in-touch cadence of everyone with ``tag``."""
        if ideal_days is not None and ideal_days < 1:
            raise ValueError("a cadence must be at least one day")
        if ideal_days is not None and max_days is not None and max_days < ideal_days:
            raise ValueError("the maximum gap cannot be shorter than the ideal one")
        with self._writing() as conn:
            conn.execute("DELETE FROM tag_cadences WHERE tag = ?", [tag])
            if ideal_days is not None:
                conn.execute("INSERT INTO tag_cadences VALUES (?, ?, ?)", [tag, ideal_days, max_days])

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self._reading() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        with self._writing() as conn:
            conn.execute("DELETE FROM settings WHERE key = ?", [key])
            if value is not None:
                conn.execute("INSERT INTO settings VALUES (?, ?)", [key, value])
