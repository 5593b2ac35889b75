"""Notice of a judicial access whose notice was delayed for a stated legal reason, logged once the delay ends.

While the delay runs, nothing about the request, its approval or its reads links it to the person in the public
ledger (``authorization.withheld``). From the delay's last day on (``delay_until``, as ``NoticeDelay.until``:
held while ``on < until``), ``release_due`` appends one ``access.notice_released`` entry per approved request:
the person's subject commitment, the record, the request id (linking the withheld entries), who read and for
what, the grant's window, and the delay it was under with its reason — so the delay itself is shown when it
ends. It is idempotent (an entry already in the person's trail is not repeated), and called when the person
looks at their access history; with no ``subject`` it does it for everyone (a daily job).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.access.decision import NOTIFY_DELAY
from sealkeeper.ledger import entries as entry_format
from sealkeeper.services.ledger import Ledger
from sealkeeper.services.sealed_records import APPROVED
from sealkeeper.store import ledger_repository as ledger_rows
from sealkeeper.store.account_repository import read_utc
from sealkeeper.store.procedure_tables import access_requests

RELEASED = "access.notice_released"


def _released(conn: Connection, ledger: Ledger, subject: str) -> set[str]:
    """The request ids whose notice is already in ``subject``'s trail."""
    ledger_rows.index_subjects(conn)
    commitment = bytes.fromhex(entry_format.commit(ledger.keys.salt, "subject", subject))
    size = ledger_rows.head(conn).size
    out = set()
    for _, data in ledger_rows.subject_entries(conn, commitment, size):
        event = entry_format.parse(data)
        if event.get("type") == RELEASED:
            out.add(str(event["request"]))
    return out


def _event(row: Any, at: dt.datetime) -> dict[str, Any]:
    valid_from, valid_until = read_utc(row.valid_from), read_utc(row.valid_until)
    until = row.delay_until if isinstance(row.delay_until, dt.date) else dt.date.fromisoformat(str(row.delay_until))
    return {
        "type": RELEASED, "at": (valid_from or at).isoformat(), "logged_at": at.isoformat(),
        "subject": row.subject, "record": row.record, "request": row.id, "account": row.requester,
        "role": "judicial_requester", "action": "read_sealed_record", "purpose": row.purpose,
        "valid_from": None if valid_from is None else valid_from.isoformat(),
        "valid_until": None if valid_until is None else valid_until.isoformat(),
        "obligations": [f"{NOTIFY_DELAY}:{row.delay_reason}"], "notice_delayed_until": until.isoformat(),
    }  # fmt: skip


def release_due(conn: Connection, ledger: Ledger, on: dt.date, at: dt.datetime, subject: str | None = None) -> int:
    """Log the notice of every approved request (of ``subject``, or of everyone) whose notice delay has ended on
    day ``on`` and is not yet logged; returns how many were logged."""
    query = sa.select(access_requests).where(
        access_requests.c.state == APPROVED,
        access_requests.c.delay_reason.is_not(None),
        access_requests.c.delay_until <= on,
    )
    if subject is not None:
        query = query.where(access_requests.c.subject == subject)
    rows = list(conn.execute(query.order_by(access_requests.c.subject, access_requests.c.id)))
    done: dict[str, set[str]] = {}
    logged = 0
    for row in rows:
        if row.subject not in done:
            done[row.subject] = _released(conn, ledger, row.subject)
        if row.id not in done[row.subject]:
            ledger.append(conn, _event(row, at))
            done[row.subject].add(row.id)
            logged += 1
    return logged
