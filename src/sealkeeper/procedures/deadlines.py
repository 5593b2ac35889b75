"""The clerk's queue: every open case with its deadline and the time left, overdue ones first.

``days_left`` counts calendar days to the last day of the current step (0 on that day, negative once it has
passed; the last day itself is already computed in the case's calendar, working days or not). A case is
overdue from the day after its last day. ``waiting_on`` says whose move it is: the authority's, or the
applicant's (materials requested, a rejected complaint that may be referred). ``escalate_overdue`` applies
the ``Escalate`` transition to every overdue case that the authority owes and that was not yet escalated
for its current step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sealkeeper.procedures.base import Actor, Case, Escalate, Event, require_aware, transition
from sealkeeper.procedures.calendars import days_left, is_overdue


@dataclass(frozen=True, slots=True)
class QueueItem:
    case_id: str
    procedure: str
    state: str
    due: dt.date
    days_left: int
    overdue: bool
    waiting_on: str  # "authority" or "applicant"
    escalations: int


def queue(cases: Iterable[Case], now: dt.datetime) -> tuple[QueueItem, ...]:
    """Open cases with a deadline, overdue first (the most overdue first), then by time left, then by id."""
    today = require_aware(now)
    items = []
    for case in cases:
        if case.is_closed or case.due is None:
            continue
        owes = case.state in type(case).MACHINE.authority
        items.append(
            QueueItem(
                case_id=case.case_id,
                procedure=case.PROCEDURE,
                state=str(case.state),
                due=case.due,
                days_left=days_left(today, case.due),
                overdue=is_overdue(today, case.due),
                waiting_on="authority" if owes else "applicant",
                escalations=case.escalations,
            )
        )
    return tuple(sorted(items, key=lambda i: (not i.overdue, i.days_left, i.procedure, i.case_id)))


def escalate_overdue(cases: Iterable[Case], actor: Actor, now: dt.datetime) -> tuple[list[Case], tuple[Event, ...]]:
    """Every case, with the overdue ones the authority owes escalated once for their current step."""
    today = require_aware(now)
    out: list[Case] = []
    events: list[Event] = []
    for case in cases:
        machine = type(case).MACHINE
        due = case.due
        if (
            not case.is_closed
            and case.state in machine.escalable
            and due is not None
            and is_overdue(today, due)
            and case.escalated_for != due
        ):
            case, emitted = transition(case, Escalate(), actor, now)  # noqa: PLW2901
            events.extend(emitted)
        out.append(case)
    return out, tuple(events)
