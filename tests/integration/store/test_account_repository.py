"""The token check's read (``reading_one_statement``): on PostgreSQL it opens no transaction (no BEGIN, no
COMMIT: two round trips saved on every API call); on SQLite it is an ordinary read in one snapshot."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from sealkeeper.store.account_repository import reading, reading_one_statement
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
        with reading_one_statement(engine) as conn:
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
