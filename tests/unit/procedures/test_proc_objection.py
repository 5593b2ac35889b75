"""Objections: a review panel of people who did not take the contested decision decides by majority."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from proc_helpers import (
    APPROVER,
    APPROVER2,
    CLERK,
    D0,
    PANEL,
    PERSON,
    REASONS,
    REFUSAL,
    REVIEWERS,
    STRANGER,
    SYSTEM,
    T0,
    app,
    at,
    decision,
    objection_case,
    record,
)

from sealkeeper.model.decision import Status
from sealkeeper.procedures import application, sealing
from sealkeeper.procedures.base import Actor, Role, SendNotice, Withdraw, check, transition
from sealkeeper.procedures.errors import (
    ActorRefusedError,
    InvalidCommandError,
    OpeningRefusedError,
    PanelConflictError,
)
from sealkeeper.procedures.objection import (
    AppointPanel,
    Contest,
    Contested,
    Finding,
    ObjectionCase,
    ObjectionPolicy,
    ObjectionState,
    Vote,
    contest_refusal,
    contest_unsealing,
    file_objection,
)

S = ObjectionState


def appointed() -> ObjectionCase:
    case, (event,) = transition(objection_case(), AppointPanel(PANEL), APPROVER2, T0)
    assert (case.state, event.as_dict()["panel"]) == (S.PANEL_APPOINTED, list(PANEL))
    return case


def test_filing_records_the_first_deciders() -> None:
    case = objection_case()
    assert case.contest.deciders == (APPROVER.account,)
    assert case.review_due == case.due == D0 + dt.timedelta(days=30)
    assert check(case) == []


def test_against_a_notified_refusal() -> None:
    case = app()
    for command, actor in [(application.ReviewMaterials(), CLERK), (application.Decide(application.Outcome.REFUSE,
                           (REFUSAL,)), APPROVER), (SendNotice(), CLERK)]:  # fmt: skip
        case, _ = transition(case, command, actor, T0)
    contest = contest_refusal(case)
    assert (contest.kind, contest.deciders, contest.notified_on) == (Contested.REFUSAL, (APPROVER.account,), D0)
    with pytest.raises(OpeningRefusedError):
        contest_refusal(app())


def test_against_an_unsealing() -> None:
    case, _ = transition(record(), sealing.ApplyDecision(decision(Status.SEALED, "2026-01-01")), SYSTEM, T0)
    case, _ = transition(case, sealing.Unseal(sealing.Trigger.JUDICIAL_REQUEST, "UN-1", REASONS), APPROVER, T0)
    contest = contest_unsealing(case)
    assert contest.kind is Contested.UNSEALING
    assert APPROVER.account in contest.deciders
    with pytest.raises(OpeningRefusedError):
        contest_unsealing(record())


def test_opening_refusals() -> None:
    contest = Contest(Contested.REFUSAL, "AP-1", (APPROVER.account,), D0)
    with pytest.raises(OpeningRefusedError, match="cannot object"):
        file_objection("OB-2", "tok", CLERK, T0, contest=contest)
    with pytest.raises(OpeningRefusedError, match="recorded"):
        file_objection("OB-2", "tok", PERSON, T0, contest=replace(contest, deciders=()))
    policy = ObjectionPolicy(filing_window_days=15)
    file_objection("OB-2", "tok", PERSON, at(D0 + dt.timedelta(days=15)), contest=contest, policy=policy)
    with pytest.raises(OpeningRefusedError, match="window"):
        file_objection("OB-2", "tok", PERSON, at(D0 + dt.timedelta(days=16)), contest=contest, policy=policy)


def test_a_first_decider_cannot_sit_on_the_panel() -> None:
    with pytest.raises(PanelConflictError, match=f"panel member {APPROVER.account} took the contested decision"):
        transition(objection_case(), AppointPanel((APPROVER.account, "acct-r2", "acct-r3")), APPROVER2, T0)


@pytest.mark.parametrize("members", [("acct-r1",), ("acct-r1", "acct-r2"), ("acct-r1", "acct-r1", "acct-r2")])
def test_a_panel_is_odd_distinct_and_large_enough(members: tuple[str, ...]) -> None:
    with pytest.raises(InvalidCommandError, match="odd number"):
        transition(objection_case(), AppointPanel(members), APPROVER2, T0)


def test_votes_decide_by_majority_with_the_majority_reasons() -> None:
    case = appointed()
    other = (REFUSAL,)
    case, (event,) = transition(case, Vote(Finding.REVERSED, REASONS), REVIEWERS[0], T0)
    assert (event.kind, event.as_dict()["votes"]) == ("objection.vote_cast", 1)
    with pytest.raises(InvalidCommandError, match="already voted"):
        transition(case, Vote(Finding.UPHELD, REASONS), REVIEWERS[0], T0)
    case, _ = transition(case, Vote(Finding.UPHELD, other), REVIEWERS[1], T0)
    case, events = transition(case, Vote(Finding.REVERSED, REASONS), REVIEWERS[2], at("2026-03-05"))
    assert [e.kind for e in events] == ["objection.vote_cast", "objection.decided"]
    assert (case.state, case.finding, case.reasons) == (S.DECIDED, Finding.REVERSED, REASONS)
    assert events[1].as_dict()["majority"] == 2
    assert set(PANEL) <= set(case.deciders)
    assert check(case) == []
    final, (event,) = transition(case, SendNotice(), CLERK, T0)
    assert (final.state, event.kind, event.as_dict()["finding"]) == (S.FINAL, "objection.notified", "reversed")
    assert final.is_closed


def test_only_panel_members_vote_and_never_a_first_decider() -> None:
    case = appointed()
    with pytest.raises(ActorRefusedError, match="not on the panel"):
        transition(case, Vote(Finding.UPHELD, REASONS), Actor("acct-r9", Role.REVIEWER), T0)
    with pytest.raises(PanelConflictError):
        transition(case, Vote(Finding.UPHELD, REASONS), Actor(APPROVER.account, Role.REVIEWER), T0)
    with pytest.raises(InvalidCommandError, match="reasons"):
        transition(case, Vote(Finding.UPHELD, ()), REVIEWERS[0], T0)


@pytest.mark.parametrize("filed", [True, False])
def test_the_objector_withdraws_before_the_decision(filed: bool) -> None:
    case = objection_case() if filed else appointed()
    with pytest.raises(ActorRefusedError):
        transition(case, Withdraw(), STRANGER, T0)
    new, (event,) = transition(case, Withdraw(), PERSON, T0)
    assert (new.state, event.kind) == (S.WITHDRAWN, "objection.withdrawn")
