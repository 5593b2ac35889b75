"""The person's requests about their own record: correction (更正) and deletion (删除), each with its review.

Correction: filed (naming the fields said to be wrong, never their values) → verification with the agency that
holds the source → decided (accept, naming the fields corrected / reject, with reasons) → notice → closed.
An accepted correction changes facts; the service re-evaluates the record and applies the new decision
(``sealing.ApplyDecision`` with trigger ``correction``).

Deletion: filed → decided (accept / reject, with reasons: a seal is not a deletion, so most requests about a
lawful record are rejected) → if accepted, erased (a clerk carries it out: the service destroys the person's
data key in the same transaction as ``ConfirmErased``) → notice → closed. Both may be withdrawn by the
applicant until the decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from sealkeeper.procedures.base import (
    APPLICANTS,
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
from sealkeeper.procedures.errors import OpeningRefusedError, Refusal


class RequestState(StrEnum):
    FILED = "filed"
    VERIFYING = "verifying"  # correction only
    DECIDED = "decided"
    ERASED = "erased"  # deletion only
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Verdict(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class RightsPolicy:
    decision_days: int = 15
    execute_days: int = 15
    notice_days: int = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class RightsCase(Case):
    state: RequestState = RequestState.FILED
    applicant: str
    record_case: str
    fields: tuple[str, ...] = ()  # field names (such as "events[2].date"), never values
    policy: RightsPolicy = RightsPolicy()
    verdict: Verdict | None = None
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrectionCase(RightsCase):
    PROCEDURE = "correction"
    source: str | None = None  # the agency verifying against its source
    corrected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DeletionCase(RightsCase):
    PROCEDURE = "deletion"
    erased_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class StartVerification:
    source: str


@dataclass(frozen=True, slots=True)
class Decide:
    verdict: Verdict
    reasons: tuple[Reason, ...]
    corrected: tuple[str, ...] = ()  # correction accepted: the fields corrected


@dataclass(frozen=True, slots=True)
class ConfirmErased:
    """The accepted deletion is carried out: the person's data key is destroyed (crypto-shredding). A clerk
    gives it (or the system); the service destroys the key in the same transaction as this step, so the case
    never says erased unless the key is gone."""


S = RequestState
K = TypeVar("K", bound=RightsCase)


def _open(
    kind: type[K],
    case_id: str,
    subject: str,
    applicant: Actor,
    at: dt.datetime,
    *,
    record_case: str,
    fields: tuple[str, ...],
    policy: RightsPolicy | None,
    calendar: Calendar,
) -> tuple[K, tuple[Event, ...]]:
    today = require_aware(at)
    if applicant.role not in APPLICANTS:
        raise OpeningRefusedError(kind.PROCEDURE, case_id, Refusal.ROLE_CANNOT_REQUEST, role=applicant.role)
    rules = policy or RightsPolicy()
    case = kind(
        case_id=case_id, subject=subject, opened_on=today, calendar=calendar, applicant=applicant.account,
        record_case=record_case, fields=fields, policy=rules, due=calendar.add(today, rules.decision_days),
    )  # fmt: skip
    info: dict[str, EventValue] = {"record_case": record_case, "fields": fields, "due": str(case.due)}
    return case, (emit(case, f"{kind.PROCEDURE}.filed", applicant, at, **info),)


def file_correction(
    case_id: str,
    subject: str,
    applicant: Actor,
    at: dt.datetime,
    *,
    record_case: str,
    fields: tuple[str, ...],
    policy: RightsPolicy | None = None,
    calendar: Calendar = CALENDAR_DAYS,
) -> tuple[CorrectionCase, tuple[Event, ...]]:
    """A correction names the fields said to be wrong (never the values, which are narrative)."""
    if not fields:
        raise OpeningRefusedError("correction", case_id, Refusal.CORRECTION_WITHOUT_FIELDS)
    return _open(
        CorrectionCase, case_id, subject, applicant, at, record_case=record_case, fields=fields, policy=policy,
        calendar=calendar,
    )  # fmt: skip


def file_deletion(
    case_id: str,
    subject: str,
    applicant: Actor,
    at: dt.datetime,
    *,
    record_case: str,
    fields: tuple[str, ...] = (),
    policy: RightsPolicy | None = None,
    calendar: Calendar = CALENDAR_DAYS,
) -> tuple[DeletionCase, tuple[Event, ...]]:
    """A deletion of the whole record (no ``fields``) or of the fields named."""
    return _open(
        DeletionCase, case_id, subject, applicant, at, record_case=record_case, fields=fields, policy=policy,
        calendar=calendar,
    )  # fmt: skip


def _verify(
    case: CorrectionCase, cmd: StartVerification, actor: Actor, at: dt.datetime
) -> tuple[RightsCase, tuple[Event, ...]]:
    if not cmd.source:
        raise refuse(case, cmd, Refusal.VERIFICATION_AGENCY)
    new = replace(case, state=S.VERIFYING, source=cmd.source)
    return new, (emit(new, "correction.verification_started", actor, at, source=cmd.source),)


def _decide(case: RightsCase, cmd: Decide, actor: Actor, at: dt.datetime) -> tuple[RightsCase, tuple[Event, ...]]:
    if not cmd.reasons:
        raise refuse(case, cmd, Refusal.RIGHTS_DECISION_WITHOUT_REASONS)
    info: dict[str, EventValue] = {"verdict": str(cmd.verdict), "rules": rule_ids(cmd.reasons)}
    info["citations"] = citations(cmd.reasons)
    erase = isinstance(case, DeletionCase) and cmd.verdict is Verdict.ACCEPT
    days = case.policy.execute_days if erase else case.policy.notice_days
    new = replace(
        case, state=S.DECIDED, verdict=cmd.verdict, reasons=cmd.reasons, due=case.calendar.add(at.date(), days)
    )
    new = replace(new, deciders=(*case.deciders, actor.account))
    if isinstance(new, CorrectionCase):
        wrong = cmd.verdict is Verdict.ACCEPT and (not cmd.corrected or not set(cmd.corrected) <= set(new.fields))
        if wrong or (cmd.verdict is Verdict.REJECT and cmd.corrected):
            raise refuse(case, cmd, Refusal.CORRECTED_FIELDS)
        new = replace(new, corrected=cmd.corrected)
        info["corrected"] = cmd.corrected
    return new, (emit(new, f"{case.PROCEDURE}.decided", actor, at, **info),)


def _erased(
    case: DeletionCase, cmd: ConfirmErased, actor: Actor, at: dt.datetime
) -> tuple[RightsCase, tuple[Event, ...]]:
    if case.verdict is not Verdict.ACCEPT:
        raise refuse(case, cmd, Refusal.ONLY_ACCEPTED_DELETION)
    due = case.calendar.add(at.date(), case.policy.notice_days)
    new = replace(case, state=S.ERASED, erased_on=at.date(), due=due)
    return new, (emit(new, "deletion.erased", actor, at, record_case=case.record_case),)


def _notify(case: RightsCase, cmd: SendNotice, actor: Actor, at: dt.datetime) -> tuple[RightsCase, tuple[Event, ...]]:
    if isinstance(case, DeletionCase) and case.state is S.DECIDED and case.verdict is Verdict.ACCEPT:
        raise refuse(case, cmd, Refusal.ERASE_BEFORE_NOTICE)
    new = replace(case, state=S.CLOSED, due=None)
    return new, (emit(new, f"{case.PROCEDURE}.notified", actor, at, verdict=str(case.verdict)),)


def _withdraw(case: RightsCase, cmd: Withdraw, actor: Actor, at: dt.datetime) -> tuple[RightsCase, tuple[Event, ...]]:
    return withdrawn(case, cmd, actor, at, account=case.applicant, who="applicant", state=S.WITHDRAWN)


def _check(case: RightsCase) -> list[str]:
    s, problems = case.state, []
    decided = s in {S.DECIDED, S.ERASED, S.CLOSED}
    if s is not S.WITHDRAWN and decided != (case.verdict is not None):
        problems.append("a verdict exactly once decided")
    if decided and s is not S.WITHDRAWN and not (case.reasons and case.deciders):
        problems.append("a verdict has reasons and deciders")
    if s not in {S.CLOSED, S.WITHDRAWN} and case.due is None:
        problems.append("an open request has a deadline")
    if isinstance(case, CorrectionCase):
        if s is S.ERASED or (s is S.VERIFYING and not case.source):
            problems.append("a correction is verified against a named source and never erased")
        if not set(case.corrected) <= set(case.fields):
            problems.append("only fields asked for are corrected")
    if isinstance(case, DeletionCase):
        erased = case.erased_on is not None
        if s is S.VERIFYING or (s is S.ERASED and not erased) or (erased and s is not S.CLOSED and s is not S.ERASED):
            problems.append("a deletion is erased once accepted, and stays erased")
        if erased and case.verdict is not Verdict.ACCEPT:
            problems.append("only an accepted deletion is erased")
    return problems


_BOTH = frozenset({S.CLOSED, S.WITHDRAWN})
_CORRECTION: Table = {
    (S.FILED, StartVerification): ((Role.CLERK,), _verify),
    (S.VERIFYING, Decide): ((Role.APPROVER,), _decide),
    (S.DECIDED, SendNotice): ((Role.CLERK,), _notify),
    (S.FILED, Withdraw): (APPLICANTS, _withdraw),
    (S.VERIFYING, Withdraw): (APPLICANTS, _withdraw),
}
_DELETION: Table = {
    (S.FILED, Decide): ((Role.APPROVER,), _decide),
    (S.DECIDED, ConfirmErased): ((Role.CLERK, Role.SYSTEM), _erased),
    (S.DECIDED, SendNotice): ((Role.CLERK,), _notify),
    (S.ERASED, SendNotice): ((Role.CLERK,), _notify),
    (S.FILED, Withdraw): (APPLICANTS, _withdraw),
}
CorrectionCase.MACHINE = Machine(
    procedure="correction",
    steps=steps(_CORRECTION),
    terminal=_BOTH,
    authority=frozenset({S.FILED, S.VERIFYING, S.DECIDED}),
    escalable=frozenset({S.FILED, S.VERIFYING, S.DECIDED}),
    check=_check,
)
DeletionCase.MACHINE = Machine(
    procedure="deletion",
    steps=steps(_DELETION),
    terminal=_BOTH,
    authority=frozenset({S.FILED, S.DECIDED, S.ERASED}),
    escalable=frozenset({S.FILED, S.DECIDED, S.ERASED}),
    check=_check,
)
