"""Importing a contacts CSV that DuckDB reads itself: the fast path for large, clean exports.

Parsing 100,000 rows in Python and handing them over cost more than everything DuckDB does with
them, so for a file ``importers.direct`` has vetted, DuckDB's own ``read_csv`` parses it, the
plan's columns become contact fields in the same parallel pass, and the first file of a workspace
that repeats nobody goes into ``contacts`` in one INSERT. Every value is computed exactly as the
Python importer computes it (same trimming, same fallbacks between columns, same first value of
a Google ``:::`` list, the dates and tags of the distinct values parsed by the same Python
functions); the parity tests compare both paths on the same files.

Rows the Python importer rejects for what they hold (no name, e-mail or profile URL; a date that
does not parse) are rejected here too, with the same line, column, reason and raw text, by the
importer's own rules (``RowRules``). Whenever this path cannot give the answer the Python importer
would (DuckDB refuses a line, a row spans two lines, a value is too long), it returns None before
anything is written and the caller imports the file the ordinary way, which reports every
rejected row by line and column. Any other file (a workspace with contacts already, a person
repeated) goes through the same staging and upsert SQL as any other import.
"""

from __future__ import annotations

import duckdb

from engine.records import MIDDLE_NAME, WHITESPACE, DirectCsv, Reject, RowRules

from .keys import KEY_COLUMNS, PREFIXED_PLAIN_URL_KEY, PREFIXED_URL_KEY

# What Python's ``str.strip()`` removes (the Python importer trims every value with it). Trimming
# a set of characters costs DuckDB ten times what trimming spaces does, so the set is used only
# for a file that holds whitespace other than spaces (``DirectCsv.other_whitespace``).
_WHITESPACE = "||".join(f"chr({ord(c)})" for c in WHITESPACE)
_TRIM = {True: f"trim(x, {_WHITESPACE})", False: "trim(x)"}
_MACROS = """
CREATE OR REPLACE TEMP MACRO rapport_trim(x) AS {trim};
CREATE OR REPLACE TEMP MACRO rapport_cell(x) AS nullif(rapport_trim(x), '');
CREATE OR REPLACE TEMP MACRO rapport_first_value(x) AS
    CASE WHEN contains(x, ':::') THEN nullif(rapport_trim(split_part(x, ':::', 1)), '') ELSE x END;
CREATE OR REPLACE TEMP MACRO rapport_visible(x) AS
    CASE WHEN ord(x) BETWEEN 33 AND 126 OR NOT regexp_full_match(x, '[\\p{{C}}\\p{{Z}}]+') THEN x END;
"""
# ``rapport_visible``: a name made only of spaces, controls and format characters (a zero-width
# space) is no name, as ``importers.rows.visible`` rules; a name starting with a visible ASCII
# character (nearly all) skips the regular expression.
# Google and Outlook keep several e-mails (phones, URLs) in one cell joined by ' ::: '.
_FIRST_VALUE = ("email", "phone", "linkedin_url")
_TEXT = ("first_name", "last_name", "email", "company", "position", "linkedin_url", "phone", "location", "notes")
# A value longer than 100,000 characters is not a name but a broken file (importers.rows.MAX_VALUE):
# the row is rejected, which only the Python importer reports. So DuckDB refuses any line longer
# than that many bytes (a line holds its values, and a character is at least a byte), and such a
# file goes to the Python importer; measuring every value instead cost 4 ms per 100,000 rows.
MAX_LINE_BYTES = 100_000
# The rows that become contacts (or repeats of one): with a name, e-mail or URL, and a date that parses if any.
# ``r`` is direct_rows and ``d`` its row of direct_dates (every distinct date of a row with identity is there).
_KEPT = "r.has_identity AND (r.connected_raw IS NULL OR d.iso IS NOT NULL)"
# The forms of the exports' dates: LinkedIn's today ("05 Oct 2016"), LinkedIn's until 2018
# ("1/8/18, 6:14 PM"), ISO. Used only where DuckDB reads a file's dates as the importer does.
_DATE_FORMATS = ("%d %b %Y", "%m/%d/%y, %I:%M %p", "%Y-%m-%d")
_INSERT_COLUMNS = ("first_name, last_name, full_name, email, company, position, linkedin_url, phone, location, "
                   "connected_on, notes, tags, source, import_id")


def _field(plan: dict, name: str) -> str:
    """SQL for one field: the first non-blank of its columns, as ``importers.rows._field`` takes it."""
    if name not in plan:
        return "NULL::VARCHAR"
    columns, linkedin_only = plan[name]
    cells = [f"rapport_cell(c{int(i)})" for i in columns]
    if linkedin_only:
        cells = [f"CASE WHEN contains(lower({cell}), 'linkedin.') THEN {cell} END" for cell in cells]
    value = cells[0] if len(cells) == 1 else f"coalesce({', '.join(cells)})"
    return f"rapport_first_value({value})" if name in _FIRST_VALUE else value


def _full_name(plan: dict) -> str:
    """The given full name, else first (middle) last joined by spaces, as ``importers.rows`` builds it."""
    parts = [_field(plan, name) for name in ("first_name", MIDDLE_NAME, "last_name") if name in plan]
    built = f"nullif(concat_ws(' ', {', '.join(parts)}), '')" if parts else "NULL::VARCHAR"
    name = f"coalesce({_field(plan, 'full_name')}, {built})" if "full_name" in plan else built
    return f"rapport_visible({name})"


def _read_csv(source: DirectCsv) -> str:
    """The file's cells as columns c0, c1, ... (text, never guessed), as strictly as DuckDB reads CSV."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(source.headers)))
    return f"""read_csv($path, header = true, auto_detect = false, delim = $delimiter, quote = '"', escape = '"',
                        strict_mode = true, null_padding = true, max_line_size = {MAX_LINE_BYTES},
                        columns = {{{columns}}})"""


def _rows_sql(source: DirectCsv) -> str:
    """``direct_rows``: every row of the file with its fields, keys and what kind of row it is."""
    plan = source.plan
    fields = ",\n               ".join(f"{_field(plan, name)} AS {name}" for name in _TEXT)
    others = [f"rapport_cell(c{i}) IS NULL" for i in range(len(source.headers)) if i != source.date_column]
    return f"""
        CREATE TEMP TABLE direct_rows AS
        SELECT * REPLACE (coalesce(full_name, email, linkedin_url) IS NOT NULL AS has_identity)
        FROM (
            SELECT {fields},
               {_full_name(plan)} AS full_name,
               {_field(plan, 'connected_on')} AS connected_raw,
               {_field(plan, 'tags')} AS tags_raw,
               {' AND '.join(others) if others else 'true'} AS blank_but_date,
               NULL::BOOLEAN AS has_identity
            FROM {_read_csv(source)}
        )
    """

def read_direct(conn, source: DirectCsv):
    """(rows, blank rows, rows to reject for no identity, distinct dates, distinct labels), or None
    if the Python importer must read the file.

    Runs outside any transaction: a CSV DuckDB refuses must not abort the import's transaction.
    """
    conn.execute(_MACROS.format(trim=_TRIM[source.other_whitespace]))
    conn.execute("DROP TABLE IF EXISTS direct_rows")
    try:
        conn.execute(_rows_sql(source), {"path": source.path, "delimiter": source.delimiter})
    except duckdb.OutOfMemoryException:  # not the file's doing: the caller runs it again, unbounded
        raise
    except duckdb.Error:  # a line DuckDB will not read: the Python importer names it (or reads it)
        return None
    rows, blank, with_identity, dates, labels = conn.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE NOT has_identity AND blank_but_date),
               count(*) FILTER (WHERE has_identity),
               coalesce(list(DISTINCT connected_raw) FILTER (WHERE has_identity AND connected_raw IS NOT NULL), []),
               coalesce(list(DISTINCT tags_raw) FILTER (WHERE has_identity AND tags_raw IS NOT NULL), [])
        FROM direct_rows
        """
    ).fetchall()[0]
    if rows != source.rows:
        return None  # a row spanning lines, so line numbers would be off
    return rows, blank, rows - blank - with_identity, dates, labels

def direct_rejects(conn, source: DirectCsv, rules: RowRules) -> list[Reject]:
    """The rows to reject, as ``importers.rows.build_records`` rejects them (``_KEPT`` leaves them out).

    Rows without identity first, then rows with a date that does not parse, each in file
    order; a row is line ``header line + 1 + its index`` because each row is one line
    (``_read_direct`` checked). ``raw`` is the row's cells joined by the delimiter, so the
    file's own cells are read once more, in the same order, into ``direct_raw``: only for a
    file with something to reject.
    """
    cells = ", ".join(f"coalesce(c{i}, '')" for i in range(len(source.headers)))
    date_cell = f"rapport_trim(coalesce(c{source.date_column}, ''))" if source.date_column >= 0 else "''"
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE direct_raw AS
        SELECT left(concat_ws($delimiter, {cells}), 500) AS raw, {date_cell} AS date_cell
        FROM {_read_csv(source)}
        """,
        {"path": source.path, "delimiter": source.delimiter},
    )
    found = conn.execute(
        """
        SELECT r.rowid, NOT r.has_identity AS no_identity, x.raw, x.date_cell
        FROM direct_rows r JOIN direct_raw x ON x.rowid = r.rowid
        LEFT JOIN direct_dates d ON d.raw = r.connected_raw
        WHERE (NOT r.has_identity AND NOT r.blank_but_date)
           OR (r.has_identity AND d.iso IS NULL AND d.raw IS NOT NULL)
        ORDER BY no_identity DESC, r.rowid
        """
    ).fetchall()
    first, date_header = source.header_line + 1, source.headers[source.date_column]
    return [Reject(first + row, rules.no_identity, raw=raw) if no_identity
            else Reject(first + row, rules.bad_date(date_cell), column=date_header, raw=raw)
            for row, no_identity, raw, date_cell in found]

def insert_plainly(conn, bad_dates: bool) -> bool:
    """Can every row kept simply become a new contact? (No row can match a contact or repeat another.)

    True only for a workspace without contacts and a file where no two rows kept share a match
    key by the rules of ``_stage``. A LinkedIn export gives every row a profile URL, and a URL
    key shared by nobody settles it (keys compared behind their prefix, see ``keys``), so the
    costlier e-mail and name keys are computed only when some row kept has no URL. Anything
    else goes through the staging and upsert SQL, which handles every case. The rows kept are
    those with identity, less any rejected for their date (``bad_dates``: only then is the
    join with the dates paid for).
    """
    if conn.execute("SELECT EXISTS (SELECT 1 FROM contacts)").fetchone()[0]:
        return False
    kept = (f"direct_rows r LEFT JOIN direct_dates d ON d.raw = r.connected_raw WHERE {_KEPT}" if bad_dates
            else "direct_rows r WHERE r.has_identity")
    repeated_url, without_url = conn.execute(
        f"""
        WITH u AS MATERIALIZED (SELECT r.linkedin_url, coalesce(rapport_plain_profile_url(r.linkedin_url), false)
                                       AS plain FROM {kept}),
        r AS (SELECT {PREFIXED_PLAIN_URL_KEY.format(u='linkedin_url')} AS url_key FROM u WHERE plain
              UNION ALL SELECT {PREFIXED_URL_KEY.format(u='linkedin_url')} FROM u WHERE NOT plain)
        SELECT count(url_key) > count(DISTINCT url_key), count(*) > count(url_key) FROM r
        """
    ).fetchall()[0]
    if repeated_url or not without_url:
        return not repeated_url
    return not conn.execute(
        f"""
        WITH r AS MATERIALIZED (SELECT {KEY_COLUMNS.format(t='r.')} FROM {kept})
        SELECT EXISTS (SELECT 1 FROM r WHERE email_key IS NOT NULL GROUP BY email_key
                       HAVING count(*) > 1 AND bool_or(url_key IS NULL))
            OR EXISTS (SELECT 1 FROM r WHERE name_key IS NOT NULL GROUP BY name_key
                       HAVING count(*) > 1 AND bool_or(url_key IS NULL))
        """
    ).fetchall()[0][0]

def insert_direct(conn, fmt: str, import_id: int, date_format: str | None, tagged: bool) -> int:
    """Every row kept becomes a contact; ids follow lines (DuckDB keeps insertion order).

    With a ``date_format`` (see ``_date_format``) and no labels to look up, the rows go from
    ``direct_rows`` to ``contacts`` in one scan: no join, so nothing to sort back into file
    order (the sort cost 0.018 s of a 0.056 s insert of 100,000 rows).
    """
    if date_format is not None and not tagged:
        parsed = f"try_strptime(r.connected_raw, '{date_format}')"
        return conn.execute(
            f"""
            INSERT INTO contacts ({_INSERT_COLUMNS})
            SELECT r.first_name, r.last_name, r.full_name, r.email, r.company, r.position, r.linkedin_url,
                   r.phone, r.location, CAST({parsed} AS DATE), r.notes, []::VARCHAR[], ?, ?
            FROM direct_rows r
            WHERE r.has_identity AND (r.connected_raw IS NULL OR {parsed} IS NOT NULL)
            """,
            [fmt, import_id],
        ).fetchall()[0][0]
    return conn.execute(
        f"""
        INSERT INTO contacts ({_INSERT_COLUMNS})
        SELECT r.first_name, r.last_name, r.full_name, r.email, r.company, r.position, r.linkedin_url, r.phone,
               r.location, CAST(d.iso AS DATE), r.notes, coalesce(t.tags, []::VARCHAR[]), ?, ?
        FROM direct_rows r LEFT JOIN direct_dates d ON d.raw = r.connected_raw
             LEFT JOIN direct_tags t ON t.raw = r.tags_raw
        WHERE {_KEPT}
        ORDER BY r.rowid
        """,
        [fmt, import_id],
    ).fetchall()[0][0]

def date_format(conn, dates: list[str], iso: list[str | None]) -> str | None:
    """A strptime format under which DuckDB reads each of the file's distinct ``dates`` exactly as
    the importer's rules did (``iso``, None for a date they reject), or None.

    Decided on the distinct values themselves, so it holds for every row: DuckDB and the rules
    disagree elsewhere ("05 October 2016" is a date to the rules only), and then the insert
    looks the dates up instead. A file without dates takes the first format: nothing to disagree on.
    """
    for date_format in _DATE_FORMATS:
        read = conn.execute(
            "SELECT list_transform(?::VARCHAR[], "
            f"lambda x: strftime(try_strptime(x, '{date_format}'), '%Y-%m-%d'))", [dates],
        ).fetchall()[0][0]
        if read == iso:
            return date_format
    return None

def key_direct(conn, first_line: int) -> None:
    """``keyed`` as ``_stage`` expects it, from ``direct_rows`` (line numbers from the row order)."""
    conn.execute("DROP TABLE IF EXISTS keyed")
    conn.execute(
        f"""
        CREATE TEMP TABLE keyed AS
        SELECT r.first_name, r.last_name, r.full_name, r.email, r.company, r.position, r.linkedin_url, r.phone,
               r.location, d.iso AS connected_on, r.notes, coalesce(t.tags, []::VARCHAR[]) AS tags,
               ? + r.rowid AS line, {KEY_COLUMNS.format(t='r.')}
        FROM direct_rows r LEFT JOIN direct_dates d ON d.raw = r.connected_raw
             LEFT JOIN direct_tags t ON t.raw = r.tags_raw
        WHERE {_KEPT}
        """,
        [first_line],
    )
