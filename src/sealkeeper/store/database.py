"""Opening the database, migrating it with Alembic, and transactions (the unit of work).

SQLite (the embedded default) runs in WAL mode with foreign keys on; PostgreSQL through its URL.
Third-party database errors are wrapped into StoreError here, with no SQL parameters in the message
(parameters may hold ciphertexts or tokens; never personal data, but nothing is gained by printing them).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from sealkeeper.errors import StoreError


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's legacy mode never says BEGIN before a SELECT, so reads would not share a snapshot:
    # transactions are begun explicitly in _sqlite_begin (SQLAlchemy's documented recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: a commit returns after the write-ahead log is on disk, so a logged change (and its ledger entry) is
    # durable before it is answered (NORMAL lost the last commits on a power cut); concurrent certificate
    # issuances share one commit, and so one flush (services.group_commit)
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA secure_delete=ON")  # a destroyed key is overwritten in the file, not just unlinked
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Writers (``transaction``) take the write lock at BEGIN IMMEDIATE, so what they read before writing
    cannot change under them; readers begin DEFERRED and see one snapshot until they end."""
    mode = "IMMEDIATE" if connection.get_execution_options().get("sqlite_write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and foreign keys on every connection."""
    try:
        # A served API runs up to 40 request threads (anyio's default). SQLAlchemy's default pool (5 + 10)
        # made requests wait and fail on PostgreSQL; on SQLite it opened and closed a connection, with its
        # pragmas, for each request over 5 in flight. A SQLite connection is a file handle and a page cache:
        # one is kept for each thread. PostgreSQL keeps 20 (its server allows 100 for every worker process).
        # An in-memory SQLite database keeps its single connection (SingletonThreadPool).
        in_memory = url in {"sqlite://", "sqlite:///:memory:"} or "mode=memory" in url
        pooled = {"pool_size": 40 if url.startswith("sqlite") else 20, "max_overflow": 30, "pool_timeout": 10}
        engine = sa.create_engine(url, future=True, **({} if in_memory else pooled))
    except (sa.exc.ArgumentError, ModuleNotFoundError) as exc:
        raise StoreError(f"cannot use database URL: {type(exc).__name__}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("sealkeeper.store").joinpath("migrations")))
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    with make_engine("sqlite://").connect() as connection:
        head = ScriptDirectory.from_config(_alembic_config(connection)).get_current_head()
    if head is None:
        raise StoreError("no migrations shipped")
    return head


def migrate(engine: Engine, then: Callable[[Connection], object] | None = None) -> None:
    """Bring the schema to the newest revision (idempotent). ``then`` runs in the same transaction right after
    (the data a migration cannot fill because it needs the rules), so a crash leaves neither done."""
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
            if then is not None:
                then(connection)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"migration failed ({type(exc).__name__}); the database was left as it was") from None


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except sa.exc.SQLAlchemyError as exc:
        problem = type(exc).__name__
        raise StoreError(f"cannot open the database ({problem}); is SEALKEEPER_DATABASE_URL right?") from None


_VERSION = sa.text("SELECT version_num FROM alembic_version")


def revision_in_use(engine: Engine) -> str:
    """The schema revision of a store in use (the health check): one read of Alembic's version table.

    ``current_revision`` (Alembic's ``MigrationContext``) first looks the table up in the database's catalogue,
    which on a served store cost more than a certificate's reads (``/healthz`` at 1.7 ms of CPU, and at 200
    a second it slowed the certificates after it: ``bench/bench_certificates.py``). Only when the read fails
    is Alembic asked, to tell a store never initialised from one that cannot be opened."""
    try:
        with engine.connect() as connection:
            found = connection.execute(_VERSION).scalars().all()
    except sa.exc.SQLAlchemyError:
        found = [revision] if (revision := current_revision(engine)) is not None else []
    if len(found) != 1:
        raise StoreError("the database is not initialised: run `sealkeeper init`")
    return str(found[0])


def check_schema(engine: Engine) -> None:
    """Refuse to work on a database that is not initialised or was migrated by a newer sealkeeper."""
    try:
        revision = current_revision(engine)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(
            f"cannot open the database ({type(exc).__name__}); is SEALKEEPER_DATABASE_URL right?"
        ) from None
    if revision is None:
        raise StoreError("the database is not initialised: run `sealkeeper init`")
    if revision != head_revision():
        raise StoreError(
            f"the database is at schema {revision}, this sealkeeper expects {head_revision()}: "
            "run `sealkeeper migrate` (a newer database needs a newer sealkeeper)"
        )


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One unit of work: everything inside commits together or not at all."""
    try:
        with _writer_turn(engine), engine.connect() as plain, plain.execution_options(sqlite_write=True).begin():
            yield plain
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"database error ({type(exc).__name__}); nothing from this step was written") from None


class _WriterTurn:
    """Whose turn it is to write a SQLite file, among the threads and processes of this machine.

    SQLite lets one writer in at a time and makes the others poll: a writer that finds the file locked
    sleeps 1, 2, 5, 10 … up to 100 ms between tries (its busy handler), whenever the lock was freed. Two
    server processes writing certificates lost hundreds of milliseconds per request that way. Queued on
    ``flock`` (between processes) and a lock (between threads), a writer starts as soon as the one before
    it ends. SQLite's own lock stays what guarantees it; this only orders sealkeeper's writers. Re-entrant:
    a unit of work inside another in the same thread (SQLite would refuse it anyway) does not wait on itself.
    The lock file lies beside the database (``<file>-writer``); it is empty."""

    def __init__(self, path: str) -> None:
        self.path = f"{path}-writer"
        self.lock = threading.RLock()
        self.depth = 0
        self.fd = -1

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self.lock:
            if self.depth == 0:  # opened for the turn only: closing it ends the turn, and no descriptor is kept
                try:
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                except OSError as exc:
                    raise StoreError(f"cannot open the writers' lock file {self.path}: {exc.strerror}") from None
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except BaseException:
                    os.close(fd)
                    raise
                self.fd = fd
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
                if self.depth == 0:
                    os.close(self.fd)
                    self.fd = -1


_TURNS: dict[str, _WriterTurn] = {}
_TURNS_LOCK = threading.Lock()


def _writer_turn(engine: Engine) -> AbstractContextManager[None]:
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        return nullcontext()
    where = os.path.abspath(path)
    with _TURNS_LOCK:  # one per file, made on its first write (not a new one thrown away on every write)
        found = _TURNS.get(where)
        if found is None:
            found = _TURNS[where] = _WriterTurn(where)
    return found.turn()
