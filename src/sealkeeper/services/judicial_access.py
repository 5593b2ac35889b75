"""Judicial access to a sealed record (CPL Art. 286 ¶2; issue 6): request, approval or denial by another approver,
a time-limited read of that one record, each step decided by the access policy and logged in the ledger.

    request_id = request_access(settings, requester, "SE-…", "trial", "(2026)京0105刑初1号", at)
    approve(settings, approver, request_id, dt.timedelta(hours=8), at)      # or deny(...)
    facts = read_sealed(settings, requester, request_id, at)                # valid_from <= at < valid_until

Records are named by their sealing case id (``SE-…``), never by the source bundle id. A read returns the legal
facts of that one record (``bundles.facts``: the person's birth date, the record's events and the events tied
to it); identity (name, ID number, address) is never decrypted here: judicial reading needs the record's facts,
and the identity stays behind the person's key.

The requester's own cases: sealkeeper holds no register of a judicial organ's cases. At request time the case
number stated is taken as the requester's claim (the judicial guards still need a listed purpose, a case number,
a named record and the requester's jurisdiction); the approver checks it, and from then on the case numbers of
the requester's *approved* requests are the requester's confirmed cases. A read under a request that was not
approved is therefore outside the requester's own cases (``judicial.case_not_own``), which monitoring flags.

Every step is logged: ``access.requested`` (accepted or refused, with the rules that decided), the approver's
``access.decision`` then ``access.approved`` / ``access.denied`` / ``access.approval_refused``, and each read's
``access.decision``. A refusal is raised after the transaction, so that it stays logged.

Nothing of a request, its approval or denial carries the person's subject commitment or the record id in the
public ledger (``authorization.withheld``: the random request id links them for auditors, who hold the
requests table): a request would otherwise tell the person of an investigation before any notice. A read under
a grant without a notice delay is logged with both, so the person sees it at once; a read under a delayed
notice is withheld too, and ``access_notices`` logs the linkable notice once the delay has ended.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sealkeeper.access import AccessRequest, Account, Action, Context, Grant, NoticeDelay, Resource, decide, make_grant
from sealkeeper.access.errors import GrantError, SelfApprovalError
from sealkeeper.access.policy import DEFAULT_DENY
from sealkeeper.auth.errors import NotAllowedError
from sealkeeper.config import Settings
from sealkeeper.errors import SealkeeperError, StoreError
from sealkeeper.services.authorization import decide_and_log, refused
from sealkeeper.services.ledger import open_ledger
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.services.sealed_records import APPROVED, confirmed_cases, record_facts, target
from sealkeeper.services.store_access import open_store
from sealkeeper.store.account_repository import read_utc, utc
from sealkeeper.store.database import transaction
from sealkeeper.store.procedure_tables import access_requests
from sealkeeper.store.tables import bundles

PENDING, DENIED = "pending", "denied"
STATES = (PENDING, APPROVED, DENIED)
GUARDS_PASSED = ("grant.missing",)  # the judicial role's only ground left when every judicial guard is met
MAX_VALIDITY = dt.timedelta(days=30)
MAX_TEXT = 64  # purpose and case number (the columns' width)
MAX_RECORD = 160
LIST_LIMIT = 500


class AccessRequestError(SealkeeperError):
    """A judicial access request cannot be handled as asked (names the field and the request)."""


class UnknownAccessRequestError(AccessRequestError):
    pass


class UnknownRecordError(AccessRequestError):
    pass


class RequestStateError(AccessRequestError):
    """The request is not in the state the step needs (approving a denied request, …)."""


def _check_text(field: str, value: str, longest: int = MAX_TEXT) -> None:
    """1 to ``longest`` characters, none a control character or a lone surrogate (PostgreSQL refuses NUL)."""
    if not value or len(value) > longest or any(unicodedata.category(c) in {"Cc", "Cs"} for c in value):
        raise AccessRequestError.of(ServiceRefusal.TEXT_FIELD, field=field, longest=longest)


def guards_passed(rules: tuple[str, ...]) -> bool:
    """The read was denied only for want of a grant (an account's other roles deny by default)."""
    return tuple(rule for rule in rules if rule != DEFAULT_DENY) == GUARDS_PASSED


def request_access(  # noqa: PLR0917 - who, what, why, for which case, when
    settings: Settings, requester: Account, record: str, purpose: str, case_number: str, at: dt.datetime
) -> str:
    """A judicial requester asks to read the sealed record ``record`` (its ``SE-…`` id); returns the request id.
    Refused (``NotAllowedError``, logged) when a judicial guard fails."""
    _check_text("record", record, MAX_RECORD)
    _check_text("purpose", purpose)
    _check_text("case_number", case_number)
    request_id = f"AR-{secrets.token_hex(8)}"
    ledger = open_ledger(settings)
    with transaction(open_store(settings)) as conn:
        found = target(conn, record)
        # An unknown record counts as sealed (a probe for one); the text sent is not logged (it is no known id).
        event: dict[str, Any] = {
            "type": "access.requested", "at": at.isoformat(), "request": request_id, "account": requester.id,
            "roles": sorted(str(r) for r in requester.roles), "record": None,  # withheld: see the module's notes
            "case_number": case_number, "sealed": found is None or found.sealed,
        }  # fmt: skip
        if found is None or not found.sealed:
            rules: tuple[str, ...] = ("record.unknown",) if found is None else ("record.not_sealed",)
            ledger.append(conn, {**event, "outcome": "refused", "rules": list(rules), "purpose": None,
                                 "own_case": None})  # fmt: skip
        else:
            claimed = confirmed_cases(conn, requester.id) | {case_number}
            ask = AccessRequest(requester, Action.READ_SEALED_RECORD, found.resource(claimed),
                                Context(at, purpose, case_number))  # fmt: skip
            decision = decide(ask)
            rules = decision.rules
            accepted = guards_passed(rules)
            ledger.append(conn, {**event, "outcome": "accepted" if accepted else "refused", "rules": list(rules),
                                 "purpose": decision.purpose, "own_case": decision.own_case})  # fmt: skip
            if accepted:
                conn.execute(sa.insert(access_requests).values(
                    id=request_id, requester=requester.id, record=record, subject=found.subject, purpose=purpose,
                    case_number=case_number, state=PENDING, requested_at=utc(at),
                ))  # fmt: skip
    if found is None:
        raise UnknownRecordError.of(ServiceRefusal.NO_SEALED_RECORD)  # the text sent is not repeated
    if not guards_passed(rules):
        if rules == ("record.not_sealed",):
            raise RequestStateError.of(ServiceRefusal.RECORD_NOT_SEALED, record=record)
        raise NotAllowedError(requester.id, "request_access", rules)
    return request_id


def _row(conn: Connection, request_id: str) -> Any:
    row = conn.execute(sa.select(access_requests).where(access_requests.c.id == request_id)).first()
    if row is None:
        raise UnknownAccessRequestError.of(ServiceRefusal.UNKNOWN_ACCESS_REQUEST, request=request_id)
    return row


def _decide_step(  # noqa: PLR0917 - the approver's step on one request
    settings: Settings,
    approver: Account,
    request_id: str,
    at: dt.datetime,
    outcome: str,
    grant: dict[str, Any] | None = None,
) -> None:
    """The approver's decision (APPROVE_ACCESS, logged), then the state change it allows, all in one transaction.
    ``grant``: the window and notice delay of an approval (None: a denial)."""
    ledger = open_ledger(settings)
    problem: GrantError | None = None
    with transaction(open_store(settings)) as conn:
        row = _row(conn, request_id)
        if row.state != PENDING:
            raise RequestStateError.of(ServiceRefusal.NOT_PENDING, request=request_id, state=row.state)
        found = target(conn, row.record)
        resource = found.resource() if found is not None else Resource(True, row.record, "", row.subject)
        ctx = Context(at, row.purpose, row.case_number)
        ask = AccessRequest(approver, Action.APPROVE_ACCESS, resource, ctx)
        decision = decide_and_log(conn, ledger, ask, withheld_for=request_id)
        event: dict[str, Any] = {"at": at.isoformat(), "request": request_id, "account": approver.id,
                                 "requester": row.requester}  # fmt: skip
        if decision.allowed:
            values: dict[str, Any] = {"state": outcome, "approver": approver.id, "decided_at": utc(at)}
            try:
                if grant is not None:
                    made = make_grant(row.record, row.requester, approver.id, row.purpose, row.case_number, at,
                                      at + grant["valid_for"], grant["notice_delay"])  # fmt: skip
                    values |= _grant_columns(made)
                    event |= _grant_event(made)
                elif approver.id == row.requester:
                    raise SelfApprovalError.of(ServiceRefusal.OWN_ACCESS_REQUEST, account=approver.id)
            except GrantError as exc:
                problem = exc
                reason = "self_approval" if approver.id == row.requester else "grant"
                ledger.append(conn, {**event, "type": "access.approval_refused", "reason": reason})
            else:
                still = sa.and_(access_requests.c.id == request_id, access_requests.c.state == PENDING)
                if conn.execute(sa.update(access_requests).where(still).values(**values)).rowcount != 1:
                    raise StoreError.of(ServiceRefusal.DECIDED_MEANWHILE, request=request_id)  # rolls back
                ledger.append(conn, {**event, "type": f"access.{outcome}"})
    if not decision.allowed:
        raise refused(decision)
    if problem is not None:
        raise problem


def _grant_columns(grant: Grant) -> dict[str, Any]:
    delay = grant.notice_delay
    return {
        "valid_from": utc(grant.valid_from), "valid_until": utc(grant.valid_until),
        "delay_reason": None if delay is None else delay.reason, "delay_until": None if delay is None else delay.until,
    }  # fmt: skip


def _grant_event(grant: Grant) -> dict[str, Any]:
    delay = grant.notice_delay
    return {
        "valid_from": grant.valid_from.isoformat(), "valid_until": grant.valid_until.isoformat(),
        "delay_reason": None if delay is None else delay.reason,
        "notice_delayed_until": None if delay is None else delay.until.isoformat(),
    }  # fmt: skip


def approve(  # noqa: PLR0917 - who, which, how long, when, and the notice delay
    settings: Settings,
    approver: Account,
    request_id: str,
    valid_for: dt.timedelta,
    at: dt.datetime,
    notice_delay: NoticeDelay | None = None,
) -> None:
    """Approve a pending request: the requester may read that record from ``at`` for ``valid_for``. Refused for
    the requester themselves (``SelfApprovalError``, logged) and for anyone the policy does not allow."""
    if not dt.timedelta(0) < valid_for <= MAX_VALIDITY:
        raise AccessRequestError.of(ServiceRefusal.VALID_FOR_RANGE, days=MAX_VALIDITY.days)
    if notice_delay is not None and notice_delay.until <= at.date():
        raise AccessRequestError.of(ServiceRefusal.NOTICE_DELAY_UNTIL)
    _decide_step(settings, approver, request_id, at, APPROVED, {"valid_for": valid_for, "notice_delay": notice_delay})


def deny(settings: Settings, approver: Account, request_id: str, at: dt.datetime) -> None:
    """Deny a pending request (by an approver other than the requester; logged)."""
    _decide_step(settings, approver, request_id, at, DENIED)


def _grant(row: Any) -> Grant | None:
    if row.state != APPROVED:
        return None
    delay = None if row.delay_reason is None else NoticeDelay(row.delay_reason, _day(row.delay_until))
    valid_from, valid_until = read_utc(row.valid_from), read_utc(row.valid_until)
    if valid_from is None or valid_until is None:
        return None
    return Grant(row.record, row.requester, row.approver, row.purpose, row.case_number, valid_from, valid_until,
                 delay)  # fmt: skip


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def read_sealed(settings: Settings, requester: Account, request_id: str, at: dt.datetime) -> dict[str, Any]:
    """The facts of the record an approved request names, read by its requester within the grant's window
    (``valid_from <= at < valid_until``); every attempt, allowed or not, is logged."""
    ledger = open_ledger(settings)
    facts: dict[str, Any] = {}
    with transaction(open_store(settings)) as conn:
        row = _row(conn, request_id)
        found = target(conn, row.record)
        if found is None:
            raise UnknownRecordError.of(ServiceRefusal.RECORD_NO_LONGER_HELD, record=row.record)
        resource = found.resource(confirmed_cases(conn, requester.id))
        ctx = Context(at, row.purpose, row.case_number, _grant(row))
        delayed = request_id if row.delay_reason is not None else ""  # told only when the delay ends
        ask = AccessRequest(requester, Action.READ_SEALED_RECORD, resource, ctx)
        decision = decide_and_log(conn, ledger, ask, withheld_for=delayed)
        if decision.allowed:
            text = conn.execute(sa.select(bundles.c.facts).where(bundles.c.id == found.bundle)).scalar_one()
            facts = record_facts(text, found.record)
    if not decision.allowed:
        raise refused(decision)
    return {"request": request_id, "record": row.record, "valid_until": read_utc(row.valid_until), **facts}


def view(row: Any) -> dict[str, Any]:
    """A request as its requester and the approvers see it (no record content)."""
    return {
        "id": row.id, "record": row.record, "requester": row.requester, "purpose": row.purpose,
        "case_number": row.case_number, "state": row.state, "requested_at": read_utc(row.requested_at),
        "approver": row.approver, "decided_at": read_utc(row.decided_at), "valid_from": read_utc(row.valid_from),
        "valid_until": read_utc(row.valid_until), "delay_reason": row.delay_reason,
        "delay_until": None if row.delay_until is None else _day(row.delay_until),
    }  # fmt: skip


def inbox(settings: Settings, approver: Account, at: dt.datetime, state: str = PENDING) -> list[dict[str, Any]]:
    """The approvers' inbox (VIEW_QUEUE, logged): requests in ``state``, oldest first, with the stated purpose."""
    ledger = open_ledger(settings)
    with transaction(open_store(settings)) as conn:
        ask = AccessRequest(approver, Action.VIEW_QUEUE, Resource(sealed=False), Context(at))
        decision = decide_and_log(conn, ledger, ask)
        query = sa.select(access_requests).where(access_requests.c.state == state)
        rows = list(conn.execute(query.order_by(access_requests.c.requested_at).limit(LIST_LIMIT)))
    if not decision.allowed:
        raise refused(decision)
    return [view(row) for row in rows]


def my_requests(settings: Settings, requester: Account) -> list[dict[str, Any]]:
    """The requester's own requests, newest first: what they stated themselves and its state, no record content
    (no policy decision: nothing of anyone else is shown)."""
    with transaction(open_store(settings)) as conn:
        query = sa.select(access_requests).where(access_requests.c.requester == requester.id)
        rows = list(conn.execute(query.order_by(access_requests.c.requested_at.desc()).limit(LIST_LIMIT)))
    return [view(row) for row in rows]
