"""Goals and their audience segments."""

from __future__ import annotations

from engine.errors import NotFound, UserError
from engine.vocabulary import GOAL_STATUSES

from .base import Part, rows_as_dicts

GOAL_FIELDS = ("title", "outcome", "description", "target_roles", "seniority", "industries", "companies",
               "locations", "metric", "target", "due_date", "priority", "status")
SEGMENT_FIELDS = ("name", "roles", "seniority", "companies", "industries", "keywords", "relationship")
LIST_FIELDS = {"target_roles", "seniority", "industries", "companies", "locations", "roles", "keywords"}


def _clean(fields: tuple[str, ...], values: dict) -> dict:
    unknown = set(values) - set(fields) - {"id", "goal_id", "segments", "created_at", "updated_at"}
    if unknown:
        raise UserError(f"unknown fields: {', '.join(sorted(unknown))}")
    out = {}
    for name in fields:
        if name not in values:
            continue
        value = values[name]
        if name in LIST_FIELDS:
            value = [str(v).strip() for v in (value or []) if str(v).strip()]
        out[name] = value
    return out


class Goals(Part):
    """``store.goals``: goals and their audience segments."""

    def add(self, goal: dict) -> int:
        """Create a goal (and its ``segments``, if given); returns the new id.

        Progress counts from ``created_at`` (now by default). A goal set up for history that is already
        there, as the demo's months of outreach, gives the day its work began."""
        values = _clean(GOAL_FIELDS, goal)
        if goal.get("created_at") is not None:
            values["created_at"] = goal["created_at"]
        if not values.get("title", "").strip():
            raise UserError("a goal needs a title")
        values.setdefault("outcome", "other")
        if values.get("status", "active") not in GOAL_STATUSES:
            raise UserError(f"status must be one of {', '.join(GOAL_STATUSES)}")
        names = list(values)
        with self._writing() as conn:
            goal_id = conn.execute(
                f"INSERT INTO goals ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) RETURNING id",
                list(values.values()),
            ).fetchone()[0]
            for segment in goal.get("segments") or []:
                self._insert_segment(conn, goal_id, segment)
        return goal_id

    def update(self, goal_id: int, changes: dict) -> None:
        values = _clean(GOAL_FIELDS, changes)
        if "status" in values and values["status"] not in GOAL_STATUSES:
            raise UserError(f"status must be one of {', '.join(GOAL_STATUSES)}")
        if not values:
            return
        with self._writing() as conn:
            self._update_by_id(conn, "goals", goal_id, values, "goal")

    def set_status(self, goal_id: int, status: str) -> None:
        self.update(goal_id, {"status": status})

    def all(self, statuses: tuple[str, ...] | None = None) -> list[dict]:
        """Goals with their segments, highest priority first."""
        with self._reading() as conn:
            goals = rows_as_dicts(conn.execute("SELECT * FROM goals ORDER BY priority DESC, id"))
            segments = rows_as_dicts(conn.execute("SELECT * FROM segments ORDER BY id"))
        by_goal: dict[int, list[dict]] = {}
        for segment in segments:
            by_goal.setdefault(segment["goal_id"], []).append(segment)
        for goal in goals:
            goal["segments"] = by_goal.get(goal["id"], [])
        if statuses:
            goals = [g for g in goals if g["status"] in statuses]
        return goals

    def get(self, goal_id: int) -> dict | None:
        return next((g for g in self.all() if g["id"] == goal_id), None)

    @staticmethod
    def _insert_segment(conn, goal_id: int, segment: dict) -> int:
        values = _clean(SEGMENT_FIELDS, segment)
        if not values.get("name", "").strip():
            raise UserError("a segment needs a name")
        names = ["goal_id"] + list(values)
        return conn.execute(
            f"INSERT INTO segments ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) RETURNING id",
            [goal_id] + list(values.values()),
        ).fetchone()[0]

    def add_segment(self, goal_id: int, segment: dict) -> int:
        with self._writing() as conn:
            if not conn.execute("SELECT count(*) FROM goals WHERE id = ?", [goal_id]).fetchone()[0]:
                raise NotFound(f"no goal with id {goal_id}")
            return self._insert_segment(conn, goal_id, segment)


    def delete_segment(self, segment_id: int) -> None:
        with self._writing() as conn:
            conn.execute("DELETE FROM segments WHERE id = ?", [segment_id])
