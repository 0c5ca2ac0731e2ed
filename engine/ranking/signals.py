"""Warmth, timing and fatigue: what the relationship history says about *when* and *how* to reach out.

These do not depend on the goal, only on the contact and on ``now``, which is always passed in:
scoring never reads the clock, so the same inputs give the same ranking in tests and in the app.

* warmth: how likely the contact is to answer (strength 0-5, past replies, recent interaction);
* timing: a reason to get in touch now (keep-in-touch cadence overdue, job change in the last
  90 days, connected in the last 30 days);
* fatigue: the contact was suggested again and again and never acted on, so showing them on top
  once more is wasted space (plus outreach that went unanswered).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

EPOCH = pd.Timestamp("1970-01-01")
STRENGTH_SHARE, REPLIES_SHARE, RECENCY_SHARE = 0.5, 0.3, 0.2
RECENCY_DAYS = 180.0  # an interaction this long ago has lost ~63% of its warmth
STALE_DAYS = 365.0  # warm but silent for a year: reconnect before asking for anything
JOB_CHANGE_DAYS = 90.0
NEW_CONNECTION_DAYS = 30.0
FREE_SHOWINGS = 2  # being suggested this often without action costs nothing yet
FATIGUE_PER_SHOWING = 0.25
FATIGUE_PER_UNANSWERED = 0.1


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or an all-missing one when the caller's frame does not have it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric column as float64, NaN where missing or not a number."""
    return pd.to_numeric(column(frame, name), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def days(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A date column as float days since 1970 (NaN for NaT); aware datetimes are taken in UTC."""
    values = pd.to_datetime(column(frame, name), errors="coerce", utc=True).dt.tz_convert(None)
    return ((values - EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=np.float64, na_value=np.nan)


def day_of(now) -> float:
    """``now`` (datetime, Timestamp, numpy datetime64 or ISO string) as float days since 1970."""
    ts = pd.Timestamp(now)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return float((ts - EPOCH) / pd.Timedelta(days=1))


@dataclass
class ContactSignals:
    """Relationship-history inputs learned at fit time, one float per contact."""

    strength: np.ndarray
    replies: np.ndarray
    outreach: np.ndarray
    cadence: np.ndarray
    last_interaction: np.ndarray
    connected_on: np.ndarray
    job_changed: np.ndarray
    times_recommended: np.ndarray

    @classmethod
    def from_frame(cls, contacts: pd.DataFrame) -> ContactSignals:
        cadence = numbers(contacts, "cadence_days")
        return cls(
            strength=np.clip(numbers(contacts, "strength"), 0, 5),
            replies=np.nan_to_num(np.clip(numbers(contacts, "replies"), 0, None)),
            outreach=np.nan_to_num(np.clip(numbers(contacts, "outreach_count"), 0, None)),
            cadence=np.where(cadence > 0, cadence, np.nan),
            last_interaction=days(contacts, "last_interaction"),
            connected_on=days(contacts, "connected_on"),
            job_changed=days(contacts, "job_changed_on"),
            times_recommended=np.nan_to_num(np.clip(numbers(contacts, "times_recommended"), 0, None)),
        )

    def at(self, now_day: float) -> dict[str, np.ndarray]:
        """Warmth, timing and fatigue in [0, 1] as of ``now_day``, plus the details reasons quote.

        Kept for the last day asked, as read-only arrays: a ranking, each segment's audience and
        the learned model all read the same day's signals (7 ms a time at 100,000 contacts).
        ``now_day`` may also be an array, a day per contact (not kept)."""
        if not np.isscalar(now_day):
            return self._at(now_day)
        kept = self.__dict__.get("_kept_at")
        if kept is not None and kept[0] == float(now_day):
            return kept[1]
        out = self._at(now_day)
        for values in out.values():
            values.flags.writeable = False
        self.__dict__["_kept_at"] = (float(now_day), out)
        return out

    def at_rows(self, now_day: float, rows: np.ndarray, n: int) -> dict[str, np.ndarray]:
        """``at(now_day)`` computed for the contacts at positions ``rows`` only, in (n,) arrays that
        hold them there (zero elsewhere): the reasons of a page of 25 need 25 contacts' signals."""
        part = type(self)(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})._at(now_day)
        out = {}
        for key, values in part.items():
            out[key] = np.zeros(n, dtype=values.dtype)
            out[key][rows] = values
        return out

    def __getstate__(self) -> dict:
        """What is pickled (the model kept on disk): the fitted arrays, not the day's signals."""
        state = dict(self.__dict__)
        state.pop("_kept_at", None)
        return state

    def _at(self, now_day) -> dict[str, np.ndarray]:
        with np.errstate(invalid="ignore"):
            since_last = np.clip(now_day - self.last_interaction, 0, None)
            recency = np.nan_to_num(np.exp(-since_last / RECENCY_DAYS))
            warmth = (
                STRENGTH_SHARE * np.nan_to_num(self.strength) / 5.0
                + REPLIES_SHARE * (1.0 - 0.5 ** self.replies)
                + RECENCY_SHARE * recency
            )
            # Keep-in-touch: overdue counted from the last interaction, else from connecting.
            reference = np.where(np.isnan(self.last_interaction), self.connected_on, self.last_interaction)
            overdue = now_day - reference - self.cadence
            overdue = np.where(overdue > 0, overdue, np.nan)
            t_overdue = np.nan_to_num(np.minimum(1.0, 0.5 + 0.5 * overdue / self.cadence))
            since_change = now_day - self.job_changed
            changed = (since_change >= 0) & (since_change <= JOB_CHANGE_DAYS)
            t_change = np.where(changed, 1.0 - 0.5 * since_change / JOB_CHANGE_DAYS, 0.0)
            since_connect = now_day - self.connected_on
            new = (since_connect >= 0) & (since_connect <= NEW_CONNECTION_DAYS)
            t_new = np.where(new, 0.8 - 0.4 * since_connect / NEW_CONNECTION_DAYS, 0.0)
        timing = 1.0 - (1.0 - t_overdue) * (1.0 - t_change) * (1.0 - t_new)
        unanswered = np.clip(self.outreach - self.replies, 0, None)
        fatigue = np.minimum(
            1.0,
            FATIGUE_PER_SHOWING * np.clip(self.times_recommended - FREE_SHOWINGS, 0, None)
            + FATIGUE_PER_UNANSWERED * np.clip(unanswered - 1, 0, None),
        )
        return {
            "warmth": warmth, "timing": timing, "fatigue": fatigue,
            "overdue_days": overdue,
            "job_change_days": np.where(changed, since_change, np.nan),
            "new_connection_days": np.where(new, since_connect, np.nan),
            "warm": (np.nan_to_num(self.strength) >= 3) | (self.replies > 0),
            "stale": since_last > STALE_DAYS,
            "since_last_days": since_last,
        }
