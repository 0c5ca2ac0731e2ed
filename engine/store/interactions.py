"""The interaction log: outreach, inbound messages, meetings, events attended, and their outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import NotFound, UserError
from engine.vocabulary import CHANNELS, INTERACTION_KINDS, OUTCOMES, as_date

from .base import Part

if TYPE_CHECKING:  # both load slowly: only where a frame or a table is made
    import pandas as pd

_NAMES = ("contact_id", "event_id", "goal_id", "template_id", "kind", "channel", "occurred_on", "outcome",
          "follow_up_on", "notes", "message_length", "message_text")
_ARROW_TYPES = {"contact_id": "int64", "event_id": "int64", "goal_id": "int64", "template_id": "int64",
                "kind": "string", "channel": "string", "occurred_on": "date32", "outcome": "string",
                "follow_up_on": "date32", "notes": "string", "message_length": "int32", "message_text": "string"}
_INSERT = f"INSERT INTO interactions ({', '.join(_NAMES)}) VALUES ({', '.join('?' for _ in _NAMES)})"


def _check(interaction: dict) -> None:
    if interaction.get("kind", "outreach") not in INTERACTION_KINDS:
        raise UserError(f"kind must be one of {', '.join(INTERACTION_KINDS)}")
    if interaction.get("outcome") is not None and interaction["outcome"] not in OUTCOMES:
        raise UserError(f"outcome must be one of {', '.join(OUTCOMES)}")
    if interaction.get("channel") is not None and interaction["channel"] not in CHANNELS:
        raise UserError(f"channel must be one of {', '.join(CHANNELS)}")
    occurred = as_date(interaction.get("occurred_on"))
    if occurred is None:
        raise UserError("an interaction needs a date")
    follow = as_date(interaction.get("follow_up_on"))
    if follow is not None and follow < occurred:
        raise UserError(f"the follow-up date {follow} is before the interaction's date {occurred}")


# What an interaction may link to: its column, the table, and the word for a message.
_REFERENCES = (("contact_id", "contacts", "contact"), ("goal_id", "goals", "goal"),
               ("template_id", "templates", "template"), ("event_id", "events", "event"))
_FOUND = "SELECT " + ", ".join(f"(SELECT count(*) FROM {table} WHERE id = ?)" for _, table, _ in _REFERENCES)


def _check_references(conn, interaction: dict) -> None:
    """KeyError naming the first contact, goal, template or event the interaction links to that does not exist."""
    ids = [interaction.get(column) for column, _, _ in _REFERENCES]
    if all(i is None for i in ids):
        return
    found = conn.execute(_FOUND, ids).fetchone()
    for (_, _, what), row_id, count in zip(_REFERENCES, ids, found):
        if row_id is not None and not count:
            raise NotFound(f"no {what} with id {row_id}")


ANSWERS_WITHIN = 90  # days after an outreach within which a reply logged answers it
_ANSWER = """
    UPDATE interactions SET outcome = ? WHERE id = (
        SELECT id FROM interactions
        WHERE contact_id = ? AND kind = 'outreach' AND (outcome IS NULL OR outcome = 'no_response')
          AND occurred_on <= ? AND occurred_on >= CAST(? AS DATE) - to_days(CAST(? AS INTEGER))
        ORDER BY occurred_on DESC, id DESC LIMIT 1)
"""


class Interactions(Part):
    """``store.interactions``: the interaction log."""

    def log(self, interaction: dict) -> int:
        """Record one outreach, inbound message, meeting or event attended; returns its id.

        A reply or a meeting logged with a contact answers the outreach to them it follows (the latest
        one, within ANSWERS_WITHIN days, whose outcome is not known yet or "no response"): its outcome
        becomes the reply's ("replied" for a message, "meeting" for a meeting, else the outcome
        given), in the same transaction. Today already read such a reply as the answer; the review's
        reply rates and the learning read the outreach's outcome, and counted none.

        Refused (ValueError, KeyError) with nothing written: a follow-up before the interaction, or
        a link to a contact, goal, template or event that does not exist.
        """
        _check(interaction)
        row = {**interaction, "kind": interaction.get("kind", "outreach")}
        with self._writing() as conn:
            _check_references(conn, row)
            new_id = conn.execute(
                _INSERT + " RETURNING id",
                [row.get(n) for n in _NAMES],
            ).fetchone()[0]
            answer = row.get("outcome") or {"inbound": "replied", "meeting": "meeting"}.get(row["kind"])
            if row["kind"] in ("inbound", "meeting") and row.get("contact_id") is not None and answer:
                occurred = as_date(row["occurred_on"])
                conn.execute(_ANSWER, [answer, row["contact_id"], occurred, occurred, ANSWERS_WITHIN])
            self._bump_data_version(conn)
        return new_id

    def log_many(self, interactions: list[dict]) -> int:
        """Many interactions in one transaction (the demo workspace, an event's attendees): all or none.

        Handed to DuckDB as one Arrow table: 5,000 rows take milliseconds, not the seconds that a
        statement per row costs.
        """
        for interaction in interactions:
            _check(interaction)
        rows = [{**i, "kind": i.get("kind", "outreach"), "occurred_on": as_date(i.get("occurred_on")),
                 "follow_up_on": as_date(i.get("follow_up_on"))} for i in interactions]
        import pyarrow as pa

        table = pa.table({name: pa.array([row.get(name) for row in rows], type=getattr(pa, kind)())
                          for name, kind in _ARROW_TYPES.items()})
        with self._writing() as conn:
            conn.register("incoming_interactions", table)
            try:
                conn.execute(f"INSERT INTO interactions ({', '.join(_NAMES)}) "
                             f"SELECT {', '.join(_NAMES)} FROM incoming_interactions")
            finally:
                conn.unregister("incoming_interactions")
            self._bump_data_version(conn)
        return len(interactions)

    def set_outcome(self, interaction_id: int, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise UserError(f"outcome must be one of {', '.join(OUTCOMES)}")
        with self._writing() as conn:
            conn.execute("UPDATE interactions SET outcome = ? WHERE id = ?", [outcome, interaction_id])
            self._bump_data_version(conn)

    def get(self, interaction_id: int) -> dict:
        """One interaction as logged (its own columns); NotFound when there is none."""
        with self._reading() as conn:
            cursor = conn.execute("SELECT * FROM interactions WHERE id = ?", [interaction_id])
            row = cursor.fetchone()
            if row is None:
                raise NotFound(f"no interaction with id {interaction_id}")
            return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def update(self, interaction_id: int, **changes) -> None:
        """Correct a logged interaction: its kind, channel, date, outcome, follow-up or notes.

        The corrected record is checked as a new one would be (a follow-up before the date, an
        unknown channel): refused with nothing written."""
        allowed = ("kind", "channel", "occurred_on", "outcome", "follow_up_on", "notes", "goal_id")
        unknown = sorted(set(changes) - set(allowed))
        if unknown:
            raise UserError(f"an interaction has no field {', '.join(unknown)} to change")
        record = {**self.get(interaction_id), **changes}
        _check(record)
        if not changes:
            return
        names = [n for n in allowed if n in changes]
        with self._writing() as conn:
            _check_references(conn, {"goal_id": record.get("goal_id")})
            conn.execute(f"UPDATE interactions SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
                         [as_date(changes[n]) if n in ("occurred_on", "follow_up_on") else changes[n] for n in names]
                         + [interaction_id])
            self._bump_data_version(conn)

    def delete(self, interaction_id: int) -> dict:
        """Remove a logged interaction; returns it as it was, so that it can be put back (``restore``)."""
        record = self.get(interaction_id)
        with self._writing() as conn:
            conn.execute("DELETE FROM interactions WHERE id = ?", [interaction_id])
            self._bump_data_version(conn)
        return record

    def restore(self, record: dict) -> None:
        """Put back an interaction ``delete`` returned, with its id (undo)."""
        names = [n for n in record if n != "created_at"]
        with self._writing() as conn:
            conn.execute(f"INSERT INTO interactions ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                         [record[n] for n in names])
            self._bump_data_version(conn)

    def timeline(self, contact_id: int) -> pd.DataFrame:
        with self._reading() as conn:
            return conn.execute(
                "SELECT i.id, i.occurred_on, i.kind, i.channel, i.outcome, i.follow_up_on, i.notes, "
                "g.title AS goal, e.title AS event FROM interactions i "
                "LEFT JOIN goals g ON g.id = i.goal_id LEFT JOIN events e ON e.id = i.event_id "
                "WHERE i.contact_id = ? ORDER BY i.occurred_on DESC, i.id DESC",
                [contact_id],
            ).df()

    def progress_frame(self) -> pd.DataFrame:
        """What counting goals' progress reads of the log (goal, kind, outcome, day), without the joins
        ``frame`` makes for the names: Home counts it on every visit."""
        with self._reading() as conn:
            return conn.execute(
                "SELECT goal_id, kind, outcome, occurred_on FROM interactions WHERE goal_id IS NOT NULL "
                "ORDER BY occurred_on, id"
            ).df()

    def frame(self) -> pd.DataFrame:
        """Every interaction with the names a person reads: contact, goal, template, event."""
        with self._reading() as conn:
            return conn.execute(
                "SELECT i.*, c.full_name, c.email, c.company, g.title AS goal, t.name AS template, e.title AS event "
                "FROM interactions i LEFT JOIN contacts c ON c.id = i.contact_id "
                "LEFT JOIN goals g ON g.id = i.goal_id LEFT JOIN templates t ON t.id = i.template_id "
                "LEFT JOIN events e ON e.id = i.event_id ORDER BY i.occurred_on, i.id"
            ).df()
