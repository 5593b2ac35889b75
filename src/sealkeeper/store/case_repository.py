"""Reads and writes of procedure cases and daily runs, on a connection inside a unit of work.

Writes are optimistic: a case is updated only where its stored version is the one the caller read, so two
workers that changed the same case cannot both win (the loser's transaction fails and rolls back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from sealkeeper.errors import StoreError
from sealkeeper.store.procedure_tables import cases, runs
from sealkeeper.store.repository import _chunks
from sealkeeper.store.tables import bundles, decisions

CASE_COLUMNS = ("case_id", "procedure", "subject", "bundle", "record", "input_hash", "state", "version",
                "opened_on", "due", "eligible_on", "body", "narrative")  # fmt: skip


def get_cases(conn: Connection, case_ids: Sequence[str]) -> dict[str, Row[Any]]:
    out: dict[str, Row[Any]] = {}
    for chunk in _chunks(case_ids):
        out.update({row.case_id: row for row in conn.execute(sa.select(cases).where(cases.c.case_id.in_(chunk)))})
    return out


def cases_where(conn: Connection, *, procedure: str | None = None, subject: str | None = None,
                states: Sequence[str] = (), limit: int = 500) -> list[Row[Any]]:  # fmt: skip
    query = sa.select(cases)
    if procedure is not None:
        query = query.where(cases.c.procedure == procedure)
    if subject is not None:
        query = query.where(cases.c.subject == subject)
    if states:
        query = query.where(cases.c.state.in_(list(states)))
    return list(conn.execute(query.order_by(cases.c.due.is_(None), cases.c.due, cases.c.case_id).limit(limit)))


def each_case(conn: Connection, procedure: str, chunk: int = 1_000) -> Iterator[Row[Any]]:
    """Every case of ``procedure``, streamed in ``chunk``s (no limit: for a scan that must not miss one)."""
    query = sa.select(cases).where(cases.c.procedure == procedure).order_by(cases.c.case_id)
    yield from conn.execute(query).yield_per(chunk)


def insert_cases(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(sa.insert(cases), list(rows))


def update_cases(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Each row carries ``expected``: the version read before the change. Raises StoreError when a case moved
    on meanwhile (nothing of the caller's transaction is then committed)."""
    for row in rows:
        values = {key: row[key] for key in CASE_COLUMNS if key in row and key != "case_id"}
        query = sa.update(cases).where(cases.c.case_id == row["case_id"], cases.c.version == row["expected"])
        if conn.execute(query.values(**values)).rowcount != 1:
            raise StoreError(f"case {row['case_id']} was changed by someone else meanwhile; try again")


def changed_decisions(conn: Connection, after: tuple[str, str], limit: int) -> list[Row[Any]]:
    """Stored decisions after the key ``after`` (bundle, record) whose sealing case is missing or has applied
    another decision (input hash), in key order: the incremental part of the daily run."""
    # only sealing cases have a bundle and record: joining on those two alone lets the (bundle, record) index
    # answer the join (with the procedure in it, SQLite chose the procedure index and scanned every case)
    joined = decisions.join(bundles, bundles.c.id == decisions.c.bundle_id).outerjoin(
        cases, sa.and_(cases.c.bundle == decisions.c.bundle_id, cases.c.record == decisions.c.record_id)
    )
    key = sa.tuple_(decisions.c.bundle_id, decisions.c.record_id)
    query = (
        sa.select(decisions, bundles.c.token, cases.c.case_id)
        .select_from(joined)
        .where(key > sa.tuple_(*after))
        .where(sa.or_(cases.c.case_id.is_(None), cases.c.input_hash != decisions.c.input_hash))
        .order_by(decisions.c.bundle_id, decisions.c.record_id)
        .limit(limit)
    )
    return list(conn.execute(query))


def matured(conn: Connection, today: dt.date, after: str, limit: int) -> list[Row[Any]]:
    """Scheduled sealing cases whose date has come (``eligible_on <= today``), after case id ``after``."""
    query = (
        sa.select(cases)
        .where(cases.c.procedure == "sealing", cases.c.state == "scheduled", cases.c.eligible_on <= today)
        .where(cases.c.case_id > after)
        .order_by(cases.c.case_id)
        .limit(limit)
    )
    return list(conn.execute(query))


def overdue(conn: Connection, today: dt.date, after: str, limit: int) -> list[Row[Any]]:
    """Cases whose current step's last day has passed (``due < today``), after case id ``after``."""
    query = sa.select(cases).where(cases.c.due < today, cases.c.case_id > after).order_by(cases.c.case_id)
    return list(conn.execute(query.limit(limit)))


def start_run(conn: Connection, day: dt.date, at: dt.datetime) -> int:
    result = conn.execute(sa.insert(runs).values(day=day, started=at, planned=0, applied=0, skipped=0))
    key = result.inserted_primary_key
    assert key is not None  # noqa: S101 - an insert with an autoincrement key always returns it
    return int(key[0])


def count_run(conn: Connection, run_id: int, planned: int, applied: int, skipped: int) -> None:
    conn.execute(sa.update(runs).where(runs.c.id == run_id).values(planned=planned, applied=applied, skipped=skipped))


def finish_run(conn: Connection, run_id: int, at: dt.datetime) -> None:
    conn.execute(sa.update(runs).where(runs.c.id == run_id).values(finished=at))


def last_finished_run(conn: Connection) -> dt.date | None:
    day = conn.execute(sa.select(sa.func.max(runs.c.day)).where(runs.c.finished.is_not(None))).scalar_one_or_none()
    return day if day is None or isinstance(day, dt.date) else dt.date.fromisoformat(str(day))


def run_rows(conn: Connection, limit: int = 20) -> list[Row[Any]]:
    return list(conn.execute(sa.select(runs).order_by(runs.c.id.desc()).limit(limit)))
