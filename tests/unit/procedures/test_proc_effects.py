"""What a decision in one procedure orders in record cases (``procedures.effects.follow_ups``)."""

from __future__ import annotations

from proc_helpers import (
    APPROVER,
    CLERK,
    REASONS,
    REVIEWERS,
    SYSTEM,
    T0,
    app,
    deletion_case,
    objection_case,
    unsealing_case,
)

from sealkeeper.procedures import application, objection, rights, sealing, unsealing
from sealkeeper.procedures.base import SendNotice, transition
from sealkeeper.procedures.effects import FollowUp, follow_ups


def decided_app(outcome: application.Outcome) -> tuple[application.ApplicationCase, application.ApplicationCase]:
    accepted, _ = transition(app(), application.ReviewMaterials(), CLERK, T0)
    decided, _ = transition(accepted, application.Decide(outcome, REASONS), APPROVER, T0)
    return accepted, decided


def test_a_granted_application_seals_each_record_once() -> None:
    before, after = decided_app(application.Outcome.SEAL)
    assert follow_ups(before, after) == (FollowUp("R-1", sealing.Seal(sealing.Trigger.APPLICATION, "AP-1", REASONS)),)
    notified, _ = transition(after, SendNotice(), CLERK, T0)
    assert follow_ups(after, notified) == ()  # only the step that decided orders anything


def test_a_refusal_orders_nothing() -> None:
    assert follow_ups(*decided_app(application.Outcome.REFUSE)) == ()


def test_a_granted_unsealing_unseals_and_a_refused_one_does_not() -> None:
    case = unsealing_case()
    for ruling, expected in ((unsealing.Ruling.GRANT, 1), (unsealing.Ruling.REFUSE, 0)):
        after, _ = transition(case, unsealing.Decide(ruling, REASONS), APPROVER, T0)
        found = follow_ups(case, after)
        assert len(found) == expected
        if found:
            assert found[0] == FollowUp("S-1", sealing.Unseal(sealing.Trigger.JUDICIAL_REQUEST, "UN-1", REASONS))


def test_a_reversed_refusal_seals_the_records_of_the_refused_application() -> None:
    case = objection_case()
    case, _ = transition(case, objection.AppointPanel(tuple(r.account for r in REVIEWERS)), APPROVER, T0)
    before = case
    for reviewer in REVIEWERS:
        before, case = case, transition(case, objection.Vote(objection.Finding.REVERSED, REASONS), reviewer, T0)[0]
    assert case.state is objection.ObjectionState.DECIDED
    found = follow_ups(before, case, {"AP-1": ("S-1", "S-2")})
    assert [f.record_case for f in found] == ["S-1", "S-2"]
    assert all(f.command.trigger is sealing.Trigger.OBJECTION for f in found)  # type: ignore[union-attr]


def test_an_erased_deletion_closes_the_record_case() -> None:
    case = deletion_case()
    case, _ = transition(case, rights.Decide(rights.Verdict.ACCEPT, REASONS), APPROVER, T0)
    erased, _ = transition(case, rights.ConfirmErased(), SYSTEM, T0)  # the erasure service confirms
    assert follow_ups(case, erased) == (FollowUp("S-1", sealing.Close("DE-1")),)
