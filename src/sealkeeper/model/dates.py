"""Calendar arithmetic used by the rules. Pure; never reads the clock.

Adding years or months clips to the last day of the month (2020-02-29 + 1 year = 2021-02-28), the same
convention as Polars' ``dt.offset_by``, so that the single-record and the batch path agree.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole ``months``, clipped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError(f"date out of range: {day.isoformat()} + {months} months")
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole ``years`` (a period of N years beginning with ``day`` ends the day before)."""
    return add_months(day, 12 * years)


def parse_iso_date(text: str) -> dt.date:
    """A strict ISO ``YYYY-MM-DD`` calendar date; raises ValueError for anything else."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)")
    return dt.date.fromisoformat(text)
