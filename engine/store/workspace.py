"""The workspace as a whole: its summary, a one-file backup, and restoring that backup."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import duckdb

from .connection import WRITE_LOCK, StoreError

BACKUP_MARKER = "rapport-backup.txt"


class WorkspaceMixin:
    def summary(self) -> dict[str, int]:
        """Counts for the Home page, in one round trip."""
        with self.reading() as conn:
            row = conn.execute(
                """
                SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM goals WHERE status = 'active'),
                       (SELECT count(*) FROM goals), (SELECT count(*) FROM events),
                       (SELECT count(*) FROM events WHERE starts_at >= current_date),
                       (SELECT count(*) FROM interactions), (SELECT count(*) FROM imports)
                """
            ).fetchone()
        keys = ("contacts", "active_goals", "goals", "events", "upcoming_events", "interactions", "imports")
        return dict(zip(keys, row))

    def is_empty(self) -> bool:
        s = self.summary()
        return not (s["contacts"] or s["goals"] or s["events"] or s["interactions"])

    def backup_zip(self) -> bytes:
        """The whole workspace as one zip (DuckDB's EXPORT DATABASE in Parquet, version-independent)."""
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "export"
            with self.reading() as conn:
                conn.execute(f"EXPORT DATABASE '{_quoted(folder)}' (FORMAT parquet)")
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(BACKUP_MARKER, f"Rapport workspace backup, schema {self.schema_version()}\n")
                for file in sorted(folder.iterdir()):
                    archive.write(file, file.name)
            return buffer.getvalue()

    def restore_zip(self, data: bytes) -> dict[str, int]:
        """Replace the workspace with a backup; the current file is kept as ``<name>.before-restore``.

        The backup is loaded into a new file first and only swapped in once it opened cleanly,
        so a bad zip leaves the workspace as it was.
        """
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = archive.namelist()
        except zipfile.BadZipFile as error:
            raise StoreError("This file is not a Rapport backup (it is not a zip file).") from error
        if BACKUP_MARKER not in names or "schema.sql" not in names:
            raise StoreError("This zip is not a Rapport backup (no rapport-backup.txt / schema.sql in it).")
        if any("/" in n or "\\" in n or n.startswith(".") for n in names):
            raise StoreError("This backup contains unexpected folders; it was not made by Rapport.")
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "import"
            archive.extractall(folder)
            fresh = self.path.with_name(self.path.name + ".restoring")
            for leftover in (fresh, Path(str(fresh) + ".wal")):
                leftover.unlink(missing_ok=True)
            try:
                conn = duckdb.connect(str(fresh))
                conn.execute(f"IMPORT DATABASE '{_quoted(folder)}'")
                conn.execute("CHECKPOINT")
                conn.close()
            except duckdb.Error as error:
                fresh.unlink(missing_ok=True)
                raise StoreError(f"The backup could not be loaded: {str(error).splitlines()[0]}") from error
        with WRITE_LOCK:
            if getattr(self._local, "conn", None) is not None:
                raise StoreError("Cannot restore while a session is open on this workspace.")
            before = self.path.with_name(self.path.name + ".before-restore")
            if self.path.exists():
                shutil.copyfile(self.path, before)
            # The WAL may hold committed changes not yet in the file (a checkpoint that failed, a crash):
            # it goes with the copy it belongs to, so ``.before-restore`` opens with all of them.
            wal, before_wal = Path(f"{self.path}.wal"), Path(f"{before}.wal")
            before_wal.unlink(missing_ok=True)
            if wal.exists():
                os.replace(wal, before_wal)
            os.replace(fresh, self.path)
        return self.summary()


def _quoted(path: Path) -> str:
    """EXPORT/IMPORT take a literal path, not a parameter: allow only paths we created ourselves."""
    text = str(path)
    if "'" in text:
        raise StoreError(f"Unsupported characters in the temporary folder name: {text}")
    return text
