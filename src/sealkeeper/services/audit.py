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

CHUNK = 2_000
SCAN = 50_000  # ledger entries one page reads at most, whatever it finds
MARK = b'"type":"access.decision"'


def overview(settings: Settings, actor: Account, at: dt.datetime, *, account: str = "", purpose: str = "",
             limit: int = 50, before: int | None = None, scan: int = SCAN) -> dict[str, Any]:  # fmt: skip
    """The latest checkpoint with cosignatures, and one page of the access decisions matching ``account`` /
    ``purpose`` (substring; empty matches all), newest first: read backwards from entry ``before`` (default: the
    ledger's end) until ``limit`` are found or ``scan`` entries were read. ``older`` is where the next page starts
    (None at the ledger's start); ``stats`` counts allow/deny among the entries this page read
    (``read_from`` .. ``read_to`` - 1), so a page costs the same however long the ledger grows."""
    require(settings, actor, Action.READ_LEDGER, at)
    try:
        checkpoint = ledger_queries.checkpoint(settings, sign=False)
    except SealkeeperError:
        checkpoint = ""
    found: list[dict[str, Any]] = []
    counts = {"allow": 0, "deny": 0}
    with transaction(open_store(settings)) as conn:
        size = ledger_rows.head(conn).size
        end = size if before is None else max(0, min(before, size))
        cursor, read = end, 0  # entries below ``cursor`` are not read yet
        while cursor > 0 and len(found) < limit and read < scan:
            start = max(0, cursor - min(CHUNK, scan - read))
            rows = ledger_rows.entries_from(conn, start, cursor - start)
            for index, data in reversed(rows):
                if len(found) >= limit:
                    break
                cursor, read = index, read + 1
                if MARK in data and (hit := _match(entry_format.parse(data), account, purpose)):
                    counts[hit["outcome"]] = counts.get(hit["outcome"], 0) + 1
                    found.append({"index": index, **hit})
    return {"checkpoint": checkpoint, "stats": counts, "entries": found, "older": cursor or None,
            "read_from": cursor, "read_to": end, "size": size}  # fmt: skip


def _match(event: dict[str, Any], account: str, purpose: str) -> dict[str, Any] | None:
    if account not in str(event.get("account", "")) or purpose not in str(event.get("purpose") or ""):
        return None
    return {"outcome": str(event.get("outcome")), **{key: event.get(key) for key in ("at", "account", "action",
                                                                                    "purpose")}}  # fmt: skip


#: What a verification that found nothing wrong says (code ``ledger_verified``: the pages translate it).
VERIFIED = "{entries} entries, {checkpoints} checkpoints: all verify"


def verify(settings: Settings, actor: Account, at: dt.datetime) -> dict[str, Any]:
    """``sealkeeper ledger verify`` for an auditor: ok and the figures, or the first bad entry named."""
    require(settings, actor, Action.VERIFY_LEDGER, at)
    try:
        result = ledger_queries.verify(settings)
    except SealkeeperError as exc:
        return {"ok": False, "message": str(exc), "code": exc.code, "params": dict(exc.params)}
    figures = {"entries": result["entries"], "checkpoints": result["checkpoints"]}
    message = VERIFIED.format(**figures)
    return {"ok": True, "message": message, "code": "ledger_verified", "params": figures}
