"""The certificate's read of a person on a real database: the plan SQLite takes for it, on a migrated store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

from sealkeeper.store.database import make_engine, migrate
from sealkeeper.store.document_repository import PERSON_RECORDS


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    """A migrated SQLite store (the embedded default; PostgreSQL plans by its own statistics)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'sealkeeper.db'}")
    migrate(engine)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def test_the_sealing_case_is_found_through_its_record_not_by_scanning_the_procedure(conn: Connection) -> None:
    """Before migration 0009, SQLite joined each decision to its case through ``ix_cases_procedure_state``:
    every sealing case of the store read for each decision of the person."""
    values = {"token": "s" + "a" * 24, "jurisdiction": "CN"}
    sql = str(PERSON_RECORDS.params(values).compile(conn, compile_kwargs={"literal_binds": True}))
    plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    on_cases = [step for step in plan if " cases " in f"{step} "]
    assert on_cases, plan
    assert all("ix_cases_bundle (bundle=? AND record=? AND procedure=?)" in step for step in on_cases), plan
