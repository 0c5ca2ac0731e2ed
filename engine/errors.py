"""What can go wrong that a user can fix, as one family: ``RapportError``.

Both front ends (the pages and the ``rapport`` command) show a ``RapportError`` as its one-line
message. Anything else that escapes the engine is a bug: the pages show it as one (with the
traceback, and it is logged), the command prints it and exits with status 1. A plain ``KeyError``
from a typo is therefore never dressed up as "no such contact".
"""

from __future__ import annotations


class RapportError(Exception):
    """A problem the user can act on; ``str(error)`` is the one line to show them."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else type(self).__name__


class UserError(RapportError, ValueError):
    """A value the user gave that cannot be used: a date out of range, an unknown channel, an empty title."""


class NotFound(RapportError, KeyError):
    """An id that names nothing: a contact, goal, template or event that does not exist (any more)."""

    __str__ = RapportError.__str__  # KeyError would quote the message


class FileError(RapportError):
    """A file that cannot be read or written: missing, a folder, a device, unreadable, malformed."""
