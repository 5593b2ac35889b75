"""Opening the configured store for a use case: the engine, checked to be initialised and current."""

from __future__ import annotations

from functools import cache

from sqlalchemy.engine import Engine

from sealkeeper.config import Settings
from sealkeeper.errors import StoreError
from sealkeeper.store.database import check_schema, make_engine


@cache
def _engine(url: str) -> Engine:
    return make_engine(url)


def open_store(settings: Settings) -> Engine:
    """The engine of an initialised home; StoreError (run `sealkeeper init`) otherwise."""
    if settings.database_url.startswith("sqlite:///") and not (settings.home / "sealkeeper.toml").exists():
        raise StoreError(f"{settings.home} is not a sealkeeper home: run `sealkeeper init` first")
    engine = _engine(settings.database_url)
    check_schema(engine)
    return engine
