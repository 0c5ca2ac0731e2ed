"""The demo workspace a first-time user can explore: generated contacts, goals, events and history."""

from .content import build_demo, write_demo_files
from .load import load_demo_workspace

__all__ = ["build_demo", "load_demo_workspace", "write_demo_files"]
