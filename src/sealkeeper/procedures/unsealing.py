"""Unsealing on request of a judicial organ (办案机关), with reasons.

requested (by a judicial requester, stating the legal basis) → decided by an approver other than the
requester (grant / refuse, with reasons) → notice (to the requester and the person) → closed. The requester
may withdraw until the decision. A granted request is carried out on the record by ``sealing.Unseal`` with
trigger ``judicial_request`` and this case as its source. The requesting organ's own case number is narrative
the service keeps encrypted; it is not part of this case or its events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from sealkeeper.procedures.base import (
    Actor,
    Case,
    Event,
    EventValue,
    Machine,
    Reason,
    Role,
    SendNotice,
    Table,
    Withdraw,
    citations,
    emit,
    refuse,
    require_aware,
    rule_ids,
    steps,
    withdrawn,
)
from sealkeeper.procedures.calendars import CALENDAR_DAYS, Calendar
from sealkeeper.procedures.errors import ActorRefusedError, OpeningRefusedError, Refusal

PROCEDURE = "unsealing"


class UnsealingState(StrEnum):
    REQUESTED = "requested"
    DECIDED = "decided"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Ruling(StrEnum):
    GRANT = "grant"
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class UnsealingPolicy:
    decision_days: int = 15
    notice_days: int = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class UnsealingCase(Case):
    PROCEDURE = PROCEDURE
    state: UnsealingState = UnsealingState.REQUESTED
    requester: str
    record_case: str
    grounds: tuple[Reason, ...]
    policy: UnsealingPolicy = UnsealingPolicy()
    ruling: Ruling | None = None
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Decide:
    ruling: Ruling
    reasons: tuple[Reason, ...]


Out = tuple[UnsealingCase, tuple[Event, ...]]
S = UnsealingState


def request_unsealing(
    case_id: str,
    subject: str,
    requester: Actor,
    at: dt.datetime,
    *,
    record_case: str,
    grounds: tuple[Reason, ...],
    policy: UnsealingPolicy | None = None,
    calendar: Calendar = CALENDAR_DAYS,
) -> Out:
    today = require_aware(at)
    rules = policy or UnsealingPolicy()
    if requester.role is not Role.JUDICIAL:
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.ROLE_CANNOT_REQUEST_UNSEALING, role=requester.role)
    if not grounds:
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.NO_LEGAL_BASIS)
    case = UnsealingCase(
        case_id=case_id, subject=subject, opened_on=today, calendar=calendar, requester=requester.account,
        record_case=record_case, grounds=grounds, policy=rules, due=calendar.add(today, rules.decision_days),
    )  # fmt: skip
    info: dict[str, EventValue] = {"record_case": record_case, "rules": rule_ids(grounds)}
    info |= {"citations": citations(grounds), "due": str(case.due)}
    return case, (emit(case, "unsealing.requested", requester, at, **info),)


def _rule(case: UnsealingCase, cmd: Decide, actor: Actor, at: dt.datetime) -> Out:
    if actor.account == case.requester:
        raise refuse(case, cmd, Refusal.OWN_REQUEST, ActorRefusedError)
    if not cmd.reasons:
        raise refuse(case, cmd, Refusal.RULING_WITHOUT_REASONS)
    due = case.calendar.add(at.date(), case.policy.notice_days)
    new = replace(case, state=S.DECIDED, ruling=cmd.ruling, reasons=cmd.reasons, due=due)
    new = replace(new, deciders=(*case.deciders, actor.account))
    info: dict[str, EventValue] = {"ruling": str(cmd.ruling), "record_case": case.record_case}
    info |= {"rules": rule_ids(cmd.reasons), "citations": citations(cmd.reasons)}
    return new, (emit(new, "unsealing.decided", actor, at, **info),)


def _notify(case: UnsealingCase, cmd: SendNotice, actor: Actor, at: dt.datetime) -> Out:
    new = replace(case, state=S.CLOSED, due=None)
    return new, (emit(new, "unsealing.notified", actor, at, ruling=str(case.ruling)),)


def _withdraw(case: UnsealingCase, cmd: Withdraw, actor: Actor, at: dt.datetime) -> Out:
    return withdrawn(case, cmd, actor, at, account=case.requester, who="requester", state=S.WITHDRAWN)


def _check(case: UnsealingCase) -> list[str]:
    problems = []
    decided = case.state in {S.DECIDED, S.CLOSED}
    if decided != (case.ruling is not None) or (decided and not case.reasons):
        problems.append("a ruling with reasons exactly once decided")
    if case.requester in case.deciders:
        problems.append("the requester decided their own request")
    if case.state in {S.REQUESTED, S.DECIDED} and case.due is None:
        problems.append("an open request has a deadline")
    return problems


_TABLE: Table = {
    (S.REQUESTED, Decide): ((Role.APPROVER,), _rule),
    (S.REQUESTED, Withdraw): ((Role.JUDICIAL,), _withdraw),
    (S.DECIDED, SendNotice): ((Role.CLERK,), _notify),
}
UnsealingCase.MACHINE = Machine(
    procedure=PROCEDURE,
    steps=steps(_TABLE),
    terminal=frozenset({S.CLOSED, S.WITHDRAWN}),
    authority=frozenset({S.REQUESTED, S.DECIDED}),
    escalable=frozenset({S.REQUESTED, S.DECIDED}),
    check=_check,
)
