"""A real-size archive: a 50 MB messages.csv (about 236,000 messages) imports whole, in one go."""

from __future__ import annotations

import zipfile

import pytest

from benchmarks.archive_bench import write_files
from engine.importers.files import import_file
from engine.store import Store


@pytest.mark.slow
def test_a_50_mb_messages_csv_in_the_archive_imports_every_message(tmp_path):
    messages = 236_000
    connections, csv = write_files(tmp_path, messages)
    assert csv.stat().st_size >= 50_000_000
    archive = tmp_path / "Complete_LinkedInDataExport_12-01-2026.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(connections, "Connections.csv")
        zf.write(csv, "messages.csv")
    csv.unlink()
    store = Store(tmp_path / "w.duckdb")
    report = import_file(store, archive).to_dict()
    assert report["contacts"]["inserted"] == 1000
    assert report["messages_read"] == messages and report["conversations"] == 1000
    assert report["interactions_inserted"] == messages and report["matched_people"] == 1000
    assert len(store.interactions.frame()) == messages
    again = import_file(store, archive).to_dict()
    assert again["interactions_inserted"] == 0
