"""Writing an import: one transaction that upserts contacts and records the report.

The parsed rows go to DuckDB as Arrow tables, a chunk at a time, and every decision (match,
insert, update, unchanged, job change) is made by set-based SQL, so a 100,000-row export costs a
handful of statements rather than 100,000 round trips, and a crash anywhere leaves nothing
half-written.

Memory: the incoming rows are staged in a temporary table (``keyed``) and matched to the
contacts (``staged``: a line and a contact id per row) before the import's transaction begins,
under the store's write lock, so nobody writes in between. A temporary table dropped inside a
transaction keeps its memory until the transaction ends, and one dropped outside gives it back at
once; so only the writes themselves run in the transaction, and each table is dropped as soon as
it has served. A temporary table is private to its connection, so staging outside the
transaction leaves the import exactly as all-or-nothing as before: the workspace is written by
the one transaction or not at all.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date

import duckdb

from engine.bulk import gc_paused
from engine.clock import local_today
from engine.records import CONTACT_FIELDS, EVENT_FIELDS, DirectCsv, ParsedFile, Reject, RowRules

from . import direct, upsert
from .base import Part, rows_as_dicts
from .connection import WRITE_LOCK
from .keys import KEY_COLUMNS


@dataclass
class ImportReport:
    import_id: int
    file_name: str
    format: str
    encoding: str
    delimiter: str | None
    total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_blank: int = 0
    rejected: int = 0
    job_changes: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about rows imported (e.g. invalid bytes replaced)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["rejects"] = [asdict(r) for r in self.rejects]
        return data


Chunks = Iterable[tuple[list[tuple], list[int]]]


# A chunk of parsed rows as one SELECT over its columns, each bound as a list and unnested side by
# side. Arrow would hand them over faster, but handing DuckDB a Python object loads pandas (80 MB
# resident, more than a 50,000-row chunk itself), and a column no row has costs nothing at all.
def _incoming(records: list[tuple], lines: list[int]) -> tuple[str, list]:
    """(SELECT, its parameters) giving the rows of ``records`` in CONTACT_FIELDS order, then ``line``."""
    columns = list(zip(*records)) if records else [() for _ in CONTACT_FIELDS]
    selects, params = [], []
    for name, values in zip(CONTACT_FIELDS, columns):
        if name == "tags":
            selects.append("unnest(?::VARCHAR[][]) AS tags")
            params.append([list(v) if v else [] for v in values])
        elif any(values):
            selects.append(f"unnest(?::VARCHAR[]) AS {name}")
            params.append(list(values))
        else:  # a column this format does not have (phone in LinkedIn exports ...): no per-row work
            selects.append(f"NULL::VARCHAR AS {name}")
    selects.append("unnest(?::BIGINT[]) AS line")
    params.append(list(lines))
    return f"SELECT {', '.join(selects)}", params


# What DuckDB may hold in memory during an import before it spills to its temporary folder (beside
# the workspace file). Unbounded, it keeps every temporary table of a re-import in memory: 800 MB
# for a 400,000-row export, where the import needs no more than this at any moment. An import that
# needs more than this all the same (a step DuckDB cannot spill) is rolled back and run once more
# without the bound, so the bound costs an import time at worst, never its success.
IMPORT_MEMORY = "256MB"


@contextlib.contextmanager
def _bounded(conn, memory: str | None) -> Iterator[None]:
    """DuckDB's memory limit lowered to ``memory`` (None: left alone) for this block.

    The setting is the database's, not the connection's, so it is reset afterwards, as
    ``_threads_for`` resets the threads.
    """
    if memory is None:
        yield
        return
    conn.execute(f"SET memory_limit = '{memory}'")
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.Error):
            conn.execute("RESET memory_limit")


def _slices(parsed: ParsedFile, size: int = 50_000) -> Chunks:
    """A parsed file's records, handed over ``size`` at a time as a file read in chunks hands them."""
    for start in range(0, max(len(parsed.records), 1), size):
        yield parsed.records[start : start + size], parsed.lines[start : start + size]


def _drop(conn, *tables: str) -> None:
    """Drop these temporary tables if they exist; never hide the error that got us here."""
    with contextlib.suppress(duckdb.Error):
        for table in tables:
            conn.execute(f"DROP TABLE IF EXISTS {table}")


class Imports(Part):
    """``store.imports``: contacts and events imported in one transaction each, and the import history."""

    def save_contacts(self, parsed: ParsedFile | Callable[[], tuple[ParsedFile, Chunks]],
                      today: date | None = None) -> ImportReport:
        """Upsert the parsed contacts in one transaction and return what happened.

        ``parsed`` may instead be a function giving (parsed file, chunks of (records, lines)) for a
        file read a chunk at a time: each chunk is staged as it comes, so no more than one is held
        in Python, and the parsed file's counts, rejects and warnings are read once the chunks are
        exhausted. An error raised by a chunk (a file found unreadable half-way) leaves nothing
        written. The function is called once more should the import need more memory than
        ``IMPORT_MEMORY`` lets DuckDB take (see ``_bounded``).
        """
        today = today or local_today()
        stream = parsed if callable(parsed) else (lambda: (parsed, _slices(parsed)))
        try:
            return self._save_stream(stream, today, IMPORT_MEMORY)
        except duckdb.OutOfMemoryException:  # rolled back: once more, with all the memory DuckDB may take
            return self._save_stream(stream, today, None)

    def _save_stream(self, stream: Callable[[], tuple[ParsedFile, Chunks]], today: date,
                     memory: str | None) -> ImportReport:
        parsed, chunks = stream()
        with WRITE_LOCK, self.session(), self._reading() as conn, _bounded(conn, memory):
            try:
                self._key_chunks(conn, chunks)
                duplicates = upsert.stage(conn)
                with self._writing() as conn:
                    report = self._begin_import(conn, "contacts", parsed)
                    self._upsert_keyed(conn, report, today, duplicates)
                    self._finish_import(conn, report)
            finally:
                _drop(conn, "keyed", "staged")
        return report

    def save_csv_directly(self, source: DirectCsv, rules: RowRules, today: date | None = None) -> ImportReport | None:
        """Import ``source`` in one transaction, or return None (nothing written) if it needs the Python importer.

        ``rules`` are the Python importer's: its date parser, tag splitter and reasons for a
        rejected row, so rows without a name, e-mail or URL and rows with a date that does not
        parse are rejected here exactly as there, with the same line, column and words.
        """
        today = today or local_today()
        try:
            return self._save_direct(source, rules, today, IMPORT_MEMORY)
        except duckdb.OutOfMemoryException:  # rolled back: once more, with all the memory DuckDB may take
            return self._save_direct(source, rules, today, None)

    def _save_direct(self, source: DirectCsv, rules: RowRules, today: date, memory: str | None) -> ImportReport | None:
        with (WRITE_LOCK, self.session(), self._reading() as conn, self._threads_for(conn, source.rows),
              _bounded(conn, memory)):
            try:
                profile = direct.read_direct(conn, source)
                if profile is None:
                    return None
                rows, blank, no_identity, dates, labels = profile
                iso = rules.parse_dates(dates) if dates else []
                tags = [list(rules.split_tags(value)) for value in labels]
                conn.execute("CREATE OR REPLACE TEMP TABLE direct_dates AS "
                             "SELECT unnest(?::VARCHAR[]) AS raw, unnest(?::VARCHAR[]) AS iso", [dates, iso])
                conn.execute("CREATE OR REPLACE TEMP TABLE direct_tags AS "
                             "SELECT unnest(?::VARCHAR[]) AS raw, unnest(?::VARCHAR[][]) AS tags", [labels, tags])
                bad_dates = any(value is None for value in iso)
                rejects = direct.direct_rejects(conn, source, rules) if no_identity or bad_dates else []
                _drop(conn, "direct_raw")
                plainly = direct.insert_plainly(conn, bad_dates)  # nobody writes until we do: the write lock
                if not plainly:  # the rows become ``keyed``, and what they were made from is let go
                    direct.key_direct(conn, source.header_line + 1)
                    _drop(conn, "direct_rows", "direct_dates", "direct_tags")
                    duplicates = upsert.stage(conn)
                with self._writing() as conn:
                    report = ImportReport(0, source.file_name, source.format, source.encoding, source.delimiter,
                                          total=rows, skipped_blank=blank, rejected=len(rejects), rejects=rejects)
                    report.import_id = conn.execute(
                        "INSERT INTO imports (file_name, kind, format, encoding, delimiter) "
                        "VALUES (?, 'contacts', ?, ?, ?) RETURNING id",
                        [source.file_name, source.format, source.encoding, source.delimiter],
                    ).fetchall()[0][0]
                    if plainly:
                        report.inserted = direct.insert_direct(conn, source.format, report.import_id,
                                                              direct.date_format(conn, dates, iso), bool(labels))
                        if report.inserted:
                            self._bump_data_version(conn)
                    else:
                        self._upsert_keyed(conn, report, today, duplicates)
                    self._finish_import(conn, report)
                return report
            finally:
                _drop(conn, "direct_rows", "direct_raw", "direct_dates", "direct_tags", "keyed", "staged")

    def save_events(self, parsed: ParsedFile) -> ImportReport:
        """Insert new events and refresh known ones (matched on the calendar UID), in one transaction."""
        assert parsed.fields == EVENT_FIELDS
        columns = ", ".join(EVENT_FIELDS)
        with self._writing() as conn:
            report = self._begin_import(conn, "events", parsed)
            for record in parsed.records:
                row = dict(zip(EVENT_FIELDS, record))
                row["topics"] = list(row.get("topics") or [])
                existing = conn.execute("SELECT id FROM events WHERE uid = ?", [row["uid"]]).fetchone()
                if existing is None:
                    conn.execute(
                        f"INSERT INTO events ({columns}, source, import_id) "
                        f"VALUES ({', '.join('?' for _ in EVENT_FIELDS)}, ?, ?)",
                        [row[f] for f in EVENT_FIELDS] + [parsed.format, report.import_id],
                    )
                    report.inserted += 1
                    continue
                before = conn.execute(f"SELECT {columns} FROM events WHERE id = ?", [existing[0]]).fetchone()
                conn.execute(
                    f"UPDATE events SET {', '.join(f'{f} = ?' for f in EVENT_FIELDS)}, import_id = ? WHERE id = ?",
                    [row[f] for f in EVENT_FIELDS] + [report.import_id, existing[0]],
                )
                after = conn.execute(f"SELECT {columns} FROM events WHERE id = ?", [existing[0]]).fetchone()
                if before == after:
                    report.unchanged += 1
                else:
                    report.updated += 1
            self._finish_import(conn, report)
        return report

    def _upsert_keyed(self, conn, report: ImportReport, today: date, duplicates: int) -> None:
        """Upsert the ``staged`` rows into contacts, counting what happened in ``report``.

        ``duplicates``: the rows ``_stage`` found repeating another, which count as unchanged.
        """
        report.inserted, report.updated, unchanged, report.job_changes = upsert.apply(conn, report.import_id, today)
        report.unchanged = unchanged + duplicates
        if report.inserted or report.updated:
            self._bump_data_version(conn)

    @staticmethod
    def _begin_import(conn, kind: str, parsed: ParsedFile) -> ImportReport:
        report = ImportReport(0, parsed.file_name, parsed.format, parsed.encoding, parsed.delimiter,
                              total=parsed.total, skipped_blank=parsed.skipped_blank,
                              rejected=len(parsed.rejects), rejects=list(parsed.rejects),
                              warnings=list(parsed.warnings))
        report.import_id = conn.execute(
            "INSERT INTO imports (file_name, kind, format, encoding, delimiter) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [parsed.file_name, kind, parsed.format, parsed.encoding, parsed.delimiter],
        ).fetchone()[0]
        return report

    @staticmethod
    def _finish_import(conn, report: ImportReport) -> None:
        """Record the rejects and the final counts, inside the import's own transaction."""
        if report.rejects:  # one statement: executemany pays a round trip per row (0.3 s for 1,000 rejects)
            conn.execute(
                "INSERT INTO import_rejects (import_id, line, column_name, reason, raw) "
                "SELECT ?, unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                [report.import_id, *map(list, zip(*((r.line, r.column, r.reason, r.raw) for r in report.rejects)))],
            )
        conn.execute(
            "UPDATE imports SET total = ?, inserted = ?, updated = ?, unchanged = ?, skipped_blank = ?, "
            "rejected = ? WHERE id = ?",
            [report.total, report.inserted, report.updated, report.unchanged, report.skipped_blank,
             report.rejected, report.import_id],
        )

    @staticmethod
    def _key_chunks(conn, chunks: Chunks) -> None:
        """``keyed``: the rows of every chunk with their match keys, staged one chunk at a time."""
        conn.execute("DROP TABLE IF EXISTS keyed")
        into = "CREATE TEMP TABLE keyed AS"
        for records, lines in chunks:
            with gc_paused():
                select, params = _incoming(records, lines)
            del records, lines  # the chunk's records go as soon as their columns are bound
            conn.execute(f"{into} SELECT *, {KEY_COLUMNS.format(t='')} FROM ({select})", params).fetchall()
            del params
            into = "INSERT INTO keyed"
        if into.startswith("CREATE"):  # no chunk at all: an empty ``keyed`` all the same
            select, params = _incoming([], [])
            conn.execute(f"{into} SELECT *, {KEY_COLUMNS.format(t='')} FROM ({select})", params).fetchall()

    # -- reports and saved mappings --------------------------------------------------------------
    def history(self, limit: int = 50) -> list[dict]:
        with self._reading() as conn:
            return rows_as_dicts(conn.execute("SELECT * FROM imports ORDER BY id DESC LIMIT ?", [limit]))

    def rejects(self, import_id: int) -> list[Reject]:
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT line, reason, column_name, raw FROM import_rejects WHERE import_id = ? ORDER BY line",
                [import_id],
            ).fetchall()
        return [Reject(line=r[0], reason=r[1], column=r[2], raw=r[3] or "") for r in rows]

    def save_mapping(self, header_key: str, mapping: dict[str, str]) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO column_mappings VALUES (?, ?, current_timestamp)",
                [header_key, json.dumps(mapping)],
            )

    def saved_mapping(self, header_key: str) -> dict[str, str] | None:
        with self._reading() as conn:
            row = conn.execute("SELECT mapping FROM column_mappings WHERE header_key = ?", [header_key]).fetchone()
        return json.loads(row[0]) if row else None
