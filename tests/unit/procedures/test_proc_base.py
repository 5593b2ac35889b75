"""The shared machinery: calendars, events, and the refusals every procedure gives (state, role, closed).

The refusal tables are exhaustive: for every procedure, every state and every command it knows, a command that
is not in the state's row is refused naming the procedure, the state and the command; a command in the row
is refused for every role not listed; a closed state refuses every command.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from enum import StrEnum

import pytest
from proc_helpers import ALL_ROLES, CLERK, COMMANDS, OPENED, PERSON, SYSTEM, T0, at

from sealkeeper.errors import SealkeeperError
from sealkeeper.procedures import application
from sealkeeper.procedures.base import EVENT_KEYS, Actor, Escalate, Event, Reason, Role, transition
from sealkeeper.procedures.calendars import CALENDAR_DAYS, WORKING_DAYS, Calendar, days_left, is_overdue
from sealkeeper.procedures.errors import (
    ActorRefusedError,
    CommandRefusedError,
    NotAllowedInStateError,
    NotDueError,
    TerminalStateError,
)

D = dt.date.fromisoformat


class TestCalendar:
    def test_calendar_days_count_from_the_day_after(self) -> None:
        assert CALENDAR_DAYS.add(D("2026-03-02"), 30) == D("2026-04-01")
        assert CALENDAR_DAYS.add(D("2026-03-02"), 0) == D("2026-03-02")

    def test_working_days_skip_weekends_holidays_and_count_makeup_days(self) -> None:
        assert WORKING_DAYS.add(D("2026-03-06"), 1) == D("2026-03-09")  # Friday + 1 = Monday
        assert WORKING_DAYS.add(D("2026-03-02"), 5) == D("2026-03-09")
        cal = Calendar(working_days=True, holidays=frozenset({D("2026-03-09")}), workdays=frozenset({D("2026-03-07")}))
        assert cal.add(D("2026-03-06"), 1) == D("2026-03-07")  # Saturday worked
        assert cal.add(D("2026-03-06"), 2) == D("2026-03-10")  # Monday is a holiday

    def test_roll_forward_moves_a_period_ending_on_a_rest_day(self) -> None:
        cal = Calendar(roll_forward=True, holidays=frozenset({D("2026-03-09")}))
        assert cal.add(D("2026-03-02"), 5) == D("2026-03-10")  # Saturday 7th → Sunday → holiday → Tuesday
        assert CALENDAR_DAYS.add(D("2026-03-02"), 5) == D("2026-03-07")

    def test_refusals(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            CALENDAR_DAYS.add(D("2026-03-02"), -1)
        with pytest.raises(ValueError, match="both"):
            Calendar(holidays=frozenset({D("2026-03-02")}), workdays=frozenset({D("2026-03-02")}))

    @pytest.mark.parametrize(("today", "left", "late"), [("2026-04-01", 0, False), ("2026-04-02", -1, True),
                                                          ("2026-03-31", 1, False)])  # fmt: skip
    def test_the_last_day_is_in_time_and_the_next_is_late(self, today: str, left: int, late: bool) -> None:
        assert days_left(D(today), D("2026-04-01")) == left
        assert is_overdue(D(today), D("2026-04-01")) is late


class TestEvents:
    def test_as_dict_is_json_with_the_fixed_keys(self) -> None:
        event = Event("x.y", "C-1", "tok", T0, CLERK, "filed", 2, (("rules", ("a", "b")), ("late", False)))
        out = event.as_dict()
        assert out["procedure"] == "x"
        assert out["rules"] == ["a", "b"]
        assert json.loads(json.dumps(out)) == out

    def test_data_cannot_shadow_a_fixed_key(self) -> None:
        with pytest.raises(ValueError, match="reserved"):
            Event("x.y", "C-1", "tok", T0, CLERK, "filed", 2, (("subject", "other"),))

    def test_values(self) -> None:
        with pytest.raises(ValueError, match="account"):
            Actor("", Role.CLERK)
        with pytest.raises(ValueError, match="rule"):
            Reason("", "art")
        assert {"kind", "subject", "case_id"} <= EVENT_KEYS


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        transition(OPENED["application"], application.ReviewMaterials(), CLERK, dt.datetime(2026, 3, 2))  # noqa: DTZ001


def test_errors_are_sealkeeper_errors_and_name_procedure_state_command() -> None:
    with pytest.raises(CommandRefusedError) as info:
        transition(OPENED["application"], application.Publish("P-1"), CLERK, T0)
    assert isinstance(info.value, SealkeeperError)
    message = str(info.value)
    assert "application AP-1" in message
    assert "state filed" in message
    assert "Publish" in message
    assert "ReviewMaterials" in message  # what is allowed instead


def _pairs() -> list[tuple[str, StrEnum, object]]:
    out: list[tuple[str, StrEnum, object]] = []
    for procedure, case in OPENED.items():
        machine = type(case).MACHINE
        for state in type(case.state):
            for command in COMMANDS[procedure]:
                out.append((procedure, state, command))
        assert machine.procedure == procedure
    return out


@pytest.mark.parametrize(("procedure", "state", "command"), _pairs(), ids=lambda v: type(v).__name__)
def test_every_state_and_command(procedure: str, state: StrEnum, command: object) -> None:
    case = replace(OPENED[procedure], state=state)
    machine = type(case).MACHINE
    if state in machine.terminal:
        for role in ALL_ROLES:
            with pytest.raises(TerminalStateError):
                transition(case, command, Actor("acct-x", role), T0)
        return
    if isinstance(command, Escalate):
        with pytest.raises(NotAllowedInStateError if state not in machine.escalable else NotDueError):
            transition(case, command, SYSTEM, T0)
        return
    step = machine.steps.get((state, type(command)))
    if step is None:
        with pytest.raises(NotAllowedInStateError) as info:
            transition(case, command, SYSTEM, T0)
        assert f"{procedure} {case.case_id} in state {state}: command {type(command).__name__}" in str(info.value)
        return
    for role in ALL_ROLES:
        if role not in step.roles:
            with pytest.raises(ActorRefusedError, match=f"role {role}"):
                transition(case, command, Actor("acct-x", role), T0)


def test_escalation_needs_an_escalating_role() -> None:
    case = OPENED["application"]
    late = at(case.due + dt.timedelta(days=1)) if case.due else T0
    with pytest.raises(ActorRefusedError):
        transition(case, Escalate(), PERSON, late)
