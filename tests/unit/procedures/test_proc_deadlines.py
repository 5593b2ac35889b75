"""The clerk's queue: time left per open case, overdue first; escalation of overdue steps."""

from __future__ import annotations

import datetime as dt

from proc_helpers import CLERK, D0, PERSON, SYSTEM, T0, app, at, complaint_case, objection_case, unsealing_case

from sealkeeper.procedures import application
from sealkeeper.procedures.base import Withdraw, transition
from sealkeeper.procedures.deadlines import escalate_overdue, queue


def test_queue_orders_overdue_first_and_shows_time_left() -> None:
    requested, _ = transition(app(), application.ReviewMaterials(("x",)), CLERK, T0)  # applicant's move
    withdrawn, _ = transition(app(), Withdraw(), PERSON, T0)
    cases = [objection_case(), app(), unsealing_case(), complaint_case(), requested, withdrawn]
    items = queue(cases, at(D0 + dt.timedelta(days=10)))
    assert [i.procedure for i in items] == ["application", "unsealing", "application", "complaint", "objection"]
    first = items[0]
    assert (first.overdue, first.days_left, first.waiting_on) == (True, -5, "authority")
    assert [i.overdue for i in items] == [True, False, False, False, False]
    assert items[2].waiting_on == "applicant"
    assert all(i.case_id != withdrawn.case_id or i.state != "withdrawn" for i in items)


def test_the_last_day_is_not_overdue() -> None:
    case = app()
    assert case.due is not None
    (on_time,) = queue([case], at(case.due, 23))
    (late,) = queue([case], at(case.due + dt.timedelta(days=1), 0))
    assert (on_time.overdue, on_time.days_left) == (False, 0)
    assert (late.overdue, late.days_left) == (True, -1)


def test_escalate_overdue_once_per_step() -> None:
    cases = [app(), objection_case(), complaint_case()]
    now = at(D0 + dt.timedelta(days=6))
    out, events = escalate_overdue(cases, SYSTEM, now)
    assert [e.kind for e in events] == ["application.escalated"]  # the complaint's filed step is referred instead
    again, more = escalate_overdue(out, SYSTEM, now)
    assert more == ()
    assert again == out
    assert queue(out, now)[0].escalations == 1
