"""The repository on a real database; each test runs inside a transaction that is rolled back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from sealkeeper.errors import StoreError
from sealkeeper.store import account_tables, ledger_tables, procedure_tables, reader_tables, stats_tables  # noqa: F401 - register their tables on the metadata
from sealkeeper.store import repository as repo
from sealkeeper.store.database import (
    check_schema,
    current_revision,
    head_revision,
    make_engine,
    migrate,
    revision_in_use,
)
from sealkeeper.store.tables import data_keys, metadata, subjects

DAY = dt.date(2026, 11, 27)


@pytest.fixture
def conn(database_url: str, tmp_path: Path) -> Iterator[Connection]:
    (tmp_path / "home").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate(engine)
    with engine.connect() as connection:
        outer = connection.begin()
        yield connection
        outer.rollback()
    engine.dispose()


def _subject(conn: Connection, token: str, index: bytes | None, kek: str = "k1") -> None:
    repo.insert_many(conn, subjects, [{"token": token, "id_index": index, "created_on": DAY, "deleted_on": None}])
    repo.insert_many(conn, data_keys, [{"token": token, "kek_id": kek, "wrapped": b"w-" + token.encode()}])


def test_migration_reaches_the_head_and_is_idempotent(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "home").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)
    assert current_revision(engine) == head_revision()
    check_schema(engine)
    engine.dispose()


def test_blind_index_lookup_and_shredding(conn: Connection) -> None:
    _subject(conn, "sa", b"\x01" * 32)
    _subject(conn, "sb", b"\x02" * 32)
    assert repo.subjects_by_index(conn, [b"\x02" * 32, b"\x03" * 32]) == {b"\x02" * 32: "sb"}
    repo.shred(conn, "sa", DAY)
    assert repo.wrapped_keys(conn, ["sa", "sb"]) == {"sa": (None, None), "sb": ("k1", b"w-sb")}
    assert repo.subjects_by_index(conn, [b"\x01" * 32]) == {}
    assert repo.subject_state(conn, ["sa"]) == {"sa": (DAY, None)}


def test_rewrap_moves_only_keys_still_under_the_old_kek(conn: Connection) -> None:
    for token in ("s1", "s2", "s3"):
        _subject(conn, token, None)
    assert [t for t, _ in repo.keys_under(conn, "k1", 2)] == ["s1", "s2"]
    assert repo.rewrap(conn, "s1", "k1", "k2", b"new")
    assert not repo.rewrap(conn, "s1", "k1", "k2", b"again"), "already moved: a concurrent change wins"
    assert repo.kek_usage(conn) == {"k1": 2, "k2": 1}


def test_lookups_of_many_ids_are_chunked(conn: Connection) -> None:
    tokens = [f"s{i:05d}" for i in range(2100)]
    repo.insert_many(
        conn, subjects, [{"token": t, "id_index": None, "created_on": DAY, "deleted_on": None} for t in tokens]
    )
    assert len(repo.subject_state(conn, tokens)) == 2100


def test_the_migrations_create_exactly_the_tables_the_code_declares(database_url: str, tmp_path: Path) -> None:
    """Alembic's autogenerate comparison finds no difference between the migrated schema and the metadata."""
    (tmp_path / "home").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_the_revision_in_use_is_read_from_alembic_s_table_and_an_empty_store_is_refused(tmp_path: Path) -> None:
    """The health check's one read (``revision_in_use``) agrees with Alembic; a database never initialised, or
    whose version row is gone, is a StoreError that says what to do, not a database error."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(StoreError, match="not initialised: run `sealkeeper init`"):
            revision_in_use(engine)  # no alembic_version table at all
        migrate(engine)
        assert revision_in_use(engine) == current_revision(engine) == head_revision()
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM alembic_version")
        with pytest.raises(StoreError, match="not initialised: run `sealkeeper init`"):
            revision_in_use(engine)
    finally:
        engine.dispose()
