"""Unsealing on request of a judicial organ: an approver other than the requester rules, with reasons."""

from __future__ import annotations

import pytest
from proc_helpers import APPROVER, CLERK, D0, JUDGE, PERSON, REASONS, T0, unsealing_case

from sealkeeper.procedures.base import Actor, Role, SendNotice, Withdraw, check, transition
from sealkeeper.procedures.errors import ActorRefusedError, InvalidCommandError, OpeningRefusedError
from sealkeeper.procedures.unsealing import Decide, Ruling, UnsealingState, request_unsealing

S = UnsealingState


def test_requested_with_its_legal_basis() -> None:
    case, (event,) = request_unsealing("UN-2", "tok", JUDGE, T0, record_case="S-1", grounds=REASONS)
    assert (case.state, case.requester, event.kind) == (S.REQUESTED, JUDGE.account, "unsealing.requested")
    assert event.as_dict()["citations"] == ["刑事诉讼法第286条"]
    assert case.due is not None
    assert (case.due - D0).days == 15
    with pytest.raises(OpeningRefusedError, match="legal basis"):
        request_unsealing("UN-2", "tok", JUDGE, T0, record_case="S-1", grounds=())
    with pytest.raises(OpeningRefusedError, match="cannot request"):
        request_unsealing("UN-2", "tok", PERSON, T0, record_case="S-1", grounds=REASONS)


@pytest.mark.parametrize("ruling", list(Ruling))
def test_ruled_with_reasons_then_notified(ruling: Ruling) -> None:
    case, (event,) = transition(unsealing_case(), Decide(ruling, REASONS), APPROVER, T0)
    assert (case.state, case.ruling, event.as_dict()["ruling"]) == (S.DECIDED, ruling, str(ruling))
    assert check(case) == []
    closed, (event,) = transition(case, SendNotice(), CLERK, T0)
    assert (closed.state, event.kind) == (S.CLOSED, "unsealing.notified")


def test_the_requester_never_approves_their_own_request() -> None:
    with pytest.raises(ActorRefusedError, match="own request"):
        transition(unsealing_case(), Decide(Ruling.GRANT, REASONS), Actor(JUDGE.account, Role.APPROVER), T0)
    with pytest.raises(InvalidCommandError, match="reasons"):
        transition(unsealing_case(), Decide(Ruling.GRANT, ()), APPROVER, T0)


def test_withdrawn_by_the_requester_only() -> None:
    with pytest.raises(ActorRefusedError):
        transition(unsealing_case(), Withdraw(), Actor("acct-other-court", Role.JUDICIAL), T0)
    case, (event,) = transition(unsealing_case(), Withdraw(), JUDGE, T0)
    assert (case.state, event.kind) == (S.WITHDRAWN, "unsealing.withdrawn")
