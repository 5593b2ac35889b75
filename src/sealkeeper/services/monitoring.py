"""Monitoring of access (founding paper §3.2; issue 6): the pure ``access.flags`` run over the access decisions and
judicial requests logged in the ledger, new flags stored in the supervisor's queue with the ledger indexes of the
entries behind them, and closed with a note. Scanning, listing and closing are REVIEW_FLAGS (supervisor,
auditor), each decision logged.

What is looked at: every ``access.decision`` entry (allowed or denied) and every ``access.requested`` entry (a
refused request counts as a denial), within the window ending at the scan's time; each account's history is its
count in each of the ``HISTORY_WINDOWS`` windows before. The scan reads the ledger from the start (entries are
in append order, not time order); an entry is parsed only when its bytes name an ``access.`` type. An
approver's decision on a sealed record counts as within "own cases": the approver acts on another's request.

No duplicates: a flag is stored only when it has an entry behind it that no stored flag of the same kind and
account already has. The ledger is read without a lock (entries logged meanwhile wait for the next scan); the
flags are stored under the ledger's head lock, so two scans cannot both store one flag.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.access import (
    AccessDecision,
    AccessLogEntry,
    Account,
    Action,
    Flag,
    Thresholds,
)
from sealkeeper.access import flags as raised_flags
from sealkeeper.config import Settings
from sealkeeper.errors import SealkeeperError
from sealkeeper.ledger import entries as entry_format
from sealkeeper.services.authorization import decide_on, refused
from sealkeeper.services.ledger import Ledger, open_ledger
from sealkeeper.services.store_access import open_store
from sealkeeper.store import ledger_repository as ledger_rows
from sealkeeper.store.database import transaction
from sealkeeper.store.procedure_tables import flags as flag_table

HISTORY_WINDOWS = 7
CHUNK = 20_000
OPEN, CLOSED = "open", "closed"
MAX_NOTE = 2_000
_MARK = b'"type":"access.'
APPROVE_ACCESS = str(Action.APPROVE_ACCESS)


class FlagError(SealkeeperError):
    pass


class UnknownFlagError(FlagError):
    pass


def log_entry(index: int, event: dict[str, Any]) -> AccessLogEntry | None:
    """An access decision or a judicial request as monitoring sees it (None for other entries)."""
    kind = event.get("type")
    if kind == "access.decision":
        found = AccessLogEntry.from_ledger(str(index), event)
        if found.action == APPROVE_ACCESS:  # the approver acts on another's request: "own case" does not apply
            return replace(found, own_case=True)
        return found
    if kind == "access.requested":
        at = dt.datetime.fromisoformat(event["at"])
        own = event.get("own_case")
        allowed = event.get("outcome") == "accepted"
        return AccessLogEntry(str(index), at, event["account"], "request_access", allowed, bool(event["sealed"]), own)
    return None


def access_entries(conn: Connection) -> Iterable[AccessLogEntry]:
    start = 0
    while rows := ledger_rows.entries_from(conn, start, CHUNK):
        for index, data in rows:
            if _MARK in data:
                found = log_entry(index, entry_format.parse(data))
                if found is not None:
                    yield found
        start = rows[-1][0] + 1


def history(entries: Iterable[AccessLogEntry], now: dt.datetime, window: dt.timedelta) -> dict[str, list[int]]:
    """Per account: its count in each of the ``HISTORY_WINDOWS`` windows before ``(now - window, now]``."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * HISTORY_WINDOWS)
    for entry in entries:
        back = now - window - entry.at  # >= 0 for entries before the current window
        if back >= dt.timedelta(0):
            slot = int(back / window)
            if slot < HISTORY_WINDOWS:
                counts[entry.account][slot] += 1
    return dict(counts)


def _authorise(conn: Connection, ledger: Ledger, actor: Account, at: dt.datetime) -> AccessDecision:
    return decide_on(conn, ledger, actor, Action.REVIEW_FLAGS, at)


def _detail(row: Any) -> dict[str, Any]:
    detail: dict[str, Any] = json.loads(row.detail)
    return detail


def _stored_ids(conn: Connection) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in conn.execute(sa.select(flag_table.c.kind, flag_table.c.account, flag_table.c.detail)):
        out[row.kind, row.account].update(str(i) for i in _detail(row)["entries"])
    return out


def scan(
    settings: Settings, actor: Account, at: dt.datetime, thresholds: Thresholds | None = None
) -> list[dict[str, Any]]:
    """Raise the flags of the window ending at ``at``; returns the flags stored by this scan.

    Three transactions: the decision (logged, committed); reading the ledger (writers are not held up meanwhile);
    storing the new flags under the ledger's head lock (the duplicate check and the inserts see one state)."""
    limits = thresholds or Thresholds()
    ledger, engine = open_ledger(settings), open_store(settings)
    with transaction(engine) as conn:
        decision = _authorise(conn, ledger, actor, at)
    if not decision.allowed:
        raise refused(decision)
    with transaction(engine) as conn:
        entries = list(access_entries(conn))
    found = raised_flags(entries, history(entries, at, limits.window), at, limits)
    stored: list[dict[str, Any]] = []
    with transaction(engine) as conn:
        ledger_rows.lock_head(conn)  # one writer at a time: the check for duplicates holds until commit
        known = _stored_ids(conn)
        for flag in found:
            if set(flag.entry_ids) - known[flag.kind, flag.account]:
                stored.append(_store(conn, ledger, flag, actor, at))
                known[flag.kind, flag.account].update(flag.entry_ids)
    return stored


def _store(conn: Connection, ledger: Ledger, flag: Flag, actor: Account, at: dt.datetime) -> dict[str, Any]:
    indexes = sorted(int(i) for i in flag.entry_ids)
    detail = {"entries": indexes, "count": flag.count, "threshold": flag.threshold, "note": None,
              "closed_by": None, "closed_at": None}  # fmt: skip
    values = {"kind": flag.kind, "account": flag.account, "raised_on": at.date(), "state": OPEN,
              "detail": json.dumps(detail, sort_keys=True)}  # fmt: skip
    key = conn.execute(sa.insert(flag_table).values(**values)).inserted_primary_key
    flag_id = int(key[0]) if key is not None else 0
    ledger.append(conn, {"type": "flag.raised", "at": at.isoformat(), "flag": flag_id, "kind": flag.kind,
                         "account": flag.account, "entries": indexes, "by": actor.id})  # fmt: skip
    return _view(flag_id, flag.kind, flag.account, at.date(), OPEN, detail)


def _view(  # noqa: PLR0917 - the columns of a flag row
    flag_id: int, kind: str, account: str, raised_on: Any, state: str, detail: dict[str, Any]
) -> dict[str, Any]:
    day = raised_on if isinstance(raised_on, dt.date) else dt.date.fromisoformat(str(raised_on))
    return {"id": flag_id, "kind": kind, "account": account, "raised_on": day, "state": state, **detail}


def queue(settings: Settings, actor: Account, at: dt.datetime, state: str = OPEN) -> list[dict[str, Any]]:
    """The supervisor's queue: flags in ``state``, oldest first, each with the ledger indexes behind it."""
    ledger = open_ledger(settings)
    rows: list[Any] = []
    with transaction(open_store(settings)) as conn:
        decision = _authorise(conn, ledger, actor, at)
        if decision.allowed:
            query = sa.select(flag_table).where(flag_table.c.state == state).order_by(flag_table.c.id)
            rows = list(conn.execute(query))
    if not decision.allowed:
        raise refused(decision)
    return [_view(r.id, r.kind, r.account, r.raised_on, r.state, _detail(r)) for r in rows]


def close(settings: Settings, actor: Account, flag_id: int, note: str, at: dt.datetime) -> dict[str, Any]:
    """Close an open flag with the reviewer's note (kept with the flag; the ledger gets who and when only)."""
    if not note.strip() or len(note) > MAX_NOTE:
        raise FlagError(f"note: 1 to {MAX_NOTE} characters")
    ledger = open_ledger(settings)
    view: dict[str, Any] = {}
    problem: FlagError | None = None
    with transaction(open_store(settings)) as conn:
        decision = _authorise(conn, ledger, actor, at)
        row = None
        if decision.allowed:
            row = conn.execute(sa.select(flag_table).where(flag_table.c.id == flag_id)).first()
            if row is None:
                problem = UnknownFlagError(f"flag: no flag {flag_id}")
            elif row.state != OPEN:
                problem = FlagError(f"flag: {flag_id} is already {row.state}")
        if row is not None and problem is None:
            detail = _detail(row) | {"note": note, "closed_by": actor.id, "closed_at": at.isoformat()}
            conn.execute(sa.update(flag_table).where(flag_table.c.id == flag_id, flag_table.c.state == OPEN)
                         .values(state=CLOSED, detail=json.dumps(detail, sort_keys=True)))  # fmt: skip
            ledger.append(conn, {"type": "flag.closed", "at": at.isoformat(), "flag": flag_id, "by": actor.id})
            view = _view(row.id, row.kind, row.account, row.raised_on, CLOSED, detail)
    if not decision.allowed:
        raise refused(decision)
    if problem is not None:
        raise problem
    return view
