"""Counting statutory periods: calendar days (the default) or working days, as a parameter of each case.

A period of N days that begins with an event on day S ends on the N-th day after S: the day of the event does
not count (期间开始的日不计算在期间内, as in CPL Art. 105). With ``roll_forward`` a calendar-day period that
ends on a rest day ends instead on the next working day (the same article); it is off by default, because the
holiday list is the caller's to supply. Working days are Monday to Friday, less ``holidays``, plus
``workdays`` (weekend days worked in exchange for a holiday, 调休).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Calendar:
    working_days: bool = False
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    roll_forward: bool = False

    def __post_init__(self) -> None:
        if self.holidays & self.workdays:
            raise ValueError("a day cannot be both a holiday and a working day")

    def is_working(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add(self, start: dt.date, days: int) -> dt.date:
        """The last day of a period of ``days`` beginning the day after ``start`` (``start`` itself for 0)."""
        if days < 0:
            raise ValueError(f"a period cannot be negative ({days} days)")
        if not self.working_days:
            end = start + dt.timedelta(days=days)
            while self.roll_forward and days and not self.is_working(end):
                end += ONE_DAY
            return end
        end, counted = start, 0
        while counted < days:
            end += ONE_DAY
            counted += self.is_working(end)
        return end

    def describe(self) -> str:
        return "working days" if self.working_days else "calendar days"


CALENDAR_DAYS = Calendar()
WORKING_DAYS = Calendar(working_days=True)


def days_left(today: dt.date, due: dt.date) -> int:
    """Calendar days from ``today`` to ``due``: 0 on the last day, negative once it has passed."""
    return (due - today).days


def is_overdue(today: dt.date, due: dt.date) -> bool:
    """A step is late from the day after its last day; on the last day it is still in time."""
    return today > due
