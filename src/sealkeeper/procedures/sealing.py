"""Automatic (ex officio) sealing of one record, driven by the engine's decisions.

``sealed`` seals at once; ``eligible_on D`` schedules the record and the daily run seals it on D (or on the
first run after D, with D as the legal date); ``needs_review`` puts the engine's question to a clerk and
never seals or refuses by itself; ``not_sealed`` records the decision; ``unsealed`` lifts the seal with the
engine's rules as the reason and the trigger (new offence, discovered offence, retrial). A decision that would
take protection away without an unsealing rule (a sealed record now ``not_sealed`` or ``eligible_on``) is a
question for a clerk too: a seal is lifted only by an unsealing rule or a person's decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from sealkeeper.model.decision import Decision, Status
from sealkeeper.procedures.base import (
    Actor,
    Case,
    Event,
    EventValue,
    Machine,
    Reason,
    Role,
    Table,
    citations,
    emit,
    refuse,
    require_aware,
    rule_ids,
    steps,
)
from sealkeeper.procedures.errors import NotDueError, NothingToDoError, Refusal

PROCEDURE = "sealing"
#: The question put to a clerk when a decision would take a seal away without an unsealing rule.
REGRESSION_QUESTION = "procedures.sealing.protection_would_end"
REVIEW_DAYS = 10


class SealingState(StrEnum):
    PENDING = "pending"  # tracked, no decision applied yet
    NOT_SEALED = "not_sealed"
    SCHEDULED = "scheduled"
    SEALED = "sealed"
    REVIEW = "review"  # a question for a clerk; a seal in force stays in force meanwhile
    UNSEALED = "unsealed"
    CLOSED = "closed"  # the record was erased (deletion procedure)


class Trigger(StrEnum):
    EVALUATION = "evaluation"  # import or re-evaluation after facts changed
    DAILY_RUN = "daily_run"
    NEW_OFFENCE = "new_offence"
    DISCOVERED_OFFENCE = "discovered_offence"  # 漏罪
    RETRIAL = "retrial"  # 审判监督程序
    CORRECTION = "correction"
    CLERK_REVIEW = "clerk_review"
    APPLICATION = "application"
    OBJECTION = "objection"
    JUDICIAL_REQUEST = "judicial_request"
    DELETION = "deletion"


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordCase(Case):
    PROCEDURE = PROCEDURE
    state: SealingState = SealingState.PENDING
    record_id: str
    input_hash: str | None = None
    status: Status | None = None
    decision_date: dt.date | None = None
    rules: tuple[str, ...] = ()
    pack: str | None = None
    questions: tuple[str, ...] = ()
    eligible_on: dt.date | None = None
    sealed_since: dt.date | None = None
    unsealed_on: dt.date | None = None
    review_days: int = REVIEW_DAYS

    @property
    def is_sealed(self) -> bool:
        return self.sealed_since is not None


@dataclass(frozen=True, slots=True)
class ApplyDecision:
    decision: Decision
    trigger: Trigger = Trigger.EVALUATION


@dataclass(frozen=True, slots=True)
class SealDue:
    """The daily run seals a scheduled record whose date has come."""


@dataclass(frozen=True, slots=True)
class ClerkDecision:
    seal: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Seal:
    """Seal ordered by another procedure (application granted, unsealing reversed on objection)."""

    trigger: Trigger
    source_case: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Unseal:
    """Unseal ordered by another procedure (judicial request granted, refusal upheld…)."""

    trigger: Trigger
    source_case: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Close:
    """The record was erased (deletion granted and carried out)."""

    source_case: str


Out = tuple[RecordCase, tuple[Event, ...]]


def track(case_id: str, subject: str, record_id: str, at: dt.datetime, review_days: int = REVIEW_DAYS) -> RecordCase:
    """A record the automatic procedure watches, before its first decision (no event: the first decision logs)."""
    today = require_aware(at)
    return RecordCase(case_id=case_id, subject=subject, record_id=record_id, opened_on=today, review_days=review_days)


def _same(case: RecordCase, decision: Decision) -> bool:
    return (case.input_hash, case.status, case.decision_date) == (decision.input_hash, decision.status, decision.date)


def _review(case: RecordCase, questions: tuple[str, ...], at: dt.datetime) -> RecordCase:
    due = case.calendar.add(at.date(), case.review_days)
    return replace(case, state=SealingState.REVIEW, questions=questions, due=due, eligible_on=None)


def _apply(case: RecordCase, cmd: ApplyDecision, actor: Actor, at: dt.datetime) -> Out:
    d = cmd.decision
    if d.record_id is not None and d.record_id != case.record_id:
        raise refuse(case, cmd, Refusal.OTHER_RECORD)
    if _same(case, d):
        raise refuse(case, cmd, Refusal.ALREADY_APPLIED, NothingToDoError)
    pack = f"{d.pack.id}@{d.pack.version}"
    base = replace(case, input_hash=d.input_hash, status=d.status, decision_date=d.date, rules=d.rules, pack=pack)
    base = replace(base, questions=(), due=None)
    info: dict[str, EventValue] = {"record": case.record_id, "decision": str(d.status), "rules": d.rules}
    info |= {"pack": pack, "trigger": str(cmd.trigger)}
    if d.status is Status.NEEDS_REVIEW:
        new = _review(base, d.questions or d.rules, at)
        return new, (emit(new, "sealing.review_requested", actor, at, questions=new.questions, **info),)
    if d.status is Status.UNSEALED:
        new = replace(base, state=SealingState.UNSEALED, sealed_since=None, unsealed_on=d.date, eligible_on=None)
        new = replace(new, deciders=(*case.deciders, actor.account))
        return new, (emit(new, "sealing.unsealed", actor, at, was_sealed=case.is_sealed, **info),)
    if d.status is Status.SEALED:
        since = case.sealed_since or d.date
        new = replace(base, state=SealingState.SEALED, sealed_since=since, eligible_on=None, unsealed_on=None)
        kind = "sealing.decision_recorded" if case.is_sealed else "sealing.sealed"
        return new, (emit(new, kind, actor, at, effective=str(since), **info),)
    if case.is_sealed:
        new = _review(base, (REGRESSION_QUESTION,), at)
        return new, (emit(new, "sealing.review_requested", actor, at, questions=new.questions, **info),)
    if d.status is Status.ELIGIBLE_ON:
        new = replace(base, state=SealingState.SCHEDULED, eligible_on=d.date)
        return new, (emit(new, "sealing.scheduled", actor, at, eligible_on=str(d.date), **info),)
    new = replace(base, state=SealingState.NOT_SEALED, eligible_on=None)
    return new, (emit(new, "sealing.not_sealed", actor, at, **info),)


def _seal_due(case: RecordCase, cmd: SealDue, actor: Actor, at: dt.datetime) -> Out:
    if case.eligible_on is None or at.date() < case.eligible_on:
        raise refuse(case, cmd, Refusal.NOT_DUE_BEFORE, NotDueError, day=case.eligible_on)
    new = replace(case, state=SealingState.SEALED, sealed_since=case.eligible_on, eligible_on=None)
    info: dict[str, EventValue] = {"record": case.record_id, "rules": case.rules, "pack": case.pack}
    info["trigger"] = str(Trigger.DAILY_RUN)
    return new, (emit(new, "sealing.sealed", actor, at, effective=str(case.eligible_on), **info),)


def _order(case: RecordCase, actor: Actor, at: dt.datetime, seal: bool, why: Seal | Unseal | ClerkDecision) -> Out:
    """Seal or unseal by a person's decision (a clerk's review, or another procedure's outcome)."""
    if not why.reasons:
        raise refuse(case, why, Refusal.ORDER_WITHOUT_REASONS)
    if isinstance(why, Seal | Unseal) and seal == case.is_sealed:
        raise refuse(case, why, Refusal.ALREADY_SEALED if seal else Refusal.NOT_SEALED, NothingToDoError)
    trigger, source = (why.trigger, why.source_case) if isinstance(why, Seal | Unseal) else (Trigger.CLERK_REVIEW, None)
    was = case.is_sealed
    if seal:
        state, since, lifted, kind = SealingState.SEALED, case.sealed_since or at.date(), None, "sealing.sealed"
    elif was:
        state, since, lifted, kind = SealingState.UNSEALED, None, at.date(), "sealing.unsealed"
    else:
        state, since, lifted, kind = SealingState.NOT_SEALED, None, None, "sealing.not_sealed"
    new = replace(case, state=state, sealed_since=since, unsealed_on=lifted, eligible_on=None, questions=(), due=None)
    new = replace(new, deciders=(*case.deciders, actor.account))
    info = {"record": case.record_id, "trigger": str(trigger), "source_case": source}
    return new, (emit(new, kind, actor, at, rules=rule_ids(why.reasons), citations=citations(why.reasons), **info),)


def _clerk(case: RecordCase, cmd: ClerkDecision, actor: Actor, at: dt.datetime) -> Out:
    return _order(case, actor, at, cmd.seal, cmd)


def _seal(case: RecordCase, cmd: Seal, actor: Actor, at: dt.datetime) -> Out:
    return _order(case, actor, at, True, cmd)


def _unseal(case: RecordCase, cmd: Unseal, actor: Actor, at: dt.datetime) -> Out:
    return _order(case, actor, at, False, cmd)


def _close(case: RecordCase, cmd: Close, actor: Actor, at: dt.datetime) -> Out:
    new = replace(case, state=SealingState.CLOSED, due=None, questions=(), eligible_on=None)
    return new, (emit(new, "sealing.closed", actor, at, record=case.record_id, source_case=cmd.source_case),)


_UNPROTECTED = frozenset({SealingState.PENDING, SealingState.NOT_SEALED, SealingState.SCHEDULED, SealingState.UNSEALED})


def _check(case: RecordCase) -> list[str]:
    s, problems = case.state, []
    if (s is SealingState.SEALED and not case.is_sealed) or (s in _UNPROTECTED and case.is_sealed):
        problems.append("sealed exactly in state sealed (and possibly under review)")
    if (s is SealingState.SCHEDULED) != (case.eligible_on is not None):
        problems.append("eligible_on set exactly when scheduled")
    if (s is SealingState.REVIEW) != bool(case.questions) or (s is SealingState.REVIEW) != (case.due is not None):
        problems.append("a review has questions and a deadline; nothing else has")
    return problems


OPEN = [s for s in SealingState if s is not SealingState.CLOSED]
DECIDING = (Role.SYSTEM, Role.CLERK)
ORDERING = (Role.APPROVER, Role.REVIEWER, Role.SYSTEM)
_TABLE: Table = {(s, ApplyDecision): (DECIDING, _apply) for s in OPEN}
_TABLE |= {(s, Close): ((Role.SYSTEM, Role.APPROVER), _close) for s in OPEN}
_TABLE |= {(s, Seal): (ORDERING, _seal) for s in OPEN if s is not SealingState.SEALED}
_TABLE |= {(s, Unseal): (ORDERING, _unseal) for s in (SealingState.SEALED, SealingState.REVIEW)}
_TABLE[SealingState.SCHEDULED, SealDue] = ((Role.SYSTEM,), _seal_due)
_TABLE[SealingState.REVIEW, ClerkDecision] = ((Role.CLERK, Role.APPROVER), _clerk)

RecordCase.MACHINE = Machine(
    procedure=PROCEDURE,
    steps=steps(_TABLE),
    terminal=frozenset({SealingState.CLOSED}),
    authority=frozenset({SealingState.REVIEW}),
    escalable=frozenset({SealingState.REVIEW}),
    check=_check,
)
