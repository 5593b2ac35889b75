"""The auditor's and supervisor's view of the ledger: the checkpoint, a full verification, and a search over
access decisions by requester and purpose, with counts — each behind the policy (read_ledger, verify_ledger)
and logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sealkeeper.access import Account, Action
from sealkeeper.config import Settings
from sealkeeper.errors import SealkeeperError
from sealkeeper.ledger import entries as entry_format
from sealkeeper.services import ledger_queries
from sealkeeper.services.authorization import require
from sealkeeper.services.store_access import open_store
from sealkeeper.store import ledger_repository as ledger_rows
from sealkeeper.store.database import transaction

CHUNK = 20_000
MARK = b'"type":"access.decision"'


def overview(settings: Settings, actor: Account, at: dt.datetime, *, account: str = "", purpose: str = "",
             limit: int = 200) -> dict[str, Any]:  # fmt: skip
    """The latest checkpoint with cosignatures, and the access decisions matching ``account`` / ``purpose``
    (substring; empty matches all), newest first, with allow/deny counts over all matches."""
    require(settings, actor, Action.READ_LEDGER, at)
    try:
        checkpoint = ledger_queries.checkpoint(settings, sign=False)
    except SealkeeperError:
        checkpoint = ""
    found: list[dict[str, Any]] = []
    counts = {"allow": 0, "deny": 0}
    with transaction(open_store(settings)) as conn:
        start = 0
        while rows := ledger_rows.entries_from(conn, start, CHUNK):
            for index, data in rows:
                if MARK not in data:
                    continue
                event = entry_format.parse(data)
                if account not in str(event.get("account", "")) or purpose not in str(event.get("purpose") or ""):
                    continue
                outcome = str(event.get("outcome"))
                counts[outcome] = counts.get(outcome, 0) + 1
                keys = ("at", "account", "action", "purpose")
                found.append({"index": index, "outcome": outcome, **{key: event.get(key) for key in keys}})
            start = rows[-1][0] + 1
    return {"checkpoint": checkpoint, "stats": counts, "entries": found[::-1][:limit]}


def verify(settings: Settings, actor: Account, at: dt.datetime) -> dict[str, Any]:
    """``sealkeeper ledger verify`` for an auditor: ok and the figures, or the first bad entry named."""
    require(settings, actor, Action.VERIFY_LEDGER, at)
    try:
        result = ledger_queries.verify(settings)
    except SealkeeperError as exc:
        return {"ok": False, "message": str(exc)}
    return {"ok": True, "message": f"{result['entries']} entries, {result['checkpoints']} checkpoints: all verify"}
