"""Reads and writes of accounts, sessions and API tokens, on a connection inside a unit of work.

Times go in as aware datetimes and are stored in UTC; they come back aware, in UTC (SQLite keeps no zone, so a
naive value read back is UTC by construction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sealkeeper.errors import StoreError
from sealkeeper.store.account_tables import accounts, api_tokens, sessions


def utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def read_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def insert_account(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(sa.insert(accounts).values(**row))


def account_by_username(conn: Connection, username: str) -> Any:
    return conn.execute(sa.select(accounts).where(accounts.c.username == username)).first()


# Built once: every API request runs one of these (a statement built per call cost about 60 us more to run).
_ACCOUNT_BY_ID = sa.select(accounts).where(accounts.c.id == sa.bindparam("id"))
_TOKEN_COLUMNS = [c.label(f"token_{c.name}") for c in api_tokens.c]
#: The token and its holder in one statement (one round trip to PostgreSQL, not two, on every API call).
_API_TOKEN_WITH_ACCOUNT = (
    sa.select(*_TOKEN_COLUMNS, *accounts.c)
    .join_from(api_tokens, accounts, api_tokens.c.account == accounts.c.id)
    .where(api_tokens.c.token_hash == sa.bindparam("token_hash"))
)


def account_by_id(conn: Connection, account_id: str) -> Any:
    return conn.execute(_ACCOUNT_BY_ID, {"id": account_id}).first()


def lock_account(conn: Connection, account_id: str) -> Any:
    """The account's row, locked to the end of the transaction (PostgreSQL; SQLite's writers are serial)."""
    return conn.execute(sa.select(accounts).where(accounts.c.id == account_id).with_for_update()).first()


def all_accounts(conn: Connection) -> list[Any]:
    return list(conn.execute(sa.select(accounts).order_by(accounts.c.username)))


def update_account(conn: Connection, account_id: str, **values: Any) -> None:
    conn.execute(sa.update(accounts).where(accounts.c.id == account_id).values(**values))


def put_failures(
    conn: Connection, account_id: str, times: tuple[dt.datetime, ...], locked_until: dt.datetime | None
) -> None:
    update_account(
        conn,
        account_id,
        failures=",".join(utc(t).isoformat() for t in times),
        locked_until=None if locked_until is None else utc(locked_until),
    )


def failures_of(row: Any) -> tuple[tuple[dt.datetime, ...], dt.datetime | None]:
    """The account's recent failures' times and the end of its lock (None when never locked)."""
    times = tuple(dt.datetime.fromisoformat(part) for part in str(row.failures).split(",") if part)
    return times, read_utc(row.locked_until)


def insert_session(
    conn: Connection, token_hash: str, account_id: str, created: dt.datetime, expires: dt.datetime
) -> None:
    conn.execute(
        sa.insert(sessions).values(
            token_hash=token_hash,
            account=account_id,
            created=utc(created),
            last_seen=utc(created),
            expires=utc(expires),
        )
    )


def session_with_account(conn: Connection, token_hash: str) -> tuple[Any, Any] | None:
    row = conn.execute(sa.select(sessions).where(sessions.c.token_hash == token_hash)).first()
    if row is None:
        return None
    return row, account_by_id(conn, row.account)


def touch_session(conn: Connection, token_hash: str, at: dt.datetime) -> None:
    conn.execute(sa.update(sessions).where(sessions.c.token_hash == token_hash).values(last_seen=utc(at)))


def delete_session(conn: Connection, token_hash: str) -> str | None:
    """Delete the session; returns its account id (None when there was none)."""
    account = conn.execute(
        sa.select(sessions.c.account).where(sessions.c.token_hash == token_hash)
    ).scalar_one_or_none()
    if account is not None:
        conn.execute(sa.delete(sessions).where(sessions.c.token_hash == token_hash))
    return account


def delete_sessions_of(conn: Connection, account_id: str) -> int:
    return conn.execute(sa.delete(sessions).where(sessions.c.account == account_id)).rowcount


def insert_api_token(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(
        sa.insert(api_tokens).values(
            **{**row, "created": utc(row["created"]), "expires": utc(row["expires"]), "revoked": None}
        )
    )


def api_token_with_account(conn: Connection, token_hash: str) -> tuple[Any, Any] | None:
    """The API token with this hash and the account holding it (each as a row with its table's columns)."""
    row = conn.execute(_API_TOKEN_WITH_ACCOUNT, {"token_hash": token_hash}).first()
    if row is None:
        return None
    values = row._mapping
    token = SimpleNamespace(**{c.name: values[f"token_{c.name}"] for c in api_tokens.c})
    return token, SimpleNamespace(**{c.name: values[c] for c in accounts.c})


def api_token(conn: Connection, token_id: str) -> Any:
    return conn.execute(sa.select(api_tokens).where(api_tokens.c.id == token_id)).first()


def revoke_api_token(conn: Connection, token_id: str, at: dt.datetime) -> None:
    conn.execute(sa.update(api_tokens).where(api_tokens.c.id == token_id).values(revoked=utc(at)))


def stamp(row: Any, name: str) -> dt.datetime:
    """A NOT NULL time column of ``row``, aware and in UTC."""
    value = read_utc(getattr(row, name))
    assert value is not None  # noqa: S101 - a NOT NULL column
    return value


@contextmanager
def reading_per_statement(engine: Engine) -> Iterator[Connection]:
    """A read whose statements each stand alone: each sees its own snapshot, so what must be seen together is
    read by one statement (the token with its account; a certificate's records with their cases). On
    PostgreSQL it runs without BEGIN and COMMIT (AUTOCOMMIT): two round trips saved on every API call. On
    SQLite it is ``reading`` (one snapshot, which is more; its BEGIN and COMMIT are calls into the library,
    and SQLAlchemy's reset of an autocommit connection would undo the explicit BEGIN that ``store.database``
    relies on)."""
    if engine.dialect.name != "postgresql":
        with reading(engine) as conn:
            yield conn
        return
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"database error ({type(exc).__name__}); nothing was read") from None


#: PostgreSQL's default (READ COMMITTED) gives each statement its own snapshot; a read that promises one
#: snapshot asks for REPEATABLE READ, read-only (psycopg puts both into its BEGIN: no round trip more).
_ONE_SNAPSHOT = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only unit of work: one snapshot, no write lock (SQLite begins DEFERRED, unlike ``transaction``;
    PostgreSQL begins REPEATABLE READ READ ONLY)."""
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execution_options(**_ONE_SNAPSHOT)
            with conn.begin():
                yield conn
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"database error ({type(exc).__name__}); nothing was read") from None
