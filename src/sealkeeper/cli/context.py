"""What every store and ledger command shares: the settings, built once per process, and today's date."""

from __future__ import annotations

import datetime as dt
from functools import cache

from sealkeeper.config import Settings, load_settings


@cache
def settings() -> Settings:
    return load_settings()


def today() -> dt.date:
    return dt.date.today()  # noqa: DTZ011 - the entry point is where the calendar day comes from


def now() -> dt.datetime:
    """The current time, aware, in the machine's time zone (its date is ``today()``)."""
    return dt.datetime.now().astimezone()


def at_on(day: dt.date) -> dt.datetime:
    """A time on ``day`` for events dated by the user: now's time of day on that day, in the local zone."""
    current = now()
    return dt.datetime.combine(day, current.timetz())


def day_option(_ctx: object, _param: object, value: str | None) -> dt.date:
    """A click callback for date options: ISO date, or today when not given."""
    import click  # noqa: PLC0415 - only the commands that take a date need it

    if value is None:
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None
