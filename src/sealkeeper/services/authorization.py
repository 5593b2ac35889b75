"""Asking the policy decision point and logging its answer, in the caller's transaction.

    with transaction(engine) as conn:
        decision = decide_and_log(conn, ledger, request)
        if decision.allowed:
            ...the read or the change...
    if not decision.allowed:
        raise refused(decision)          # after the transaction: the denial stays logged

Every decision, allow or deny, becomes an ``access.decision`` entry: the account, its roles, the action, the
rules that decided, the obligations, the purpose; the subject token and the case number only as the ledger's
salted commitments.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Connection

from sealkeeper.access import NO_RESOURCE, AccessDecision, AccessRequest, Account, Action, Context, decide
from sealkeeper.auth.errors import NotAllowedError
from sealkeeper.config import Settings
from sealkeeper.services.ledger import Ledger, open_ledger
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import transaction


def decision_event(decision: AccessDecision, case_number: str = "") -> dict[str, Any]:
    """An access decision as a ledger event; the ledger replaces subject and case number by commitments."""
    entry = decision.ledger_entry()
    entry.pop("case_commitment")
    event: dict[str, Any] = {"type": entry.pop("kind"), **entry, "subject": entry["subject"] or None}
    if case_number:
        event["case_number"] = case_number
    return event


def withheld(event: dict[str, Any], request_id: str) -> dict[str, Any]:
    """An event of a judicial access request without anything that links it to the person (no subject
    commitment, no record id; the request id is random): the person cannot find it in the public ledger
    before they are told of the access (``access_notices``)."""
    return {**event, "subject": None, "record": None, "request": request_id}


def decide_and_log(
    conn: Connection, ledger: Ledger, request: AccessRequest, *, withheld_for: str = ""
) -> AccessDecision:
    """Decide and log; ``withheld_for`` (a judicial request id) logs the decision ``withheld``."""
    decision = decide(request)
    event = decision_event(decision, request.context.case_number)
    ledger.append(conn, withheld(event, withheld_for) if withheld_for else event)
    return decision


def decide_on(conn: Connection, ledger: Ledger, actor: Account, action: Action, at: dt.datetime) -> AccessDecision:
    """``decide_and_log`` for an action on no record (queues, ledger, statistics, accounts, runs)."""
    return decide_and_log(conn, ledger, AccessRequest(actor, action, NO_RESOURCE, Context(at)))


def require(settings: Settings, actor: Account, action: Action, at: dt.datetime) -> None:
    """Decide and log an action on no record in a transaction of its own; raise after it commits when refused
    (for reads that need nothing else in the same transaction)."""
    with transaction(open_store(settings)) as conn:
        decision = decide_on(conn, open_ledger(settings), actor, action, at)
    if not decision.allowed:
        raise refused(decision)


def refused(decision: AccessDecision) -> NotAllowedError:
    return NotAllowedError(decision.account, str(decision.action), decision.rules)
