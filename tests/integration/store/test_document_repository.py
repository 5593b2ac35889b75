"""The certificate's read of a person on a real (migrated SQLite) store: what it returns, and the plan it takes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.store.database import make_engine, migrate
from sealkeeper.store.document_repository import PERSON, identity_and_key, person_for_certificate
from sealkeeper.store.tables import bundles, data_keys, decisions, identities, imports, subjects


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
    sql = str(PERSON.params(values).compile(conn, compile_kwargs={"literal_binds": True}))
    plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    on_cases = [step for step in plan if " cases " in f"{step} "]
    assert on_cases, plan
    assert all("ix_cases_bundle (bundle=? AND record=? AND procedure=?)" in step for step in on_cases), plan


def test_the_persons_read_searches_every_table_by_index_and_scans_none(conn: Connection) -> None:
    """A first version nested the records' joins in parentheses: SQLite materialized that join whole, every
    bundle of the store for one person (52 ms a certificate at 2,000 people, against 3 ms)."""
    values = {"token": "s" + "a" * 24, "jurisdiction": "CN"}
    sql = str(PERSON.params(values).compile(conn, compile_kwargs={"literal_binds": True}))
    plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    tables = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert len(tables) == 6, plan  # subjects, identities, data_keys, bundles, decisions, cases
    assert all(step.startswith("SEARCH") and " USING " in step for step in tables), plan
    assert not [step for step in plan if "MATERIALIZE" in step], plan


DAY = dt.date(2026, 1, 5)


def _person(conn: Connection, token: str, *, keyed: bool = True) -> None:
    conn.execute(sa.insert(subjects), {"token": token, "created_on": DAY})
    if keyed:
        conn.execute(sa.insert(data_keys), {"token": token, "kek_id": "k1", "wrapped": b"wrapped-" + token.encode()})
        conn.execute(sa.insert(identities), {"token": token, "version": 1, "name": b"sealed-" + token.encode()})


def _bundle(conn: Connection, bundle: str, token: str, jurisdiction: str, records: list[str]) -> None:
    if not conn.execute(sa.select(imports.c.id).where(imports.c.id == 1)).first():
        conn.execute(sa.insert(imports), {"id": 1, "digest": "d" * 64, "imported_on": DAY, "bundles": 1, "written": 1})
    conn.execute(sa.insert(bundles), {"id": bundle, "token": token, "jurisdiction": jurisdiction, "as_of": DAY,
                                      "version": 1, "digest": "e" * 64, "facts": "{}", "import_id": 1})  # fmt: skip
    for record in records:
        conn.execute(sa.insert(decisions), {"bundle_id": bundle, "record_id": record, "as_of": DAY,
                                            "status": "sealed", "rule": "r", "pack_id": jurisdiction,
                                            "pack_version": "1", "input_hash": "f" * 64})  # fmt: skip


def test_one_read_gives_the_name_and_key_with_every_record_of_the_person_in_the_jurisdiction(conn: Connection) -> None:
    a, b = "s" + "a" * 24, "s" + "b" * 24
    _person(conn, a)
    _person(conn, b)
    _bundle(conn, "B1", a, "CN", ["R2", "R1"])
    _bundle(conn, "B2", a, "CN", [])  # a bundle without a decision yet
    _bundle(conn, "B3", a, "DE", ["R9"])  # another jurisdiction
    _bundle(conn, "B4", b, "CN", ["R5"])  # another person
    rows = person_for_certificate(conn, a, "CN")
    assert [(r.id, r.record_id, r.status) for r in rows] == [("B1", "R1", "sealed"), ("B1", "R2", "sealed"),
                                                              ("B2", None, None)]  # fmt: skip
    assert {(r.version, bytes(r.name), r.keyed, r.kek_id, bytes(r.wrapped)) for r in rows} == {
        (1, b"sealed-" + a.encode(), a, "k1", b"wrapped-" + a.encode())
    }


def test_a_person_without_records_there_or_without_a_key_still_gives_one_row(conn: Connection) -> None:
    """The certificate of someone with no record in the jurisdiction still prints their name; someone with no
    name and key stored reads as None there (the service refuses it), as with ``identity_and_key``."""
    a, b = "s" + "a" * 24, "s" + "b" * 24
    _person(conn, a)
    _person(conn, b, keyed=False)
    _bundle(conn, "B3", a, "DE", ["R9"])
    _bundle(conn, "B4", b, "CN", ["R5"])
    [only] = person_for_certificate(conn, a, "CN")
    assert (only.id, only.record_id, bytes(only.name), only.kek_id) == (None, None, b"sealed-" + a.encode(), "k1")
    rows = person_for_certificate(conn, b, "CN")
    assert [(r.id, r.record_id, r.name, r.keyed, r.wrapped) for r in rows] == [("B4", "R5", None, None, None)]
    assert identity_and_key(conn, b) is None
    assert person_for_certificate(conn, "s" + "c" * 24, "CN") == []  # no such subject


def test_a_name_without_a_key_row_reads_as_unkeyed_as_identity_and_key_does(conn: Connection) -> None:
    a = "s" + "a" * 24
    _person(conn, a, keyed=False)
    conn.execute(sa.insert(identities), {"token": a, "version": 1, "name": b"sealed"})
    [only] = person_for_certificate(conn, a, "CN")
    assert (bytes(only.name), only.keyed) == (b"sealed", None)
    assert identity_and_key(conn, a) is None
