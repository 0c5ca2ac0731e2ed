"""The one clock: what "today" and "now" are for this workspace.

Every date that depends on the current moment comes from here, so the time-zone setting is
honoured everywhere and a test can reason about it. ``workspace_today`` is the user's date in the
zone chosen in Settings (this computer's zone if none); the rest of the engine takes ``today`` as
an argument.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

log = logging.getLogger(__name__)


def now_utc() -> datetime:
    """The current instant, time-zone aware (UTC)."""
    return datetime.now(UTC)


@functools.cache
def time_zones() -> tuple[str, ...]:
    """Every time zone this computer knows (IANA names), sorted: what Settings offers. Read once per
    process: ``zoneinfo.available_timezones()`` walks the time-zone folders on every call (13 ms of each
    run of the Settings page, of about 70), and they change only with a system update."""
    return tuple(sorted(available_timezones()))


def _zone(tz: str | None):
    try:
        return ZoneInfo(tz) if tz else None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        log.warning("unknown time zone %r: using this computer's time zone", tz)
        return None


def wall_clock(moment: datetime, tz: str | None = None) -> datetime:
    """An aware ``moment`` as the naive wall-clock time in the IANA zone ``tz`` (None or unknown: this
    computer's), as events are kept: a user reads "09:00" where they live, not in UTC."""
    return moment.astimezone(_zone(tz)).replace(tzinfo=None)


def as_utc(wall: datetime, tz: str | None = None) -> datetime:
    """A naive wall-clock time in ``tz`` (None or unknown: this computer's zone) as an aware UTC
    moment, for a calendar file; an aware one is converted as it is."""
    if wall.tzinfo is None:
        zone = _zone(tz)
        wall = wall.replace(tzinfo=zone) if zone is not None else wall.astimezone()
    return wall.astimezone(UTC)


def local_now(tz: str | None = None, now: datetime | None = None) -> datetime:
    """The wall-clock time in the IANA zone ``tz`` (None or unknown: this computer's), without a zone.

    ``now`` should be aware; a naive one is read as UTC. An unknown zone name is logged, not raised,
    so a bad setting cannot take the dashboard down.
    """
    moment = now or now_utc()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return wall_clock(moment, tz)


def local_today(tz: str | None = None, now: datetime | None = None) -> date:
    """Today's date in the IANA zone ``tz`` (None or unknown: this computer's zone), at instant ``now``."""
    return local_now(tz, now).date()


def workspace_today(store) -> date:
    """Today in the time zone the user chose in Settings (the machine's zone if none)."""
    return local_today(store.settings.get("timezone"))


def workspace_now(store) -> datetime:
    """The user's wall-clock time, in the zone chosen in Settings."""
    return local_now(store.settings.get("timezone"))
