"""An objection (异议) against a refusal to seal or against an unsealing, re-examined by a review panel (复查).

filed → panel appointed → every member votes (upheld: the first decision stands; reversed) → decided by
majority, with the majority's reasons → notice → final. The accounts that took the contested decision are
recorded when the objection is filed (``Contest.deciders``) and none of them may sit on the panel or vote: an
appointment naming one is refused, and so is a vote by one. A panel has an odd number of members, at least
``min_panel``. The review deadline (``review_days``) runs from filing; an optional filing window
(``filing_window_days`` after the contested decision's notice) is off by default.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum

from sealkeeper.procedures.application import ApplicationCase, Outcome
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
from sealkeeper.procedures.errors import ActorRefusedError, OpeningRefusedError, PanelConflictError, Refusal
from sealkeeper.procedures.sealing import RecordCase, SealingState

PROCEDURE = "objection"


class ObjectionState(StrEnum):
    FILED = "filed"
    PANEL_APPOINTED = "panel_appointed"
    DECIDED = "decided"
    FINAL = "final"
    WITHDRAWN = "withdrawn"


class Contested(StrEnum):
    REFUSAL = "refusal"
    UNSEALING = "unsealing"


class Finding(StrEnum):
    UPHELD = "upheld"  # the contested decision stands
    REVERSED = "reversed"  # seal granted / unsealing revoked


@dataclass(frozen=True, slots=True)
class ObjectionPolicy:
    review_days: int = 30
    notice_days: int = 5
    min_panel: int = 3
    filing_window_days: int | None = None


@dataclass(frozen=True, slots=True)
class Contest:
    """The decision objected to: its kind, its case, the accounts that took it, the day it was notified."""

    kind: Contested
    case_id: str
    deciders: tuple[str, ...]
    notified_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Ballot:
    account: str
    finding: Finding
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectionCase(Case):
    PROCEDURE = PROCEDURE
    state: ObjectionState = ObjectionState.FILED
    objector: str
    contest: Contest
    policy: ObjectionPolicy = ObjectionPolicy()
    review_due: dt.date
    panel: tuple[str, ...] = ()
    ballots: tuple[Ballot, ...] = ()
    finding: Finding | None = None
    reasons: tuple[Reason, ...] = ()
    decided_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class AppointPanel:
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Vote:
    finding: Finding
    reasons: tuple[Reason, ...]


Out = tuple[ObjectionCase, tuple[Event, ...]]
S = ObjectionState


def contest_refusal(application: ApplicationCase) -> Contest:
    if application.outcome is not Outcome.REFUSE or application.notified_on is None:
        raise OpeningRefusedError(PROCEDURE, application.case_id, Refusal.ONLY_NOTIFIED_REFUSAL)
    return Contest(Contested.REFUSAL, application.case_id, application.deciders, application.notified_on)


def contest_unsealing(record: RecordCase) -> Contest:
    if record.state is not SealingState.UNSEALED or not record.deciders:
        raise OpeningRefusedError(PROCEDURE, record.case_id, Refusal.ONLY_UNSEALING)
    return Contest(Contested.UNSEALING, record.case_id, record.deciders, record.unsealed_on)


def file_objection(
    case_id: str,
    subject: str,
    objector: Actor,
    at: dt.datetime,
    *,
    contest: Contest,
    policy: ObjectionPolicy | None = None,
    calendar: Calendar = CALENDAR_DAYS,
) -> Out:
    today = require_aware(at)
    rules = policy or ObjectionPolicy()
    if objector.role not in APPLICANTS:
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.ROLE_CANNOT_OBJECT, role=objector.role)
    if not contest.deciders:
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.DECIDERS_UNKNOWN)
    window, notified = rules.filing_window_days, contest.notified_on
    if window is not None and notified is not None and today > calendar.add(notified, window):
        raise OpeningRefusedError(PROCEDURE, case_id, Refusal.OBJECTION_WINDOW_PASSED, days=window)
    due = calendar.add(today, rules.review_days)
    case = ObjectionCase(
        case_id=case_id, subject=subject, opened_on=today, calendar=calendar, objector=objector.account,
        contest=contest, policy=rules, review_due=due, due=due,
    )  # fmt: skip
    info: dict[str, EventValue] = {
        "contested": str(contest.kind),
        "contested_case": contest.case_id,
        "first_deciders": contest.deciders,
    }
    return case, (emit(case, "objection.filed", objector, at, due=str(due), **info),)


def _appoint(case: ObjectionCase, cmd: AppointPanel, actor: Actor, at: dt.datetime) -> Out:
    members = cmd.members
    conflict = [m for m in members if m in case.contest.deciders]
    if conflict:
        raise refuse(case, cmd, Refusal.PANEL_MEMBER_DECIDED, PanelConflictError, account=conflict[0])
    if len(set(members)) != len(members) or len(members) < case.policy.min_panel or len(members) % 2 == 0:
        raise refuse(case, cmd, Refusal.PANEL_SIZE, least=case.policy.min_panel)
    new = replace(case, state=S.PANEL_APPOINTED, panel=members)
    return new, (emit(new, "objection.panel_appointed", actor, at, panel=members),)


def _vote(case: ObjectionCase, cmd: Vote, actor: Actor, at: dt.datetime) -> Out:
    if actor.account in case.contest.deciders:
        raise refuse(case, cmd, Refusal.VOTER_DECIDED, PanelConflictError, account=actor.account)
    if actor.account not in case.panel:
        raise refuse(case, cmd, Refusal.NOT_ON_PANEL, ActorRefusedError, account=actor.account)
    if any(b.account == actor.account for b in case.ballots):
        raise refuse(case, cmd, Refusal.ALREADY_VOTED, account=actor.account)
    if not cmd.reasons:
        raise refuse(case, cmd, Refusal.VOTE_WITHOUT_REASONS)
    new = replace(case, ballots=(*case.ballots, Ballot(actor.account, cmd.finding, cmd.reasons)))
    if len(new.ballots) < len(case.panel):
        return new, (emit(new, "objection.vote_cast", actor, at, votes=len(new.ballots), of=len(case.panel)),)
    finding = majority(new.ballots)
    reasons = tuple(dict.fromkeys(r for b in new.ballots if b.finding is finding for r in b.reasons))
    new = replace(
        new, state=S.DECIDED, finding=finding, reasons=reasons, decided_on=at.date(),
        deciders=(*case.deciders, *case.panel), due=case.calendar.add(at.date(), case.policy.notice_days),
    )  # fmt: skip
    votes = Counter(b.finding for b in new.ballots)
    info: dict[str, EventValue] = {"finding": str(finding), "rules": rule_ids(reasons), "citations": citations(reasons)}
    return new, (
        emit(new, "objection.vote_cast", actor, at, votes=len(new.ballots), of=len(case.panel)),
        emit(new, "objection.decided", actor, at, panel=case.panel, majority=votes[finding], **info),
    )


def majority(ballots: tuple[Ballot, ...]) -> Finding:
    """The finding most members voted for (an odd panel has no tie; a tie would leave the decision standing)."""
    votes = Counter(b.finding for b in ballots)
    return Finding.REVERSED if votes[Finding.REVERSED] > votes[Finding.UPHELD] else Finding.UPHELD


def _notify(case: ObjectionCase, cmd: SendNotice, actor: Actor, at: dt.datetime) -> Out:
    new = replace(case, state=S.FINAL, due=None)
    return new, (emit(new, "objection.notified", actor, at, finding=str(case.finding)),)


def _withdraw(case: ObjectionCase, cmd: Withdraw, actor: Actor, at: dt.datetime) -> Out:
    return withdrawn(case, cmd, actor, at, account=case.objector, who="objector", state=S.WITHDRAWN)


def _check(case: ObjectionCase) -> list[str]:
    s, problems = case.state, []
    voters = [b.account for b in case.ballots]
    if set(case.panel) & set(case.contest.deciders) or set(voters) & set(case.contest.deciders):
        problems.append("a first decider sits on the panel or voted")
    if len(set(voters)) != len(voters) or not set(voters) <= set(case.panel):
        problems.append("ballots come once from each panel member")
    if (s is S.FILED and case.panel) or (s is S.PANEL_APPOINTED and not case.panel):
        problems.append("a panel exactly once appointed")
    decided = s in {S.DECIDED, S.FINAL}
    if decided != (case.finding is not None) or (decided and len(voters) != len(case.panel)):
        problems.append("a finding exactly once every member voted")
    if decided and (case.finding is not majority(case.ballots) or not case.reasons):
        problems.append("the finding is the majority's, with reasons")
    if s not in {S.FINAL, S.WITHDRAWN} and case.due is None:
        problems.append("an open objection has a deadline")
    return problems


_TABLE: Table = {
    (S.FILED, AppointPanel): ((Role.APPROVER,), _appoint),
    (S.PANEL_APPOINTED, Vote): ((Role.REVIEWER,), _vote),
    (S.DECIDED, SendNotice): ((Role.CLERK,), _notify),
    (S.FILED, Withdraw): (APPLICANTS, _withdraw),
    (S.PANEL_APPOINTED, Withdraw): (APPLICANTS, _withdraw),
}
ObjectionCase.MACHINE = Machine(
    procedure=PROCEDURE,
    steps=steps(_TABLE),
    terminal=frozenset({S.FINAL, S.WITHDRAWN}),
    authority=frozenset({S.FILED, S.PANEL_APPOINTED, S.DECIDED}),
    escalable=frozenset({S.FILED, S.PANEL_APPOINTED, S.DECIDED}),
    check=_check,
)
