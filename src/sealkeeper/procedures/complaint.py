"""A complaint by the person (founding paper §4.4): a suspected leak of a sealed record, a refusal, or a late
decision, to the supervising body (检察监督), then to the higher authority (复议).

filed (with the supervisor, answer due in ``supervision_days``) → answered: upheld (resolved) or rejected.
A rejected complaint may be referred to the higher authority by the complainant within
``reconsideration_window_days`` of the answer, or closed (by the complainant, or by the system once the
window has passed). An unanswered complaint is referred once its deadline has passed (by the complainant or
the system). The higher authority, whose account did not answer the complaint, decides within
``higher_days``; that decision closes it. An overdue step at the higher authority can be escalated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from sealkeeper.procedures.base import (
    APPLICANTS,
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
    require_account,
    require_aware,
    rule_ids,
    steps,
    withdrawn,
)
from sealkeeper.procedures.calendars import CALENDAR_DAYS, Calendar, is_overdue
from sealkeeper.procedures.errors import ActorRefusedError, NotDueError, OpeningRefusedError, Refusal

PROCEDURE = "complaint"


class ComplaintState(StrEnum):
    FILED = "filed"
    REJECTED = "rejected"
    REFERRED = "referred"
    RESOLVED = "resolved"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Ground(StrEnum):
    LEAK = "leak"  # a sealed record is suspected to have leaked
    REFUSED = "refused"
    LATE = "late"


class Finding(StrEnum):
    UPHELD = "upheld"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ComplaintPolicy:
    supervision_days: int = 30
    reconsideration_window_days: int = 60
    higher_days: int = 60


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintCase(Case):
    PROCEDURE = PROCEDURE
    state: ComplaintState = ComplaintState.FILED
    complainant: str
    ground: Ground
    concerning: str  # the case or record complained about
    policy: ComplaintPolicy = ComplaintPolicy()
    answer: Finding | None = None
    referred_because: str | None = None  # "rejected" or "overdue"
    final: Finding | None = None
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    finding: Finding
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Refer:
    """To the higher authority (复议): after a rejection, or when the answer is late."""


@dataclass(frozen=True, slots=True)
class Reconsider:
    finding: Finding
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Close:
    """The complainant accepts a rejection, or the window to refer it has passed."""


Out = tuple[ComplaintCase, tuple[Event, ...]]
S = ComplaintState


def file_complaint(
    case_id: str,
    subject: str,
    complainant: Actor,
    at: dt.datetime,
    *,
    ground: Ground,
    concerning: str,
    policy: ComplaintPolicy | None = None,
    calendar: Calendar = CALENDAR_DAYS,
) -> Out:
    today = require_aware(at)
    rules = policy or ComplaintPolicy()
    if complainant.role not in APPLICANTS:
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.ROLE_CANNOT_COMPLAIN, role=complainant.role)
    due = calendar.add(today, rules.supervision_days)
    case = ComplaintCase(
        case_id=case_id, subject=subject, opened_on=today, calendar=calendar, complainant=complainant.account,
        ground=ground, concerning=concerning, policy=rules, due=due,
    )  # fmt: skip
    info: dict[str, EventValue] = {"ground": str(ground), "concerning": concerning, "due": str(due)}
    return case, (emit(case, "complaint.filed", complainant, at, **info),)


def _decision(reasons: tuple[Reason, ...], finding: Finding) -> dict[str, EventValue]:
    return {"finding": str(finding), "rules": rule_ids(reasons), "citations": citations(reasons)}


def _answer(case: ComplaintCase, cmd: Answer, actor: Actor, at: dt.datetime) -> Out:
    if not cmd.reasons:
        raise refuse(case, cmd, Refusal.ANSWER_WITHOUT_REASONS)
    late = case.due is not None and is_overdue(at.date(), case.due)
    new = replace(case, answer=cmd.finding, reasons=cmd.reasons, deciders=(*case.deciders, actor.account))
    if cmd.finding is Finding.UPHELD:
        new = replace(new, state=S.RESOLVED, due=None)
    else:
        window = case.calendar.add(at.date(), case.policy.reconsideration_window_days)
        new = replace(new, state=S.REJECTED, due=window)
    return new, (emit(new, "complaint.answered", actor, at, late=late, **_decision(cmd.reasons, cmd.finding)),)


def _refer(case: ComplaintCase, cmd: Refer, actor: Actor, at: dt.datetime) -> Out:
    today, due = at.date(), case.due
    if actor.role is Role.SYSTEM and case.state is S.REJECTED:
        raise refuse(case, cmd, Refusal.ONLY_COMPLAINANT_REFERS, ActorRefusedError)
    if actor.role is not Role.SYSTEM:
        require_account(case, cmd, actor, case.complainant, "complainant")
    if case.state is S.FILED and (due is None or not is_overdue(today, due)):
        raise refuse(case, cmd, Refusal.SUPERVISOR_HAS_UNTIL, NotDueError, due=due)
    if case.state is S.REJECTED and due is not None and is_overdue(today, due):
        raise refuse(case, cmd, Refusal.REFER_WINDOW_ENDED, NotDueError, due=due)
    because = "overdue" if case.state is S.FILED else "rejected"
    higher = case.calendar.add(today, case.policy.higher_days)
    new = replace(case, state=S.REFERRED, referred_because=because, due=higher)
    return new, (emit(new, "complaint.referred", actor, at, because=because, due=str(higher)),)


def _reconsider(case: ComplaintCase, cmd: Reconsider, actor: Actor, at: dt.datetime) -> Out:
    if actor.account in case.deciders:
        raise refuse(case, cmd, Refusal.ANSWERED_BEFORE, ActorRefusedError, account=actor.account)
    if not cmd.reasons:
        raise refuse(case, cmd, Refusal.RECONSIDERATION_WITHOUT_REASONS)
    late = case.due is not None and is_overdue(at.date(), case.due)
    new = replace(case, state=S.CLOSED, final=cmd.finding, reasons=cmd.reasons, due=None)
    new = replace(new, deciders=(*case.deciders, actor.account))
    return new, (emit(new, "complaint.reconsidered", actor, at, late=late, **_decision(cmd.reasons, cmd.finding)),)


def _close(case: ComplaintCase, cmd: Close, actor: Actor, at: dt.datetime) -> Out:
    if actor.role is Role.SYSTEM:
        if case.due is None or not is_overdue(at.date(), case.due):
            raise refuse(case, cmd, Refusal.COMPLAINANT_MAY_REFER_UNTIL, NotDueError, due=case.due)
    else:
        require_account(case, cmd, actor, case.complainant, "complainant")
    new = replace(case, state=S.CLOSED, final=case.answer, due=None)
    return new, (emit(new, "complaint.closed", actor, at, finding=str(case.answer)),)


def _withdraw(case: ComplaintCase, cmd: Withdraw, actor: Actor, at: dt.datetime) -> Out:
    return withdrawn(case, cmd, actor, at, account=case.complainant, who="complainant", state=S.WITHDRAWN)


def _check(case: ComplaintCase) -> list[str]:
    s, problems = case.state, []
    if (s in {S.FILED, S.REJECTED, S.REFERRED}) != (case.due is not None):
        problems.append("a deadline exactly while the complaint is open")
    if s is S.FILED and case.answer is not None:
        problems.append("no answer while filed")
    if (s is S.REJECTED and case.answer is not Finding.REJECTED) or (
        s is S.RESOLVED and case.answer is not Finding.UPHELD
    ):
        problems.append("the answer matches the state")
    if (s is S.REFERRED) and case.referred_because is None:
        problems.append("a referral says why")
    if s is S.CLOSED and case.final is None:
        problems.append("a closed complaint has its final finding")
    if len(set(case.deciders)) != len(case.deciders):
        problems.append("the higher authority is not the supervisor who answered")
    return problems


ANSWERING = (Role.SUPERVISOR,)
REFERRING = (*APPLICANTS, Role.SYSTEM)
_TABLE: Table = {
    (S.FILED, Answer): (ANSWERING, _answer),
    (S.FILED, Refer): (REFERRING, _refer),
    (S.FILED, Withdraw): (APPLICANTS, _withdraw),
    (S.REJECTED, Refer): (REFERRING, _refer),
    (S.REJECTED, Close): (REFERRING, _close),
    (S.REFERRED, Reconsider): ((Role.HIGHER_AUTHORITY,), _reconsider),
}
ComplaintCase.MACHINE = Machine(
    procedure=PROCEDURE,
    steps=steps(_TABLE),
    terminal=frozenset({S.RESOLVED, S.CLOSED, S.WITHDRAWN}),
    authority=frozenset({S.FILED, S.REFERRED}),
    escalable=frozenset({S.REFERRED}),
    check=_check,
)
