"""Automatic sealing: each engine decision, the clerk's review, orders from other procedures, closing."""

from __future__ import annotations

import datetime as dt

import pytest
from proc_helpers import APPROVER, CLERK, D0, REASONS, REVIEWERS, SYSTEM, T0, at, decision, record

from sealkeeper.model.decision import Status
from sealkeeper.procedures.base import Escalate, check, transition
from sealkeeper.procedures.errors import InvalidCommandError, NotDueError, NothingToDoError, TerminalStateError
from sealkeeper.procedures.sealing import (
    REGRESSION_QUESTION,
    ApplyDecision,
    ClerkDecision,
    Close,
    RecordCase,
    Seal,
    SealDue,
    SealingState,
    Trigger,
    Unseal,
)

D = dt.date.fromisoformat


def applied(status: Status, day: str | None = None, case: RecordCase | None = None, h: str = "h1") -> RecordCase:
    new, events = transition(case or record(), ApplyDecision(decision(status, day, h)), SYSTEM, T0)
    assert len(events) == 1
    assert check(new) == []
    return new


def test_sealed_seals_at_once_from_the_decision_date() -> None:
    new, (event,) = transition(record(), ApplyDecision(decision(Status.SEALED, "2026-01-05")), SYSTEM, T0)
    assert new.state is SealingState.SEALED
    assert new.sealed_since == D("2026-01-05")
    assert event.kind == "sealing.sealed"
    assert event.as_dict()["rules"] == ["cn.rule"]
    assert event.as_dict()["pack"] == "CN@2026.1"
    assert new.version == 2


def test_eligible_on_schedules_and_the_daily_run_seals_on_the_day() -> None:
    case = applied(Status.ELIGIBLE_ON, "2026-03-10")
    assert (case.state, case.eligible_on) == (SealingState.SCHEDULED, D("2026-03-10"))
    with pytest.raises(NotDueError, match="not due before 2026-03-10"):
        transition(case, SealDue(), SYSTEM, at("2026-03-09", 23))
    new, (event,) = transition(case, SealDue(), SYSTEM, at("2026-03-10", 0))
    assert new.state is SealingState.SEALED
    assert new.sealed_since == D("2026-03-10")
    assert event.as_dict()["trigger"] == "daily_run"


def test_a_late_run_seals_with_the_legal_date() -> None:
    case = applied(Status.ELIGIBLE_ON, "2026-03-10")
    new, _ = transition(case, SealDue(), SYSTEM, at("2026-03-15"))
    assert new.sealed_since == D("2026-03-10")


def test_needs_review_is_a_question_for_a_clerk_never_a_seal() -> None:
    case = applied(Status.NEEDS_REVIEW)
    assert case.state is SealingState.REVIEW
    assert case.questions == ("cn.question.age",)
    assert case.due == D0 + dt.timedelta(days=10)
    assert not case.is_sealed
    with pytest.raises(InvalidCommandError, match="reasons"):
        transition(case, ClerkDecision(True, ()), CLERK, T0)
    sealed, (event,) = transition(case, ClerkDecision(True, REASONS), CLERK, T0)
    assert sealed.state is SealingState.SEALED
    assert event.as_dict()["trigger"] == "clerk_review"
    refused, (event,) = transition(case, ClerkDecision(False, REASONS), CLERK, T0)
    assert refused.state is SealingState.NOT_SEALED
    assert event.kind == "sealing.not_sealed"
    assert CLERK.account in refused.deciders


def test_not_sealed_is_recorded() -> None:
    case = applied(Status.NOT_SEALED)
    assert case.state is SealingState.NOT_SEALED


def test_the_same_decision_twice_is_nothing_to_do() -> None:
    case = applied(Status.SEALED, "2026-01-05")
    with pytest.raises(NothingToDoError):
        transition(case, ApplyDecision(decision(Status.SEALED, "2026-01-05")), SYSTEM, T0)
    again, (event,) = transition(case, ApplyDecision(decision(Status.SEALED, "2026-01-05", "h2")), SYSTEM, T0)
    assert event.kind == "sealing.decision_recorded"
    assert again.sealed_since == D("2026-01-05")


def test_a_decision_about_another_record_is_refused() -> None:
    with pytest.raises(InvalidCommandError, match="another record"):
        transition(record(), ApplyDecision(decision(Status.SEALED, "2026-01-05", record="R-2")), SYSTEM, T0)


@pytest.mark.parametrize("trigger", [Trigger.NEW_OFFENCE, Trigger.RETRIAL, Trigger.DISCOVERED_OFFENCE])
def test_unsealing_on_a_new_offence_or_retrial_with_its_reason(trigger: Trigger) -> None:
    case = applied(Status.SEALED, "2026-01-05")
    new, (event,) = transition(case, ApplyDecision(decision(Status.UNSEALED, "2026-03-01", "h2"), trigger), SYSTEM, T0)
    assert new.state is SealingState.UNSEALED
    assert new.unsealed_on == D("2026-03-01")
    assert not new.is_sealed
    assert event.kind == "sealing.unsealed"
    assert event.as_dict()["trigger"] == str(trigger)
    assert event.as_dict()["rules"] == ["cn.rule"]
    assert event.as_dict()["was_sealed"] is True
    assert SYSTEM.account in new.deciders


@pytest.mark.parametrize(("status", "day"), [(Status.NOT_SEALED, None), (Status.ELIGIBLE_ON, "2027-01-01")])
def test_a_seal_is_never_lifted_without_an_unsealing_rule(status: Status, day: str | None) -> None:
    case = applied(Status.SEALED, "2026-01-05")
    new = applied(status, day, case, "h2")
    assert new.state is SealingState.REVIEW
    assert new.questions == (REGRESSION_QUESTION,)
    assert new.is_sealed  # the seal stays in force during the review


def test_orders_from_other_procedures() -> None:
    case = applied(Status.NOT_SEALED)
    sealed, (event,) = transition(case, Seal(Trigger.APPLICATION, "AP-1", REASONS), APPROVER, T0)
    assert sealed.state is SealingState.SEALED
    assert sealed.sealed_since == D0
    assert event.as_dict()["source_case"] == "AP-1"
    assert event.as_dict()["citations"] == ["刑事诉讼法第286条"]
    unsealed, (event,) = transition(sealed, Unseal(Trigger.JUDICIAL_REQUEST, "UN-1", REASONS), APPROVER, T0)
    assert unsealed.state is SealingState.UNSEALED
    assert event.kind == "sealing.unsealed"
    resealed, _ = transition(unsealed, Seal(Trigger.OBJECTION, "OB-1", REASONS), REVIEWERS[0], T0)
    assert resealed.state is SealingState.SEALED


def test_orders_that_change_nothing_or_lack_reasons_are_refused() -> None:
    case = applied(Status.NEEDS_REVIEW)
    with pytest.raises(NothingToDoError, match="not sealed"):
        transition(case, Unseal(Trigger.JUDICIAL_REQUEST, "UN-1", REASONS), APPROVER, T0)
    with pytest.raises(InvalidCommandError, match="reasons"):
        transition(case, Seal(Trigger.APPLICATION, "AP-1", ()), APPROVER, T0)
    sealed = applied(Status.SEALED, "2026-01-05", case, "h2")
    review = applied(Status.NEEDS_REVIEW, None, sealed, "h3")
    with pytest.raises(NothingToDoError, match="already"):
        transition(review, Seal(Trigger.APPLICATION, "AP-1", REASONS), APPROVER, T0)


def test_close_is_terminal() -> None:
    case = applied(Status.SEALED, "2026-01-05")
    closed, (event,) = transition(case, Close("DE-1"), SYSTEM, T0)
    assert closed.is_closed
    assert event.kind == "sealing.closed"
    with pytest.raises(TerminalStateError):
        transition(closed, ApplyDecision(decision(Status.SEALED, "2026-01-05", "h2")), SYSTEM, T0)


def test_an_overdue_review_escalates_once() -> None:
    case = applied(Status.NEEDS_REVIEW)
    assert case.due is not None
    with pytest.raises(NotDueError):
        transition(case, Escalate(), SYSTEM, at(case.due))
    new, (event,) = transition(case, Escalate(), SYSTEM, at(case.due + dt.timedelta(days=1)))
    assert (new.escalations, event.kind, event.as_dict()["days_late"]) == (1, "sealing.escalated", 1)
    with pytest.raises(NotDueError, match="already"):
        transition(new, Escalate(), SYSTEM, at(case.due + dt.timedelta(days=2)))
