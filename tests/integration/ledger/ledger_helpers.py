"""Shared helpers of the ledger's integration tests."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sealkeeper.config import Settings
from sealkeeper.services.ledger import Ledger, ensure_ledger_key, open_ledger
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import transaction
from sealkeeper.store.ledger_tables import (
    ledger_checkpoints,
    ledger_cosignatures,
    ledger_entries,
    ledger_head,
    ledger_nodes,
    ledger_subjects,
)


def ready(settings: Settings) -> tuple[Ledger, Engine]:
    """The home's ledger, emptied: `init` logs its own first entry, and these tests count from zero."""
    ensure_ledger_key(settings)
    engine = open_store(settings)
    with engine.begin() as conn:
        for table in (ledger_cosignatures, ledger_checkpoints, ledger_subjects, ledger_nodes, ledger_entries):
            conn.execute(sa.delete(table))
        conn.execute(sa.update(ledger_head).values(size=0, frontier=b"", indexed=0))
    return open_ledger(settings), engine


def event(i: int, token: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "access.decision", "allowed": i % 2 == 0, "role": "judge", "n": i}
    if token:
        out["subject"] = token
    return out


def fill(ledger: Ledger, engine: Engine, count: int, batch: int = 7, subject: str | None = None) -> None:
    for start in range(0, count, batch):
        with transaction(engine) as conn:
            ledger.append_many(conn, [event(i, subject) for i in range(start, min(count, start + batch))])
