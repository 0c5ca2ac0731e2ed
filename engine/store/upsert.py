"""Matching an import's rows to the contacts and writing them: the set-based SQL of an import.

``stage`` matches each incoming row (table ``keyed``) to a contact by profile URL, e-mail or
name + company; ``apply`` writes what changed, records job changes (never for a name or title that
only changed its encoding) and inserts the new contacts. Both run on the import's connection; the
transaction is the caller's (``Imports``).
"""

from __future__ import annotations

from datetime import date

from .keys import KEY_COLUMNS

# Columns an import may overwrite on a matched contact (user-edited ones are never touched).
_IMPORTED = ("first_name", "last_name", "full_name", "email", "company", "position", "linkedin_url",
             "phone", "location", "connected_on")


# Bytes cp1252 leaves undefined, which a Windows tool (and a browser) decodes as the C1 control of that number.
_C1 = {0xDC00 + byte: byte for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def _misread(value: str) -> tuple[str, ...]:
    """``value`` as it reads when its UTF-8 bytes are decoded as cp1252 or Latin-1, and trimmed as
    the importer trims a value: what a UTF-8 export read in the wrong encoding holds instead."""
    raw = value.encode("utf-8", "surrogatepass")
    return raw.decode("cp1252", "surrogateescape").translate(_C1).strip(), raw.decode("latin-1").strip()


def _same_but_for_encoding(old: str, new: str) -> bool:
    """Do ``old`` and ``new`` differ only in how the file was decoded ("CafÃ©" and "Café", either way round)?"""
    return old in _misread(new) or new in _misread(old)


def _drop_misread_job_changes(conn, import_id: int) -> int:
    """Take back the job changes this import recorded where company and title differ only by encoding.

    A contact stored from a UTF-8 export read as cp1252 has "CafÃ©" where the same file read
    right says "Café": the stored value is corrected, but nobody changed jobs. Such a pair
    holds a non-ASCII character on both sides (strlen counts bytes, length characters), so
    only those few of this import's job changes are looked at; a job change recorded where
    only one of the two differs by encoding and the other really changed stays. Done after
    the insert rather than as a second pass over every matched row: an import that records
    no job change pays nothing. Returns how many were taken back.
    """
    misread = [
        job_change for job_change, *pairs in conn.execute(
            """
            SELECT id, old_company, new_company, old_position, new_position FROM job_changes
            WHERE import_id = ?
              AND ((old_company <> new_company AND strlen(old_company) > length(old_company)
                    AND strlen(new_company) > length(new_company))
                OR (old_position <> new_position AND strlen(old_position) > length(old_position)
                    AND strlen(new_position) > length(new_position)))
            """,
            [import_id],
        ).fetchall()
        if all(old is None or new is None or old == new or _same_but_for_encoding(old, new)
               for old, new in (pairs[:2], pairs[2:]))
    ]
    if misread:
        conn.execute("DELETE FROM job_changes WHERE list_contains(?::BIGINT[], id)", [misread])
    return len(misread)


def stage(conn) -> int:
    """Drop repeats inside the file and match each ``keyed`` row to a contact: ``staged`` holds
    the ``line`` of each row to save and the ``match_id`` of its contact (None for a new one).

    ``keyed`` holds the contact fields, ``line`` and the match keys, however the file was read;
    only its line and keys pass through the joins and the window below, which is what keeps
    matching 400,000 rows against 400,000 contacts in a few hundred MB.
    A profile URL identifies a person: two rows with different URLs are two people even when
    name and company agree (namesakes at large employers are common), so e-mail and
    name + company only match where at least one side has no URL. Returns the number of
    rows that repeated an earlier row of the same file or matched a contact an earlier row
    matched (the first such row updates it; the rest count as unchanged, so the report adds up).
    """
    # Hash aggregates joined back (cheaper than window functions here): for each key, the
    # first line that has it, and the first such line without a URL.
    conn.execute("DROP TABLE IF EXISTS staged")
    conn.execute(
        f"""
        CREATE TEMP TABLE staged AS
        WITH fu AS (SELECT url_key, min(line) AS first FROM keyed WHERE url_key IS NOT NULL GROUP BY url_key),
        fe AS (SELECT email_key, min(line) AS first, min(line) FILTER (WHERE url_key IS NULL) AS first_no_url
               FROM keyed WHERE email_key IS NOT NULL GROUP BY email_key),
        fn AS (SELECT name_key, min(line) AS first, min(line) FILTER (WHERE url_key IS NULL) AS first_no_url
               FROM keyed WHERE name_key IS NOT NULL GROUP BY name_key),
        ck AS MATERIALIZED (SELECT id, {KEY_COLUMNS.format(t='')} FROM contacts),
        cu AS (SELECT url_key, min(id) AS id FROM ck WHERE url_key IS NOT NULL GROUP BY url_key),
        ce AS (SELECT email_key, min(id) AS id, min(id) FILTER (WHERE url_key IS NULL) AS id_no_url
               FROM ck WHERE email_key IS NOT NULL GROUP BY email_key),
        cn AS (SELECT name_key, min(id) AS id, min(id) FILTER (WHERE url_key IS NULL) AS id_no_url
               FROM ck WHERE name_key IS NOT NULL GROUP BY name_key),
        matched AS (
            SELECT k.line,
                   coalesce(fu.first < k.line, false)
                   OR coalesce(CASE WHEN k.url_key IS NULL THEN fe.first ELSE fe.first_no_url END < k.line, false)
                   OR coalesce(CASE WHEN k.url_key IS NULL THEN fn.first ELSE fn.first_no_url END < k.line, false)
                       AS repeated,
                   coalesce(cu.id, CASE WHEN k.url_key IS NULL THEN ce.id ELSE ce.id_no_url END,
                            CASE WHEN k.url_key IS NULL THEN cn.id ELSE cn.id_no_url END) AS match_id
            FROM keyed k
            LEFT JOIN fu ON fu.url_key = k.url_key
            LEFT JOIN fe ON fe.email_key = k.email_key
            LEFT JOIN fn ON fn.name_key = k.name_key
            LEFT JOIN cu ON cu.url_key = k.url_key
            LEFT JOIN ce ON ce.email_key = k.email_key
            LEFT JOIN cn ON cn.name_key = k.name_key
        )
        SELECT line, match_id, repeated FROM matched
        QUALIFY repeated OR match_id IS NULL OR row_number() OVER (PARTITION BY match_id ORDER BY line) = 1
        """
    )
    # Repeats of an earlier row, and rows that matched a contact an earlier row already matched.
    duplicates = conn.execute(
        "SELECT (SELECT count(*) FROM keyed) - (SELECT count(*) FROM staged WHERE NOT repeated)"
    ).fetchone()[0]
    conn.execute("DELETE FROM staged WHERE repeated")
    return duplicates

def apply(conn, import_id: int, today: date) -> tuple[int, int, int, int]:
    """Write the ``staged`` rows (their values in ``keyed``): (inserted, updated, unchanged, job changes)."""
    changed = " OR ".join(
        [f"(k.{c} IS NOT NULL AND k.{c} IS DISTINCT FROM c.{c})" for c in _IMPORTED if c != "connected_on"]
        + ["(k.connected_on IS NOT NULL AND CAST(k.connected_on AS DATE) IS DISTINCT FROM c.connected_on)",
           "(len(k.tags) > 0 AND NOT list_has_all(coalesce(c.tags, []), k.tags))"]
    )
    conn.execute("DROP TABLE IF EXISTS matched")
    conn.execute(
        f"CREATE TEMP TABLE matched AS SELECT s.match_id, s.line, ({changed}) AS is_changed "
        "FROM staged s JOIN keyed k ON k.line = s.line JOIN contacts c ON c.id = s.match_id"
    )
    job_changes = conn.execute(
        """
        INSERT INTO job_changes (contact_id, changed_on, old_company, old_position, new_company, new_position,
                                 import_id)
        SELECT m.match_id, ?, c.company, c.position, coalesce(k.company, c.company),
               coalesce(k.position, c.position), ?
        FROM matched m JOIN keyed k ON k.line = m.line JOIN contacts c ON c.id = m.match_id
        WHERE (k.company IS NOT NULL AND c.company IS NOT NULL AND k.company <> c.company)
           OR (k.position IS NOT NULL AND c.position IS NOT NULL AND k.position <> c.position)
        """,
        [today, import_id],
    ).fetchone()[0]
    if job_changes:
        job_changes -= _drop_misread_job_changes(conn, import_id)
    sets = ", ".join(f"{c} = coalesce(m.{c}, contacts.{c})" for c in _IMPORTED if c != "connected_on")
    updated = conn.execute(
        f"""
        UPDATE contacts SET {sets},
            connected_on = coalesce(CAST(m.connected_on AS DATE), contacts.connected_on),
            tags = list_distinct(list_concat(coalesce(contacts.tags, []), m.tags)),
            notes = coalesce(contacts.notes, m.notes),
            import_id = ?, updated_at = current_timestamp
        FROM (SELECT x.match_id, k.* FROM matched x JOIN keyed k ON k.line = x.line WHERE x.is_changed) m
        WHERE contacts.id = m.match_id
        """,
        [import_id],
    ).fetchone()[0]
    unchanged = conn.execute("SELECT count(*) FROM matched WHERE NOT is_changed").fetchone()[0]
    inserted = conn.execute(
        """
        INSERT INTO contacts (first_name, last_name, full_name, email, company, position, linkedin_url, phone,
                              location, connected_on, notes, tags, source, import_id)
        SELECT k.first_name, k.last_name, k.full_name, k.email, k.company, k.position, k.linkedin_url, k.phone,
               k.location, CAST(k.connected_on AS DATE), k.notes, k.tags,
               (SELECT format FROM imports WHERE id = ?), ?
        FROM staged s JOIN keyed k ON k.line = s.line WHERE s.match_id IS NULL ORDER BY s.line
        """,
        [import_id, import_id],
    ).fetchone()[0]
    conn.execute("DROP TABLE matched")
    return inserted, updated, unchanged, job_changes
