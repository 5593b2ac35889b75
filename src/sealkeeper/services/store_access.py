"""Opening the configured store for a use case: the engine, checked to be initialised and current."""

from __future__ import annotations

from sqlalchemy.engine import Connection, Engine

from sealkeeper.config import Settings
from sealkeeper.errors import StoreError
from sealkeeper.services.protection import forget_protectors
from sealkeeper.store.database import check_schema, make_engine
from sealkeeper.store.ledger_repository import lock_head

_ENGINES: dict[str, Engine] = {}
_CURRENT: set[str] = set()  # engines whose schema was found current (asked once per process, not per call)


def _engine(url: str) -> Engine:
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def open_store(settings: Settings) -> Engine:
    """The engine of an initialised home; StoreError (run `sealkeeper init`) otherwise."""
    if settings.database_url.startswith("sqlite:///") and not (settings.home / "sealkeeper.toml").exists():
        raise StoreError(f"{settings.home} is not a sealkeeper home: run `sealkeeper init` first")
    engine = _engine(settings.database_url)
    if settings.database_url not in _CURRENT:
        check_schema(engine)
        _CURRENT.add(settings.database_url)
    return engine


def close_all() -> None:
    """Dispose of every open engine (tests, and a service that shuts down)."""
    for engine in list(_ENGINES.values()):
        engine.dispose()
    _ENGINES.clear()
    _CURRENT.clear()
    forget_protectors()


def writer_lock(conn: Connection) -> None:
    """The store's one writer lock, held to the end of the caller's transaction: the ledger's head row.

    Every change that is logged takes it anyway when it appends; taking it first makes imports, deletions,
    restores and key retirements serialise completely, so none plans from a state another is changing
    (SQLite's BEGIN IMMEDIATE already does this; PostgreSQL's row lock does it there)."""
    lock_head(conn)
