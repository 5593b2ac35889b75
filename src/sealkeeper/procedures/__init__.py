"""The procedures of sealing as pure state machines (no I/O, no database, no clock, no framework).

Each procedure is a module: its states, its case (an immutable value), its commands, the function that opens
it, and its transition table. ``transition(case, command, actor, at)`` applies any command to any case and
returns the new case and the events to log, or raises a ``CommandRefusedError`` naming the procedure, the
case, its state and the command. Commands of the same name in different procedures (``Decide``, ``Close``)
live in their modules: ``from sealkeeper.procedures import application; application.Decide(...)``.

- ``sealing``: automatic (ex officio) sealing of a record from the engine's decisions; ``daily_run`` plans
  and applies the daily run.
- ``application``: an application to seal; ``publication`` publishes its decision anonymised.
- ``objection``: objection against a refusal or an unsealing, with a review panel.
- ``unsealing``: unsealing on request of a judicial organ.
- ``rights``: correction and deletion requests.
- ``complaint``: complaints to the supervising body, referred to the higher authority.
- ``representation``: a guardian's or counsel's link to a person, approved by a clerk.
- ``deadlines``: the clerk's queue and the escalation of overdue steps.
"""

from sealkeeper.procedures.base import (
    APPLICANTS,
    Actor,
    Case,
    Escalate,
    Event,
    Reason,
    Role,
    SendNotice,
    Withdraw,
    check,
    transition,
)
from sealkeeper.procedures.calendars import CALENDAR_DAYS, WORKING_DAYS, Calendar
from sealkeeper.procedures.daily_run import RunPlan, RunResult, apply_plan, daily_run
from sealkeeper.procedures.deadlines import QueueItem, escalate_overdue, queue
from sealkeeper.procedures.errors import CommandRefusedError, ProcedureError

__all__ = [
    "APPLICANTS",
    "CALENDAR_DAYS",
    "WORKING_DAYS",
    "Actor",
    "Calendar",
    "Case",
    "CommandRefusedError",
    "Escalate",
    "Event",
    "ProcedureError",
    "QueueItem",
    "Reason",
    "Role",
    "RunPlan",
    "RunResult",
    "SendNotice",
    "Withdraw",
    "apply_plan",
    "check",
    "daily_run",
    "escalate_overdue",
    "queue",
    "transition",
]
