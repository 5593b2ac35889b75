"""A guardian's or counsel's link to a person: stated capacity and basis, a clerk's decision with reasons, ended
by revocation or by the representative."""

from __future__ import annotations

import pytest
from proc_helpers import CLERK, COUNSEL, GUARDIAN, PERSON, REASONS, T0, representation_case

from sealkeeper.procedures.base import Actor, Role, Withdraw, check, transition
from sealkeeper.procedures.errors import ActorRefusedError, InvalidCommandError, OpeningRefusedError
from sealkeeper.procedures.representation import (
    Approve,
    Basis,
    Capacity,
    Refuse,
    RepresentationState,
    Revoke,
    file_representation,
)

S = RepresentationState


def test_a_request_states_capacity_and_basis_and_waits_for_the_clerk() -> None:
    case, (event,) = file_representation("RP-2", "tok", GUARDIAN, T0, capacity=Capacity.GUARDIAN,
                                         basis=Basis.APPOINTED_GUARDIAN, document="M-7")  # fmt: skip
    assert (case.state, case.representative, check(case)) == (S.REQUESTED, GUARDIAN.account, [])
    data = event.as_dict()
    assert (data["kind"], data["role"], data["capacity"], data["basis"]) == (
        "representation.requested", "guardian", "guardian", "appointed_guardian"
    )  # fmt: skip
    assert "M-7" not in str(data)  # the document's id stays in the case, out of the ledger


@pytest.mark.parametrize(
    ("actor", "capacity", "basis", "document", "match"),
    [
        (COUNSEL, Capacity.GUARDIAN, Basis.PARENT, "M-1", "in the role guardian"),
        (PERSON, Capacity.COUNSEL, Basis.DEFENCE_MANDATE, "M-1", "in the role counsel"),
        (GUARDIAN, Capacity.GUARDIAN, Basis.DEFENCE_MANDATE, "M-1", "basis"),
        (COUNSEL, Capacity.COUNSEL, Basis.LEGAL_AID, "", "document"),
    ],
)
def test_a_request_out_of_capacity_or_without_basis_is_refused(
    actor: Actor, capacity: Capacity, basis: Basis, document: str, match: str
) -> None:
    with pytest.raises(OpeningRefusedError, match=match):
        file_representation("RP-3", "tok", actor, T0, capacity=capacity, basis=basis, document=document)


def test_the_clerk_approves_with_reasons_and_may_revoke() -> None:
    case = representation_case("counsel")
    with pytest.raises(ActorRefusedError):
        transition(case, Approve(REASONS), COUNSEL, T0)
    with pytest.raises(InvalidCommandError, match="reasons"):
        transition(case, Approve(()), CLERK, T0)
    approved, (event,) = transition(case, Approve(REASONS), CLERK, T0)
    assert (approved.state, approved.due, event.kind) == (S.APPROVED, None, "representation.approved")
    revoked, _ = transition(approved, Revoke(REASONS), CLERK, T0)
    assert revoked.is_closed


def test_a_clerk_who_is_the_representative_does_not_decide_and_only_the_representative_ends_it() -> None:
    case = representation_case()
    with pytest.raises(InvalidCommandError, match="their own link"):
        transition(case, Refuse(REASONS), Actor(GUARDIAN.account, Role.CLERK), T0)
    approved, _ = transition(case, Approve(REASONS), CLERK, T0)
    with pytest.raises(ActorRefusedError):
        transition(approved, Withdraw(), Actor("acct-other", Role.GUARDIAN), T0)
    with pytest.raises(InvalidCommandError, match="role guardian"):
        transition(approved, Withdraw(), Actor(GUARDIAN.account, Role.COUNSEL), T0)
    ended, (event,) = transition(approved, Withdraw(), GUARDIAN, T0)
    assert (ended.state, event.kind) == (S.WITHDRAWN, "representation.withdrawn")
