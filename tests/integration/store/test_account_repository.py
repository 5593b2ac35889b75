"""The two reads. ``reading_per_statement`` (the token check, a certificate's reads): on PostgreSQL it opens no
transaction (no BEGIN, no COMMIT: two round trips saved on every API call); on SQLite it is an ordinary read
in one snapshot. ``reading``: one snapshot on both (PostgreSQL: REPEATABLE READ, read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from sealkeeper.errors import StoreError
from sealkeeper.store.account_repository import reading, reading_per_statement
from sealkeeper.store.database import make_engine, migrate


def _in_transaction(conn: sa.Connection) -> bool:
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        return bool(dbapi.info.transaction_status != dbapi.info.transaction_status.IDLE)  # type: ignore[union-attr]
    return bool(dbapi.in_transaction)  # type: ignore[union-attr]


def test_one_statement_reads_open_no_transaction_on_postgresql(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "home").mkdir(exist_ok=True)  # where the SQLite database lives
    engine = make_engine(database_url)
    try:
        migrate(engine)
        with reading_per_statement(engine) as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
            assert _in_transaction(conn) is (engine.dialect.name != "postgresql")
        with reading(engine) as conn:  # the ordinary read keeps its snapshot on both
            conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
            assert _in_transaction(conn)
        with engine.connect() as conn:  # the connection went back to the pool as it was: transactions again
            conn.execute(sa.text("SELECT 1"))
            assert _in_transaction(conn)
    finally:
        engine.dispose()


def test_a_read_sees_one_snapshot_and_cannot_write(database_url: str, tmp_path: Path) -> None:
    """A row committed by another connection during a read is not seen by the read's later statements; on
    PostgreSQL, READ COMMITTED would have shown it (each statement its own snapshot). A write inside a read
    is refused on PostgreSQL (read-only) and nothing of it stays."""
    (tmp_path / "home").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE snap_probe (n INTEGER)"))
        count = sa.text("SELECT count(*) FROM snap_probe")
        with reading(engine) as conn:
            assert conn.execute(count).scalar_one() == 0
            with engine.begin() as other:
                other.execute(sa.text("INSERT INTO snap_probe VALUES (1)"))
            assert conn.execute(count).scalar_one() == 0  # still the snapshot of the read's first statement
        with reading(engine) as conn:
            assert conn.execute(count).scalar_one() == 1
        if engine.dialect.name == "postgresql":
            with pytest.raises(StoreError, match="nothing was read"), reading(engine) as conn:
                conn.execute(sa.text("INSERT INTO snap_probe VALUES (2)"))
            with engine.connect() as conn:  # back in the pool as it was: read-write, READ COMMITTED
                assert conn.execute(sa.text("SHOW transaction_isolation")).scalar_one() == "read committed"
                assert conn.execute(sa.text("SHOW transaction_read_only")).scalar_one() == "off"
        with engine.connect() as conn:
            assert conn.execute(count).scalar_one() == 1
    finally:
        engine.dispose()  # the table goes with the test's schema (PostgreSQL) or folder (SQLite)
