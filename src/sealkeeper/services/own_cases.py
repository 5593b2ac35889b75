"""What the person (or their guardian or counsel) sees of their own cases, and the anonymised publications.

Kept apart from ``procedure_service`` (which takes the steps); ``procedure_service`` re-exports both names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sealkeeper.access import AccessRequest, Account, Action, Context, Resource
from sealkeeper.adapters import case_codec
from sealkeeper.config import Settings
from sealkeeper.procedures import application
from sealkeeper.procedures.publication import publish
from sealkeeper.services import representatives
from sealkeeper.services.authorization import decide_and_log, refused
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.procedure_catalogue import stored_view
from sealkeeper.services.store_access import open_store
from sealkeeper.store import case_repository as repo
from sealkeeper.store.database import transaction


def cases_of_subject(settings: Settings, account: Account, at: dt.datetime,
                     on_behalf_of: str = "") -> list[dict[str, Any]]:  # fmt: skip
    """The person's own cases (record cases and procedures) as stored, without narrative (read_own_records);
    a guardian or counsel names the person it represents (``on_behalf_of``) and sees only theirs."""
    with transaction(open_store(settings)) as conn:
        subject = account.subject
        if representatives.is_representative(account):
            account, _ = representatives.acting_for(conn, account, on_behalf_of)
            subject = on_behalf_of
        request = AccessRequest(account, Action.READ_OWN_RECORDS, Resource(sealed=False, subject=subject), Context(at))
        decision = decide_and_log(conn, open_ledger(settings), request)
        rows = repo.cases_where(conn, subject=subject, limit=1000) if decision.allowed else []
    if not decision.allowed:
        raise refused(decision)
    return [stored_view(row.procedure, row.body) for row in rows]


def publications(settings: Settings, limit: int = 200) -> list[dict[str, Any]]:
    """The anonymised decisions published so far (公布, founding paper §4.2): public, no personal data."""
    with transaction(open_store(settings)) as conn:
        rows = repo.cases_where(conn, procedure="application", states=["published"], limit=limit)
    out = []
    for row in rows:
        case = case_codec.decode(row.procedure, row.body)
        assert isinstance(case, application.ApplicationCase)  # noqa: S101 - selected by procedure
        out.append(publish(case))
    return out
