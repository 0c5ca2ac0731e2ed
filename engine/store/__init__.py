"""The store: the only code in Rapport that talks to DuckDB.

Every SQL statement lives in this package, with bound parameters for every value; the schema is
built by numbered migrations (``migrations.py``). ``Store`` is assembled from one mixin per area so
that each file stays readable on its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from .autobackup import KEEP as AUTOMATIC_COPIES_KEPT
from .autobackup import copies as automatic_copies
from .autobackup import copy_day, restore_copy
from .base import StoreBase
from .connection import StoreDamaged, StoreError, StoreLocked
from .contacts import RELATIONSHIPS, SORTS, ContactQuery, ContactsMixin
from .direct import DirectImportMixin
from .events import EventsMixin
from .goals import GOAL_STATUSES, GoalsMixin
from .imports import ImportReport, ImportsMixin
from .interactions import CHANNELS, INTERACTION_KINDS, OUTCOMES, InteractionsMixin
from .messages import MessagesMixin
from .review import ReviewMixin
from .workspace import WorkspaceMixin

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "rapport.duckdb"


class Store(ContactsMixin, ImportsMixin, DirectImportMixin, GoalsMixin, EventsMixin, InteractionsMixin,
            MessagesMixin, ReviewMixin, WorkspaceMixin, StoreBase):
    """A Rapport workspace: one DuckDB file. ``Store(path)`` opens nothing until it is used."""


def default_db_path() -> Path:
    """``RAPPORT_DB`` if set, else ``data/rapport.duckdb`` in the project folder."""
    return Path(os.environ.get("RAPPORT_DB") or DEFAULT_DB)


__all__ = [
    "AUTOMATIC_COPIES_KEPT", "CHANNELS", "GOAL_STATUSES", "INTERACTION_KINDS", "OUTCOMES", "RELATIONSHIPS", "SORTS",
    "ContactQuery", "ImportReport", "Store", "StoreDamaged", "StoreError", "StoreLocked", "automatic_copies",
    "copy_day", "default_db_path", "restore_copy",
]
