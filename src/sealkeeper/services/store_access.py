"""Opening the configured store for a use case: the engine, checked to be initialised and current."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from sealkeeper.config import Settings
from sealkeeper.errors import StoreError
from sealkeeper.store.database import check_schema, make_engine

_ENGINES: dict[str, Engine] = {}


def _engine(url: str) -> Engine:
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def open_store(settings: Settings) -> Engine:
    """The engine of an initialised home; StoreError (run `sealkeeper init`) otherwise."""
    if settings.database_url.startswith("sqlite:///") and not (settings.home / "sealkeeper.toml").exists():
        raise StoreError(f"{settings.home} is not a sealkeeper home: run `sealkeeper init` first")
    engine = _engine(settings.database_url)
    check_schema(engine)
    return engine


def close_all() -> None:
    """Dispose of every open engine (tests, and a service that shuts down)."""
    for engine in list(_ENGINES.values()):
        engine.dispose()
    _ENGINES.clear()
