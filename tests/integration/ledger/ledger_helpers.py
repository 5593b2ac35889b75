"""Shared helpers of the ledger's integration tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from sealkeeper.config import Settings
from sealkeeper.services.ledger import Ledger, ensure_ledger_key, open_ledger
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import transaction


def ready(settings: Settings) -> tuple[Ledger, Engine]:
    ensure_ledger_key(settings)
    return open_ledger(settings), open_store(settings)


def event(i: int, token: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "access.decision", "allowed": i % 2 == 0, "role": "judge", "n": i}
    if token:
        out["subject"] = token
    return out


def fill(ledger: Ledger, engine: Engine, count: int, batch: int = 7, subject: str | None = None) -> None:
    for start in range(0, count, batch):
        with transaction(engine) as conn:
            ledger.append_many(conn, [event(i, subject) for i in range(start, min(count, start + batch))])
