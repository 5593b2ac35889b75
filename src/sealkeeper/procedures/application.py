"""An application to seal (封存申请): filed by the person, a guardian or counsel, with materials.

filed → material review (accepted, or more materials requested: the applicant supplies them and review starts
again, or the request lapses) → optional interview → decision (seal / refuse, with reasons citing articles)
→ notice to the applicant → anonymised publication (``sealkeeper.procedures.publication``). The applicant
may withdraw until the decision.

Deadlines (``ApplicationPolicy``, in the case's calendar; calendar days by default): material review within
``review_days`` of filing or of the last supplement; the decision within ``decision_days`` of acceptance (受理:
the time the applicant takes to supply materials does not count, as in administrative procedure); notice
within ``notice_days`` of the decision; publication within ``publication_days`` of the notice. A decision after
its deadline is still taken, and its event says it was late (ground for a complaint).
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
    SendNotice,
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
from sealkeeper.procedures.errors import NotDueError, OpeningRefusedError, Refusal
from sealkeeper.procedures.publication import check_reference

PROCEDURE = "application"


class ApplicationState(StrEnum):
    FILED = "filed"
    MATERIALS_REQUESTED = "materials_requested"
    ACCEPTED = "accepted"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEWED = "interviewed"
    DECIDED = "decided"
    NOTIFIED = "notified"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class Outcome(StrEnum):
    SEAL = "seal"
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class ApplicationPolicy:
    review_days: int = 5
    supply_days: int = 30
    decision_days: int = 30
    notice_days: int = 5
    publication_days: int = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationCase(Case):
    PROCEDURE = PROCEDURE
    state: ApplicationState = ApplicationState.FILED
    applicant: str
    applicant_role: Role
    records: tuple[str, ...]
    materials: tuple[str, ...]  # ids of documents the service holds encrypted
    requested: tuple[str, ...] = ()  # kinds of material asked for
    policy: ApplicationPolicy = ApplicationPolicy()
    decision_due: dt.date | None = None
    interview_on: dt.date | None = None
    interviewed: bool = False
    outcome: Outcome | None = None
    reasons: tuple[Reason, ...] = ()
    decided_on: dt.date | None = None
    notified_on: dt.date | None = None
    publication: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewMaterials:
    """Material review: complete (nothing ``missing``: the application is accepted, 受理) or more requested."""

    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SupplyMaterials:
    materials: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lapse:
    """Close an application whose requested materials did not come in time."""


@dataclass(frozen=True, slots=True)
class ScheduleInterview:
    on: dt.date


@dataclass(frozen=True, slots=True)
class RecordInterview:
    held: bool  # False: cancelled (the applicant did not come, or it is not needed after all)


@dataclass(frozen=True, slots=True)
class Decide:
    outcome: Outcome
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Publish:
    reference: str  # the publication's own number; never the case id or a court case number


Out = tuple[ApplicationCase, tuple[Event, ...]]
S = ApplicationState


def file_application(
    case_id: str,
    subject: str,
    applicant: Actor,
    at: dt.datetime,
    *,
    records: tuple[str, ...],
    materials: tuple[str, ...],
    policy: ApplicationPolicy | None = None,
    calendar: Calendar = CALENDAR_DAYS,
) -> Out:
    """Open an application; the review deadline runs from the filing day."""
    today = require_aware(at)
    if applicant.role not in APPLICANTS:
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.ROLE_CANNOT_APPLY, role=applicant.role)
    if not records or not materials:
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.APPLICATION_INCOMPLETE)
    rules = policy or ApplicationPolicy()
    case = ApplicationCase(
        case_id=case_id, subject=subject, opened_on=today, calendar=calendar, applicant=applicant.account,
        applicant_role=applicant.role, records=records, materials=materials, policy=rules,
        due=calendar.add(today, rules.review_days),
    )  # fmt: skip
    info: dict[str, EventValue] = {"records": records, "materials": len(materials), "due": str(case.due)}
    return case, (emit(case, "application.filed", applicant, at, **info),)


def _after(case: ApplicationCase, at: dt.datetime, days: int) -> dt.date:
    return case.calendar.add(at.date(), days)


def _review(case: ApplicationCase, cmd: ReviewMaterials, actor: Actor, at: dt.datetime) -> Out:
    if not cmd.missing:
        due = _after(case, at, case.policy.decision_days)
        new = replace(case, state=S.ACCEPTED, decision_due=due, due=due, requested=())
        return new, (emit(new, "application.materials_accepted", actor, at, decision_due=str(due)),)
    new = replace(
        case, state=S.MATERIALS_REQUESTED, requested=cmd.missing, due=_after(case, at, case.policy.supply_days)
    )
    return new, (emit(new, "application.materials_requested", actor, at, items=cmd.missing, due=str(new.due)),)


def _supply(case: ApplicationCase, cmd: SupplyMaterials, actor: Actor, at: dt.datetime) -> Out:
    require_account(case, cmd, actor, case.applicant, "applicant")
    if not cmd.materials:
        raise refuse(case, cmd, Refusal.NO_MATERIALS)
    due = _after(case, at, case.policy.review_days)
    new = replace(case, state=S.FILED, materials=(*case.materials, *cmd.materials), due=due, requested=())
    return new, (emit(new, "application.materials_supplied", actor, at, materials=len(cmd.materials), due=str(due)),)


def _lapse(case: ApplicationCase, cmd: Lapse, actor: Actor, at: dt.datetime) -> Out:
    if case.due is None or not is_overdue(at.date(), case.due):
        raise refuse(case, cmd, Refusal.APPLICANT_HAS_UNTIL, NotDueError, due=case.due)
    new = replace(case, state=S.LAPSED, due=None)
    return new, (emit(new, "application.lapsed", actor, at, items=case.requested),)


def _schedule(case: ApplicationCase, cmd: ScheduleInterview, actor: Actor, at: dt.datetime) -> Out:
    if cmd.on < at.date() or (case.decision_due is not None and cmd.on > case.decision_due):
        raise refuse(case, cmd, Refusal.INTERVIEW_DATE, due=case.decision_due)
    new = replace(case, state=S.INTERVIEW_SCHEDULED, interview_on=cmd.on)
    return new, (emit(new, "application.interview_scheduled", actor, at, on=str(cmd.on)),)


def _interview(case: ApplicationCase, cmd: RecordInterview, actor: Actor, at: dt.datetime) -> Out:
    if not cmd.held:
        new = replace(case, state=S.ACCEPTED, interview_on=None)
        return new, (emit(new, "application.interview_cancelled", actor, at),)
    if case.interview_on is None or at.date() < case.interview_on:
        raise refuse(case, cmd, Refusal.INTERVIEW_IS_ON, NotDueError, on=case.interview_on)
    new = replace(case, state=S.INTERVIEWED, interviewed=True)
    return new, (emit(new, "application.interview_held", actor, at),)


def _decide(case: ApplicationCase, cmd: Decide, actor: Actor, at: dt.datetime) -> Out:
    if not cmd.reasons:
        raise refuse(case, cmd, Refusal.DECISION_WITHOUT_REASONS)
    late = case.decision_due is not None and is_overdue(at.date(), case.decision_due)
    new = replace(
        case, state=S.DECIDED, outcome=cmd.outcome, reasons=cmd.reasons, decided_on=at.date(),
        deciders=(*case.deciders, actor.account), due=_after(case, at, case.policy.notice_days),
    )  # fmt: skip
    info: dict[str, EventValue] = {"outcome": str(cmd.outcome), "rules": rule_ids(cmd.reasons)}
    info["citations"] = citations(cmd.reasons)
    return new, (emit(new, "application.decided", actor, at, late=late, **info),)


def _notify(case: ApplicationCase, cmd: SendNotice, actor: Actor, at: dt.datetime) -> Out:
    new = replace(case, state=S.NOTIFIED, notified_on=at.date(), due=_after(case, at, case.policy.publication_days))
    return new, (emit(new, "application.notified", actor, at, outcome=str(case.outcome)),)


def _publish(case: ApplicationCase, cmd: Publish, actor: Actor, at: dt.datetime) -> Out:
    problem = check_reference(cmd.reference, case)
    if problem:
        raise refuse(case, cmd, problem)
    new = replace(case, state=S.PUBLISHED, publication=cmd.reference, due=None)
    return new, (emit(new, "application.published", actor, at, reference=cmd.reference),)


def _withdraw(case: ApplicationCase, cmd: Withdraw, actor: Actor, at: dt.datetime) -> Out:
    return withdrawn(case, cmd, actor, at, account=case.applicant, who="applicant", state=S.WITHDRAWN)


DECIDED = frozenset({S.DECIDED, S.NOTIFIED, S.PUBLISHED})
ACCEPTED = frozenset({S.ACCEPTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED}) | DECIDED
TERMINAL = frozenset({S.PUBLISHED, S.WITHDRAWN, S.LAPSED})


def _check(case: ApplicationCase) -> list[str]:
    s, problems = case.state, []
    if s not in TERMINAL and case.due is None:
        problems.append("an open application has a deadline")
    if s in ACCEPTED and case.decision_due is None:
        problems.append("an accepted application has a decision deadline")
    if (s in DECIDED) != (case.outcome is not None) or (s in DECIDED and not (case.reasons and case.deciders)):
        problems.append("an outcome, with reasons and deciders, exactly once decided")
    if (s is S.INTERVIEW_SCHEDULED and case.interview_on is None) or (s is S.INTERVIEWED and not case.interviewed):
        problems.append("interview state without its date or record")
    if (s in {S.NOTIFIED, S.PUBLISHED}) != (case.notified_on is not None):
        problems.append("notified_on set exactly once notified")
    if (s is S.PUBLISHED) != (case.publication is not None):
        problems.append("a publication reference exactly once published")
    if (s is S.MATERIALS_REQUESTED and not case.requested) or (s in ACCEPTED and case.requested):
        problems.append("requested items while materials are requested, none once accepted")
    return problems


CLERK, APPROVER, SYSTEM = (Role.CLERK,), (Role.APPROVER,), (Role.CLERK, Role.SYSTEM)
_TABLE: Table = {
    (S.FILED, ReviewMaterials): (CLERK, _review),
    (S.MATERIALS_REQUESTED, SupplyMaterials): (APPLICANTS, _supply),
    (S.MATERIALS_REQUESTED, Lapse): (SYSTEM, _lapse),
    (S.ACCEPTED, ScheduleInterview): (CLERK, _schedule),
    (S.INTERVIEW_SCHEDULED, RecordInterview): (CLERK, _interview),
    (S.ACCEPTED, Decide): (APPROVER, _decide),
    (S.INTERVIEWED, Decide): (APPROVER, _decide),
    (S.DECIDED, SendNotice): (CLERK, _notify),
    (S.NOTIFIED, Publish): (CLERK, _publish),
}
_TABLE |= {(s, Withdraw): (APPLICANTS, _withdraw) for s in S if s not in DECIDED | TERMINAL}

ApplicationCase.MACHINE = Machine(
    procedure=PROCEDURE,
    steps=steps(_TABLE),
    terminal=TERMINAL,
    authority=frozenset(S) - TERMINAL - {S.MATERIALS_REQUESTED},
    escalable=frozenset(S) - TERMINAL - {S.MATERIALS_REQUESTED},
    check=_check,
)
