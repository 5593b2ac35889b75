"""Reads and writes of issued documents (``procedure_tables.documents``), on a connection inside a unit of work.

A document is stored once under its verification code. Ed25519 signatures are deterministic, so the same
document issued twice (the same certificate on the same day) has the same code and the same row: the second
insert is a no-op (``ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL), also when two requests race.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from sealkeeper.store.procedure_tables import documents


def store_document(  # noqa: PLR0917 - the columns of a row
    conn: Connection, code: str, kind: str, subject: str | None, issued_on: dt.date, payload: str, signature: bytes
) -> None:
    """Insert a signed document unless its code is already stored (then it is this very document)."""
    values = {"code": code, "kind": kind, "subject": subject, "issued_on": issued_on, "payload": payload,
              "signature": signature}  # fmt: skip
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(documents).values(**values).on_conflict_do_nothing(index_elements=["code"]))


def get_document(conn: Connection, code: str) -> Any:
    """The stored row of ``code`` (canonical printed form), or None."""
    return conn.execute(sa.select(documents).where(documents.c.code == code)).first()
