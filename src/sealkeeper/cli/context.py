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
