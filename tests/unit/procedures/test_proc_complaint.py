"""Complaints: to the supervising body with a deadline, then to the higher authority when refused or late."""

from __future__ import annotations

import datetime as dt

import pytest
from proc_helpers import CLERK, D0, HIGHER, PERSON, REASONS, STRANGER, SUPERVISOR, SYSTEM, T0, at, complaint_case

from sealkeeper.procedures.base import Actor, Escalate, Role, Withdraw, check, transition
from sealkeeper.procedures.complaint import (
    Answer,
    Close,
    ComplaintCase,
    ComplaintState,
    Finding,
    Ground,
    Reconsider,
    Refer,
    file_complaint,
)
from sealkeeper.procedures.errors import ActorRefusedError, InvalidCommandError, NotDueError, OpeningRefusedError

S = ComplaintState
DUE = D0 + dt.timedelta(days=30)


def rejected() -> ComplaintCase:
    case, _ = transition(complaint_case(), Answer(Finding.REJECTED, REASONS), SUPERVISOR, at("2026-03-10"))
    return case


@pytest.mark.parametrize("ground", list(Ground))
def test_filed_with_the_supervisor_and_a_deadline(ground: Ground) -> None:
    case, (event,) = file_complaint("CP-2", "tok", PERSON, T0, ground=ground, concerning="AP-1")
    assert (case.state, case.due, event.as_dict()["ground"]) == (S.FILED, DUE, str(ground))
    with pytest.raises(OpeningRefusedError):
        file_complaint("CP-2", "tok", CLERK, T0, ground=ground, concerning="AP-1")


def test_upheld_resolves_it() -> None:
    case, (event,) = transition(complaint_case(), Answer(Finding.UPHELD, REASONS), SUPERVISOR, T0)
    assert (case.state, event.kind, event.as_dict()["late"]) == (S.RESOLVED, "complaint.answered", False)
    assert case.is_closed


def test_an_answer_states_reasons() -> None:
    with pytest.raises(InvalidCommandError):
        transition(complaint_case(), Answer(Finding.UPHELD, ()), SUPERVISOR, T0)


def test_rejected_then_referred_by_the_complainant_within_the_window() -> None:
    case = rejected()
    assert case.due == dt.date(2026, 3, 10) + dt.timedelta(days=60)
    with pytest.raises(ActorRefusedError):
        transition(case, Refer(), SYSTEM, T0)
    with pytest.raises(ActorRefusedError):
        transition(case, Refer(), STRANGER, T0)
    with pytest.raises(NotDueError, match="window"):
        transition(case, Refer(), PERSON, at(case.due + dt.timedelta(days=1)))
    referred, (event,) = transition(case, Refer(), PERSON, at(case.due))
    assert (referred.state, event.as_dict()["because"]) == (S.REFERRED, "rejected")
    assert check(referred) == []


@pytest.mark.parametrize(("day", "allowed"), [(DUE, False), (DUE + dt.timedelta(days=1), True)])
def test_an_unanswered_complaint_is_referred_the_day_after_its_deadline(day: dt.date, allowed: bool) -> None:
    for actor in (PERSON, SYSTEM):
        if allowed:
            case, (event,) = transition(complaint_case(), Refer(), actor, at(day))
            assert (case.state, event.as_dict()["because"]) == (S.REFERRED, "overdue")
        else:
            with pytest.raises(NotDueError, match="until"):
                transition(complaint_case(), Refer(), actor, at(day))


def test_the_higher_authority_decides_and_is_not_the_supervisor() -> None:
    case, _ = transition(rejected(), Refer(), PERSON, T0)
    with pytest.raises(ActorRefusedError, match="answered this complaint"):
        transition(case, Reconsider(Finding.UPHELD, REASONS), Actor(SUPERVISOR.account, Role.HIGHER_AUTHORITY), T0)
    with pytest.raises(InvalidCommandError):
        transition(case, Reconsider(Finding.UPHELD, ()), HIGHER, T0)
    done, (event,) = transition(case, Reconsider(Finding.UPHELD, REASONS), HIGHER, T0)
    assert (done.state, done.final, event.kind) == (S.CLOSED, Finding.UPHELD, "complaint.reconsidered")
    assert check(done) == []


def test_an_overdue_reconsideration_is_escalated() -> None:
    case, _ = transition(rejected(), Refer(), PERSON, T0)
    assert case.due is not None
    new, (event,) = transition(case, Escalate(), SYSTEM, at(case.due + dt.timedelta(days=1)))
    assert (event.kind, new.escalations) == ("complaint.escalated", 1)


def test_closing_a_rejection() -> None:
    case = rejected()
    closed, (event,) = transition(case, Close(), PERSON, T0)
    assert (closed.state, closed.final, event.kind) == (S.CLOSED, Finding.REJECTED, "complaint.closed")
    assert case.due is not None
    with pytest.raises(NotDueError):
        transition(case, Close(), SYSTEM, at(case.due))
    assert transition(case, Close(), SYSTEM, at(case.due + dt.timedelta(days=1)))[0].state is S.CLOSED


def test_withdrawn_by_the_complainant() -> None:
    with pytest.raises(ActorRefusedError):
        transition(complaint_case(), Withdraw(), STRANGER, T0)
    assert transition(complaint_case(), Withdraw(), PERSON, T0)[0].state is S.WITHDRAWN
