"""Correction and deletion requests by the person, each with its own review steps."""

from __future__ import annotations

import pytest
from proc_helpers import APPROVER, CLERK, JUDGE, PERSON, REASONS, STRANGER, SYSTEM, T0, correction_case, deletion_case

from sealkeeper.procedures.base import SendNotice, Withdraw, check, transition
from sealkeeper.procedures.errors import ActorRefusedError, InvalidCommandError, OpeningRefusedError
from sealkeeper.procedures.rights import (
    ConfirmErased,
    Decide,
    RequestState,
    StartVerification,
    Verdict,
    file_correction,
    file_deletion,
)

S = RequestState


def test_a_correction_names_fields_never_values() -> None:
    case = correction_case()
    assert case.fields == ("events[0].date",)
    with pytest.raises(OpeningRefusedError, match="fields"):
        file_correction("CO-2", "tok", PERSON, T0, record_case="S-1", fields=())
    with pytest.raises(OpeningRefusedError, match="cannot file"):
        file_correction("CO-2", "tok", JUDGE, T0, record_case="S-1", fields=("x",))


def test_a_correction_is_verified_then_decided_then_notified() -> None:
    case, (event,) = transition(correction_case(), StartVerification("agency-court-1"), CLERK, T0)
    assert (case.state, event.kind, event.as_dict()["source"]) == (S.VERIFYING, "correction.verification_started",
                                                                   "agency-court-1")  # fmt: skip
    with pytest.raises(InvalidCommandError, match="fields corrected"):
        transition(case, Decide(Verdict.ACCEPT, REASONS), APPROVER, T0)
    with pytest.raises(InvalidCommandError, match="fields corrected"):
        transition(case, Decide(Verdict.ACCEPT, REASONS, ("events[9].date",)), APPROVER, T0)
    done, (event,) = transition(case, Decide(Verdict.ACCEPT, REASONS, ("events[0].date",)), APPROVER, T0)
    assert (done.state, done.corrected, event.as_dict()["corrected"]) == (S.DECIDED, ("events[0].date",),
                                                                          ["events[0].date"])  # fmt: skip
    assert check(done) == []
    closed, (event,) = transition(done, SendNotice(), CLERK, T0)
    assert (closed.state, event.kind) == (S.CLOSED, "correction.notified")


def test_a_correction_needs_a_source_and_reasons() -> None:
    with pytest.raises(InvalidCommandError, match="agency"):
        transition(correction_case(), StartVerification(""), CLERK, T0)
    case, _ = transition(correction_case(), StartVerification("agency"), CLERK, T0)
    with pytest.raises(InvalidCommandError, match="reasons"):
        transition(case, Decide(Verdict.REJECT, ()), APPROVER, T0)
    with pytest.raises(InvalidCommandError):
        transition(case, Decide(Verdict.REJECT, REASONS, ("events[0].date",)), APPROVER, T0)


def test_an_accepted_deletion_is_erased_before_notice() -> None:
    case, (event,) = transition(deletion_case(), Decide(Verdict.ACCEPT, REASONS), APPROVER, T0)
    assert (case.state, event.kind) == (S.DECIDED, "deletion.decided")
    with pytest.raises(InvalidCommandError, match="carried out before the notice"):
        transition(case, SendNotice(), CLERK, T0)
    erased, (event,) = transition(case, ConfirmErased(), SYSTEM, T0)
    assert (erased.state, erased.erased_on, event.kind) == (S.ERASED, T0.date(), "deletion.erased")
    closed, _ = transition(erased, SendNotice(), CLERK, T0)
    assert closed.state is S.CLOSED


def test_a_clerk_carries_out_an_accepted_deletion_and_no_one_else_does() -> None:
    case, _ = transition(deletion_case(), Decide(Verdict.ACCEPT, REASONS), APPROVER, T0)
    for actor in (PERSON, APPROVER, JUDGE, STRANGER):
        with pytest.raises(ActorRefusedError):
            transition(case, ConfirmErased(), actor, T0)
    erased, (event,) = transition(case, ConfirmErased(), CLERK, T0)
    assert (erased.state, event.as_dict()["role"]) == (S.ERASED, "clerk")


def test_a_rejected_deletion_is_notified_and_never_erased() -> None:
    case, _ = transition(deletion_case(), Decide(Verdict.REJECT, REASONS), APPROVER, T0)
    with pytest.raises(InvalidCommandError, match="only an accepted deletion"):
        transition(case, ConfirmErased(), SYSTEM, T0)
    closed, (event,) = transition(case, SendNotice(), CLERK, T0)
    assert (closed.state, event.as_dict()["verdict"]) == (S.CLOSED, "reject")


def test_deletion_of_fields_and_withdrawal() -> None:
    case, (event,) = file_deletion("DE-2", "tok", PERSON, T0, record_case="S-1", fields=("person.address",))
    assert event.as_dict()["fields"] == ["person.address"]
    with pytest.raises(ActorRefusedError):
        transition(case, Withdraw(), STRANGER, T0)
    gone, (event,) = transition(case, Withdraw(), PERSON, T0)
    assert (gone.state, event.kind) == (S.WITHDRAWN, "deletion.withdrawn")
