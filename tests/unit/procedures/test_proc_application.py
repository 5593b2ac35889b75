"""Applications: filing, material review, interview, decision within the deadline, notice, publication."""

from __future__ import annotations

import datetime as dt

import pytest
from proc_helpers import APPROVER, CLERK, D0, GUARDIAN, JUDGE, PERSON, REASONS, STRANGER, SYSTEM, T0, app, at

from sealkeeper.procedures.application import (
    ApplicationCase,
    ApplicationPolicy,
    ApplicationState,
    Decide,
    Lapse,
    Outcome,
    Publish,
    RecordInterview,
    ReviewMaterials,
    ScheduleInterview,
    SupplyMaterials,
    file_application,
)
from sealkeeper.procedures.base import Actor, Event, SendNotice, Withdraw, check, transition
from sealkeeper.procedures.calendars import WORKING_DAYS
from sealkeeper.procedures.errors import ActorRefusedError, InvalidCommandError, NotDueError, OpeningRefusedError

D = dt.date.fromisoformat
S = ApplicationState


def step(case: ApplicationCase, command: object, actor: Actor, when: dt.datetime = T0) -> tuple[ApplicationCase, Event]:
    new, events = transition(case, command, actor, when)
    assert len(events) == 1
    assert check(new) == []
    assert new.version == case.version + 1
    return new, events[0]


def accepted(when: dt.datetime = T0) -> ApplicationCase:
    return step(app(), ReviewMaterials(), CLERK, when)[0]


def decided(outcome: Outcome = Outcome.SEAL) -> ApplicationCase:
    return step(accepted(), Decide(outcome, REASONS), APPROVER)[0]


class TestFiling:
    def test_the_person_a_guardian_or_counsel_files_with_materials(self) -> None:
        case, (event,) = file_application("AP-2", "tok", GUARDIAN, T0, records=("R-1",), materials=("M-1",))
        assert (case.state, case.applicant, case.due) == (S.FILED, GUARDIAN.account, D0 + dt.timedelta(days=5))
        assert event.kind == "application.filed"
        assert event.as_dict()["role"] == "guardian"
        assert check(case) == []

    @pytest.mark.parametrize(("actor", "records", "materials"), [(JUDGE, ("R",), ("M",)), (PERSON, (), ("M",)),
                                                                 (PERSON, ("R",), ())])  # fmt: skip
    def test_refused(self, actor: Actor, records: tuple[str, ...], materials: tuple[str, ...]) -> None:
        with pytest.raises(OpeningRefusedError, match="application AP-2"):
            file_application("AP-2", "tok", actor, T0, records=records, materials=materials)


class TestMaterials:
    def test_complete_materials_accept_and_start_the_decision_deadline(self) -> None:
        case, event = step(app(), ReviewMaterials(), CLERK, at("2026-03-04"))
        assert case.state is S.ACCEPTED
        assert case.decision_due == case.due == D("2026-04-03")
        assert event.kind == "application.materials_accepted"

    def test_more_materials_requested_then_supplied_by_the_applicant_only(self) -> None:
        case, event = step(app(), ReviewMaterials(("conduct_certificate",)), CLERK)
        assert (case.state, case.requested, event.kind) == (S.MATERIALS_REQUESTED, ("conduct_certificate",),
                                                            "application.materials_requested")  # fmt: skip
        assert case.due == D0 + dt.timedelta(days=30)
        with pytest.raises(ActorRefusedError, match="applicant's own account"):
            transition(case, SupplyMaterials(("M-2",)), STRANGER, T0)
        with pytest.raises(InvalidCommandError, match="no materials"):
            transition(case, SupplyMaterials(()), PERSON, T0)
        back, event = step(case, SupplyMaterials(("M-2",)), PERSON, at("2026-03-10"))
        assert (back.state, back.materials, back.due) == (S.FILED, ("M-1", "M-2"), D("2026-03-15"))
        assert event.kind == "application.materials_supplied"

    def test_a_request_lapses_only_after_its_deadline(self) -> None:
        case, _ = step(app(), ReviewMaterials(("x",)), CLERK)
        assert case.due is not None
        with pytest.raises(NotDueError):
            transition(case, Lapse(), SYSTEM, at(case.due))
        lapsed, event = step(case, Lapse(), SYSTEM, at(case.due + dt.timedelta(days=1)))
        assert lapsed.is_closed
        assert event.kind == "application.lapsed"


class TestInterview:
    def test_scheduled_held_then_decided(self) -> None:
        case, event = step(accepted(), ScheduleInterview(D("2026-03-10")), CLERK)
        assert (case.state, event.kind) == (S.INTERVIEW_SCHEDULED, "application.interview_scheduled")
        with pytest.raises(NotDueError):
            transition(case, RecordInterview(True), CLERK, at("2026-03-09"))
        held, event = step(case, RecordInterview(True), CLERK, at("2026-03-10"))
        assert (held.state, held.interviewed, event.kind) == (S.INTERVIEWED, True, "application.interview_held")
        done, _ = step(held, Decide(Outcome.SEAL, REASONS), APPROVER)
        assert done.state is S.DECIDED

    def test_cancelled_returns_to_accepted(self) -> None:
        case, _ = step(accepted(), ScheduleInterview(D("2026-03-10")), CLERK)
        back, event = step(case, RecordInterview(False), CLERK)
        assert (back.state, back.interview_on, event.kind) == (S.ACCEPTED, None, "application.interview_cancelled")

    @pytest.mark.parametrize("day", ["2026-03-01", "2026-04-02"])
    def test_an_interview_falls_between_today_and_the_deadline(self, day: str) -> None:
        with pytest.raises(InvalidCommandError, match="interview"):
            transition(accepted(), ScheduleInterview(D(day)), CLERK, T0)


class TestDecision:
    def test_with_reasons_and_articles(self) -> None:
        case, event = step(accepted(), Decide(Outcome.REFUSE, REASONS), APPROVER, at("2026-03-20"))
        assert (case.outcome, case.decided_on, case.deciders) == (Outcome.REFUSE, D("2026-03-20"), (APPROVER.account,))
        out = event.as_dict()
        assert (out["outcome"], out["rules"], out["citations"], out["late"]) == (
            "refuse", ["cn.juvenile.sealed"], ["刑事诉讼法第286条"], False)  # fmt: skip
        assert case.due == D("2026-03-25")

    def test_without_reasons_refused(self) -> None:
        with pytest.raises(InvalidCommandError, match="reasons"):
            transition(accepted(), Decide(Outcome.SEAL, ()), APPROVER, T0)

    @pytest.mark.parametrize(("day", "late"), [("2026-04-01", False), ("2026-04-02", True)])
    def test_the_last_day_is_in_time_the_next_is_late(self, day: str, late: bool) -> None:
        case = accepted()
        assert case.decision_due == D("2026-04-01")
        _, event = step(case, Decide(Outcome.SEAL, REASONS), APPROVER, at(day))
        assert event.as_dict()["late"] is late

    def test_working_day_deadlines_are_a_parameter(self) -> None:
        policy = ApplicationPolicy(decision_days=20)
        case, _ = file_application("AP-3", "tok", PERSON, T0, records=("R",), materials=("M",), policy=policy,
                                   calendar=WORKING_DAYS)  # fmt: skip
        assert case.due == D("2026-03-09")  # five working days after Monday 2 March
        assert step(case, ReviewMaterials(), CLERK)[0].decision_due == D("2026-03-30")


class TestNoticeAndPublication:
    def test_notice_then_publication(self) -> None:
        case, event = step(decided(), SendNotice(), CLERK, at("2026-03-03"))
        assert (case.state, case.notified_on, event.kind) == (S.NOTIFIED, D("2026-03-03"), "application.notified")
        done, event = step(case, Publish("GB-2026-007"), CLERK)
        assert (done.state, done.publication, event.as_dict()["reference"]) == (S.PUBLISHED, "GB-2026-007",
                                                                                "GB-2026-007")  # fmt: skip
        assert done.is_closed

    @pytest.mark.parametrize("reference", ["", "AP-1", "（2023）京0105刑初123号", "110101200001011234", "tok-1"])
    def test_a_reference_that_identifies_is_refused(self, reference: str) -> None:
        case, _ = step(decided(), SendNotice(), CLERK)
        with pytest.raises(InvalidCommandError, match="publication"):
            transition(case, Publish(reference), CLERK, T0)


class TestWithdrawal:
    @pytest.mark.parametrize("state", [S.FILED, S.MATERIALS_REQUESTED, S.ACCEPTED, S.INTERVIEWED])
    def test_the_applicant_withdraws_before_the_decision(self, state: ApplicationState) -> None:
        from dataclasses import replace  # noqa: PLC0415

        case = replace(app(), state=state)
        with pytest.raises(ActorRefusedError):
            transition(case, Withdraw(), STRANGER, T0)
        new, (event,) = transition(case, Withdraw(), PERSON, T0)
        assert (new.state, new.due, event.kind) == (S.WITHDRAWN, None, "application.withdrawn")
