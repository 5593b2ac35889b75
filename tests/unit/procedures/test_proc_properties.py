"""Properties of every procedure's state machine under random command sequences (Hypothesis).

Random commands by random actors at advancing times: a command is either refused with a ``CommandRefusedError``
or it gives a case that passes its invariants, a version one higher and at least one event of the procedure,
each event a JSON value with known keys and no personal field. A closed case refuses every command. In
objections the panel never includes a first decider and only panel members vote.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from proc_helpers import (
    APPROVER,
    APPROVER2,
    CLERK,
    COUNSEL,
    GUARDIAN,
    HIGHER,
    JUDGE,
    OPENED,
    PANEL,
    PERSON,
    REASONS,
    REFUSAL,
    REVIEWERS,
    STRANGER,
    SUPERVISOR,
    SYSTEM,
    T0,
    at,
    decision,
)

from sealkeeper.adapters import case_codec
from sealkeeper.model.decision import Status
from sealkeeper.procedures import application, complaint, objection, representation, rights, sealing, unsealing
from sealkeeper.procedures.base import EVENT_KEYS, Actor, Case, Escalate, Role, SendNotice, Withdraw, check, transition
from sealkeeper.procedures.calendars import Calendar, is_overdue
from sealkeeper.procedures.errors import CommandRefusedError, TerminalStateError

DATA_KEYS = frozenset(
    {
        "record",
        "decision",
        "rules",
        "pack",
        "trigger",
        "questions",
        "was_sealed",
        "effective",
        "eligible_on",
        "source_case",
        "citations",
        "records",
        "materials",
        "due",
        "items",
        "decision_due",
        "on",
        "outcome",
        "late",
        "reference",
        "contested",
        "contested_case",
        "first_deciders",
        "panel",
        "votes",
        "of",
        "finding",
        "majority",
        "ruling",
        "record_case",
        "fields",
        "source",
        "verdict",
        "corrected",
        "ground",
        "concerning",
        "because",
        "days_late",
        "capacity",
        "basis",
    }
)
PERSONAL = {"name", "id_number", "address", "case_number"}

ACTORS = [PERSON, GUARDIAN, COUNSEL, Actor(GUARDIAN.account, Role.COUNSEL), STRANGER,
          CLERK, APPROVER, APPROVER2, SYSTEM, JUDGE, SUPERVISOR, HIGHER, *REVIEWERS,
          Actor(APPROVER.account, Role.REVIEWER), Actor(SUPERVISOR.account, Role.HIGHER_AUTHORITY)]  # fmt: skip
STATUSES = [(Status.SEALED, "2026-01-01"), (Status.ELIGIBLE_ON, "2026-03-20"), (Status.NOT_SEALED, None),
            (Status.NEEDS_REVIEW, None), (Status.UNSEALED, "2026-03-05")]  # fmt: skip
BOTH = (REASONS, (REFUSAL,), ())
COMMON: list[Any] = [SendNotice(), Withdraw(), Escalate()]
POOLS: dict[str, list[Any]] = {
    "sealing": [
        *(sealing.ApplyDecision(decision(s, d, f"h{i}"), t) for i, (s, d) in enumerate(STATUSES)
          for t in (sealing.Trigger.EVALUATION, sealing.Trigger.NEW_OFFENCE)),
        sealing.SealDue(), *(sealing.ClerkDecision(b, r) for b in (True, False) for r in BOTH),
        sealing.Seal(sealing.Trigger.APPLICATION, "AP-1", REASONS),
        sealing.Unseal(sealing.Trigger.RETRIAL, "X", REASONS),
        sealing.Unseal(sealing.Trigger.JUDICIAL_REQUEST, "UN-1", ()), sealing.Close("DE-1"),
    ],
    "application": [
        application.ReviewMaterials(), application.ReviewMaterials(("conduct",)), application.SupplyMaterials(("M-2",)),
        application.SupplyMaterials(()), application.Lapse(), application.RecordInterview(True),
        application.RecordInterview(False), *(application.ScheduleInterview(at(d).date()) for d in ("2026-03-10",
        "2026-05-01")), *(application.Decide(o, r) for o in application.Outcome for r in BOTH),
        application.Publish("GB-2026-001"), application.Publish("AP-1"),
    ],
    "objection": [
        objection.AppointPanel(PANEL), objection.AppointPanel((APPROVER.account, *PANEL[1:])),
        objection.AppointPanel(PANEL[:2]), *(objection.Vote(f, r) for f in objection.Finding for r in BOTH),
    ],
    "unsealing": [unsealing.Decide(r, b) for r in unsealing.Ruling for b in BOTH],
    "correction": [
        rights.StartVerification("agency"), rights.StartVerification(""), rights.ConfirmErased(),
        *(rights.Decide(v, r, c) for v in rights.Verdict for r in BOTH for c in ((), ("events[0].date",), ("x",))),
    ],
    "deletion": [rights.ConfirmErased(), *(rights.Decide(v, r) for v in rights.Verdict for r in BOTH)],
    "complaint": [
        *(complaint.Answer(f, r) for f in complaint.Finding for r in BOTH), complaint.Refer(), complaint.Close(),
        *(complaint.Reconsider(f, r) for f in complaint.Finding for r in BOTH),
    ],
    "representation": [
        *(cmd(r) for cmd in (representation.Approve, representation.Refuse, representation.Revoke) for r in BOTH),
    ],
}  # fmt: skip
for _pool in POOLS.values():
    _pool.extend(COMMON)


def assert_event_shape(case: Case, new: Case, events: tuple[Any, ...]) -> None:
    assert events, "every transition emits at least one event"
    for event in events:
        assert event.kind.startswith(f"{case.PROCEDURE}.")
        assert (event.case_id, event.subject, event.version) == (case.case_id, case.subject, new.version)
        out = event.as_dict()
        assert json.loads(json.dumps(out, ensure_ascii=False)) == out
        assert set(out) <= EVENT_KEYS | DATA_KEYS, set(out) - EVENT_KEYS - DATA_KEYS
        assert not set(out) & PERSONAL


def assert_panel_rule(case: Case) -> None:
    if isinstance(case, objection.ObjectionCase):
        assert not set(case.panel) & set(case.contest.deciders)
        assert {b.account for b in case.ballots} <= set(case.panel)
        assert not {b.account for b in case.ballots} & set(case.contest.deciders)


def assert_stored_and_read_back(case: Case) -> None:
    """The storage codec gives back an equal case; the body it stores holds no reason's free text."""
    body, texts = case_codec.encode(case)
    assert case_codec.decode(case.PROCEDURE, body, texts) == case
    assert all(text not in body for text in texts if text)


def assert_closed_refuses_everything(case: Case, pool: list[Any], when: dt.datetime) -> None:
    for command in pool:
        for actor in ACTORS:
            with pytest.raises(TerminalStateError):
                transition(case, command, actor, when)


def guided(case: Case, pool: list[Any]) -> st.SearchStrategy[tuple[Any, Actor]]:
    """Mostly a command the state accepts, by an actor of a role that may give it; sometimes anything."""
    machine = type(case).MACHINE
    steps = [(c, machine.steps[case.state, type(c)]) for c in pool if (case.state, type(c)) in machine.steps]
    anything = st.tuples(st.sampled_from(pool), st.sampled_from(ACTORS))
    fitting = [(c, a) for c, step in steps for a in ACTORS if a.role in step.roles]
    return st.one_of(st.sampled_from(fitting), st.sampled_from(fitting), anything) if fitting else anything


@pytest.mark.parametrize("procedure", sorted(POOLS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_random_sequences_keep_every_invariant(procedure: str, data: st.DataObject) -> None:
    pool = POOLS[procedure]
    case = OPENED[procedure]
    assert check(case) == []
    when = T0
    for _ in range(data.draw(st.integers(0, 30))):
        command, actor = data.draw(guided(case, pool))
        when += dt.timedelta(days=data.draw(st.integers(0, 25)))
        if case.is_closed:
            assert_closed_refuses_everything(case, pool, when)
            break
        where: tuple[str, str] | None = None
        try:
            new, events = transition(case, command, actor, when)
        except CommandRefusedError as refused:
            where = (refused.procedure, refused.state)
        if where is not None:
            assert where == (case.PROCEDURE, str(case.state))
            continue
        assert check(new) == [], (command, actor)
        assert new.version == case.version + 1
        assert_event_shape(case, new, events)
        assert_panel_rule(new)
        assert_stored_and_read_back(new)
        case = new


@settings(max_examples=300, deadline=None)
@given(start=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)), days=st.integers(0, 60), working=st.booleans(),
       holidays=st.frozensets(st.dates(dt.date(2025, 1, 1), dt.date(2028, 6, 30)), max_size=20))  # fmt: skip
def test_deadlines_on_both_sides_of_the_boundary_day(start: dt.date, days: int, working: bool,
                                                     holidays: frozenset[dt.date]) -> None:  # fmt: skip
    calendar = Calendar(working_days=working, holidays=holidays)
    due = calendar.add(start, days)
    assert not is_overdue(due, due)
    assert is_overdue(due + dt.timedelta(days=1), due)
    if working:
        span = [start + dt.timedelta(days=n) for n in range(1, (due - start).days + 1)]
        assert sum(calendar.is_working(d) for d in span) == days
        assert days == 0 or calendar.is_working(due)
    else:
        assert (due - start).days == days
    policy = application.ApplicationPolicy(decision_days=days)
    case, _ = application.file_application("AP-7", "tok", PERSON, at(start), records=("R",), materials=("M",),
                                           policy=policy, calendar=calendar)  # fmt: skip
    case, _ = transition(case, application.ReviewMaterials(), CLERK, at(start))
    assert case.decision_due == due
    for day, late in ((due, False), (due + dt.timedelta(days=1), True)):
        _, (event,) = transition(case, application.Decide(application.Outcome.SEAL, REASONS), APPROVER, at(day))
        assert event.as_dict()["late"] is late
