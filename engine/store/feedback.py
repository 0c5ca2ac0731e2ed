"""The user's marks on contacts for a goal: "good fit" or "not a fit" (``store.feedback``).

One mark per contact and goal; marking again replaces it, clearing removes it. What a per-goal
model learns from (engine.outreach.feedback). Marks do not change the data version (the ranker
is not refitted for a mark): callers key their caches by ``fingerprint()``.
"""

from __future__ import annotations

from engine.errors import NotFound, UserError
from engine.vocabulary import FEEDBACK_FITS

from .base import Part


class Feedback(Part):
    """``store.feedback``: good-fit / not-a-fit marks per goal."""

    def mark(self, goal_id: int, contact_ids: list[int] | int, fit: str) -> int:
        """Mark one or more contacts for a goal; returns how many were marked."""
        if fit not in FEEDBACK_FITS:
            raise UserError(f"a mark is one of {', '.join(FEEDBACK_FITS)}, not {fit!r}")
        ids = [int(contact_ids)] if isinstance(contact_ids, int) else sorted({int(i) for i in contact_ids})
        if not ids:
            return 0
        with self._writing() as conn:
            if not conn.execute("SELECT count(*) FROM goals WHERE id = ?", [goal_id]).fetchone()[0]:
                raise NotFound(f"no goal with id {goal_id}")
            known = {r[0] for r in conn.execute("SELECT id FROM contacts WHERE list_contains(?, id)", [ids]).fetchall()}
            missing = [i for i in ids if i not in known]
            if missing:
                raise NotFound(f"no contact with id {missing[0]}")
            conn.executemany(
                "INSERT INTO feedback (goal_id, contact_id, fit) VALUES (?, ?, ?) ON CONFLICT (goal_id, contact_id) "
                "DO UPDATE SET fit = excluded.fit, marked_at = get_current_timestamp()",
                [[goal_id, i, fit] for i in ids])
        return len(ids)

    def clear(self, goal_id: int, contact_ids: list[int] | int) -> int:
        """Remove the marks of these contacts for a goal; returns how many there were."""
        ids = [int(contact_ids)] if isinstance(contact_ids, int) else [int(i) for i in contact_ids]
        with self._writing() as conn:
            return conn.execute("DELETE FROM feedback WHERE goal_id = ? AND list_contains(?, contact_id)",
                                [goal_id, ids]).fetchone()[0]

    def marks(self, goal_id: int | None = None) -> dict[int, dict[int, str]]:
        """goal id -> {contact id: 'good' | 'bad'} (one goal's when ``goal_id`` is given)."""
        with self._reading() as conn:
            rows = conn.execute("SELECT goal_id, contact_id, fit FROM feedback WHERE ? IS NULL OR goal_id = ? "
                                "ORDER BY goal_id, marked_at, contact_id", [goal_id, goal_id]).fetchall()
        out: dict[int, dict[int, str]] = {}
        for goal, contact, fit in rows:
            out.setdefault(int(goal), {})[int(contact)] = fit
        return out

    def fingerprint(self) -> tuple:
        """(count, latest mark): changes whenever a mark is added, changed or cleared."""
        with self._reading() as conn:
            count, latest, total = conn.execute(
                "SELECT count(*), max(marked_at), coalesce(sum(hash(goal_id, contact_id, fit)), 0) FROM feedback"
            ).fetchone()
        return int(count), None if latest is None else str(latest), str(total)
