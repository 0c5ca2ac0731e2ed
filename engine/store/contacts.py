"""Reading and editing contacts: one page at a time, never the whole table to the browser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.errors import NotFound, UserError
from engine.vocabulary import RELATIONSHIPS

from .base import Part
from .companies import company_facts, with_company_facts

if TYPE_CHECKING:  # pandas loads in a quarter of a second: only where a frame is made
    import pandas as pd


SORTS = {
    "name": "full_name ASC NULLS LAST, id",
    "company": "company ASC NULLS LAST, full_name, id",
    "recently connected": "connected_on DESC NULLS LAST, id",
    "strength": "strength DESC NULLS LAST, full_name, id",
    "recently updated": "updated_at DESC, id",
}

LIST_COLUMNS = "id, full_name, company, position, email, linkedin_url, tags, strength, relationship, connected_on"
# Every field a contact has that a person or a script may want (exports, ``rapport contacts --json``).
EVERY_FIELD = ("id, first_name, last_name, full_name, email, company, position, linkedin_url, phone, location, "
               "connected_on, tags, strength, relationship, cadence_days, cadence_max_days, notes")
EDITABLE = ("tags", "strength", "notes", "cadence_days", "cadence_max_days", "relationship")


@dataclass(frozen=True)
class ContactQuery:
    """What the Contacts page (or the CLI) asks for: a search, filters, a sort and a page."""

    search: str = ""
    company: str = ""
    tag: str = ""
    min_strength: int | None = None
    sort: str = "name"
    page: int = 1
    page_size: int = 50


def _where(query: ContactQuery) -> tuple[str, list]:
    clauses, params = ["TRUE"], []
    if query.search.strip():
        # The rule of engine.search.matching (a test checks both agree): the text as typed, in any
        # field or any one tag; contains(), not LIKE, so "_" and "%" are only themselves.
        wanted = query.search.strip().lower()
        clauses.append(
            "(contains(lower(full_name), ?) OR contains(lower(company), ?) OR contains(lower(position), ?) "
            "OR contains(lower(email), ?) OR contains(lower(array_to_string(tags, chr(10))), ?))"
        )
        params += [wanted] * 5
    if query.company:
        clauses.append("company = ?")
        params.append(query.company)
    if query.tag:
        clauses.append("list_contains(tags, ?)")
        params.append(query.tag)
    if query.min_strength is not None:
        clauses.append("strength >= ?")
        params.append(int(query.min_strength))
    return " AND ".join(clauses), params


def _vetted(changes: dict) -> dict:
    """The user's own fields, checked (UserError naming the first problem); tags cleaned."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UserError(f"these fields cannot be edited: {', '.join(sorted(unknown))}")
    if changes.get("relationship") is not None and changes["relationship"] not in RELATIONSHIPS:
        raise UserError(f"relationship must be one of {', '.join(RELATIONSHIPS)}")
    if "strength" in changes and changes["strength"] is not None and not 0 <= int(changes["strength"]) <= 5:
        raise UserError("relationship strength must be between 0 and 5")
    if "cadence_days" in changes and changes["cadence_days"] is not None and int(changes["cadence_days"]) < 1:
        raise UserError("a keep-in-touch cadence must be at least one day")
    ideal, most = changes.get("cadence_days"), changes.get("cadence_max_days")
    if ideal is not None and most is not None and int(most) < int(ideal):
        raise UserError("the latest gap cannot be shorter than the keep-in-touch cadence")
    if "tags" in changes:
        changes = {**changes, "tags": sorted({t.strip() for t in (changes["tags"] or []) if t and t.strip()})}
    return changes


class Contacts(Part):
    """``store.contacts``: reading and editing contacts."""

    def find(self, query: ContactQuery = ContactQuery(), every_field: bool = False) -> tuple[pd.DataFrame, int]:
        """One page of contacts matching ``query`` and the total number that match; ``every_field``:
        all the fields ``export`` gives, not only the list's."""
        where, params = _where(query)
        order = SORTS.get(query.sort, SORTS["name"])
        offset = max(query.page - 1, 0) * query.page_size
        with self._reading() as conn:
            total = conn.execute(f"SELECT count(*) FROM contacts WHERE {where}", params).fetchone()[0]
            frame = conn.execute(
                f"SELECT {EVERY_FIELD if every_field else LIST_COLUMNS} FROM contacts WHERE {where} "
                f"ORDER BY {order} LIMIT ? OFFSET ?",
                params + [query.page_size, offset],
            ).df()
        return frame, total

    def fingerprint(self) -> tuple:
        """(count, highest id, latest change) of the contacts: with the data version, tells one
        workspace's state from another's (a file deleted and made anew starts at data version 0 too)."""
        with self._reading() as conn:
            count, top, changed = conn.execute("SELECT count(*), max(id), max(updated_at) FROM contacts").fetchone()
        return count, top, None if changed is None else str(changed)

    def count(self) -> int:
        with self._reading() as conn:
            return conn.execute("SELECT count(*) FROM contacts").fetchone()[0]

    def get(self, contact_id: int) -> dict | None:
        with self._reading() as conn:
            cur = conn.execute("SELECT * FROM contacts WHERE id = ?", [contact_id])
            row = cur.fetchone()
            if row is None:
                return None
            data = dict(zip([d[0] for d in cur.description], row))
            data["job_changes"] = [
                dict(zip(("changed_on", "old_company", "old_position", "new_company", "new_position"), r))
                for r in conn.execute(
                    "SELECT changed_on, old_company, old_position, new_company, new_position FROM job_changes "
                    "WHERE contact_id = ? ORDER BY changed_on DESC, id DESC",
                    [contact_id],
                ).fetchall()
            ]
        return data

    def update(self, contact_id: int, **changes) -> None:
        """Edit the user's own fields of one contact (tags, strength 0-5, notes, cadence, relationship)."""
        changes = _vetted(changes)
        if not changes:
            return
        with self._writing() as conn:
            self._update_by_id(conn, "contacts", contact_id, changes, "contact")
            self._bump_data_version(conn)

    def update_many(self, contact_ids: list[int], add_tags: list[str] | None = None, **changes) -> int:
        """One change for several contacts at once (the bulk actions), all or none: ``add_tags`` joins
        each one's tags; the other fields are set as ``update`` sets them. Returns how many changed."""
        ids = sorted({int(i) for i in contact_ids})
        changes = _vetted(changes)
        tags = sorted({t.strip() for t in (add_tags or []) if t and t.strip()})
        if not ids or not (changes or tags):
            return 0
        with self._writing() as conn:
            for contact_id in ids:  # a few hundred at most: what a person selects
                if changes:
                    self._update_by_id(conn, "contacts", contact_id, changes, "contact")
                elif not conn.execute("SELECT count(*) FROM contacts WHERE id = ?", [contact_id]).fetchone()[0]:
                    raise NotFound(f"no contact with id {contact_id}")
            if tags:
                conn.execute("UPDATE contacts SET tags = list_sort(list_distinct(list_concat(coalesce(tags, []), ?))), "
                             "updated_at = current_timestamp WHERE list_contains(?, id)", [tags, ids])
            self._bump_data_version(conn)
        return len(ids)

    def merge(self, from_id: int, into_id: int) -> None:
        """Fold a duplicate contact into another, in one transaction: its interactions, job changes
        and fit marks move along (where both have a mark for a goal, the kept contact's stays), its
        tags join, the stronger tie counts, and each field the kept contact lacks is taken from it;
        then the duplicate is gone."""
        if from_id == into_id:
            raise UserError("a contact cannot be merged into itself")
        for contact_id in (from_id, into_id):
            if self.get(contact_id) is None:
                raise NotFound(f"no contact with id {contact_id}")
        fill = ("first_name", "last_name", "full_name", "email", "company", "position", "linkedin_url", "phone",
                "location", "connected_on", "relationship", "cadence_days", "cadence_max_days")
        with self._writing() as conn:
            conn.execute(
                "UPDATE contacts AS k SET "
                + ", ".join(f"{f} = coalesce(k.{f}, d.{f})" for f in fill)
                + ", tags = list_sort(list_distinct(list_concat(coalesce(k.tags, []), coalesce(d.tags, [])))), "
                "strength = greatest(k.strength, d.strength), "
                "notes = CASE WHEN k.notes IS NULL OR k.notes = '' THEN d.notes "
                "             WHEN d.notes IS NULL OR d.notes = '' OR d.notes = k.notes THEN k.notes "
                "             ELSE k.notes || chr(10) || d.notes END, "
                "updated_at = current_timestamp "
                "FROM contacts AS d WHERE k.id = ? AND d.id = ?", [into_id, from_id])
            conn.execute("UPDATE interactions SET contact_id = ? WHERE contact_id = ?", [into_id, from_id])
            conn.execute("UPDATE job_changes SET contact_id = ? WHERE contact_id = ?", [into_id, from_id])
            conn.execute("DELETE FROM feedback WHERE contact_id = ? AND goal_id IN "
                         "(SELECT goal_id FROM feedback WHERE contact_id = ?)", [from_id, into_id])
            conn.execute("UPDATE feedback SET contact_id = ? WHERE contact_id = ?", [into_id, from_id])
            conn.execute("DELETE FROM recommendations WHERE contact_id = ?", [from_id])
            conn.execute("DELETE FROM contacts WHERE id = ?", [from_id])
            self._bump_data_version(conn)

    def companies(self, limit: int = 500) -> list[str]:
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT company FROM contacts WHERE company IS NOT NULL GROUP BY company "
                "ORDER BY count(*) DESC, company LIMIT ?",
                [limit],
            ).fetchall()
        return [r[0] for r in rows]

    def tags(self) -> list[str]:
        with self._reading() as conn:
            rows = conn.execute("SELECT DISTINCT unnest(tags) AS t FROM contacts ORDER BY t").fetchall()
        return [r[0] for r in rows]

    def for_ranking(self) -> pd.DataFrame:
        """Every contact with the warmth and timing facts the ranking needs, in one query; with
        ``industry``, the industry the user set for the contact's company (None when not set), and
        that company's tags added to the contact's (``store.companies``); ``has_email`` says whether
        an address is known (how the user can write to them, which the response model reads).
        ``tags`` is missing (None) rather than an empty array where a contact has none: most have
        none, and 100,000 empty arrays held 11.6 MB next to the kept ranker."""
        with self._reading() as conn:
            facts = company_facts(conn)
            frame = conn.execute(
                """
                WITH acts AS (
                    SELECT contact_id,
                           max(occurred_on) AS last_interaction,
                           count(*) FILTER (WHERE outcome IN ('replied', 'meeting', 'referral', 'opportunity')
                                            OR kind IN ('inbound', 'meeting')) AS replies,
                           count(*) FILTER (WHERE kind = 'outreach') AS outreach_count
                    FROM interactions WHERE contact_id IS NOT NULL GROUP BY contact_id
                ), jobs AS (
                    SELECT contact_id, max(changed_on) AS job_changed_on FROM job_changes GROUP BY contact_id
                )
                SELECT c.id, c.full_name, c.company, c.position,
                       CASE WHEN len(c.tags) > 0 THEN c.tags END AS tags, c.notes, c.strength, c.relationship,
                       coalesce(trim(c.email), '') <> '' AS has_email,
                       CAST(c.connected_on AS TIMESTAMP) AS connected_on,
                       CAST(a.last_interaction AS TIMESTAMP) AS last_interaction,
                       coalesce(a.replies, 0) AS replies, coalesce(a.outreach_count, 0) AS outreach_count,
                       c.cadence_days, CAST(j.job_changed_on AS TIMESTAMP) AS job_changed_on,
                       CASE WHEN a.last_interaction IS NULL OR a.last_interaction < r.first_shown
                            THEN coalesce(r.times_shown, 0) ELSE 0 END AS times_recommended
                FROM contacts c
                LEFT JOIN acts a ON a.contact_id = c.id
                LEFT JOIN jobs j ON j.contact_id = c.id
                LEFT JOIN recommendations r ON r.contact_id = c.id
                ORDER BY c.id
                """
            ).df()
        import numpy as np
        import pandas as pd

        tags = frame["tags"].to_numpy(dtype=object)  # a missing list as None, however DuckDB hands it over
        frame["tags"] = pd.Series(np.where(pd.isna(tags), None, tags), index=frame.index, dtype=object)
        return with_company_facts(frame, facts)

    frame = for_ranking  # the contacts frame the ranker reads

    def connection_dates(self) -> pd.Series:
        """When each contact was connected (or added, for exports without a date)."""
        with self._reading() as conn:
            return conn.execute(
                "SELECT coalesce(CAST(connected_on AS TIMESTAMP), created_at) AS d FROM contacts"
            ).df()["d"]

    def strengths(self) -> pd.DataFrame:
        """Every contact's id and relationship strength (0-5, or missing): what the review's network chart counts."""
        with self._reading() as conn:
            return conn.execute("SELECT id, strength FROM contacts ORDER BY id").df()

    def export(self) -> pd.DataFrame:
        """Every contact with every field a user may want in a spreadsheet."""
        with self._reading() as conn:
            return conn.execute(f"SELECT {EVERY_FIELD} FROM contacts ORDER BY id").df()

    def links(self, contact_ids: list[int]) -> pd.DataFrame:
        """id, first_name, last_name, linkedin_url and email of these contacts (a page of the Outreach
        table, the rows of ``rapport rank --json``)."""
        with self._reading() as conn:
            return conn.execute("SELECT c.id, c.first_name, c.last_name, c.linkedin_url, c.email FROM contacts c "
                                "JOIN (SELECT DISTINCT unnest(?) AS id) wanted ON wanted.id = c.id ORDER BY c.id",
                                [[int(i) for i in contact_ids]]).df()

    def ids_by_url(self, urls: list[str]) -> dict[str, int]:
        """Map LinkedIn profile URLs (any spelling of them) to contact ids."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT u.url, min(c.id) FROM (SELECT unnest(?) AS url) u "
                "JOIN contacts c ON rapport_url_key(c.linkedin_url) = rapport_url_key(u.url) GROUP BY u.url",
                [list(urls)],
            ).fetchall()
        return dict(rows)

    def reserve_ids(self, count: int) -> list[int]:
        """``count`` new contact ids, for contacts a later transaction inserts together with rows that
        refer to them (an archive's correspondents and their messages). An id reserved but never
        used leaves a gap, which nothing minds."""
        with self._reading() as conn:
            rows = conn.execute("SELECT nextval('contact_id_seq') FROM range(?)", [count]).fetchall()
        return [row[0] for row in rows]

    def note_recommended(self, contact_ids: list[int], on) -> None:
        """Count how often a contact was put in front of the user, so ignored ones can move down.

        Counted at most once per day per contact, however often the page reruns. One statement for
        the page's people: a statement each took 16 ms of every run of the Outreach page.
        """
        ids = sorted({int(cid) for cid in contact_ids})  # one row each: an upsert may touch a row once
        if not ids:
            return
        with self._writing() as conn:
            conn.execute(
                """
                INSERT INTO recommendations SELECT id, 1, ?, ? FROM unnest(?::BIGINT[]) AS shown(id)
                ON CONFLICT (contact_id) DO UPDATE SET
                    times_shown = CASE WHEN recommendations.last_shown < excluded.last_shown
                                       THEN recommendations.times_shown + 1 ELSE recommendations.times_shown END,
                    last_shown = greatest(recommendations.last_shown, excluded.last_shown)
                """,
                [on, on, ids],
            )

    def for_cadence(self) -> pd.DataFrame:
        """Contacts that have a cadence of their own or a tag, with their last interaction."""
        with self._reading() as conn:
            return conn.execute(
                "SELECT c.id, c.full_name, c.company, c.email, c.cadence_days, c.cadence_max_days, c.tags, "
                "c.connected_on, max(i.occurred_on) AS last_interaction FROM contacts c "
                "LEFT JOIN interactions i ON i.contact_id = c.id "
                "WHERE c.cadence_days IS NOT NULL OR len(c.tags) > 0 "
                "GROUP BY ALL ORDER BY c.id"
            ).df()
