"""The store: the only code in Rapport that talks to DuckDB.

Every SQL statement lives in this package, with bound parameters for every value; the schema is
built by numbered migrations (``migrations.py``). A ``Store`` is one workspace file; each area of
it is a part that shares the store's connection: ``store.contacts``, ``store.goals``,
``store.interactions``, ``store.history``, ``store.events``, ``store.imports``, ``store.templates``, ``store.pitches``,
``store.settings``, ``store.flags``, ``store.feedback`` and ``store.companies``.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from engine.vocabulary import CHANNELS, GOAL_STATUSES, INTERACTION_KINDS, OUTCOMES, RELATIONSHIPS  # re-exported

from .autobackup import KEEP as AUTOMATIC_COPIES_KEPT
from .autobackup import copies as automatic_copies
from .autobackup import copy_day, restore_copy
from .base import StoreBase
from .companies import Companies
from .connection import StoreDamaged, StoreError, StoreLocked
from .contacts import SORTS, ContactQuery, Contacts
from .events import Events
from .feedback import Feedback
from .goals import Goals
from .history import History
from .imports import ImportReport, Imports
from .interactions import Interactions
from .messages import Pitches, Templates
from .review import Flags
from .settings import Settings
from .workspace import WorkspaceMixin

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "rapport.duckdb"


class Store(WorkspaceMixin, StoreBase):
    """A Rapport workspace: one DuckDB file. ``Store(path)`` opens nothing until it is used."""

    @cached_property
    def contacts(self) -> Contacts:
        return Contacts(self)

    @cached_property
    def goals(self) -> Goals:
        return Goals(self)

    @cached_property
    def interactions(self) -> Interactions:
        return Interactions(self)

    @cached_property
    def history(self) -> History:
        return History(self)

    @cached_property
    def events(self) -> Events:
        return Events(self)

    @cached_property
    def imports(self) -> Imports:
        return Imports(self)

    @cached_property
    def templates(self) -> Templates:
        return Templates(self)

    @cached_property
    def pitches(self) -> Pitches:
        return Pitches(self)

    @cached_property
    def settings(self) -> Settings:
        return Settings(self)

    @cached_property
    def flags(self) -> Flags:
        return Flags(self)

    @cached_property
    def feedback(self) -> Feedback:
        return Feedback(self)

    @cached_property
    def companies(self) -> Companies:
        return Companies(self)


def default_db_path() -> Path:
    """``RAPPORT_DB`` if set, else ``data/rapport.duckdb`` in the project folder."""
    return Path(os.environ.get("RAPPORT_DB") or DEFAULT_DB)


__all__ = [
    "AUTOMATIC_COPIES_KEPT", "CHANNELS", "GOAL_STATUSES", "INTERACTION_KINDS", "OUTCOMES", "RELATIONSHIPS", "SORTS",
    "ContactQuery", "ImportReport", "Store", "StoreDamaged", "StoreError", "StoreLocked", "automatic_copies",
    "copy_day", "default_db_path", "restore_copy",
]
