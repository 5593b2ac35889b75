"""A representative's link to a person (the person "or guardian, or counsel" of issue 6): a guardian (监护人, for
a juvenile) or counsel (辩护人 / 代理人) states the basis of the link and the document that shows it; a clerk
approves or refuses it with reasons. While approved, the representative applies, objects, asks for correction
or deletion and complains on the person's behalf, in that capacity (the procedures record the applicant's role),
and sees that person's cases only; the clerk may revoke it, the representative may end it.

requested (clerk decides within ``decision_days``) → approved | refused; approved → revoked (clerk, with reasons)
| withdrawn (the representative). A request may be withdrawn before the decision.
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
from sealkeeper.procedures.errors import OpeningRefusedError, Refusal

PROCEDURE = "representation"


class RepresentationState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"


class Capacity(StrEnum):
    GUARDIAN = "guardian"  # 监护人 (法定代理人) of a juvenile
    COUNSEL = "counsel"  # 辩护人 / 诉讼代理人


class Basis(StrEnum):
    """The legal ground of a link (a closed list: the clerk checks the document against it)."""

    PARENT = "parent"  # 父母 (民法典第27条)
    APPOINTED_GUARDIAN = "appointed_guardian"  # 指定监护人 (民法典第31条)
    DEFENCE_MANDATE = "defence_mandate"  # 委托辩护 (刑事诉讼法第33条)
    LEGAL_AID = "legal_aid"  # 法律援助指派 (刑事诉讼法第35条)
    AGENCY_MANDATE = "agency_mandate"  # 委托代理 (刑事诉讼法第46条)


BASES: dict[Capacity, frozenset[Basis]] = {
    Capacity.GUARDIAN: frozenset({Basis.PARENT, Basis.APPOINTED_GUARDIAN}),
    Capacity.COUNSEL: frozenset({Basis.DEFENCE_MANDATE, Basis.LEGAL_AID, Basis.AGENCY_MANDATE}),
}
#: The procedure role a representative acts in, by capacity.
ROLE_OF = {Capacity.GUARDIAN: Role.GUARDIAN, Capacity.COUNSEL: Role.COUNSEL}
REPRESENTATIVES = frozenset(ROLE_OF.values())


@dataclass(frozen=True, slots=True)
class RepresentationPolicy:
    decision_days: int = 15


@dataclass(frozen=True, slots=True, kw_only=True)
class RepresentationCase(Case):
    PROCEDURE = PROCEDURE
    state: RepresentationState = RepresentationState.REQUESTED
    representative: str  # the representative's account
    capacity: Capacity
    basis: Basis
    document: str  # the id of the document shown (a material id, never its content)
    policy: RepresentationPolicy = RepresentationPolicy()
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Approve:
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Refuse:
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Revoke:
    """The link ends on the clerk's decision (the mandate ended, the person came of age…)."""

    reasons: tuple[Reason, ...]


S = RepresentationState
Out = tuple[RepresentationCase, tuple[Event, ...]]


def file_representation(
    case_id: str,
    subject: str,
    representative: Actor,
    at: dt.datetime,
    *,
    capacity: Capacity,
    basis: Basis,
    document: str,
    policy: RepresentationPolicy | None = None,
    calendar: Calendar = CALENDAR_DAYS,
) -> Out:
    today = require_aware(at)
    rules = policy or RepresentationPolicy()
    if representative.role is not ROLE_OF[capacity]:
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.CAPACITY_ROLE, capacity=capacity)
    if basis not in BASES[capacity]:
        allowed = ", ".join(sorted(BASES[capacity]))
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.BASIS, capacity=capacity, allowed=allowed)
    if not document:
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.NO_DOCUMENT)
    due = calendar.add(today, rules.decision_days)
    case = RepresentationCase(
        case_id=case_id, subject=subject, opened_on=today, calendar=calendar, representative=representative.account,
        capacity=capacity, basis=basis, document=document, policy=rules, due=due,
    )  # fmt: skip
    info: dict[str, EventValue] = {"capacity": str(capacity), "basis": str(basis), "due": str(due)}
    return case, (emit(case, "representation.requested", representative, at, **info),)


def _decided(case: RepresentationCase, cmd: Approve | Refuse | Revoke, actor: Actor, at: dt.datetime) -> Out:
    if not cmd.reasons:
        raise refuse(case, cmd, Refusal.LINK_DECISION_WITHOUT_REASONS)
    if actor.account == case.representative:
        raise refuse(case, cmd, Refusal.OWN_LINK)
    state = {Approve: S.APPROVED, Refuse: S.REFUSED, Revoke: S.REVOKED}[type(cmd)]
    new = replace(case, state=state, reasons=cmd.reasons, due=None, deciders=(*case.deciders, actor.account))
    info: dict[str, EventValue] = {"capacity": str(case.capacity), "basis": str(case.basis)}
    info |= {"rules": rule_ids(cmd.reasons), "citations": citations(cmd.reasons)}
    return new, (emit(new, f"representation.{state}", actor, at, **info),)


def _withdraw(case: RepresentationCase, cmd: Withdraw, actor: Actor, at: dt.datetime) -> Out:
    if actor.role is not ROLE_OF[case.capacity]:
        raise refuse(case, cmd, Refusal.ENDS_IN_ROLE, capacity=case.capacity)
    return withdrawn(case, cmd, actor, at, account=case.representative, who="representative", state=S.WITHDRAWN)


def _check(case: RepresentationCase) -> list[str]:
    problems = []
    if (case.state is S.REQUESTED) != (case.due is not None):
        problems.append("a deadline exactly while the clerk owes the decision")
    if case.basis not in BASES[case.capacity]:
        problems.append("the basis fits the capacity")
    decided = case.state in {S.APPROVED, S.REFUSED, S.REVOKED}
    if decided and not (case.reasons and case.deciders):
        problems.append("a decided link has reasons and deciders")
    if case.representative in case.deciders:
        problems.append("the representative never decides their own link")
    return problems


_TABLE: Table = {
    (S.REQUESTED, Approve): ((Role.CLERK,), _decided),
    (S.REQUESTED, Refuse): ((Role.CLERK,), _decided),
    (S.APPROVED, Revoke): ((Role.CLERK,), _decided),
    (S.REQUESTED, Withdraw): (REPRESENTATIVES, _withdraw),
    (S.APPROVED, Withdraw): (REPRESENTATIVES, _withdraw),
}
RepresentationCase.MACHINE = Machine(
    procedure=PROCEDURE,
    steps=steps(_TABLE),
    terminal=frozenset({S.REFUSED, S.REVOKED, S.WITHDRAWN}),
    authority=frozenset({S.REQUESTED}),
    escalable=frozenset({S.REQUESTED}),
    check=_check,
)
